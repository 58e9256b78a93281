"""Printing tables and JSON for the command line."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path


def csv_text(rows: list[dict], fields: list[str]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def text_table(rows: list[dict], fields: list[str], caps: dict[str, int] | None = None) -> str:
    """A plain aligned text table; columns named in ``caps`` are cut to that width."""
    caps = caps or {}
    cells = [[str(row.get(name, "")) for name in fields] for row in rows]
    for row in cells:
        for n, name in enumerate(fields):
            cap = caps.get(name)
            if cap and len(row[n]) > cap:
                row[n] = row[n][: cap - 1] + "…"
    widths = [max([len(name)] + [len(row[n]) for row in cells]) for n, name in enumerate(fields)]
    lines = ["  ".join(name.ljust(width) for name, width in zip(fields, widths)).rstrip()]
    lines += ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in cells]
    return "\n".join(lines) + "\n"


def emit_json(data, out: str | None, flag: str = "--out") -> int:
    """Print JSON, or write it to ``out`` (atomically)."""
    from sim.cli.errors import output_file
    from sim.files import atomic_write

    text = json.dumps(data, indent=2, sort_keys=True) + "\n"
    if out:
        atomic_write(output_file(flag, Path(out)), text)
    else:
        sys.stdout.write(text)
    return 0
