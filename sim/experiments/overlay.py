"""Arms as overlays: the base scenario with an arm's counterfactual changes laid over it.

Each change turns one immutable :class:`~sim.scenario.Scenario` into another, so an arm is
the base scenario after its changes, in order, and runs in the unchanged model:

* ``forbid`` / ``force`` add an :class:`~sim.scenario.Intervention` (the model cuts or forces
  the actions and flows of that type between the two actors from the month given);
* ``rule`` re-states the rule's setting: for the whole run in every period and in every
  scheduled rule change of the scenario (what is not given keeps the scenario's own value);
  from a month (until a month) as scheduled rule changes, re-stated at each period start
  inside the window and restored afterwards, because a scheduled setting outlasts periods;
* ``parameter`` sets a model parameter in the periods named, from a month on (the period
  holding that month is split in two; a split alone changes nothing, which is tested);
* ``actor`` sets attributes; ``add_actor`` / ``remove_actor`` change who takes part;
* ``event`` shifts or deletes scheduled events, ``add_event`` adds one;
* ``driver`` rewrites a driver series over a window of months, month by month, so that the
  months outside the window keep exactly the values they had.

A rule change from a month is carried by scheduled events whose summary starts with
:data:`MARKER`; they change nothing else and event counts leave them out.

:func:`build_experiment` turns a validated experiment file into the arms to run (the
baseline first, then the named arms, then the design points) and the compiled outcomes.
Every problem is a one-line :class:`~sim.scenario.ScenarioError` naming the field.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
from pydantic import ValidationError

from sim.months import format_month, parse_month
from sim.scenario import (
    ActorSpec,
    DriverSeries,
    Effects,
    Intervention,
    Parameters,
    RuleSetting,
    Scenario,
    ScenarioError,
    ScheduledEvent,
    Segment,
    load_scenario,
)
from sim.vocabulary import ORGANISATIONS

from sim.experiments.schema import (
    BASELINE,
    MAX_RUNS,
    ActionChange,
    ActorChange,
    AddActor,
    Change,
    DriverChange,
    EventChange,
    ExperimentFile,
    Factor,
    ParameterChange,
    RuleChange,
)

#: How the summary of a scheduled event carrying an experiment's rule change begins.
MARKER = "Counterfactual:"
#: Replicates per task when the file does not say.
DEFAULT_BATCH = 100


class OverlayError(ValueError):
    """A change that cannot apply to the scenario: the field (relative to the change) and why."""

    def __init__(self, field_name: str, reason: str):
        self.field, self.reason = field_name, reason
        super().__init__(f"{field_name}: {reason}" if field_name else reason)

    def under(self, prefix: str) -> OverlayError:
        return OverlayError(f"{prefix}.{self.field}" if self.field else prefix, self.reason)


# --- what an experiment compiles to ---------------------------------------------------------


@dataclass(frozen=True)
class OutcomeSpec:
    """An outcome with its months as numbers, ready for the workers."""

    name: str
    description: str
    variable: str | None
    actor: str | None
    target: str | None
    start: int
    end: int
    statistic: str
    tolerance: float
    types: tuple[str, ...] | None = None
    actors: tuple[str, ...] | None = None
    targets: tuple[str, ...] | None = None
    rules: tuple[str, ...] | None = None
    include_scheduled: bool = False

    @property
    def counts_events(self) -> bool:
        return self.variable is None

    def canonical(self) -> dict:
        return {
            "name": self.name, "variable": self.variable, "actor": self.actor, "target": self.target,
            "from": format_month(self.start), "to": format_month(self.end), "statistic": self.statistic,
            "tolerance": self.tolerance, "events": None if self.variable else {
                "type": self.types, "actor": self.actors, "target": self.targets, "rule": self.rules,
                "include_scheduled": self.include_scheduled},
        }


@dataclass(frozen=True)
class ArmPlan:
    """One arm: its number (0 is the baseline), name and the scenario it runs."""

    index: int
    name: str
    title: str
    description: str
    scenario: Scenario
    factors: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Task:
    """Replicates ``first .. first + count - 1`` of one arm, run together in one model."""

    arm: int
    first: int
    count: int

    @property
    def filename(self) -> str:
        return f"{self.arm:05d}-{self.first:07d}-{self.count:06d}.parquet"


@dataclass(frozen=True, eq=False)
class Experiment:
    """A validated experiment: its arms, outcomes and tasks."""

    path: Path
    spec: ExperimentFile
    file_sha256: str
    base: Scenario
    arms: tuple[ArmPlan, ...]
    outcomes: tuple[OutcomeSpec, ...]
    batch: int
    design: np.ndarray | None = None

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def seed(self) -> int:
        return self.spec.seed

    @property
    def replicates(self) -> int:
        return self.spec.replicates

    @property
    def runs(self) -> int:
        return len(self.arms) * self.replicates

    @property
    def tasks(self) -> list[Task]:
        """Every task, in the order results are assembled: arm by arm, replicates ascending.

        The split depends on the file only (``batch``), never on how many workers run it.
        """
        return [Task(arm.index, first, min(self.batch, self.replicates - first))
                for arm in self.arms for first in range(0, self.replicates, self.batch)]

    def digest(self) -> str:
        """SHA-256 of everything that shapes the results: the file's content and every arm's scenario."""
        text = json.dumps({
            "spec": self.spec.model_dump(mode="json", by_alias=True),
            "arms": [[arm.name, arm.scenario.digest(), arm.factors] for arm in self.arms],
            "outcomes": [outcome.canonical() for outcome in self.outcomes],
            "batch": self.batch,
        }, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()


# --- the changes ------------------------------------------------------------------------------


def _in_run(plan: Scenario, text: str, field_name: str) -> int:
    month = parse_month(text)
    if not plan.start <= month <= plan.end:
        raise OverlayError(field_name, f"{text} lies outside the run, {format_month(plan.start)}..{format_month(plan.end)}")
    return month


def _present(plan: Scenario, code: str, field_name: str) -> None:
    if code not in plan.actors:
        raise OverlayError(field_name, f"{code} is not among the scenario's actors")


def _sorted_events(events) -> tuple[ScheduledEvent, ...]:
    """Events by month; those of one month keep their order (the scenario's before an arm's)."""
    return tuple(sorted(events, key=lambda event: parse_month(event.date)))


def _action(mode: str):
    def apply(plan: Scenario, change: ActionChange, arm: str) -> Scenario:
        _present(plan, change.actor, "actor")
        _present(plan, change.target, "target")
        if change.actor == change.target:
            raise OverlayError("target", f"actor and target are both {change.actor}")
        _in_run(plan, change.from_, "from")
        if change.to is not None:
            _in_run(plan, change.to, "to")
        intervention = Intervention(mode=mode, actor=change.actor, target=change.target, type=change.type,
                                    start=change.from_, end=change.to, amount=change.amount,
                                    why=f"experiment arm {arm}")
        return replace(plan, interventions=plan.interventions + (intervention,))
    return apply


def rule_setting_at(plan: Scenario, rule_id: str, month: int) -> RuleSetting:
    """The setting a rule has in ``month`` of a run of ``plan``, as the model resolves it.

    A scheduled rule change (the latest at or before the month) outranks the period's own
    setting, which outranks the rule's default.
    """
    from sim.rules import RULES

    setting = None
    for event in plan.events:
        if parse_month(event.date) <= month and rule_id in event.effects.rules:
            setting = event.effects.rules[rule_id]
    if setting is not None:
        return setting
    segment = next(s for s in plan.segments if s.start <= month <= s.end)
    return segment.rules.get(rule_id) or RuleSetting(enabled=RULES[rule_id].default, weight=1.0)


def _merged(setting: RuleSetting, change: RuleChange) -> RuleSetting:
    return RuleSetting(enabled=setting.enabled if change.enabled is None else change.enabled,
                       weight=setting.weight if change.weight is None else change.weight)


def _marker(month: int, rule_id: str, setting: RuleSetting, arm: str, restore: bool) -> ScheduledEvent:
    state = f"on, weight {setting.weight:g}" if setting.enabled else "off"
    what = "returns to the scenario's setting" if restore else "is set"
    return ScheduledEvent(date=format_month(month), actor="TJK", target="TJK", type="visit",
                          summary=f"{MARKER} rule {rule_id} {what} ({state}) in arm {arm}",
                          source=f"experiment:{arm}", effects=Effects(rules={rule_id: setting}))


def _rule(plan: Scenario, change: RuleChange, arm: str) -> Scenario:
    from sim.rules import RULES

    rule_id = change.id
    if change.from_ is None and change.until is None:
        default = RuleSetting(enabled=RULES[rule_id].default, weight=1.0)
        segments = tuple(replace(s, rules={**s.rules, rule_id: _merged(s.rules.get(rule_id) or default, change)})
                         for s in plan.segments)
        events = tuple(
            event.model_copy(update={"effects": event.effects.model_copy(update={
                "rules": {**event.effects.rules, rule_id: _merged(event.effects.rules[rule_id], change)}})})
            if rule_id in event.effects.rules else event
            for event in plan.events)
        return replace(plan, segments=segments, events=events)
    start = _in_run(plan, change.from_, "from") if change.from_ else plan.start
    end = _in_run(plan, change.until, "until") if change.until else plan.end
    if end < start:
        raise OverlayError("until", f"{format_month(end)} is before the change starts, {format_month(start)}")
    own_changes = {parse_month(e.date) for e in plan.events if rule_id in e.effects.rules}
    starts = {s.start for s in plan.segments}
    inside = {start} | {m for m in starts | own_changes if start < m <= end}
    after = set() if end >= plan.end else {end + 1} | {m for m in starts if m > end + 1}
    markers = [_marker(m, rule_id, _merged(rule_setting_at(plan, rule_id, m), change), arm, False) for m in sorted(inside)]
    markers += [_marker(m, rule_id, rule_setting_at(plan, rule_id, m), arm, True) for m in sorted(after)]
    return replace(plan, events=_sorted_events(plan.events + tuple(markers)))


def _selected_segments(plan: Scenario, periods: list[str] | None, field_name: str = "periods") -> set[str]:
    names = {s.name for s in plan.segments} | {s.period for s in plan.segments if s.period}
    for period in periods or ():
        if period not in names:
            raise OverlayError(field_name, f"{period!r} is none of the scenario's periods ({', '.join(sorted(names))})")
    return set(periods) if periods else names


def _split(segments: tuple[Segment, ...], month: int) -> tuple[Segment, ...]:
    """Split the period holding ``month`` so that a period starts there (the model runs alike)."""
    out = []
    for s in segments:
        if s.start < month <= s.end:
            out += [replace(s, end=month - 1), replace(s, start=month)]
        else:
            out.append(s)
    return tuple(out)


def _parameters(parameters: Parameters, name: str, value: float) -> Parameters:
    try:
        return Parameters.model_validate({**parameters.model_dump(), name: value})
    except ValidationError as exc:
        raise OverlayError("value", f"{value:g} for {name}: {exc.errors()[0]['msg']}") from None


def _parameter(plan: Scenario, change: ParameterChange, arm: str) -> Scenario:
    chosen = _selected_segments(plan, change.periods)
    segments, start = plan.segments, plan.start
    if change.from_ is not None:
        start = _in_run(plan, change.from_, "from")
        segments = _split(segments, start)
    touched = [s for s in segments if s.start >= start and (s.name in chosen or s.period in chosen)]
    if not touched:
        raise OverlayError("periods", f"no period named runs on or after {format_month(start)}")
    return replace(plan, segments=tuple(
        replace(s, parameters=_parameters(s.parameters, change.name, change.value)) if s in touched else s
        for s in segments))


def _spec_error(exc: ValidationError, prefix: str) -> OverlayError:
    error = exc.errors()[0]
    loc = ".".join(str(part) for part in error["loc"])
    return OverlayError(f"{prefix}.{loc}" if loc else prefix, error["msg"].removeprefix("Value error, "))


def _check_kind(code: str, spec: ActorSpec, field_name: str) -> None:
    if (code in ORGANISATIONS) != (spec.kind == "organisation"):
        raise OverlayError(field_name, f"{code} is {'an organisation' if code in ORGANISATIONS else 'a state'}")
    if spec.kind == "organisation" and spec.role is None:
        raise OverlayError(field_name, f"{code} is an organisation and needs a role")


def _actor(plan: Scenario, change: ActorChange, arm: str) -> Scenario:
    _present(plan, change.code, "code")
    try:
        spec = ActorSpec.model_validate({**plan.actors[change.code].model_dump(), **change.set})
    except ValidationError as exc:
        raise _spec_error(exc, "set") from None
    _check_kind(change.code, spec, "set")
    return replace(plan, actors={**plan.actors, change.code: spec})


def _matches(event: ScheduledEvent, change: EventChange) -> bool:
    match = change.match
    if event.source.startswith("experiment:"):
        return False
    return all((
        match.record is None or event.record == match.record,
        match.date is None or parse_month(event.date) == parse_month(match.date),
        match.actor is None or event.actor == match.actor,
        match.target is None or event.target == match.target,
        match.type is None or event.type == match.type,
        match.summary is None or match.summary.lower() in event.summary.lower(),
    ))


def _event(plan: Scenario, change: EventChange, arm: str) -> Scenario:
    hits = [number for number, event in enumerate(plan.events) if _matches(event, change)]
    if not hits:
        raise OverlayError("match", f"matches none of the scenario's {len(plan.events)} scheduled events")
    if len(hits) > 1 and not change.all:
        dates = ", ".join(plan.events[n].date for n in hits)
        raise OverlayError("match", f"matches {len(hits)} events ({dates}): narrow it, or add all: true")
    events = []
    for number, event in enumerate(plan.events):
        if number not in hits:
            events.append(event)
        elif not change.delete:
            if change.shift_to is not None:
                month = _in_run(plan, change.shift_to, "shift_to")
            else:
                month = parse_month(event.date) + change.shift_by
                if not plan.start <= month <= plan.end:
                    raise OverlayError("shift_by", f"moves the event of {event.date} to {format_month(month)}, outside "
                                       f"the run, {format_month(plan.start)}..{format_month(plan.end)}")
            events.append(event.model_copy(update={"date": format_month(month)}))
    return replace(plan, events=_sorted_events(events))


def _add_event(plan: Scenario, event: ScheduledEvent, arm: str) -> Scenario:
    _present(plan, event.actor, "actor")
    _present(plan, event.target, "target")
    _in_run(plan, event.date, "date")
    return replace(plan, events=_sorted_events(plan.events + (event,)))


def driver_values(series: DriverSeries, months: np.ndarray) -> np.ndarray:
    """A driver series' value in each month, interpolated exactly as the model does."""
    xs = np.array([parse_month(m) for m in series.points])
    ys = np.array(list(series.points.values()), dtype=float)
    order = np.argsort(xs)
    xs, ys = xs[order], ys[order]
    if series.interpolation == "linear":
        return np.interp(months, xs, ys)
    at = np.searchsorted(xs, months, side="right") - 1
    return ys[np.clip(at, 0, len(ys) - 1)]


