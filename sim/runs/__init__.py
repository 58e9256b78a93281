"""Runs: running a scenario (:func:`~sim.runs.runner.run`) and what a run yields and writes
(:class:`~sim.runs.result.RunResult`)."""

from sim.runs.result import RunResult
from sim.runs.runner import run

__all__ = ["RunResult", "run"]
