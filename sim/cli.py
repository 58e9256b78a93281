"""The ``tajsim`` command line.

Every failure a user can cause (a bad scenario, a missing file, an output path that is a
file) is reported as one line on stderr with exit code 2, never as a traceback.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from pathlib import Path

from sim.saved import ResultsError
from sim.scenario import ScenarioError


class UsageError(Exception):
    """A mistake in what the user asked for: reported in one line, exit code 2."""


def _csv(rows: list[dict], fields: list[str]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def _table(rows: list[dict], fields: list[str], caps: dict[str, int] | None = None) -> str:
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


# --- commands ------------------------------------------------------------------------


def cmd_run(args: argparse.Namespace) -> int:
    from sim.paths import default_scenario
    from sim.runner import run

    scenario = Path(args.scenario) if args.scenario else default_scenario()
    if not args.scenario and not scenario.is_file():
        raise UsageError(f"{scenario}: the default scenario is not there: install with 'pip install -e .' from a "
                         "checkout, run from a checkout, or set TAJSIM_HOME to one")
    if args.replicates < 1:
        raise UsageError(f"--replicates: must be at least 1, got {args.replicates}")
    out = Path(args.out) if args.out else Path("runs") / f"{scenario.stem}-seed{args.seed}"
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out}: --out: exists and is not a directory")
    result = run(scenario, seed=args.seed, replicates=args.replicates, out=out, window=args.window)
    if not args.quiet:
        print(summary_table(result))
        print(f"wrote {out}/trajectory.csv, events.csv, comparison.csv, manifest.json")
    return 0


def summary_table(result) -> str:
    """The short per-period table printed after a run."""
    table = result.comparison
    names = list(dict.fromkeys(table["period"]))
    lines = [f"{result.scenario.title or result.scenario.name} (seed {result.seed}, "
             f"{result.replicates} replicate{'s' if result.replicates > 1 else ''})",
             f"{'period':<14}{'recall':>8}{'precision':>11}{'facts passed':>14}"]
    for name in names:
        rows = table[table["period"] == name].set_index("metric")["value"]
        facts = table[(table["period"] == name) & table["metric"].str.startswith("fact:")]

        def cell(metric: str, width: int) -> str:
            return f"{rows[metric]:>{width}.2f}" if metric in rows else f"{'-':>{width}}"

        passed = f"{facts['value'].sum():.0f} of {len(facts)}" if len(facts) else f"{rows.get('facts_passed', float('nan')):.2f}"
        if name == "all":
            passed = f"{rows['facts_passed']:.0%}" if "facts_passed" in rows else "-"
        lines.append(f"{name:<14}{cell('event_recall', 8)}{cell('event_precision', 11)}{passed:>14}")
    return "\n".join(lines)


def cmd_validate(args: argparse.Namespace) -> int:
    from sim.scenario import load_scenario

    for name in args.files:
        scenario = load_scenario(name)
        from sim.months import format_month

        print(f"{name}: ok ({scenario.name}, {format_month(scenario.start)}..{format_month(scenario.end)}, "
              f"{len(scenario.segments)} period{'s' if len(scenario.segments) > 1 else ''}, "
              f"{len(scenario.actors)} actors, {len(scenario.events)} scheduled events)")
    return 0


def emit_json(data, out: str | None) -> int:
    """Print JSON, or write it to ``out`` (atomically)."""
    from sim.files import atomic_write

    text = json.dumps(data, indent=2, sort_keys=True) + "\n"
    if out:
        atomic_write(Path(out), text)
    else:
        sys.stdout.write(text)
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    from sim.scenario import json_schema

    return emit_json(json_schema(), args.out)


def cmd_rules(args: argparse.Namespace) -> int:
    from sim.rules import RULES

    rows = [{"id": r.id, "summary": r.summary, "source": r.source, "quote": r.quote,
             "actors": " ".join(r.actors), "default": "on" if r.default else "off"} for r in _in_order(RULES)]
    if args.format == "csv":
        sys.stdout.write(_csv(rows, ["id", "summary", "source", "quote"]))
    elif args.format == "markdown":
        sys.stdout.write(rulebook_markdown())
    else:
        sys.stdout.write(_table(rows, ["id", "actors", "default", "summary"], {"actors": 14, "summary": 90}))
    return 0


def _in_order(rules: dict) -> list:
    return sorted(rules.values(), key=lambda r: int(r.id[1:]))


def rulebook_markdown() -> str:
    """The rulebook as Markdown, generated from the code (used in docs/ODD.md)."""
    from sim.rulebook import SOURCES
    from sim.rules import RULES

    lines = ["| id | who | summary | source | quote |", "| --- | --- | --- | --- | --- |"]
    for r in _in_order(RULES):
        who = ", ".join(r.actors).replace("*state", "every state").replace("*", "every actor")
        stage = "" if r.default else " (stage rule: on where a period switches it on)"
        lines.append(f"| {r.id} | {who} | {r.summary}{stage} | {r.source} | \u201c{r.quote}\u201d |")
    lines += ["", "Sources: " + "; ".join(f"`{k}` {v}" for k, v in SOURCES.items()) + "."]
    return "\n".join(lines) + "\n"


def cmd_record(args: argparse.Namespace) -> int:
    from sim.record import load_events, load_facts

    if args.what == "events":
        rows = [{"id": e.id, "date": e.date, "actor": e.actor, "target": e.target, "type": e.type,
                 "summary": e.summary, "source": e.source, "quote": e.quote or ""} for e in load_events()]
        fields = ["date", "actor", "target", "type", "summary", "source"]
        if args.format == "csv":
            sys.stdout.write(_csv(rows, fields))
        else:
            sys.stdout.write(_table(rows, ["id"] + fields[:4] + ["summary"], {"summary": 80, "type": 11}))
    else:
        rows = [{"id": f.id, "period": f.period if isinstance(f.period, str) else "+".join(f.period),
                 "statement": f.statement, "check": f.check.kind, "source": f.source, "quote": f.quote or ""}
                for f in load_facts()]
        fields = ["id", "period", "statement", "check", "source"]
        if args.format == "csv":
            sys.stdout.write(_csv(rows, fields + ["quote"]))
        else:
            sys.stdout.write(_table(rows, fields, {"statement": 70, "period": 20, "source": 30}))
    return 0


def cmd_plot(args: argparse.Namespace) -> int:
    from sim import plots
    from sim.months import parse_month
    from sim.saved import load_experiment, load_run

    if args.figure in ("counterfactual", "sensitivity"):
        experiment = load_experiment(args.folder)
        if args.figure == "counterfactual":
            path = plots.counterfactual(experiment, args.out, args.outcome)
        else:
            path = plots.sensitivity(experiment, args.out)
        print(f"wrote {path}")
        return 0
    run = load_run(args.folder)
    if args.figure == "trajectories":
        pairs = plots.parse_pairs(args.pairs)
        overlay = None if args.no_unga else plots.unga_overlay(pairs, args.variable)
        path = plots.trajectories(run, pairs, args.out, variable=args.variable, overlay=overlay)
    elif args.figure == "network":
        try:
            parse_month(args.date)
        except ValueError as error:
            raise UsageError(f"--date: {error}") from None
        path = plots.network(run, args.date, args.out)
    else:
        path = plots.timeline(run, args.out)
    print(f"wrote {path}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from sim import report
    from sim.saved import load_run

    path = report.write(load_run(args.folder), args.out)
    print(f"wrote {path}")
    return 0


# --- the parser ----------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tajsim", description="Agent-based simulation of Tajikistan's foreign relations, 1991-2023.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("run", help="run a scenario (default: the full 1991-2023 replay) and compare it with the record")
    p.add_argument("scenario", nargs="?", help="scenario file (default: scenarios/full_replay.yaml)")
    p.add_argument("--seed", type=int, default=0, help="master seed (default 0)")
    p.add_argument("--replicates", type=int, default=1, help="independent replicates run at once (default 1)")
    p.add_argument("--out", help="output directory (default runs/<scenario>-seed<N>)")
    p.add_argument("--window", type=int, default=6, help="months of tolerance when matching record events (default 6)")
    p.add_argument("--quiet", action="store_true", help="print nothing")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("validate", help="check scenario files without running them")
    p.add_argument("files", nargs="+")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("schema", help="print the JSON Schema of scenario files")
    p.add_argument("--out", help="write to this file instead of stdout")
    p.set_defaults(func=cmd_schema)

    p = sub.add_parser("rules", help="list the behavioural rules with their sources and quotes")
    p.add_argument("--format", choices=["table", "csv", "markdown"], default="table")
    p.set_defaults(func=cmd_rules)

    p = sub.add_parser("plot", help="draw a figure from saved results (never re-runs the model)")
    kinds = p.add_subparsers(dest="figure", required=True, metavar="FIGURE")
    f = kinds.add_parser("trajectories", help="a variable over time for pairs of actors, record events as ticks")
    f.add_argument("folder", metavar="DIR")
    f.add_argument("--pairs", default="TJK-RUS,TJK-UZB,TJK-CHN,TJK-USA", help="e.g. TJK-RUS,RUS-TJK (actor-target)")
    f.add_argument("--variable", default="alignment", choices=["alignment", "aid", "pressure", "dependence"])
    f.add_argument("--no-unga", action="store_true", help="leave out the UNGA record (shown for TJK->partner alignment)")
    f.add_argument("--out", required=True, help="output file, .png or .svg")
    f = kinds.add_parser("network", help="the signed, weighted alignment network at a month")
    f.add_argument("folder", metavar="DIR")
    f.add_argument("--date", required=True, help="month, YYYY-MM")
    f.add_argument("--out", required=True, help="output file, .png or .svg")
    f = kinds.add_parser("timeline", help="simulated events against the record's, by pair of actors")
    f.add_argument("folder", metavar="DIR")
    f.add_argument("--out", required=True, help="output file, .png or .svg")
    f = kinds.add_parser("counterfactual", help="each arm's effect over time against the baseline (an experiment)")
    f.add_argument("folder", metavar="DIR")
    f.add_argument("--outcome", action="append", help="outcome to show (repeatable; default all)")
    f.add_argument("--out", required=True, help="output file, .png or .svg")
    f = kinds.add_parser("sensitivity", help="Sobol or Morris indices with their intervals (an experiment with a design)")
    f.add_argument("folder", metavar="DIR")
    f.add_argument("--out", required=True, help="output file, .png or .svg")
    p.set_defaults(func=cmd_plot)

    p = sub.add_parser("report", help="write one self-contained HTML page about a run")
    p.add_argument("folder", metavar="DIR")
    p.add_argument("--out", required=True, help="output file, .html")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("record", help="print the historical record the runs are compared with")
    p.add_argument("what", choices=["events", "facts"])
    p.add_argument("--format", choices=["table", "csv"], default="table")
    p.set_defaults(func=cmd_record)
    from sim.calibration_cli import add_commands as add_calibration_commands
    add_calibration_commands(sub)
    from sim.experiments.cli import add_commands as add_experiment_commands
    add_experiment_commands(sub)
    from sim.dashboard import add_commands as add_dashboard_commands
    add_dashboard_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except (ScenarioError, UsageError, ResultsError) as error:
        print(f"tajsim: {error}", file=sys.stderr)
        return 2
    except (FileExistsError, NotADirectoryError, PermissionError) as error:
        print(f"tajsim: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        print("tajsim: interrupted", file=sys.stderr)
        return 130
