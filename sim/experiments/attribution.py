"""How much of an outcome the levers explain, and which: ``tajsim attribute``.

The outcome is a trajectory variable (as in experiment outcomes: ``alignment``, ``aid``,
``pressure``, ``dependence`` between Tajikistan and a partner, or Tajikistan's ``security`` or
``economy``) over a window of months, reduced per replicate to one number:

* ``change`` (default): its value at the end of the window's last month minus its value just
  before the window's first month. The levers are switched off from the first month, so that
  starting value is the same in every run, and the change measures what the window did;
* ``mean``: its mean over the window's months.

For each subset of the chosen levers (every subset for up to six levers; beyond, the subsets
that sampled orders visit, :mod:`sim.experiments.shapley`), the scenario runs with those levers
switched off from the window's first month (:mod:`sim.experiments.levers`), up to the window's
last month. Every run has the same seed and replicate numbers: replicate k of every subset draws
from ``SeedSequence(seed, spawn_key=(k,))`` (common random numbers), so that replicate k of two
subsets differs only by the levers. Each replicate's outcome with no lever off minus with every
lever off is the *total*; each lever's Shapley value splits it, per replicate, so the values add
up to the total in every replicate. The table reports their means over replicates, each with a
95% t-interval (over replicates; with sampled orders, the sampling of orders is not in it).

The runs share their history up to the window (the levers are switched off from its first
month), so a task runs it once, for a batch of replicates in one model, and branches each of a
group of subsets from it (:meth:`~sim.core.model.TajikistanModel.branch`: a copy of the model,
its random streams included, that goes on under the subset's scenario); a branched run equals the
subset run from the start bit for bit (tested, and ``shared=False`` runs them so). Tasks (a group
of up to :data:`GROUP` subsets and a batch of up to 100 replicates) run on local worker processes
(:mod:`sim.experiments.executors`); the split does not depend on the number of workers and the
results are put together in a fixed order, so any number of workers gives the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import ValidationError

from sim.core.model import TajikistanModel
from sim.experiments.changes import OverlayError, apply_changes
from sim.experiments.execute import Progress, relative_path, versions
from sim.experiments.executors import Call, ExperimentError, run_local, run_serial
from sim.experiments.levers import TOTAL, Lever
from sim.experiments.plan import OutcomeSpec, compile_outcome, default_batch
from sim.experiments.schema import Outcome
from sim.experiments.shapley import Coalitions, coalitions, shapley, total
from sim.experiments.summarise import half_width
from sim.experiments.tasks import variable_series
from sim.files import atomic_write
from sim.months import format_month, parse_month
from sim.running.runner import advance, collect
from sim.scenario import Scenario
from sim.scenario.reading import validation_message

STATISTICS = ("change", "mean")
#: The columns of attribution.csv, and how its numbers are written (the same run, the same bytes).
COLUMNS = ["lever", "contribution", "ci_low", "ci_high"]
FLOAT_FORMAT = "%.12g"
#: Subsets a task runs, branching each from the history they share (which the task runs once).
GROUP = 8
#: Orders of the levers sampled when there are too many levers to run every subset.
DEFAULT_PERMUTATIONS = 20


# --- what to run -------------------------------------------------------------------------------------


def parse_outcome(text: str, start: str, end: str, plan: Scenario) -> OutcomeSpec:
    """``--outcome VARIABLE:ACTOR:TARGET`` (or ``security`` / ``economy`` alone) over ``--from .. --to``,
    checked as an experiment outcome is; a problem is an :class:`ExperimentError` naming the flag."""
    for flag, month in (("--from", start), ("--to", end)):
        try:
            parse_month(month)
        except ValueError as error:
            raise ExperimentError(f"{flag}: {error}") from None
    if parse_month(end) < parse_month(start):
        raise ExperimentError(f"--to: {end} is before --from {start}")
    parts = text.split(":")
    if len(parts) not in (1, 3):
        raise ExperimentError(f"--outcome: {text!r}: give VARIABLE:ACTOR:TARGET (e.g. alignment:TJK:RUS), "
                              "or security or economy alone")
    variable, actor, target = (parts + ["", ""])[:3]
    try:
        outcome = Outcome.model_validate({"variable": variable, "actor": actor or None, "target": target or None,
                                          "from": start, "to": end})
    except ValidationError as exc:
        loc, message = validation_message(exc)
        raise ExperimentError(f"--outcome: {text}: {loc + ': ' if loc else ''}{message}") from None
    try:
        return compile_outcome(text, outcome, plan)
    except OverlayError as error:
        flag = {"from": "--from", "to": "--to"}.get(error.field, "--outcome")
        raise ExperimentError(f"{flag}: {error.reason}") from None


@dataclass(frozen=True)
class GroupJob:
    """What a worker needs to run a group of subsets: no files, so it runs anywhere.

    ``scenarios`` are the subsets' scenarios; with ``shared``, the history they share up to the
    window runs once, under ``base``, and each subset branches from it
    (:meth:`~sim.core.model.TajikistanModel.branch`); without, each runs from the start.
    """

    base: Scenario
    scenarios: tuple[Scenario, ...]
    seed: int
    outcome: OutcomeSpec
    statistic: str
    shared: bool = True


def _reduce(model: TajikistanModel, job: GroupJob) -> np.ndarray:
    """The outcome of each replicate of a model run to the window's last month, ``[replicate]``."""
    outcome = job.outcome
    result = collect(model)
    series = variable_series(result, outcome)
    offset = int(result.months[0])
    if job.statistic == "mean":
        return series[:, outcome.start - offset:outcome.end - offset + 1].mean(axis=1)
    return series[:, outcome.end - offset] - series[:, outcome.start - 1 - offset]


