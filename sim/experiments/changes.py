"""The counterfactual changes an arm lays over its base scenario.

Each change turns one immutable :class:`~sim.scenario.Scenario` into another, so an arm is
the base scenario after its changes, in order, and runs in the unchanged model:

* ``forbid`` / ``force`` add an :class:`~sim.scenario.Intervention` (the model cuts or forces
  the actions and flows of that type between the two actors from the month given);
* ``rule`` re-states the rule's setting: for the whole run in every period and in every
  scheduled rule change of the scenario (what is not given keeps the scenario's own value);
  from a month (to a month) as scheduled rule changes, re-stated at each period start
  inside the window and restored afterwards, because a scheduled setting outlasts periods;
* ``parameter`` sets a model parameter in the periods named, from a month on (the period
  holding that month is split in two; a split alone changes nothing, which is tested);
* ``actor`` sets attributes; ``add_actor`` / ``remove_actor`` change who takes part;
* ``event`` shifts or deletes scheduled events, ``add_event`` adds one;
* ``driver`` rewrites a driver series over a window of months, month by month, so that the
  months outside the window keep exactly the values they had.

A rule change from a month is carried by scheduled events whose summary starts with
:data:`MARKER`; they change nothing else and event counts leave them out.

A change that cannot apply is an :class:`OverlayError` naming the field; the parameter and rule
settings go through the one composer (:mod:`sim.scenario.compose`), as every other path does.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from pydantic import ValidationError

from sim.core.rulebook import resolve
from sim.experiments.schema import (
    ActionChange,
    ActorChange,
    AddActor,
    Change,
    DriverChange,
    EventChange,
    ParameterChange,
    RuleChange,
)
from sim.months import format_month, parse_month
from sim.scenario import Scenario
from sim.scenario.compose import rule_setting_at, with_parameters
from sim.scenario.schema import ActorSpec, DriverSeries, Effects, Intervention, RuleSetting, ScheduledEvent
from sim.scenario.spec import driver_values
from sim.vocabulary import DRIVERS, ORGANISATIONS

#: How the summary of a scheduled event carrying an experiment's rule change begins.
MARKER = "Counterfactual:"


class OverlayError(ValueError):
    """A change that cannot apply to the scenario: the field (relative to the change) and why."""

    def __init__(self, field_name: str, reason: str):
        self.field, self.reason = field_name, reason
        super().__init__(f"{field_name}: {reason}" if field_name else reason)

    def under(self, prefix: str) -> OverlayError:
        return OverlayError(f"{prefix}.{self.field}" if self.field else prefix, self.reason)

# --- the changes ------------------------------------------------------------------------------


def in_run(plan: Scenario, text: str, field_name: str) -> int:
    month = parse_month(text)
    if not plan.start <= month <= plan.end:
        raise OverlayError(field_name, f"{text} lies outside the run, {format_month(plan.start)}..{format_month(plan.end)}")
    return month


def present(plan: Scenario, code: str, field_name: str) -> None:
    if code not in plan.actors:
        raise OverlayError(field_name, f"{code} is not among the scenario's actors")


def _sorted_events(events) -> tuple[ScheduledEvent, ...]:
    """Events by month; those of one month keep their order (the scenario's before an arm's)."""
    return tuple(sorted(events, key=lambda event: parse_month(event.date)))


def _action(mode: str):
    def apply(plan: Scenario, change: ActionChange, arm: str) -> Scenario:
        present(plan, change.actor, "actor")
        present(plan, change.target, "target")
        if change.actor == change.target:
            raise OverlayError("target", f"actor and target are both {change.actor}")
        in_run(plan, change.from_, "from")
        if change.to is not None:
            in_run(plan, change.to, "to")
        intervention = Intervention.model_validate({
            "mode": mode, "actor": change.actor, "target": change.target, "type": change.type,
            "from": change.from_, "to": change.to, "amount": change.amount, "rule": change.rule,
            "why": f"experiment arm {arm}"})
        return replace(plan, interventions=plan.interventions + (intervention,))
    return apply


def _period_setting(rule_id: str, rules: dict[str, RuleSetting]) -> RuleSetting:
    enabled, weight = resolve(rule_id, rules)
    return RuleSetting(enabled=enabled, weight=weight)


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
    rule_id = change.id
    if change.from_ is None and change.to is None:
        segments = tuple(replace(s, rules={**s.rules, rule_id: _merged(_period_setting(rule_id, s.rules), change)})
                         for s in plan.segments)
        events = tuple(
            event.model_copy(update={"effects": event.effects.model_copy(update={
                "rules": {**event.effects.rules, rule_id: _merged(event.effects.rules[rule_id], change)}})})
            if rule_id in event.effects.rules else event
            for event in plan.events)
        return replace(plan, segments=segments, events=events)
    start = in_run(plan, change.from_, "from") if change.from_ else plan.start
    end = in_run(plan, change.to, "to") if change.to else plan.end
    if end < start:
        raise OverlayError("to", f"{format_month(end)} is before the change starts, {format_month(start)}")
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


def _parameter(plan: Scenario, change: ParameterChange, arm: str) -> Scenario:
    chosen = _selected_segments(plan, change.periods)
    start = in_run(plan, change.from_, "from") if change.from_ is not None else None
    try:
        return with_parameters(plan, {change.name: change.value}, chosen, start)
    except ValueError as error:
        if str(error).startswith("no period"):
            first = plan.start if start is None else start
            raise OverlayError("periods", f"no period named runs on or after {format_month(first)}") from None
        raise OverlayError("value", str(error)) from None


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
    present(plan, change.code, "code")
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


def _listed(events: list[ScheduledEvent], most: int = 8) -> str:
    """Scheduled events in a few words each (``1995-12 RUS>AFG aid E041``), at most ``most`` of them."""
    shown = [f"{e.date} {e.actor}>{e.target} {e.type}" + (f" {e.record}" if e.record else "") for e in events[:most]]
    more = f", and {len(events) - most} more" if len(events) > most else ""
    return ", ".join(shown) + more


def _event(plan: Scenario, change: EventChange, arm: str) -> Scenario:
    hits = [number for number, event in enumerate(plan.events) if _matches(event, change)]
    if not hits:
        own = [e for e in plan.events if not e.source.startswith("experiment:")]
        where = f"; 'tajsim scenario events {plan.files[0]}' lists them" if plan.files else ""
        listed = f": {_listed(own)}" if own else ""
        raise OverlayError("match", f"matches none of the scenario's {len(own)} scheduled events{listed}{where}")
    if len(hits) > 1 and not change.all:
        dates = ", ".join(plan.events[n].date for n in hits)
        raise OverlayError("match", f"matches {len(hits)} events ({dates}): narrow it, or add all: true")
    events = []
    for number, event in enumerate(plan.events):
        if number not in hits:
            events.append(event)
        elif not change.delete:
            if change.shift_to is not None:
                month = in_run(plan, change.shift_to, "shift_to")
            else:
                month = parse_month(event.date) + (change.shift_by or 0)
                if not plan.start <= month <= plan.end:
                    raise OverlayError("shift_by", f"moves the event of {event.date} to {format_month(month)}, outside "
                                       f"the run, {format_month(plan.start)}..{format_month(plan.end)}")
            events.append(event.model_copy(update={"date": format_month(month)}))
    return replace(plan, events=_sorted_events(events))


def _add_event(plan: Scenario, event: ScheduledEvent, arm: str) -> Scenario:
    present(plan, event.actor, "actor")
    present(plan, event.target, "target")
    in_run(plan, event.date, "date")
    return replace(plan, events=_sorted_events(plan.events + (event,)))


def _driver(plan: Scenario, change: DriverChange, arm: str) -> Scenario:
    if change.name not in plan.drivers:
        raise OverlayError("name", f"the scenario has no driver {change.name}")
    start, end = in_run(plan, change.from_, "from"), in_run(plan, change.to, "to")
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
    driver = DRIVERS[change.name]
    outside = np.flatnonzero((values < driver.low) | (values > driver.high))
    if outside.size:
        first = int(outside[0])
        raise OverlayError("", f"{change.name} {how} over {change.from_}..{change.to} leaves its range {driver.range} "
                               f"({driver.unit}): {values[first]:g} in {format_month(int(months[first]))}")
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
    present(plan, code, "")

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

