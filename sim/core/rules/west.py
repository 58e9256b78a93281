"""The United States and the West: relief, peace talks, the financial institutions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.core.rulebook import rule
from sim.core.rules.common import pos
from sim.core.world import World

if TYPE_CHECKING:
    from sim.core.agents import Actor


@rule("R43", "The United States sends emergency food and medicine during the war",
      "seed:000", "During the civil war, the United States provided emergency food supplies and medicines to Tajikistan",
      ("USA",))
def us_emergency_relief(w: World, me: Actor, k: float) -> None:
    w.give_aid(me.code, "TJK", 0.08 * k * w.conflict.war, "The United States sends emergency food and medicine")


@rule("R44", "The United States backs peace talks and steers Tajikistan to the IMF and the banks",
      "seed:000", "By the mid-1990s, United States policy toward Tajikistan centered on support for peace negotiations "
      "and on encouraging Tajikistan to develop closer relations with the IMF and other financial organizations that "
      "could help in the rebuilding process.", ("USA",))
def us_peace_and_finance(w: World, me: Actor, k: float) -> None:
    for org in ("IMF", "WB"):
        if w.present(org):
            w.pull("TJK", org, 0.15 * k)
    engagement = w.drive("western_engagement")
    w.give_aid(me.code, "TJK", 0.08 * k * engagement)
    w.pull(me.code, "TJK", 0.4 * k * engagement)
    w.propose(me.code, "TJK", "mediation", 0.01 * k * w.conflict.war, "The United States supports the inter-Tajik peace talks")


@rule("R45", "The US embassy is evacuated at the height of the war and reopened when it eases",
      "seed:000", "that outpost was evacuated in October 1992, at the height of the civil war, and was not reopened "
      "until March 1993.", ("USA",))
def us_embassy_safety(w: World, me: Actor, k: float) -> None:
    open_now = w.has(me.code, "TJK", "embassy")
    danger = pos(w.conflict.war - 0.75) * 4
    w.propose(me.code, "TJK", "embassy", 0.5 * k * danger * open_now, "The United States evacuates its embassy in Dushanbe",
              untie="embassy", alignment=-0.05)
    calm = pos(0.75 - w.conflict.war)
    w.propose(me.code, "TJK", "embassy", 0.15 * k * calm * ~open_now * w.has(me.code, "TJK", "recognition"),
              "The United States opens its embassy in Dushanbe", tie="embassy", alignment=0.05)
