"""Comparing runs with the record: event recall and precision, and stylized facts.

Pattern-oriented validation (Grimm et al. 2005): a run is judged by several patterns at once,
each a plain statement from the texts turned into a check, and by how many of the dated
events of the record it reproduces within a stated window (and how many of its own events
the record bears out). Scheduled exogenous events are inputs: they are left out of both
scores, and record events that a scenario imposes are not counted as reproduced.
Every score is per replicate; an ensemble reports the mean over replicates. Beside each event
score the table sets the same score of two baselines that know the run's events but not their
timing (:mod:`sim.record.baselines`); the matching itself is :mod:`sim.record.matching`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from sim.months import format_month, parse_month
from sim.record.baselines import baseline_metrics
from sim.record.items import RecordEvent, StylizedFact
from sim.record.matching import DEFAULT_WINDOW, Period, Targets, key_ids
from sim.vocabulary import PERIODS, STATES, SYMMETRIC_EVENT_TYPES

Series = Callable[[str, str, str], np.ndarray]
"""``series(variable, actor, target)`` -> array ``[replicate, month]`` over the run's months."""


def event_scores(events: pd.DataFrame, record: tuple[RecordEvent, ...], periods: list[Period], replicates: int,
                 actors: set[str], inputs: set[str], window: int = DEFAULT_WINDOW) -> pd.DataFrame:
    """Recall and precision of simulated events against the record, per period and replicate.

    ``events`` has columns replicate (numbered from 0), month (number), actor, target, type,
    rule. A record event is reproduced in a replicate when that replicate has an endogenous
    event of the same type between the same actors (either way round for treaties and
    conflicts), for pressure squeezing the same lever, within ``window`` months of the record's
    dating (:mod:`sim.record.matching`). Returns rows: period,
    replicate, recall_hits, recall_n, precision_hits, precision_n.
    """
    targets = Targets.of(record, periods, actors, inputs, window)
    return score_rows(targets.counts(*_arrays(events, targets), replicates), targets.names)


def event_tally(events: pd.DataFrame, targets: Targets, replicates: int) -> tuple[pd.DataFrame, np.ndarray]:
    """:func:`event_scores`' rows for the record events of ``targets``, and for each of them (in the order
    of its ``ids``) in how many of the ``replicates`` of ``events`` it is reproduced: one matching for both."""
    counts, reproduced = targets.score(*_arrays(events, targets), replicates)
    return score_rows(counts, targets.names), reproduced


def _arrays(events: pd.DataFrame, targets: Targets) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The endogenous events' record keys (:meth:`Targets.codes`), months and replicates."""
    endogenous = events[~events["rule"].str.startswith("scheduled")]
    ids, keys = key_ids(endogenous)
    return (targets.codes(keys)[ids], endogenous["month"].to_numpy(dtype=np.int64),
            endogenous["replicate"].to_numpy(dtype=np.int64))


def score_rows(counts: np.ndarray, names: tuple[str, ...]) -> pd.DataFrame:
    """The rows of :func:`event_scores` from :meth:`Targets.counts`."""
    replicates = counts.shape[1]
    return pd.DataFrame({
        "period": np.repeat(np.array(names, dtype=object), replicates),
        "replicate": np.tile(np.arange(replicates), len(names)),
        **{name: counts[:, :, k].reshape(-1) for k, name in enumerate(("recall_hits", "recall_n", "precision_hits",
                                                                       "precision_n"))},
    })


def _mean(series: np.ndarray, months: np.ndarray, low: int, high: int) -> np.ndarray:
    inside = (months >= low) & (months <= high)
    return series[:, inside].mean(axis=1)


