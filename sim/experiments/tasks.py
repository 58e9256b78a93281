"""One task of an experiment: a batch of consecutive replicates of one arm, run in one model.

A worker needs no files: an :class:`ArmJob` carries the arm's scenario and the outcomes, and
:func:`run_chunk` returns the task's results as Parquet bytes (``arm, replicate, date, outcome,
value``), with how many events each rule produced (``arm, replicate, rule, events``), so that an
effect can be traced to the rules that acted differently. Replicate k of a seed has the same
history alone or in any batch.
"""


from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.experiments.changes import MARKER
from sim.experiments.fields import DOMESTIC
from sim.experiments.plan import OutcomeSpec
from sim.months import format_month
from sim.scenario import Scenario

#: The columns of results.parquet.
SCHEMA = pa.schema([("arm", pa.string()), ("replicate", pa.int32()), ("date", pa.string()),
                    ("outcome", pa.string()), ("value", pa.float64())])
#: The columns of rules.parquet: how many events each rule produced in a replicate over the
#: experiment's window (rules that produced none are left out).
RULE_SCHEMA = pa.schema([("arm", pa.string()), ("replicate", pa.int32()), ("rule", pa.string()),
                         ("events", pa.float64())])
#: How often a task may lose its worker before the experiment gives up on it.


# --- one task ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ArmJob:
    """What a worker needs to run replicates of one arm: no files, so it runs anywhere."""

    arm: str
    scenario: Scenario
    seed: int
    outcomes: tuple[OutcomeSpec, ...]


def _event_counts(events: pd.DataFrame, outcome: OutcomeSpec, first: int, count: int) -> np.ndarray:
    keep = ~events["summary"].str.startswith(MARKER)
    if not outcome.include_scheduled:
        keep &= ~events["rule"].str.startswith("scheduled")
    for column, allowed in (("type", outcome.types), ("actor", outcome.actors), ("target", outcome.targets),
                            ("rule", outcome.rules)):
        if allowed is not None:
            keep &= events[column].isin(allowed)
    month = events["month"].to_numpy()
    keep &= (month >= outcome.start) & (month <= outcome.end)
    counts = np.zeros((count, outcome.end - outcome.start + 1))
    rows = keep.to_numpy()
    np.add.at(counts, (events["replicate"].to_numpy()[rows] - first, month[rows] - outcome.start), 1.0)
    return counts


def variable_series(result, outcome: OutcomeSpec) -> np.ndarray:
    """A trajectory variable's outcome over every month a run recorded, ``[replicate, month]``."""
    if outcome.variable in DOMESTIC:
        return result.domestic[outcome.variable].T.astype(float)
    return result.series(outcome.variable, outcome.actor, outcome.target)


def chunk_table(result, arm: str, outcomes: tuple[OutcomeSpec, ...], first: int, count: int) -> pa.Table:
    """A run's outcomes as rows ``arm, replicate, date, outcome, value``, by replicate, outcome, month."""
    offset = int(result.months[0])
    events = None
    blocks, dates, names = [], [], []
    for outcome in outcomes:
        if outcome.counts_events:
            if events is None:
                events = result.events
                years = events["date"].str.slice(0, 4).astype(int).to_numpy()
                months = events["date"].str.slice(5, 7).astype(int).to_numpy()
                events = events.assign(month=years * 12 + months - 1)
            values = _event_counts(events, outcome, first, count)
        else:
            window = slice(outcome.start - offset, outcome.end - offset + 1)
            values = variable_series(result, outcome)[:, window]
        blocks.append(values)
        span = range(outcome.start, outcome.end + 1)
        dates += [format_month(m) for m in span]
        names += [outcome.name] * len(span)
    width = len(dates)
    return pa.table({
        "arm": pa.array([arm] * (count * width), pa.string()),
        "replicate": pa.array(np.repeat(np.arange(first, first + count, dtype=np.int32), width)),
        "date": pa.array(dates * count, pa.string()),
        "outcome": pa.array(names * count, pa.string()),
        "value": pa.array(np.concatenate(blocks, axis=1).reshape(-1), pa.float64()),
    }, schema=SCHEMA)


def window(outcomes: tuple[OutcomeSpec, ...]) -> tuple[int, int]:
    """The experiment's window: from its outcomes' first month to their last."""
    return min(o.start for o in outcomes), max(o.end for o in outcomes)


def rule_table(result, arm: str, span: tuple[int, int]) -> pa.Table:
    """How many events each rule produced in each replicate over the months ``span``, as rows
    ``arm, replicate, rule, events`` (by replicate, then rule; none for a rule that produced none).
    Scheduled inputs and an experiment's rule markers are no rule's act and are left out."""
    events = result.events
    own = ~events["summary"].str.startswith(MARKER) & ~events["rule"].str.startswith("scheduled")
    month = events["date"].str.slice(0, 4).astype(int) * 12 + events["date"].str.slice(5, 7).astype(int) - 1
    own &= (month >= span[0]) & (month <= span[1])
    counts = events[own].groupby(["replicate", "rule"], observed=True).size().sort_index()
    return pa.table({
        "arm": pa.array([arm] * len(counts), pa.string()),
        "replicate": pa.array(counts.index.get_level_values("replicate").to_numpy(dtype=np.int32)),
        "rule": pa.array(counts.index.get_level_values("rule").astype(str).tolist(), pa.string()),
        "events": pa.array(counts.to_numpy(dtype=float), pa.float64()),
    }, schema=RULE_SCHEMA)


def parquet_bytes(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink)
    return sink.getvalue().to_pybytes()


def run_chunk(job: ArmJob, first: int, count: int) -> tuple[bytes, bytes]:
    """Run replicates ``first .. first + count - 1`` of an arm in one model: their outcomes' rows
    and their rules' event counts (:func:`rule_table`), each as Parquet bytes."""
    from sim.running import run

    result = run(job.scenario, seed=job.seed, replicates=count, first_replicate=first)
    return (parquet_bytes(chunk_table(result, job.arm, job.outcomes, first, count)),
            parquet_bytes(rule_table(result, job.arm, window(job.outcomes))))


