"""Tests of calibration: scores, the observation model, the search's determinism, forecasts, the CLI.

Fast by construction: hand-made cases for the scores and the observation model, and one tiny
calibration (13 candidates of 2 replicates) run twice, once in parallel and once in-process.
"""

from __future__ import annotations

import json
import math
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import sim
from sim.calibration.calibrate import calibrate
from sim.calibration.fit import FREE, Settings, calibration_of, overlay, values_of
from sim.calibration.forecast import FORECAST_COLUMNS, forecast, record_for, run_ensemble
from sim.cli import main
from sim.paths import default_scenario
from sim.record.observation import ObservationModel, Record, load_record
from sim.record.scores import (
    coverage,
    crps_ensemble,
    crps_gaussian,
    interval,
    interval_words,
    mae,
    pearson,
    rmse,
    skill,
    skill_interval,
    spearman,
    summary,
)

# --- scores -------------------------------------------------------------------------------------


def test_point_scores_on_a_hand_made_case():
    obs, pred = np.array([0.5, 0.7, 0.9]), np.array([0.6, 0.7, 0.6])
    assert mae(pred, obs) == pytest.approx(0.4 / 3)
    assert rmse(pred, obs) == pytest.approx(math.sqrt(0.1 / 3))
    assert pearson(obs * 2, obs) == pytest.approx(1.0)
    assert spearman(-obs, obs) == pytest.approx(-1.0)
    assert math.isnan(pearson(np.ones(3), obs))
    assert skill(0.02, 0.04) == pytest.approx(0.5) and skill(0.06, 0.04) == pytest.approx(-0.5)


def test_crps_of_ensembles():
    assert crps_ensemble(np.array([[0.3]]), np.array([0.5]))[0] == pytest.approx(0.2)  # one member: |x - y|
    assert crps_ensemble(np.array([[0.0, 1.0]]), np.array([0.0]))[0] == pytest.approx(0.25)
    assert crps_ensemble(np.array([[1.0, 0.0]]), np.array([0.5]))[0] == pytest.approx(0.25)
    # a large sample of N(0, 1) approaches the closed form, 2 phi(0) - 1/sqrt(pi) at the mean
    z = np.random.default_rng(0).standard_normal(20_000)
    assert crps_gaussian(0.0, 1.0, 0.0) == pytest.approx(0.2337, abs=1e-4)
    assert crps_ensemble(z[None, :], np.array([0.0]))[0] == pytest.approx(0.2337, abs=0.01)
    # a sharper ensemble centred on the truth scores better than a wide one
    assert crps_ensemble(0.1 * z[None, :], np.array([0.0]))[0] < crps_ensemble(z[None, :], np.array([0.0]))[0]


def test_interval_coverage_and_summary_baselines():
    samples = np.tile(np.linspace(0, 1, 101), (4, 1))
    lower, upper = interval(samples)
    assert lower == pytest.approx([0.05] * 4) and upper == pytest.approx([0.95] * 4)
    assert coverage(lower, upper, np.array([0.5, 0.01, 0.96, 0.95])) == 0.5
    obs = np.array([0.8, 0.9, 0.85])
    block = summary(obs, obs.copy(), np.full(3, 0.7), np.full(3, 0.8), samples=np.repeat(obs[:, None], 5, axis=1))
    assert block["mae"] == 0 and block["skill_vs_persistence"] == 1.0 and block["skill_vs_climatology"] == 1.0
    assert block["mae_persistence"] == pytest.approx(0.15) and block["mae_climatology"] == pytest.approx(0.05)
    assert block["crps"] == pytest.approx(0, abs=1e-12) and block["coverage90"] == 1.0


