"""Running an experiment: tasks on local worker processes or a Dask cluster, results as Parquet.

An experiment is cut into tasks, each a batch of consecutive replicates of one arm run
together in one model (:class:`~sim.experiments.overlay.Task`). Replicate k of a seed has the
same history alone or in any batch, so the results do not depend on how tasks are spread
over workers. Tasks run

* in this process (``workers=1``);
* on local worker processes (``concurrent.futures.ProcessPoolExecutor``): a worker that dies
  breaks the pool, so the tasks it held are resubmitted to a fresh pool (up to
  :data:`MAX_ATTEMPTS` times each) instead of hanging or failing the experiment;
* on an existing Dask distributed cluster (``scheduler="tcp://host:port"``), which
  reschedules the tasks of a lost worker itself.

Each finished task is written at once to ``DIR/chunks/`` (temporary name, then renamed), so
an experiment killed part-way loses only the tasks in flight; ``resume=True`` runs only the
tasks whose chunk is missing. When every chunk is there they are assembled, in task order,
into ``DIR/results.parquet`` (``arm, replicate, date, outcome, value``: each outcome's
monthly values, monthly counts for event outcomes), and the summaries are written
(:mod:`sim.experiments.summarise`). ``DIR/manifest.json`` records the experiment file's
hash, the seeds, every arm's scenario hash and the versions, and nothing that changes from
one run to the next, so the same file and seed give the same bytes in every output file.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import platform
import signal
import sys
import tempfile
import threading
import warnings
from collections import Counter, deque
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from tqdm import tqdm

from sim.files import atomic_write
from sim.months import format_month
from sim.scenario import Scenario

from sim.experiments.overlay import MARKER, Experiment, OutcomeSpec
from sim.experiments.summarise import csv_text, sampling_seed, summarise

#: The columns of results.parquet.
SCHEMA = pa.schema([("arm", pa.string()), ("replicate", pa.int32()), ("date", pa.string()),
                    ("outcome", pa.string()), ("value", pa.float64())])
#: How often a task may lose its worker before the experiment gives up on it.
MAX_ATTEMPTS = 3
#: How long to try reaching a Dask scheduler.
CONNECT_TIMEOUT = "10s"
#: Files an experiment writes into its directory (besides chunks/).
OUTPUTS = ("manifest.json", "results.parquet", "summary.csv", "design.csv", "sensitivity.csv")


class ExperimentError(Exception):
    """A problem with where or how an experiment runs; ``str()`` is one line."""


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
            if outcome.variable in ("security", "economy"):
                values = result.domestic[outcome.variable][window, :].T.astype(float)
            else:
                values = result.series(outcome.variable, outcome.actor, outcome.target)[:, window]
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
    from sim.runner import run

    result = run(job.scenario, seed=job.seed, replicates=count, first_replicate=first)
    sink = pa.BufferOutputStream()
    pq.write_table(chunk_table(result, job.arm, job.outcomes, first, count), sink)
    return sink.getvalue().to_pybytes()


# --- running many tasks ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    """A task to run somewhere: ``fn(*args)``, under a unique key."""

    key: str
    fn: Callable[..., Any]
    args: tuple
    runs: int = 1


def run_serial(calls: list[Call], on_done: Callable[[Call, Any], None]) -> None:
    """Run every call in this process, in order."""
    for call in calls:
        on_done(call, call.fn(*call.args))


def _ignore_interrupts() -> None:
    """Workers leave Ctrl-C to the main process, which stops them and keeps what is done."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _pool(workers: int) -> ProcessPoolExecutor:
    """A pool of worker processes: forked where that is safe (one thread, Linux), as it starts at once."""
    method = "fork" if sys.platform == "linux" and threading.active_count() == 1 else "spawn"
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context(method),
                               initializer=_ignore_interrupts)


def _stop(executor: ProcessPoolExecutor) -> None:
    """Stop a pool now: cancel what has not started and end its worker processes."""
    executor.shutdown(wait=False, cancel_futures=True)
    terminate = getattr(executor, "terminate_workers", None)
    if terminate is not None:
        terminate()
        return
    for process in list((getattr(executor, "_processes", None) or {}).values()):
        if process.is_alive():
            process.terminate()


