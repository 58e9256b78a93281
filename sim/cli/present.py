"""Figures and the report from saved results: ``plot`` and ``report`` (they never re-run the model)."""

from __future__ import annotations

import argparse

from sim.cli.errors import UsageError, output_file


def cmd_plot(args: argparse.Namespace) -> int:
    from sim.months import parse_month
    from sim.present import plots
    from sim.present.saved import load_experiment, load_run

    out = output_file("--out", args.out, make_folder=True)
    if args.figure == "attribution":
        from sim.present.attribution import attribution
        from sim.present.saved import load_attribution

        print(f"wrote {attribution(load_attribution(args.folder), out)}")
        return 0
    if args.figure in ("counterfactual", "sensitivity"):
        experiment = load_experiment(args.folder)
        if args.figure == "counterfactual":
            path = plots.counterfactual(experiment, out, args.outcome)
        else:
            path = plots.sensitivity(experiment, out)
        print(f"wrote {path}")
        return 0
    run = load_run(args.folder)
    if args.figure == "trajectories":
        pairs = plots.parse_pairs(args.pairs)
        overlay = None if args.no_unga else plots.unga_overlay(pairs, args.variable)
        path = plots.trajectories(run, pairs, out, variable=args.variable, overlay=overlay)
    elif args.figure == "network":
        try:
            parse_month(args.date)
        except ValueError as error:
            raise UsageError(f"--date: {error}") from None
        path = plots.network(run, args.date, out)
    else:
        path = plots.timeline(run, out)
    print(f"wrote {path}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from sim.present import report
    from sim.present.saved import load_attribution, load_run

    out = output_file("--out", args.out, make_folder=True)
    run = load_run(args.folder)
    attributions = [load_attribution(folder) for folder in args.attribution or []]
    path = report.write(run, out, attributions)
    print(f"wrote {path}")
    return 0


def add_commands(sub) -> None:
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
    f = kinds.add_parser("attribution", help="each lever's Shapley value with its interval, and the total (tajsim attribute)")
    f.add_argument("folder", metavar="DIR")
    f.add_argument("--out", required=True, help="output file, .png or .svg")
    p.set_defaults(func=cmd_plot)

    p = sub.add_parser("report", help="write one self-contained HTML page about a run")
    p.add_argument("folder", metavar="DIR")
    p.add_argument("--attribution", action="append", metavar="DIR",
                   help="also show an attribution (the output of tajsim attribute); repeatable")
    p.add_argument("--out", required=True, help="output file, .html")
    p.set_defaults(func=cmd_report)
