"""Commands that read files and print, without running the model: ``validate``, ``schema``,
``rules``, ``record``, ``scenario events``. (``record facts --ablation`` does run it: that is
:mod:`sim.cli.ablation`.)"""

from __future__ import annotations

import argparse
import sys

from sim.cli.output import csv_text, emit_json, text_table


def cmd_validate(args: argparse.Namespace) -> int:
    from sim.months import format_month
    from sim.scenario import load_scenario

    for name in args.files:
        scenario = load_scenario(name)
        print(f"{name}: ok ({scenario.name}, {format_month(scenario.start)}..{format_month(scenario.end)}, "
              f"{len(scenario.segments)} period{'s' if len(scenario.segments) > 1 else ''}, "
              f"{len(scenario.actors)} actors, {len(scenario.events)} scheduled events)")
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    from sim.scenario.schema import json_schema

    return emit_json(json_schema(), args.out)


def _in_order(rules: dict) -> list:
    return sorted(rules.values(), key=lambda r: int(r.id[1:]))


def cmd_rules(args: argparse.Namespace) -> int:
    from sim.core.rules import RULES

    rows = [{"id": r.id, "summary": r.summary, "source": r.source, "quote": r.quote,
             "actors": " ".join(r.actors), "default": "on" if r.default else "off"} for r in _in_order(RULES)]
    if args.format == "csv":
        sys.stdout.write(csv_text(rows, ["id", "summary", "source", "quote"]))
    elif args.format == "markdown":
        sys.stdout.write(rulebook_markdown())
    else:
        sys.stdout.write(text_table(rows, ["id", "actors", "default", "summary"], {"actors": 14, "summary": 90}))
    return 0


def rulebook_markdown() -> str:
    """The rulebook as Markdown, generated from the code (used in docs/ODD.md)."""
    from sim.core.rules import RULES
    from sim.core.sources import SOURCES

    lines = ["| id | who | summary | source | quote |", "| --- | --- | --- | --- | --- |"]
    for r in _in_order(RULES):
        who = ", ".join(r.actors).replace("*state", "every state").replace("*", "every actor")
        stage = "" if r.default else " (stage rule: on where a period switches it on)"
        lines.append(f"| {r.id} | {who} | {r.summary}{stage} | {r.source} | \u201c{r.quote}\u201d |")
    lines += ["", "Sources: " + "; ".join(f"`{k}` {v.citation()}" for k, v in SOURCES.items()) + "."]
    return "\n".join(lines) + "\n"


def cmd_record(args: argparse.Namespace) -> int:
    from sim.cli.ablation import check_flags, cmd_ablation
    from sim.record.items import load_events, load_facts

    check_flags(args)
    if args.ablation:
        return cmd_ablation(args)
    if args.what == "events":
        rows = [{"id": e.id, "date": e.date, "actor": e.actor, "target": e.target, "type": e.type,
                 "summary": e.summary, "source": e.source, "quote": e.quote or ""} for e in load_events()]
        fields = ["id", "date", "actor", "target", "type", "summary", "source"]
        if args.format == "csv":
            sys.stdout.write(csv_text(rows, fields))
        else:
            sys.stdout.write(text_table(rows, fields[:6], {"summary": 80, "type": 11}))
    else:
        rows = [{"id": f.id, "period": f.period if isinstance(f.period, str) else "+".join(f.period),
                 "statement": f.statement, "check": f.check.kind, "source": f.source, "quote": f.quote or ""}
                for f in load_facts()]
        fields = ["id", "period", "statement", "check", "source"]
        if args.format == "csv":
            sys.stdout.write(csv_text(rows, fields + ["quote"]))
        else:
            sys.stdout.write(text_table(rows, fields, {"statement": 70, "period": 20, "source": 30}))
    return 0


#: Columns of ``tajsim scenario events``: what an experiment's ``event`` change can match on.
SCHEDULED_FIELDS = ["date", "actor", "target", "type", "record", "summary", "source"]


def cmd_scenario_events(args: argparse.Namespace) -> int:
    from sim.paths import default_scenario
    from sim.scenario import load_scenario

    plan = load_scenario(args.scenario or default_scenario())
    rows = [{name: getattr(event, name) or "" for name in SCHEDULED_FIELDS} for event in plan.events]
    if args.format == "csv":
        sys.stdout.write(csv_text(rows, SCHEDULED_FIELDS))
    else:
        sys.stdout.write(text_table(rows, SCHEDULED_FIELDS, {"summary": 60, "source": 30}))
    return 0


def add_commands(sub) -> None:
    p = sub.add_parser("validate", help="check scenario files without running them")
    p.add_argument("files", nargs="+")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("schema", help="print the JSON Schema of scenario files")
    p.add_argument("--out", help="write to this file instead of stdout")
    p.set_defaults(func=cmd_schema)

    p = sub.add_parser("rules", help="list the behavioural rules with their sources and quotes")
    p.add_argument("--format", choices=["table", "csv", "markdown"], default="table")
    p.set_defaults(func=cmd_rules)

    p = sub.add_parser("scenario", help="show what a scenario file holds")
    what = p.add_subparsers(dest="what", required=True, metavar="WHAT")
    q = what.add_parser("events", help="its scheduled inputs (what an experiment's event change can match)")
    q.add_argument("scenario", nargs="?", help="scenario file (default: scenarios/full_replay.yaml)")
    q.add_argument("--format", choices=["table", "csv"], default="table")
    q.set_defaults(func=cmd_scenario_events)

    p = sub.add_parser("record", help="print the historical record the runs are compared with")
    p.add_argument("what", choices=["events", "facts"])
    p.add_argument("--format", choices=["table", "csv"], default="table")
    p.add_argument("--ablation", action="store_true",
                   help="facts only: run the record with and without each fact's mechanism, and the null model")
    p.add_argument("--replicates", type=int, help="with --ablation: replicates per run (default 40)")
    p.add_argument("--seed", type=int, help="with --ablation: master seed (default 0)")
    p.add_argument("--scenario", help="with --ablation: scenario file (default: scenarios/full_replay.yaml)")
    p.add_argument("--out", help="with --ablation: also write the table to this CSV file")
    p.set_defaults(func=cmd_record)