def test_a_skills_interval_comes_from_resampled_years_and_says_when_it_is_a_tie():
    years = np.repeat(np.arange(2010, 2020), 3)
    better = np.random.default_rng(1).uniform(0.5, 1.0, len(years))
    low, high = skill_interval(0.5 * better, better, years)
    assert low == pytest.approx(0.5) and high == pytest.approx(0.5)  # the same skill in every year
    noisy = better * np.where(years % 2, 0.6, 1.3) * (1 + (years - 2010) / 40)  # the years differ, not their rows
    low, high = skill_interval(noisy, better, years)
    assert low < skill(noisy.mean(), better.mean()) < high
    assert skill_interval(noisy, better, years) == (low, high)  # a fixed seed: the same rows, the same interval
    # a year's rows are drawn together: twice the rows in each year is the same interval,
    # while counting every row as its own year pretends to more evidence than there is
    doubled = skill_interval(np.tile(noisy, 2), np.tile(better, 2), np.tile(years, 2))
    assert doubled == pytest.approx((low, high))
    rows_alone = skill_interval(np.tile(noisy, 2), np.tile(better, 2))
    assert rows_alone[1] - rows_alone[0] < high - low
    assert all(math.isnan(v) for v in skill_interval(noisy, better, np.full(len(years), 2010)))
    assert "a tie within the noise" in interval_words(-0.07, 0.05)
    # two event years in thirteen: a baseline that never forecasts one is perfect in the resamples that draw
    # neither, where any forecast of a chance costs the model; no skill can then be claimed
    happened = np.array([0.0] * 11 + [1.0] * 2)
    hedge, never = np.square(0.05 - happened), np.square(0.0 - happened)
    low, high = skill_interval(hedge, never, np.arange(2010, 2023))
    assert low == -math.inf and 0 < high < 1 and "unbounded below" in interval_words(low, high)
    assert "tie" not in interval_words(0.02, 0.3) and "too few years" in interval_words(math.nan, math.nan)
    assert "the same as the baseline" in interval_words(-1e-6, 0.0)
    block = summary(noisy, noisy, better, better, groups=years)
    assert block["skill_vs_persistence_95"] == [1.0, 1.0]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(0.0, 1.0), st.floats(0.01, 1.0), st.integers(0, 6)), min_size=2, max_size=40))
def test_a_skills_interval_is_ordered_and_bounded_above_by_one(rows):
    loss, reference, groups = (np.array(column) for column in zip(*rows))
    low, high = skill_interval(loss, reference, groups, draws=200)
    if len(set(groups.tolist())) < 2:
        assert math.isnan(low) and math.isnan(high)
    else:
        assert low <= high <= 1.0 + 1e-12


def test_record_baselines():
    record = Record(("AAA", "BBB"), np.array([2000, 2001, 2002, 2003]),
                    np.array([[0.5, np.nan, 0.7, 0.9], [0.2, 0.4, np.nan, 0.3]]), np.ones((2, 4), dtype=int))
    assert record.persistence(before=2003) == pytest.approx([0.7, 0.4])
    mean, sd = record.climatology(2000, 2002)
    assert mean == pytest.approx([0.6, 0.3]) and sd[0] == pytest.approx(math.sqrt(0.02))
    assert record.last_year() == 2003


def test_the_dollar_ratio_baseline_knows_the_exchange_rates_and_holds_the_last_constant():
    from sim.calibration.levers import LeverRecord, LeverRun, scores_against_baselines

    years = np.arange(2002, 2024)
    ratio = {int(y): 10.0 + np.sin(y) for y in years}                 # the two dollar incomes' ratio
    observed = {int(y): 3.0 * ratio[int(y)] for y in years}           # remittances: a constant times it
    truth = np.array([observed[int(y)] for y in years])
    exact = LeverRun(years, np.repeat(truth[None, :], 4, axis=0), {}, np.zeros((4, len(years))),
                     np.zeros((4, len(years))), np.zeros((4, len(years))))
    record = LeverRecord(observed, {}, {}, {}, {})
    scores = scores_against_baselines(exact, record, ratio)["remittances"]
    assert scores["dollar_ratio"] == pytest.approx(0.0, abs=1e-12)   # the data alone are exact here
    assert scores["persistence"] > 0.1 and "dollar_ratio" not in scores_against_baselines(exact, record)["remittances"]
    # with a constant that moves after the training years, the baseline misses by as much
    shifted = {y: v * (1.5 if y >= 2010 else 1.0) for y, v in observed.items()}
    scores = scores_against_baselines(exact, LeverRecord(shifted, {}, {}, {}, {}), ratio)["remittances"]
    assert scores["dollar_ratio"] == pytest.approx(np.mean([0.5 * observed[y] for y in range(2010, 2024)]))


