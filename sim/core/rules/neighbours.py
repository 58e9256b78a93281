"""The other Central Asian neighbours: fuel, regional talk, land and water."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.core.rulebook import rule
from sim.core.rules.common import CENTRAL_ASIA, most_assertive, pos, pressing
from sim.core.world import World

if TYPE_CHECKING:
    from sim.core.agents import Actor


@rule("R33", "Fuel exporters cut deliveries to win better terms from an indebted Tajikistan",
      "seed:000", "Oil and natural gas producers Kazakstan and Turkmenistan interrupted fuel deliveries to Tajikistan, "
      "in the hopes of improving the terms of the sales agreements that had prevailed under the Soviet system.",
      ("KAZ", "TKM", "UZB"), squeezes="energy")
def fuel_leverage(w: World, me: Actor, k: float) -> None:
    """An exporter interrupts deliveries as hard as its leaders press their neighbours (:func:`pressing`: the
    text's leaders as the actors file has them; a successor who presses less, less), the project's reading as
    in R13, so that a fence-mending successor's fuel is not cut off as his predecessor's was. The text names
    Kazakhstan and Turkmenistan, whose leaders no event changes; Uzbekistan following them is the project's
    reading too, and the only exporter on which the leader's reading bites (after the succession of 2016)."""
    arrears = w.need_economy
    goodwill = 1.0 - 0.5 * pos(w.align(me.code, "TJK"))
    w.apply_pressure(me.code, "TJK", 0.08 * k * arrears * goodwill * pressing(w, me.code),
                     f"{w.name(me.code)} interrupts fuel deliveries to Tajikistan")


@rule("R34", "The Central Asian leaders praise regional cooperation but make little progress",
      "seed:000", "The leaders of Kazakstan, Kyrgyzstan, Tajikistan, Turkmenistan, and Uzbekistan repeatedly extolled "
      "the value of regional economic and environmental cooperation in the early 1990s.", CENTRAL_ASIA)
def regional_cooperation_talk(w: World, me: Actor, k: float) -> None:
    room = 1.0 - most_assertive(w, CENTRAL_ASIA)
    w.pull(me.code, "TJK", 0.25 * k * room)
    w.propose(me.code, "TJK", "visit", 0.02 * k * room, f"{w.name(me.code)}'s leader meets Tajikistan's on regional cooperation",
              alignment=0.02)


@rule("R35", "Water and arable land sour relations between Kyrgyzstan and Tajikistan",
      "seed:000", "a dispute over two scarce resources in Central Asia, water and arable land, soured relations "
      "between Tajikistan and Kyrgyzstan.", ("KGZ",))
def kyrgyz_land_and_water(w: World, me: Actor, k: float) -> None:
    """The incidents at the line, with their own souring, are R84's and R62's (sim/core/border.py)."""
    w.pull(me.code, "TJK", -0.25 * k)
    w.pull("TJK", me.code, -0.25 * k)


@rule("R36", "Kyrgyzstan, despite the tension, sends aid and tries to negotiate an end to the war",
      "seed:000", "Despite tense relations between the two republics, Kyrgyzstan attempted to negotiate an end to "
      "Tajikistan's civil war, and it sent medicine and other aid to its beleaguered neighbor.", ("KGZ",))
def kyrgyz_help(w: World, me: Actor, k: float) -> None:
    w.give_aid(me.code, "TJK", 0.04 * k * w.conflict.war, "Kyrgyzstan sends medicine and other aid")
    w.propose(me.code, "TJK", "mediation", 0.02 * k * w.conflict.war, "Kyrgyzstan offers to mediate in Tajikistan's civil war")
