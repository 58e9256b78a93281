"""The one composer: how a scenario, the calibrated defaults and any overlay become one run.

Every path into the model builds its :class:`~sim.scenario.spec.Scenario` through these
functions, so that they cannot disagree about what a setting means:

* :func:`with_calibration` lays calibrated defaults *under* each period's own settings (the
  loader does it with ``calibration/params.yaml``; calibration with each candidate);
* :func:`with_parameters` sets model parameters in some periods, optionally from a month on
  (experiments' ``parameter`` changes);
* :func:`with_parameters_scaled` multiplies model parameters in every period, keeping each
  period's own value as the base (the dashboard's sliders);
* :func:`with_rule_weights_scaled` multiplies rules' weights everywhere (the dashboard);
* :func:`rule_setting_at` says which setting a rule has in a month, as the model resolves it
  (:func:`sim.core.rulebook.resolve`).

Each returns a new immutable scenario; a value the schema refuses is a ``ValueError`` with
the reason.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import replace

from pydantic import ValidationError

from sim.core.rulebook import resolve
from sim.core.rules import RULES
from sim.scenario.schema import Calibration, Parameters, RuleSetting
from sim.scenario.spec import Scenario, Segment


def with_calibration(plan: Scenario, calibration: Calibration | Mapping) -> Scenario:
    """``plan`` with calibrated defaults laid under every period's own settings.

    A parameter or a rule that a period file sets itself keeps the period's value; everything
    else takes the calibrated one. ``plan`` must not carry a calibration already.
    """
    if not isinstance(calibration, Calibration):
        calibration = Calibration.model_validate(dict(calibration))
    segments = []
    for s in plan.segments:
        own = s.parameters.model_dump(include=s.parameters.model_fields_set)
        segments.append(replace(s, parameters=Parameters(**{**calibration.parameters, **own}),
                                rules={**calibration.rules, **s.rules}))
    return replace(plan, segments=tuple(segments))


def until(plan: Scenario, month: int) -> Scenario:
    """``plan`` cut to end with ``month``: later periods and scheduled events dropped (the runs up
    to then are the same)."""
    segments = tuple(replace(s, end=min(s.end, month)) for s in plan.segments if s.start <= month)
    if not segments:
        raise ValueError(f"the run starts after month {month}")
    from sim.months import parse_month

    events = tuple(e for e in plan.events if parse_month(e.date) <= month)
    return replace(plan, segments=segments, events=events)


def split_at(segments: tuple[Segment, ...], month: int) -> tuple[Segment, ...]:
    """Split the period holding ``month`` so that a period starts there (the model runs alike)."""
    out: list[Segment] = []
    for s in segments:
        if s.start < month <= s.end:
            out += [replace(s, end=month - 1), replace(s, start=month)]
        else:
            out.append(s)
    return tuple(out)


def parameters_with(parameters: Parameters, values: Mapping[str, float]) -> Parameters:
    """``parameters`` with some values replaced, validated; ``ValueError`` names the value refused."""
    unknown = sorted(set(values) - set(Parameters.model_fields))
    if unknown:
        raise ValueError(f"unknown parameter(s): {', '.join(unknown)}")
    try:
        return Parameters.model_validate({**parameters.model_dump(), **values})
    except ValidationError as exc:
        error = exc.errors()[0]
        name = ".".join(str(part) for part in error["loc"])
        raise ValueError(f"{values.get(name, '?')} for {name}: {error['msg']}") from None


def with_parameters(plan: Scenario, values: Mapping[str, float], periods: Iterable[str] | None = None,
                    start: int | None = None) -> Scenario:
    """``plan`` with model parameters set in the periods named (all by default), from ``start`` on.

    A period holding ``start`` is split there, so that the change begins that month.
    """
    values = dict(values)
    if not values:
        return plan
    chosen = set(periods) if periods else None
    segments = plan.segments if start is None else split_at(plan.segments, start)
    first = plan.start if start is None else start
    touched = [s for s in segments
               if s.start >= first and (chosen is None or s.name in chosen or s.period in chosen)]
    if not touched:
        raise ValueError(f"no period named runs on or after month {first}")
    return replace(plan, segments=tuple(
        replace(s, parameters=parameters_with(s.parameters, values)) if s in touched else s for s in segments))


def with_parameters_scaled(plan: Scenario, factors: Mapping[str, float]) -> Scenario:
    """``plan`` with model parameters multiplied by ``factors`` in every period.

    Each period keeps its own value as the base, so periods that differ still differ; a factor
    of exactly 1 leaves the plan as it was (the same object, hence the same run).
    """
    for name, factor in factors.items():
        if not math.isfinite(factor) or factor < 0:
            raise ValueError(f"factor for {name} must be finite and >= 0, got {factor}")
    factors = {name: float(factor) for name, factor in factors.items() if factor != 1.0}
    if not factors:
        return plan
    unknown = sorted(set(factors) - set(Parameters.model_fields))
    if unknown:
        raise ValueError(f"unknown parameter(s): {', '.join(unknown)}")
    return replace(plan, segments=tuple(
        replace(s, parameters=parameters_with(
            s.parameters, {name: getattr(s.parameters, name) * factor for name, factor in factors.items()}))
        for s in plan.segments))


def with_rule_weights_scaled(plan: Scenario, factors: Mapping[str, float]) -> Scenario:
    """``plan`` with rules' weights multiplied, in every period and scheduled rule change.

    Whether a rule is on is left as it was; weights are capped at the schema's 10.
    """
    for rule_id, factor in factors.items():
        if rule_id not in RULES:
            raise ValueError(f"unknown rule: {rule_id}")
        if not math.isfinite(factor) or factor < 0:
            raise ValueError(f"rule weight factor for {rule_id} must be finite and >= 0, got {factor}")
    factors = {rule_id: float(factor) for rule_id, factor in factors.items() if factor != 1.0}
    if not factors:
        return plan

    def scaled(rules: Mapping[str, RuleSetting], defaults: bool) -> dict[str, RuleSetting]:
        rules = dict(rules)
        for rule_id, factor in factors.items():
            setting = rules.get(rule_id)
            if setting is None and not defaults:
                continue
            enabled, weight = resolve(rule_id, rules)
            rules[rule_id] = RuleSetting(enabled=enabled, weight=min(10.0, weight * factor))
        return rules

    segments = tuple(replace(s, rules=scaled(s.rules, defaults=True)) for s in plan.segments)
    events = tuple(
        event.model_copy(update={"effects": event.effects.model_copy(
            update={"rules": scaled(event.effects.rules, defaults=False)})}) if event.effects.rules else event
        for event in plan.events)
    return replace(plan, segments=segments, events=events)


def scheduled_rules_at(plan: Scenario, month: int) -> dict[str, RuleSetting]:
    """The rule changes of scheduled events at or before ``month``, the latest for each rule."""
    from sim.months import parse_month

    settings: dict[str, RuleSetting] = {}
    for event in plan.events:
        if parse_month(event.date) <= month:
            settings.update(event.effects.rules)
    return settings


def rule_setting_at(plan: Scenario, rule_id: str, month: int) -> RuleSetting:
    """The setting a rule has in ``month`` of a run of ``plan``, as the model resolves it."""
    enabled, weight = resolve(rule_id, plan.segment_at(month).rules, scheduled_rules_at(plan, month))
    return RuleSetting(enabled=enabled, weight=weight)
