"""One task of an experiment: a batch of consecutive replicates of one arm, run in one model.

A worker needs no files: an :class:`ArmJob` carries the arm's scenario and the outcomes, and
:func:`run_chunk` returns the task's results as Parquet bytes (``arm, replicate, date, outcome,
value``). Replicate k of a seed has the same history alone or in any batch.
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


def run_chunk(job: ArmJob, first: int, count: int) -> bytes:
    """Run replicates ``first .. first + count - 1`` of an arm in one model; their rows as Parquet bytes."""
    from sim.running import run

    result = run(job.scenario, seed=job.seed, replicates=count, first_replicate=first)
    sink = pa.BufferOutputStream()
    pq.write_table(chunk_table(result, job.arm, job.outcomes, first, count), sink)
    return sink.getvalue().to_pybytes()


