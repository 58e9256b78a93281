"""The baselines of the event scores: random timing sets a bar that well-timed events clear,
the base rate draws at the training years' frequency, every baseline is a share, and a
replicate's baselines do not depend on how the replicates are batched."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

import sim
from sim.cli.main import build_parser
from sim.months import parse_month
from sim.record.baselines import DRAWS, TRAIN_YEARS, baseline_scores, bernoulli_successes
from sim.record.compare import Period, comparison_table, event_scores
from sim.record.items import RecordEvent
from sim.record.matching import Targets

ROOT = Path(__file__).resolve().parents[1]
POST_WAR = ROOT / "scenarios" / "1997-1999_post_war.yaml"
ACTORS = {"RUS", "TJK", "UZB", "CHN"}
NO_FACTS = pd.DataFrame(columns=["period", "fact", "passed", "window", "statement"])
#: Two years in training, then ten years after it.
P = [Period("early", parse_month("1998-01"), parse_month("1999-12")),
     Period("later", parse_month("2010-01"), parse_month("2019-12"))]


def rec(id, date, actor, target, type):
    return RecordEvent(id=id, date=date, precision="month", actor=actor, target=target, type=type,
                       summary="s", source="public: test")


def frame(rows) -> pd.DataFrame:
    """Simulated events: (replicate, month number, actor, target, type)."""
    return pd.DataFrame(rows, columns=["replicate", "month", "actor", "target", "type"]).assign(rule="R1")


def table(events, record, periods, replicates, window, seed=0) -> pd.DataFrame:
    """The comparison table of events against a record, baselines included, indexed by period and metric."""
    targets = Targets.of(record, periods, ACTORS, set(), window)
    scores = event_scores(events, record, periods, replicates, ACTORS, set(), window)
    baselines = baseline_scores(events, targets, replicates, 0, seed)
    return comparison_table(scores, NO_FACTS, periods, window, baselines).set_index(["period", "metric"])["value"]


def test_events_timed_as_the_record_beat_the_same_events_at_random_months():
    # four record events in the 120 months of "later", and in each of 50 replicates the run's
    # events exactly at their months: the model scores 1, the same events at random months
    # reproduce a record event with chance (2 * window + 1) / 120.
    dates = ["2011-03", "2013-08", "2016-01", "2018-11"]
    record = tuple(rec(f"E{n:03d}", d, "RUS", "TJK", "aid") for n, d in enumerate(dates, 1))
    replicates, window = 50, 1
    events = frame([(r, parse_month(d), "RUS", "TJK", "aid") for r in range(replicates) for d in dates])
    scores = table(events, record, P[1:], replicates, window)
    assert scores[("later", "event_recall")] == 1.0 and scores[("later", "event_precision")] == 1.0
    chance = 1 - (1 - (2 * window + 1) / 120) ** len(dates)   # some one of the four events lands near
    assert abs(scores[("later", "event_recall_random")] - chance) < 0.03
    assert abs(scores[("later", "event_precision_random")] - (2 * window + 1) * len(dates) / 120) < 0.03
    assert scores[("later", "event_recall_random")] < scores[("later", "event_recall")]


def test_the_base_rate_draws_each_key_at_its_training_frequency():
    # RUS->TJK aid every fourth month of 1998-1999 (a rate of 0.25 a month in the run's
    # training months); UZB->TJK pressure only after the training years: it draws nothing.
    assert TRAIN_YEARS[0] <= 1998 and TRAIN_YEARS[1] >= 1999
    replicates = 5
    training = [m for m in range(P[0].start, P[0].end + 1) if (m - P[0].start) % 4 == 0]
    events = frame([(r, m, "RUS", "TJK", "aid") for r in range(replicates) for m in training]
                   + [(r, parse_month("2015-05"), "UZB", "TJK", "pressure") for r in range(replicates)])
    record = (rec("E001", "2012-06", "RUS", "TJK", "aid"),)
    targets = Targets.of(record, P, ACTORS, set(), 0)
    rows = baseline_scores(events, targets, replicates, 0, seed=3)
    base = rows[rows["baseline"] == "base_rate"].set_index("period")
    per_draw = base["events"].groupby(level=0).sum() / (replicates * DRAWS)
    assert abs(per_draw["later"] - 0.25 * 120) < 1.5      # sd of the mean over 100 draws: 0.47
    assert abs(per_draw["early"] - 0.25 * 24) < 0.6       # 24 months in training: sd 0.21
    random = rows[rows["baseline"] == "random"].set_index("period")
    assert (random.loc["later", "events"] == DRAWS).all()  # the one pressure event, at random months of "later"


def test_bernoulli_successes_are_one_trial_at_a_time_at_the_given_rate():
    rate = np.array([1.0, 0.5, 0.01, 0.3] * 2000)   # rows of each rate: 2000
    row, trial = bernoulli_successes(rate, 120, np.random.default_rng(5))
    assert len(np.unique(row * 120 + trial)) == len(row) and trial.min() >= 0 and trial.max() < 120
    per_row = np.bincount(row, minlength=len(rate)).reshape(-1, 4)
    assert (per_row[:, 0] == 120).all()                                   # certain: every trial
    np.testing.assert_allclose(per_row[:, 1:].mean(axis=0), [60, 1.2, 36], rtol=0.03)
    by_trial = np.bincount(trial[row % 4 == 3], minlength=120) / 2000       # as likely early as late
    assert abs(by_trial[:60].mean() - 0.3) < 0.01 and abs(by_trial[60:].mean() - 0.3) < 0.01


def test_a_run_with_no_training_month_has_no_base_rate():
    later = [Period("later", parse_month("2012-01"), parse_month("2013-12"))]
    events = frame([(0, parse_month("2012-05"), "RUS", "TJK", "aid")])
    scores = table(events, (rec("E001", "2012-06", "RUS", "TJK", "aid"),), later, 1, 2)
    metrics = set(scores.index.get_level_values("metric"))
    assert "event_recall_random" in metrics and not any(m.endswith("_base_rate") for m in metrics)


KEYS = [("RUS", "TJK", "aid"), ("TJK", "RUS", "treaty"), ("UZB", "TJK", "pressure"), ("CHN", "TJK", "visit")]


@settings(max_examples=25)
@given(events=st.lists(st.tuples(st.integers(0, 2), st.integers(P[0].start, P[0].end),
                                 st.sampled_from(KEYS)), max_size=30),
       record=st.lists(st.tuples(st.sampled_from([m for p in P for m in range(p.start, p.end + 1)]),
                                 st.sampled_from(KEYS)), min_size=1, max_size=6),
       window=st.integers(0, 12), seed=st.integers(0, 2**32))
def test_every_baseline_is_a_share(events, record, window, seed):
    simulated = frame([(r, m, *key) for r, m, key in events])
    dated = tuple(rec(f"E{n:03d}", f"{m // 12}-{m % 12 + 1:02d}", *key) for n, (m, key) in enumerate(record, 1))
    scores = table(simulated, dated, P, 3, window, seed)
    baselines = scores[[m.endswith(("_random", "_base_rate")) for m in scores.index.get_level_values("metric")]]
    assert ((baselines >= 0) & (baselines <= 1)).all(), baselines


def test_a_replicates_baselines_do_not_depend_on_its_batch():
    rng = np.random.default_rng(0)
    events = frame([(r, int(rng.integers(P[0].start, P[1].end + 1)), *KEYS[rng.integers(len(KEYS))])
                    for r in range(4) for _ in range(25)])
    events = events[(events["month"] <= P[0].end) | (events["month"] >= P[1].start)]
    targets = Targets.of((rec("E001", "1999-02", "RUS", "TJK", "aid"), rec("E002", "2014-07", "UZB", "TJK", "pressure")),
                         P, ACTORS, set(), 6)
    together = baseline_scores(events, targets, 4, 0, seed=9)
    halves = [baseline_scores(events[events["replicate"].isin(pair)].assign(replicate=lambda d: d["replicate"] - pair[0]),
                              targets, 2, pair[0], seed=9) for pair in ((0, 1), (2, 3))]
    key = ["baseline", "period", "replicate"]
    pd.testing.assert_frame_equal(together.sort_values(key, ignore_index=True),
                                  pd.concat(halves).sort_values(key, ignore_index=True))


def test_a_streamed_run_in_two_batches_has_the_baselines_of_one(tmp_path):
    one = sim.run(POST_WAR, seed=4, replicates=2, out=tmp_path / "one", batch=2).comparison
    two = sim.run(POST_WAR, seed=4, replicates=2, out=tmp_path / "two", batch=1).comparison
    assert one["metric"].str.endswith("_random").any() and one["metric"].str.endswith("_base_rate").any()
    pd.testing.assert_frame_equal(one, two)
    assert (tmp_path / "one" / "comparison.csv").read_bytes() == (tmp_path / "two" / "comparison.csv").read_bytes()


def test_the_training_years_are_the_calibrations():
    assert build_parser().parse_args(["calibrate"]).train == f"{TRAIN_YEARS[0]}-{TRAIN_YEARS[1]}"
