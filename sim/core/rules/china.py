"""China: the border claim, the shared hostility to Islamism, loans and investment."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.core.rulebook import rule
from sim.core.rules.common import afghan_threat, pos
from sim.core.world import World

if TYPE_CHECKING:
    from sim.core.agents import Actor


@rule("R40", "China presses its claim in Gorno-Badakhshan until a border agreement is signed",
      "seed:000", "The main source of tension between China and Tajikistan is China's claim on part of Tajikistan's "
      "far eastern Gorno-Badakhshan region.", ("CHN",))
def china_border_claim(w: World, me: Actor, k: float) -> None:
    open_claim = ~w.has(me.code, "TJK", "treaty")
    w.apply_pressure(me.code, "TJK", 0.03 * k * open_claim, "China presses its claim in Gorno-Badakhshan")
    w.pull("TJK", me.code, -0.3 * k * open_claim)
    w.propose(me.code, "TJK", "treaty", 0.04 * k * pos(w.align(me.code, "TJK")) * pos(w.align("TJK", me.code) + 0.3) * open_claim,
              "China and Tajikistan sign a border agreement", tie="treaty", alignment=0.15)


@rule("R41", "China and Dushanbe's post-war government share hostility to Islamist movements",
      "seed:000", "Despite their border dispute, China and the post-civil war government of Tajikistan share a hostility "
      "toward reformist political movements, especially those that could be stigmatized as Islamic fundamentalist.", ("CHN",))
def china_shared_hostility(w: World, me: Actor, k: float) -> None:
    common = me.spec.islamist_concern * w.security * (0.5 + afghan_threat(w))
    w.pull(me.code, "TJK", 0.35 * k * common)
    w.pull("TJK", me.code, 0.35 * k * common)


@rule("R42", "On that common ground China builds a working relationship: loans and investment as its reach grows",
      "seed:000", "By the mid-1990s, this common ground had become the basis for a working relationship between the "
      "two governments.", ("CHN",))
def china_working_relationship(w: World, me: Actor, k: float) -> None:
    reach = w.levers.reach(me.code)
    w.give_aid(me.code, "TJK", 0.15 * k * reach * pos(w.align(me.code, "TJK")), "China lends and invests in Tajikistan")
    w.support(me.code, "TJK", 0.3 * k * reach)
    w.propose(me.code, "TJK", "visit", 0.02 * k * reach, "Chinese leaders visit Dushanbe with loan and investment offers",
              alignment=0.04)
