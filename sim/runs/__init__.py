"""Runs: running a scenario (:func:`~sim.runs.runner.run`), what a run yields and writes
(:class:`~sim.runs.result.RunResult`, :mod:`~sim.runs.writer`), and reading a saved run back
in either format (:func:`~sim.runs.stored.read_table`, :func:`~sim.runs.stored.read_summary`).

Names are imported on first use, so that reading saved results does not import the model.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.runs.result import RunResult
    from sim.runs.runner import run
    from sim.runs.stored import read_summary, read_table

_EXPORTS = {
    "RunResult": "sim.runs.result",
    "run": "sim.runs.runner",
    "read_table": "sim.runs.stored",
    "read_summary": "sim.runs.stored",
}

__all__ = ["RunResult", "read_summary", "read_table", "run"]


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'sim.runs' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