def _driver(plan: Scenario, change: DriverChange, arm: str) -> Scenario:
    if change.name not in plan.drivers:
        raise OverlayError("name", f"the scenario has no driver {change.name}")
    start, end = _in_run(plan, change.from_, "from"), _in_run(plan, change.to, "to")
    series = plan.drivers[change.name]
    months = np.arange(plan.start, plan.end + 1)
    values = driver_values(series, months)
    window = (months >= start) & (months <= end)
    if change.hold:
        values[window] = values[max(start - 1, plan.start) - plan.start]
        how = "held"
    elif change.value is not None:
        values[window] = change.value
        how = f"set to {change.value:g}"
    elif change.scale is not None:
        values[window] *= change.scale
        how = f"scaled by {change.scale:g}"
    else:
        values[window] += change.add
        how = f"raised by {change.add:g}"
    new = DriverSeries(
        source=f"{series.source} [arm {arm}: {how} {change.from_}..{change.to}]",
        interpolation=series.interpolation,
        points={format_month(m): float(v) for m, v in zip(months.tolist(), values)},
    )
    return replace(plan, drivers={**plan.drivers, change.name: new})


def _add_actor(plan: Scenario, change: AddActor, arm: str) -> Scenario:
    if change.code in plan.actors:
        raise OverlayError("code", f"{change.code} is already among the actors (an `actor` change alters it)")
    _check_kind(change.code, change.spec, "spec")
    return replace(plan, actors={**plan.actors, change.code: change.spec})


