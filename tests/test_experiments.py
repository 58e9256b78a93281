"""Counterfactual experiments: the file format, arm overlays, paired summaries and execution.

The guarantees of the issue "Counterfactual experiments at scale", each tested here:
identical results for 1 and 2 local workers and a loopback Dask cluster; an experiment
killed with SIGKILL and resumed equals an uninterrupted one; a dead worker's batch is run
again; a malformed file gets one line and exit code 2.
"""

from __future__ import annotations

import copy
import datetime
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sim
from sim.cli import main
from sim.experiments import ExperimentError, execute, executors, load_experiment, run_experiment
from sim.experiments.changes import MARKER
from sim.experiments.executors import Call, run_local
from sim.months import format_month, parse_month
from sim.scenario import ScenarioError
from sim.scenario.compose import rule_setting_at
from sim.scenario.spec import driver_values
from sim.vocabulary import EVENT_TYPES

ROOT = Path(__file__).resolve().parents[1]
EXPERIMENTS = ROOT / "experiments"
SMOKE = EXPERIMENTS / "smoke.yaml"
SCENARIOS = ROOT / "scenarios"
CIVIL_WAR = SCENARIOS / "1992-1997_civil_war.yaml"
INDEPENDENCE = SCENARIOS / "1991-1992_independence.yaml"
FULL = SCENARIOS / "full_replay.yaml"
#: Every experiment the project ships (a list written by hand had fallen behind the folder).
SHIPPED = sorted(path.stem for path in (Path(__file__).resolve().parents[1] / "experiments").glob("*.yaml"))
OUTPUTS = ("manifest.json", "results.parquet", "summary.csv", "rules.parquet", "rules.csv")


def finished_tasks(out: Path) -> list[Path]:
    """The tasks whose chunks are written (each writes its rules' counts, then its outcomes)."""
    return [p for p in (out / "chunks").glob("*.parquet") if not p.name.endswith(".rules.parquet")]


def write_experiment(folder: Path, data: dict, name: str = "e.yaml") -> Path:
    path = folder / name
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def experiment(scenario: Path = CIVIL_WAR, replicates: int = 3, **fields) -> dict:
    data = {"name": "t", "scenario": str(scenario), "seed": 11, "replicates": replicates,
            "outcomes": {"security": {"variable": "security"}}}
    data.update(fields)
    return data


def same_files(a: Path, b: Path, names=OUTPUTS) -> bool:
    return all((a / name).read_bytes() == (b / name).read_bytes() for name in names)


@pytest.fixture(scope="module")
def smoke_serial(tmp_path_factory) -> Path:
    """The smoke experiment run once in this process (workers=1): the reference for the others."""
    out = tmp_path_factory.mktemp("smoke") / "serial"
    run_experiment(load_experiment(SMOKE), out, workers=1, progress=False)
    return out


# --- the files ---------------------------------------------------------------------------------------


def test_smoke_is_small_with_two_arms():
    smoke = load_experiment(SMOKE)
    assert [arm.name for arm in smoke.arms] == ["baseline", "no_russian_backing", "border_open"]
    assert smoke.runs <= 100 and len(smoke.tasks) > 2


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_experiments_validate_and_are_described(name):
    path = EXPERIMENTS / f"{name}.yaml"
    shipped = load_experiment(path)
    assert len(shipped.arms) >= 2 and shipped.spec.title and shipped.spec.description
    assert f"`{name}.yaml`" in (EXPERIMENTS / "README.md").read_text(encoding="utf-8")


