"""Rules many actors follow: recognition, visits returned, and the international organisations."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.core.courtesy import OWED_TO_TAJIKISTAN, TAJIKISTAN_OWES
from sim.core.rulebook import rule
from sim.core.rules.common import afghan_threat, pos
from sim.core.world import World

if TYPE_CHECKING:
    from mesa import AgentSet

    from sim.core.agents import Actor


@rule("R46", "States recognise the new republic and open embassies, the culturally close and the powerful first",
      "seed:000", "When Tajikistan declared independence, Iran was one of the first countries to extend diplomatic "
      "recognition, and the first to establish an embassy in Dushanbe.", ("*state",), collective=True)
def recognise_and_open(w: World, them: AgentSet, k: float) -> None:
    if not w.present("CIS"):  # the Soviet Union stands until the Commonwealth replaces it
        k = 0.0
    codes = [agent.code for agent in them]
    eagerness = np.array([0.15 + 0.5 * w.spec(c).culture_tjk + 0.3 * w.spec(c).capability for c in codes])
    recognised = w.had_by_many(codes, "TJK", "recognition")
    has_embassy = w.had_by_many(codes, "TJK", "embassy")
    w.propose_each(codes, "TJK", "recognition", 0.5 * k * eagerness * ~recognised,
                   w.labels("{} recognises Tajikistan", codes), tie="recognition", alignment=0.05)
    opens = [c != "USA" for c in codes]  # the United States' embassy follows its own rule (R45)
    w.propose_each(codes, "TJK", "embassy", 0.04 * k * eagerness * recognised * ~has_embassy * opens,
                   w.labels("{} opens an embassy in Dushanbe", codes), tie="embassy", alignment=0.05)


#: A visit owed in full is returned within about a year: the chance a month (the project's coding).
RETURN_RATE = 0.08


@rule("R87", "A visit between Tajikistan and a state is returned, less readily by a cold pair, and by a partner the "
      "more it outranks Tajikistan", "shambaugh2002", "It is often said that reciprocity, returning good behaviour for good "
      "behaviour and bad for bad, stabilizes co-operation by making non-cooperative behaviour unprofitable.",
      ("TJK", "*state"), collective=True)
def return_visits(w: World, them: AgentSet, k: float) -> None:
    """Good for good, in the coin of visits: a visit received between Tajikistan and a state is owed back
    (:mod:`sim.core.courtesy` keeps the debts, fading over two years; a regime change wipes its own), and the debtor
    pays it at a chance that falls as far as the colder of the two regards the other with hostility (reciprocity
    answers the act, so a cool pair still exchanges visits; a hostile one does not). So Mirziyoyev, received in
    Dushanbe in March 2018: "Глава государства пригласил президента Эмомали Рахмона посетить Узбекистан с ответным
    государственным визитом в удобное для него время" (he invited Rahmon to Uzbekistan on a return state visit at a
    time convenient to him; ``sputnik2018``, our translation), and Rahmon came that August.

    Two readings are the project's, not the sources': a partner owes the small republic a visit back only as far as it
    is not a great power (``1 - capability``: Washington owes none, Moscow none at full strength and a fifth once the
    war in Ukraine weakens it, Bishkek nearly a full one), while
    Tajikistan returns every visit; and a visit at any level calls for one at the same level, which the labels leave
    open. The bad-for-bad half is other rules' (R68's defiance, R82's squeeze)."""
    codes = [agent.code for agent in them if agent.code != "TJK"]
    at = w.at(codes)
    coldest = np.minimum(w.align_many("TJK", codes), w.regard_many(codes, "TJK"))
    willing = RETURN_RATE * k * (1.0 - pos(-coldest))
    if len(codes) < len(them):  # Tajikistan follows the rule: it returns the visits it received
        w.propose_many("TJK", codes, "visit", willing * w.courtesy.owed(TAJIKISTAN_OWES, at),
                       w.labels("Tajikistan returns {}'s visit", codes), alignment=0.03, returns=True)
    outranks = w.attribute(codes, "capability")
    w.propose_each(codes, "TJK", "visit", willing * w.courtesy.owed(OWED_TO_TAJIKISTAN, at) * (1.0 - outranks),
                   w.labels("{} returns Tajikistan's visit", codes), alignment=0.03, returns=True)


@rule("R47", "The CIS follows Russia, its political centre: peacekeeping once Moscow is engaged",
      "seed:002", "‘ties with Russia, the political centre of the Commonwealth of Independent States, contribute to "
      "the development of the republic.’", ("CIS",))
def cis_follows_russia(w: World, me: Actor, k: float) -> None:
    w.pull(me.code, "TJK", 0.8 * k * w.align("RUS", "TJK"))
    engaged = pos(w.align(me.code, "TJK") - 0.2)
    w.give_aid(me.code, "TJK", 0.05 * k * engaged * w.conflict.threat,
               "CIS collective peacekeeping forces support the government", military=True)
    w.propose(me.code, "TJK", "military", 0.03 * k * engaged * w.conflict.war,
              "CIS collective peacekeeping forces deploy in Tajikistan", alignment=0.05, security=0.05)


@rule("R48", "The UN answers Tajikistan with a mission and calls for peace rather than force",
      "seed:000", "only a UN mission and a call for an end to hostilities resulted.", ("UN",))
def un_limited_response(w: World, me: Actor, k: float) -> None:
    w.propose(me.code, "TJK", "mediation", 0.06 * k * w.conflict.war * (0.3 + w.requests[:, me.index, w.tjk]),
              "The UN sends a mission and calls for an end to hostilities", alignment=0.03)
    w.give_aid(me.code, "TJK", 0.03 * k * w.conflict.war)


@rule("R49", "The international financial institutions lend to member Tajikistan as its economy needs",
      "seed:000", "In 1993 and 1994, membership was obtained in the International Bank for Reconstruction and "
      "Development (IBRD), the World Bank, the IMF, and the Economic Cooperation Organization.", ("IMF", "WB"))
def ifis_lend(w: World, me: Actor, k: float) -> None:
    member = w.has("TJK", me.code, "member")
    w.give_aid(me.code, "TJK", 0.06 * k * member * w.need_economy * (1 - 0.7 * w.conflict.war))
    w.pull(me.code, "TJK", 0.2 * k * member)


@rule("R50", "Security organisations Tajikistan belongs to back it against threats from Afghanistan",
      "seed:000", "Russia also has justified its active involvement in the affairs of Tajikistan by citing the need to "
      "defend the Tajikistan-Afghanistan border--and thus, the CIS--from penetration by Islamic extremism and drug "
      "trafficking.", ("CSTO", "SCO"))
def security_organisations(w: World, me: Actor, k: float) -> None:
    member = w.has("TJK", me.code, "member")
    threat = afghan_threat(w)
    w.pull(me.code, "TJK", 0.4 * k * member)
    w.give_aid(me.code, "TJK", 0.03 * k * member * threat, f"{w.name(me.code)} strengthens Tajikistan's border defences",
               military=True)
    w.propose(me.code, "TJK", "military", 0.02 * k * member * pos(threat - 0.5),
              f"{w.name(me.code)} holds joint exercises or reinforces Tajikistan's border", alignment=0.03, security=0.02)
