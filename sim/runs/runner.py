"""Running a scenario: ``sim.run(...)`` and ``tajsim run``.

A run builds the model for a composed scenario, runs it to the end, and gathers what it
recorded into a :class:`~sim.runs.result.RunResult` (its tables, its comparison with the
record), written to an output directory when asked.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from sim.core.model import TajikistanModel
from sim.months import format_month, parse_month
from sim.paths import default_scenario
from sim.record.compare import DEFAULT_WINDOW
from sim.runs.result import RunResult
from sim.scenario import Scenario, load_scenario
from sim.vocabulary import EVENT_TYPES


def _events_table(model: TajikistanModel) -> pd.DataFrame:
    cols = model.log.arrays()
    texts = model.log.texts
    codes = np.array(model.codes, dtype=object)
    summary = np.array([t[0] for t in texts] or [""], dtype=object)
    rule = np.array([t[1] for t in texts] or [""], dtype=object)
    return pd.DataFrame({
        "replicate": cols["replicate"] + model.first_replicate,
        "date": [format_month(m) for m in cols["month"]],
        "actor": codes[cols["actor"]] if len(cols["actor"]) else [],
        "target": codes[cols["target"]] if len(cols["target"]) else [],
        "type": np.array(EVENT_TYPES, dtype=object)[cols["type"]] if len(cols["type"]) else [],
        "summary": summary[cols["text"]] if len(cols["text"]) else [],
        "rule": rule[cols["text"]] if len(cols["text"]) else [],
    })


def advance(model: TajikistanModel, progress: Callable[[int], object] | None = None,
            months: int | None = None) -> None:
    """Run ``model`` to its end (or ``months`` months on), calling ``progress(1)`` after each month."""
    if progress is None:
        if months is None:
            model.run()
        else:
            model.run_for(months)
        return
    left = model.plan.end - model.month + 1 if months is None else months
    for _ in range(left):
        model.run_for(1)
        progress(1)


def collect(model: TajikistanModel, *, window: int = DEFAULT_WINDOW) -> RunResult:
    """What a model has recorded so far (every month it has simulated), as a :class:`RunResult`."""
    plan, history = model.plan, model.history
    founded = {code: (plan.start if spec.founded is None else max(plan.start, parse_month(spec.founded)))
               for code, spec in plan.actors.items()}
    return RunResult(
        scenario=plan, seed=model.seed, replicates=model.replicates, first_replicate=model.first_replicate,
        months=np.array(history.months), codes=model.codes, founded=founded,
        dyads=np.stack(history.dyads), others=list(history.others),
        domestic={"security": np.stack(history.security), "economy": np.stack(history.economy)},
        events=_events_table(model), window=window, overrides=dict(model.overrides),
    )


def run(scenario: str | Path | Scenario | None = None, *, seed: int = 0, replicates: int = 1,
        first_replicate: int = 0, out: str | Path | None = None, window: int = DEFAULT_WINDOW,
        overrides: dict[str, tuple[bool, float]] | None = None,
        progress: Callable[[int], object] | None = None) -> RunResult:
    """Run a scenario (the full 1991-2023 replay by default) and compare it with the record.

    Returns a :class:`RunResult` whose ``trajectory``, ``events`` and ``comparison`` are
    pandas DataFrames; with ``out`` the four output files are written there too. ``progress``,
    if given, is called with 1 after each month is simulated (``tqdm.update`` fits).
    """
    if scenario is None:
        scenario = default_scenario()
    plan = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    model = TajikistanModel(plan, seed=seed, replicates=replicates, first_replicate=first_replicate,
                            overrides=overrides)
    advance(model, progress)
    result = collect(model, window=window)
    if out is not None:
        result.write(out)
    return result
