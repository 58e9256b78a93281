"""Tajikistan's own rules: the search for partners, needs, fears and the four stages as states it can be in."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.core.rulebook import rule
from sim.core.rules.common import FORMER_SOVIET, in_exile, pos, pressing
from sim.core.world import World

if TYPE_CHECKING:
    from mesa import AgentSet

    from sim.core.agents import Actor


@rule("R01", "Tajikistan seeks relations with as many states as possible: embassies, visits, a small pull to all",
      "seed:000", "The central objective of newly independent Tajikistan's foreign policy was to maximize its "
      "opportunities by developing relations with as many states as possible.", ("TJK",))
def diversify(w: World, me: Actor, k: float) -> None:
    others = w.others("states")
    capacity = (w.economy ** 2)[:, None]
    regard = 1 + w.align_many(me.code, others)
    w.pull_many(me.code, others, 0.08 * k)
    w.propose_many(me.code, others, "embassy", 0.003 * k * capacity * regard * ~w.has_many(me.code, others, "embassy"),
                   w.labels("Tajikistan opens an embassy in {}", others), tie="embassy", alignment=0.05)
    w.propose_many(me.code, others, "visit", 0.002 * k * regard,
                   w.labels("Tajikistan's leaders visit {}", others), alignment=0.03)


@rule("R02", "Tajikistan leans towards those who give it aid and away from those who press it",
      "seed:000", "The potential for political support and economic aid is at least as important in shaping "
      "Tajikistan's diplomacy as are ideological and cultural ties.", ("TJK",))
def aid_outweighs_ideology(w: World, me: Actor, k: float) -> None:
    partners = w.others("states") + w.others("organisations")
    at = w.at(partners)
    received = w.to_tjk("aid")
    total = received.sum(axis=1) + 0.2
    pressed = w.to_tjk("pressure")[:, at]
    support = w.alignment[:, at, me.index]
    w.pull_many(me.code, partners, k * (2.0 * received[:, at] / total[:, None] - 0.8 * pressed + 0.6 * support))


@rule("R03", "Former Soviet republics and the culturally related neighbours, Iran and Afghanistan, get particular attention",
      "seed:000", "Particular diplomatic attention went to two groups of countries: the other former Soviet republics "
      "and Tajikistan's near neighbors, Iran and Afghanistan, which are inhabited by culturally related peoples.", ("TJK",))
def near_abroad_first(w: World, me: Actor, k: float) -> None:
    near = w.chosen("near abroad", w.others("states"), lambda spec: spec.former_soviet or spec.culture_tjk >= 0.6)
    w.pull_many(me.code, near, 0.1 * k)
    w.propose_many(me.code, near, "visit", 0.003 * k, w.labels("Tajik delegation visits {}", near), alignment=0.03)


@rule("R04", "Tajikistan joins the international organisations open to it, political ones at once, financial ones as need grows",
      "seed:000", "In 1993 and 1994, membership was obtained in the International Bank for Reconstruction and Development "
      "(IBRD), the World Bank, the IMF, and the Economic Cooperation Organization.", ("TJK",))
def join_organisations(w: World, me: Actor, k: float) -> None:
    orgs = w.others("organisations")
    political = w.chosen("political", orgs, lambda spec: spec.role == "political")
    financial_ = w.chosen("financial", orgs, lambda spec: spec.role == "financial")
    security_ = w.chosen("security", orgs, lambda spec: spec.role == "security")
    to_russia = w.align(me.code, "RUS")[:, None]
    financial = 0.02 + 0.06 * w.need_economy[:, None] * pos(w.align_many(me.code, orgs) + 0.5)
    security = 0.3 * pos(to_russia)
    union = 0.004 * pos(to_russia - 0.5) * (1.0 - w.dependence[:, me.index, w.i("RUS")])[:, None]
    # political bodies are joined at once; financial ones as need grows; security ones with
    # Russia; an economic union with Russia would deepen dependence further
    hazard = np.where(w.mask(orgs, political), 0.25, np.where(w.mask(orgs, financial_), financial,
                                                              np.where(w.mask(orgs, security_), security, union)))
    member = w.has_many(me.code, orgs, "member")
    w.propose_many(me.code, orgs, "membership", k * hazard * ~member,
                   w.labels("Tajikistan joins {}", orgs), tie="member", alignment=0.15)
    w.pull_many(me.code, orgs, 0.3 * k * member)


@rule("R05", "An insecure regime asks neighbours and great powers for help to stay in power",
      "seed:000", "he asked several presidents of former Soviet republics, including President Boris N. Yeltsin of "
      "Russia, to help him stay in power.", ("TJK",))
def plea_for_help(w: World, me: Actor, k: float) -> None:
    urgency = (w.need_security * (w.conflict.threat + 0.3 * w.drive("afghan_instability")))[:, None]
    asked = [other for other in FORMER_SOVIET + ("CIS", "UN", "IRN") if w.present(other)]
    w.propose_many(me.code, asked, "request", 0.04 * k * urgency * (0.5 + pos(w.align_many(me.code, asked))),
                   w.labels("Tajikistan asks {} for help to end the fighting", asked), alignment=0.02)


@rule("R06", "Requests meet refusal where the asked side is unwilling, and help where it is willing",
      "seed:000", "They refused this request.", ("*",), collective=True)
def answer_requests(w: World, them: AgentSet, k: float) -> None:
    codes = [agent.code for agent in them]
    asked = w.requests[:, w.at(codes), w.tjk]
    willing = pos(w.regard_many(codes, "TJK")) * w.attribute(codes, "capability")
    w.propose_each(codes, "TJK", "refusal", 0.6 * k * asked * (willing < 0.15),
                   w.labels("{} declines Tajikistan's request for help", codes), alignment=-0.05)
    w.give_aid_each(codes, "TJK", 0.05 * k * asked * willing)


@rule("R07", "The pro-government side courts Russia's attention, and Russia's engagement grows with it",
      "seed:002", "The Tajik pro-government forces, however, were actively seeking Russia’s attention and "
      "eventually managed to mobilise its support.", ("TJK",))
def court_russia(w: World, me: Actor, k: float) -> None:
    need = w.need_security * (w.conflict.threat + 0.2)
    w.pull(me.code, "RUS", 0.6 * k * need)
    w.pull("RUS", me.code, 0.5 * k * need)
    w.propose(me.code, "RUS", "visit", 0.05 * k * need, "Tajik leaders travel to Moscow seeking support", alignment=0.04)


@rule("R08", "Tajikistan's dependence on outside assistance makes it ask capable partners for material support",
      "seed:002", "As a small, poor, peripheral and post-conflict country, Tajikistan is largely dependent on "
      "assistance from external partners.", ("TJK",))
def seek_assistance(w: World, me: Actor, k: float) -> None:
    donors = w.donors
    capability = np.array([w.spec(d).capability for d in donors])
    w.propose_many(me.code, donors, "request",
                   0.01 * k * w.need_economy[:, None] * capability * (1 + w.align_many(me.code, donors)),
                   w.labels("Tajikistan asks {} for economic assistance", donors), alignment=0.02)


@rule("R09", "Tajikistan's rulers share an outlook with like-minded governments, and are drawn to them",
      "seed:002", "This expression points to shared Soviet history, as well as some ideological alignment regarding, "
      "for example, policymakers’ preference for a centralised, top-down form of governance.", ("TJK",))
def ideological_likeness(w: World, me: Actor, k: float) -> None:
    others = w.others("states")
    likeness = 0.35 * k * w.attribute(others, "ideology_tjk")
    w.pull_many(me.code, others, likeness)
    w.pulled_by_many(others, me.code, likeness)


@rule("R10", "Russia is the older brother: Tajikistan's regard for Russia is pulled back up whenever it sags",
      "seed:002", "In private, Tajik policymakers often refer to Russia as their country’s older brother, which is "
      "quite telling about Tajikistan’s positionality vis-à-vis Russia.", ("TJK",))
def older_brother(w: World, me: Actor, k: float) -> None:
    w.pull(me.code, "RUS", k * (0.4 + 1.5 * pos(0.5 - w.align(me.code, "RUS"))))


@rule("R11", "Russia's backing gives the Tajik government legitimacy at home and abroad",
      "seed:002", "the backing of Russia as the Soviet successor state has significantly boosted Tajik government’s "
      "legitimacy at home and abroad", ("TJK",))
def legitimacy_from_russia(w: World, me: Actor, k: float) -> None:
    w.secure(0.02 * k * pos(w.align("RUS", me.code)))


@rule("R12", "Tajikistan seeks treaties with partners when both sides are close and it is in need",
      "seed:002", "In 1993, the two countries signed a Treaty of Friendship, Cooperation and Mutual Assistance. "
      "Arguably, however, this friendship and cooperation was needed much more by the Tajik than the Russian side.", ("TJK",))
def seek_treaties(w: World, me: Actor, k: float) -> None:
    others = w.others("states")
    need = (0.3 + 0.7 * np.maximum(w.need_security, w.need_economy))[:, None]
    mutual = pos(w.align_many(me.code, others)) * pos(w.regard_many(others, me.code))
    again = np.where(w.has_many(me.code, others, "treaty"), 0.15, 1.0)
    w.propose_many(me.code, others, "treaty", 0.04 * k * need * mutual * again,
                   w.labels("Tajikistan and {} sign a cooperation treaty", others), tie="treaty", alignment=0.1)


@rule("R13", "Tajikistan is wary of downstream neighbours' claims on its water, as hard as their leaders press",
      "seed:000", "Tajikistan also is wary of regional water use plans that might increase the share of Uzbekistan and "
      "Turkmenistan in water emanating from Tajikistan.", ("TJK",))
def water_wariness(w: World, me: Actor, k: float) -> None:
    """The text names both neighbours alike, and so does the rule while their leaders are those of the actors file
    (the text's). A change of leader that presses its neighbours less (``assertiveness``, a trait: Karimov's
    succession in 2016) leaves proportionally less to be wary of (one that presses more, more): that plans are
    pressed as hard as their leaders press is the project's reading, not the text's."""
    for other in ("UZB", "TKM"):
        if w.present(other):
            w.pull(me.code, other, -0.2 * k * pressing(w, other))


@rule("R14", "Tajikistan criticises Uzbekistan over its Tajik minority: a standing grievance, voiced by the government "
      "as far as Tashkent is estranged",
      "seed:000", "Tajik intellectuals, and at times the Dushanbe government, have criticized Uzbekistan for "
      "discrimination against its Tajik minority.", ("TJK",))
def criticise_uzbekistan(w: World, me: Actor, k: float) -> None:
    """The intellectuals' grievance is standing (the pull); the government's public criticism comes "at times", read
    here (the project's reading) as the times Tashkent is estranged from Dushanbe: an Uzbek government warm to
    Dushanbe (R86) hears less of it."""
    estranged = 1.0 - pos(w.align("UZB", me.code))
    w.pull(me.code, "UZB", -0.1 * k)
    w.propose(me.code, "UZB", "pressure", 0.006 * k * estranged * (1 - w.align(me.code, "UZB")),
              "Dushanbe criticises Uzbekistan's treatment of its Tajik minority", alignment=-0.08, pressure=0.15)


@rule("R15", "Tajikistan accuses Afghanistan of complicity while its exiled opposition is based there and Kabul is "
      "estranged from Dushanbe", "seed:000", "Tajikistan accused Afghanistan of complicity in cross-border attacks by "
      "exiled opposition members based in northern Afghanistan.", ("TJK",))
def accuse_afghanistan(w: World, me: Actor, k: float) -> None:
    """The attacks are the exiled opposition's while it fights, across a border as open as Afghanistan is insecure;
    the complicity is Kabul's as far as it is estranged from Dushanbe (an approach, as Rabbani's after Moscow armed
    him, R39, takes it away). Nothing is left to accuse before the war or once an accord brings the opposition
    home: Dushanbe's later grievances against Kabul are other rules' (R09's outlook, R76's hostile regime)."""
    attacks = w.drive("afghan_instability") * w.conflict.war * in_exile(w)
    complicit = 1.0 - pos(w.align("AFG", me.code))
    w.pull(me.code, "AFG", -0.4 * k * attacks * complicit)
    w.propose(me.code, "AFG", "pressure", 0.04 * k * attacks * complicit,
              "Tajikistan accuses Afghanistan of harbouring cross-border attackers", alignment=-0.1, pressure=0.2)


@rule("R16", "The civil war drives refugees from southern Tajikistan into northern Afghanistan",
      "seed:000", "By early 1993, the United Nations High Commissioner for Refugees estimated that 50,000 to 70,000 "
      "refugees had gone from southern Tajikistan to northern Afghanistan.", ("TJK",))
def refugees_flee(w: World, me: Actor, k: float) -> None:
    surge = pos(w.conflict.war - 0.5)
    w.propose(me.code, "AFG", "refugees", 0.3 * k * surge, "Refugees flee southern Tajikistan into northern Afghanistan")
    w.propose(me.code, "IRN", "refugees", 0.05 * k * surge, "Refugees from Tajikistan reach camps set up by Iran")


@rule("R17", "Nabiyev cultivates Iran despite the ideological gap, more so when his position is threatened",
      "seed:000", "Despite the obvious ideological differences between the Islamic revolutionary regime in Iran and the "
      "secular communist regime in newly independent Tajikistan, Nabiyev actively cultivated relations with Iran.", ("TJK",))
def cultivate_iran(w: World, me: Actor, k: float) -> None:
    w.pull(me.code, "IRN", 0.3 * k * w.need_security)
    w.propose(me.code, "IRN", "request", 0.02 * k * w.need_security * w.conflict.war, "Tajikistan asks Iran for aid",
              alignment=0.03)


# Kluczewska's four stages are not switched on by date: each is the behaviour Tajikistan shows
# in the state that stage describes (need and war; a secure regime short of money; a hold that
# hurts; a patron that weakens but cannot be left), so that a counterfactual that changes the
# state changes the stage.


@rule("R18", "Threatened or poor, Tajikistan searches for the support of the capable patrons already at its side "
      "(stage 1)", "seed:002", "stage 1 in the 1990s, when Tajik policymakers were actively searching for Russia’s "
      "support", ("TJK",))
def search_for_support(w: World, me: Actor, k: float) -> None:
    patrons = w.others("states")
    at = w.at(patrons)
    need = np.maximum(w.need_security, w.need_economy)[:, None]
    kinship = (1.0 + w.attribute(patrons, "ideology_tjk")) / 2.0
    at_its_side = 0.3 + w.levers.hold()[:, at] + w.levers.security[:, at]
    appeal = w.attribute(patrons, "capability") * kinship * at_its_side
    w.pull_many(me.code, patrons, 0.6 * k * need * appeal)
    w.propose_many(me.code, patrons, "request", 0.04 * k * need * np.minimum(appeal, 1.0),
                   w.labels("Tajikistan asks {} for support", patrons), alignment=0.03)


@rule("R19", "At peace and secure but short of money, Tajikistan opens its door to every capable partner, "
      "keeping its main holders first (stage 2)", "seed:002", "stage 2 in the 2000s, when Tajikistan launched an "
      "‘open door’ foreign policy but continued to prioritise Russia", ("TJK",))
def open_door(w: World, me: Actor, k: float) -> None:
    partners = w.others("states")
    at = w.at(partners)
    opening = ((1.0 - w.conflict.war) * w.security * w.need_economy)[:, None]
    capable = w.attribute(partners, "capability")
    w.pull_many(me.code, partners, 0.5 * k * opening * (capable + w.levers.hold()[:, at]))
    w.propose_many(me.code, partners, "visit", 0.04 * k * opening * capable,
                   w.labels("Tajikistan's president visits {} under the open-door policy", partners), alignment=0.03)


@rule("R20", "Dependence that hurts is slowly learned from: Tajikistan cools to a holder it depends on heavily in "
      "proportion to what that dependence has cost it (the lesson of past harm, resentment of recent harm, the "
      "squeeze now), and turns to other capable partners (stage 3)", "seed:002",
      "stage 3 in the 2010s, when Tajik policymakers slowly realised the negative "
      "consequences of excessive economic dependence on Russia", ("TJK",))
def costs_of_dependence(w: World, me: Actor, k: float) -> None:
    holders = w.others("states")
    at = w.at(holders)
    hold = w.levers.hold()[:, at]
    excessive = pos(hold - 0.25)
    realised = w.levers.lesson[:, at] + w.levers.resentment[:, at]
    w.pull_many(me.code, holders, -1.5 * k * excessive * (realised + w.levers.squeezing()[:, at]))
    # realising the costs, it looks for other options (Kuik's hedging): the more, the costlier its main tie
    others_capable = w.attribute(holders, "capability") * (1.0 - hold) * (excessive == 0)  # not the costly holder
    w.pull_many(me.code, holders, 0.5 * k * (excessive * realised).max(axis=1, keepdims=True) * others_capable)


@rule("R21", "When a patron it cannot leave weakens, Tajikistan demands respect and widens its options, keeping "
      "the tie (stage 4)", "seed:002", "stage 4, from 2022 onwards when Tajikistan started trying to navigate its "
      "subordinated position while recognising that it cannot disengage with Russia.", ("TJK",))
def navigate_subordination(w: World, me: Actor, k: float) -> None:
    patrons = w.others("states")
    at = w.at(patrons)
    hold = w.levers.hold()[:, at]
    weakened = w.weakened(patrons)
    voice = hold * weakened
    w.propose_many(me.code, patrons, "pressure", 0.3 * k * np.minimum(voice, 1.0),
                   w.labels("Tajikistan's president publicly demands respect from {}", patrons),
                   alignment=-0.05, pressure=0.1)
    # it cannot disengage: a tie that sags is kept up, but a patron's weakness does not endear it
    w.pull_many(me.code, patrons, 0.5 * k * voice * pos(0.5 - w.align_many(me.code, patrons)))
    others_capable = w.attribute(patrons, "capability") * (1.0 - hold) * (weakened == 0)  # options: those still strong
    w.pull_many(me.code, patrons, 0.5 * k * voice.max(axis=1, keepdims=True) * others_capable)
