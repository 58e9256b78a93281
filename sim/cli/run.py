"""``tajsim run``: run a scenario (the full replay by default) and compare it with the record."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from sim.cli.errors import UsageError, at_least, output_dir, seed
from sim.cli.progress import month_bar


def cmd_run(args: argparse.Namespace) -> int:
    from sim.paths import default_scenario
    from sim.running import run
    from sim.running.runner import batches
    from sim.scenario import load_scenario

    scenario = Path(args.scenario) if args.scenario else default_scenario()
    if not args.scenario and not scenario.is_file():
        raise UsageError(f"{scenario}: the default scenario is not there: install with 'pip install -e .' from a "
                         "checkout, run from a checkout, or set TAJSIM_HOME to one")
    at_least("--replicates", args.replicates, 1)
    seed("--seed", args.seed)
    at_least("--window", args.window, 0)
    at_least("--batch", args.batch, 1)
    out = output_dir("--out", args.out if args.out else Path("runs") / f"{scenario.stem}-seed{args.seed}")
    plan = load_scenario(scenario)
    with month_bar(plan, "run", quiet=args.quiet or args.replicates == 1,
                   passes=batches(args.replicates, args.batch)) as bar:
        result = run(plan, seed=args.seed, replicates=args.replicates, out=out, window=args.window,
                     format=args.format, batch=args.batch, progress=bar)
    if not args.quiet:
        print(summary_table(result))
        files = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["files"]
        print(f"wrote {out}/{', '.join(name for name in files if name != 'manifest.json')}, manifest.json")
    return 0


def summary_table(result) -> str:
    """The short per-period table printed after a run: event recall and precision, each beside
    its baselines (the run's events at random months of their period, and events drawn at the
    training years' monthly rates: :mod:`sim.record.baselines`), and the stylized facts passed."""
    from sim.record.baselines import TRAIN_YEARS

    table = result.comparison
    names = list(dict.fromkeys(table["period"]))
    lines = [f"{result.scenario.title or result.scenario.name} (seed {result.seed}, "
             f"{result.replicates} replicate{'s' if result.replicates > 1 else ''})",
             f"{'':<14}{'recall':^20}  {'precision':^20}".rstrip(),
             f"{'period':<14}{'model':>6}{'random':>7}{'base':>7}  {'model':>6}{'random':>7}{'base':>7}{'facts passed':>14}"]
    for name in names:
        rows = table[table["period"] == name].set_index("metric")["value"]
        facts = table[(table["period"] == name) & table["metric"].str.startswith("fact:")]

        def cells(metric: str) -> str:
            return "".join(f"{rows[m]:>{width}.2f}" if m in rows else f"{'-':>{width}}"
                           for m, width in ((metric, 6), (f"{metric}_random", 7), (f"{metric}_base_rate", 7)))

        passed = f"{facts['value'].sum():.0f} of {len(facts)}" if len(facts) else f"{rows.get('facts_passed', float('nan')):.2f}"
        if name == "all":
            passed = f"{rows['facts_passed']:.0%}" if "facts_passed" in rows else "-"
        lines.append(f"{name:<14}{cells('event_recall')}  {cells('event_precision')}{passed:>14}")
    lines.append("random: the run's events at random months of their period; "
                 f"base: events at the run's {TRAIN_YEARS[0]}-{TRAIN_YEARS[1]} monthly rates")
    events = table[table["metric"].str.startswith("event:")]
    if len(events):
        never = events.loc[events["value"] == 0, "metric"].str.removeprefix("event:")
        lines.append(f"record events reproduced in no replicate: {len(never)} of {len(events)}"
                     + (f" ({', '.join(never)})" if 0 < len(never) <= 25 else "")
                     + "; comparison.csv's event: rows give each one's share")
    return "\n".join(lines)


def add_commands(sub) -> None:
    p = sub.add_parser("run", help="run a scenario (default: the full 1991-2023 replay) and compare it with the record")
    p.add_argument("scenario", nargs="?", help="scenario file (default: scenarios/full_replay.yaml)")
    p.add_argument("--seed", type=int, default=0, help="master seed, 0 or more (default 0)")
    p.add_argument("--replicates", type=int, default=1, help="independent replicates run at once (default 1)")
    p.add_argument("--out", help="output directory (default runs/<scenario>-seed<N>)")
    p.add_argument("--window", type=int, default=6, help="months of tolerance when matching record events (default 6)")
    p.add_argument("--format", choices=["parquet", "csv"],
                   help="trajectory and events as Parquet or CSV (default: Parquet for replicates > 1, else CSV)")
    p.add_argument("--batch", type=int, default=250,
                   help="replicates simulated at once and streamed to disk together (default 250)")
    p.add_argument("--quiet", action="store_true", help="print nothing (no progress bar for an ensemble)")
    p.set_defaults(func=cmd_run)
