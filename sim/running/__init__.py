"""Runs: running a scenario (:func:`~sim.running.runner.run`), what a run yields and writes
(:class:`~sim.running.result.RunResult`, :mod:`~sim.running.writer`), and reading a saved run back
in either format (:func:`~sim.running.stored.read_table`, :func:`~sim.running.stored.read_summary`).

Names are imported on first use, so that reading saved results does not import the model.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.running.result import RunResult
    from sim.running.runner import run
    from sim.running.stored import read_summary, read_table

_EXPORTS = {
    "RunResult": "sim.running.result",
    "run": "sim.running.runner",
    "read_table": "sim.running.stored",
    "read_summary": "sim.running.stored",
}

__all__ = ["RunResult", "read_summary", "read_table", "run"]


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'sim.running' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