def group_values(job: GroupJob, first: int, count: int) -> list[np.ndarray]:
    """Replicates ``first .. first + count - 1`` of each subset of a group, run in one model each up to
    the window's last month; each subset's outcomes, ``[replicate]``."""
    outcome = job.outcome

    def start(scenario: Scenario) -> TajikistanModel:
        model = TajikistanModel(scenario, seed=job.seed, replicates=count, first_replicate=first)
        if outcome.start == scenario.start:  # the state before the first month: the scenario's initial state
            model.history.record(scenario.start - 1, model.world)
        return model

    window = outcome.end - outcome.start + 1
    if not job.shared:
        return [_reduce(_advanced(start(s), outcome.end - s.start + 1), job) for s in job.scenarios]
    common = _advanced(start(job.base), outcome.start - job.base.start)
    return [_reduce(_advanced(common.branch(scenario), window), job) for scenario in job.scenarios]


def _advanced(model: TajikistanModel, months: int) -> TajikistanModel:
    if months > 0:
        advance(model, months=months)
    return model


@dataclass(frozen=True, eq=False)
class Attribution:
    """An attribution to run: the base scenario, the levers, the outcome and the subsets' scenarios."""

    base: Scenario
    levers: tuple[Lever, ...]
    outcome: OutcomeSpec
    statistic: str
    seed: int
    replicates: int
    coalitions: Coalitions
    scenarios: dict[int, Scenario]
    batch: int

    @property
    def runs(self) -> int:
        return len(self.scenarios) * self.replicates

    def tasks(self) -> list[tuple[tuple[int, ...], int, int]]:
        """``(subsets, first replicate, count)`` of every task, in the order results are put together:
        groups of up to :data:`GROUP` subsets (each a set of levers switched off) and a batch of
        replicates, the same whatever the number of workers."""
        masks = list(self.scenarios)
        groups = [tuple(masks[n:n + GROUP]) for n in range(0, len(masks), GROUP)]
        return [(group, first, min(self.batch, self.replicates - first))
                for group in groups for first in range(0, self.replicates, self.batch)]

    def changes(self, lever: Lever) -> list:
        """The changes that switch ``lever`` off, with their months."""
        return lever.switched_off(format_month(self.outcome.start), format_month(self.base.end))

    def digest(self) -> str:
        """SHA-256 of everything that shapes the results: every subset's scenario, the outcome and the seed."""
        text = json.dumps({
            "scenarios": [[mask, scenario.digest()] for mask, scenario in self.scenarios.items()],
            "outcome": self.outcome.canonical(), "statistic": self.statistic, "seed": self.seed,
            "replicates": self.replicates, "batch": self.batch,
        }, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()


def build_attribution(base: Scenario, levers: list[Lever], outcome: OutcomeSpec, *, statistic: str = "change",
                      seed: int = 0, replicates: int = 100, permutations: int = DEFAULT_PERMUTATIONS) -> Attribution:
    """Every subset's scenario: the base with the levers in it switched off from the window's first month."""
    if statistic not in STATISTICS:
        raise ExperimentError(f"--statistic: {statistic!r} is none of {', '.join(STATISTICS)}")
    if not levers:
        raise ExperimentError("--levers: names no lever")
    if len({lever.name for lever in levers}) < len(levers):
        raise ExperimentError("--levers: a lever is named twice")
    subsets = coalitions(len(levers), permutations, seed)
    start, end = format_month(outcome.start), format_month(base.end)
    changes = {}
    for lever in levers:
        try:
            changes[lever.name] = lever.switched_off(start, end)
            apply_changes(base, changes[lever.name], f"lever {lever.name}")
        except (OverlayError, ValueError) as error:
            raise ExperimentError(f"--levers: lever {lever.name} cannot be switched off in {base.name} from "
                                  f"{start}: {error}") from None
    scenarios = {}
    for mask in subsets.switched_off:
        off = [lever for number, lever in enumerate(levers) if mask >> number & 1]
        scenario = base
        for lever in off:
            scenario = apply_changes(scenario, changes[lever.name], "levers off: " + "+".join(x.name for x in off))
        scenarios[mask] = scenario
    return Attribution(base=base, levers=tuple(levers), outcome=outcome, statistic=statistic, seed=seed,
                       replicates=replicates, coalitions=subsets, scenarios=scenarios, batch=default_batch(replicates))


# --- running it ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AttributionResult:
    """What an attribution found: the outcome per subset and replicate, each lever's Shapley values
    per replicate (``[lever, replicate]``), the total per replicate, and the table."""

    attribution: Attribution
    values: dict[int, np.ndarray]
    shapley: np.ndarray
    total: np.ndarray
    table: pd.DataFrame


def _row(name: str, values: np.ndarray) -> dict:
    mean = float(values.mean())
    half = float(half_width(values[:, None])[0])
    return {"lever": name, "contribution": mean, "ci_low": mean - half, "ci_high": mean + half}


def run_attribution(attribution: Attribution, *, workers: int = 1, progress: bool = False,
                    shared: bool = True) -> AttributionResult:
    """Run every subset's replicates (on ``workers`` local processes) and split the total among the levers.

    ``shared``: run the history the subsets share up to the window once per task and branch each
    subset from it (the same bytes as ``shared=False``, which runs every subset from the start; tested).
    """
    if workers < 1:
        raise ExperimentError(f"--workers: must be at least 1, got {workers}")
    scenarios = attribution.scenarios
    tag = attribution.digest()[:16]
    tasks = attribution.tasks()
    calls = [Call(f"tajsim-attribute-{tag}-{group[0]}-{first}", group_values,
                  (GroupJob(attribution.base, tuple(scenarios[mask] for mask in group), attribution.seed,
                            attribution.outcome, attribution.statistic, shared), first, count), count * len(group))
             for group, first, count in tasks]
    found: dict[str, list[np.ndarray]] = {}
    bar = Progress(total=attribution.runs, unit="run", desc="attribute", disable=not progress, file=sys.stderr,
                   dynamic_ncols=True, smoothing=0.1)

    def done(call: Call, values: list[np.ndarray]) -> None:
        found[call.key] = values
        bar.update(call.runs)

    try:
        if workers == 1 or len(calls) == 1:
            run_serial(calls, done)
        else:
            run_local(calls, workers, done)
    finally:
        bar.close()
    parts: dict[int, list[np.ndarray]] = {mask: [] for mask in scenarios}
    for call, (group, _, _) in zip(calls, tasks):
        for mask, part in zip(group, found[call.key]):
            parts[mask].append(part)
    values = {mask: np.concatenate(parts[mask]) for mask in scenarios}
    contributions = shapley(values, attribution.coalitions)
    totals = total(values, attribution.coalitions)
    rows = [_row(lever.name, contributions[number]) for number, lever in enumerate(attribution.levers)]
    table = pd.DataFrame(rows + [_row(TOTAL, totals)], columns=COLUMNS)
    return AttributionResult(attribution, values, contributions, totals, table)


# --- what it writes ------------------------------------------------------------------------------------


def csv_text(table: pd.DataFrame) -> str:
    """attribution.csv: its floats in one fixed format, so the same results give the same bytes."""
    return table.to_csv(index=False, float_format=FLOAT_FORMAT, lineterminator="\n")


def manifest(attribution: Attribution) -> dict:
    """What shaped the results, and nothing that varies between runs (no times, no worker counts)."""
    base, outcome, subsets = attribution.base, attribution.outcome, attribution.coalitions
    return {
        "command": "attribute",
        "scenario": base.name,
        "scenario_files": [relative_path(f) for f in base.files],
        "scenario_sha256": base.digest(),
        "calibration_file": relative_path(base.calibration) if base.calibration else None,
        "attribution_sha256": attribution.digest(),
        "seed": attribution.seed,
        "streams": "replicate k of every subset draws from numpy SeedSequence(seed, spawn_key=(k,))",
        "replicates": attribution.replicates,
        "outcome": {"variable": outcome.variable, "actor": outcome.actor, "target": outcome.target},
        "window": {"from": format_month(outcome.start), "to": format_month(outcome.end)},
        "statistic": attribution.statistic,
        "levers": [{"name": lever.name, "holder": lever.holder, "description": lever.description,
                    "changes": [change.model_dump(mode="json", by_alias=True, exclude_none=True)
                                for change in attribution.changes(lever)]} for lever in attribution.levers],
        "method": {"shapley": "exact" if subsets.exact else "sampled orders (antithetic pairs)",
                   "subsets": len(attribution.scenarios),
                   "orders": None if subsets.orders is None else subsets.orders.tolist()},
        "runs": attribution.runs,
        "interval": "95% t-interval over replicates",
        "versions": versions(),
    }


def check_out(out: str | Path) -> Path:
    """An output directory an attribution may write to: not a file, and not another command's
    results (their manifest.json would be replaced); an earlier attribution's is replaced."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise ExperimentError(f"{out}: --out: exists and is not a directory")
    path = out / "manifest.json"
    if path.is_file():
        try:
            command = json.loads(path.read_text(encoding="utf-8")).get("command")
        except (ValueError, AttributeError, UnicodeDecodeError):
            command = None
        if command != "attribute":
            raise ExperimentError(f"{out}: --out: holds another command's results (manifest.json); choose another folder")
    return out


def write_attribution(result: AttributionResult, out: str | Path) -> tuple[Path, ...]:
    """Write attribution.csv and manifest.json into ``out``, each atomically; the paths written."""
    out = check_out(out)
    out.mkdir(parents=True, exist_ok=True)
    table = out / "attribution.csv"
    atomic_write(table, csv_text(result.table))
    path = out / "manifest.json"
    atomic_write(path, json.dumps(manifest(result.attribution), indent=2, sort_keys=True) + "\n")
    return table, path
