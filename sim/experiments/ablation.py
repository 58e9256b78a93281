"""Facts that discriminate: each stylized fact with and without the mechanism that produces it.

A stylized fact (``calibration/record/stylized_facts.yaml``) is worth something as a test only
if the model can fail it. Each fact names its mechanism (:class:`~sim.record.items.Mechanism`):
the rules and parameters through which the model produces it. The ablation runs the same
scenario, seed and replicates three ways and says how often each fact passes:

* **with**: the scenario as it is;
* **without**: the fact's mechanism switched off for the whole run (its rules off through
  ``sim.run``'s ``overrides``, its parameters set in every period, as an experiment's
  ``parameter`` change does);
* **passive**: Tajikistan follows only its own diversification rule (R01), every other rule
  that names it switched off. Tajikistan follows no rule that does not name it
  (:meth:`sim.core.rulebook.Rule.applies_to`), so this is every rule of Tajikistan but R01.
  Overrides work per rule, not per follower, so the one rule it shares (R56, breaking a
  ceasefire, with the armed opposition) goes for the opposition too; the state dynamics
  (alignment, dependence, the economy, the civil war) and every other actor's rules run on;
* **null**: the diversification rule alone (R01), every other rule of every actor switched
  off. What is left is the world's own motion: the starting state, the exogenous drivers and
  shocks, the scheduled events of the period files, and the state dynamics (alignment relaxing,
  dependence, the economy, the war's own course) acting on them.

A fact that passes about as often without its mechanism as with it does not discriminate; one
the passive model passes is a pattern the world gives Tajikistan whatever it does; one the null
model passes needs no actor's decision at all.

Every arm shares the seed, so replicate k of each draws from the same stream (common random
numbers) and the table is the same, byte for byte, for a seed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import pandas as pd

from sim.core.rules import RULES
from sim.paths import default_scenario
from sim.record.items import Mechanism, StylizedFact, load_facts
from sim.running import run
from sim.scenario import Scenario, load_scenario
from sim.scenario.compose import with_parameters

#: The columns of the table, in order.
COLUMNS = ["fact", "periods", "mechanism", "with", "without", "passive", "null"]
#: The one rule the passive and the null models keep.
NULL_RULE = "R01"

#: Called with a line of text as each arm starts (a progress report on stderr fits).
Report = Callable[[str], object]


def passive_overrides() -> dict[str, tuple[bool, float]]:
    """Every rule Tajikistan follows switched off, but :data:`NULL_RULE`."""
    return {rule_id: (False, 1.0) for rule_id, rule in RULES.items() if "TJK" in rule.actors and rule_id != NULL_RULE}


def null_overrides() -> dict[str, tuple[bool, float]]:
    """Every rule of every actor switched off, but :data:`NULL_RULE`."""
    return {rule_id: (False, 1.0) for rule_id in RULES if rule_id != NULL_RULE}


def without(plan: Scenario, mechanism: Mechanism) -> tuple[Scenario, dict[str, tuple[bool, float]]]:
    """The scenario and rule overrides of a run with ``mechanism`` switched off from the start."""
    return with_parameters(plan, mechanism.parameters), mechanism.overrides


def pass_rates(comparison: pd.DataFrame) -> dict[str, float]:
    """Each fact's pass rate in a run's comparison table: the share of replicates that show it,
    averaged over the fact's periods the run covers."""
    facts = comparison[comparison["metric"].str.startswith("fact:")]
    return {metric.removeprefix("fact:"): float(value)
            for metric, value in facts.groupby("metric")["value"].mean().items()}


def covered_periods(comparison: pd.DataFrame) -> dict[str, str]:
    """The periods each fact is checked in by a run, in the run's order, separated by spaces."""
    facts = comparison[comparison["metric"].str.startswith("fact:")]
    return {metric.removeprefix("fact:"): " ".join(group["period"])
            for metric, group in facts.groupby("metric", sort=False)}


def facts_passed(table: pd.DataFrame) -> dict[str, int]:
    """How many of the table's facts each arm passes: in at least half its replicates, averaged over
    the fact's periods. The issue's test of a null model is that it fails most facts."""
    return {arm: int((table[arm] >= 0.5).sum()) for arm in ("with", "without", "passive", "null")}


def ablation_table(scenario: str | Path | Scenario | None = None, *, replicates: int = 40, seed: int = 0,
                   facts: Iterable[StylizedFact] | None = None, report: Report | None = None) -> pd.DataFrame:
    """The ablation table (:data:`COLUMNS`), one row per fact the scenario's periods cover.

    Facts that share a mechanism (the same rules and parameters) share its run.
    """
    plan = scenario if isinstance(scenario, Scenario) else load_scenario(scenario or default_scenario())
    chosen = tuple(facts) if facts is not None else load_facts()
    say = report or (lambda line: None)

    def comparison(arm_plan: Scenario, overrides: dict[str, tuple[bool, float]], name: str) -> pd.DataFrame:
        say(f"running {name}")
        return run(arm_plan, seed=seed, replicates=replicates, overrides=overrides).comparison

    def rates(arm_plan: Scenario, overrides: dict[str, tuple[bool, float]], name: str) -> dict[str, float]:
        return pass_rates(comparison(arm_plan, overrides, name))

    as_it_is = comparison(plan, {}, "the scenario as it is")
    with_it, periods = pass_rates(as_it_is), covered_periods(as_it_is)
    passive = rates(plan, passive_overrides(), f"the passive model (Tajikistan follows {NULL_RULE} only)")
    null = rates(plan, null_overrides(), f"the null model ({NULL_RULE} alone)")
    arms: dict[tuple, dict[str, float]] = {}
    rows = []
    for fact in chosen:
        if fact.id not in with_it:
            continue
        key = (fact.mechanism.rules, tuple(sorted(fact.mechanism.parameters.items())))
        if key not in arms:
            arms[key] = rates(*without(plan, fact.mechanism), f"{fact.id} without its mechanism")
        rows.append({"fact": fact.id, "periods": periods[fact.id], "mechanism": fact.mechanism.summary,
                     "with": with_it[fact.id], "without": arms[key].get(fact.id, float("nan")),
                     "passive": passive.get(fact.id, float("nan")), "null": null.get(fact.id, float("nan"))})
    return pd.DataFrame(rows, columns=COLUMNS)
