"""The experiment file format: what an experiment file may say, validated like a scenario.

An experiment is YAML. It names a base scenario, a master seed and a number of replicates,
the outcomes to summarise, and either named *arms* (each a list of counterfactual changes
laid over the base scenario), a *design* (a parameter sweep or a global sensitivity
analysis whose points become arms), or both. The unchanged base scenario always runs too,
as the arm ``baseline``; every arm runs the same seed and replicate numbers, so that arm
and baseline share their random streams (common random numbers).

:func:`read_experiment_file` reads and validates a file into an :class:`ExperimentFile`;
every problem is a :class:`~sim.scenario.ScenarioError` whose message is one line naming
the file, the field and the reason. What needs the base scenario to check (actors present,
dates inside the run, an event that a change matches) is checked when the arms are built
(:mod:`sim.experiments.plan`). :func:`json_schema` exports the format for editors.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, ValidationError, field_validator, model_validator

from sim.experiments.design import Design
from sim.experiments.fields import (
    ACTOR_ATTRIBUTES,
    BASELINE,
    CONFLICT,
    DOMESTIC,
    Name,
    ParameterName,
    RuleId,
    Statistic,
    Variable,
    _exactly_one,
    _listed,
    _window,
)
from sim.scenario.errors import ScenarioError
from sim.scenario.reading import read_yaml_mapping, validation_message
from sim.scenario.schema import (
    ActorCode,
    ActorSpec,
    DriverName,
    EventType,
    Month,
    ScheduledEvent,
    Strict,
)

# --- changes: what an arm does to the base scenario --------------------------------------


class ActionChange(Strict):
    """Forbid or force one actor's actions of a type towards another, from a month on.

    Forbidding cuts the discrete actions of that type and the flows of that type (aid,
    military support, pressure); forcing makes the actions certain each month they are on
    offer and, for a flow type, adds ``amount`` a month to the flow.
    """

    actor: ActorCode
    target: ActorCode
    type: EventType
    from_: Month = Field(alias="from", description="first month the constraint holds")
    to: Month | None = Field(None, description="last month it holds (default: to the end of the run)")
    amount: Annotated[float, Field(ge=0, le=5)] = Field(0.1, description="forced flow per month")
    rule: RuleId | None = Field(None, description="only this rule's actions and flows (default: every rule's)")

    @model_validator(mode="after")
    def _ordered(self) -> ActionChange:
        _window(self.from_, self.to)
        return self


class RuleChange(Strict):
    """Switch a rule on or off, or re-weight it: for the whole run, or from a month (to a month).

    Whatever is not given keeps the scenario's own setting, period by period: a weight alone
    re-weights a rule where it is on and leaves it off where it is off.
    """

    id: RuleId
    enabled: bool | None = None
    weight: Annotated[float, Field(ge=0, le=10)] | None = None
    from_: Month | None = Field(None, alias="from", description="first month of the change (default: the start of the run)")
    to: Month | None = Field(None, description="last month of the change (default: the end of the run); the "
                                               "scenario's own settings return after")

    @model_validator(mode="after")
    def _something(self) -> RuleChange:
        if self.enabled is None and self.weight is None:
            raise ValueError("a rule change needs enabled, weight or both")
        _window(self.from_, self.to)
        return self


class ParameterChange(Strict):
    """Set a model parameter (``Parameters`` in sim/scenario.py) in some or all periods, from a month on."""

    name: ParameterName
    value: float
    periods: list[str] | None = Field(None, description="period ids or period file names (default: all)")
    from_: Month | None = Field(None, alias="from", description="first month of the new value (default: the start)")


class ActorChange(Strict):
    """Change attributes of an actor (``ActorSpec`` in sim/scenario.py) for the whole run."""

    code: ActorCode
    set: dict[str, Any] = Field(min_length=1)

    @field_validator("set")
    @classmethod
    def _known_attributes(cls, value: dict[str, Any]) -> dict[str, Any]:
        for name in value:
            if name not in ACTOR_ATTRIBUTES:
                raise ValueError(f"unknown or fixed actor attribute {name!r} (may set: {', '.join(ACTOR_ATTRIBUTES)})")
        return value


class EventMatch(Strict):
    """Which of the scenario's scheduled events a change applies to (every criterion given must hold)."""

    record: str | None = Field(None, description="the record event the input reproduces, e.g. E045")
    date: Month | None = None
    actor: ActorCode | None = None
    target: ActorCode | None = None
    type: EventType | None = None
    summary: str | None = Field(None, min_length=1, description="text the summary contains (any case)")

    @model_validator(mode="after")
    def _something(self) -> EventMatch:
        if all(getattr(self, name) is None for name in type(self).model_fields):
            raise ValueError("match needs at least one of record, date, actor, target, type, summary")
        return self