def _remove_actor(plan: Scenario, code: str, arm: str) -> Scenario:
    if code == "TJK":
        raise OverlayError("", "Tajikistan cannot be removed: it is the focal state")
    _present(plan, code, "")

    def keeps(dyad: str) -> bool:
        return code not in dyad.replace(">", "-").split("-")

    initial = plan.initial.model_copy(update={
        "alignment": {d: v for d, v in plan.initial.alignment.items() if keeps(d)},
        "ties": {d: v for d, v in plan.initial.ties.items() if keeps(d)},
    })
    return replace(
        plan,
        actors={c: s for c, s in plan.actors.items() if c != code},
        events=tuple(e for e in plan.events if code not in (e.actor, e.target)),
        interventions=tuple(i for i in plan.interventions if code not in (i.actor, i.target)),
        initial=initial,
    )


APPLY = {
    "forbid": _action("forbid"), "force": _action("force"), "rule": _rule, "parameter": _parameter,
    "actor": _actor, "event": _event, "add_event": _add_event, "driver": _driver,
    "add_actor": _add_actor, "remove_actor": _remove_actor,
}


def apply_changes(plan: Scenario, changes: list[Change], arm: str) -> Scenario:
    """Lay an arm's changes over a scenario, in order; a problem is an OverlayError at ``changes.N...``."""
    for number, change in enumerate(changes):
        kind = change.kind
        try:
            plan = APPLY[kind](plan, getattr(change, kind), arm)
        except OverlayError as error:
            raise error.under(f"changes.{number}.{kind}") from None
    return plan


