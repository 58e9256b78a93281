"""Leverage and hedging: holders squeeze their levers when Tajikistan defects, Tajikistan
concedes, hedges or defies, patrons compete for it, and it builds what frees it.

The levers themselves move in :mod:`sim.core.levers`. A squeeze is a discrete decision (an
episode, logged as ``pressure``) whose chance grows with how far Tajikistan has moved against the
holder's interests and with how much the holder holds over it, and shrinks with what the squeeze
costs the holder. Tajikistan's answer reads the same state, lever by lever: it concedes where it
cannot replace the holder in the squeezed lever (vulnerability: Keohane and Nye) and what is
demanded is cheap, and the holder then eases; it defies where others could replace the holder, or
where the demand is a project its regime has staked itself on (the Rogun dam), as far as the regime
is secure; and it hedges the more one holder holds over it (Kuik). It answers a squeeze at most
once, and its answers make its reputation, which every holder reads before it squeezes
(:mod:`sim.core.reputation`; Weisiger and Yarhi-Milo): giving way makes the next squeeze likelier,
standing firm less likely; so it gives way the less, the more other holders that have squeezed it
watch (Walter).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.core.rulebook import rule
from sim.core.rules.bargaining import (
    HOLDOUT_WEIGHT,
    RUSSIAS_RIVALS,
    coercion,
    defection_from_russia,
    holding_out,
    leaning_to_rivals,
    lease_running_out,
    outside_options,
)
from sim.core.rules.common import pos, us_at_war_next_door
from sim.core.world import World

if TYPE_CHECKING:
    from sim.core.agents import Actor

#: Tajikistan's monthly chance of resolving to build the Rogun dam, at full energy insecurity, money
#: and peace (R70). A prior, not a fit, set before the rule was first run and not changed since: at
#: the readings of peacetime (insecurity 0.29-0.33, which no squeeze moves before the decision; money
#: about 0.15, mostly its economy) the chance is 0.004-0.005 a month, an even chance of resolving
#: within about 13 years, so the decision waits for peace and money and its year is mostly chance
#: (in the replay it falls anywhere from 1994 to 2023, and some replicates never resolve). Half
#: or double this moves the share that resolve, the year and the squeezes that follow, less than
#: in proportion (half gives two thirds of the squeezes; calibration/README.md).
DAM_RESOLVE = 0.1
#: The share of its own energy a month's building of the dam adds at full money (R70). A prior, not a
#: fit: the dam fully funded would take about twenty years (its design is the world's tallest), and
#: finished it would replace most of what now comes through neighbours. Money is what it is short of.
DAM_PACE = 0.004

#: How much a concession eases each squeeze of the holder it gives way to (R66): about one squeeze's
#: worth (R65 adds 0.5, R69 0.6). A prior, not a fit: a holder that kept squeezing after it got its way
#: would teach that giving way does not end the pain, and "it is the threat of damage, or of more damage
#: to come, that can make someone yield or comply" (Schelling 1966, ``schelling1966``).
CONCESSION_EASES = 0.5

#: The monthly chance that talks on renewing a base lease conclude, from when it falls due until it is
#: renewed (R75). A prior from the one renewal on record: talks "held at the working-group level in
#: August" 2011 (RIA Novosti, ``ria2011base``) ended in the agreement of October 2012, fourteen months on.
RENEWAL_PACE = 1.0 / 12.0

#: How much a hold-out slows the renewal talks (R75): they conclude at half the pace. A prior, not a fit.
HOLDOUT_SLOWS = 0.5
#: Tajikistan's monthly chance of holding out for rent once a lease has fallen due, with its outside
#: options and its regime's security at their full (R81). Not a fit, but read off the one episode on
#: record (its demands put within months of the talks' opening in August 2011), so its timing there is
#: no evidence.
HOLDOUT_PACE = 0.2

#: Russia's monthly chance of withholding its funding of its base while Tajikistan holds out for rent on the lease,
#: were all the military support present Russia's and Russia at its fullest assertiveness (R82). Not a fit, but read off
#: the one episode on record, so its timing there is no evidence: the demand was public from July 2011 (E101) and the
#: funding stopped in late June 2012 (``edm2012base``), eleven months later; at Russia's readings in the replay then
#: (about 0.61 of the support present over July 2011 to June 2012, assertiveness 0.6, emboldened about 0.97) the chance
#: is about 0.061 a month, an even chance within about eleven months. Read again when US security aid was put on its
#: own scale (it had been 0.25, read at Russia's 0.44 of the support when US aid weighed as much as the 201st).
WITHHOLD_PACE = 0.17
#: What the United States gives Tajikistan's security a month at the height of its war next door (R73), in the units of
#: the model's military support (a garrison, the 201st's, weighs 1; Russia's military aid stood at about 0.36 in
#: 2005-13 in the replay), anchored aid to aid: the United States has given "over $330 million in security sector
#: assistance" since 1992 (US Embassy Dushanbe, 2021, ``usembassy2021security``: about $11 million a year, and "$11.4
#: million" in 2020), Russia "une assistance militaire et technique au Tadjikistan de 400 millions de dollars" since
#: 2005 (Tajikistan's defence minister, 1 October 2013, ``terredasie2013``: about $46 million a year), so US security aid
#: is about 0.24 of Russia's, 0.086 once built up (aid decays by ``aid_decay``, 0.9 a month, so a flow f stands at 10 f).
#: A typical year, not the peak: FY2005's $26.2 million held a one-off supplemental after Russia's border guards left
#: (US Department of State, ``state2005aid``).
#: Before, 0.1 a month made US support as large as the 201st's garrison.
US_SECURITY_AID = 0.0086
#: What the United States pays a month for the use of Tajik airfields while it has it and fights next door (R73): a
#: prior, the size the rule's one flow had before its security aid was put apart ("tens of millions of dollars, for the
#: privilege", its quote); economic aid, not military support.
ACCESS_PAYMENT = 0.1
#: How much of its military aid Russia holds back when it withholds its funding (R82): half, as a migrant squeeze
#: (R65) closes half the migrants' way; it fades as other squeezes do, and ends with a lease signed. A prior.
WITHHOLD_AMOUNT = 0.5

# --- the holders' squeezes -------------------------------------------------------------------------


def emboldened(w: World) -> np.ndarray:
    """How much more readily a holder squeezes for Tajikistan's record of answers, ``[replicate]``:
    1 while nothing has been learned, down to 0.5 for a Tajikistan known to stand firm and up to 1.5
    for one known to give way (:mod:`sim.core.reputation`). Every holder reads the
    same record, whoever the answers were given to: "We find that past action is closely connected
    to subsequent dispute initiation and that the effects of reputation generalize beyond the
    immediate circumstances of the past dispute" (Weisiger and Yarhi-Milo 2015, ``weisiger2015``)."""
    return 0.5 + w.levers.reputation.level



