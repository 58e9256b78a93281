"""Threats and rivals: a hostile Kabul, China's security reach, Uzbekistan's upstream neighbours,
Russia and Uzbekistan, and the union Tajikistan stays out of.

These rules make dyads live that do not include Tajikistan (Uzbekistan's regard for Kyrgyzstan and
for Russia) and let one patron's move change what the others hold: China's posts on the Afghan
border take a share of the security lever from Russia, a hostile Kabul sends Tajikistan to the
patrons that protect it, and the pull of partners outside the Eurasian union keeps it out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.core.rulebook import rule
from sim.core.rules.common import afghan_threat, hostile_kabul, pos, us_at_war_next_door
from sim.core.world import World

if TYPE_CHECKING:
    from sim.core.agents import Actor

#: Partners outside the Eurasian union whose ties membership would strain. The source names China, Qatar and
#: Iran; Qatar is no actor of the model, and Turkey and the United States are added as the other partners
#: outside the union whose trade and debt the model tracks (the project's choice, not the source's).
OUTSIDE_UNION = ("CHN", "IRN", "TUR", "USA")


@rule("R76", "Facing a hostile regime in Kabul, Tajikistan withholds recognition and leans on those who protect it",
      "rferl2021majlis", "Dushanbe kept quiet about events in Afghanistan before the fall of Kabul and for many days "
      "after, but when Tajik President Emomali Rahmon met with Pakistani Foreign Minister Shah Mahmood Qureshi on "
      "August 25, Rahmon said his country would not recognize a Taliban government that did not include representatives "
      "from minority groups, naming specifically Afghanistan’s Tajik population.", ("TJK",))
def refuse_hostile_kabul(w: World, me: Actor, k: float) -> None:
    if not w.present("AFG"):
        return
    hostile = hostile_kabul(w)
    w.pull(me.code, "AFG", -0.6 * k * hostile)
    protectors = w.others("states")
    shares = w.levers.holds("security")[:, w.at(protectors)]
    w.pull_many(me.code, protectors, 0.8 * k * hostile[:, None] * shares)
    refused = w.has(me.code, "AFG", "refusal")
    w.propose(me.code, "AFG", "refusal", 0.3 * k * hostile * ~refused,
              "Tajikistan refuses to recognise the regime in Kabul", tie="refusal", alignment=-0.1)
    w.propose(me.code, "AFG", "visit", 0.05 * k * (hostile == 0.0) * refused,
              "Tajikistan opens talks with Kabul's new rulers", untie="refusal", alignment=0.05)


# China posts forces at the Afghan border into the room a departing great power leaves: its posts (R77) come the less
# the more the United States fights next door. "At a moment when the United States might consider a pact that would
# pull American troops out of Afghanistan, China appears to be tiptoeing into a volatile region critical to its
# security and its continental ambitions"; "Already, the retreat of old powers and arrival of the new are on display
# in Tajikistan" (G. Shih, The Washington Post, 2019, ``wapo2019posts``). How far the war keeps China out (all of it
# at the war's height) is the project's reading, not the source's.
@rule("R77", "As Afghanistan threatens its western frontier, China builds and funds security posts in Tajikistan, "
      "the more as its reach grows and the less while the United States fights next door",
      "rferl2021base", "Tajikistan has approved the construction of a new Chinese-funded base near the country’s "
      "border with Afghanistan as Tajik officials warn of growing threats emanating from its southern neighbor.", ("CHN",))
def china_guards_the_border(w: World, me: Actor, k: float) -> None:
    threat = afghan_threat(w) * (0.5 + hostile_kabul(w))
    reach = pos(w.levers.reach(me.code) - 0.5) * 2.0  # a global economy's reach, from the 2000s
    posted = w.has(me.code, "TJK", "base")
    room = 1.0 - us_at_war_next_door(w)  # the room a departing great power leaves (wapo2019posts)
    w.propose(me.code, "TJK", "military", 0.01 * k * threat * reach * room * me.spec.islamist_concern * ~posted,
              "China builds a security post in Tajikistan near the Afghan border", tie="base", alignment=0.05)
    w.give_aid(me.code, "TJK", 0.04 * k * posted * threat, "China funds Tajikistan's border forces", military=True)


@rule("R78", "Uzbekistan treats its two upstream neighbours alike: its gas squeeze reaches Kyrgyzstan too, and (the "
      "project's extension) its regard for Kyrgyzstan drifts towards its regard for Tajikistan",
      "diplomat2014hydro", "Karimov conveniently forgets his administration bills "
      "Kyrgyzstan and Tajikistan for natural gas exports. Moreover, said gas is frequently shut off as a means of "
      "coercing the two countries, which are planning to build power-generating facilities on Central Asia’s two "
      "largest rivers.", ("UZB",))
def uzbekistan_upstream_neighbours(w: World, me: Actor, k: float) -> None:
    if not w.present("KGZ"):
        return
    w.pull(me.code, "KGZ", 0.5 * k * (w.align(me.code, "TJK") - w.align(me.code, "KGZ")))
    squeeze = w.levers.squeeze["energy"][:, me.index]
    w.propose(me.code, "KGZ", "pressure", 0.3 * k * np.minimum(squeeze, 1.0) * w.trait(me.code, "assertiveness"),
              "Uzbekistan cuts gas to Kyrgyzstan too", alignment=-0.1, pressure=0.2)


@rule("R79", "While Uzbekistan squeezes Tajikistan over its dams, it cools to a Russia that stands by Dushanbe "
      "(Russia's regard for Tajikistan stands in for its backing of the dams)",
      "diplomat2014hydro", "This is thanks in part to Russia. The Kremlin has not only been voicing its support for "
      "plans to revive the Soviet-era projects, it has actually invested millions of dollars in the idea.", ("UZB",))
def uzbekistan_resents_russia(w: World, me: Actor, k: float) -> None:
    if not w.present("RUS"):
        return
    dispute = np.minimum(w.levers.squeeze["energy"][:, me.index], 1.0)
    backing = pos(w.align("RUS", "TJK"))
    w.pull(me.code, "RUS", -0.6 * k * dispute * backing * w.trait(me.code, "assertiveness"))


@rule("R80", "Tajikistan cools on the Eurasian union, and says it is still studying it, the more its partners outside "
      "it hold over it (joining itself is R04's decision)",
      "rferl2016eeu", "First, some Tajik business elites fear that EEU accession will "
      "damage Dushanbe's economic and diplomatic relationships with non-EEU actors. In particular, China and other "
      "important secondary trade partners, like Qatar and Iran, could view Tajikistan as a Russian client state if "
      "it joins the EEU.", ("TJK",))
def stay_out_of_the_union(w: World, me: Actor, k: float) -> None:
    if not w.present("EAEU"):
        return
    outside = [code for code in OUTSIDE_UNION if w.present(code)]
    at = w.at(outside)
    others_hold = np.minimum(w.levers.holds("trade")[:, at].sum(axis=1) + w.levers.holds("debt")[:, at].sum(axis=1), 1.0)
    reluctance = others_hold * ~w.has(me.code, "EAEU", "member")
    w.pull(me.code, "EAEU", -0.5 * k * reluctance)
    refused = w.has(me.code, "EAEU", "refusal")
    w.propose(me.code, "EAEU", "refusal", 0.03 * k * reluctance * ~refused,
              "Tajikistan says it is still studying membership of the Eurasian Economic Union", tie="refusal",
              alignment=-0.05)
