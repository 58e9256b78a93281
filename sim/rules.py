"""The rulebook: every behavioural rule of the model, each with the words it is drawn from.

A rule is a small function ``(world, me, weight)`` run by an agent in the decide phase. It
reads the current state and records intentions on the world (alignment pulls, aid, pressure,
support, discrete actions with a probability); it never changes the state itself. ``weight``
is the rule's strength (1 by default); scenarios and counterfactuals switch rules off or
re-weight them by id. Each rule cites a verbatim quote from one of the two seed texts:

* ``seed:000``: Library of Congress country study of Tajikistan, "Foreign Relations";
* ``seed:002``: Kluczewska, "Transformation of Tajikistan's foreign policy towards Russia".

Probabilities are monthly hazards; amounts are in the units described in :mod:`sim.world`.
``tajsim rules`` lists the rulebook; ``docs/ODD.md`` prints it in full.
"""

from __future__ import annotations

import numpy as np

from sim.months import parse_month
from sim.rulebook import RULES, rule
from sim.world import World

__all__ = ["RULES"]

FORMER_SOVIET = ("RUS", "UZB", "KGZ", "KAZ", "TKM")
CENTRAL_ASIA = ("UZB", "KGZ", "KAZ", "TKM")
#: Recognition of the republics followed the Soviet Union's end in December 1991.
SOVIET_COLLAPSE = parse_month("1991-12")


def _pos(x):
    return np.maximum(x, 0.0)


# --- Tajikistan: the search for partners ------------------------------------------------


@rule("R01", "Tajikistan seeks relations with as many states as possible: embassies, visits, a small pull to all",
      "seed:000", "The central objective of newly independent Tajikistan's foreign policy was to maximize its "
      "opportunities by developing relations with as many states as possible.", ("TJK",))
def diversify(w: World, me, k: float) -> None:
    others = w.others("states")
    capacity = (w.economy ** 2)[:, None]
    regard = 1 + w.align_many("TJK", others)
    w.pull_many("TJK", others, 0.08 * k)
    w.propose_many("TJK", others, "embassy", 0.003 * k * capacity * regard * ~w.has_many("TJK", others, "embassy"),
                   w.labels("Tajikistan opens an embassy in {}", others), tie="embassy", alignment=0.05)
    w.propose_many("TJK", others, "visit", 0.002 * k * regard,
                   w.labels("Tajikistan's leaders visit {}", others), alignment=0.03)


@rule("R02", "Tajikistan leans towards those who give it aid and away from those who press it",
      "seed:000", "The potential for political support and economic aid is at least as important in shaping "
      "Tajikistan's diplomacy as are ideological and cultural ties.", ("TJK",))
def aid_outweighs_ideology(w: World, me, k: float) -> None:
    received = w.aid[:, :, w.tjk]
    total = received.sum(axis=1) + 0.2
    pressed = w.pressure[:, :, w.tjk]
    support = w.alignment[:, :, w.tjk]
    w.pulls[:, w.tjk, :] += k * (2.0 * received / total[:, None] - 0.8 * pressed + 0.6 * support)


@rule("R03", "Former Soviet republics and the culturally related neighbours, Iran and Afghanistan, get particular attention",
      "seed:000", "Particular diplomatic attention went to two groups of countries: the other former Soviet republics "
      "and Tajikistan's near neighbors, Iran and Afghanistan, which are inhabited by culturally related peoples.", ("TJK",))
def near_abroad_first(w: World, me, k: float) -> None:
    near = w.chosen("near abroad", w.others("states"), lambda spec: spec.former_soviet or spec.culture_tjk >= 0.6)
    w.pull_many("TJK", near, 0.1 * k)
    w.propose_many("TJK", near, "visit", 0.003 * k, w.labels("Tajik delegation visits {}", near), alignment=0.03)


@rule("R04", "Tajikistan joins the international organisations open to it, political ones at once, financial ones as need grows",
      "seed:000", "In 1993 and 1994, membership was obtained in the International Bank for Reconstruction and Development "
      "(IBRD), the World Bank, the IMF, and the Economic Cooperation Organization.", ("TJK",))
