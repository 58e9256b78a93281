"""The model the dashboard runs: one replicate of a scenario, with the sliders' settings.

A slider at rest (not moved from where the page put it) changes nothing: the model then runs
the scenario exactly as ``tajsim run`` does. Settings are laid over the scenario through the
one composer (:mod:`sim.scenario.compose`).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from pathlib import Path

from sim.core.model import TajikistanModel
from sim.core.rules import RULES
from sim.paths import default_scenario
from sim.scenario import Scenario, load_scenario
from sim.scenario.compose import with_parameters, with_rule_weights_scaled

#: The scenario the served app replays (set by :func:`sim.present.dashboard.server.serve` for the server's process).
SCENARIO_ENV = "TAJSIM_DASHBOARD_SCENARIO"

#: The parameters a slider sets, in every period of the scenario: (min, max, step).
SLIDER_PARAMETERS = {
    "alignment_noise": (0.0, 0.2, 0.005),
    "pull_gain": (0.1, 2.0, 0.05),
    "event_hazard": (0.0, 3.0, 0.05),
}

#: The rule whose weight the rule slider scales unless another is chosen.
DEFAULT_RULE = "R23"


def overlay(plan: Scenario, parameters: Mapping[str, float | None] | None = None,
            rule_weights: Mapping[str, float] | None = None) -> Scenario:
    """The scenario with ``parameters`` set in every period and rules' weights scaled.

    ``parameters`` maps :class:`~sim.scenario.schema.Parameters` fields to values (``None`` keeps
    each period's own); ``rule_weights`` maps rule ids to a factor on the rule's weight, in every
    period and in every scheduled switch of rules (capped at the schema's 10); whether a rule is
    on is left as it was.
    """
    values = {name: value for name, value in (parameters or {}).items() if value is not None}
    return with_rule_weights_scaled(with_parameters(plan, values), dict(rule_weights or {}))


@functools.lru_cache(maxsize=8)
def _load(path: str, mtime: float) -> Scenario:
    return load_scenario(path)


def scenario_path(scenario: str | os.PathLike | None = None) -> Path:
    """The scenario file a dashboard replays: the one given, else the server's, else the full replay."""
    chosen = scenario or os.environ.get(SCENARIO_ENV) or default_scenario()
    return Path(chosen).resolve()


class DashboardModel(TajikistanModel):
    """One replicate of a scenario with the dashboard's settings laid over every period.

    SolaraViz re-creates the model on Reset by calling this class with the sliders' values
    as keywords, so every setting is a keyword with a default. ``None`` for a parameter
    keeps the scenario's own; ``rule_weight`` multiplies the weight of ``rule``.
    The model stops (``running`` false) after the scenario's last month.
    """

    def __init__(self, scenario_file: str | None = None, seed: int = 0, alignment_noise: float | None = None,
                 pull_gain: float | None = None, event_hazard: float | None = None, rule: str = DEFAULT_RULE,
                 rule_weight: float = 1.0):
        path = scenario_path(scenario_file)
        parameters = {"alignment_noise": alignment_noise, "pull_gain": pull_gain, "event_hazard": event_hazard}
        plan = overlay(_load(str(path), path.stat().st_mtime), parameters, {rule: rule_weight})
        super().__init__(plan, seed=int(seed), replicates=1)
        self.scenario_file = str(path)
        self.settings = {"seed": int(seed), **{k: v for k, v in parameters.items() if v is not None},
                         "rule": rule, "rule_weight": float(rule_weight)}


def model_params(scenario: str | os.PathLike | None = None) -> dict:
    """SolaraViz's ``model_params``: the fixed scenario file and the user's inputs.

    The parameter sliders start at the scenario's values in its first period.
    """
    path = scenario_path(scenario)
    plan = _load(str(path), path.stat().st_mtime)
    base = plan.segments[0].parameters
    params: dict = {
        "scenario_file": str(path),
        "seed": {"type": "SliderInt", "value": 0, "min": 0, "max": 99, "step": 1, "label": "Seed"},
    }
    for name, (low, high, step) in SLIDER_PARAMETERS.items():
        value = float(getattr(base, name))
        params[name] = {"type": "SliderFloat", "value": value, "min": min(low, value), "max": max(high, value),
                        "step": step, "label": name.replace("_", " ").capitalize()}
    params["rule"] = {"type": "Select", "value": DEFAULT_RULE, "label": "Rule to re-weight",
                      "values": sorted(RULES, key=lambda rule_id: int(rule_id[1:]))}
    params["rule_weight"] = {"type": "SliderFloat", "value": 1.0, "min": 0.0, "max": 3.0, "step": 0.1,
                             "label": "Rule weight (x)"}
    return params


def initial_settings(params: Mapping) -> dict:
    """The keywords that build the model as the inputs first stand."""
    return {name: (spec["value"] if isinstance(spec, dict) else spec) for name, spec in params.items()}
