"""Running a scenario: ``sim.run(...)`` and ``tajsim run``.

A run builds the model for a composed scenario, runs it to the end, and gathers what it
recorded into a :class:`~sim.running.result.RunResult` (its tables, its comparison with the
record). Asked to write its files (``out``), it runs its replicates in batches of ``batch``
and streams each batch to disk while the next one runs, adding up the comparison as it goes:
memory does not grow with the number of replicates. Replicate k draws from its own stream,
so the batches give the same replicates as one big model.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from pathlib import Path

from sim.core.model import TajikistanModel
from sim.months import parse_month
from sim.paths import default_scenario
from sim.record.compare import DEFAULT_WINDOW
from sim.running.result import RunResult, Tally
from sim.running.tables import Recorded
from sim.running.writer import FORMATS, RunWriter
from sim.scenario import Scenario, load_scenario

#: Replicates simulated in one model when a run streams to disk: large enough that the
#: model's cost per month is shared by many, small enough that a batch's tables stay small.
DEFAULT_BATCH = 250


#: A progress callback: called with 1 after each month a model simulates (``tqdm.update`` fits).
Progress = Callable[[int], object]


def simulate(plan: Scenario, seed: int, first: int, count: int,
             overrides: dict[str, tuple[bool, float]] | None = None, progress: Progress | None = None) -> Recorded:
    """Replicates ``first .. first + count - 1`` of a scenario, run in one model."""
    model = TajikistanModel(plan, seed=seed, replicates=count, first_replicate=first, overrides=overrides)
    advance(model, progress)
    return Recorded.of(model)


def advance(model: TajikistanModel, progress: Progress | None = None, months: int | None = None) -> None:
    """Run ``model`` to its end (or ``months`` months on), calling ``progress(1)`` after each month."""
    if progress is None:
        if months is None:
            model.run()
        else:
            model.run_for(months)
        return
    left = model.plan.end - model.month + 1 if months is None else months
    for _ in range(left):
        model.run_for(1)
        progress(1)


def batches(replicates: int, batch: int = DEFAULT_BATCH) -> int:
    """How many models a run of ``replicates`` writing its files simulates, one after another."""
    return -(-replicates // batch)


def founding_months(plan: Scenario) -> dict[str, int]:
    """The month each actor enters the run (its founding, or the run's start)."""
    return {code: (plan.start if spec.founded is None else max(plan.start, parse_month(spec.founded)))
            for code, spec in plan.actors.items()}


def collect(model: TajikistanModel, *, window: int = DEFAULT_WINDOW) -> RunResult:
    """What a model has recorded so far (every month it has simulated), as a :class:`RunResult`."""
    result = RunResult(scenario=model.plan, seed=model.seed, replicates=model.replicates,
                       first_replicate=model.first_replicate, founded=founding_months(model.plan), window=window,
                       overrides=dict(model.overrides))
    result.recorded = Recorded.of(model)
    return result


def run(scenario: str | Path | Scenario | None = None, *, seed: int = 0, replicates: int = 1,
        first_replicate: int = 0, out: str | Path | None = None, window: int = DEFAULT_WINDOW,
        overrides: dict[str, tuple[bool, float]] | None = None, format: str | None = None,
        batch: int = DEFAULT_BATCH, progress: Progress | None = None) -> RunResult:
    """Run a scenario (the full 1991-2023 replay by default) and compare it with the record.

    Returns a :class:`RunResult` whose ``trajectory``, ``events`` and ``comparison`` are
    pandas DataFrames. With ``out`` the run's files are written there (``format``: "parquet"
    or "csv"; by default Parquet for an ensemble, CSV for one replicate), ``batch`` replicates
    at a time; a run of more than one batch is then not held in memory, and its result reads its
    tables from the files. ``progress``, if given, is called with 1 after each month each batch
    simulates (:func:`batches` says how many batches there are; ``tqdm.update`` fits).
    """
    if replicates < 1 or batch < 1:
        raise ValueError(f"replicates and batch must be at least 1, got {replicates} and {batch}")
    if format is not None and format not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, got {format!r}")
    if scenario is None:
        scenario = default_scenario()
    plan = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    founded = founding_months(plan)
    result = RunResult(scenario=plan, seed=seed, replicates=replicates, first_replicate=first_replicate,
                       founded=founded, window=window, overrides=dict(overrides or {}))
    if out is None:
        result.recorded = simulate(plan, seed, first_replicate, replicates, overrides, progress)
        return result
    format = format or ("csv" if replicates == 1 else "parquet")
    spans = [(first, min(batch, first_replicate + replicates - first))
             for first in range(first_replicate, first_replicate + replicates, batch)]
    tally = Tally(plan, result.codes, window, seed)
    with RunWriter(out, format=format, replicates=replicates, founded=founded) as writer:
        for first, count in spans:
            recorded = simulate(plan, seed, first, count, overrides, progress)
            gc.collect()  # the spent model and its agents refer to each other: free them before the next batch
            writer.add(recorded)
            tally.add(recorded)
        result._comparison = tally.table()
        writer.finish(result._comparison, result.manifest(format, batch))
    result.folder = Path(out)
    if len(spans) == 1:
        result.recorded = recorded
    return result