def join_organisations(w: World, me, k: float) -> None:
    orgs = w.others("organisations")
    political = w.chosen("political", orgs, lambda spec: spec.role == "political")
    financial_ = w.chosen("financial", orgs, lambda spec: spec.role == "financial")
    security_ = w.chosen("security", orgs, lambda spec: spec.role == "security")
    to_russia = w.align("TJK", "RUS")[:, None]
    financial = 0.02 + 0.06 * w.need_economy[:, None] * _pos(w.align_many("TJK", orgs) + 0.5)
    security = 0.3 * _pos(to_russia)
    union = 0.004 * _pos(to_russia - 0.5) * (1.0 - w.dependence[:, w.tjk, w.i("RUS")])[:, None]
    # political bodies are joined at once; financial ones as need grows; security ones with
    # Russia; an economic union with Russia would deepen dependence further
    hazard = np.where(w.mask(orgs, political), 0.25, np.where(w.mask(orgs, financial_), financial,
                                                              np.where(w.mask(orgs, security_), security, union)))
    member = w.has_many("TJK", orgs, "member")
    w.propose_many("TJK", orgs, "membership", k * hazard * ~member,
                   w.labels("Tajikistan joins {}", orgs), tie="member", alignment=0.15)
    w.pull_many("TJK", orgs, 0.3 * k * member)


@rule("R05", "An insecure regime asks neighbours and great powers for help to stay in power",
      "seed:000", "he asked several presidents of former Soviet republics, including President Boris N. Yeltsin of "
      "Russia, to help him stay in power.", ("TJK",))
def plea_for_help(w: World, me, k: float) -> None:
    urgency = (w.need_security * (w.war() + 0.3 * w.drive("afghan_instability")))[:, None]
    asked = [other for other in FORMER_SOVIET + ("CIS", "UN", "IRN") if w.present(other)]
    w.propose_many("TJK", asked, "request", 0.04 * k * urgency * (0.5 + _pos(w.align_many("TJK", asked))),
                   w.labels("Tajikistan asks {} for help to end the fighting", asked), alignment=0.02)


@rule("R06", "Requests meet refusal where the asked side is unwilling, and help where it is willing",
      "seed:000", "They refused this request.", ("*",), collective=True)
def answer_requests(w: World, them, k: float) -> None:
    codes = [agent.code for agent in them]
    asked = w.requests[:, w.at(codes), w.tjk]
    willing = _pos(w.regard_many(codes, "TJK")) * w.attribute(codes, "capability")
    w.propose_each(codes, "TJK", "refusal", 0.6 * k * asked * (willing < 0.15),
                   w.labels("{} declines Tajikistan's request for help", codes), alignment=-0.05)
    w.give_aid_each(codes, "TJK", 0.05 * k * asked * willing)


@rule("R07", "The pro-government side courts Russia's attention, and Russia's engagement grows with it",
      "seed:002", "The Tajik pro-government forces, however, were actively seeking Russia’s attention and "
      "eventually managed to mobilise its support.", ("TJK",))
def court_russia(w: World, me, k: float) -> None:
    need = w.need_security * (w.war() + 0.2)
    w.pull("TJK", "RUS", 0.6 * k * need)
    w.pull("RUS", "TJK", 0.5 * k * need)
    w.propose("TJK", "RUS", "visit", 0.05 * k * need, "Tajik leaders travel to Moscow seeking support", alignment=0.04)


@rule("R08", "Tajikistan's dependence on outside assistance makes it ask capable partners for material support",
      "seed:002", "As a small, poor, peripheral and post-conflict country, Tajikistan is largely dependent on "
      "assistance from external partners.", ("TJK",))
def seek_assistance(w: World, me, k: float) -> None:
    donors = w.donors
    capability = np.array([w.spec(d).capability for d in donors])
    w.propose_many("TJK", donors, "request",
                   0.01 * k * w.need_economy[:, None] * capability * (1 + w.align_many("TJK", donors)),
                   w.labels("Tajikistan asks {} for economic assistance", donors), alignment=0.02)


@rule("R09", "Tajikistan's rulers share an outlook with like-minded governments, and are drawn to them",
      "seed:002", "This expression points to shared Soviet history, as well as some ideological alignment regarding, "
      "for example, policymakers’ preference for a centralised, top-down form of governance.", ("TJK",))
def ideological_likeness(w: World, me, k: float) -> None:
    others = w.others("states")
    likeness = 0.35 * k * w.attribute(others, "ideology_tjk")
    w.pull_many("TJK", others, likeness)
    w.pulled_by_many(others, "TJK", likeness)


@rule("R10", "Russia is the older brother: Tajikistan's regard for Russia is pulled back up whenever it sags",
      "seed:002", "In private, Tajik policymakers often refer to Russia as their country’s older brother, which is "
      "quite telling about Tajikistan’s positionality vis-à-vis Russia.", ("TJK",))
def older_brother(w: World, me, k: float) -> None:
    w.pull("TJK", "RUS", k * (0.4 + 1.5 * _pos(0.5 - w.align("TJK", "RUS"))))
    w.pulls[:, w.tjk, w.i("RUS")] += 0.7 * k * w.pressure[:, w.i("RUS"), w.tjk]