@rule("R65", "Russia squeezes its migrants' lever when Dushanbe defects, the less when its economy needs the workers",
      "rferl2011", "Russian media and politicians suggested that Russia hit Tajikistan in the pocketbook by targeting "
      "the massive army of Tajik labor migrants in Russia", ("RUS",), squeezes="migration")
def russia_squeezes_migrants(w: World, me: Actor, k: float) -> None:
    held = w.levers.holds("migration")[:, me.index]
    labour_need = pos(w.drive("russia_growth")) / 8.0
    chance = (0.03 * k * defection_from_russia(w) * held * pos(1.0 - labour_need) * w.trait(me.code, "assertiveness")
              * emboldened(w))
    w.propose(me.code, "TJK", "pressure", chance, "Russia tightens its rules for Tajik migrants and deports some",
              alignment=-0.1, pressure=0.3, lever="migration", lever_amount=0.5)


@rule("R69", "Uzbekistan cuts gas and blocks the railway while Dushanbe builds the Rogun dam upstream",
      "afp2010", "Tajikistan’s plan to move ahead with a mega-dam project that Uzbekistan fears could cut off water to "
      "its vital cotton industry has seen the neighbors’ already frigid relations cool even further in recent weeks.",
      ("UZB",), squeezes="energy")
def uzbekistan_squeezes_energy(w: World, me: Actor, k: float) -> None:
    held = w.levers.holds("energy")[:, me.index]
    building = w.levers.dam_underway()  # Dushanbe has resolved to build the dam (R70) and is building it
    chance = 0.08 * k * building * me.spec.downstream * w.trait(me.code, "assertiveness") * held * emboldened(w)
    w.propose(me.code, "TJK", "pressure", chance, "Uzbekistan cuts gas supplies and holds up rail freight to Tajikistan",
              alignment=-0.15, pressure=0.4, lever="energy", lever_amount=0.6)


