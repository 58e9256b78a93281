"""tajsim: an agent-based simulation of Tajikistan's foreign relations since independence.

``sim.run()`` replays 1991-2023 (or any scenario) and compares the run with the record;
``sim.load_scenario()`` reads and validates a scenario file; ``sim.TajikistanModel`` is the
Mesa model itself. The package is layered (``docs/ARCHITECTURE.md``): ``scenario`` -> ``core``
-> ``record`` -> ``runs`` -> ``calibration``/``experiments`` -> ``present`` -> ``cli``. Names
here are imported on first use, so that ``import sim`` is cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.core.model import TajikistanModel
    from sim.running import RunResult, run
    from sim.scenario import Scenario, ScenarioError, load_scenario

_EXPORTS = {
    "TajikistanModel": "sim.core.model",
    "RunResult": "sim.running",
    "run": "sim.running",
    "Scenario": "sim.scenario",
    "ScenarioError": "sim.scenario",
    "load_scenario": "sim.scenario",
}

__all__ = ["RunResult", "Scenario", "ScenarioError", "TajikistanModel", "load_scenario", "run"]


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'sim' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