@rule("R11", "Russia's backing gives the Tajik government legitimacy at home and abroad",
      "seed:002", "the backing of Russia as the Soviet successor state has significantly boosted Tajik government’s "
      "legitimacy at home and abroad", ("TJK",))
def legitimacy_from_russia(w: World, me, k: float) -> None:
    w.secure(0.02 * k * _pos(w.align("RUS", "TJK")))


@rule("R12", "Tajikistan seeks treaties with partners when both sides are close and it is in need",
      "seed:002", "In 1993, the two countries signed a Treaty of Friendship, Cooperation and Mutual Assistance. "
      "Arguably, however, this friendship and cooperation was needed much more by the Tajik than the Russian side.", ("TJK",))
def seek_treaties(w: World, me, k: float) -> None:
    others = w.others("states")
    need = (0.3 + 0.7 * np.maximum(w.need_security, w.need_economy))[:, None]
    mutual = _pos(w.align_many("TJK", others)) * _pos(w.regard_many(others, "TJK"))
    again = np.where(w.has_many("TJK", others, "treaty"), 0.15, 1.0)
    w.propose_many("TJK", others, "treaty", 0.04 * k * need * mutual * again,
                   w.labels("Tajikistan and {} sign a cooperation treaty", others), tie="treaty", alignment=0.1)


@rule("R13", "Tajikistan is wary of downstream neighbours' claims on its water",
      "seed:000", "Tajikistan also is wary of regional water use plans that might increase the share of Uzbekistan and "
      "Turkmenistan in water emanating from Tajikistan.", ("TJK",))
def water_wariness(w: World, me, k: float) -> None:
    for other in ("UZB", "TKM"):
        if w.present(other):
            w.pull("TJK", other, -0.2 * k)


@rule("R14", "Tajikistan criticises Uzbekistan over its Tajik minority",
      "seed:000", "Tajik intellectuals, and at times the Dushanbe government, have criticized Uzbekistan for "
      "discrimination against its Tajik minority.", ("TJK",))
def criticise_uzbekistan(w: World, me, k: float) -> None:
    w.pull("TJK", "UZB", -0.1 * k)
    w.propose("TJK", "UZB", "pressure", 0.006 * k * (1 - w.align("TJK", "UZB")),
              "Dushanbe criticises Uzbekistan's treatment of its Tajik minority", alignment=-0.08, pressure=0.15)


@rule("R15", "Tajikistan accuses Afghanistan over cross-border attacks while the border is insecure",
      "seed:000", "Tajikistan accused Afghanistan of complicity in cross-border attacks by exiled opposition members "
      "based in northern Afghanistan.", ("TJK",))
def accuse_afghanistan(w: World, me, k: float) -> None:
    threat = w.drive("afghan_instability") * (w.war() + 0.25)
    w.pull("TJK", "AFG", -0.4 * k * threat)
    w.propose("TJK", "AFG", "pressure", 0.04 * k * threat, "Tajikistan accuses Afghanistan of harbouring cross-border attackers",
              alignment=-0.1, pressure=0.2)


@rule("R16", "The civil war drives refugees from southern Tajikistan into northern Afghanistan",
      "seed:000", "By early 1993, the United Nations High Commissioner for Refugees estimated that 50,000 to 70,000 "
      "refugees had gone from southern Tajikistan to northern Afghanistan.", ("TJK",))
def refugees_flee(w: World, me, k: float) -> None:
    surge = max(w.war() - 0.5, 0.0)
    w.propose("TJK", "AFG", "refugees", 0.3 * k * surge, "Refugees flee southern Tajikistan into northern Afghanistan")
    w.propose("TJK", "IRN", "refugees", 0.05 * k * surge, "Refugees from Tajikistan reach camps set up by Iran")


@rule("R17", "Nabiyev cultivates Iran despite the ideological gap, more so when his position is threatened",
      "seed:000", "Despite the obvious ideological differences between the Islamic revolutionary regime in Iran and the "
      "secular communist regime in newly independent Tajikistan, Nabiyev actively cultivated relations with Iran.", ("TJK",))
def cultivate_iran(w: World, me, k: float) -> None:
    w.pull("TJK", "IRN", 0.3 * k * w.need_security)
    w.propose("TJK", "IRN", "request", 0.02 * k * w.need_security * w.war(), "Tajikistan asks Iran for aid", alignment=0.03)


@rule("R18", "In the 1990s, Tajik policymakers actively search for Russia's support (stage 1)",
      "seed:002", "stage 1 in the 1990s, when Tajik policymakers were actively searching for Russia’s support", ("TJK",), default=False)
def stage1_search_for_russia(w: World, me, k: float) -> None:
    w.pull("TJK", "RUS", 0.5 * k)
    w.propose("TJK", "RUS", "request", 0.03 * k * np.maximum(w.need_security, w.need_economy),
              "Tajikistan asks Russia for support", alignment=0.03)


