"""Mesa's contract: ``running`` ends the run, ``run_model`` replays the scenario, the DataCollector is numeric."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

import sim
from sim.core.model import TajikistanModel
from sim.paths import default_scenario
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
CIVIL_WAR = load_scenario(ROOT / "scenarios" / "1992-1997_civil_war.yaml")


def state_of(model: TajikistanModel) -> dict:
    """Everything a step could change, copied."""
    w = model.world
    arrays = {name: getattr(w, name).copy() for name in
              ("alignment", "aid", "pressure", "dependence", "ties", "requests", "security", "economy", "support_stock")}
    return {**arrays, "month": model.month, "history": len(model.history), "running": model.running,
            "events": {k: v.copy() for k, v in model.log.arrays().items()},
            "collected": model.datacollector.get_model_vars_dataframe().copy()}


def assert_same(a: dict, b: dict) -> None:
    assert a.keys() == b.keys()
    for name in a:
        if name == "events":
            for column in a[name]:
                np.testing.assert_array_equal(a[name][column], b[name][column])
        elif name == "collected":
            pd.testing.assert_frame_equal(a[name], b[name])
        else:
            np.testing.assert_array_equal(a[name], b[name], err_msg=name)


def test_running_turns_false_after_the_last_month():
    model = TajikistanModel(CIVIL_WAR, seed=1)
    assert model.running and model.months == CIVIL_WAR.end - CIVIL_WAR.start + 1
    for _ in range(model.months - 1):
        model.step()
    assert model.running and model.month == CIVIL_WAR.end
    model.step()
    assert not model.running and model.simulated == model.months and model.month == CIVIL_WAR.end + 1


def test_run_model_replays_the_whole_scenario_as_sim_run_does(replay):
    model = TajikistanModel(load_scenario(default_scenario()), seed=0)
    model.run_model()
    assert not model.running and model.history.months == list(replay.months) == list(replay.scenario.months)
    np.testing.assert_array_equal(np.stack(model.history.dyads), replay.dyads)
    np.testing.assert_array_equal(np.stack(model.history.security), replay.domestic["security"])
    np.testing.assert_array_equal(np.stack(model.history.economy), replay.domestic["economy"])
    assert len(model.log.arrays()["month"]) == len(replay.events)


def test_run_model_with_replicates_equals_sim_run():
    model = TajikistanModel(CIVIL_WAR, seed=7, replicates=3)
    model.run_model()
    result = sim.run(CIVIL_WAR, seed=7, replicates=3)
    np.testing.assert_array_equal(np.stack(model.history.dyads), result.dyads)
    np.testing.assert_array_equal(np.stack(model.history.security), result.domestic["security"])


def test_stepping_past_the_end_does_nothing():
    model = TajikistanModel(CIVIL_WAR, seed=2, replicates=2)
    model.run_model()
    before = state_of(model)
    for _ in range(3):
        model.step()
    assert_same(before, state_of(model))
    model.run_model()  # returns at once: the model is not running
    assert_same(before, state_of(model))


def test_the_datacollector_has_one_numeric_row_per_month():
    model = TajikistanModel(CIVIL_WAR, seed=3, replicates=4)
    model.run_model()
    frame = model.datacollector.get_model_vars_dataframe()
    assert len(frame) == model.months == len(model.history)
    assert frame["month"].tolist() == model.history.months
    not_numeric = {name: str(dtype) for name, dtype in frame.dtypes.items() if not pd.api.types.is_numeric_dtype(dtype)}
    assert not not_numeric, not_numeric
    assert {"security", "economy", "alignment_TJK_RUS", "alignment_TJK_UZB"} <= set(frame.columns)
    assert frame.notna().all().all()
    np.testing.assert_allclose(frame["security"], np.stack(model.history.security).mean(axis=1))
