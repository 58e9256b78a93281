"""The one composer: every path into the model gives the same run specification for the same run.

The loader (a file plus ``params.yaml``), calibration (a candidate's values), an experiment's
arm (a base scenario plus its changes) and the dashboard (sliders) all build their
:class:`~sim.scenario.spec.Scenario` through :mod:`sim.scenario.compose`; these properties check
that they agree (:meth:`Scenario.digest`), and that :func:`rule_setting_at` says what a running
model actually uses.
"""

from __future__ import annotations

import dataclasses
import functools
from pathlib import Path

import pytest
import yaml
from annotated_types import Ge, Gt, Le, Lt
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from sim.calibration.fit import FREE, calibration_of, overlay
from sim.core.model import TajikistanModel
from sim.core.rules import RULES
from sim.experiments import load_experiment
from sim.experiments.changes import apply_changes
from sim.experiments.schema import Change
from sim.months import format_month, parse_month
from sim.present.dashboard.model import overlay as dashboard_overlay
from sim.scenario import load_scenario
from sim.scenario.compose import rule_setting_at, with_calibration, with_parameters
from sim.scenario.schema import Parameters, ScheduledEvent
from sim.scenario.spec import Scenario

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted(path for path in (ROOT / "scenarios").glob("*.yaml"))
FULL = ROOT / "scenarios" / "full_replay.yaml"
FUNCTION_SCOPED = [HealthCheck.function_scoped_fixture]


def within_bounds(name: str) -> st.SearchStrategy[float]:
    """Any value the schema accepts for a ``Parameters`` field (its ``gt``/``ge``/``lt``/``le`` bounds)."""
    bounds: dict = {}
    for limit in Parameters.model_fields[name].metadata:
        if isinstance(limit, Gt | Ge):
            bounds.update(min_value=float(getattr(limit, "gt", getattr(limit, "ge", 0.0))), exclude_min=isinstance(limit, Gt))
        if isinstance(limit, Lt | Le):
            bounds.update(max_value=float(getattr(limit, "lt", getattr(limit, "le", 0.0))), exclude_max=isinstance(limit, Lt))
    return st.floats(allow_nan=False, allow_infinity=False, **bounds)


PARAMETERS = st.sampled_from(sorted(Parameters.model_fields)).flatmap(
    lambda name: st.tuples(st.just(name), within_bounds(name)))
CALIBRATIONS = st.fixed_dictionaries({
    "parameters": st.lists(PARAMETERS, max_size=6, unique_by=lambda item: item[0]).map(dict),
    "rules": st.dictionaries(st.sampled_from(sorted(RULES)),
                             st.fixed_dictionaries({"weight": st.floats(0.0, 3.0)},
                                                   optional={"enabled": st.booleans()}), max_size=8),
})
FREE_VALUES = st.fixed_dictionaries({free.name: st.floats(free.low, free.high) for free in FREE})


@functools.cache
def uncalibrated(path: Path):
    return load_scenario(path, calibration=False)


def written(folder: Path, calibration: dict) -> Path:
    path = folder / "params.yaml"
    path.write_text(yaml.safe_dump({**calibration, "observation": {"slope": 0.1}}), encoding="utf-8")
    return path


# --- the loader, calibration and the dashboard -----------------------------------------------------


@settings(max_examples=20, suppress_health_check=FUNCTION_SCOPED)
@given(scenario=st.sampled_from(SCENARIOS), calibration=CALIBRATIONS)
def test_the_loader_composes_a_calibration_file_as_the_composer_does(tmp_path, scenario, calibration):
    loaded = load_scenario(scenario, calibration=written(tmp_path, calibration))
    composed = with_calibration(uncalibrated(scenario), calibration)
    assert loaded.digest() == composed.digest()
    for own, segment in zip(uncalibrated(scenario).segments, loaded.segments):
        for name, value in calibration["parameters"].items():  # under each period's own settings
            expected = getattr(own.parameters, name) if name in own.parameters.model_fields_set else value
            assert getattr(segment.parameters, name) == expected
    assert dashboard_overlay(loaded).digest() == loaded.digest()
    at_rest = {name: 1.0 for name in ("alignment_noise", "pull_gain", "event_hazard")}
    assert dashboard_overlay(loaded, at_rest, {"R23": 1.0}).digest() == loaded.digest()