def run_local(calls: list[Call], workers: int, on_done: Callable[[Call, Any], None],
              max_attempts: int = MAX_ATTEMPTS) -> dict[str, int]:
    """Run calls on ``workers`` local processes, resubmitting those whose worker died.

    At most ``workers`` calls are in flight, so a broken pool loses only those; they go back
    to the front of the queue and a fresh pool takes over. A call that has lost its worker
    ``max_attempts`` times ends the experiment with an :class:`ExperimentError`. Exceptions
    a call raises itself are not retried. Returns how many times each resubmitted call ran.
    """
    queue, attempts = deque(calls), Counter()
    while queue:
        executor = _pool(min(workers, len(queue)))
        running: dict = {}
        lost: list[Call] = []

        def refill() -> None:
            with warnings.catch_warnings():
                # numpy's BLAS threads make Python warn at fork; they are fork-safe, and no
                # Python thread runs here (_pool forks only then)
                warnings.filterwarnings("ignore", message=r"This process .* is multi-threaded",
                                        category=DeprecationWarning)
                while queue and not lost and len(running) < workers:
                    call = queue.popleft()
                    running[executor.submit(call.fn, *call.args)] = call

        try:
            refill()
            while running:
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                finished = []
                for future in done:
                    call = running.pop(future)
                    if isinstance(future.exception(), BrokenProcessPool):
                        lost.append(call)
                    else:
                        finished.append((call, future))
                refill()  # keep the workers busy while this process stores what came back
                for call, future in finished:
                    on_done(call, future.result())
            executor.shutdown(wait=True)
        except BaseException:
            _stop(executor)
            raise
        for call in lost:
            attempts[call.key] += 1
            if attempts[call.key] >= max_attempts:
                raise ExperimentError(f"task {call.key} lost its worker process {attempts[call.key]} times; giving up")
        queue.extendleft(reversed(lost))
    return {key: count + 1 for key, count in attempts.items()}


