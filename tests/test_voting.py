"""Tests of the UN voting model: the derived position tables, the model's nesting of persistence, the
simulation's channel, the training-years-only fit, and the contested votes."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.record.contested import Contested, ContestedModel
from sim.record.observation import load_record
from sim.record.voting import ERROR_WINDOW, MIN_ERRORS, VotingModel, implied_position, load_positions

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "calibration"))  # the offline builders
from unga_positions import contested_table, first_dimension, pairwise_agreement  # noqa: E402

TRAIN = (1992, 2009)


@pytest.fixture(scope="module")
def record():
    return load_record(years=np.arange(1992, 2024))


@pytest.fixture(scope="module")
def positions(record):
    return load_positions(record)


def flat_latent(record, replicates=3, value=0.2):
    """A latent alignment that never moves: the simulation then implies no change of position."""
    latent = np.full((replicates, len(record.partners), len(record.years)), value)
    latent[:, [record.partners.index(p) for p in ("IND", "JPN", "DEU")], :] = np.nan
    return latent


# --- the derived tables ----------------------------------------------------------------------------

votes_matrix = st.lists(st.lists(st.sampled_from([0.0, 0.5, 1.0, np.nan]), min_size=6, max_size=6),
                        min_size=2, max_size=6)


@settings(max_examples=60, deadline=None)
@given(votes_matrix)
def test_pairwise_agreement_is_voetens_index(rows):
    """The matrix form equals the mean of 1 - |a - b| over the roll calls both voted on, pair by pair."""
    matrix = np.array(rows)
    agreement, shared = pairwise_agreement(matrix)
    for i in range(len(rows)):
        for j in range(len(rows)):
            both = ~np.isnan(matrix[i]) & ~np.isnan(matrix[j])
            assert shared[i, j] == both.sum()
            if both.any():
                assert agreement[i, j] == pytest.approx(np.mean(1 - np.abs(matrix[i, both] - matrix[j, both])))


def test_first_dimension_recovers_a_line():
    """States placed on a line, agreeing in proportion to closeness, come back in their order."""
    place = np.array([-2.0, -1.0, 0.0, 0.5, 3.0])
    agreement = 1 - np.abs(place[:, None] - place[None, :]) / 10
    found = first_dimension(agreement)
    assert abs(np.corrcoef(found, place)[0, 1]) > 0.999
    assert found.mean() == pytest.approx(0) and found.std() == pytest.approx(1)


def test_committed_positions_are_signed_and_cover_the_record(positions, record):
    """The United States is positive in every year; Tajikistan has a position wherever it has agreement."""
    usa = positions.partner[record.partners.index("USA")]
    assert (usa[~np.isnan(usa)] > 0).all()
    voted = ~np.isnan(record.values).all(axis=0)
    assert not np.isnan(positions.tajik[voted]).any()
    # the agenda line explains most of the pairwise agreement in every year
    agenda = pd.read_csv(Path(__file__).parents[1] / "calibration" / "record" / "unga_agenda.csv")
    assert (agenda["beta"] < 0).all() and (agenda["r2"] > 0.7).all()


def test_contested_votes_count_absence_as_a_hedge():
    rollcalls = pd.DataFrame({"rcid": [1, 2, 3, 4, 5], "date": ["2014-03-27"] * 3 + ["2014-12-01", "2001-05-01"],
                              "unres": ["R/68/262", "x", "y", "z", "w"],
                              "issues": ["", "hr", "hr", "me", "hr"],
                              "short": ["Mediation", "Human rights in Iran", "Advancement", "Golan", "Crimea"]})
    votes = pd.DataFrame([(1, "RU", "no"), (2, "RU", "no"), (2, "TJ", "abstain"), (3, "RU", "yes"),
                          (3, "TJ", "no"), (4, "RU", "no"), (4, "TJ", "no"), (5, "RU", "no"), (5, "US", "yes")],
                         columns=["rcid", "country_code", "vote"])
    table = contested_table(votes, rollcalls)
    # 2014: 68/262 (absent) and the Iran resolution Russia opposed (abstained); not rcid 3 (Russia for it)
    # nor the Golan; 2001, when Tajikistan cast no vote at all, has no row
    assert table["year"].tolist() == [2014]
    row = table.iloc[0]
    assert (row["n"], row["with_russia"], row["absent"], row["abstain"], row["score"]) == (2, 0.0, 0.5, 0.5, 0.5)


# --- the model ---------------------------------------------------------------------------------------

def test_forecast_nests_persistence(record, positions):
    """With both rates at 1 and no gain, the forecast is the last observed agreement, partner by partner."""
    model = VotingModel(record, positions, implied_position(flat_latent(record), positions, TRAIN), TRAIN,
                        1.0, 1.0, 0.0, {})
    for origin in (2005, 2012):
        for year in (origin + 1, origin + 3):
            expected = record.persistence(before=origin + 1)
            assert np.allclose(model.forecast(origin, year).mean, expected, equal_nan=True)


@pytest.mark.parametrize("smooth", [0.3, 0.7])
def test_forecast_starts_from_the_smoothed_level(record, positions, smooth):
    """With the rates at 1 and no gain, the forecast is each partner's agreement exponentially smoothed over its
    observed years up to the origin (skipping unobserved years, such as 2001), at every horizon."""
    model = VotingModel(record, positions, implied_position(flat_latent(record), positions, TRAIN), TRAIN,
                        1.0, 1.0, 0.0, {}, smooth)
    table = pd.DataFrame(record.values.T, index=record.years)
    for origin in (2003, 2012):
        upto = table.loc[:origin].ewm(alpha=smooth, adjust=False, ignore_na=True).mean().iloc[-1]
        upto[table.loc[:origin].isna().all()] = np.nan
        for year in (origin + 1, origin + 3):
            assert np.allclose(model.forecast(origin, year).mean, upto.to_numpy(), equal_nan=True)
    persistence = replace(model, smooth=1.0).forecast(2012, 2013).mean
    assert not np.allclose(model.forecast(2012, 2013).mean, persistence, equal_nan=True)


def test_fit_smooths_and_never_does_worse_than_persistence_in_training(record, positions):
    """The fit nests persistence, so its training error cannot exceed persistence's; on the record (year-to-year
    changes that partly undo the year before) it chooses a level that remembers earlier years."""
    latent = flat_latent(record)
    fitted = VotingModel.fit(record, positions, latent, TRAIN)
    origins = list(range(TRAIN[0] + 2, TRAIN[1]))
    loss = lambda m: np.abs(m.training_errors(origins, horizon=1)).mean()  # noqa: E731
    persistence = replace(fitted, smooth=1.0, rho_pair=1.0, rho_agenda=1.0, gain=0.0)
    assert loss(fitted) <= loss(persistence)
    assert fitted.smooth < 1.0 and (fitted.rho_pair, fitted.rho_agenda) == (1.0, 1.0)


def test_simulated_turn_towards_a_partner_raises_forecast_agreement_with_it(record, positions):
    """If the simulation turns Tajikistan's regard to the United States, its forecast position moves along the
    Assembly's dimension towards the American end: agreement with the United States rises, with Iran falls."""
    latent = flat_latent(record)
    usa, iran = record.partners.index("USA"), record.partners.index("IRN")
    later = record.years > 2012
    latent[:, usa, later] = 0.9
    latent[:, iran, later] = 0.0
    implied = implied_position(latent, positions, TRAIN)
    for still in (VotingModel(record, positions, implied, TRAIN, 0.6, 0.5, 0.0, {}),
                  VotingModel(record, positions, implied, TRAIN, 1.0, 1.0, 0.0, {}, 0.7)):
        moved = replace(still, gain=2.0)
        assert moved.forecast(2012, 2014).mean[usa] > still.forecast(2012, 2014).mean[usa]
        assert moved.forecast(2012, 2014).mean[iran] < still.forecast(2012, 2014).mean[iran]
        assert np.array_equal(moved.forecast(2009, 2012).mean, still.forecast(2009, 2012).mean), "no change, no move"


