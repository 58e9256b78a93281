"""Counterfactual experiments: paired ensembles of arms over a base scenario, at scale.

An experiment file (``experiments/*.yaml``, format in :mod:`sim.experiments.schema`) names a
base scenario, arms that change it (:mod:`sim.experiments.changes`), or a design of
parameter points, a seed, replicates and outcomes. Every arm runs the baseline's seed and
replicate numbers, so that differences between an arm and the baseline are the change's
effect and not sampling noise. :mod:`sim.experiments.execute` runs the tasks (here, on
local worker processes or on a Dask cluster) and writes ``results.parquet``;
:mod:`sim.experiments.summarise` turns the results into paired effects, divergence months
and sensitivity indices. ``tajsim experiment FILE --out DIR`` does it all.

    from sim.experiments import load_experiment, run_experiment
    experiment = load_experiment("experiments/smoke.yaml")
    run_experiment(experiment, "runs/smoke", workers=2)
"""

from __future__ import annotations

from pathlib import Path

from sim.experiments.execute import ExperimentError, ExperimentRun, run_experiment
from sim.experiments.plan import Experiment, build_experiment
from sim.experiments.schema import json_schema, read_experiment_file

__all__ = ["Experiment", "ExperimentError", "ExperimentRun", "json_schema", "load_experiment", "run_experiment"]


def load_experiment(path: str | Path, calibration: str | Path | None = None) -> Experiment:
    """Read, validate and build an experiment file; every problem is a one-line ScenarioError.

    ``calibration`` (a parameter file) replaces the file's own ``calibration``: the same
    experiment under another fit, to see whether its effects are the fit's or the mechanism's."""
    spec = read_experiment_file(path)
    if calibration is not None:
        spec = spec.model_copy(update={"calibration": str(Path(calibration).resolve())})
    return build_experiment(spec, path)