@rule("R72", "China turns what Tajikistan owes it into concessions: land and mines for debt",
      "asiaplus2018", "“Under the reached agreements, TBEA has the right to develop the deposits until it recovers "
      "expenses made on construction of the Dushanbe-2 CHP plant,” the source said.", ("CHN",))
def china_takes_concessions(w: World, me: Actor, k: float) -> None:
    owed = w.levers.holds("debt")[:, me.index]
    w.propose(me.code, "TJK", "treaty", 0.02 * k * pos(owed - 0.3) * w.need_economy,
              "Tajikistan grants China land or mining rights against its debt", alignment=0.05,
              lever="relief", lever_amount=0.3)


# --- Tajikistan's answers -----------------------------------------------------------------------


def staked(w: World, lever: str, holders: list[str]) -> np.ndarray:
    """How far what each holder's squeeze of ``lever`` demands is something Tajikistan's regime has
    staked itself on, ``[replicate, holder]`` in [0, 1]. A downstream neighbour squeezes Tajikistan's
    energy only while the Rogun dam is under way (R69): what it demands is the dam, and the dam is the
    regime's "national idea" ("Ruling elites can use the symbolism of major dams to gain legitimacy
    and bolster a sense of national identity and patriotism": Menga 2015, ``menga2015``), as far as
    Tajikistan's ``dam_stake`` says (1 in the replay: none of such a squeeze is given way to).
    Giving the dam up would also keep the lever in the holder's hand. What Russia's migrant squeeze
    demands (a step back from its rivals) is no such stake."""
    if lever != "energy":
        return np.zeros((w.R, len(holders)))
    over_dam = w.levers.dam_underway()[:, None] * (w.attribute(holders, "downstream") > 0)[None, :]
    return over_dam * w.attribute(["TJK"], "dam_stake")[0]


def watching(w: World, holders: list[str]) -> np.ndarray:
    """How much a concession to each holder would teach the others, ``[replicate, holder]`` in
    [0, 1]: what the other holders that have squeezed Tajikistan hold over it together, each as far
    as it squeezed recently (1 at once, fading over ``reputation_memory``), weighed by how far its
    rulers mind it (Tajikistan's ``reputation_concern``; 0.5, a prior). A holder that has never
    squeezed is no challenger to deter. Of separatists, "governments are significantly less likely
    to accommodate one challenge if the number of ethnic groups in a country and the combined value
    of the land that may come under dispute in the future is high" (Walter 2006, ``walter2006``):
    reading holders of levers who want other things as the challengers to come is the project's,
    not the source's (whether reputations carry across adversaries and issues is disputed)."""
    at = w.at(holders)
    challengers = w.levers.hold()[:, at] * w.levers.reputation.challenged[:, at]
    others = np.minimum(challengers.sum(axis=1, keepdims=True) - challengers, 1.0)
    return others * w.attribute(["TJK"], "reputation_concern")[0]