class EventChange(Strict):
    """Shift a scheduled event to another month, or delete it."""

    match: EventMatch
    shift_to: Month | None = None
    shift_by: int | None = Field(None, description="months later (negative: earlier)")
    delete: bool = False
    all: bool = Field(False, description="apply to every matching event (otherwise exactly one must match)")

    @model_validator(mode="after")
    def _one_action(self) -> EventChange:
        _exactly_one(self, ("shift_to", "shift_by", "delete"), "an event change")
        return self


class DriverChange(Strict):
    """Change an exogenous driver series over a window of months; the rest of the series is kept."""

    name: DriverName
    from_: Month = Field(alias="from")
    to: Month
    hold: bool = Field(False, description="hold the value of the month before the window")
    value: float | None = Field(None, description="a constant value over the window")
    scale: float | None = Field(None, description="multiply the series over the window")
    add: float | None = Field(None, description="add to the series over the window")

    @model_validator(mode="after")
    def _one_action(self) -> DriverChange:
        _window(self.from_, self.to)
        _exactly_one(self, ("hold", "value", "scale", "add"), "a driver change")
        return self


class AddActor(Strict):
    """Bring an actor the scenario lacks into the run (``spec.founded`` lets it appear later)."""

    code: ActorCode
    spec: ActorSpec


CHANGE_KINDS = ("forbid", "force", "rule", "parameter", "actor", "event", "add_event", "driver",
                "add_actor", "remove_actor")


class Change(Strict):
    """One counterfactual change; each list item names exactly one kind of change."""

    forbid: ActionChange | None = None
    force: ActionChange | None = None
    rule: RuleChange | None = None
    parameter: ParameterChange | None = None
    actor: ActorChange | None = None
    event: EventChange | None = None
    add_event: ScheduledEvent | None = None
    driver: DriverChange | None = None
    add_actor: AddActor | None = None
    remove_actor: ActorCode | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Change:
        _exactly_one(self, CHANGE_KINDS, "a change")
        return self

    @property
    def kind(self) -> str:
        return next(name for name in CHANGE_KINDS if getattr(self, name) is not None)


class Arm(Strict):
    """A named counterfactual: the base scenario with these changes, applied in order."""

    title: str = ""
    description: str = ""
    changes: list[Change] = Field(min_length=1)


# --- outcomes ------------------------------------------------------------------------------


class EventFilter(Strict):
    """Which events an event-count outcome counts (every criterion given must hold)."""

    type: Annotated[list[EventType], BeforeValidator(_listed)] | None = None
    actor: Annotated[list[ActorCode], BeforeValidator(_listed)] | None = None
    target: Annotated[list[ActorCode], BeforeValidator(_listed)] | None = None
    rule: Annotated[list[RuleId], BeforeValidator(_listed)] | None = None
    include_scheduled: bool = Field(False, description="also count the scenario's imposed (scheduled) events")