@rule("R19", "In the 2000s, an open door to the US, China and the Gulf, while Russia stays first (stage 2)",
      "seed:002", "stage 2 in the 2000s, when Tajikistan launched an ‘open door’ foreign policy but continued to "
      "prioritise Russia", ("TJK",), default=False)
def stage2_open_door(w: World, me, k: float) -> None:
    for other in ("USA", "CHN", "TUR", "PAK", "IRN", "KAZ"):
        if w.present(other):
            w.pull("TJK", other, 0.2 * k)
            w.propose("TJK", other, "visit", 0.02 * k, f"Tajikistan's president visits {w.name(other)} under the open-door policy",
                      alignment=0.03)
    w.pull("TJK", "RUS", 0.2 * k)


@rule("R20", "In the 2010s, dependence on Russia is felt as a cost, most when Russia's economy falters (stage 3)",
      "seed:002", "stage 3 in the 2010s, when Tajik policymakers slowly realised the negative consequences of "
      "excessive economic dependence on Russia", ("TJK",), default=False)
def stage3_costs_of_dependence(w: World, me, k: float) -> None:
    dep = w.dependence[:, w.tjk, w.i("RUS")]
    slump = max(-w.drive("russia_growth"), 0.0) / 5.0
    w.pull("TJK", "RUS", -k * dep * (0.15 + slump))
    if w.present("CHN"):
        w.pull("TJK", "CHN", 0.2 * k * dep)


@rule("R21", "From 2022, Tajikistan asserts itself within a subordinate position it cannot leave (stage 4)",
      "seed:002", "stage 4, from 2022 onwards when Tajikistan started trying to navigate its subordinated position "
      "while recognising that it cannot disengage with Russia.", ("TJK",), default=False)
def stage4_navigate(w: World, me, k: float) -> None:
    w.propose("TJK", "RUS", "pressure", 0.03 * k, "Tajikistan's president publicly demands respect from Russia",
              alignment=-0.05, pressure=0.1)
    w.pull("TJK", "RUS", 0.3 * k)
    for other in ("CHN", "UZB", "KAZ", "USA"):
        if w.present(other):
            w.pull("TJK", other, 0.25 * k)


# --- Russia --------------------------------------------------------------------------


@rule("R22", "Russia, absorbed by its own transformation, is at first not interested in Tajikistan's war",
      "seed:002", "Already dealing with challenges from its own post-socialist transformation in the early 1990s, "
      "initially Russia was not interested in interfering in Tajikistan’s domestic conflict.", ("RUS",))
def russia_preoccupied(w: World, me, k: float) -> None:
    slump = max(-w.drive("russia_growth"), 0.0) / 15.0
    w.pull("RUS", "TJK", -0.5 * k * slump)


@rule("R23", "Russia backs the Tajik government with the 201st division in proportion to its engagement and the war",
      "seed:002", "Together with the 201st division, the Tajik forces were thus able to quickly regain control of "
      "Dushanbe and launch an offensive against the rebels", ("RUS",))
def russia_backs_government(w: World, me, k: float) -> None:
    engaged = _pos(w.align("RUS", "TJK"))
    need = w.war() + 0.3 * w.drive("afghan_instability")
    w.give_aid("RUS", "TJK", 0.12 * k * engaged * need, "Russia's 201st division and border troops back the Tajik government",
               military=True)
    w.propose("RUS", "TJK", "military", 0.2 * k * _pos(engaged - 0.2) * w.war() * ~w.has("RUS", "TJK", "base"),
              "Russia puts the 201st division at the Tajik government's side", tie="base", alignment=0.1, security=0.1)


@rule("R24", "Russia defends the Afghan border, and so the CIS, against extremism and drug trafficking",
      "seed:000", "Russia also has justified its active involvement in the affairs of Tajikistan by citing the need to "
      "defend the Tajikistan-Afghanistan border--and thus, the CIS--from penetration by Islamic extremism and drug "
      "trafficking.", ("RUS",))
def russia_guards_border(w: World, me, k: float) -> None:
    threat = w.drive("afghan_instability")
    w.pull("RUS", "TJK", 0.5 * k * threat)
    w.support("RUS", "TJK", 0.1 * k * threat)
    w.give_aid("RUS", "TJK", 0.03 * k * threat * _pos(w.align("RUS", "TJK")))


@rule("R25", "Russia protects the Russian minority: engagement while it is at risk, and a citizenship treaty after",
      "seed:000", "The protection of the Russian minority in strife-ridden Tajikistan is a stated foreign policy goal "
      "of the Russian government.", ("RUS",))