def test_agreement_record_drops_thin_rows():
    record = load_record()
    assert np.isnan(record.values[:, record.column(2001)]).all()  # no Tajik votes in 2001
    assert np.isnan(record.values[:, record.column(2020)]).all()  # one roll call in 2020
    assert record.last_year() == 2019 and len(record.partners) == 19


# --- the observation model ---------------------------------------------------------------------


def _synthetic(slope: float):
    years = np.arange(2000, 2010)
    rng = np.random.default_rng(1)
    latent = np.full((3, 3, len(years)), np.nan)
    latent[:, :2, :] = rng.uniform(-0.5, 0.5, (1, 2, len(years))) + 0.001 * rng.standard_normal((3, 2, len(years)))
    values = np.empty((3, len(years)))
    values[:2] = np.array([[0.6], [0.3]]) + slope * latent[:, :2].mean(axis=0)
    values[2] = np.linspace(0.5, 0.7, len(years))  # a partner the model does not have
    return latent, Record(("AAA", "BBB", "CCC"), years, values, np.full(values.shape, 50))


def test_observation_model_recovers_a_known_mapping():
    latent, record = _synthetic(0.3)
    model = ObservationModel.fit(latent, record, 2000, 2009)
    assert model.slope == pytest.approx(0.3, rel=1e-3)
    assert model.intercept[:2] == pytest.approx([0.6, 0.3], abs=1e-3)
    assert model.intercept[2] == pytest.approx(0.6)  # unmodelled: the partner's mean, i.e. climatology
    assert model.sigma[0] == pytest.approx(0.01)  # exact fit: the floor
    assert list(model.modelled) == [True, True, False]
    assert model.mean(latent)[:2] == pytest.approx(record.values[:2], abs=2e-3)
    assert model.mean(latent)[2] == pytest.approx(np.full(10, 0.6))
    target = np.array([0.66, 0.21, 0.5])
    assert model.invert(target)[:2] == pytest.approx([0.2, -0.3], abs=1e-3) and np.isnan(model.invert(target)[2])
    again = ObservationModel.from_dict(model.to_dict(), record.partners)
    assert again.slope == pytest.approx(model.slope, rel=1e-5) and list(again.modelled) == list(model.modelled)


def test_observation_slope_is_never_negative():
    latent, record = _synthetic(-0.3)
    model = ObservationModel.fit(latent, record, 2000, 2009)
    assert model.slope == 0.0
    assert np.isnan(model.invert(np.array([0.5, 0.5, 0.5]))).all()
    samples = model.samples(latent)
    assert samples.shape == (3, 10, 3 * 15) and samples.min() >= 0 and samples.max() <= 1


# --- candidates, restarts ------------------------------------------------------------------------


def test_overlay_composes_like_the_loader(tmp_path):
    values = values_of([0.3] * len(FREE))
    path = tmp_path / "params.yaml"
    path.write_text(yaml.safe_dump(calibration_of(values) | {"observation": {"slope": 0.1}}))
    loaded = sim.load_scenario(default_scenario(), calibration=path)
    overlaid = overlay(sim.load_scenario(default_scenario(), calibration=False), calibration_of(values))
    assert overlaid.digest() == loaded.digest()


