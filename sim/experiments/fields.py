"""Field types, names and checks the experiment file format shares between its parts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import AfterValidator, Field

from sim.core.recording import DOMESTIC, STATE_SERIES
from sim.core.rules import RULES
from sim.months import parse_month
from sim.scenario.schema import (
    ActorSpec,
    Parameters,
    Strict,
)

NAME_PATTERN = r"^[A-Za-z0-9_.-]+$"
Name = Annotated[str, Field(min_length=1, max_length=80, pattern=NAME_PATTERN)]

#: The reserved name of the unchanged base scenario among the arms.
BASELINE = "baseline"

#: Trajectory variables an outcome may follow: dyadic ones (Tajikistan and a partner) and
#: Tajikistan's domestic state (``DOMESTIC``, as the history records it).
DYADIC = ("alignment", "aid", "pressure", "dependence")
#: The conflicts' and levers' series (sim.core.recording.STATE_SERIES): variable -> the
#: (actor, target) pairs it is recorded for.
CONFLICT: dict[str, tuple[tuple[str, str], ...]] = {}
for _actor, _target, _variable in STATE_SERIES:
    CONFLICT.setdefault(_variable, ())
    CONFLICT[_variable] += ((_actor, _target),)
if TYPE_CHECKING:
    Variable = str
else:
    Variable = Literal[DYADIC + DOMESTIC + tuple(CONFLICT)]
Statistic = Literal["mean", "sum", "last", "max", "min", "any", "first"]
#: Actor attributes a change or a design factor may set (the kind of an actor is fixed).
ACTOR_ATTRIBUTES = tuple(name for name in ActorSpec.model_fields if name != "kind")
NUMERIC_ATTRIBUTES = ("capability", "culture_tjk", "script_barrier", "ideology_tjk", "islamist_concern", "dam_stake",
                      "reputation_concern")
if TYPE_CHECKING:  # built from the schema's own fields, which a type checker cannot follow
    ParameterName = str
    ActorAttribute = str
else:
    ParameterName = Literal[tuple(Parameters.model_fields)]
    ActorAttribute = Literal[NUMERIC_ATTRIBUTES]

#: The most runs one experiment may ask for (arms x replicates), a guard against typos.
MAX_RUNS = 10_000_000


def _listed(value: Any) -> Any:
    """Accept a single value where a list is expected (``type: aid`` or ``type: [aid, military]``)."""
    return [value] if isinstance(value, str) else value


def _known_rule(value: str) -> str:
    if value not in RULES:
        raise ValueError(f"unknown rule {value!r} (see 'tajsim rules')")
    return value


RuleId = Annotated[str, AfterValidator(_known_rule)]


def _window(start: str | None, end: str | None) -> None:
    if start is not None and end is not None and parse_month(end) < parse_month(start):
        raise ValueError(f"to {end} is before from {start}")


def _exactly_one(model: Strict, fields: tuple[str, ...], what: str) -> str:
    given = [name for name in fields if getattr(model, name) is not None and getattr(model, name) is not False]
    if len(given) != 1:
        found = ", ".join(given) if given else "none"
        raise ValueError(f"{what} takes exactly one of {', '.join(fields)} (found: {found})")
    return given[0]


