"""What an experiment compiles to: its arms (each a scenario), its outcomes and its tasks.

:func:`build_experiment` turns a validated experiment file into the arms to run (the
baseline first, then the named arms, then the design points) and the compiled outcomes.
Every problem is a one-line :class:`~sim.scenario.ScenarioError` naming the field.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from pydantic import ValidationError

from sim.core.model import TajikistanModel
from sim.experiments.changes import APPLY, OverlayError, apply_changes, in_run, present
from sim.experiments.design import Factor
from sim.experiments.fields import BASELINE, MAX_RUNS
from sim.experiments.schema import Change, ExperimentFile
from sim.experiments.summarise import design_matrix
from sim.months import format_month
from sim.scenario import Scenario, ScenarioError, load_scenario

#: Replicates per task when the file does not say.
DEFAULT_BATCH = 100


# --- what an experiment compiles to ---------------------------------------------------------


@dataclass(frozen=True)
class OutcomeSpec:
    """An outcome with its months as numbers, ready for the workers."""

    name: str
    description: str
    variable: str | None
    actor: str | None
    target: str | None
    start: int
    end: int
    statistic: str
    tolerance: float
    types: tuple[str, ...] | None = None
    actors: tuple[str, ...] | None = None
    targets: tuple[str, ...] | None = None
    rules: tuple[str, ...] | None = None
    include_scheduled: bool = False

    @property
    def counts_events(self) -> bool:
        return self.variable is None

    def canonical(self) -> dict:
        return {
            "name": self.name, "variable": self.variable, "actor": self.actor, "target": self.target,
            "from": format_month(self.start), "to": format_month(self.end), "statistic": self.statistic,
            "tolerance": self.tolerance, "events": None if self.variable else {
                "type": self.types, "actor": self.actors, "target": self.targets, "rule": self.rules,
                "include_scheduled": self.include_scheduled},
        }


@dataclass(frozen=True)
class ArmPlan:
    """One arm: its number (0 is the baseline), name and the scenario it runs."""

    index: int
    name: str
    title: str
    description: str
    scenario: Scenario
    factors: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Task:
    """Replicates ``first .. first + count - 1`` of one arm, run together in one model."""

    arm: int
    first: int
    count: int

    @property
    def filename(self) -> str:
        return f"{self.arm:05d}-{self.first:07d}-{self.count:06d}.parquet"

    @property
    def rules_filename(self) -> str:
        return self.filename.replace(".parquet", ".rules.parquet")


@dataclass(frozen=True, eq=False)
class Experiment:
    """A validated experiment: its arms, outcomes and tasks."""

    path: Path
    spec: ExperimentFile
    file_sha256: str
    base: Scenario
    arms: tuple[ArmPlan, ...]
    outcomes: tuple[OutcomeSpec, ...]
    batch: int
    design: np.ndarray | None = None

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def seed(self) -> int:
        return self.spec.seed

    @property
    def replicates(self) -> int:
        return self.spec.replicates

    @property
    def runs(self) -> int:
        return len(self.arms) * self.replicates

    @property
    def tasks(self) -> list[Task]:
        """Every task, in the order results are assembled: arm by arm, replicates ascending.

        The split depends on the file only (``batch``), never on how many workers run it.
        """
        return [Task(arm.index, first, min(self.batch, self.replicates - first))
                for arm in self.arms for first in range(0, self.replicates, self.batch)]

    def digest(self) -> str:
        """SHA-256 of everything that shapes the results: the file's content and every arm's scenario."""
        text = json.dumps({
            "spec": self.spec.model_dump(mode="json", by_alias=True),
            "arms": [[arm.name, arm.scenario.digest(), arm.factors] for arm in self.arms],
            "outcomes": [outcome.canonical() for outcome in self.outcomes],
            "batch": self.batch,
        }, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()


def _probe(plan: Scenario) -> None:
    """Run one replicate of a scenario that lacks an actor, to find rules that need it."""
    try:
        TajikistanModel(plan, seed=0).run()
    except KeyError as exc:
        raise OverlayError("", f"the model's rules need {exc.args[0]}, so it cannot be removed") from None


# --- designs ----------------------------------------------------------------------------------


def _factor_change(factor: Factor, value: float) -> Change:
    if factor.parameter is not None:
        return Change.model_validate({"parameter": {"name": factor.parameter, "value": value, "periods": factor.periods}})
    if factor.rule is not None:
        return Change.model_validate({"rule": {"id": factor.rule, "weight": value}})
    return Change.model_validate({"actor": {"code": factor.actor, "set": {factor.attribute: value}}})


def _design_point(plan: Scenario, factors: list[Factor], row: np.ndarray, arm: str) -> Scenario:
    for number, (factor, value) in enumerate(zip(factors, row)):
        try:
            change = _factor_change(factor, float(value))
            plan = APPLY[change.kind](plan, getattr(change, change.kind), arm)
        except OverlayError as error:
            raise OverlayError(f"factors.{number}", f"value {float(value):g}: {error.reason}") from None
        except ValidationError as exc:
            raise OverlayError(f"factors.{number}", f"value {float(value):g}: {exc.errors()[0]['msg']}") from None
    return plan


# --- the whole experiment ---------------------------------------------------------------------


def compile_outcome(name: str, spec, plan: Scenario) -> OutcomeSpec:
    """An outcome of the file checked against the scenario (actors present, months inside the run)."""
    start = in_run(plan, spec.from_, "from") if spec.from_ else plan.start
    end = in_run(plan, spec.to, "to") if spec.to else plan.end
    for role in ("actor", "target"):
        code = getattr(spec, role)
        if code is not None:
            present(plan, code, role)
    events = spec.events
    return OutcomeSpec(
        name=name, description=spec.description, variable=spec.variable, actor=spec.actor, target=spec.target,
        start=start, end=end, statistic=spec.reduce, tolerance=spec.tolerance,
        types=tuple(events.type) if events and events.type else None,
        actors=tuple(events.actor) if events and events.actor else None,
        targets=tuple(events.target) if events and events.target else None,
        rules=tuple(events.rule) if events and events.rule else None,
        include_scheduled=bool(events and events.include_scheduled),
    )


def default_batch(replicates: int) -> int:
    """Up to :data:`DEFAULT_BATCH` replicates a task, in tasks of equal size."""
    chunks = math.ceil(replicates / DEFAULT_BATCH)
    return math.ceil(replicates / chunks)


def build_experiment(spec: ExperimentFile, path: str | Path) -> Experiment:
    """Load the base scenario and build every arm and outcome of a validated experiment file."""
    path = Path(path)
    scenario_path = Path(spec.scenario)
    if not scenario_path.is_absolute():
        scenario_path = path.parent / scenario_path
    calibration: bool | str | Path = spec.calibration
    if isinstance(calibration, str):
        calibration = Path(calibration) if Path(calibration).is_absolute() else path.parent / calibration
    base = load_scenario(scenario_path, calibration=calibration)

    def fail(error: OverlayError, prefix: str) -> ScenarioError:
        located = error.under(prefix)
        return ScenarioError(path, located.field, located.reason)

    outcomes = []
    for name, outcome in spec.outcomes.items():
        try:
            outcomes.append(compile_outcome(name, outcome, base))
        except OverlayError as error:
            raise fail(error, f"outcomes.{name}") from None

    arms = [ArmPlan(0, BASELINE, "Baseline", f"the base scenario {base.name}, unchanged", base)]
    for name, arm in spec.arms.items():
        try:
            plan = apply_changes(base, arm.changes, name)
            if any(change.kind == "remove_actor" for change in arm.changes):
                try:
                    _probe(plan)
                except OverlayError as error:
                    number = max(n for n, c in enumerate(arm.changes) if c.kind == "remove_actor")
                    raise error.under(f"changes.{number}.remove_actor") from None
        except OverlayError as error:
            raise fail(error, f"arms.{name}") from None
        arms.append(ArmPlan(len(arms), name, arm.title, arm.description, plan))

    matrix = None
    if spec.design is not None:
        seed = spec.seed if spec.design.seed is None else spec.design.seed
        matrix = design_matrix(spec.design, seed)
        width = max(4, len(str(len(matrix) - 1)))
        labels = [factor.label for factor in spec.design.factors]
        for number, row in enumerate(matrix):
            name = f"point-{number:0{width}d}"
            try:
                plan = _design_point(base, spec.design.factors, row, name)
            except OverlayError as error:
                raise fail(error, "design") from None
            values = {label: float(value) for label, value in zip(labels, row)}
            arms.append(ArmPlan(len(arms), name, "", f"design point {number}", plan, values))

    for compiled in outcomes:
        if compiled.counts_events:
            continue
        for plan_of_arm in arms[1:]:
            for code in (compiled.actor, compiled.target):
                if code is not None and code not in plan_of_arm.scenario.actors:
                    raise ScenarioError(path, f"outcomes.{compiled.name}",
                                        f"names {code}, which arm {plan_of_arm.name} removes")

    runs = len(arms) * spec.replicates
    if runs > MAX_RUNS:
        raise ScenarioError(path, "replicates", f"{len(arms)} arms x {spec.replicates} replicates = {runs:,} runs, "
                            f"more than the {MAX_RUNS:,} one experiment may ask for")
    return Experiment(
        path=path, spec=spec, file_sha256=hashlib.sha256(path.read_bytes()).hexdigest(), base=base,
        arms=tuple(arms), outcomes=tuple(outcomes), batch=spec.batch or default_batch(spec.replicates),
        design=matrix,
    )
