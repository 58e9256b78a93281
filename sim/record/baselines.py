"""Baselines for event recall and precision: what events with no sense of timing would score.

A recall of 0.3 means little on its own: a run that produces many events between the right
actors reproduces record events by sheer number. Two baselines put each period's recall and
precision beside what the run's own events would score without the model's timing. Both are
drawn per replicate from that replicate's endogenous events (scheduled inputs are left out, as
in the scores), scored exactly as the model's events are (:meth:`Targets.counts`), and averaged
over :data:`DRAWS` draws:

* **random timing** (``random``): the replicate's own events, each keeping its actor, target and
  type, moved to a month drawn uniformly from the months of its period; the count per key and
  period is the model's. The model beats it when its events fall at the right time within a
  period, not merely between the right actors, of the right type, in the right number.
* **base rate** (``base_rate``): for each key (type, actor, target) the replicate produced in
  the training years :data:`TRAIN_YEARS` (the calibration's, ``tajsim calibrate --train``), its
  rate per month there: the key's events in those years over the run's months in those years.
  Every month of every period then holds an event of that key with that probability
  (Bernoulli; a rate above one a month, which would take more than one event a month on
  average, is counted as one). Keys the replicate never produced in those years get no events.
  The model beats it when what it adds to a constant frequency per dyad - its timing, and how
  the frequencies change from period to period - matches the record. In the periods inside the
  training years the rates are fitted on the very events they stand beside (in-sample): there
  the base rate knows the model's own frequencies. A run with no month in the training years
  has no base rate, and its table no base-rate rows.

Replicate k's draws come from ``SeedSequence(seed, spawn_key=(STREAM, k))`` and its events are
put in a fixed order first (month, then key), so the baselines of a replicate are the same
whether it ran alone, in one model with others, or in any batch of a streamed run.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.record.matching import Targets, key_ids

#: Draws each baseline averages over, per replicate.
DRAWS = 20
#: The calibration's training years (the default of ``tajsim calibrate --train``): the years
#: whose monthly frequencies the base rate draws at.
TRAIN_YEARS = (1992, 2009)
#: The spawn key that marks the baselines' random streams: above any replicate number, and
#: other than the experiments' streams.
STREAM = 2**41
#: The baselines, in the order their rows appear.
NAMES = ("random", "base_rate")

COLUMNS = ["baseline", "period", "replicate", "recall", "record", "precision", "with_events", "events", "draws"]


def baseline_scores(events: pd.DataFrame, targets: Targets, replicates: int, first: int, seed: int,
                    draws: int = DRAWS) -> pd.DataFrame:
    """Both baselines' scores for one batch of replicates, per period (and ``all``) and replicate.

    ``events`` has columns replicate (numbered from 0 in the batch), month, actor, target, type,
    rule; ``first`` is the run's number of the batch's replicate 0. Returns :data:`COLUMNS`:
    per baseline, period and replicate (numbered as in the run), ``recall`` the mean over draws
    of the share of ``record`` record events reproduced; ``precision`` the sum over draws of the
    share of the draw's events the record bears out, over the ``with_events`` draws that have
    any; ``events`` the events of all ``draws`` draws. Ratios of sums over replicates of these
    give the ensemble's figures (:func:`baseline_metrics`).
    """
    endogenous = events[~events["rule"].str.startswith("scheduled")]
    ids, keys = key_ids(endogenous)
    month = endogenous["month"].to_numpy(dtype=np.int64)
    replicate = endogenous["replicate"].to_numpy(dtype=np.int64)
    order = np.lexsort((ids, month, replicate))
    ids, month, replicate = ids[order], month[order], replicate[order]
    code = targets.codes(keys)
    calendar = _Calendar(targets, TRAIN_YEARS)
    period = targets.period_of(month)
    ends = np.searchsorted(replicate, np.arange(replicates + 1))
    drawn: dict[str, list[tuple[np.ndarray, np.ndarray, np.ndarray]]] = {name: [] for name in NAMES}
    for r in range(replicates):
        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(STREAM, first + r)))
        own = slice(ends[r], ends[r + 1])
        moved = calendar.random_months(period[own], draws, rng)
        drawn["random"].append((np.tile(code[ids[own]], draws), moved.reshape(-1),
                                r * draws + np.repeat(np.arange(draws), len(moved[0]))))
        if calendar.trained:
            key, at, draw = calendar.base_rate(ids[own], month[own], draws, rng)
            drawn["base_rate"].append((code[key], at, r * draws + draw))
    frames = [_rows(name, targets, drawn[name], replicates, first, draws) for name in NAMES if drawn[name]]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COLUMNS)


class _Calendar:
    """The months of a run's periods, and of its training years, as the draws need them."""

    def __init__(self, targets: Targets, train: tuple[int, int]):
        spans = [[np.arange(p.start, p.end + 1) for p in targets.periods if p.name == name] for name in targets.names]
        self.months = np.concatenate([np.concatenate(s) for s in spans])     # every month, period by period
        self.size = np.array([sum(len(a) for a in s) for s in spans])
        self.offset = np.cumsum(self.size) - self.size
        self.run = np.sort(self.months)
        self.train = train[0] * 12, train[1] * 12 + 11
        self.training = int(((self.run >= self.train[0]) & (self.run <= self.train[1])).sum())
        self.trained = self.training > 0

    def random_months(self, period: np.ndarray, draws: int, rng: np.random.Generator) -> np.ndarray:
        """``[draw, event]``: each event (given by the number of its period) moved to a month drawn
        uniformly from its period's months."""
        pick = (rng.random((draws, len(period))) * self.size[period]).astype(np.int64)
        return self.months[self.offset[period] + pick]

    def base_rate(self, ids: np.ndarray, month: np.ndarray, draws: int,
                  rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Key, month and draw of each event drawn at the monthly rates of one replicate's keys
        in the training years (``ids`` and ``month``: the replicate's events)."""
        inside = (month >= self.train[0]) & (month <= self.train[1])
        count = np.bincount(ids[inside])
        key = np.flatnonzero(count)
        count = count[key]
        if not len(key):
            return key, key, key
        rate = np.minimum(count / self.training, 1.0)
        row, at = bernoulli_successes(np.tile(rate, draws), len(self.run), rng)
        return key[row % len(key)], self.run[at], row // len(key)


def bernoulli_successes(rate: np.ndarray, trials: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Which of ``trials`` independent trials succeed, for each row's chance of success
    ``rate[row]`` (above 0): the row and trial (from 0) of every success.

    Drawn as the gaps between successes, which are geometric: the same process as one uniform
    draw per trial, at a cost that grows with the successes rather than with the trials (the base
    rates are mostly far below one a month). Each row draws a few more gaps than it should need;
    a row whose gaps end before the last trial draws on from where they stopped.
    """
    rows, successes = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)]
    row = np.arange(len(rate))
    reached = np.zeros(len(rate), dtype=np.int64)     # the trial (from 1) of each row's last success so far
    while len(row):
        p = rate[row]
        expected = (trials - reached[row]) * p
        length = np.ceil(expected + 3 * np.sqrt(expected) + 2).astype(np.int64)
        which = np.repeat(np.arange(len(row)), length)
        # trials up to and including the next success, geometric: 1 + floor(log U / log(1 - p)) for U
        # uniform on (0, 1] (numpy's own geometric sampler is four times slower on arrays of p)
        with np.errstate(divide="ignore"):    # p = 1: log(1 - p) = -inf, and every gap is 1
            gap = 1 + np.minimum(np.log(1.0 - rng.random(len(which))) / np.log1p(-p)[which], trials).astype(np.int64)
        total = np.cumsum(gap)
        start = np.cumsum(length) - length
        at = total - (total[start] - gap[start])[which] + reached[row][which]
        rows.append(row[which[at <= trials]])
        successes.append(at[at <= trials] - 1)
        last = at[start + length - 1]
        short = last <= trials
        reached[row[short]] = last[short]
        row = row[short]
    return np.concatenate(rows), np.concatenate(successes)


def _rows(name: str, targets: Targets, drawn: list[tuple[np.ndarray, np.ndarray, np.ndarray]], replicates: int,
          first: int, draws: int) -> pd.DataFrame:
    """Score one baseline's draws of a batch, each draw as a replicate of its own, and fold the
    draws into per-replicate rows (:data:`COLUMNS`), period by period and over all periods."""
    code, month, virtual = (np.concatenate([d[k] for d in drawn]) for k in range(3))
    counts = targets.counts(code, month, virtual, replicates * draws).reshape(len(targets.names), replicates, draws, 4)
    counts = np.concatenate([counts, counts.sum(axis=0, keepdims=True)])    # the periods, then all of them
    hits, record, borne, events = (np.ascontiguousarray(counts[..., k]) for k in range(4))
    with np.errstate(invalid="ignore", divide="ignore"):
        recall = hits.sum(axis=-1) / (record[..., 0] * draws)
        precision = np.where(events > 0, borne / np.maximum(events, 1), 0.0).sum(axis=-1)
    periods = len(targets.names) + 1
    return pd.DataFrame({
        "baseline": name,
        "period": np.repeat(np.array([*targets.names, "all"], dtype=object), replicates),
        "replicate": np.tile(np.arange(first, first + replicates), periods),
        "recall": recall.reshape(-1),
        "record": record[..., 0].reshape(-1),
        "precision": precision.reshape(-1),
        "with_events": (events > 0).sum(axis=-1).reshape(-1),
        "events": events.sum(axis=-1).reshape(-1),
        "draws": draws,
    })


def baseline_metrics(rows: pd.DataFrame, period: str, window: int) -> list[tuple[str, str, float, str]]:
    """The comparison rows of one period (or ``all``) from :func:`baseline_scores`' rows of every
    batch: per baseline, recall where the period has record events and precision where the
    baseline drew events, each the mean over replicates and draws."""
    out = []
    for name in NAMES:
        own = rows[(rows["baseline"] == name) & (rows["period"] == period)]
        if own.empty:
            continue
        draws, record = int(own["draws"].iloc[0]), int(own["record"].iloc[0])
        if record:
            out.append((period, f"event_recall_{name}", float(own["recall"].mean()),
                        f"mean share of {record} record events reproduced within +/-{window} months by "
                        f"{DESCRIPTIONS[name]} (mean of {draws} draws)"))
        if own["with_events"].sum():
            per_draw = own["events"].sum() / (draws * len(own))
            out.append((period, f"event_precision_{name}", float(own["precision"].sum() / own["with_events"].sum()),
                        f"mean share of {per_draw:.1f} {DESCRIPTIONS[name]} that the record bears out "
                        f"(mean of {draws} draws)"))
    return out


#: What each baseline's events are, as its rows' ``detail`` says.
DESCRIPTIONS = {
    "random": "simulated events moved to random months of their period",
    "base_rate": (f"events drawn each month at each event key's (type, actor, target, lever squeezed) monthly rate in the run's "
                  f"{TRAIN_YEARS[0]}-{TRAIN_YEARS[1]}"),
}

__all__ = ["DRAWS", "NAMES", "STREAM", "TRAIN_YEARS", "baseline_metrics", "baseline_scores", "bernoulli_successes"]
