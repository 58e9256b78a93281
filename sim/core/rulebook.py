"""How a rule is declared: an id, a one-line summary, a source (a key of
:data:`sim.core.sources.SOURCES`) and a verbatim quote from it.

The rules themselves live in :mod:`sim.core.rules`; this module only holds the registry so that
the schema, the agents and the CLI can all look rules up by id.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sim.core.sources import SOURCES
from sim.vocabulary import ACTOR_NAMES, ACTOR_WORDS, SQUEEZED_LEVERS

if TYPE_CHECKING:
    from sim.core.agents import Actor
    from sim.core.world import World

RuleFn = Callable[["World", "Actor", float], None]

@dataclass(frozen=True)
class Rule:
    """A behavioural rule: who follows it, what it does, and the words it rests on."""

    id: str
    summary: str
    source: str
    quote: str
    actors: tuple[str, ...]
    fn: RuleFn
    default: bool = True
    collective: bool = False
    squeezes: str = ""

    def applies_to(self, code: str, kind: str) -> bool:
        """Whether an actor of this code and kind follows the rule."""
        if code in self.actors:
            return True
        if code == "TJK" or kind == "movement":  # the focal state and armed movements follow only rules naming them
            return False
        return "*" in self.actors or (f"*{kind}" in self.actors)

    def speaks_of(self, code: str) -> bool:
        """Whether the rule's quote may stand beside an act of ``code``: the rule is that actor's
        alone, or its quote names it. A rule many actors follow may rest on a sentence about one of
        them (R46's, on Iran's recognition), which must not be shown beside another's act."""
        if self.actors == (code,):
            return True
        return any(word and word in self.quote for word in (ACTOR_NAMES.get(code, code), *ACTOR_WORDS.get(code, ())))

    def __call__(self, world: World, me: Actor, weight: float) -> None:
        self.fn(world, me, weight)


RULES: dict[str, Rule] = {}


def rule(id: str, summary: str, source: str, quote: str, actors: tuple[str, ...],
         default: bool = True, collective: bool = False, squeezes: str = "") -> Callable[[RuleFn], Rule]:
    """Register a rule function under its id, with the quote it is drawn from.

    ``actors`` lists the codes that follow the rule; ``"*"`` means every actor but Tajikistan,
    ``"*state"`` every state but Tajikistan. A rule with ``default=False`` (the stage rules)
    is on only where a scenario switches it on. A ``collective`` rule is followed by many
    actors alike; it is run once a month for all of them together (its second argument is
    the Mesa ``AgentSet`` of its followers), which is the same behaviour, vectorised. A rule
    whose ``pressure`` works through one of Tajikistan's dependencies names it in ``squeezes``
    (one of :data:`~sim.vocabulary.SQUEEZED_LEVERS`; the lever its squeezes carry, or for an
    older pressure flow such as R33's fuel cut-offs, the dependency it cuts): that is its pressure
    events' subject when they are matched with the record (:mod:`sim.record.matching`).
    """
    if source not in SOURCES:
        raise ValueError(f"rule {id}: unknown source {source!r}")
    if squeezes and squeezes not in SQUEEZED_LEVERS:
        raise ValueError(f"rule {id}: squeezes {squeezes!r} is none of {', '.join(SQUEEZED_LEVERS)}")

    def register(fn: RuleFn) -> Rule:
        if id in RULES:
            raise ValueError(f"rule id {id} registered twice")
        RULES[id] = Rule(id=id, summary=summary, source=source, quote=" ".join(quote.split()), actors=actors, fn=fn,
                         default=default, collective=collective, squeezes=squeezes)
        return RULES[id]

    return register


def resolve(rule_id: str, period_rules: Mapping, scheduled: Mapping | None = None) -> tuple[bool, float]:
    """Whether a rule is on, and its weight: the one place a rule's setting is resolved.

    From weakest to strongest: the rule's default (on unless ``default=False``, weight 1), the
    period's setting, a change made by a scheduled event earlier in the run. (An override given
    to the model is stronger still; the model applies it.)
    """
    setting = (scheduled or {}).get(rule_id) or period_rules.get(rule_id)
    if setting is None:
        return RULES[rule_id].default, 1.0
    return setting.enabled, setting.weight