def test_a_restart_without_changes_is_the_free_run():
    plan = sim.load_scenario(default_scenario(), calibration=False)
    record = record_for(plan)
    free = run_ensemble(plan, record, seed=3, replicates=2)
    split = run_ensemble(plan, record, seed=3, replicates=2, restart_month=2010 * 12,
                         restart_latent=np.full(len(record.partners), np.nan))
    assert np.array_equal(free, split, equal_nan=True)


# --- a tiny calibration, twice --------------------------------------------------------------------

TINY = Settings(train=(1992, 2009), test=(2010, 2019), seed=5, budget=9, replicates=2, report_replicates=4,
                war_budget=9, war_replicates=2, lever_budget=9, lever_replicates=2, output_budget=9)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    first, second = tmp_path_factory.mktemp("first"), tmp_path_factory.mktemp("second")
    report = calibrate(TINY, first, workers=2)
    calibrate(TINY, second, workers=1)
    return first, second, report


@pytest.mark.slow
def test_same_seed_gives_the_same_parameters(tiny):
    first, second, _ = tiny
    assert (first / "params.yaml").read_bytes() == (second / "params.yaml").read_bytes()
    assert (first / "report.json").read_bytes() == (second / "report.json").read_bytes()


@pytest.mark.slow
def test_params_file_is_loadable_and_documents_the_fit(tiny):
    first, _, _ = tiny
    data = yaml.safe_load((first / "params.yaml").read_text())
    assert set(data) == {"parameters", "rules", "observation", "fit", "war_fit", "output_fit", "lever_fit"}
    assert data["fit"]["seed"] == 5 and data["fit"]["train_years"] == [1992, 2009]
    assert set(data["observation"]["intercept"]) == set(load_record().partners)
    sim.load_scenario(default_scenario(), calibration=first / "params.yaml")


@pytest.mark.slow
def test_report_has_honest_scores(tiny):
    first, _, report = tiny
    data = json.loads((first / "report.json").read_text())
    for block in ("train", "test"):
        for key in ("mae", "rmse", "pearson", "spearman", "mae_persistence", "mae_climatology",
                    "skill_vs_persistence", "coverage90", "crps"):
            assert key in data[block], (block, key)
        assert data[block]["skill_vs_persistence"] == pytest.approx(
            1 - data[block]["mae"] / data[block]["mae_persistence"], abs=1e-4)
    assert [r["period"] for r in data["rolling"]] == ["post_war", "open_door", "dependence"]
    assert data["rolling"][-1]["behaviour_fitted_on_scored_years"] is False
    assert data["test"]["n"] == int((~np.isnan(load_record().values[:, 18:28])).sum())
    for key, pairs in (("rolling_1y", 9), ("rolling_3y", 9 + 8 + 7)):
        block = data[key]
        assert block == data["voting"][key] and block["pairs"] == pairs, key
        for field in ("mae", "mae_persistence", "skill_vs_persistence", "coverage90", "mae_without_simulation"):
            assert block[field] is not None, (key, field)
        assert block["skill_vs_persistence"] == pytest.approx(1 - block["mae"] / block["mae_persistence"], abs=1e-4)
    assert data["voting"]["origins"] == [2010, 2018]
    assert set(data["voting"]["contested"]["yearly"]) >= {"2014", "2019"}
    text = (first / "report.md").read_text()
    assert "## Verdict" in text and ("does NOT beat" in text or "beats" in text)
    assert "over resampled years" in text  # each verdict carries its skill's interval
    low, high = data["rolling_1y"]["skill_vs_persistence_95"]
    assert low <= data["rolling_1y"]["skill_vs_persistence"] <= high
    for block in data["levers"]["test"].values():
        assert len(block["skill_vs_persistence_95"]) == 2
    assert "## The UN voting model" in text and "Where alignment with Russia is at stake" in text