class Outcome(Strict):
    """A quantity to summarise: a trajectory variable or an event count, over a range of months.

    The results keep its monthly values (monthly counts for events); the summary reduces each
    replicate's months with ``statistic`` (mean for a variable, sum for a count by default)
    and compares each arm with the baseline replicate by replicate.
    """

    description: str = ""
    variable: Variable | None = None
    actor: ActorCode | None = None
    target: ActorCode | None = None
    events: EventFilter | None = None
    from_: Month | None = Field(None, alias="from", description="first month (default: the start of the run)")
    to: Month | None = Field(None, description="last month (default: the end of the run)")
    statistic: Statistic | None = None
    tolerance: Annotated[float, Field(ge=0)] = Field(
        1e-6, description="a replicate differs from its baseline when the values differ by more than this")

    @model_validator(mode="after")
    def _consistent(self) -> Outcome:
        _exactly_one(self, ("variable", "events"), "an outcome")
        _window(self.from_, self.to)
        if self.events is not None:
            if self.actor is not None or self.target is not None:
                raise ValueError("an event-count outcome names actors inside events (events.actor, events.target)")
            return self
        if self.variable in DOMESTIC:
            if self.actor is not None or self.target is not None:
                raise ValueError(f"{self.variable} is Tajikistan's own state: give no actor or target")
            return self
        if self.actor is None or self.target is None:
            raise ValueError(f"{self.variable} needs an actor and a target")
        if self.variable in CONFLICT:
            pairs = CONFLICT[self.variable]
            if (self.actor, self.target) not in pairs:
                raise ValueError(f"{self.variable} is recorded for {', '.join(f'{a}->{b}' for a, b in pairs)}")
            return self
        if self.actor == self.target:
            raise ValueError(f"actor and target are both {self.actor}")
        if self.variable in ("aid", "pressure") and self.target != "TJK":
            raise ValueError(f"{self.variable} is recorded towards Tajikistan only: target must be TJK")
        if self.variable == "dependence" and self.actor != "TJK":
            raise ValueError("dependence is Tajikistan's on a partner: actor must be TJK")
        if self.variable == "alignment" and "TJK" not in (self.actor, self.target):
            raise ValueError("alignment is recorded between Tajikistan and its partners: actor or target must be TJK")
        return self

    @property
    def reduce(self) -> str:
        """The statistic that reduces a replicate's months to one number."""
        return self.statistic or ("sum" if self.events is not None else "mean")


# --- the file ------------------------------------------------------------------------------

#: Keys of the format that were renamed, for a message that names the new key: every change
#: that lasts a window of months takes ``from`` and ``to``.
RENAMED = {"until": "to"}



class ExperimentFile(Strict):
    """The format of an experiment file."""

    name: Name
    title: str = ""
    description: str = ""
    scenario: str = Field(min_length=1, description="base scenario file, relative to this file")
    calibration: bool | str = Field(True, description="true: calibration/params.yaml where it exists; a path; false")
    seed: Annotated[int, Field(ge=0, le=2**63 - 1)] = Field(description="master seed, shared by every arm")
    replicates: Annotated[int, Field(ge=1, le=1_000_000)]
    batch: Annotated[int, Field(ge=1, le=100_000)] | None = Field(
        None, description="replicates run together in one model per task (default: up to 100)")
    outcomes: dict[Name, Outcome] = Field(min_length=1)
    arms: dict[Name, Arm] = {}
    design: Design | None = None

    @model_validator(mode="after")
    def _consistent(self) -> ExperimentFile:
        if not self.arms and self.design is None:
            raise ValueError("an experiment needs arms, a design, or both")
        if BASELINE in self.arms:
            raise ValueError(f"arms: {BASELINE!r} is the unchanged base scenario and cannot be redefined")
        return self


def read_experiment_file(path: str | Path) -> ExperimentFile:
    """Read and validate an experiment file; every problem is a one-line ScenarioError."""
    path = Path(path)
    data = read_yaml_mapping(path)
    try:
        return ExperimentFile.model_validate(data)
    except ValidationError as exc:
        loc, message = validation_message(exc, RENAMED)
        raise ScenarioError(path, loc or "(top level)", message) from None


def json_schema() -> dict[str, Any]:
    """The JSON Schema of an experiment file, for editors and external checks."""
    schema = ExperimentFile.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "tajsim experiment"
    return schema