def test_fit_sees_only_training_years(record, positions):
    """Changing every test-year record leaves the fitted smoothing, rates, gain and training errors as they were."""
    latent = flat_latent(record)
    fitted = VotingModel.fit(record, positions, latent, TRAIN)
    values = record.values.copy()
    values[:, record.years > TRAIN[1]] = 0.5
    other = VotingModel.fit(replace(record, values=values), positions, latent, TRAIN)
    assert (fitted.smooth, fitted.rho_pair, fitted.rho_agenda, fitted.gain) == \
        (other.smooth, other.rho_pair, other.rho_agenda, other.gain)
    assert np.array_equal(fitted.forecast(2009, 2010).mean, other.forecast(2009, 2010).mean)
    assert all(np.array_equal(fitted.errors[h], other.errors[h]) for h in fitted.errors)
    with_gain_grid = VotingModel.fit(record, positions, latent, TRAIN, with_simulation=False)
    assert with_gain_grid.gain == 0.0


def test_intervals_widen_with_the_horizon(record, positions):
    model = VotingModel.fit(record, positions, flat_latent(record), TRAIN)
    one, three = model.forecast(2012, 2013), model.forecast(2012, 2015)
    width = lambda f: np.nanmean(np.nanquantile(f.samples, 0.95, axis=1) - np.nanquantile(f.samples, 0.05, axis=1))  # noqa: E731
    assert 0 < width(one) < width(three) < 0.5


