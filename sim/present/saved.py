"""Reading saved results back (``tajsim run --out DIR``, ``tajsim experiment``), for figures and reports.

Presentation never re-runs the model: it reads the files a run wrote, through the one reader
of :mod:`sim.running.stored` (Parquet or CSV alike). Figures of a run's trajectories draw from
its summary (each month's mean and 5/50/95% quantiles), so they are as fast for ten thousand
replicates as for one. A missing or unreadable file is a :class:`ResultsError`: one line
naming the file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd

from sim.months import parse_month
from sim.running.stored import ResultsError, manifest_of, read_summary, read_table

__all__ = ["ResultsError", "SavedExperiment", "SavedRun", "load_experiment", "load_run"]


@dataclass
class SavedRun:
    """The files of one run directory, read lazily."""

    folder: Path

    @cached_property
    def manifest(self) -> dict:
        return manifest_of(self.folder)

    @cached_property
    def trajectory(self) -> pd.DataFrame:
        """Every row of every replicate (large for a large ensemble: figures use :attr:`summary`)."""
        return read_table(self.folder, "trajectory", manifest=self.manifest)

    @cached_property
    def summary(self) -> pd.DataFrame:
        """date, actor, target, variable, mean, q05, q50, q95 (for one replicate all four are its value)."""
        return read_summary(self.folder, self.manifest)

    @cached_property
    def events(self) -> pd.DataFrame:
        return read_table(self.folder, "events", manifest=self.manifest)

    @cached_property
    def first_events(self) -> pd.DataFrame:
        """The events of the run's first replicate (the only ones read from Parquet)."""
        if not self.ensemble:
            return self.events
        first = int(self.manifest.get("first_replicate", 0))
        return read_table(self.folder, "events", where={"replicate": first}, manifest=self.manifest)

    @cached_property
    def comparison(self) -> pd.DataFrame:
        path = self.folder / "comparison.csv"
        if not path.is_file():
            raise ResultsError(f"{path}: no such file (is {self.folder} the output of 'tajsim run'?)")
        try:
            table = pd.read_csv(path, keep_default_na=False, na_values=[""])
        except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
            raise ResultsError(f"{path}: not a readable CSV table ({str(exc).splitlines()[0]})") from None
        missing = [c for c in ("period", "metric", "value", "detail") if c not in table.columns]
        if missing:
            raise ResultsError(f"{path}: missing column(s) {', '.join(missing)}")
        return table

    @property
    def ensemble(self) -> bool:
        return int(self.manifest.get("replicates", 1)) > 1

    @property
    def replicate_numbers(self) -> list[int]:
        """The replicates the run holds: ``first_replicate`` onwards, as many as its manifest says."""
        first = int(self.manifest.get("first_replicate", 0))
        return list(range(first, first + int(self.manifest.get("replicates", 1))))

    @property
    def title(self) -> str:
        m = self.manifest
        replicates = m.get("replicates", 1)
        runs = f"{replicates} replicates" if replicates > 1 else "1 replicate"
        return f"{m.get('scenario_title') or m.get('scenario', '?')} — seed {m.get('seed', '?')}, {runs}"

    @property
    def periods(self) -> list[tuple[str, int, int]]:
        """(name, first month, last month) of each period of the run."""
        return [(s.get("period") or s["name"], parse_month(s["start"]), parse_month(s["end"]))
                for s in self.manifest.get("segments", [])]