def russia_protects_minority(w: World, me, k: float) -> None:
    w.pull("RUS", "TJK", 0.4 * k * w.war())
    calm = 1.0 - w.war()
    w.propose("RUS", "TJK", "treaty", 0.004 * k * calm * _pos(w.align("RUS", "TJK")) * (w.war() > 0.05),
              "Russia and Tajikistan agree on dual citizenship", tie="treaty", alignment=0.05)


@rule("R26", "Russian officers and advisers serve in and around the Dushanbe government",
      "seed:000", "Russian personnel in Dushanbe acted as advisers to the post-civil war government.", ("RUS",))
def russian_personnel(w: World, me, k: float) -> None:
    engaged = _pos(w.align("RUS", "TJK"))
    w.support("RUS", "TJK", 0.05 * k * engaged)
    w.propose("RUS", "TJK", "personnel", 0.02 * k * engaged * w.need_security,
              "Russian officials take posts in or advise the Dushanbe government", alignment=0.03)


@rule("R27", "Tajik migrants' earnings in Russia make Tajikistan depend on Russia's economy",
      "seed:002", "Russia has always occupied a special place in its foreign policy.", ("RUS",))
def remittance_tie(w: World, me, k: float) -> None:
    share = w.drive("remittances") / 50.0
    boom = 1.0 + w.drive("russia_growth") / 20.0
    w.support("RUS", "TJK", 0.5 * k * share * boom)
    w.pull("TJK", "RUS", 0.3 * k * share)


@rule("R51", "Russia is Tajikistan's recognised strategic partner: a base and treaties bind both sides",
      "seed:002", "Russia is officially recognised as its strategic partner.", ("RUS",))
def strategic_partnership(w: World, me, k: float) -> None:
    w.pull("RUS", "TJK", 0.5 * k * w.has("RUS", "TJK", "base"))
    w.pull("TJK", "RUS", 0.3 * k * w.has("TJK", "RUS", "treaty"))


# --- Uzbekistan ----------------------------------------------------------------------


@rule("R28", "Uzbekistan arms the government side in the civil war, against the opposition",
      "seed:000", "Uzbekistan gave military support to the factions that won Tajikistan's civil war", ("UZB",))
def uzbekistan_backs_government(w: World, me, k: float) -> None:
    engaged = w.spec("UZB").islamist_concern * (0.5 + _pos(w.align("UZB", "TJK") + 0.5))
    w.give_aid("UZB", "TJK", 0.08 * k * w.war() * engaged, "Uzbekistan gives military support to the government side",
               military=True)
    w.propose("UZB", "TJK", "treaty", 0.03 * k * w.war() * engaged * ~w.has("UZB", "TJK", "treaty"),
              "Uzbekistan and Tajikistan sign a defence cooperation treaty", tie="treaty", alignment=0.05)


@rule("R29", "Uzbekistan closes its border against refugees while the war rages",
      "seed:000", "closed its border with Tajikistan in the fall of 1992 to prevent opposition refugees from the "
      "civil war from fleeing to Uzbekistan.", ("UZB",))
def uzbekistan_closes_border(w: World, me, k: float) -> None:
    w.apply_pressure("UZB", "TJK", 0.08 * k * max(w.war() - 0.3, 0.0), "Uzbekistan closes its border with Tajikistan")


@rule("R30", "Uzbekistan answers with fear of Islamic radicalism, pressing Tajik-language schooling",
      "seed:000", "In response, citing fears of Islamic radicalism in Tajikistan, Uzbekistan closed its Tajik-language "
      "schools in mid-1992.", ("UZB",))
def uzbekistan_fears_radicalism(w: World, me, k: float) -> None:
    fear = w.spec("UZB").islamist_concern * (w.war() + 0.3 * w.drive("afghan_instability"))
    w.pull("UZB", "TJK", -0.2 * k * fear)
    w.propose("UZB", "TJK", "cultural", 0.02 * k * fear, "Uzbekistan closes Tajik-language schools",
              alignment=-0.08, pressure=0.1)


@rule("R31", "Once the war is won, Tashkent resents victors less amenable to its leadership",
      "seed:000", "the government in Tashkent was increasingly displeased that the dominant factions among the victors "
      "in Tajikistan's civil war were much less amenable to Uzbekistan's leadership than were the factions that had "
      "controlled Tajikistani politics before the war.", ("UZB",))
def uzbekistan_ambivalent(w: World, me, k: float) -> None:
    consolidated = w.security * (1.0 - w.war())
    w.pull("UZB", "TJK", -0.6 * k * consolidated)
    w.apply_pressure("UZB", "TJK", 0.02 * k * consolidated, "Uzbekistan presses Dushanbe, displeased with the victors")


