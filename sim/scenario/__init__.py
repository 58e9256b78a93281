"""Scenarios: the file format, reading and composing files, and the run specification.

``load_scenario(path)`` turns a scenario file into an immutable :class:`Scenario` ready to run;
every problem is a :class:`ScenarioError` whose message is one line naming the file, the field
and the reason. The format is one set of pydantic models (:mod:`sim.scenario.schema`); the one
place where a scenario, the calibrated defaults and overlays combine is
:mod:`sim.scenario.compose`. Names here are imported on first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.scenario.errors import ScenarioError
    from sim.scenario.loader import load_calibration, load_scenario
    from sim.scenario.schema import json_schema
    from sim.scenario.spec import Scenario, Segment

_EXPORTS = {
    "ScenarioError": "sim.scenario.errors",
    "load_calibration": "sim.scenario.loader",
    "load_scenario": "sim.scenario.loader",
    "json_schema": "sim.scenario.schema",
    "Scenario": "sim.scenario.spec",
    "Segment": "sim.scenario.spec",
}

__all__ = ["Scenario", "ScenarioError", "Segment", "json_schema", "load_calibration", "load_scenario"]


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'sim.scenario' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