def check_fact(fact: StylizedFact, low: int, high: int, months: np.ndarray, series: Series,
               events: pd.DataFrame, replicates: int, states: list[str]) -> np.ndarray:
    """Whether each replicate shows the fact over months ``low..high``."""
    c = fact.check
    if c.kind == "closest_partner":
        others = [s for s in states if s != c.actor]
        means = np.stack([_mean(series("alignment", c.actor, s), months, low, high) for s in others], axis=1)
        return np.array(others)[means.argmax(axis=1)] == c.partner
    if c.kind == "event_count_at_least":
        assert c.target is not None and c.type is not None and c.count is not None  # the check's validator says so
        endogenous = events[~events["rule"].str.startswith("scheduled")]
        actor, target = endogenous["actor"], endogenous["target"]
        pair = (actor == c.actor) & (target == c.target)
        if c.type in SYMMETRIC_EVENT_TYPES:
            pair |= (actor == c.target) & (target == c.actor)
        month = endogenous["month"].to_numpy()
        mask = (pair & (endogenous["type"] == c.type)).to_numpy(dtype=bool) & (month >= low) & (month <= high)
        counts = np.bincount(endogenous["replicate"].to_numpy()[mask], minlength=replicates)[:replicates]
        return counts >= c.count
    assert c.variable is not None and c.target is not None  # every other kind names them (Check._complete)
    values = series(c.variable, c.actor, c.target)
    if c.kind in ("mean_above", "mean_below"):
        mean = _mean(values, months, low, high)
        assert c.threshold is not None
        return mean > c.threshold if c.kind == "mean_above" else mean < c.threshold
    if c.kind == "ranks_above":
        assert c.other is not None
        return _mean(values, months, low, high) > _mean(series(c.variable, c.actor, c.other), months, low, high)
    assert c.min_change is not None
    if c.since is not None:
        before_low, before_high = (parse_month(m) for m in c.since)
        change = _mean(values, months, low, high) - _mean(values, months, before_low, before_high)
    else:
        span = min(12, max(1, (high - low + 1) // 2))
        change = _mean(values, months, high - span + 1, high) - _mean(values, months, low, low + span - 1)
    return change >= c.min_change if c.kind == "rises" else change <= -c.min_change


def fact_scores(facts: tuple[StylizedFact, ...], periods: list[Period], months: np.ndarray, series: Series,
                events: pd.DataFrame, replicates: int, actors: set[str], *, counts: bool = False) -> pd.DataFrame:
    """Each fact in each of its periods the run covers: the share of replicates that show it
    (with ``counts``, how many do: counts of batches of replicates add up)."""
    states = [code for code in STATES if code in actors]
    covered = {p.name: p for p in periods}
    rows = []
    for fact in facts:
        c = fact.check
        named = {c.actor, c.partner, c.target, c.other} - {None}
        if not named <= actors:
            continue
        for name in fact.periods:
            if name not in covered:
                continue
            period = covered[name]
            low, high = (parse_month(m) for m in fact.window) if fact.window else (period.start, period.end)
            low, high = max(low, months[0]), min(high, months[-1])
            if high < low or (c.since is not None and parse_month(c.since[0]) < months[0]):
                continue  # the run does not cover the window, or the earlier window a change is read from
            passed = check_fact(fact, low, high, months, series, events, replicates, states)
            share = int(passed.sum()) if counts else float(passed.mean())
            rows.append((name, fact.id, share, f"{format_month(low)}..{format_month(high)}",
                         fact.statement))
    return pd.DataFrame(rows, columns=["period", "fact", "passed", "window", "statement"])


def comparison_table(event_rows: pd.DataFrame, fact_rows: pd.DataFrame, periods: list[Period],
                     window: int = DEFAULT_WINDOW, baselines: pd.DataFrame | None = None,
                     reproduced: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per period and metric: the table written to ``comparison.csv``.

    Per period, then over all of them: event recall and precision, the same scores of the
    baselines (``baselines``: :func:`~sim.record.baselines.baseline_scores`' rows, if given),
    the share of stylized facts passed, and each fact; then, per period, each record event with
    the share of replicates that reproduce it (``reproduced``: rows period, id, share, detail, if
    given), so that a reader sees which of the period's history the run gives and which it misses.
    """
    out = []
    for name in [p.name for p in periods] + ["all"]:
        ev = event_rows if name == "all" else event_rows[event_rows["period"] == name]
        per_rep = ev.groupby("replicate")[["recall_hits", "recall_n", "precision_hits", "precision_n"]].sum()
        n_record = int(per_rep["recall_n"].iloc[0]) if len(per_rep) else 0
        if n_record:
            recall = (per_rep["recall_hits"] / per_rep["recall_n"]).mean()
            out.append((name, "event_recall", recall,
                        f"mean share of {n_record} record events reproduced within +/-{window} months"))
        n_sim = per_rep["precision_n"].mean() if len(per_rep) else 0.0
        if n_sim:
            precision = (per_rep["precision_hits"] / per_rep["precision_n"].replace(0, np.nan)).mean()
            out.append((name, "event_precision", precision,
                        f"mean share of {n_sim:.1f} simulated events that the record bears out"))
        if baselines is not None:
            out.extend(baseline_metrics(baselines, name, window))
        facts = fact_rows if name == "all" else fact_rows[fact_rows["period"] == name]
        if len(facts):
            out.append((name, "facts_passed", facts["passed"].mean(), f"mean over {len(facts)} stylized-fact checks"))
            if name != "all":
                for row in facts.itertuples():
                    out.append((name, f"fact:{row.fact}", row.passed, f"{row.statement} [{row.window}]"))
        if reproduced is not None and name != "all":
            out.extend((name, f"event:{row.id}", row.share, row.detail)
                       for row in reproduced[reproduced["period"] == name].itertuples())
    return pd.DataFrame(out, columns=["period", "metric", "value", "detail"])


def reproduced_rows(targets: Targets, hits: np.ndarray, replicates: int, record: tuple[RecordEvent, ...]) -> pd.DataFrame:
    """The rows of :func:`comparison_table`'s ``reproduced``: each record event the run is scored against,
    in the record's order, with the share of the ``replicates`` that reproduce it (``hits``:
    :func:`event_tally`, summed over batches)."""
    share = dict(zip(targets.ids, hits / replicates))
    period = dict(zip(targets.ids, (targets.names[k] for k in targets.period)))
    rows = [(period[e.id], e.id, share[e.id], f"{e.date} {e.actor}>{e.target} {e.type}"
             + (f" ({e.lever})" if e.lever else "") + f": {e.summary}")
            for e in record if e.id in share]
    return pd.DataFrame(rows, columns=["period", "id", "share", "detail"])


def periods_of(segments) -> list[Period]:
    """The comparison periods of a run: one per segment, named by its period (or name)."""
    return [Period(s.period or s.name, s.start, s.end) for s in segments]


__all__ = ["DEFAULT_WINDOW", "PERIODS", "Period", "comparison_table", "event_scores", "event_tally", "fact_scores",
           "periods_of", "reproduced_rows", "score_rows"]
