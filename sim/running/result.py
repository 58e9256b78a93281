"""What a run produced: its arrays (when held), its tables, its comparison, and its files.

A run writes into its output directory (see :mod:`sim.running.writer`):

* ``trajectory.parquet`` or ``.csv``: ``date,actor,target,variable,value`` - every dyad of
  Tajikistan, monthly;
* ``events.parquet`` or ``.csv``: ``date,actor,target,type,summary,rule`` - every event, with
  the rule behind it;
* ``trajectory_summary.csv`` (ensembles): ``date,actor,target,variable,mean,q05,q50,q95``;
* ``comparison.csv``: ``period,metric,value,detail`` - the run against the record;
* ``manifest.json``: scenario hash, seed, parameters, versions, the files written.

With more than one replicate the first two tables gain a leading ``replicate`` column.
Ensembles are written as Parquet and a single replicate as CSV unless ``format`` says otherwise.

A :class:`RunResult` holds the recorded arrays of a run that ran as one model (``sim.run``
without ``out``, or a run of one batch); a run streamed to disk in several batches holds only
its comparison and reads everything else from its files, lazily, through
:func:`sim.running.stored.read_table`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import numpy as np
import pandas as pd

from sim.months import format_month, parse_month
from sim.paths import project_root
from sim.record.baselines import baseline_scores
from sim.record.compare import (
    DEFAULT_WINDOW,
    comparison_table,
    event_tally,
    fact_scores,
    periods_of,
    reproduced_rows,
)
from sim.record.items import load_events, load_facts
from sim.record.matching import Targets
from sim.running.stored import read_table
from sim.running.tables import Layout, Recorded, to_frame, trajectory_table
from sim.running.writer import RunWriter
from sim.scenario.spec import Scenario
from sim.vocabulary import ACTOR_CODES


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "unknown"


class Tally:
    """The comparison with the record, added up batch by batch: each replicate's event scores and
    its baselines' (drawn from ``seed``), and for each fact how many replicates show it."""

    def __init__(self, scenario: Scenario, codes: list[str], window: int, seed: int):
        self.periods = periods_of(scenario.segments)
        self.actors = set(codes)
        self.inputs = {event.record for event in scenario.events if event.record}
        self.record, self.facts = load_events(), load_facts()
        self.targets = Targets.of(self.record, self.periods, self.actors, self.inputs, window)
        self.window, self.seed = window, seed
        self.scores: list[pd.DataFrame] = []
        self.baselines: list[pd.DataFrame] = []
        self.passed: pd.DataFrame | None = None
        self.reproduced = np.zeros(len(self.targets.ids), dtype=np.int64)
        self.replicates = 0

    def add(self, recorded: Recorded) -> None:
        events = recorded.events(categorical=True).assign(replicate=recorded.log["replicate"],
                                                          month=recorded.log["month"])
        rows, reproduced = event_tally(events, self.targets, recorded.count)
        self.scores.append(rows.assign(replicate=rows["replicate"] + recorded.first))
        self.baselines.append(baseline_scores(events, self.targets, recorded.count, recorded.first, self.seed))
        self.reproduced += reproduced
        facts = fact_scores(self.facts, self.periods, recorded.months, recorded.series, events, recorded.count,
                            self.actors, counts=True)
        if self.passed is None:
            self.passed = facts
        else:
            self.passed["passed"] += facts["passed"].to_numpy()
        self.replicates += recorded.count

    def table(self) -> pd.DataFrame:
        assert self.passed is not None, "no batch was added"
        facts = self.passed.assign(passed=self.passed["passed"] / self.replicates)
        return comparison_table(pd.concat(self.scores, ignore_index=True), facts, self.periods, self.window,
                                pd.concat(self.baselines, ignore_index=True),
                                reproduced_rows(self.targets, self.reproduced, self.replicates, self.record))


