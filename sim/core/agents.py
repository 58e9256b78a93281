"""The agents: one Mesa agent per state or international organisation.

An agent carries what the texts say about its actor (its :class:`~sim.scenario.schema.ActorSpec`)
and the rules it follows in the current period. Each month, in the decide phase, it runs
those rules for all replicates at once; the rules record intentions on the shared
:class:`~sim.core.world.World`, and the model applies them together afterwards.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from sim.core.rulebook import Rule
from sim.vocabulary import ACTOR_NAMES

if TYPE_CHECKING:
    from sim.core.model import TajikistanModel
    from sim.scenario.schema import ActorSpec


class Actor(mesa.Agent):
    """A state or organisation taking part in Tajikistan's foreign relations."""

    def __init__(self, model: TajikistanModel, code: str, spec: ActorSpec):
        super().__init__(model)
        self.code = code
        self.spec = spec
        self.name = ACTOR_NAMES[code]
        self.index = model.world.i(code)
        self.rulebook: list[tuple[Rule, float]] = []

    def adopt(self, rules: list[tuple[Rule, float]]) -> None:
        """Take on the rules (with weights) that apply to this actor in the new period."""
        self.rulebook = [(rule, weight) for rule, weight in rules
                         if rule.applies_to(self.code, self.spec.kind) and not rule.collective]

    def decide(self) -> None:
        """Run this month's rules, recording intentions for every replicate."""
        world = self.model.world
        world.begin(self.index)
        for rule, weight in self.rulebook:
            world.current_rule = rule.id
            rule.fn(world, self, weight)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code})"


class State(Actor):
    """A sovereign state."""


class Organisation(Actor):
    """An international organisation; it may be founded during the run."""


class Tajikistan(State):
    """The focal state, whose domestic situation drives what it needs from others."""

    @property
    def security(self):
        """Regime security per replicate, 0 (collapsing) to 1 (secure)."""
        return self.model.world.security

    @property
    def economy(self):
        """Economic condition per replicate, 0 (ruin) to 1 (sound)."""
        return self.model.world.economy


def make_actor(model: TajikistanModel, code: str, spec: ActorSpec) -> Actor:
    """Create the right kind of agent for an actor code."""
    if code == "TJK":
        return Tajikistan(model, code, spec)
    if spec.kind == "organisation":
        return Organisation(model, code, spec)
    return State(model, code, spec)