@pytest.mark.slow
def test_forecast_file(tiny, tmp_path, capsys):
    first, _, _ = tiny
    out = tmp_path / "fc"
    code = main(["forecast", "--from", "2015", "--to", "2019", "--out", str(out), "--replicates", "4",
                 "--params", str(first / "params.yaml")])
    assert code == 0
    err = capsys.readouterr().err
    assert "forecast:" in err and "month" in err, "the ensemble's progress is shown on stderr"
    table = pd.read_csv(out / "unga_forecast.csv")
    assert list(table.columns) == FORECAST_COLUMNS
    assert set(table["partner"]) == set(load_record().partners)
    assert sorted(set(table["year"])) == [2016, 2017, 2018, 2019] and len(table) == 19 * 4
    assert (table["agreement_lo"] <= table["agreement_mean"]).all()
    assert (table["agreement_mean"] <= table["agreement_hi"]).all()
    assert table[["agreement_lo", "agreement_hi"]].stack().between(0, 1).all()


def test_forecast_runs_to_2023():
    plan = sim.load_scenario(default_scenario(), calibration=False)
    table, about = forecast(plan, 2019, 2023, replicates=2)
    assert sorted(set(table["year"])) == [2020, 2021, 2022, 2023]
    assert about["voting_model"]["fitted_on"] == [1992, 2019]
    # forecasts are changes from the 2019 record: a year ahead, each partner sits near its 2019 value
    record = load_record()
    last = pd.Series(record.values[:, record.column(2019)], index=record.partners)
    first_year = table[table["year"] == 2020].set_index("partner")["agreement_mean"]
    assert (first_year - last[first_year.index]).abs().max() < 0.1
    assert (table["agreement_lo"] < table["agreement_hi"]).all(), "every forecast has an interval"


# --- the command line -------------------------------------------------------------------------------


