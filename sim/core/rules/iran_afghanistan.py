"""Iran and Afghanistan: culture, mediation, and the Afghan government's turn."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.core.rulebook import rule
from sim.core.world import World

if TYPE_CHECKING:
    from sim.core.agents import Actor


@rule("R37", "Iran's cultural pull is real but limited by the Arabic alphabet few Tajiks can read",
      "seed:000", "The main obstacle to such cultural contact is the fact that only a very small portion of the "
      "Tajikistani population can read the Arabic alphabet", ("IRN",))
def iran_cultural_pull(w: World, me: Actor, k: float) -> None:
    spec = me.spec
    reach = spec.culture_tjk * (1.0 - spec.script_barrier)
    w.pull("TJK", me.code, 0.5 * k * reach)
    w.pull(me.code, "TJK", 0.5 * k * spec.culture_tjk)
    w.propose(me.code, "TJK", "cultural", 0.03 * k * spec.culture_tjk, "Iran funds cultural events and media in Tajikistan",
              alignment=0.1 * reach)


@rule("R38", "Iran offers mediation and sends food and refugee camps during the war",
      "seed:000", "In the fall of 1992, Iran repeatedly offered to help mediate Tajikistan's civil war in cooperation "
      "with other Central Asian states.", ("IRN",))
def iran_mediates(w: World, me: Actor, k: float) -> None:
    w.propose(me.code, "TJK", "mediation", 0.06 * k * w.conflict.war,
              "Iran offers to mediate between Dushanbe and the opposition", alignment=0.02)
    w.give_aid(me.code, "TJK", 0.03 * k * w.conflict.war, "Iran sends food and sets up refugee camps")


@rule("R39", "Kabul's rulers turn to those who arm them, and to Dushanbe as they turn to Moscow, and then mediate",
      "seed:000", "Rabbani then tried to improve relations with the Dushanbe government and to mediate a settlement "
      "between it and the opposition.", ("AFG",))
def afghanistan_follows_russia(w: World, me: Actor, k: float) -> None:
    """The text's "then" follows Russia's support for Rabbani (R64): Kabul's rulers lean towards Moscow by its share of
    the aid they receive, as Tajikistan leans towards its givers (R02's form and constants), towards Moscow's ally
    Dushanbe as far as they regard Moscow, and offer to mediate only while Moscow arms them."""
    received = w.towards("aid", me.index)
    total = received.sum(axis=1) + 0.2
    armed_by_moscow = received[:, w.i("RUS")] / total
    w.pull(me.code, "RUS", 2.0 * k * armed_by_moscow)
    w.pull(me.code, "TJK", 0.5 * k * w.align(me.code, "RUS"))
    w.propose(me.code, "TJK", "mediation", 0.04 * k * armed_by_moscow * w.conflict.war,
              "Afghanistan's government offers to mediate Tajikistan's peace talks", alignment=0.05)
