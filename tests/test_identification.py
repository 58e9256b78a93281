"""Is the fit identified: the pieces of calibration/war_identification.py and calibration/profile.py,
and running an experiment under another fit (``tajsim experiment --calibration``)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

import sim
from sim.calibration.fit import Settings
from sim.calibration.identify import (
    calibration_variant,
    fitted_values,
    fresh_scores,
    identify_alignment,
    profile,
    spread,
    stage_of,
    write_variants,
)
from sim.calibration.war import WAR_FREE
from sim.cli import main
from sim.paths import default_scenario

ROOT = Path(__file__).resolve().parents[1]
SMOKE = ROOT / "experiments" / "smoke.yaml"
SETTINGS = Settings((1992, 2009), (2010, 2019))


def test_spread_is_the_fits_span_as_a_share_of_each_range():
    fits = pd.DataFrame([{f.name: f.low for f in WAR_FREE}, {f.name: f.high for f in WAR_FREE},
                         {f.name: f.low + 0.25 * (f.high - f.low) for f in WAR_FREE}])
    table = spread(fits).set_index("parameter")
    assert list(table.index) == [f.name for f in WAR_FREE]
    assert np.allclose(table["span_share"], 1.0)
    one = spread(fits.iloc[[0, 2]]).set_index("parameter")
    assert np.allclose(one["span_share"], 0.25)
    assert (one["min"] <= one["median"]).all() and (one["median"] <= one["max"]).all()


def test_a_war_variant_replaces_the_war_values_and_keeps_every_other(tmp_path):
    params = ROOT / "calibration" / "params.yaml"
    original = yaml.safe_load(params.read_text())
    variant = tmp_path / "variant.yaml"
    variant.write_text(calibration_variant(params, {"war_recruitment": 0.123, "R53": 2.5}, "a test"))
    data = yaml.safe_load(variant.read_text())
    assert data["parameters"]["war_recruitment"] == 0.123 and data["rules"]["R53"] == {"weight": 2.5}
    unchanged = {k: v for k, v in original["parameters"].items() if k != "war_recruitment"}
    assert {k: data["parameters"][k] for k in unchanged} == unchanged
    assert set(data) == {"parameters", "rules"}  # the fit's own sections stay with params.yaml
    plan = sim.load_scenario(default_scenario(), calibration=variant)
    assert plan.segments[0].parameters.war_recruitment == 0.123
    assert plan.segments[0].rules["R53"].weight == 2.5


def test_switching_off_a_sanctuary_that_is_already_off_changes_nothing():
    values = {f.name: f.default for f in WAR_FREE} | {"R53": 0.0}
    scores = fresh_scores(SETTINGS, values, replicates=4)
    assert scores["sanctuary_war_months"] == 0.0 and scores["sanctuary_war_months_se"] == 0.0
    assert 0.0 < scores["loss_fresh"] < 2.0 and scores["war_months"] > 0


def test_a_sanctuary_changes_the_war(tmp_path):
    values = {f.name: f.default for f in WAR_FREE} | {"R53": 3.0}
    assert fresh_scores(SETTINGS, values, replicates=4)["sanctuary_war_months"] != 0.0


def _across_fits():
    import importlib.util

    spec = importlib.util.spec_from_file_location("across_fits", ROOT / "experiments" / "across_fits.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_agreement_says_whether_an_effect_keeps_its_sign_across_fits():
    rows = []
    for fit, (a, b, c) in {"f1": (1.0, 2.0, 0.1), "f2": (3.0, -1.0, 0.2), "f3": (0.5, 1.0, -0.1)}.items():
        rows += [{"experiment": "e", "arm": "x", "outcome": "kept", "fit": fit, "effect": a, "significant": True},
                 {"experiment": "e", "arm": "x", "outcome": "flips", "fit": fit, "effect": b, "significant": True},
                 {"experiment": "e", "arm": "x", "outcome": "weak", "fit": fit, "effect": c,
                  "significant": fit == "f1"}]
    table = _across_fits().agreement(pd.DataFrame(rows)).set_index("outcome")
    assert table.loc["kept", "verdict"] == "same sign" and table.loc["kept", "least"] == 0.5
    assert table.loc["kept", "size_ratio"] == 6.0  # 3.0 against 0.5
    assert np.isnan(table.loc["flips", "size_ratio"]) and np.isnan(table.loc["weak", "size_ratio"])
    assert table.loc["flips", "verdict"] == "mixed"
    assert table.loc["flips", "significant_up"] == 2 and table.loc["flips", "significant_down"] == 1
    assert table.loc["weak", "verdict"] == "unsettled" and table.loc["weak", "fits"] == 3


def test_experiments_run_under_each_fit_and_only_the_fit_differs(tmp_path):
    """``--calibration`` with the shipped values gives the shipped run to the byte; another fit, other effects."""
    variant = tmp_path / "other.yaml"
    variant.write_text(calibration_variant(ROOT / "calibration" / "params.yaml", {"war_gov_backing": 0.5}, "a test"))
    same = tmp_path / "same.yaml"
    same.write_text(calibration_variant(ROOT / "calibration" / "params.yaml", {}, "a test"))
    effects = _across_fits().effects_under([SMOKE], [same, variant], tmp_path / "out", workers=1)
    assert set(effects["fit"]) == {"same", "other"} and set(effects["experiment"]) == {"smoke"}
    direct = tmp_path / "direct"
    assert main(["experiment", str(SMOKE), "--out", str(direct), "--workers", "1", "--quiet"]) == 0
    out = tmp_path / "out"
    assert (out / "same" / "smoke" / "results.parquet").read_bytes() == (direct / "results.parquet").read_bytes()
    manifest = json.loads((out / "other" / "smoke" / "manifest.json").read_text())
    assert manifest["calibration_file"].endswith("other.yaml")
    assert manifest["scenario_sha256"] != json.loads((direct / "manifest.json").read_text())["scenario_sha256"]
    by_fit = effects.pivot_table(index=["arm", "outcome"], columns="fit", values="effect")
    assert not np.allclose(by_fit["same"], by_fit["other"])


def test_each_free_parameter_belongs_to_one_stage():
    assert stage_of("R53")[0] == "war" and stage_of("output_growth")[0] == "output"
    assert stage_of("remittance_scale")[0] == "levers" and stage_of("R20")[0] == "alignment"
    with pytest.raises(ValueError, match="R23: not a free parameter"):
        stage_of("R23")


def test_a_profile_at_the_fitted_value_reproduces_the_calibrations_loss():
    """The profile's loss is the calibration's own: at the committed value it is the search's best.
    An alignment weight reaches the training loss only through the stylized facts' pass rates and the
    war's loss (the voting model's gain on the simulation is fitted 0, so its CRPS does not move).
    R02, leaning towards donors and away from those who press, moves regard for every partner: of 3.0
    and 0, at least one moves the loss. (R20's and then R10's weights, profiled here before, move it
    only where a fact flips or the war turns, and on two replicates none did once new random draws,
    the border's and then R86's proposal, shifted the streams.)"""
    params = yaml.safe_load((ROOT / "calibration" / "params.yaml").read_text())
    fitted = fitted_values(ROOT / "calibration" / "params.yaml")
    table = profile(SETTINGS, fitted, "R02", [fitted["R02"], 3.0, 0.0], replicates=2)
    assert table.loc[0, "loss"] == pytest.approx(params["fit"]["loss_best"], rel=1e-5)
    assert table["loss"].nunique() > 1
    assert "dependence:SF27" in table and table["dependence:SF27"].between(0, 1).all()
    assert not any(column.startswith("civil_war:") for column in table)  # facts of the training years are the loss's


@pytest.mark.slow
def test_the_alignment_stage_searched_again_keeps_the_earlier_stages():
    """A second search of the alignment stage holds the war, output and levers at params.yaml's
    values, and every fit is scored on the same fresh replicates."""
    from dataclasses import replace

    from sim.calibration.fit import FREE

    fitted = fitted_values(ROOT / "calibration" / "params.yaml")
    fits = identify_alignment(replace(SETTINGS, budget=13), fitted, [1], fresh_replicates=2)
    assert list(fits["fit"]) == ["committed", "1"]
    committed, searched = fits.iloc[0], fits.iloc[1]
    assert all(committed[f.name] == fitted[f.name] for f in FREE)
    assert any(searched[f.name] != fitted[f.name] for f in FREE)
    assert "war_recruitment" not in fits  # the earlier stages are held, not refitted
    for column in [c for c in fits if c.startswith("regard_")]:
        assert fits[column].between(-1, 1).all()
    assert fits["sf27"].between(0, 1).all() and (fits["loss_fresh"] > 0).all()


def test_each_fit_becomes_a_calibration_file_that_loads(tmp_path):
    fits = pd.DataFrame([{"seed": 4, "loss_fresh": 0.25, **{f.name: f.low for f in WAR_FREE}}])
    write_variants(ROOT / "calibration" / "params.yaml", fits, "seed", WAR_FREE, tmp_path / "fits", "a test")
    (written,) = (tmp_path / "fits").iterdir()
    assert written.name == "seed4.yaml" and "a test" in written.read_text().splitlines()[0]
    assert fitted_values(written)["war_recruitment"] == WAR_FREE[0].low
    plan = sim.load_scenario(default_scenario(), calibration=written)
    assert plan.segments[0].rules["R53"].weight == 0.0


def test_experiments_run_under_each_seed_and_only_the_streams_differ(tmp_path):
    """``--seeds``: the file's own seed gives the shipped run to the byte; another seed draws other
    streams (other effects, the same arms and outcomes), recorded in its manifest and in effects.csv."""
    from sim.experiments import load_experiment

    own = load_experiment(SMOKE).seed
    fit = ROOT / "calibration" / "params.yaml"
    effects = _across_fits().effects_under([SMOKE], [fit], tmp_path / "out", workers=1, seeds=[own, own + 1])
    assert sorted(set(effects["seed"])) == [own, own + 1] and set(effects["fit"]) == {"params"}
    direct = tmp_path / "direct"
    assert main(["experiment", str(SMOKE), "--out", str(direct), "--workers", "1", "--quiet"]) == 0
    out = tmp_path / "out"
    assert (out / f"params-seed{own}" / "smoke" / "results.parquet").read_bytes() == (direct / "results.parquet").read_bytes()
    assert json.loads((out / f"params-seed{own + 1}" / "smoke" / "manifest.json").read_text())["seed"] == own + 1
    by_seed = effects.pivot_table(index=["arm", "outcome"], columns="seed", values="effect")
    assert len(by_seed) == len(effects) // 2 and not np.allclose(by_seed[own], by_seed[own + 1])
    table = _across_fits().agreement(effects)
    assert (table["fits"] == 2).all()
