"""Reading a saved run back: one reader for both formats.

``tajsim run`` writes a run's trajectory and events as Parquet (ensembles, by default) or CSV
(a single replicate, by default, or ``--format csv``); its manifest lists the files. Everything
that reads a saved run - figures, the report, :class:`~sim.present.saved.SavedRun`, a streamed
:class:`~sim.running.result.RunResult` - reads them through :func:`read_table`, which gives the
same frame from either file: the trajectory's string columns as sorted pandas categories (it
is large), the events' as plain strings, ``replicate`` as int64 (where there is more than one
replicate), ``value`` as float32 from Parquet and float64 from CSV. :func:`read_summary` gives
each month's ensemble mean and 5/50/95% quantiles.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from sim.errors import UserError
from sim.running.tables import EVENT_COLUMNS, STRINGS, TRAJECTORY_COLUMNS, categories, plain

#: The tables a run writes, and the columns each must have.
TABLES = {"trajectory": TRAJECTORY_COLUMNS, "events": EVENT_COLUMNS}
SUMMARY = "trajectory_summary.csv"
SUMMARY_COLUMNS = ("date", "actor", "target", "variable", "mean", "q05", "q50", "q95")
QUANTILES = (0.05, 0.5, 0.95)


class ResultsError(UserError, ValueError):
    """Saved results that cannot be read: one line naming the file and the reason."""


def manifest_of(folder: str | Path) -> dict:
    """A run folder's ``manifest.json``."""
    path = Path(folder) / "manifest.json"
    if not path.is_file():
        raise ResultsError(f"{path}: no such file (is {folder} the output of 'tajsim run'?)")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ResultsError(f"{path}: not valid JSON ({exc})") from None


def table_path(folder: str | Path, name: str, manifest: dict | None = None) -> Path:
    """The file that holds a run's ``trajectory`` or ``events``: the one its manifest lists
    (runs from before the manifest listed files wrote CSV)."""
    folder = Path(folder)
    listed = (manifest if manifest is not None else manifest_of(folder)).get("files") or [f"{name}.csv"]
    for file in listed:
        if file in (f"{name}.parquet", f"{name}.csv"):
            path = folder / file
            if not path.is_file():
                raise ResultsError(f"{path}: no such file (is {folder} the output of 'tajsim run'?)")
            return path
    raise ResultsError(f"{folder / 'manifest.json'}: lists no {name} file")


def read_table(folder: str | Path, name: str, *, where: dict[str, str | int] | None = None,
               manifest: dict | None = None) -> pd.DataFrame:
    """A saved run's ``trajectory`` or ``events`` as a data frame, from Parquet or CSV.

    ``where`` keeps only rows whose columns equal the values given (``{"variable":
    "alignment", "actor": "TJK"}``); from Parquet only those rows are read.
    """
    path = table_path(folder, name, manifest)
    where = where or {}
    try:
        if path.suffix == ".parquet":
            import pyarrow.parquet as pq

            filters = [(column, "==", value) for column, value in where.items()] or None
            frame = pq.read_table(path, filters=filters).to_pandas()
        else:
            kind = "category" if name == "trajectory" else str
            strings = {column: kind for column in TABLES[name] if column in STRINGS}
            frame = pd.read_csv(path, dtype=strings, keep_default_na=False, na_values={"value": [""]})
            for column, value in where.items():
                frame = frame[frame[column] == value]
            frame = frame.reset_index(drop=True)
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError, OSError, ValueError) as exc:
        kind = "Parquet file" if path.suffix == ".parquet" else "CSV table"
        raise ResultsError(f"{path}: not a readable {kind} ({str(exc).splitlines()[0]})") from None
    missing = [c for c in TABLES[name] if c not in frame.columns]
    if missing:
        raise ResultsError(f"{path}: missing column(s) {', '.join(missing)}")
    frame = categories(frame)
    return frame if name == "trajectory" else plain(frame)


def summarise(trajectory: pd.DataFrame) -> pd.DataFrame:
    """Each row of a replicate - month, actor, target, variable - over the replicates: mean and
    5/50/95% quantiles (linear interpolation), in the trajectory's order: ``trajectory_summary.csv``."""
    keys = ["date", "actor", "target", "variable"]
    grouped = trajectory.groupby(keys, observed=True, sort=False)["value"]
    stats = {"mean": grouped.mean()}
    for name, q in zip(SUMMARY_COLUMNS[5:], QUANTILES):
        stats[name] = grouped.quantile(q)
    table = pd.DataFrame(stats).astype(float).reset_index()
    for column in keys:
        table[column] = table[column].astype(str)
    return table[list(SUMMARY_COLUMNS)]


def read_summary(folder: str | Path, manifest: dict | None = None) -> pd.DataFrame:
    """The trajectory's ensemble summary: ``trajectory_summary.csv`` where the run wrote one,
    else worked out from the trajectory (a single replicate, or a run of an older version)."""
    path = Path(folder) / SUMMARY
    listed = (manifest if manifest is not None else manifest_of(folder)).get("files") or []
    if SUMMARY not in listed:
        return summarise(read_table(folder, "trajectory", manifest=manifest))
    try:
        table = pd.read_csv(path, dtype={c: str for c in SUMMARY_COLUMNS[:4]}, keep_default_na=False,
                            na_values={c: [""] for c in SUMMARY_COLUMNS[4:]})
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError, OSError) as exc:
        raise ResultsError(f"{path}: not a readable CSV table ({str(exc).splitlines()[0]})") from None
    missing = [c for c in SUMMARY_COLUMNS if c not in table.columns]
    if missing:
        raise ResultsError(f"{path}: missing column(s) {', '.join(missing)}")
    return table
