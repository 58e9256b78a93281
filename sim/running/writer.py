"""Writing a run as it goes: each batch of replicates appended to the files, memory bounded.

A run of R replicates is simulated in batches (replicate k draws from its own stream, so the
batches add up to the run of one big batch). :class:`RunWriter` takes each batch as it comes
and appends its rows to ``trajectory`` and ``events`` - Parquet (one row group per batch,
float32 values, dictionary-encoded strings) or CSV - on a background thread, so that the next
batch is simulated meanwhile. For an ensemble it also parks each row's values, in groups of
rows, in scratch files, and reduces them at the end to ``trajectory_summary.csv`` (each row's
mean and 5/50/95% quantiles over the replicates), so no table of R replicates is ever held.

Every file is written under a temporary name and renamed into place when whole, the manifest
last; files of an earlier run in the other format are removed. Parquet is written with fixed
options and no timestamps, so the same seed gives the same bytes.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.files import atomic_write
from sim.running.stored import QUANTILES, SUMMARY, SUMMARY_COLUMNS, TABLES
from sim.running.tables import EVENTS_SCHEMA, TRAJECTORY_SCHEMA, Layout, Recorded, events_table, trajectory_table

FORMATS = ("parquet", "csv")
#: Parquet writer options, fixed so that the same run gives the same bytes. Statistics only where
#: they let a reader skip row groups (every batch holds every month, actor and variable); no
#: dictionary for the values (they hardly repeat, and trying costs a third of the writing).
PARQUET = {"compression": "zstd", "compression_level": 1, "write_statistics": ["replicate"],
           "use_dictionary": ["replicate", "date", "actor", "target", "variable", "type", "summary", "rule"],
           "version": "2.6", "data_page_version": "1.0", "store_schema": True}
#: Bytes of values the summary reduces at once (bounds its memory for any R).
SUMMARY_BUDGET = 32 * 2**20
#: Digits written: values in the tables, scores in the comparison.
VALUE_FORMAT, SCORE_FORMAT = "%.6f", "%.4f"


class _Pending:
    """A file written under a temporary name in its folder, renamed into place when whole."""

    def __init__(self, path: Path):
        self.path = path
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        os.close(handle)
        self.temporary = Path(temporary)

    def close(self) -> None:
        """Finish writing (the file stays under its temporary name)."""

    def commit(self) -> None:
        os.chmod(self.temporary, 0o644)
        os.replace(self.temporary, self.path)

    def discard(self) -> None:
        self.temporary.unlink(missing_ok=True)


class ParquetFile(_Pending):
    def __init__(self, path: Path, schema: pa.Schema):
        super().__init__(path)
        self.writer = pq.ParquetWriter(self.temporary, schema, **PARQUET)

    def add(self, table: pa.Table) -> None:
        self.writer.write_table(table, row_group_size=max(1, table.num_rows))

    def close(self) -> None:
        self.writer.close()


class CsvFile(_Pending):
    def __init__(self, path: Path):
        super().__init__(path)
        self.stream = open(self.temporary, "w", encoding="utf-8", newline="")  # noqa: SIM115 (closed in close)
        self.header = True

    def add(self, table: pa.Table) -> None:
        table.to_pandas().to_csv(self.stream, header=self.header, index=False, float_format=VALUE_FORMAT,
                                 lineterminator="\n")
        self.header = False

    def close(self) -> None:
        self.stream.close()


def quantiles(values: np.ndarray) -> np.ndarray:
    """:data:`QUANTILES` of each row, ``[quantile, row]``: numpy's linear method (``np.quantile``),
    with the order statistics found in the values' own type and interpolated in float64."""
    n = values.shape[1]
    position = np.array(QUANTILES) * (n - 1)
    low = np.floor(position).astype(np.int64)
    high = np.minimum(low + 1, n - 1)
    t = position - low
    ordered = np.partition(values, np.unique(np.concatenate([low, high])), axis=1)
    a, b = ordered[:, low].T.astype(np.float64), ordered[:, high].T.astype(np.float64)
    step = b - a
    return np.where(t[:, None] >= 0.5, b - step * (1 - t[:, None]), a + step * t[:, None])


