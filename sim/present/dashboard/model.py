"""The model the dashboard runs: one replicate of a scenario, with the sliders' settings.

A slider at rest (not moved from where the page put it) changes nothing: the model then runs
the scenario exactly as ``tajsim run`` does. So the parameter sliders are factors on the
scenario's own values, starting at 1: each period keeps its own (calibrated or period) value as
the base, and 1 is a point of every slider's grid (the browser's slider rounds the value it is
given to ``min + k * step``, which would move an absolute value such as a calibrated 1.23605).
Settings are laid over the scenario through the one composer (:mod:`sim.scenario.compose`).
"""

from __future__ import annotations

import functools
import math
import os
from collections.abc import Mapping
from pathlib import Path

from sim.core.model import TajikistanModel
from sim.core.rules import RULES
from sim.paths import default_scenario
from sim.scenario import Scenario, load_scenario
from sim.scenario.compose import with_parameters_scaled, with_rule_weights_scaled
from sim.scenario.schema import Parameters

#: The scenario the served app replays (set by :func:`sim.present.dashboard.server.serve` for the server's process).
SCENARIO_ENV = "TAJSIM_DASHBOARD_SCENARIO"

#: The parameters a slider scales, in every period of the scenario: (min, max, step) of the factor.
#: ``min`` is a multiple of ``step``, so that 1 (the scenario's own) is on the slider's grid.
SLIDER_PARAMETERS = {
    "alignment_noise": (0.0, 5.0, 0.1),
    "pull_gain": (0.1, 3.0, 0.05),
    "event_hazard": (0.0, 3.0, 0.05),
}

#: The keyword of :class:`DashboardModel` (and the input) that carries a parameter's factor.
FACTOR = "{}_factor"

#: The rule whose weight the rule slider scales unless another is chosen.
DEFAULT_RULE = "R23"


def overlay(plan: Scenario, factors: Mapping[str, float] | None = None,
            rule_weights: Mapping[str, float] | None = None) -> Scenario:
    """The scenario with parameters and rules' weights multiplied, in every period.

    ``factors`` maps :class:`~sim.scenario.schema.Parameters` fields to a factor on each period's
    own value; ``rule_weights`` maps rule ids to a factor on the rule's weight, in every period
    and in every scheduled switch of rules (capped at the schema's 10); whether a rule is on is
    left as it was. A factor of 1 (or within 1e-9 of it, as a widget may hand back) changes nothing.
    """
    def changed(values: Mapping[str, float] | None) -> dict[str, float]:
        return {name: float(value) for name, value in (values or {}).items()
                if not math.isclose(float(value), 1.0, rel_tol=0.0, abs_tol=1e-9)}

    return with_rule_weights_scaled(with_parameters_scaled(plan, changed(factors)), changed(rule_weights))


@functools.lru_cache(maxsize=8)
def _load(path: str, mtime: float) -> Scenario:
    return load_scenario(path)


def scenario_path(scenario: str | os.PathLike | None = None) -> Path:
    """The scenario file a dashboard replays: the one given, else the server's, else the full replay."""
    chosen = scenario or os.environ.get(SCENARIO_ENV) or default_scenario()
    return Path(chosen).resolve()


class DashboardModel(TajikistanModel):
    """One replicate of a scenario with the dashboard's settings laid over every period.

    The page re-creates the model on Reset by calling this class with the inputs' values as
    keywords, so every setting is a keyword with a default. ``<parameter>_factor`` multiplies
    each period's own value of a parameter of :data:`SLIDER_PARAMETERS`; ``rule_weight``
    multiplies the weight of ``rule``. With every factor at 1 the run is ``sim.run(seed=seed)``'s.
    The model stops (``running`` false) after the scenario's last month.
    """

    def __init__(self, scenario_file: str | None = None, seed: int = 0, alignment_noise_factor: float = 1.0,
                 pull_gain_factor: float = 1.0, event_hazard_factor: float = 1.0, rule: str = DEFAULT_RULE,
                 rule_weight: float = 1.0):
        path = scenario_path(scenario_file)
        factors = {"alignment_noise": alignment_noise_factor, "pull_gain": pull_gain_factor,
                   "event_hazard": event_hazard_factor}
        plan = overlay(_load(str(path), path.stat().st_mtime), factors, {rule: rule_weight})
        super().__init__(plan, seed=int(seed), replicates=1)
        self.scenario_file = str(path)
        self.settings = {"seed": int(seed), **{FACTOR.format(k): float(v) for k, v in factors.items()},
                         "rule": rule, "rule_weight": float(rule_weight)}


def _largest_factor(name: str, values: list[float], high: float, step: float) -> float:
    """``high``, or less where a larger factor would take a period's value past the schema's bound."""
    bounds = [bound for m in Parameters.model_fields[name].metadata
              for bound in (getattr(m, "le", None), getattr(m, "lt", None)) if bound is not None]
    largest = max(values)
    if not bounds or largest <= 0:
        return high
    return min(high, math.floor(float(bounds[0]) / largest / step - 1e-9) * step)


def model_params(scenario: str | os.PathLike | None = None) -> dict:
    """The page's inputs, in SolaraViz's ``model_params`` form: the fixed scenario file and the user's inputs.

    Every input starts where it changes nothing: seed 0, each parameter factor and the rule
    weight at 1. A parameter slider's entry also holds ``scenario``, the period values it
    scales (sorted, distinct), for its read-out.
    """
    path = scenario_path(scenario)
    plan = _load(str(path), path.stat().st_mtime)
    params: dict = {
        "scenario_file": str(path),
        "seed": {"type": "SliderInt", "value": 0, "min": 0, "max": 99, "step": 1, "label": "Seed"},
    }
    for name, (low, high, step) in SLIDER_PARAMETERS.items():
        values = sorted({float(getattr(segment.parameters, name)) for segment in plan.segments})
        params[FACTOR.format(name)] = {
            "type": "SliderFloat", "value": 1.0, "min": low, "max": _largest_factor(name, values, high, step),
            "step": step, "label": name.replace("_", " ").capitalize(), "scenario": values}
    params["rule"] = {"type": "Select", "value": DEFAULT_RULE, "label": "Rule to re-weight",
                      "values": sorted(RULES, key=lambda rule_id: int(rule_id[1:]))}
    params["rule_weight"] = {"type": "SliderFloat", "value": 1.0, "min": 0.0, "max": 3.0, "step": 0.1,
                             "label": "Rule weight"}
    return params


def initial_settings(params: Mapping) -> dict:
    """The keywords that build the model as the inputs first stand."""
    return {name: (spec["value"] if isinstance(spec, dict) else spec) for name, spec in params.items()}
