"""tajsim: an agent-based simulation of Tajikistan's foreign relations since independence.

``sim.run()`` replays 1991-2023 (or any scenario) and compares the run with the record;
``sim.load_scenario()`` reads and validates a scenario file; ``sim.TajikistanModel`` is the
Mesa model itself.
"""

from sim.model import TajikistanModel
from sim.runner import RunResult, run
from sim.scenario import Scenario, ScenarioError, load_scenario

__all__ = ["RunResult", "Scenario", "ScenarioError", "TajikistanModel", "load_scenario", "run"]