@pytest.mark.parametrize("args", [
    ["calibrate", "--train", "1992"],
    ["calibrate", "--train", "2009-1992"],
    ["calibrate", "--train", "1992-2009", "--test", "2005-2012"],
    ["calibrate", "--train", "1992-2009", "--test", "2010-2023"],
    ["calibrate", "--train", "1985-2009"],
    ["calibrate", "--test", "twenty"],
    ["forecast", "--from", "2030", "--to", "2031", "--out", "x"],
    ["forecast", "--from", "2019", "--to", "2019", "--out", "x"],
    ["forecast", "--from", "19", "--to", "2023", "--out", "x"],
])
def test_bad_years_are_one_line_and_exit_2(args, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(args) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("tajsim: ") and ("--" in err[0])


def test_the_war_loss_counts_a_government_that_loses_dushanbe_after_1992():
    """Two ensembles alike in UCDP levels and dates: the one whose government loses the capital
    after its December 1992 retaking (the record's E087) scores worse."""
    from sim.calibration.war import WarRun, load_observed, war_loss

    years = np.arange(1992, 2010)
    levels = np.zeros((4, len(years)), dtype=int)
    months = np.full(4, -1)
    held = WarRun(years, levels, levels, months, months, np.ones((4, len(years))))
    lost = held.capital.copy()
    lost[:, years >= 1995] = 0.0
    losing = WarRun(years, levels, levels, months, months, lost)
    observed = load_observed()
    assert war_loss(losing, observed, (1992, 2009)).brier > war_loss(held, observed, (1992, 2009)).brier
    early = held.capital.copy()
    early[:, years == 1992] = 0.0  # losing it in 1992 is what happened, and costs nothing
    assert war_loss(WarRun(years, levels, levels, months, months, early), observed, (1992, 2009)).brier == \
        war_loss(held, observed, (1992, 2009)).brier


def test_the_base_rate_keeps_a_chance_of_what_the_training_years_never_saw():
    """A border that never fought in the training years and fights in two test years: persistence and
    climatology forecast never, and make no error in any resample of the test years without the two, so
    a model that gives fighting a chance every year has a skill against them unbounded below; the base
    rate, (0 + 1/2) / (years + 1), errs a little every year and bounds the interval."""
    from sim.calibration.war import Observed, WarRun, scores_against_baselines

    years = np.arange(2000, 2013)
    border = np.zeros(len(years), dtype=int)
    border[[-3, -2]] = 1
    observed = Observed(years, np.zeros(len(years), dtype=int), border)
    levels = np.zeros((10, len(years)), dtype=int)
    levels[:2] = 1  # two replicates in ten fight every year: a chance of 0.2
    months = np.full(10, -1)
    run = WarRun(years, levels, levels, months, months, np.ones((10, len(years))))
    block = scores_against_baselines(run, observed, (2000, 2005), (2006, 2012))["border"]["level1"]
    rate = 0.5 / 7
    assert block["base_rate"] == pytest.approx((5 * rate ** 2 + 2 * (1 - rate) ** 2) / 7)
    assert block["persistence"] == block["climatology"] == pytest.approx(2 / 7)
    assert block["model"] == pytest.approx((5 * 0.2 ** 2 + 2 * 0.8 ** 2) / 7)
    assert block["skill_vs_base_rate"] == pytest.approx(1 - block["model"] / block["base_rate"])
    assert block["skill_vs_persistence_95"][0] == -np.inf
    assert np.isfinite(block["skill_vs_base_rate_95"]).all()


@pytest.mark.parametrize("args, field", [
    (["calibrate", "--hold", "output"], "--hold"),
    (["calibrate", "--hold", "alignment"], "--hold"),
    (["calibrate", "--hold", "war", "--held-from", "no_such_params.yaml"], "--held-from"),
    (["calibrate", "--hold", "war", "--held-from", "notes.yaml"], "--held-from"),
])
def test_a_bad_hold_is_one_line_and_exit_2(args, field, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.yaml").write_text("parameters: {}\nrules: {}\n")
    assert main(args) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and field in err[0], err
    assert not list(tmp_path.glob("*/params.yaml")), "nothing written"


@pytest.mark.slow
def test_held_stages_keep_the_files_values_and_say_so(tmp_path):
    """``--hold war,output,levers`` searches only alignment: the earlier stages' values are the held
    file's to the digit, their provenance names it and counts no search, and alignment is searched."""
    from sim.calibration.identify import fitted_values
    from sim.paths import calibrated_params

    held = fitted_values(calibrated_params())
    settings = replace(TINY, hold=("war", "output", "levers"), held_from=str(calibrated_params()))
    report = calibrate(settings, tmp_path, workers=1)
    data = yaml.safe_load((tmp_path / "params.yaml").read_text())
    fitted = fitted_values(tmp_path / "params.yaml")
    for stage, key in (("war", "war_fit"), ("output", "output_fit"), ("levers", "lever_fit")):
        for f in settings.free(stage):
            assert fitted[f.name] == held[f.name], f.name
        assert data[key]["held_from"] == str(calibrated_params()) and data[key]["evaluations"] == 0
    assert data["fit"]["evaluations"] > 1 and "held_from" not in data["fit"]
    assert "--hold war,output,levers" in report["command"]
    assert "did not search them again" in (tmp_path / "report.md").read_text()


@pytest.mark.slow
def test_holding_every_stage_searches_nothing_and_rescores_the_files_values(tmp_path):
    """``--hold war,output,levers,alignment``: no stage is searched, the params are the held file's
    values to the digit, and the alignment stage's provenance says it was held."""
    from sim.calibration.identify import fitted_values
    from sim.paths import calibrated_params

    held = fitted_values(calibrated_params())
    settings = replace(TINY, hold=("war", "output", "levers", "alignment"), held_from=str(calibrated_params()))
    calibrate(settings, tmp_path, workers=1)
    data = yaml.safe_load((tmp_path / "params.yaml").read_text())
    assert fitted_values(tmp_path / "params.yaml") == held
    assert data["fit"]["evaluations"] == 0 and data["fit"]["held_from"] == str(calibrated_params())


def test_the_alignment_loss_counts_training_facts_but_not_those_on_the_levers_state():
    """Facts on the migrants (SF28, SF29, SF30) are checks beside the alignment stage's loss: that
    stage holds the levers' constants. A fact whose window reaches the test years is left out too."""
    from sim.calibration.fit import in_loss
    from sim.months import parse_month

    facts = pd.DataFrame({"fact": ["SF02", "SF28", "SF29", "SF30", "SF27"],
                          "window": ["1992-05..1997-06", "1995-01..1999-12", "2002-01..2004-12", "2004-01..2006-12",
                                     "2014-01..2019-12"]})
    assert in_loss(facts, parse_month("2009-12")) == [True, False, False, False, False]
    assert in_loss(facts, parse_month("2019-12")) == [True, False, False, False, True]


def _china(model_new_debt: list[float], commitments: list[float]) -> dict:
    """china_check on a made-up ensemble whose debt to China grows each year by ``model_new_debt`` (from 1999, so every
    year 2000-2017 has a year before it) and a record of yearly ``commitments`` 2000-2017."""
    from sim.calibration.levers import LeverRecord, LeverRun, china_check

    years = np.arange(1999, 2018)
    debt = np.cumsum([0.0, *model_new_debt])[None, :].repeat(2, axis=0)
    run = LeverRun(years, np.zeros((2, len(years))), {}, debt, np.zeros((2, len(years))), np.zeros((2, len(years))))
    record = LeverRecord({}, {}, dict(zip(range(2000, 2018), commitments)), {}, {})
    return china_check(run, record)


def test_chinas_lending_check_can_fail_where_the_running_totals_could_not():
    """The check compares the years' new lending, so a model that lends in the wrong years scores low and one that
    lends when AidData records commitments scores high, though both models' debts rise every year just the same
    (the running totals' rank correlation, the check it replaced, was 1 for both)."""
    rng = np.random.default_rng(3)
    commitments = rng.gamma(0.5, 100.0, 18)
    right = _china(list(commitments * 0.01 + 0.001), commitments)
    wrong = _china(list(np.roll(commitments, 5) * 0.01 + 0.001), commitments)
    for label in ("train", "test"):
        low, high = right[label]["no_association_95"]
        assert right[label]["spearman"] == pytest.approx(1.0) and high < 1.0
        assert wrong[label]["spearman"] < high
    assert _china(list(commitments * 0.01 + 0.001), commitments) == right  # a fixed seed: the same ranges each time


def test_the_migrants_split_is_scored_against_un_desa_beside_persistence_and_the_training_mean():
    """Russia's share of the migrants in Russia and Kazakhstan, on UN DESA's published years: a model with the
    record's split scores 0, one that sends Kazakhstan a seventh of them loses to both baselines."""
    from sim.calibration.levers import LeverRecord, LeverRun, migrant_split_check

    years = np.arange(1992, 2022)
    stocks = {1995: (410349, 8351), 2000: (381090, 11617), 2005: (423794, 13244), 2010: (457775, 14870),
              2015: (466508, 15816), 2020: (466252, 16644)}
    record = LeverRecord({}, {}, {}, {}, {}, {(y, host): stock for y, pair in stocks.items()
                                              for host, stock in zip(("RUS", "KAZ"), pair)})

    def score(kazakh_share_of_russia) -> dict:
        rus = np.full((2, len(years)), 0.1)
        kaz = rus * np.array([kazakh_share_of_russia(int(y)) for y in years])
        run = LeverRun(years, np.zeros((2, len(years))), {}, np.zeros((2, len(years))), np.zeros((2, len(years))),
                       np.zeros((2, len(years))), {"RUS": rus, "KAZ": kaz})
        return migrant_split_check(run, record)

    exact = score(lambda y: stocks.get(y, (1, 0))[1] / stocks.get(y, (1, 0))[0])
    assert exact["test"]["mae"] == pytest.approx(0.0, abs=1e-4) and exact["train"]["years"] == [1995, 2000, 2005]
    off = score(lambda y: 1 / 6)
    assert off["test"]["mae"] > max(off["test"]["mae_persistence"], off["test"]["mae_climatology"]) > 0