@settings(max_examples=8, suppress_health_check=FUNCTION_SCOPED)
@given(values=FREE_VALUES)
def test_calibrations_candidates_compose_as_the_loader_reads_them(tmp_path, values):
    candidate = calibration_of(values)
    base = uncalibrated(FULL)
    loaded = load_scenario(FULL, calibration=written(tmp_path, candidate))
    assert overlay(base, candidate).digest() == with_calibration(base, candidate).digest() == loaded.digest()


def test_a_scenario_without_calibration_is_not_the_calibrated_one():
    assert load_scenario(FULL).digest() != uncalibrated(FULL).digest()  # the digest sees the calibration


# --- an experiment's parameter change ---------------------------------------------------------------


@settings(max_examples=30)
@given(scenario=st.sampled_from(SCENARIOS), change=PARAMETERS)
def test_an_arms_parameter_change_over_all_periods_is_with_parameters(scenario, change):
    name, value = change
    plan = uncalibrated(scenario)
    arm = apply_changes(plan, [Change.model_validate({"parameter": {"name": name, "value": value}})], "arm")
    assert arm.digest() == with_parameters(plan, {name: value}).digest()


def test_an_experiment_files_arm_is_its_base_with_the_parameters(tmp_path):
    path = tmp_path / "e.yaml"
    path.write_text(yaml.safe_dump({
        "name": "t", "scenario": str(FULL), "seed": 1, "replicates": 2, "outcomes": {"security": {"variable": "security"}},
        "arms": {"faster": {"changes": [{"parameter": {"name": "alignment_rate", "value": 0.2}},
                                        {"parameter": {"name": "event_hazard", "value": 0.5}}]}},
    }), encoding="utf-8")
    baseline, arm = load_experiment(path).arms
    assert baseline.scenario.digest() == load_scenario(FULL).digest()
    assert arm.scenario.digest() == with_parameters(load_scenario(FULL), {"alignment_rate": 0.2, "event_hazard": 0.5}).digest()


# --- rule_setting_at says what the running model uses ---------------------------------------------


KARIMOV = parse_month("2016-09")
#: A scheduled rule switch, as an experiment's or a user's scenario may write one (the shipped
#: periods switch no rule: their stages emerge), at the month of Karimov's death.
SWITCH = ScheduledEvent.model_validate({
    "date": "2016-09", "actor": "UZB", "target": "TJK", "type": "personnel", "summary": "a switch under test",
    "source": "tests", "effects": {"rules": {"R31": {"enabled": False}, "R34": {"weight": 3.0}}}})


def with_switch(plan: Scenario) -> Scenario:
    """The plan with :data:`SWITCH` among its scheduled events."""
    return dataclasses.replace(plan, events=tuple(sorted((*plan.events, SWITCH), key=lambda e: parse_month(e.date))))


@functools.cache
def rules_in_use(plan_name: str) -> tuple:
    """Each month's rules in use, as a running model holds them, ``{month: {rule id: weight}}``, for a
    plan (a rule switched off is held at weight 0, so that it draws its numbers; it is not in use)."""
    plan = with_switch(load_scenario(FULL))
    if plan_name == "scaled":
        plan = dashboard_overlay(plan, rule_weights={"R34": 0.5, "R31": 2.0, "R18": 3.0})
    model = TajikistanModel(plan, seed=0)
    used = {}
    while model.running:
        month = model.month
        model.step()
        used[month] = {rule.id: weight for rule, weight in model.active_rules if weight > 0}
        for agent in model.agents:  # what each agent runs is what the model holds
            assert all(used[month].get(rule.id, 0.0) == weight for rule, weight in agent.rulebook)
    return plan, used