def answers_to_squeezes(w: World, holders: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """How far Tajikistan gives way to each holder's squeezes, and how far it stands against them,
    ``[replicate, holder]`` each. A squeeze through a lever is given way to as far as Tajikistan
    cannot replace the holder in that lever (:meth:`~sim.core.levers.Levers.vulnerability`: other
    hosts for its migrants, other routes for its gas), unless what it demands is :func:`staked`, and
    less the more the other holders are :func:`watching`; the rest of it is stood against. So the
    same squeeze meets a concession where the lever is irreplaceable, the demand cheap and few others
    could squeeze next, and defiance where the demand is the regime's own project.
    R66 and R68 both read it in a month; it is computed once."""
    def compute() -> np.ndarray:
        at = w.at(holders)
        answers = np.zeros((2, w.R, len(holders)))  # giving way, standing firm
        unwatched = 1.0 - watching(w, holders)
        for lever, squeeze in w.levers.squeeze.items():
            applied = squeeze[:, at]
            if not applied.any():  # a lever nobody squeezes adds nothing either way
                continue
            yields = w.levers.vulnerability(lever)[:, at] * (1.0 - staked(w, lever, holders)) * unwatched
            answers[0] += applied * yields
            answers[1] += applied * (1.0 - yields)
        return answers

    giving, standing = w.levers.reading("answers to squeezes " + ",".join(holders), compute)
    return giving, standing


def unanswered(w: World, holders: list[str]) -> np.ndarray:
    """Whether each holder's squeeze waits for Tajikistan's answer, ``[replicate, holder]`` (1 or
    0): a squeeze is answered at most once, by a concession or a public defiance (many fade
    unanswered), while Tajikistan's regard follows the squeeze as long as it lasts."""
    return w.levers.reputation.waiting[:, w.at(holders)]


@rule("R66", "Squeezed through a lever it cannot replace, over a demand its regime has not staked itself on, Tajikistan "
      "gives way, and the holder eases the squeeze", "moscowtimes2011", "Tajik authorities on Tuesday bowed to pressure "
      "from Moscow, releasing from prison a Russian pilot jailed on murky charges earlier this month.", ("TJK",))
def concede(w: World, me: Actor, k: float) -> None:
    holders = w.others("states")
    giving_way, _ = answers_to_squeezes(w, holders)
    w.pull_many(me.code, holders, 1.5 * k * giving_way)
    w.propose_many(me.code, holders, "treaty", 0.3 * k * np.minimum(giving_way, 1.0) * unanswered(w, holders),
                   w.labels("Tajikistan gives way to {} and signs what it asked for", holders), alignment=0.1,
                   lever="concession", lever_amount=CONCESSION_EASES)


@rule("R67", "Tajikistan keeps fallback options the more one holder holds over it, the more when it squeezes",
      "kuik2021", "I define hedging as insurance-seeking behavior under situations of high uncertainty and high stakes, "
      "where a rational state avoids taking sides and pursues opposite measures vis-à-vis competing powers to have a "
      "fallback position.", ("TJK",))
def hedge(w: World, me: Actor, k: float) -> None:
    holders = w.others("states")
    at = w.at(holders)
    hold = w.levers.hold()[:, at]
    concentration = hold.max(axis=1, keepdims=True) + w.levers.squeezing()[:, at].sum(axis=1, keepdims=True)
    capable = w.attribute(holders, "capability")
    # the fallback is sought from the capable partners that hold little over it yet
    w.pull_many(me.code, holders, 0.4 * k * concentration * capable * (1.0 - hold) * (1.0 - w.conflict.war[:, None]))
    w.propose_many(me.code, holders, "visit", 0.02 * k * np.minimum(concentration, 1.0) * capable * (1.0 - hold),
                   w.labels("Tajikistan's president courts {} as a counterweight", holders), alignment=0.03)


@rule("R68", "Squeezed by a holder it could do without, or over what its regime has staked itself on, a secure regime "
      "stands firm",
      "goble2021", "Instead, the Tajik authorities regularly block Russian economic projects and go their own way "
      "geopolitically, insisting on a multi-vector foreign policy rather than falling in line behind Russia’s "
      "security goals", ("TJK",))
def defy(w: World, me: Actor, k: float) -> None:
    holders = w.others("states")
    _, standing = answers_to_squeezes(w, holders)
    standing_firm = standing * w.security[:, None]
    w.pull_many(me.code, holders, -1.0 * k * standing_firm)
    w.propose_many(me.code, holders, "pressure", 0.2 * k * np.minimum(standing_firm, 1.0) * unanswered(w, holders),
                   w.labels("Dushanbe rejects {}'s pressure in public", holders), alignment=-0.05, pressure=0.1,
                   lever="defiance", lever_amount=1.0)


@rule("R70", "Tajikistan builds its own power while its neighbours' energy is unsure, as far as it can find the money: "
      "small plants at first; once it resolves to build the Rogun dam over Uzbekistan's objections, the dam as fast as "
      "the money allows", "afp2010", "Tajikistan now sees the construction of Rogun as a possible "
      "solution to its energy woes, allowing it to meet its domestic needs while becoming a net exporter of electricity "
      "to neighboring Afghanistan and others.", ("TJK",))
def build_own_energy(w: World, me: Actor, k: float) -> None:
    exposed = w.levers.energy.sum(axis=1)
    unsure = exposed * (0.3 + w.levers.squeeze["energy"].sum(axis=1))
    money = np.minimum(w.levers.lending.sum(axis=1) * 20.0 + 0.3 * w.economy, 1.0)
    peace = 1.0 - w.conflict.war
    underway = w.levers.dam_underway()
    w.build_energy(k * peace * money * (0.002 * unsure + DAM_PACE * underway))
    if w.present("UZB"):
        resolved = w.levers.dam[:, me.index]
        w.propose(me.code, "UZB", "refusal", DAM_RESOLVE * k * unsure * money * peace * (1.0 - resolved),
                  "Tajikistan resolves to build the Rogun dam, over Uzbekistan's objections", alignment=-0.05,
                  lever="dam", lever_amount=1.0)


# --- patrons that compete -------------------------------------------------------------------------


@rule("R71", "China lends for roads and plants as its economy grows, the more where Russia falls back",
      "asiaplus2017", "China remains Tajikistan’s largest creditor; China accounts for more than a half of Tajikistan’s "
      "external debt – about 1.2 billion U.S. dollars.", ("CHN",))
def china_lends(w: World, me: Actor, k: float) -> None:
    reach = w.levers.reach(me.code)
    russia_falters = pos(-w.drive("russia_growth")) / 5.0 + w.levers.squeeze["migration"][:, w.i("RUS")]
    amount = 0.004 * k * reach * w.need_economy * (0.5 + pos(w.align(me.code, "TJK"))) * (1.0 + russia_falters)
    w.lend(me.code, amount)
    w.give_aid(me.code, "TJK", 2.0 * amount, "China lends for roads, power plants and mines")


@rule("R73", "While it fights next door in Afghanistan, the United States seeks access in Tajikistan, pays for it, and "
      "funds Tajikistan's border security",
      "jamestown2001", "The United States has in turn agreed to pay an as yet undisclosed sum, to the order of tens of "
      "millions of dollars, for the privilege.", ("USA",))
def us_seeks_access(w: World, me: Actor, k: float) -> None:
    fighting = us_at_war_next_door(w)
    w.give_aid(me.code, "TJK", US_SECURITY_AID * k * fighting, "The United States funds Tajikistan's border security",
               military=True)
    w.give_aid(me.code, "TJK", ACCESS_PAYMENT * k * fighting * w.has("TJK", me.code, "base"),
               "The United States pays for the use of Tajik airfields")
    w.pull(me.code, "TJK", 0.5 * k * fighting)
    w.propose(me.code, "TJK", "request", k * fighting * ~w.has("TJK", me.code, "base"),
              "The United States asks for the use of Tajik airfields and transit", alignment=0.03)


@rule("R74", "Asked by a distant power at war next door, Tajikistan grants access when it pays and its patron lets it",
      "moscowtimes2001", "The day after President Vladimir Putin gave the Central Asian states a green light to support "
      "U.S. military action in Afghanistan, Russia hinted that Tajikistan might offer the U.S. forces the use of its "
      "main airport.", ("TJK",))
def grant_access(w: World, me: Actor, k: float) -> None:
    if not w.present("USA"):
        return
    asked = w.requests[:, me.index, w.i("USA")]  # asked by the United States (requests: [replicate, asked, asker])
    paid = pos(w.align(me.code, "USA") + 0.5)
    russian_hold = w.levers.hold()[:, w.i("RUS")]
    fighting = us_at_war_next_door(w)
    w.propose(me.code, "USA", "basing", 0.5 * k * asked * fighting * paid * (1.0 - 0.5 * russian_hold),
              "Tajikistan opens its airspace and airfields to the US-led coalition", tie="base", alignment=0.1)
    w.propose(me.code, "USA", "basing", 0.1 * k * (1.0 - fighting) * w.has(me.code, "USA", "base"),
              "The coalition's use of Tajik airfields ends", untie="base")


@rule("R75", "Russia outbids its rivals when Tajikistan leans to them (investment, debt relief and a base lease on terms "
      "Tajikistan's outside options, less what Russia's squeezes can cost it, set) and renews the lease as it runs out",
      "aljazeera2004", "Tajikistan had been slow in implementing a 1999 pact granting the Russians a formal base, but "
      "promises of big investment and debt relief by Moscow changed that.", ("RUS",))
def russia_outbids(w: World, me: Actor, k: float) -> None:
    leaning = leaning_to_rivals(w)
    due = lease_running_out(w)
    bid = np.minimum(leaning + due, 1.5)
    w.give_aid(me.code, "TJK", 0.05 * k * bid * w.trait(me.code, "capability"),
               "Russia promises investment and debt relief to keep Tajikistan close")
    w.pull(me.code, "TJK", 0.3 * k * bid)
    held_up = holding_out(w)
    w.levers.leases.offer(me.index, leaning - coercion(w, me.code) + HOLDOUT_WEIGHT * held_up)
    unsettled = w.levers.leases.unsettled()[:, me.index]
    outbid = 0.02 * leaning * w.trait(me.code, "capability") * unsettled
    renewing = RENEWAL_PACE * (due > 0) * (1.0 - HOLDOUT_SLOWS * held_up)
    w.propose(me.code, "TJK", "basing", k * (outbid + renewing),
              "Russia and Tajikistan sign a base lease, with investment and easier terms for migrants", tie="base",
              alignment=0.1, lever="lease", lever_amount=CONCESSION_EASES)
    for code, weight in RUSSIAS_RIVALS.items():
        if w.present(code):
            w.pull(me.code, code, -0.3 * k * weight * leaning)


@rule("R81", "As Russia's base lease falls due, Tajikistan holds out for rent, as far as its outside options and its "
      "regime's security let it, until a lease is signed or it gives way to Russia's squeeze (and then holds out no more "
      "before a lease is signed); the hold-out weighs as much as its outside options", "asiaplus2012rent",
      "Tajikistan will insist on payment of rent for deployment of Russian military base in the country.", ("TJK",))
def hold_out_for_rent(w: World, me: Actor, k: float) -> None:
    if not w.present("RUS"):
        return
    options = outside_options(w)
    leases = w.levers.leases
    stance = leases.holding_out[:, w.i("RUS")] | leases.conceded[:, w.i("RUS")]  # holds out, or has given it up
    chance = HOLDOUT_PACE * k * (lease_running_out(w) > 0) * options * w.security * ~stance
    w.propose(me.code, "RUS", "refusal", chance, "Dushanbe holds out for rent before it renews Russia's base lease",
              alignment=-0.05, lever="holdout", lever_amount=1.0)


@rule("R82", "While Dushanbe holds out for rent on the base lease, Russia stops funding the base (once a hold-out; the "
      "squeeze fades, and ends with a lease), the more readily the more of Tajikistan's outside military support is Russia's",
      "kyivpost2012base",
      "A dispute over the terms for the deployment of 7,000 Russian soldiers in Tajikistan erupted last week after Russia "
      "accused the Tajik authorities of putting forward unacceptable conditions to prolong the facility's rent and "
      "stopped funding it", ("RUS",), squeezes="security")
def russia_withholds_funding(w: World, me: Actor, k: float) -> None:
    leases = w.levers.leases
    not_yet = leases.holding_out[:, me.index] & ~leases.withholding[:, me.index]  # once a hold-out, until it ends
    held = w.levers.holds("security")[:, me.index]
    chance = WITHHOLD_PACE * k * not_yet * held * w.trait(me.code, "assertiveness") * emboldened(w)
    w.propose(me.code, "TJK", "pressure", chance, "Russia stops funding its base until Dushanbe drops its demand for rent",
              pressure=0.1, lever="withhold", lever_amount=WITHHOLD_AMOUNT)
