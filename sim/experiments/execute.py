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
monthly values, monthly counts for event outcomes) and ``DIR/rules.parquet`` (``arm, replicate,
rule, events``: what each rule did over the experiment's window), and the summaries are written
(:mod:`sim.experiments.summarise`), among them ``rules.csv``: which rules acted differently in
each arm, the first place to look for why an outcome moved. ``DIR/manifest.json`` records the experiment file's
hash, the seeds, every arm's scenario hash and the versions, and nothing that changes from
one run to the next, so the same file and seed give the same bytes in every output file.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import tempfile
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pyarrow.parquet as pq
from tqdm import tqdm

from sim.experiments.executors import Call, ExperimentError, run_dask, run_local, run_serial
from sim.experiments.plan import Experiment
from sim.experiments.summarise import csv_text, sampling_seed, summarise
from sim.experiments.tasks import RULE_SCHEMA, SCHEMA, ArmJob, run_chunk
from sim.files import atomic_write

OUTPUTS = ("manifest.json", "results.parquet", "rules.parquet", "summary.csv", "rules.csv", "design.csv",
           "sensitivity.csv")


# --- the output directory ---------------------------------------------------------------------------


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "unknown"


def relative_path(path: str | Path) -> str:
    """A path relative to the project's checkout where it lies inside it, else its name (no home folders in manifests)."""
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
        "file": relative_path(experiment.path),
        "file_sha256": experiment.file_sha256,
        "experiment_sha256": experiment.digest(),
        "scenario": experiment.base.name,
        "scenario_files": [relative_path(f) for f in experiment.base.files],
        "scenario_sha256": experiment.base.digest(),
        "calibration_file": relative_path(experiment.base.calibration) if experiment.base.calibration else None,
        "seed": experiment.seed,
        "streams": "replicate k of every arm draws from numpy SeedSequence(seed, spawn_key=(k,))",
        "replicates": experiment.replicates,
        "batch": experiment.batch,
        "tasks": len(experiment.tasks),
        "runs": experiment.runs,
        "design": None if design is None else {
            "kind": design.kind, "points": 0 if experiment.design is None else len(experiment.design),
            "factors": [f.label for f in design.factors],
            "sampling_seed": sampling_seed(experiment.seed if design.seed is None else design.seed)},
        "arms": [{"name": arm.name, "title": arm.title, "description": arm.description,
                  "scenario_sha256": arm.scenario.digest(), "factors": arm.factors} for arm in experiment.arms],
        "outcomes": [outcome.canonical() for outcome in experiment.outcomes],
        "versions": versions(),
    }


def versions() -> dict[str, str]:
    """The versions of Python and of the packages behind the results."""
    return {"python": platform.python_version(), **{package: _version(package) for package in (
        "tajsim", "mesa", "numpy", "pandas", "pyarrow", "scipy", "SALib", "pydantic")}}


def _manifest_text(experiment: Experiment, warnings: list[str] | None = None) -> str:
    """The manifest; once the results are summarised, with their ``warnings`` (a list, maybe empty)."""
    data = manifest(experiment)
    if warnings is not None:
        data["warnings"] = warnings
    return json.dumps(data, indent=2, sort_keys=True) + "\n"


def _same_experiment(old: str, new: str) -> bool:
    """Whether two manifests describe the same experiment (the results' warnings aside)."""
    try:
        before = json.loads(old)
    except ValueError:
        return False
    before.pop("warnings", None)
    return before == json.loads(new)


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
        if not _same_experiment(path.read_text(encoding="utf-8"), text):
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


def _join(experiment: Experiment, out: Path, name: str, schema, chunk_name) -> Path:
    """Join one kind of chunk, in task order, into ``out/name`` (one row group per task)."""
    path = out / name
    handle, temporary = tempfile.mkstemp(dir=out, prefix=f".{name}.", suffix=".tmp")
    os.close(handle)
    try:
        with pq.ParquetWriter(temporary, schema) as writer:
            for task in experiment.tasks:
                writer.write_table(pq.read_table(out / "chunks" / chunk_name(task), schema=schema))
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def assemble(experiment: Experiment, out: Path) -> Path:
    """Join the chunks, in task order, into rules.parquet and then results.parquet, which is
    written last: its presence says the run was whole."""
    _join(experiment, out, "rules.parquet", RULE_SCHEMA, lambda task: task.rules_filename)
    return _join(experiment, out, "results.parquet", SCHEMA, lambda task: task.filename)


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
    warnings: tuple[str, ...] = ()


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
    missing = [] if complete else [task for task in experiment.tasks
                                   if not ((chunks / task.filename).exists() and (chunks / task.rules_filename).exists())]
    jobs = {arm.index: ArmJob(arm.name, arm.scenario, experiment.seed, experiment.outcomes) for arm in experiment.arms}
    tag = experiment.digest()[:16]
    calls = [Call(f"tajsim-{tag}-{task.filename.removesuffix('.parquet')}", run_chunk,
                  (jobs[task.arm], task.first, task.count), task.count) for task in missing]
    by_key = {call.key: task for call, task in zip(calls, missing)}
    bar = Progress(total=experiment.runs, initial=experiment.runs - sum(t.count for t in missing), unit="run",
                   desc=experiment.name, disable=not progress, file=sys.stderr, dynamic_ncols=True, smoothing=0.1)

    def done(call: Call, data: tuple[bytes, bytes]) -> None:
        outcomes, rules = data
        task = by_key[call.key]
        atomic_write(chunks / task.rules_filename, rules)
        atomic_write(chunks / task.filename, outcomes)
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
    rules_file = out / "rules.parquet"
    rules = pq.read_table(rules_file).to_pandas() if rules_file.exists() else None
    if rules is not None:
        files.append(rules_file)
    summary = summarise(experiment, table, rules)
    for name, frame in summary.tables.items():
        atomic_write(out / name, csv_text(frame))
        files.append(out / name)
    atomic_write(out / "manifest.json", _manifest_text(experiment, summary.warnings))
    return ExperimentRun(out=out, runs=experiment.runs, ran=sum(t.count for t in missing), files=tuple(files),
                         attempts=attempts, warnings=tuple(summary.warnings))


def done_runs(experiment: Experiment, out: str | Path) -> int:
    """How many of an experiment's runs an output directory already holds (for messages)."""
    chunks = Path(out) / "chunks"
    return sum(task.count for task in experiment.tasks
               if (chunks / task.filename).exists() and (chunks / task.rules_filename).exists())