class Summary:
    """Each trajectory row's values over all replicates, parked on disk by groups of rows and
    reduced at the end to mean and quantiles: memory bounded by :data:`SUMMARY_BUDGET`."""

    def __init__(self, folder: Path, layout: Layout, replicates: int):
        self.layout, self.replicates = layout, replicates
        width = max(1, SUMMARY_BUDGET // (4 * replicates))
        self.groups = [(low, min(low + width, layout.rows)) for low in range(0, layout.rows, width)]
        self.scratch = Path(tempfile.mkdtemp(dir=folder, prefix=".summary.", suffix=".tmp"))
        self.files = [open(self.scratch / f"{n}.f32", "wb") for n in range(len(self.groups))]  # noqa: SIM115

    def add(self, values: np.ndarray) -> None:
        """``values``: ``[replicate, layout row]`` float32 of the next replicates."""
        for file, (low, high) in zip(self.files, self.groups):
            file.write(np.ascontiguousarray(values[:, low:high]).tobytes())

    def table(self) -> pd.DataFrame:
        for file in self.files:
            file.close()
        stats = np.empty((len(SUMMARY_COLUMNS) - 4, self.layout.rows))

        def reduce(n: int) -> None:
            low, high = self.groups[n]
            block = np.fromfile(self.scratch / f"{n}.f32", dtype=np.float32)
            values = np.ascontiguousarray(block.reshape(self.replicates, high - low).T)
            stats[0, low:high] = values.sum(axis=1, dtype=np.float64) / self.replicates
            stats[1:, low:high] = quantiles(values)

        with ThreadPoolExecutor(max_workers=min(2, os.cpu_count() or 1)) as pool:  # numpy lets go of the GIL
            list(pool.map(reduce, range(len(self.groups))))
        labels = {name: np.array(self.layout.dictionaries[name], dtype=object)[self.layout.labels[name]]
                  for name in SUMMARY_COLUMNS[:4]}
        return pd.DataFrame({**labels, **dict(zip(SUMMARY_COLUMNS[4:], stats))})

    def discard(self) -> None:
        for file in self.files:
            file.close()
        shutil.rmtree(self.scratch, ignore_errors=True)


class RunWriter:
    """A run's output folder, filled batch by batch (see the module doc)."""

    def __init__(self, out: str | Path, *, format: str, replicates: int, founded: dict[str, int]):
        if format not in FORMATS:
            raise ValueError(f"format must be one of {', '.join(FORMATS)}, got {format!r}")
        self.out = Path(out)
        if self.out.exists() and not self.out.is_dir():
            raise FileExistsError(f"{self.out}: exists and is not a directory")
        self.out.mkdir(parents=True, exist_ok=True)
        self.format, self.replicates, self.founded = format, replicates, founded
        self.ensemble = replicates > 1
        self.layout: Layout | None = None
        self.files: dict[str, ParquetFile | CsvFile] = {}
        self.summary: Summary | None = None
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tajsim-writer")
        self.pending: Future | None = None

    def __enter__(self) -> RunWriter:
        return self

    def __exit__(self, kind, error, trace) -> None:
        if error is not None:
            self.discard()

    def add(self, recorded: Recorded) -> None:
        """Append a batch (the next replicates, in order); written while the caller goes on."""
        self.wait()
        self.pending = self.pool.submit(self._write, recorded)

    def wait(self) -> None:
        if self.pending is not None:
            pending, self.pending = self.pending, None
            pending.result()

    def _open(self, recorded: Recorded) -> Layout:
        layout = Layout.of(recorded, self.founded)
        schemas = {"trajectory": TRAJECTORY_SCHEMA, "events": EVENTS_SCHEMA}
        for name in TABLES:
            path = self.out / f"{name}.{self.format}"
            if self.format == "csv":
                self.files[name] = CsvFile(path)
            else:
                self.files[name] = ParquetFile(path, schemas[name] if self.ensemble else schemas[name].remove(0))
        if self.ensemble:
            self.summary = Summary(self.out, layout, self.replicates)
        return layout

    def _write(self, recorded: Recorded) -> None:
        if self.layout is None:
            self.layout = self._open(recorded)
        elif recorded.pairs() != self.layout.pairs:
            raise RuntimeError("the partners' live dyads differ between batches of one run")
        layout = self.layout
        values = recorded.values(layout, np.float64 if self.format == "csv" else np.float32)
        self.files["trajectory"].add(trajectory_table(layout, values, recorded.first, replicate=self.ensemble))
        self.files["events"].add(events_table(recorded, replicate=self.ensemble))
        if self.summary is not None:
            self.summary.add(values.astype(np.float32, copy=False))

    def finish(self, comparison: pd.DataFrame, manifest: dict) -> list[str]:
        """Close the tables, write the summary, comparison and manifest; the names written."""
        self.wait()
        self.pool.shutdown()
        for file in self.files.values():
            file.close()
        if self.summary is not None:
            summary = self.summary.table()
            self.summary.discard()
            atomic_write(self.out / SUMMARY, summary.to_csv(index=False, float_format=VALUE_FORMAT, lineterminator="\n"))
        atomic_write(self.out / "comparison.csv", comparison.to_csv(index=False, float_format=SCORE_FORMAT,
                                                                    lineterminator="\n"))
        for file in self.files.values():
            file.commit()
        written = sorted([file.path.name for file in self.files.values()] + ["comparison.csv", "manifest.json"]
                         + ([SUMMARY] if self.summary is not None else []))
        for stale in [f"{name}.{fmt}" for name in TABLES for fmt in FORMATS] + [SUMMARY]:
            if stale not in written:
                (self.out / stale).unlink(missing_ok=True)
        manifest = {**manifest, "files": written}
        atomic_write(self.out / "manifest.json", json.dumps(manifest, indent=2, sort_keys=True) + "\n")
        return written

    def discard(self) -> None:
        """Give up: wait for the writing thread, remove every temporary file."""
        try:
            self.wait()
        except Exception:  # noqa: BLE001 - the error being handled is the caller's
            pass
        self.pool.shutdown()
        for file in self.files.values():
            try:
                file.close()
            finally:
                file.discard()
        if self.summary is not None:
            self.summary.discard()