@dataclass
class RunResult:
    """Everything one run (of one or many replicates) produced, as arrays and tables."""

    scenario: Scenario
    seed: int
    replicates: int
    first_replicate: int
    founded: dict[str, int]
    recorded: Recorded | None = None
    folder: Path | None = None
    window: int = DEFAULT_WINDOW
    overrides: dict = field(default_factory=dict)
    _comparison: pd.DataFrame | None = None
    _trajectory: pd.DataFrame | None = None
    _events: pd.DataFrame | None = None

    # --- the arrays, where the run is held in memory ---------------------------------------

    @property
    def months(self) -> np.ndarray:
        """The months recorded: the scenario's, or those a model held in memory has simulated so far."""
        if self.recorded is not None:
            return self.recorded.months
        return np.arange(self.scenario.start, self.scenario.end + 1)

    @property
    def codes(self) -> list[str]:
        return [code for code in ACTOR_CODES if code in self.scenario.actors]

    def _files(self) -> Path:
        assert self.folder is not None, "a run not held in memory was written to a folder"
        return self.folder

    def _held(self) -> Recorded:
        if self.recorded is None:
            raise ValueError(f"the run was streamed to {self.folder} in batches and is not held in memory: "
                             "read its files (sim.running.read_table)")
        return self.recorded

    @property
    def dyads(self) -> np.ndarray:
        """Tajikistan's dyads, ``[month, replicate, variable, actor]``."""
        return self._held().dyads

    @property
    def domestic(self) -> dict[str, np.ndarray]:
        return self._held().domestic

    @property
    def others(self) -> list:
        return self._held().others

    def series(self, variable: str, actor: str, target: str) -> np.ndarray:
        """A dyadic variable of Tajikistan as ``[replicate, month]`` (read from the files of a
        streamed run, where months before the partner existed are NaN)."""
        if self.recorded is not None:
            return self.recorded.series(variable, actor, target)
        rows = read_table(self._files(), "trajectory", where={"variable": variable, "actor": actor, "target": target})
        if rows.empty:
            raise KeyError(f"{variable} {actor}->{target} is not recorded (only Tajikistan's dyads are)")
        values = np.full((self.replicates, len(self.months)), np.nan)
        replicate = rows["replicate"].to_numpy() - self.first_replicate if "replicate" in rows else 0
        dates = rows["date"].cat
        month = np.array([parse_month(d) for d in dates.categories]) - self.scenario.start
        values[replicate, month[dates.codes.to_numpy()]] = rows["value"].to_numpy()
        return values

    # --- the tables ----------------------------------------------------------------------

    @property
    def comparison(self) -> pd.DataFrame:
        if self._comparison is None:
            tally = Tally(self.scenario, self.codes, self.window, self.seed)
            tally.add(self._held())
            self._comparison = tally.table()
        return self._comparison

    @property
    def trajectory(self) -> pd.DataFrame:
        """The long table: one row per month, dyad and variable (and replicate)."""
        if self._trajectory is None:
            if self.recorded is None:
                self._trajectory = read_table(self._files(), "trajectory")
            else:
                layout = Layout.of(self.recorded, self.founded)
                table = trajectory_table(layout, self.recorded.values(layout), self.first_replicate,
                                         replicate=self.replicates > 1)
                self._trajectory = to_frame(table)
        return self._trajectory

    @property
    def events(self) -> pd.DataFrame:
        """Every event, with a ``replicate`` column even for a single replicate."""
        if self._events is None:
            if self.recorded is None:
                events = read_table(self._files(), "events")
                if "replicate" not in events:
                    events.insert(0, "replicate", self.first_replicate)
                self._events = events
            else:
                self._events = self.recorded.events()
        return self._events

    def public_events(self) -> pd.DataFrame:
        """The events table as written: date, actor, target, type, summary, rule."""
        table = self.events
        if self.replicates == 1:
            table = table.drop(columns="replicate")
        return table.reset_index(drop=True)

    def manifest(self, format: str = "csv", batch: int | None = None) -> dict:
        return {
            "tajsim_version": _version("tajsim"),
            "mesa_version": _version("mesa"),
            "numpy_version": np.__version__,
            "pyarrow_version": _version("pyarrow"),
            "scenario": self.scenario.name,
            "scenario_title": self.scenario.title,
            "scenario_sha256": self.scenario.digest(),
            "scenario_files": [_relative(f) for f in self.scenario.files],
            "calibration_file": _relative(self.scenario.calibration) if self.scenario.calibration else None,
            "seed": self.seed,
            "replicates": self.replicates,
            "first_replicate": self.first_replicate,
            "format": format,
            "batch": min(batch or self.replicates, self.replicates),
            "start": format_month(self.scenario.start),
            "end": format_month(self.scenario.end),
            "event_window_months": self.window,
            "rule_overrides": {k: list(v) for k, v in sorted(self.overrides.items())},
            "segments": self.scenario.canonical()["segments"],
        }

    def write(self, out: str | Path, format: str | None = None) -> Path:
        """Write the run's files into ``out`` (Parquet for an ensemble, CSV for one replicate,
        unless ``format`` says otherwise); only a run held in memory can be written again."""
        recorded = self._held()
        format = format or ("csv" if self.replicates == 1 else "parquet")
        with RunWriter(out, format=format, replicates=self.replicates, founded=self.founded) as writer:
            writer.add(recorded)
            writer.finish(self.comparison, self.manifest(format))
        return Path(out)


def _relative(path: str) -> str:
    try:
        return str(Path(path).resolve().relative_to(project_root().resolve()))
    except ValueError:
        return Path(path).name