@settings(max_examples=100)
@given(plan_name=st.sampled_from(["as shipped", "scaled"]), rule_id=st.sampled_from(sorted(RULES)),
       month=st.integers(parse_month("1991-09"), parse_month("2023-12")))
@example(plan_name="as shipped", rule_id="R31", month=KARIMOV - 1)
@example(plan_name="as shipped", rule_id="R31", month=KARIMOV)
@example(plan_name="as shipped", rule_id="R34", month=KARIMOV)
@example(plan_name="scaled", rule_id="R34", month=parse_month("2023-12"))
def test_rule_setting_at_is_what_the_running_model_uses(plan_name, rule_id, month):
    plan, used = rules_in_use(plan_name)
    setting = rule_setting_at(plan, rule_id, month)
    weight = used[month].get(rule_id)
    if setting.enabled and setting.weight > 0:
        assert weight == setting.weight, (rule_id, format_month(month))
    else:
        assert weight is None, (rule_id, format_month(month))


@pytest.mark.parametrize("plan_name, r31, r34", [("as shipped", 1.0, 3.0), ("scaled", 2.0, 1.5)])
def test_the_switch_after_karimov_holds_to_the_end_of_the_replay(plan_name, r31, r34):
    plan, used = rules_in_use(plan_name)
    before, after = used[KARIMOV - 1], used[KARIMOV]
    assert before["R31"] == rule_setting_at(plan, "R31", KARIMOV - 1).weight == r31 and "R31" not in after
    assert after["R34"] == r34 and all(used[m]["R34"] == r34 for m in used if m >= KARIMOV)
    assert not rule_setting_at(plan, "R31", parse_month("2023-12")).enabled


def test_rule_weight_scales_every_period_and_scheduled_switch_and_keeps_on_off():
    plan = with_switch(load_scenario(FULL))
    changed = dashboard_overlay(plan, rule_weights={"R34": 2.0, "R18": 0.5})
    for before, after in zip(plan.segments, changed.segments):
        assert after.rules["R34"].enabled and after.rules["R34"].weight == 2.0
        r18 = before.rules.get("R18")
        assert after.rules["R18"].enabled == (r18.enabled if r18 else RULES["R18"].default)
        assert after.rules["R18"].weight == 0.5
    switches = [(b.effects.rules, a.effects.rules) for b, a in zip(plan.events, changed.events) if b.effects.rules]
    assert switches
    for before, after in switches:
        if "R34" in before:
            assert after["R34"].weight == min(10.0, before["R34"].weight * 2.0)
        assert set(after) == set(before)  # a switch is scaled, never added
    assert dashboard_overlay(plan, rule_weights={"R34": 1.0}).segments == plan.segments


def test_each_period_file_starts_with_the_traits_the_full_replay_carries_into_it():
    """A period run alone starts where the full replay stands when that period opens, as far as the traits go:
    the events of earlier periods that changed an actor's traits (Kabul's regimes, Karimov's successor) are
    repeated in the later period files' ``initial.traits``, and a period file that forgot one would start a
    different world (the 2000-2009 file once began with Kabul's rulers neither assertive nor unlike Rabbani's)."""
    chain = load_scenario(FULL)
    model = TajikistanModel(chain, seed=0)
    for segment in chain.segments[1:]:
        while model.month < segment.start:
            model.step()
        alone = TajikistanModel(load_scenario(ROOT / "scenarios" / f"{format_month(segment.start)[:4]}-"
                                              f"{format_month(segment.end)[:4]}_{segment.period}.yaml"), seed=0)
        for name, carried in model.world.traits.items():
            for code in alone.world.codes:
                assert alone.world.trait(code, name) == pytest.approx(carried[model.world.i(code)]), \
                    f"{segment.period} starts with {code}'s {name} at {alone.world.trait(code, name)}"