def _probe(plan: Scenario) -> None:
    """Run one replicate of a scenario that lacks an actor, to find rules that need it."""
    from sim.model import TajikistanModel

    try:
        TajikistanModel(plan, seed=0).run()
    except KeyError as exc:
        raise OverlayError("", f"the model's rules need {exc.args[0]}, so it cannot be removed") from None


# --- designs ----------------------------------------------------------------------------------


def _factor_change(factor: Factor, value: float) -> Change:
    if factor.parameter is not None:
        return Change.model_validate({"parameter": {"name": factor.parameter, "value": value, "periods": factor.periods}})
    if factor.rule is not None:
        return Change.model_validate({"rule": {"id": factor.rule, "weight": value}})
    return Change.model_validate({"actor": {"code": factor.actor, "set": {factor.attribute: value}}})


def _design_point(plan: Scenario, factors: list[Factor], row: np.ndarray, arm: str) -> Scenario:
    for number, (factor, value) in enumerate(zip(factors, row)):
        try:
            change = _factor_change(factor, float(value))
            plan = APPLY[change.kind](plan, getattr(change, change.kind), arm)
        except OverlayError as error:
            raise OverlayError(f"factors.{number}", f"value {float(value):g}: {error.reason}") from None
        except ValidationError as exc:
            raise OverlayError(f"factors.{number}", f"value {float(value):g}: {exc.errors()[0]['msg']}") from None
    return plan