def test_intervals_use_only_errors_observable_at_the_origin_and_recent(record, positions):
    """An origin's errors come from the decade before it and never from a year after it."""
    latent = flat_latent(record)
    model = VotingModel.fit(record, positions, latent, TRAIN)
    values = record.values.copy()
    values[:, record.years > 2012] = 0.5
    blind = VotingModel.fit(replace(record, values=values), positions, latent, TRAIN)
    assert np.array_equal(model.errors_before(2012, 1), blind.errors_before(2012, 1))
    expected = []
    for origin in range(2012 - ERROR_WINDOW, 2012):  # one-year forecasts of 2003..2012, made 2002..2011
        observed = record.values[:, record.column(origin + 1)]
        predicted = model.forecast(origin, origin + 1).mean
        keep = ~np.isnan(observed) & ~np.isnan(predicted)
        expected.append(observed[keep] - predicted[keep])
    assert np.allclose(model.errors_before(2012, 1), np.concatenate(expected))
    assert model.errors_before(2012, 1).size >= MIN_ERRORS


def test_contested_model_nests_persistence_and_follows_regard():
    years = np.arange(2000, 2012)
    score = np.linspace(0.2, 0.8, len(years))
    score[3] = np.nan
    data = Contested(years, score, np.ones(len(years), dtype=int))
    regard = np.zeros((2, len(years)))
    regard[:, years >= 2010] = 0.5
    still = ContestedModel(data, regard, (2000, 2008), 1.0, 0.0)
    assert still.forecast(2008, 2010) == pytest.approx(score[years == 2008][0])
    assert (replace(still, gain=0.5).forecast(2008, 2010) > still.forecast(2008, 2010)).all()
    assert still.forecast(2003, 2004) == pytest.approx(score[2])  # 2003 unobserved: the last before it


def test_builder_reproduces_the_committed_position_tables(tmp_path):
    """``calibration/build_unga.py`` writes the three tables of the voting model exactly as committed."""
    import subprocess

    repo = Path(__file__).resolve().parents[1]
    data = repo.parent / "shared" / "data" / "unga"
    if not data.is_dir():
        pytest.skip(f"shared UNGA data not present at {data}")
    run = subprocess.run([sys.executable, str(repo / "calibration" / "build_unga.py"), "--src", str(data),
                          "--out", str(tmp_path / "unga_agreement.csv")], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    for name in ("unga_agreement.csv", "unga_ideal_points.csv", "unga_agenda.csv", "unga_contested.csv"):
        assert (tmp_path / name).read_bytes() == (repo / "calibration" / "record" / name).read_bytes(), name