@rule("R32", "Uzbekistan urges Dushanbe towards conciliation with the opposition as the war ebbs",
      "seed:000", "By 1995 the Uzbekistani government was urging the government in Dushanbe to be more conciliatory "
      "toward the opposition in postwar peace talks.", ("UZB",))
def uzbekistan_urges_conciliation(w: World, me, k: float) -> None:
    ebbing = w.war() * (1.0 - w.war()) * w.security
    w.propose("UZB", "TJK", "mediation", 0.08 * k * ebbing, "Uzbekistan urges Dushanbe to compromise with the opposition")


# --- Central Asian neighbours -----------------------------------------------------------


@rule("R33", "Fuel exporters cut deliveries to win better terms from an indebted Tajikistan",
      "seed:000", "Oil and natural gas producers Kazakstan and Turkmenistan interrupted fuel deliveries to Tajikistan, "
      "in the hopes of improving the terms of the sales agreements that had prevailed under the Soviet system.",
      ("KAZ", "TKM", "UZB"))
def fuel_leverage(w: World, me, k: float) -> None:
    arrears = w.need_economy
    goodwill = 1.0 - 0.5 * _pos(w.align(me.code, "TJK"))
    w.apply_pressure(me.code, "TJK", 0.08 * k * arrears * goodwill, f"{w.name(me.code)} interrupts fuel deliveries to Tajikistan")


@rule("R34", "The Central Asian leaders praise regional cooperation but make little progress",
      "seed:000", "The leaders of Kazakstan, Kyrgyzstan, Tajikistan, Turkmenistan, and Uzbekistan repeatedly extolled "
      "the value of regional economic and environmental cooperation in the early 1990s.", CENTRAL_ASIA)
def regional_cooperation_talk(w: World, me, k: float) -> None:
    w.pull(me.code, "TJK", 0.05 * k)
    w.propose(me.code, "TJK", "visit", 0.004 * k, f"{w.name(me.code)}'s leader meets Tajikistan's on regional cooperation",
              alignment=0.02)


@rule("R35", "Water and arable land sour relations between Kyrgyzstan and Tajikistan, with clashes at the border",
      "seed:000", "a dispute over two scarce resources in Central Asia, water and arable land, soured relations "
      "between Tajikistan and Kyrgyzstan.", ("KGZ",))
def kyrgyz_land_and_water(w: World, me, k: float) -> None:
    w.pull("KGZ", "TJK", -0.25 * k)
    w.pull("TJK", "KGZ", -0.25 * k)
    w.propose("KGZ", "TJK", "conflict", 0.004 * k * (1 - w.align("KGZ", "TJK")),
              "Kyrgyz and Tajik border communities clash over land and water", alignment=-0.15, pressure=0.3)


@rule("R36", "Kyrgyzstan, despite the tension, sends aid and tries to negotiate an end to the war",
      "seed:000", "Despite tense relations between the two republics, Kyrgyzstan attempted to negotiate an end to "
      "Tajikistan's civil war, and it sent medicine and other aid to its beleaguered neighbor.", ("KGZ",))
def kyrgyz_help(w: World, me, k: float) -> None:
    w.give_aid("KGZ", "TJK", 0.04 * k * w.war(), "Kyrgyzstan sends medicine and other aid")
    w.propose("KGZ", "TJK", "mediation", 0.02 * k * w.war(), "Kyrgyzstan offers to mediate in Tajikistan's civil war")


# --- Iran, Afghanistan ---------------------------------------------------------------


@rule("R37", "Iran's cultural pull is real but limited by the Arabic alphabet few Tajiks can read",
      "seed:000", "The main obstacle to such cultural contact is the fact that only a very small portion of the "
      "Tajikistani population can read the Arabic alphabet", ("IRN",))
def iran_cultural_pull(w: World, me, k: float) -> None:
    spec = w.spec("IRN")
    reach = spec.culture_tjk * (1.0 - spec.script_barrier)
    w.pull("TJK", "IRN", 0.5 * k * reach)
    w.pull("IRN", "TJK", 0.5 * k * spec.culture_tjk)
    w.propose("IRN", "TJK", "cultural", 0.03 * k * spec.culture_tjk, "Iran funds cultural events and media in Tajikistan",
              alignment=0.1 * reach)


@rule("R38", "Iran offers mediation and sends food and refugee camps during the war",
      "seed:000", "In the fall of 1992, Iran repeatedly offered to help mediate Tajikistan's civil war in cooperation "
      "with other Central Asian states.", ("IRN",))
def iran_mediates(w: World, me, k: float) -> None:
    w.propose("IRN", "TJK", "mediation", 0.06 * k * w.war(), "Iran offers to mediate between Dushanbe and the opposition",
              alignment=0.02)
    w.give_aid("IRN", "TJK", 0.03 * k * w.war(), "Iran sends food and sets up refugee camps")


