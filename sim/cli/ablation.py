"""``tajsim record facts --ablation``: how often each stylized fact passes with its mechanism,
without it, and under the null model (:mod:`sim.experiments.ablation`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sim.cli.errors import UsageError, at_least, input_file, output_file, seed
from sim.cli.output import csv_text, text_table

#: The flags that mean something only with ``--ablation``.
ABLATION_FLAGS = ("replicates", "seed", "out", "scenario")


def check_flags(args: argparse.Namespace) -> None:
    """A usage error if an ablation flag is given without ``record facts --ablation``."""
    if args.what == "facts" and args.ablation:
        return
    for name in ABLATION_FLAGS:
        if getattr(args, name) is not None:
            raise UsageError(f"--{name}: only with 'record facts --ablation'")
    if args.ablation:
        raise UsageError("--ablation: only with 'record facts'")


def rows_of(table) -> list[dict]:
    """The table's rows as text: pass rates with three decimals (blank where a run has no value)."""
    def rate(value: float) -> str:
        return "" if value != value else f"{value:.3f}"
    return [{**row, **{name: rate(row[name]) for name in ("with", "without", "passive", "null")}}
            for row in table.to_dict("records")]


def cmd_ablation(args: argparse.Namespace) -> int:
    from sim.experiments.ablation import COLUMNS, ablation_table, facts_passed
    from sim.files import atomic_write
    from sim.paths import default_scenario

    replicates = at_least("--replicates", 40 if args.replicates is None else args.replicates, 1)
    master = seed("--seed", 0 if args.seed is None else args.seed)
    scenario = input_file("--scenario", args.scenario) if args.scenario else default_scenario()
    out = output_file("--out", Path(args.out)) if args.out else None
    table = ablation_table(scenario, replicates=replicates, seed=master,
                           report=lambda line: print(f"tajsim: {line}", file=sys.stderr))
    rows = rows_of(table)
    if args.format == "csv":
        sys.stdout.write(csv_text(rows, COLUMNS))
    else:
        sys.stdout.write(text_table(rows, COLUMNS, {"mechanism": 70, "periods": 64}))
    passed = facts_passed(table)
    print(f"facts passed in at least half the replicates, of {len(table)}: "
          + ", ".join(f"{arm} {count}" for arm, count in passed.items()),
          file=sys.stderr if args.format == "csv" else sys.stdout)
    if out is not None:
        atomic_write(out, csv_text(rows, COLUMNS))
        print(f"wrote {out}", file=sys.stderr if args.format == "csv" else sys.stdout)
    return 0