def test_experiment_schema_command(capsys, tmp_path):
    assert main(["experiment-schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["title"] == "tajsim experiment"
    assert {"scenario", "seed", "replicates", "outcomes", "arms", "design"} <= set(schema["properties"])


def test_check_lists_arms_and_runs_without_running(capsys):
    assert main(["experiment", str(SMOKE), "--check"]) == 0
    assert "baseline + 2 arms, 32 replicates, 96 runs in 12 tasks" in capsys.readouterr().out


BAD = [
    ("name: x\nseed: [1\n", "line", "YAML syntax error"),
    ({"colour": "blue"}, "colour", "unknown key"),
    ({"replicates": 0}, "replicates", "greater than or equal to 1"),
    ({"arms": {}}, "(top level)", "needs arms, a design, or both"),
    ({"arms": {"baseline": {"changes": [{"remove_actor": "PAK"}]}}}, "(top level)", "cannot be redefined"),
    ({"arms": {"a": {"changes": [{"forbid": {"actor": "XXX", "target": "TJK", "type": "aid", "from": "1993-01"}}]}}},
     "arms.a.changes.0.forbid.actor", "unknown actor code 'XXX'"),
    ({"arms": {"a": {"changes": [{"forbid": {"actor": "RUS", "target": "TJK", "type": "aid", "from": "1993-13"}}]}}},
     "arms.a.changes.0.forbid.from", "month 13"),
    ({"arms": {"a": {"changes": [{"forbid": {"actor": "RUS", "target": "TJK", "type": "aid", "from": "1999-01"}}]}}},
     "arms.a.changes.0.forbid.from", "outside the run"),
    ({"arms": {"a": {"changes": [{"rule": {"id": "R999", "enabled": False}}]}}}, "arms.a.changes.0.rule.id",
     "unknown rule 'R999'"),
    ({"arms": {"a": {"changes": [{"rule": {"id": "R23"}}]}}}, "arms.a.changes.0.rule", "needs enabled, weight"),
    ({"arms": {"a": {"changes": [{"rule": {"id": "R23", "enabled": False, "from": "1993-01", "until": "1993-06"}}]}}},
     "arms.a.changes.0.rule.until", "unknown key 'until': the key is now 'to'"),
    ({"arms": {"a": {"changes": [{"forbid": {"actor": "RUS", "target": "TJK", "type": "aid",
                                             "from": datetime.date(1993, 1, 1)}}]}}},
     "arms.a.changes.0.forbid.from", 'write months in quotes, as "1993-01"'),
    ({"arms": {"a": {"changes": [{"rule": {"id": "R23", "enabled": False}, "remove_actor": "PAK"}]}}},
     "arms.a.changes.0", "exactly one of"),
    ({"arms": {"a": {"changes": [{"parameter": {"name": "alignment_rate", "value": 7}}]}}},
     "arms.a.changes.0.parameter.value", "less than or equal to 1"),
    ({"arms": {"a": {"changes": [{"parameter": {"name": "speed", "value": 1}}]}}},
     "arms.a.changes.0.parameter.name", "Input should be"),
    ({"arms": {"a": {"changes": [{"event": {"match": {"record": "E999"}, "delete": True}}]}}},
     "arms.a.changes.0.event.match", "matches none of the scenario's 2 scheduled events: 1995-02 AFG>AFG conflict, "),
    ({"arms": {"a": {"changes": [{"event": {"match": {"record": "E999"}, "delete": True}}]}}},
     "arms.a.changes.0.event.match", f"'tajsim scenario events {CIVIL_WAR}' lists them"),
    ({"arms": {"a": {"changes": [{"remove_actor": "TJK"}]}}}, "arms.a.changes.0.remove_actor", "focal state"),
    ({"arms": {"a": {"changes": [{"remove_actor": "RUS"}]}}}, "arms.a.changes.0.remove_actor", "rules need RUS"),
    ({"arms": {"a": {"changes": [{"actor": {"code": "IRN", "set": {"script_barrier": 2}}}]}}},
     "arms.a.changes.0.actor.set.script_barrier", "less than or equal to 1"),
    ({"arms": {"a": {"changes": [{"driver": {"name": "oil_price", "from": "1995-01", "to": "1994-01", "hold": True}}]}}},
     "arms.a.changes.0.driver", "to 1994-01 is before from 1995-01"),
    ({"arms": {"a": {"changes": [{"driver": {"name": "afghan_instability", "from": "1993-01", "to": "1993-06",
                                              "value": 5}}]}}},
     "arms.a.changes.0.driver", "afghan_instability set to 5 over 1993-01..1993-06 leaves its range 0..1 (index): 5 in"),
    ({"arms": {"a": {"changes": [{"driver": {"name": "afghan_instability", "from": "1993-01", "to": "1993-06",
                                              "add": -0.95}}]}}},
     "arms.a.changes.0.driver", "afghan_instability raised by -0.95 over 1993-01..1993-06 leaves its range 0..1"),
    ({"outcomes": {"x": {"variable": "aid", "actor": "TJK", "target": "RUS"}}, "arms": {"a": {"changes": [
        {"remove_actor": "PAK"}]}}}, "outcomes.x", "target must be TJK"),
    ({"outcomes": {"x": {"variable": "alignment", "actor": "TJK", "target": "PAK"}},
      "arms": {"a": {"changes": [{"remove_actor": "PAK"}]}}}, "outcomes.x", "which arm a removes"),
    ({"design": {"kind": "sobol", "points": 6, "factors": [{"rule": "R23", "low": 0, "high": 1},
                                                           {"rule": "R29", "low": 0, "high": 1}]}},
     "design", "power of two"),
    ({"design": {"kind": "lhs", "points": 4, "factors": [{"parameter": "alignment_rate", "low": 0.5, "high": 3}]}},
     "design.factors.0", "less than or equal to 1"),
]


@pytest.mark.parametrize("change, field, reason", BAD)
def test_malformed_files_get_one_line_and_exit_code_2(tmp_path, capsys, change, field, reason):
    if isinstance(change, str):
        path = tmp_path / "e.yaml"
        path.write_text(change, encoding="utf-8")
    else:
        data = experiment(arms={"a": {"changes": [{"rule": {"id": "R23", "enabled": False}}]}})
        data.update(change)
        path = write_experiment(tmp_path, data)
    code = main(["experiment", str(path), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and err.startswith(f"tajsim: {path}: {field}"), err
    assert reason in err, err
    assert not (tmp_path / "out").exists()


def test_a_file_that_is_not_there_is_one_line(tmp_path, capsys):
    assert main(["experiment", str(tmp_path / "missing.yaml")]) == 2
    assert capsys.readouterr().err.strip().endswith("no such file")


JUNK = st.one_of(st.none(), st.booleans(), st.integers(-5, 10**6), st.floats(allow_nan=False), st.text(max_size=8),
                 st.lists(st.integers(0, 3), max_size=2), st.dictionaries(st.text(max_size=4), st.integers(), max_size=2))


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, prefix + (key,))
    elif isinstance(node, list):
        for number, value in enumerate(node):
            yield from _paths(value, prefix + (number,))


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_mutation_of_a_good_file_loads_or_fails_in_one_line(tmp_path, data):
    good = yaml.safe_load(SMOKE.read_text(encoding="utf-8"))
    good["scenario"] = str(CIVIL_WAR)
    paths = [p for p in _paths(good) if p]
    where = data.draw(st.sampled_from(paths))
    mutated = copy.deepcopy(good)
    parent = mutated
    for key in where[:-1]:
        parent = parent[key]
    action = data.draw(st.sampled_from(["replace", "delete", "add"]))
    if action == "replace":
        parent[where[-1]] = data.draw(JUNK)
    elif action == "delete" and isinstance(parent, dict):
        del parent[where[-1]]
    elif isinstance(parent, dict):
        parent[data.draw(st.text(min_size=1, max_size=6))] = data.draw(JUNK)
    path = tmp_path / "m.yaml"
    path.write_text(yaml.safe_dump(mutated), encoding="utf-8")
    try:
        loaded = load_experiment(path)
    except ScenarioError as error:
        assert "\n" not in str(error) and str(error).startswith(str(path))
    else:
        assert loaded.runs == len(loaded.arms) * loaded.replicates


MONTHS = st.integers(parse_month("1992-05"), parse_month("1997-06")).map(format_month)
ACTORS = st.sampled_from(["RUS", "UZB", "IRN", "CHN", "USA", "CIS", "KGZ"])


@st.composite
def action_change(draw):
    start = draw(MONTHS)
    change = {"actor": draw(ACTORS), "target": "TJK", "type": draw(st.sampled_from(EVENT_TYPES)), "from": start}
    if draw(st.booleans()):
        change["to"] = draw(MONTHS.filter(lambda m: m >= start))
    return {draw(st.sampled_from(["forbid", "force"])): change}


@st.composite
def rule_change(draw):
    change = {"id": draw(st.sampled_from(["R23", "R29", "R37", "R47", "R18"]))}
    if draw(st.booleans()):
        change["enabled"] = draw(st.booleans())
    if "enabled" not in change or draw(st.booleans()):
        change["weight"] = draw(st.floats(0, 10))
    if draw(st.booleans()):
        change["from"] = draw(MONTHS)
    return {"rule": change}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(arms=st.dictionaries(st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True).filter(lambda n: n != "baseline"),
                            st.lists(st.one_of(action_change(), rule_change()), min_size=1, max_size=4),
                            min_size=1, max_size=3))
def test_generated_arms_load_with_their_changes(tmp_path, arms):
    path = write_experiment(tmp_path, experiment(arms={name: {"changes": changes} for name, changes in arms.items()}))
    loaded = load_experiment(path)
    assert [arm.name for arm in loaded.arms] == ["baseline", *arms]
    for arm, changes in zip(loaded.arms[1:], arms.values()):
        actions = [c for c in changes if "forbid" in c or "force" in c]
        assert len(arm.scenario.interventions) == len(actions)
    assert loaded.runs == (1 + len(arms)) * 3


# --- overlays -------------------------------------------------------------------------------------


def arms_of(tmp_path, scenario: Path, **arms) -> list:
    data = experiment(scenario, arms={name: {"changes": changes} for name, changes in arms.items()})
    return load_experiment(write_experiment(tmp_path, data)).arms


def test_changes_that_restate_the_scenario_leave_every_history_unchanged(tmp_path):
    baseline, split, restated = arms_of(
        tmp_path, CIVIL_WAR,
        split=[{"parameter": {"name": "alignment_noise", "value": load_experiment(SMOKE).base.segments[0]
                              .parameters.alignment_noise, "from": "1994-03"}}],
        restated=[{"rule": {"id": "R23", "weight": 1.0, "from": "1993-01", "to": "1995-12"}}],
    )
    assert len(split.scenario.segments) == 2 and split.scenario.segments[1].start == parse_month("1994-03")
    reference = sim.run(baseline.scenario, seed=4, replicates=3)
    for arm in (split, restated):
        result = sim.run(arm.scenario, seed=4, replicates=3)
        np.testing.assert_array_equal(result.dyads, reference.dyads)
        np.testing.assert_array_equal(result.domestic["security"], reference.domestic["security"])


def test_a_timed_rule_change_holds_in_its_window_and_the_scenario_returns_after(tmp_path):
    from sim.core.model import TajikistanModel

    baseline, arm = arms_of(tmp_path, FULL, r34=[{"rule": {"id": "R34", "weight": 0.5, "from": "2012-01", "to": "2018-12"}}])
    model = TajikistanModel(arm.scenario, seed=0)
    weights = {}
    while model.month <= arm.scenario.end:
        model.step()
        weights[format_month(model.month - 1)] = dict((rule.id, w) for rule, w in model.active_rules).get("R34")
    shipped = {m: rule_setting_at(baseline.scenario, "R34", parse_month(m)).weight for m in ("2011-12", "2019-01")}
    assert weights["2011-12"] == shipped["2011-12"] != 0.5
    assert {weights[m] for m in ("2012-01", "2016-08", "2016-09", "2018-12")} == {0.5}
    assert weights["2019-01"] == shipped["2019-01"] == rule_setting_at(arm.scenario, "R34", parse_month("2023-01")).weight


def test_a_whole_run_rule_weight_keeps_each_windows_on_and_off(tmp_path):
    _, arm = arms_of(tmp_path, FULL, r20=[{"rule": {"id": "R20", "enabled": False, "from": "2010-01", "to": "2015-12"}},
                                         {"rule": {"id": "R20", "weight": 2.0}}])
    at = {month: rule_setting_at(arm.scenario, "R20", parse_month(month)) for month in ("2009-12", "2012-06", "2016-01")}
    assert at["2009-12"].enabled and at["2009-12"].weight == 2.0
    assert not at["2012-06"].enabled
    assert at["2016-01"].enabled and at["2016-01"].weight == 2.0


def test_a_driver_change_keeps_the_months_outside_its_window(tmp_path):
    baseline, hold, scale = arms_of(
        tmp_path, FULL,
        hold=[{"driver": {"name": "russia_growth", "from": "2014-01", "to": "2016-12", "hold": True}}],
        scale=[{"driver": {"name": "oil_price", "from": "2014-07", "to": "2015-12", "scale": 0.5}}],
    )
    months = np.arange(baseline.scenario.start, baseline.scenario.end + 1)
    for arm, name, first, last in ((hold, "russia_growth", "2014-01", "2016-12"), (scale, "oil_price", "2014-07", "2015-12")):
        before = driver_values(baseline.scenario.drivers[name], months)
        after = driver_values(arm.scenario.drivers[name], months)
        changed = months[before != after]
        assert format_month(changed.min()) == first and format_month(changed.max()) == last
    growth = driver_values(hold.scenario.drivers["russia_growth"], months)
    assert set(growth[(months >= parse_month("2014-01")) & (months <= parse_month("2016-12"))]) == {1.75542214874298}  # 2013


def test_event_actor_and_intervention_changes(tmp_path):
    baseline, shifted, deleted, added, actors = arms_of(
        tmp_path, CIVIL_WAR,
        shifted=[{"event": {"match": {"summary": "out of kandahar"}, "shift_to": "1996-06"}}],
        deleted=[{"event": {"match": {"summary": "taliban take kabul"}, "delete": True}}],
        added=[{"add_event": {"date": "1993-03", "actor": "IRN", "target": "TJK", "type": "aid", "summary": "Iran aid",
                              "source": "counterfactual", "effects": {"aid": 0.3}}}],
        actors=[{"remove_actor": "PAK"}, {"actor": {"code": "IRN", "set": {"script_barrier": 0.0}}},
                {"force": {"actor": "CIS", "target": "TJK", "type": "military", "from": "1992-09", "to": "1992-11"}},
                {"forbid": {"actor": "TJK", "target": "RUS", "type": "treaty", "from": "1993-01", "rule": "R66"}}],
    )
    events = {e.summary.split(",")[0]: e.date for e in shifted.scenario.events}
    assert events["The Taliban"] == "1996-06" and [e.date for e in shifted.scenario.events] == sorted(
        e.date for e in shifted.scenario.events)
    assert len(deleted.scenario.events) == len(baseline.scenario.events) - 1
    assert any(e.summary == "Iran aid" for e in added.scenario.events)
    assert "PAK" not in actors.scenario.actors and "PAK-TJK" not in actors.scenario.initial.ties
    assert actors.scenario.actors["IRN"].script_barrier == 0.0
    assert [(i.mode, i.rule) for i in actors.scenario.interventions[-2:]] == [("force", None), ("forbid", "R66")]
    readded = arms_of(tmp_path, CIVIL_WAR, back=[{"remove_actor": "PAK"},
                                                  {"add_actor": {"code": "PAK", "spec": {"kind": "state", "capability": 0.3}}}])
    assert readded[1].scenario.actors["PAK"].capability == 0.3
    assert sim.run(readded[1].scenario, seed=1).series("alignment", "TJK", "PAK").shape[1] == 62


# --- execution ---------------------------------------------------------------------------------------


def test_serial_run_writes_results_summary_and_manifest(smoke_serial):
    smoke = load_experiment(SMOKE)
    assert sorted(p.name for p in smoke_serial.iterdir()) == ["manifest.json", "results.parquet", "rules.csv",
                                                              "rules.parquet", "summary.csv"]
    results = pq.read_table(smoke_serial / "results.parquet").to_pandas()
    assert list(results.columns) == ["arm", "replicate", "date", "outcome", "value"]
    assert not results.duplicated(["arm", "replicate", "outcome", "date"]).any()
    months = {o.name: o.end - o.start + 1 for o in smoke.outcomes}
    assert len(results) == smoke.runs * sum(months.values())
    summary = pd.read_csv(smoke_serial / "summary.csv", keep_default_na=False)
    assert set(summary["arm"]) == {"no_russian_backing", "border_open"} and len(summary) == 2 * len(months)
    row = summary.set_index(["arm", "outcome"]).loc[("no_russian_backing", "security")]
    assert row.ci_low < row.effect < row.ci_high < 0  # no backing: a less secure regime, clearly
    assert row.diverges_from == "1992-05"
    assert row.significant and row.significant_from >= row.diverges_from
    import hashlib

    manifest = json.loads((smoke_serial / "manifest.json").read_text())
    assert manifest["file_sha256"] == hashlib.sha256(SMOKE.read_bytes()).hexdigest()
    assert manifest["seed"] == 20240611 and manifest["replicates"] == 32 and "SeedSequence" in manifest["streams"]
    assert {"tajsim", "mesa", "numpy", "pyarrow", "SALib"} <= set(manifest["versions"])
    assert [arm["name"] for arm in manifest["arms"]] == ["baseline", "no_russian_backing", "border_open"]
    assert manifest["warnings"] == []


@pytest.mark.slow
def test_without_russias_backing_fewer_outbreaks_and_more_iranian_mediation_over_200_replicates(tmp_path):
    """The smoke's contrasts at a size where they are clear (about 15 s on one worker): without Russia's
    backing in 1992 the war breaks out less often and Iran mediates more (R38), both significant."""
    data = yaml.safe_load(SMOKE.read_text(encoding="utf-8"))
    data.update(replicates=200, scenario=str(CIVIL_WAR))
    out = tmp_path / "out"
    run_experiment(load_experiment(write_experiment(tmp_path, data)), out, workers=2, progress=False)
    rules = pd.read_csv(out / "rules.csv", keep_default_na=False)
    backing = rules[rules["arm"] == "no_russian_backing"].set_index("rule")
    assert backing.loc["conflict", "significant"] and backing.loc["conflict", "ci_high"] < 0
    assert backing.loc["R38", "significant"] and backing.loc["R38", "ci_low"] > 0


def test_rules_csv_names_the_rules_that_acted_differently(smoke_serial):
    """Without Russia's backing in 1992 the war breaks out less often (the conflict's own events,
    named as a rule) and Iran mediates more (R38); every row is a rule whose counts differ from the
    baseline's; the counts of rules.parquet are every rule-made event of the window, as an
    unfiltered event outcome counts them. Over the smoke's 32 replicates the intervals touch zero under
    some random streams (a live dyad more or less shifts every draw): their directions are asserted
    here, their significance over 200 replicates below."""
    smoke = load_experiment(SMOKE)
    rules = pd.read_csv(smoke_serial / "rules.csv", keep_default_na=False)
    assert list(rules.columns) == ["arm", "rule", "from", "to", "replicates", "baseline_mean", "arm_mean", "effect",
                                   "ci_low", "ci_high", "significant", "summary"]
    backing = rules[rules["arm"] == "no_russian_backing"].set_index("rule")
    assert backing.loc["conflict", "effect"] < 0
    assert backing.loc["conflict", "summary"].startswith("fighting breaks out")
    assert backing.loc["R38", "effect"] > 0
    assert backing.loc["R38", "summary"].startswith("Iran")
    assert np.allclose(rules["effect"], rules["arm_mean"] - rules["baseline_mean"])
    assert set(rules["from"]) == {"1992-05"} and set(rules["to"]) == {"1997-06"}  # the outcomes' months together
    flagged = rules[rules["significant"]]
    assert ((flagged["ci_low"] > 0) | (flagged["ci_high"] < 0)).all()
    counts = pq.read_table(smoke_serial / "rules.parquet").to_pandas()
    assert list(counts.columns) == ["arm", "replicate", "rule", "events"] and (counts["events"] > 0).all()
    run = sim.run(smoke.arms[1].scenario, seed=smoke.seed, replicates=4)
    own = run.events[~run.events["rule"].str.startswith("scheduled") & ~run.events["summary"].str.startswith(MARKER)]
    mine = counts[(counts["arm"] == smoke.arms[1].name) & (counts["replicate"] < 4)]
    assert mine.groupby("replicate")["events"].sum().tolist() == own.groupby("replicate").size().tolist()


def test_an_outcome_the_baseline_never_shows_is_warned_of(tmp_path, capsys):
    data = experiment(outcomes={"security": {"variable": "security"},
                                "pak_membership": {"events": {"type": "membership", "actor": "PAK", "target": "TJK"}}},
                      arms={"a": {"changes": [{"rule": {"id": "R23", "enabled": False}}]}})
    path, out = write_experiment(tmp_path, data), tmp_path / "out"
    assert main(["experiment", str(path), "--out", str(out), "--workers", "1", "--quiet"]) == 0
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("tajsim: warning: outcome pak_membership never occurs in the baseline") and "cannot be read" in line
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["warnings"] == [line.removeprefix("tajsim: warning: ")]
    before = (out / "manifest.json").read_bytes()
    assert main(["experiment", str(path), "--out", str(out), "--workers", "1", "--quiet", "--resume"]) == 0
    assert (out / "manifest.json").read_bytes() == before, "a finished run resumes to the same manifest"


def test_arms_share_the_baselines_random_streams(tmp_path):
    """Common random numbers: an arm is its baseline, replicate for replicate, until its change."""
    data = experiment(replicates=6, outcomes={
        "security": {"variable": "security"}, "rus": {"variable": "alignment", "actor": "TJK", "target": "RUS"},
        "events": {"events": {}}}, arms={
        "later": {"changes": [{"forbid": {"actor": "RUS", "target": "TJK", "type": "military", "from": "1994-01"}}]},
        "nothing": {"changes": [{"rule": {"id": "R29", "enabled": True}}]}})
    out = tmp_path / "out"
    run_experiment(load_experiment(write_experiment(tmp_path, data)), out, progress=False)
    results = pq.read_table(out / "results.parquet").to_pandas()
    wide = results.pivot_table(index=["replicate", "outcome", "date"], columns="arm", values="value")
    before = wide.index.get_level_values("date") < "1994-01"
    assert (wide.loc[before, "later"] == wide.loc[before, "baseline"]).all()
    assert (wide["nothing"] == wide["baseline"]).all()
    summary = pd.read_csv(out / "summary.csv", keep_default_na=False).set_index(["arm", "outcome"])
    assert (summary.loc["nothing", "effect"] == 0).all() and (summary.loc["nothing", "diverges_from"] == "").all()
    assert (summary.loc["nothing", "ci_low"] == 0).all() and (summary.loc["nothing", "ci_high"] == 0).all()
    assert summary.loc[("later", "security"), "diverges_from"] >= "1994-01"


def _synthetic_summary(differences: np.ndarray, counts_events: bool = False) -> pd.Series:
    """The summary row of one arm whose monthly paired differences from the baseline are ``differences``."""
    from types import SimpleNamespace

    from sim.experiments.summarise import paired_summary

    replicates, months = differences.shape
    rng = np.random.default_rng(0)
    base = rng.normal(size=(replicates, months))
    outcome = SimpleNamespace(name="x", statistic="mean", start=parse_month("2000-01"),
                              end=parse_month("2000-01") + months - 1, counts_events=counts_events, tolerance=1e-6)
    arms = [SimpleNamespace(index=0, name="baseline"), SimpleNamespace(index=1, name="arm")]
    cube = np.stack([base, base + differences])
    summary = paired_summary({"x": cube}, SimpleNamespace(outcomes=[outcome], arms=arms, replicates=replicates))
    return summary.iloc[0]


def test_no_onset_is_reported_when_the_whole_window_effect_is_not_significant():
    # every month clearly differs (up for a year, then down), but the window's effect is nil
    offsets = np.linspace(-0.8, 0.8, 10)[:, None]  # replicate spread; mean 0
    months = np.r_[np.full(12, 1.0), np.full(12, -1.0)]
    from scipy import stats

    assert (stats.ttest_1samp(offsets + months[None, :], 0.0).pvalue < 1e-3).all()  # each month alone
    row = _synthetic_summary(offsets + months[None, :])
    assert row.ci_low < 0 < row.ci_high and not row.significant
    assert row.significant_from == "" and row.diverges_from == "2000-01"


def test_the_onset_is_holm_corrected_over_the_windows_months():
    from sim.experiments.summarise import holm

    assert holm(np.array([0.01, 0.04, 0.03])).tolist() == [True, False, False]
    assert holm(np.array([0.04, 0.01, 0.02])).tolist() == [True, True, True]  # Bonferroni would keep only 0.01
    assert holm(np.array([0.2, 0.5])).tolist() == [False, False]
    from scipy import stats

    # a weak first half-year (each month "significant" alone, p ~ 0.02), then a clear effect
    offsets = np.linspace(-1.0, 1.0, 12)[:, None]
    effect = np.r_[np.full(6, 0.5), np.full(18, 3.0)]
    p = stats.ttest_1samp(offsets + effect[None, :], 0.0).pvalue
    assert (p[:6] < 0.05).all() and (p[:6] > 0.05 / 6).all()
    row = _synthetic_summary(offsets + effect[None, :])
    assert row.significant and row.ci_low > 0
    assert row.significant_from == "2000-07"
    steady = _synthetic_summary(offsets + 3.0)
    assert steady.significant and steady.significant_from == "2000-01"


def test_the_effects_table_says_whether_each_effect_is_significant(tmp_path):
    from sim.cli.experiment import _effects_table

    path = tmp_path / "summary.csv"
    pd.DataFrame([
        {"arm": "a", "outcome": "x", "effect": 0.1, "ci_low": -0.2, "ci_high": 0.4, "significant": False,
         "diverges_from": "2000-01", "significant_from": ""},
        {"arm": "b", "outcome": "x", "effect": 2.0, "ci_low": 1.0, "ci_high": 3.0, "significant": True,
         "diverges_from": "2000-01", "significant_from": "2000-07"}]).to_csv(path, index=False)
    header, first, second = _effects_table(path, ["a", "b"]).splitlines()
    assert "significant" in header and "onset (Holm)" in header
    assert first.split()[-3:] == ["no", "2000-01", "-"]
    assert second.split()[-3:] == ["yes", "2000-01", "2000-07"]


@pytest.mark.slow
def test_two_workers_give_the_same_bytes_as_one(smoke_serial, tmp_path):
    report = run_experiment(load_experiment(SMOKE), tmp_path / "two", workers=2, progress=False)
    assert report.ran == 96
    assert same_files(smoke_serial, tmp_path / "two")


_RUN_CHUNK = execute.run_chunk  # the real one, for the stand-in below


class _DiesOnce:
    """A picklable stand-in for run_chunk that kills its worker process the first time it runs."""

    def __init__(self, marker: str):
        self.marker = marker

    def __call__(self, *args):
        try:
            os.unlink(self.marker)
        except FileNotFoundError:
            return _RUN_CHUNK(*args)
        os._exit(1)


@pytest.mark.slow
def test_a_dead_workers_batch_is_run_again(smoke_serial, tmp_path, monkeypatch):
    marker = tmp_path / "die-once"
    marker.touch()
    monkeypatch.setattr(execute, "run_chunk", _DiesOnce(str(marker)))
    report = run_experiment(load_experiment(SMOKE), tmp_path / "out", workers=2, progress=False)
    # the pool breaks for every batch in flight (at most two): each ran again, once
    assert not marker.exists() and 1 <= len(report.attempts) <= 2 and set(report.attempts.values()) == {2}
    assert same_files(smoke_serial, tmp_path / "out")


def _always_dies(number: int) -> int:
    os._exit(3)


@pytest.mark.slow
def test_a_task_that_always_kills_its_worker_ends_the_experiment():
    done = []
    calls = [Call("fine", abs, (-1,)), Call("doomed", _always_dies, (0,))]
    with pytest.raises(ExperimentError, match="doomed lost its worker process 3 times"):
        run_local(calls, 2, lambda call, value: done.append(call.key), max_attempts=3)


def test_an_existing_result_needs_resume_or_overwrite(smoke_serial, tmp_path, capsys):
    import shutil

    out = tmp_path / "copy"
    shutil.copytree(smoke_serial, out)
    assert main(["experiment", str(SMOKE), "--out", str(out), "--quiet"]) == 2
    assert "--resume completes them" in capsys.readouterr().err
    before = (out / "results.parquet").stat().st_mtime_ns
    assert main(["experiment", str(SMOKE), "--out", str(out), "--resume", "--quiet"]) == 0
    assert (out / "results.parquet").stat().st_mtime_ns == before and same_files(smoke_serial, out)
    other = write_experiment(tmp_path, {**yaml.safe_load(SMOKE.read_text()), "seed": 1, "scenario": str(CIVIL_WAR)})
    assert main(["experiment", str(other), "--out", str(out), "--resume", "--quiet"]) == 2
    assert "different experiment" in capsys.readouterr().err


def test_the_command_shows_progress_and_prints_effects(tmp_path, capsys):
    data = experiment(replicates=4, batch=2, arms={"off": {"changes": [{"rule": {"id": "R23", "enabled": False}}]}})
    path = write_experiment(tmp_path, data)
    assert main(["experiment", str(path), "--out", str(tmp_path / "out"), "--workers", "1"]) == 0
    captured = capsys.readouterr()
    assert "run/s" in captured.err and "8/8" in captured.err
    assert "off" in captured.out and "security" in captured.out and "wrote" in captured.out


def _start_one_task_per_replicate(tmp_path: Path, until_chunks: int) -> tuple[subprocess.Popen, Path, Path]:
    """Start the smoke experiment with one replicate a task (96 tasks) on two workers, in its own
    process group, and return once ``until_chunks`` tasks are stored."""
    text = SMOKE.read_text(encoding="utf-8").replace("batch: 8", "batch: 1")
    variant = tmp_path / "smoke.yaml"
    variant.write_text(text.replace("../scenarios/", f"{SCENARIOS}/"), encoding="utf-8")
    out = tmp_path / "out"
    # a shell that starts a job in the background ignores Ctrl-C in it, and Python keeps an ignored
    # SIGINT ignored: start the command as a terminal would, with Ctrl-C at its default
    process = subprocess.Popen([sys.executable, "-m", "sim", "experiment", str(variant), "--out", str(out),
                                "--workers", "2", "--quiet"], start_new_session=True, cwd=tmp_path,
                               stderr=subprocess.PIPE, text=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(finished_tasks(out)) < until_chunks:
        time.sleep(0.02)
    return process, variant, out


@pytest.mark.slow
def test_ctrl_c_stops_the_workers_and_says_how_to_resume(tmp_path):
    process, _, out = _start_one_task_per_replicate(tmp_path, 4)
    os.killpg(process.pid, signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130 and "runs kept in" in err and "--resume" in err
    time.sleep(0.5)
    with pytest.raises(ProcessLookupError):  # no worker outlives the command
        os.killpg(process.pid, 0)
    assert not list((out / "chunks").glob(".*"))  # no half-written chunk


@pytest.mark.slow
def test_sigkill_part_way_then_resume_equals_an_uninterrupted_run(smoke_serial, tmp_path):
    """Kill the whole process group part-way; --resume then loses and repeats no run."""
    process, variant, out = _start_one_task_per_replicate(tmp_path, 12)
    os.killpg(process.pid, signal.SIGKILL)
    process.communicate()
    kept = len(finished_tasks(out))
    assert 12 <= kept < 96 and not (out / "results.parquet").exists()
    report = run_experiment(load_experiment(variant), out, workers=2, resume=True, progress=False)
    assert report.ran == 96 - kept
    resumed = pq.read_table(out / "results.parquet").to_pandas()
    reference = pq.read_table(smoke_serial / "results.parquet").to_pandas()
    pd.testing.assert_frame_equal(resumed, reference)  # the same rows, none lost, none twice
    assert (out / "summary.csv").read_bytes() == (smoke_serial / "summary.csv").read_bytes()
    assert not (out / "chunks").exists()


# --- summaries and designs -------------------------------------------------------------------------


@pytest.mark.parametrize("kind, design, points", [
    ("grid", {"factors": [{"parameter": "alignment_noise", "values": [0.01, 0.05]}, {"rule": "R46", "values": [0.5, 1, 2]}]}, 6),
    ("lhs", {"points": 5, "factors": [{"parameter": "alignment_noise", "low": 0.01, "high": 0.08},
                                      {"actor": "IRN", "attribute": "culture_tjk", "low": 0.2, "high": 1.0}]}, 5),
    ("sobol", {"points": 4, "factors": [{"parameter": "alignment_noise", "low": 0.01, "high": 0.08},
                                        {"rule": "R46", "low": 0.5, "high": 2}]}, 16),
    ("morris", {"points": 3, "factors": [{"parameter": "alignment_rate", "low": 0.04, "high": 0.2},
                                         {"rule": "R46", "low": 0.5, "high": 2}]}, 9),
])
def test_designs_run_as_arms_and_are_analysed(tmp_path, kind, design, points):
    data = experiment(INDEPENDENCE, replicates=3, design={"kind": kind, **design},
                      outcomes={"rus": {"variable": "alignment", "actor": "TJK", "target": "RUS"},
                                "recognitions": {"events": {"type": "recognition"}}})
    loaded = load_experiment(write_experiment(tmp_path, data))
    assert len(loaded.arms) == 1 + points and loaded.design.shape == (points, 2)
    for factor, (low, high) in zip(design["factors"], zip(loaded.design.min(0), loaded.design.max(0))):
        values = factor.get("values", [0])
        assert factor.get("low", min(values)) <= low <= high <= factor.get("high", max(values))
    again = load_experiment(write_experiment(tmp_path, data, "again.yaml"))
    np.testing.assert_array_equal(again.design, loaded.design)
    run_experiment(loaded, tmp_path / "out", progress=False)
    table = pd.read_csv(tmp_path / "out" / "design.csv")
    assert len(table) == points and {"rus_mean", "rus_sd", "recognitions_mean"} <= set(table.columns)
    sensitivity = pd.read_csv(tmp_path / "out" / "sensitivity.csv")
    measures = {"grid": "spearman_rho", "lhs": "spearman_rho", "sobol": "ST", "morris": "mu_star"}[kind]
    assert measures in set(sensitivity["measure"])
    seed = sensitivity[(sensitivity["factor"] == "(seed)") & (sensitivity["measure"] == "seed_share")]
    assert len(seed) == 2 and seed["value"].dropna().between(0, 1).all()


def test_event_counts_leave_out_scheduled_inputs_and_rule_markers(tmp_path):
    data = experiment(replicates=2, outcomes={
        "all": {"events": {}}, "with_inputs": {"events": {"include_scheduled": True}}},
        arms={"timed": {"changes": [{"rule": {"id": "R23", "enabled": False, "from": "1993-01", "to": "1993-06"}}]}})
    loaded = load_experiment(write_experiment(tmp_path, data))
    timed = loaded.arms[1]
    result = sim.run(timed.scenario, seed=11, replicates=2)
    assert result.events["summary"].str.startswith(MARKER).any()
    run_experiment(loaded, tmp_path / "out", progress=False)
    results = pq.read_table(tmp_path / "out" / "results.parquet").to_pandas()
    totals = results.groupby(["arm", "replicate", "outcome"])["value"].sum().unstack()
    markers = result.events["summary"].str.startswith(MARKER)
    scheduled = result.events["rule"].str.startswith("scheduled") & ~markers
    own = result.events[~result.events["rule"].str.startswith("scheduled")].groupby("replicate").size()
    assert list(totals.loc["timed", "all"]) == list(own)
    assert list(totals.loc["timed", "with_inputs"] - totals.loc["timed", "all"]) == list(
        result.events[scheduled].groupby("replicate").size())


# --- a Dask cluster (last: it leaves threads behind in this process) --------------------------------


@pytest.mark.slow
def test_a_loopback_dask_cluster_gives_the_same_bytes(smoke_serial, tmp_path):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster:
        run_experiment(load_experiment(SMOKE), tmp_path / "dask", scheduler=cluster.scheduler_address, progress=False)
    assert same_files(smoke_serial, tmp_path / "dask")


def test_an_unreachable_scheduler_is_one_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(executors, "CONNECT_TIMEOUT", "1s")
    code = main(["experiment", str(SMOKE), "--out", str(tmp_path / "o"), "--scheduler", "tcp://127.0.0.1:9", "--quiet"])
    assert code == 2 and capsys.readouterr().err.count("\n") == 1
