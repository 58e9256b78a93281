"""What a run produced, as arrays and tables, and how it is written.

A run yields four tables, written to an output directory atomically (each file is written
under a temporary name, then renamed into place, so an interrupted run never leaves a file
half-written):

* ``trajectory.csv``: ``date,actor,target,variable,value`` - every dyad of Tajikistan, monthly;
* ``events.csv``: ``date,actor,target,type,summary,rule`` - every event, with the rule behind it;
* ``comparison.csv``: ``period,metric,value,detail`` - the run against the record;
* ``manifest.json``: scenario hash, seed, parameters, versions.

With more than one replicate the first two tables gain a leading ``replicate`` column.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import numpy as np
import pandas as pd

from sim.core.recording import TRACKED
from sim.files import atomic_write
from sim.months import format_month
from sim.paths import project_root
from sim.record.compare import DEFAULT_WINDOW, comparison_table, event_scores, fact_scores, periods_of
from sim.record.items import load_events, load_facts
from sim.scenario.spec import Scenario

#: How each recorded variable maps onto trajectory rows: (variable, partner is actor?).
_ROWS = {
    "alignment": ("alignment", False),
    "regard": ("alignment", True),
    "aid_in": ("aid", True),
    "pressure_in": ("pressure", True),
    "dependence": ("dependence", False),
}


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "unknown"


@dataclass
class RunResult:
    """Everything one run (of one or many replicates) produced, as arrays and tables."""

    scenario: Scenario
    seed: int
    replicates: int
    first_replicate: int
    months: np.ndarray
    codes: list[str]
    founded: dict[str, int]
    dyads: np.ndarray
    domestic: dict[str, np.ndarray]
    events: pd.DataFrame
    others: list[tuple[tuple[tuple[int, int], ...], np.ndarray]] = field(default_factory=list)
    conflicts: dict[tuple[str, str, str], np.ndarray] = field(default_factory=dict)
    window: int = DEFAULT_WINDOW
    overrides: dict = field(default_factory=dict)
    _comparison: pd.DataFrame | None = None
    _trajectory: pd.DataFrame | None = None

    # --- the series the comparison reads ------------------------------------------------

    def series(self, variable: str, actor: str, target: str) -> np.ndarray:
        """A dyadic or conflict variable as ``[replicate, month]``; only Tajikistan's dyads are kept."""
        conflict = self.conflicts.get((actor, target, variable))
        if conflict is not None:
            return conflict.T.astype(float)
        for number, name in enumerate(TRACKED):
            var, partner_acts = _ROWS[name]
            if var != variable:
                continue
            partner = actor if partner_acts else target
            fixed = target if partner_acts else actor
            if fixed == "TJK" and partner in self.codes:
                return self.dyads[:, :, number, self.codes.index(partner)].T.astype(float)
        raise KeyError(f"{variable} {actor}->{target} is not recorded (only Tajikistan's dyads are)")

    @property
    def comparison(self) -> pd.DataFrame:
        if self._comparison is None:
            periods = periods_of(self.scenario.segments)
            actors = set(self.codes)
            inputs = {event.record for event in self.scenario.events if event.record}
            events = self.events.assign(month=self._event_months())
            ev = event_scores(events, load_events(), periods, self.replicates, actors, inputs, self.window)
            facts = fact_scores(load_facts(), periods, self.months, self.series, events, self.replicates, actors)
            self._comparison = comparison_table(ev, facts, periods, self.window)
        return self._comparison

    def _event_months(self) -> np.ndarray:
        years = self.events["date"].str.slice(0, 4).astype(int).to_numpy()
        months = self.events["date"].str.slice(5, 7).astype(int).to_numpy()
        return years * 12 + months - 1

    @property
    def trajectory(self) -> pd.DataFrame:
        """The long table: one row per month, dyad and variable (and replicate)."""
        if self._trajectory is None:
            self._trajectory = self._build_trajectory()
        return self._trajectory

    def _build_trajectory(self) -> pd.DataFrame:
        T, R, V, N = self.dyads.shape
        partners = [n for n, code in enumerate(self.codes) if code != "TJK"]
        frames = []
        for r in range(R):
            block = self.dyads[:, r][:, :, partners]  # month, variable, partner
            month = np.repeat(self.months, len(partners) * V)
            variable = np.tile(np.repeat(np.arange(V), len(partners)), T)
            partner = np.tile(np.array(partners), T * V)
            values = block.reshape(-1).astype(float)
            founded = np.array([self.founded[self.codes[p]] for p in partner])
            keep = month >= founded
            partner_code = np.array(self.codes, dtype=object)[partner]
            names = np.array([_ROWS[v][0] for v in TRACKED], dtype=object)[variable]
            partner_acts = np.array([_ROWS[v][1] for v in TRACKED])[variable]
            frame = pd.DataFrame({
                "month": month[keep],
                "actor": np.where(partner_acts, partner_code, "TJK")[keep],
                "target": np.where(partner_acts, "TJK", partner_code)[keep],
                "variable": names[keep],
                "value": values[keep],
            })
            domestic = pd.DataFrame({
                "month": np.tile(self.months, len(self.domestic)),
                "actor": "TJK", "target": "",
                "variable": np.repeat(list(self.domestic), T),
                "value": np.concatenate([self.domestic[k][:, r] for k in self.domestic]),
            })
            keys = list(self.conflicts)
            if keys:
                conflicts = pd.DataFrame({
                    "month": np.tile(self.months, len(keys)),
                    "actor": np.repeat([k[0] for k in keys], T),
                    "target": np.repeat([k[1] for k in keys], T),
                    "variable": np.repeat([k[2] for k in keys], T),
                    "value": np.concatenate([self.conflicts[k][:, r].astype(float) for k in keys]),
                })
                domestic = pd.concat([domestic, conflicts], ignore_index=True)
            frame = pd.concat([frame, domestic, self._third_party(r)], ignore_index=True)
            frame = frame.sort_values(["month", "variable", "actor", "target"], kind="stable")
            frame.insert(0, "replicate", self.first_replicate + r)
            frames.append(frame)
        table = pd.concat(frames, ignore_index=True)
        table.insert(1, "date", [format_month(m) for m in table.pop("month")])
        if self.replicates == 1:
            table = table.drop(columns="replicate")
        return table

    def _third_party(self, r: int) -> pd.DataFrame:
        """Alignment between Tajikistan's partners, for the dyads some rule moves."""
        months, actors, targets, values = [], [], [], []
        for month, (pairs, block) in zip(self.months, self.others):
            for (i, j), value in zip(pairs, block[r].tolist()):
                months.append(month)
                actors.append(self.codes[i])
                targets.append(self.codes[j])
                values.append(value)
        return pd.DataFrame({"month": months, "actor": actors, "target": targets, "variable": "alignment",
                             "value": np.array(values, dtype=float)})

    def public_events(self) -> pd.DataFrame:
        """The events table as written: date, actor, target, type, summary, rule."""
        table = self.events
        if self.replicates == 1:
            table = table.drop(columns="replicate")
        return table.reset_index(drop=True)

    def manifest(self) -> dict:
        return {
            "tajsim_version": _version("tajsim"),
            "mesa_version": _version("mesa"),
            "numpy_version": np.__version__,
            "scenario": self.scenario.name,
            "scenario_title": self.scenario.title,
            "scenario_sha256": self.scenario.digest(),
            "scenario_files": [_relative(f) for f in self.scenario.files],
            "calibration_file": _relative(self.scenario.calibration) if self.scenario.calibration else None,
            "seed": self.seed,
            "replicates": self.replicates,
            "first_replicate": self.first_replicate,
            "start": format_month(self.scenario.start),
            "end": format_month(self.scenario.end),
            "event_window_months": self.window,
            "rule_overrides": {k: list(v) for k, v in sorted(self.overrides.items())},
            "segments": self.scenario.canonical()["segments"],
        }

    def write(self, out: str | Path) -> Path:
        """Write the four files into ``out``, each atomically."""
        out = Path(out)
        if out.exists() and not out.is_dir():
            raise FileExistsError(f"{out}: exists and is not a directory")
        out.mkdir(parents=True, exist_ok=True)
        atomic_write(out / "trajectory.csv", self.trajectory.to_csv(index=False, float_format="%.6f", lineterminator="\n"))
        atomic_write(out / "events.csv", self.public_events().to_csv(index=False, lineterminator="\n"))
        atomic_write(out / "comparison.csv", self.comparison.to_csv(index=False, float_format="%.4f", lineterminator="\n"))
        atomic_write(out / "manifest.json", json.dumps(self.manifest(), indent=2, sort_keys=True) + "\n")
        return out


def _relative(path: str) -> str:
    try:
        return str(Path(path).resolve().relative_to(project_root().resolve()))
    except ValueError:
        return Path(path).name