@rule("R39", "Afghanistan's rulers approach Dushanbe as they approach Moscow, and then mediate",
      "seed:000", "Rabbani then tried to improve relations with the Dushanbe government and to mediate a settlement "
      "between it and the opposition.", ("AFG",))
def afghanistan_follows_russia(w: World, me, k: float) -> None:
    with_moscow = w.align("AFG", "RUS")
    w.pull("AFG", "TJK", 0.5 * k * with_moscow)
    w.propose("AFG", "TJK", "mediation", 0.04 * k * _pos(with_moscow) * w.war(),
              "Afghanistan's government offers to mediate Tajikistan's peace talks", alignment=0.05)


# --- China ---------------------------------------------------------------------------


@rule("R40", "China presses its claim in Gorno-Badakhshan until a border agreement is signed",
      "seed:000", "The main source of tension between China and Tajikistan is China's claim on part of Tajikistan's "
      "far eastern Gorno-Badakhshan region.", ("CHN",))
def china_border_claim(w: World, me, k: float) -> None:
    open_claim = ~w.has("CHN", "TJK", "treaty")
    w.apply_pressure("CHN", "TJK", 0.03 * k * open_claim, "China presses its claim in Gorno-Badakhshan")
    w.pull("TJK", "CHN", -0.3 * k * open_claim)
    w.propose("CHN", "TJK", "treaty", 0.04 * k * _pos(w.align("CHN", "TJK")) * _pos(w.align("TJK", "CHN") + 0.3) * open_claim,
              "China and Tajikistan sign a border agreement", tie="treaty", alignment=0.15)


@rule("R41", "China and Dushanbe's post-war government share hostility to Islamist movements",
      "seed:000", "Despite their border dispute, China and the post-civil war government of Tajikistan share a hostility "
      "toward reformist political movements, especially those that could be stigmatized as Islamic fundamentalist.", ("CHN",))
def china_shared_hostility(w: World, me, k: float) -> None:
    common = w.spec("CHN").islamist_concern * w.security * (0.5 + w.drive("afghan_instability"))
    w.pull("CHN", "TJK", 0.35 * k * common)
    w.pull("TJK", "CHN", 0.35 * k * common)


@rule("R42", "On that common ground China builds a working relationship: loans and investment as its reach grows",
      "seed:000", "By the mid-1990s, this common ground had become the basis for a working relationship between the "
      "two governments.", ("CHN",))
def china_working_relationship(w: World, me, k: float) -> None:
    reach = w.drive("china_reach")
    w.give_aid("CHN", "TJK", 0.15 * k * reach * _pos(w.align("CHN", "TJK")), "China lends and invests in Tajikistan")
    w.support("CHN", "TJK", 0.3 * k * reach)
    w.propose("CHN", "TJK", "visit", 0.02 * k * reach, "Chinese leaders visit Dushanbe with loan and investment offers",
              alignment=0.04)


# --- The United States and the West ------------------------------------------------------


@rule("R43", "The United States sends emergency food and medicine during the war",
      "seed:000", "During the civil war, the United States provided emergency food supplies and medicines to Tajikistan",
      ("USA",))
def us_emergency_relief(w: World, me, k: float) -> None:
    w.give_aid("USA", "TJK", 0.08 * k * w.war(), "The United States sends emergency food and medicine")


@rule("R44", "The United States backs peace talks and steers Tajikistan to the IMF and the banks",
      "seed:000", "By the mid-1990s, United States policy toward Tajikistan centered on support for peace negotiations "
      "and on encouraging Tajikistan to develop closer relations with the IMF and other financial organizations that "
      "could help in the rebuilding process.", ("USA",))
def us_peace_and_finance(w: World, me, k: float) -> None:
    for org in ("IMF", "WB"):
        if w.present(org):
            w.pull("TJK", org, 0.15 * k)
    engagement = w.drive("western_engagement")
    w.give_aid("USA", "TJK", 0.08 * k * engagement)
    w.pull("USA", "TJK", 0.4 * k * engagement)
    w.propose("USA", "TJK", "mediation", 0.01 * k * w.war(), "The United States supports the inter-Tajik peace talks")


@rule("R45", "The US embassy is evacuated at the height of the war and reopened when it eases",
      "seed:000", "that outpost was evacuated in October 1992, at the height of the civil war, and was not reopened "
      "until March 1993.", ("USA",))
