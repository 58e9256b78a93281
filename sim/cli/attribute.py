"""``tajsim attribute``: how much of an outcome the levers explain, and which; ``tajsim levers`` lists them.

``tajsim attribute SCENARIO --outcome VARIABLE:ACTOR:TARGET --from YYYY-MM --to YYYY-MM
[--levers all|a,b,...] [--statistic change|mean] --replicates R --out DIR`` runs the scenario
with every subset of the levers switched off from ``--from`` and splits what they explain
together into each lever's Shapley value (:mod:`sim.experiments.attribution`), writing
``DIR/attribution.csv`` and ``DIR/manifest.json`` and printing the table.
"""

from __future__ import annotations

import argparse
import os

from sim.cli.errors import UsageError, at_least, between, input_file, output_dir, seed
from sim.cli.output import text_table


def _table(table) -> str:
    """The printed attribution: each lever's contribution with its 95% interval, the total last."""
    def number(value: float) -> str:
        return "" if value != value else f"{value:.4g}"

    rows = [{"lever": row.lever, "contribution": number(row.contribution),
             "95% interval": "" if row.ci_low != row.ci_low else f"[{number(row.ci_low)}, {number(row.ci_high)}]"}
            for row in table.itertuples(index=False)]
    return text_table(rows, ["lever", "contribution", "95% interval"])


def cmd_attribute(args: argparse.Namespace) -> int:
    from sim.experiments import ExperimentError
    from sim.experiments.attribution import (
        build_attribution,
        check_out,
        parse_outcome,
        run_attribution,
        write_attribution,
    )
    from sim.experiments.levers import choose
    from sim.months import format_month
    from sim.scenario import load_scenario

    between("--replicates", args.replicates, 1, 1_000_000)
    seed("--seed", args.seed)
    at_least("--permutations", args.permutations, 2)
    if args.workers is not None:
        at_least("--workers", args.workers, 1)
    out = output_dir("--out", args.out)
    try:
        check_out(out)
        levers = choose(args.levers)
        plan = load_scenario(input_file("SCENARIO", args.scenario))
        outcome = parse_outcome(args.outcome, args.start, args.end, plan)
        attribution = build_attribution(plan, levers, outcome, statistic=args.statistic, seed=args.seed,
                                        replicates=args.replicates, permutations=args.permutations)
        result = run_attribution(attribution, workers=args.workers or os.cpu_count() or 1, progress=not args.quiet)
        files = write_attribution(result, out)
    except ExperimentError as error:
        raise UsageError(str(error)) from None
    if not args.quiet:
        what = {"change": "change over", "mean": "mean over"}[args.statistic]
        orders = attribution.coalitions.orders
        method = "exact Shapley values" if orders is None else f"Shapley values from {len(orders)} sampled orders"
        print(f"{args.outcome}, {what} {format_month(outcome.start)}..{format_month(outcome.end)} in {plan.name}: "
              f"{len(attribution.scenarios)} subsets of {len(levers)} levers x {args.replicates} replicates, "
              f"seed {args.seed}, {method}")
        print(_table(result.table), end="")
        print(f"wrote {', '.join(str(path) for path in files)}")
    return 0


def cmd_levers(args: argparse.Namespace) -> int:
    from sim.experiments.levers import LEVERS

    rows = [{"lever": lever.name, "holder": lever.holder, "what": lever.description} for lever in LEVERS.values()]
    print(text_table(rows, ["lever", "holder", "what"]), end="")
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Register ``attribute`` and ``levers`` on the ``tajsim`` parser."""
    p = sub.add_parser("attribute", help="split what the levers explain of an outcome into each lever's Shapley value")
    p.add_argument("scenario", metavar="SCENARIO", help="scenario file, e.g. scenarios/full_replay.yaml")
    p.add_argument("--outcome", required=True, metavar="VARIABLE:ACTOR:TARGET",
                   help="e.g. dependence:TJK:RUS, alignment:RUS:TJK, aid:CHN:TJK; security or economy alone")
    p.add_argument("--from", dest="start", required=True, metavar="YYYY-MM",
                   help="first month of the window: the levers are switched off from it")
    p.add_argument("--to", dest="end", required=True, metavar="YYYY-MM", help="last month of the window")
    p.add_argument("--levers", default="all", help="all (default), or a comma-separated list (tajsim levers lists them)")
    p.add_argument("--statistic", choices=["change", "mean"], default="change",
                   help="change (default): the value at the end of --to minus just before --from; mean: over the window")
    p.add_argument("--replicates", type=int, default=100, help="replicates of every subset (default 100)")
    p.add_argument("--seed", type=int, default=0, help="master seed, 0 or more (default 0)")
    p.add_argument("--permutations", type=int, default=20,
                   help="sampled orders of the levers when there are more than 6 (default 20)")
    p.add_argument("--workers", type=int, help="local worker processes (default: one per CPU; 1 runs in this process)")
    p.add_argument("--out", required=True, metavar="DIR", help="output directory: attribution.csv, manifest.json")
    p.add_argument("--quiet", action="store_true", help="no progress bar or table")
    p.set_defaults(func=cmd_attribute)

    p = sub.add_parser("levers", help="list the levers tajsim attribute can switch off")
    p.set_defaults(func=cmd_levers)