# --- the whole experiment ---------------------------------------------------------------------


def _outcome(name: str, spec, plan: Scenario) -> OutcomeSpec:
    start = _in_run(plan, spec.from_, "from") if spec.from_ else plan.start
    end = _in_run(plan, spec.to, "to") if spec.to else plan.end
    for role in ("actor", "target"):
        code = getattr(spec, role)
        if code is not None:
            _present(plan, code, role)
    events = spec.events
    return OutcomeSpec(
        name=name, description=spec.description, variable=spec.variable, actor=spec.actor, target=spec.target,
        start=start, end=end, statistic=spec.reduce, tolerance=spec.tolerance,
        types=tuple(events.type) if events and events.type else None,
        actors=tuple(events.actor) if events and events.actor else None,
        targets=tuple(events.target) if events and events.target else None,
        rules=tuple(events.rule) if events and events.rule else None,
        include_scheduled=bool(events and events.include_scheduled),
    )


def default_batch(replicates: int) -> int:
    """Up to :data:`DEFAULT_BATCH` replicates a task, in tasks of equal size."""
    chunks = math.ceil(replicates / DEFAULT_BATCH)
    return math.ceil(replicates / chunks)


def build_experiment(spec: ExperimentFile, path: str | Path) -> Experiment:
    """Load the base scenario and build every arm and outcome of a validated experiment file."""
    from sim.experiments.summarise import design_matrix

    path = Path(path)
    scenario_path = Path(spec.scenario)
    if not scenario_path.is_absolute():
        scenario_path = path.parent / scenario_path
    calibration = spec.calibration
    if isinstance(calibration, str):
        calibration = Path(calibration) if Path(calibration).is_absolute() else path.parent / calibration
    base = load_scenario(scenario_path, calibration=calibration)

    def fail(error: OverlayError, prefix: str) -> ScenarioError:
        located = error.under(prefix)
        return ScenarioError(path, located.field, located.reason)

    outcomes = []
    for name, outcome in spec.outcomes.items():
        try:
            outcomes.append(_outcome(name, outcome, base))
        except OverlayError as error:
            raise fail(error, f"outcomes.{name}") from None

    arms = [ArmPlan(0, BASELINE, "Baseline", f"the base scenario {base.name}, unchanged", base)]
    for name, arm in spec.arms.items():
        try:
            plan = apply_changes(base, arm.changes, name)
            if any(change.kind == "remove_actor" for change in arm.changes):
                try:
                    _probe(plan)
                except OverlayError as error:
                    number = max(n for n, c in enumerate(arm.changes) if c.kind == "remove_actor")
                    raise error.under(f"changes.{number}.remove_actor") from None
        except OverlayError as error:
            raise fail(error, f"arms.{name}") from None
        arms.append(ArmPlan(len(arms), name, arm.title, arm.description, plan))

    matrix = None
    if spec.design is not None:
        seed = spec.seed if spec.design.seed is None else spec.design.seed
        matrix = design_matrix(spec.design, seed)
        width = max(4, len(str(len(matrix) - 1)))
        labels = [factor.label for factor in spec.design.factors]
        for number, row in enumerate(matrix):
            name = f"point-{number:0{width}d}"
            try:
                plan = _design_point(base, spec.design.factors, row, name)
            except OverlayError as error:
                raise fail(error, "design") from None
            values = {label: float(value) for label, value in zip(labels, row)}
            arms.append(ArmPlan(len(arms), name, "", f"design point {number}", plan, values))

    for outcome in outcomes:
        if outcome.counts_events:
            continue
        for arm in arms[1:]:
            for code in (outcome.actor, outcome.target):
                if code is not None and code not in arm.scenario.actors:
                    raise ScenarioError(path, f"outcomes.{outcome.name}", f"names {code}, which arm {arm.name} removes")

    runs = len(arms) * spec.replicates
    if runs > MAX_RUNS:
        raise ScenarioError(path, "replicates", f"{len(arms)} arms x {spec.replicates} replicates = {runs:,} runs, "
                            f"more than the {MAX_RUNS:,} one experiment may ask for")
    return Experiment(
        path=path, spec=spec, file_sha256=hashlib.sha256(path.read_bytes()).hexdigest(), base=base,
        arms=tuple(arms), outcomes=tuple(outcomes), batch=spec.batch or default_batch(spec.replicates),
        design=matrix,
    )