def us_embassy_safety(w: World, me, k: float) -> None:
    open_now = w.has("USA", "TJK", "embassy")
    danger = max(w.war() - 0.75, 0.0) * 4
    w.propose("USA", "TJK", "embassy", 0.5 * k * danger * open_now, "The United States evacuates its embassy in Dushanbe",
              untie="embassy", alignment=-0.05)
    calm = max(0.75 - w.war(), 0.0)
    w.propose("USA", "TJK", "embassy", 0.15 * k * calm * ~open_now * w.has("USA", "TJK", "recognition"),
              "The United States opens its embassy in Dushanbe", tie="embassy", alignment=0.05)


# --- Everyone ------------------------------------------------------------------------


@rule("R46", "States recognise the new republic and open embassies, the culturally close and the powerful first",
      "seed:000", "When Tajikistan declared independence, Iran was one of the first countries to extend diplomatic "
      "recognition, and the first to establish an embassy in Dushanbe.", ("*state",), collective=True)
def recognise_and_open(w: World, them, k: float) -> None:
    if w.month < SOVIET_COLLAPSE:
        k = 0.0
    codes = [agent.code for agent in them]
    eagerness = np.array([0.15 + 0.5 * w.spec(c).culture_tjk + 0.3 * w.spec(c).capability for c in codes])
    recognised = w.ties[:, w.at(codes), w.tjk] & 1 > 0
    has_embassy = w.ties[:, w.at(codes), w.tjk] & 2 > 0
    w.propose_each(codes, "TJK", "recognition", 0.5 * k * eagerness * ~recognised,
                   w.labels("{} recognises Tajikistan", codes), tie="recognition", alignment=0.05)
    opens = [c != "USA" for c in codes]  # the United States' embassy follows its own rule (R45)
    w.propose_each(codes, "TJK", "embassy", 0.04 * k * eagerness * recognised * ~has_embassy * opens,
                   w.labels("{} opens an embassy in Dushanbe", codes), tie="embassy", alignment=0.05)


@rule("R47", "The CIS follows Russia, its political centre: peacekeeping once Moscow is engaged",
      "seed:002", "‘ties with Russia, the political centre of the Commonwealth of Independent States, contribute to "
      "the development of the republic.’", ("CIS",))
def cis_follows_russia(w: World, me, k: float) -> None:
    w.pull("CIS", "TJK", 0.8 * k * w.align("RUS", "TJK"))
    engaged = _pos(w.align("CIS", "TJK") - 0.2)
    w.give_aid("CIS", "TJK", 0.05 * k * engaged * w.war(), "CIS collective peacekeeping forces support the government",
               military=True)
    w.propose("CIS", "TJK", "military", 0.03 * k * engaged * w.war(), "CIS collective peacekeeping forces deploy in Tajikistan",
              alignment=0.05, security=0.05)


@rule("R48", "The UN answers Tajikistan with a mission and calls for peace rather than force",
      "seed:000", "only a UN mission and a call for an end to hostilities resulted.", ("UN",))
def un_limited_response(w: World, me, k: float) -> None:
    w.propose("UN", "TJK", "mediation", 0.06 * k * w.war() * (0.3 + w.requests[:, me.index, w.tjk]),
              "The UN sends a mission and calls for an end to hostilities", alignment=0.03)
    w.give_aid("UN", "TJK", 0.03 * k * w.war())


@rule("R49", "The international financial institutions lend to member Tajikistan as its economy needs",
      "seed:000", "In 1993 and 1994, membership was obtained in the International Bank for Reconstruction and "
      "Development (IBRD), the World Bank, the IMF, and the Economic Cooperation Organization.", ("IMF", "WB"))
def ifis_lend(w: World, me, k: float) -> None:
    member = w.has("TJK", me.code, "member")
    w.give_aid(me.code, "TJK", 0.06 * k * member * w.need_economy * (1 - 0.7 * w.war()))
    w.pull(me.code, "TJK", 0.2 * k * member)


@rule("R50", "Security organisations Tajikistan belongs to back it against threats from Afghanistan",
      "seed:000", "Russia also has justified its active involvement in the affairs of Tajikistan by citing the need to "
      "defend the Tajikistan-Afghanistan border--and thus, the CIS--from penetration by Islamic extremism and drug "
      "trafficking.", ("CSTO", "SCO"))
def security_organisations(w: World, me, k: float) -> None:
    member = w.has("TJK", me.code, "member")
    threat = w.drive("afghan_instability")
    w.pull(me.code, "TJK", 0.4 * k * member)
    w.give_aid(me.code, "TJK", 0.03 * k * member * threat, f"{w.name(me.code)} strengthens Tajikistan's border defences",
               military=True)
    w.propose(me.code, "TJK", "military", 0.02 * k * member * max(threat - 0.5, 0.0),
              f"{w.name(me.code)} holds joint exercises or reinforces Tajikistan's border", alignment=0.03, security=0.02)