def run_dask(calls: list[Call], address: str, on_done: Callable[[Call, Any], None]) -> None:
    """Run calls on an existing Dask distributed cluster; results come back as they finish."""
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise ExperimentError("--scheduler needs dask.distributed: pip install 'tajsim[cluster]'") from None
    try:
        client = Client(address, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ExperimentError(f"--scheduler: cannot reach a Dask scheduler at {address} ({exc})") from None
    futures: dict = {}
    try:
        for call in calls:
            futures[client.submit(call.fn, *call.args, key=call.key, pure=False)] = call
        try:
            for future, value in as_completed(list(futures), with_results=True):
                on_done(futures[future], value)
                future.release()
        except ImportError as exc:
            raise ExperimentError(f"--scheduler: the Dask workers cannot run tajsim ({exc}); "
                                  "install it where the workers run") from None
    finally:
        if futures:
            client.cancel(list(futures))
        client.close()


# --- the output directory ---------------------------------------------------------------------------


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "unknown"


def _relative(path: str | Path) -> str:
    from sim.paths import project_root

    try:
        return str(Path(path).resolve().relative_to(project_root().resolve()))
    except ValueError:
        return Path(path).name


def manifest(experiment: Experiment) -> dict:
    """What shaped the results, and nothing that varies between runs (no times, no worker counts)."""
    design = experiment.spec.design
    return {
        "experiment": experiment.name,
        "title": experiment.spec.title,
        "file": _relative(experiment.path),
        "file_sha256": experiment.file_sha256,
        "experiment_sha256": experiment.digest(),
        "scenario": experiment.base.name,
        "scenario_files": [_relative(f) for f in experiment.base.files],
        "scenario_sha256": experiment.base.digest(),
        "calibration_file": _relative(experiment.base.calibration) if experiment.base.calibration else None,
        "seed": experiment.seed,
        "streams": "replicate k of every arm draws from numpy SeedSequence(seed, spawn_key=(k,))",
        "replicates": experiment.replicates,
        "batch": experiment.batch,
        "tasks": len(experiment.tasks),
        "runs": experiment.runs,
        "design": None if design is None else {
            "kind": design.kind, "points": len(experiment.design), "factors": [f.label for f in design.factors],
            "sampling_seed": sampling_seed(experiment.seed if design.seed is None else design.seed)},
        "arms": [{"name": arm.name, "title": arm.title, "description": arm.description,
                  "scenario_sha256": arm.scenario.digest(), "factors": arm.factors} for arm in experiment.arms],
        "outcomes": [outcome.canonical() for outcome in experiment.outcomes],
        "versions": {"python": platform.python_version(), **{package: _version(package) for package in (
            "tajsim", "mesa", "numpy", "pandas", "pyarrow", "scipy", "SALib", "pydantic")}},
    }


def _manifest_text(experiment: Experiment) -> str:
    return json.dumps(manifest(experiment), indent=2, sort_keys=True) + "\n"


def _prepare(out: Path, text: str, resume: bool, overwrite: bool) -> None:
    """Check the output directory, then write the manifest (resume only where it matches)."""
    if out.exists() and not out.is_dir():
        raise ExperimentError(f"{out}: --out: exists and is not a directory")
    chunks = out / "chunks"
    started = any((out / name).exists() for name in OUTPUTS) or (chunks.is_dir() and any(chunks.glob("*.parquet")))
    if started and overwrite:
        for name in OUTPUTS:
            (out / name).unlink(missing_ok=True)
        for chunk in chunks.glob("*.parquet"):
            chunk.unlink()
    elif started and not resume:
        raise ExperimentError(f"{out}: --out: already holds an experiment's results "
                              "(--resume completes them, --overwrite starts again)")
    elif started:
        path = out / "manifest.json"
        if not path.exists():
            raise ExperimentError(f"{out}: --resume: chunks without a manifest.json; use --overwrite or another --out")
        if path.read_text(encoding="utf-8") != text:
            try:
                old = json.loads(path.read_text(encoding="utf-8"))
                differs = sorted(k for k, v in json.loads(text).items() if old.get(k) != v)
            except ValueError:
                differs = ["manifest.json is unreadable"]
            raise ExperimentError(f"{out}: --resume: holds results of a different experiment or version "
                                  f"(differs in {', '.join(differs)}); use --overwrite or another --out")
    chunks.mkdir(parents=True, exist_ok=True)
    for stale in chunks.glob(".*.tmp"):
        stale.unlink()
    atomic_write(out / "manifest.json", text)


def assemble(experiment: Experiment, out: Path) -> Path:
    """Join the chunks, in task order, into results.parquet (one row group per task)."""
    path = out / "results.parquet"
    handle, temporary = tempfile.mkstemp(dir=out, prefix=".results.parquet.", suffix=".tmp")
    os.close(handle)
    try:
        with pq.ParquetWriter(temporary, SCHEMA) as writer:
            for task in experiment.tasks:
                writer.write_table(pq.read_table(out / "chunks" / task.filename, schema=SCHEMA))
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


# --- the whole experiment --------------------------------------------------------------------------


class Progress(tqdm):
    """The progress bar: runs done, rate and time left. No monitor thread, so pools may fork."""

    monitor_interval = 0


@dataclass(frozen=True)
class ExperimentRun:
    """What running an experiment did: how many runs it ran now, and the files it wrote."""

    out: Path
    runs: int
    ran: int
    files: tuple[Path, ...]
    attempts: dict[str, int]


def run_experiment(experiment: Experiment, out: str | Path, *, workers: int = 1, scheduler: str | None = None,
                   resume: bool = False, overwrite: bool = False, progress: bool = True) -> ExperimentRun:
    """Run every missing task of an experiment, then write results.parquet and the summaries.

    ``workers=1`` runs in this process; more use that many local processes; ``scheduler``
    (``tcp://host:port``) uses a Dask cluster instead. ``resume`` completes a directory an
    interrupted run of the same experiment left; ``overwrite`` starts it afresh.
    """
    if workers < 1:
        raise ExperimentError(f"--workers: must be at least 1, got {workers}")
    out = Path(out)
    _prepare(out, _manifest_text(experiment), resume, overwrite)
    chunks = out / "chunks"
    results = out / "results.parquet"
    complete = results.exists()  # written last, atomically: the run it came from was whole
    missing = [] if complete else [task for task in experiment.tasks if not (chunks / task.filename).exists()]
    jobs = {arm.index: ArmJob(arm.name, arm.scenario, experiment.seed, experiment.outcomes) for arm in experiment.arms}
    tag = experiment.digest()[:16]
    calls = [Call(f"tajsim-{tag}-{task.filename.removesuffix('.parquet')}", run_chunk,
                  (jobs[task.arm], task.first, task.count), task.count) for task in missing]
    by_key = {call.key: task for call, task in zip(calls, missing)}
    bar = Progress(total=experiment.runs, initial=experiment.runs - sum(t.count for t in missing), unit="run",
                   desc=experiment.name, disable=not progress, file=sys.stderr, dynamic_ncols=True, smoothing=0.1)

    def done(call: Call, data: bytes) -> None:
        atomic_write(chunks / by_key[call.key].filename, data)
        bar.update(call.runs)

    attempts: dict[str, int] = {}
    try:
        if not calls:
            pass
        elif scheduler:
            run_dask(calls, scheduler, done)
        elif workers == 1 or len(calls) == 1:
            run_serial(calls, done)
        else:
            attempts = run_local(calls, workers, done)
    finally:
        bar.close()
    if not complete:
        assemble(experiment, out)
    for leftover in chunks.iterdir():
        leftover.unlink()
    chunks.rmdir()
    files = [out / "manifest.json", results]
    table = pq.read_table(results, read_dictionary=["arm", "date", "outcome"]).to_pandas()
    for name, table in summarise(experiment, table).items():
        atomic_write(out / name, csv_text(table))
        files.append(out / name)
    return ExperimentRun(out=out, runs=experiment.runs, ran=sum(t.count for t in missing), files=tuple(files),
                         attempts=attempts)


def done_runs(experiment: Experiment, out: str | Path) -> int:
    """How many of an experiment's runs an output directory already holds (for messages)."""
    chunks = Path(out) / "chunks"
    return sum(task.count for task in experiment.tasks if (chunks / task.filename).exists())