def _open(kind, folder: str | Path):
    """A saved folder of ``kind``, failing early (through its manifest) when it is not one."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ResultsError(f"{folder}: no such directory")
    saved = kind(folder)
    saved.manifest  # noqa: B018
    return saved


def load_run(folder: str | Path) -> SavedRun:
    return _open(SavedRun, folder)


@dataclass
class SavedExperiment:
    """The files of one experiment directory (``tajsim experiment --out DIR``)."""

    folder: Path

    def _file(self, name: str) -> Path:
        path = self.folder / name
        if not path.is_file():
            raise ResultsError(f"{path}: no such file (is {self.folder} the output of 'tajsim experiment'?)")
        return path

    @cached_property
    def manifest(self) -> dict:
        try:
            return json.loads(self._file("manifest.json").read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ResultsError(f"{self.folder / 'manifest.json'}: not valid JSON ({exc})") from None

    @cached_property
    def results(self) -> pd.DataFrame:
        path = self._file("results.parquet")
        try:
            table = pd.read_parquet(path)
        except Exception as exc:  # pyarrow raises several types for a damaged file
            raise ResultsError(f"{path}: not a readable Parquet file ({str(exc).splitlines()[0]})") from None
        missing = [c for c in ("arm", "replicate", "date", "outcome", "value") if c not in table.columns]
        if missing:
            raise ResultsError(f"{path}: missing column(s) {', '.join(missing)}")
        return table

    @cached_property
    def summary(self) -> pd.DataFrame:
        return pd.read_csv(self._file("summary.csv"), keep_default_na=False, na_values=[""])

    @cached_property
    def sensitivity(self) -> pd.DataFrame:
        return pd.read_csv(self._file("sensitivity.csv"))

    @property
    def title(self) -> str:
        m = self.manifest
        return f"{m.get('title') or m.get('experiment', '?')} — seed {m.get('seed', '?')}, {m.get('replicates', '?')} replicates"

    def arm_titles(self) -> dict[str, str]:
        return {arm["name"]: arm.get("title") or arm["name"] for arm in self.manifest.get("arms", [])}


def load_experiment(folder: str | Path) -> SavedExperiment:
    return _open(SavedExperiment, folder)


@dataclass
class SavedAttribution:
    """The files of one attribution directory (``tajsim attribute --out DIR``)."""

    folder: Path

    def _file(self, name: str) -> Path:
        path = self.folder / name
        if not path.is_file():
            raise ResultsError(f"{path}: no such file (is {self.folder} the output of 'tajsim attribute'?)")
        return path

    @cached_property
    def manifest(self) -> dict:
        path = self._file("manifest.json")
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ResultsError(f"{path}: not valid JSON ({exc})") from None
        if not isinstance(manifest, dict) or manifest.get("command") != "attribute":
            raise ResultsError(f"{path}: not the manifest of 'tajsim attribute'")
        return manifest

    @cached_property
    def table(self) -> pd.DataFrame:
        """attribution.csv: ``lever, contribution, ci_low, ci_high``, the row ``total`` last."""
        path = self._file("attribution.csv")
        try:
            table = pd.read_csv(path, keep_default_na=False, na_values=[""])
        except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
            raise ResultsError(f"{path}: not a readable CSV table ({str(exc).splitlines()[0]})") from None
        missing = [c for c in ("lever", "contribution", "ci_low", "ci_high") if c not in table.columns]
        if missing:
            raise ResultsError(f"{path}: missing column(s) {', '.join(missing)}")
        if table.empty or table["lever"].iloc[-1] != "total":
            raise ResultsError(f"{path}: the last row is not the total")
        return table

    @property
    def outcome(self) -> str:
        """The outcome in words: ``dependence TJK → RUS, change 2010-01..2023-12``."""
        m = self.manifest
        outcome, window = m.get("outcome", {}), m.get("window", {})
        who = " → ".join(code for code in (outcome.get("actor"), outcome.get("target")) if code)
        return (f"{outcome.get('variable', '?')}{' ' + who if who else ''}, {m.get('statistic', '?')} "
                f"{window.get('from', '?')}..{window.get('to', '?')}")

    @property
    def title(self) -> str:
        m = self.manifest
        return f"{m.get('scenario', '?')} — seed {m.get('seed', '?')}, {m.get('replicates', '?')} replicates"

    def holders(self) -> dict[str, str]:
        """Each lever's holder, as the manifest gives it (``RUS``, ``CSTO, SCO``)."""
        return {lever["name"]: lever.get("holder", "") for lever in self.manifest.get("levers", [])}


def load_attribution(folder: str | Path) -> SavedAttribution:
    saved = _open(SavedAttribution, folder)
    saved.table  # noqa: B018
    return saved
