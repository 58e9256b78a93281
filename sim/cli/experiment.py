"""The ``tajsim experiment`` and ``tajsim experiment-schema`` commands.

``tajsim experiment FILE --out DIR [--workers N] [--scheduler ADDRESS] [--resume]`` runs an
experiment file, showing runs done, rate and time left, and prints the paired effects and the
rules that acted differently in each arm.
A bad file is one line on stderr and exit code 2; Ctrl-C keeps every finished task, and
``--resume`` runs only what is missing.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from sim.cli.errors import UsageError, at_least, input_file, output_dir
from sim.cli.output import emit_json


def _usage(message: str) -> Exception:
    return UsageError(message)


def _effects_table(summary_path: Path, arms: list[str], limit: int = 40) -> str:
    """The printed summary: each named arm's effect on each outcome, with its interval.

    ``significant``: the whole window's 95% interval excludes 0; ``onset``: the first month
    significant on its own after Holm's correction over the window's months (only for a
    significant effect); ``diverges``: the first month any replicate differs from its twin.
    """
    import pandas as pd

    table = pd.read_csv(summary_path, keep_default_na=False)
    table = table[table["arm"].isin(arms)]
    lines = [f"{'arm':<24}{'outcome':<28}{'effect':>10}  {'95% interval':<22}{'significant':<13}{'diverges':<10}"
             f"{'onset (Holm)':<12}"]
    for row in table.head(limit).itertuples(index=False):
        interval = f"[{row.ci_low:.3g}, {row.ci_high:.3g}]" if row.ci_low != "" else ""
        significant = "yes" if str(row.significant) == "True" else "no"
        lines.append(f"{row.arm[:23]:<24}{row.outcome[:27]:<28}{row.effect:>10.3g}  {interval:<21} {significant:<13}"
                     f"{row.diverges_from or '-':<10}{row.significant_from or '-':<12}".rstrip())
    if len(table) > limit:
        lines.append(f"... {len(table) - limit} more rows in {summary_path}")
    return "\n".join(lines)


def _rule_lines(rules_path: Path, arms: list[str], per_arm: int = 4) -> str:
    """Per named arm, the rules whose event counts changed most (significantly), from rules.csv:
    where to start reading why its outcomes moved."""
    import pandas as pd

    table = pd.read_csv(rules_path, keep_default_na=False)
    lines = []
    for arm in arms:
        rows = table[(table["arm"] == arm) & (table["significant"].astype(str) == "True")]
        if rows.empty:
            lines.append(f"{arm}: no rule's events changed significantly")
            continue
        shown = ", ".join(f"{r.rule} {r.effect:+.3g} [{r.ci_low:.3g}, {r.ci_high:.3g}]" for r in rows.head(per_arm).itertuples())
        more = f" and {len(rows) - per_arm} more" if len(rows) > per_arm else ""
        lines.append(f"{arm}: {shown}{more}")
    return "rules that acted differently (events per replicate, arm minus baseline; rules.csv):\n" + "\n".join(lines)


#: The measure printed for each kind of design, strongest factor first.
_LEADING = {"grid": "spearman_rho", "lhs": "spearman_rho", "sobol": "ST", "morris": "mu_star"}


def _sensitivity_lines(path: Path, kind: str) -> str:
    """Per outcome, the factors by the size of their effect (seed share first)."""
    import pandas as pd

    table = pd.read_csv(path)
    measure = _LEADING[kind]
    lines = []
    for outcome, rows in table.groupby("outcome", sort=False):
        seed = rows[(rows["factor"] == "(seed)") & (rows["measure"] == "seed_share")]["value"].iloc[0]
        ranked = rows[rows["measure"] == measure].assign(size=lambda t: t["value"].abs())
        ranked = ranked.sort_values("size", ascending=False)
        factors = ", ".join(f"{r.factor} {r.value:.3g}" for r in ranked.itertuples())
        lines.append(f"{outcome}: {measure} {factors} (seed share of a run's variance {seed:.2f})")
    return "\n".join(lines)


def cmd_experiment(args: argparse.Namespace) -> int:
    from sim.experiments import ExperimentError, load_experiment, run_experiment
    from sim.experiments.execute import done_runs

    if args.workers is not None:
        at_least("--workers", args.workers, 1)
    if args.resume and args.overwrite:
        raise _usage("--resume and --overwrite exclude each other")
    calibration = input_file("--calibration", args.calibration) if args.calibration else None
    experiment = load_experiment(args.file, calibration)
    named = [arm.name for arm in experiment.arms[1:] if not arm.factors]
    points = len(experiment.arms) - 1 - len(named)
    if args.check:
        print(f"{args.file}: ok ({experiment.name}: baseline + {len(named)} arm{'s' if len(named) != 1 else ''}"
              + (f" + {points} design points" if points else "")
              + f", {experiment.replicates} replicates, {experiment.runs} runs in {len(experiment.tasks)} tasks"
              f" of up to {experiment.batch}; outcomes: {', '.join(o.name for o in experiment.outcomes)})")
        return 0
    out = output_dir("--out", args.out if args.out else Path("runs") / f"experiment-{experiment.name}")
    workers = args.workers or os.cpu_count() or 1
    try:
        report = run_experiment(experiment, out, workers=workers, scheduler=args.scheduler, resume=args.resume,
                                overwrite=args.overwrite, progress=not args.quiet)
    except ExperimentError as error:
        raise _usage(str(error)) from None
    except KeyboardInterrupt:
        print(f"tajsim: interrupted with {done_runs(experiment, out)} of {experiment.runs} runs kept in {out}; "
              f"add --resume to complete them", file=sys.stderr)
        return 130
    for warning in report.warnings:
        print(f"tajsim: warning: {warning}", file=sys.stderr)
    if not args.quiet:
        print(f"{experiment.spec.title or experiment.name}: {report.runs} runs "
              f"({report.ran} now), seed {experiment.seed}, {experiment.replicates} replicates per arm")
        if named:
            print(_effects_table(out / "summary.csv", named))
            if (out / "rules.csv").exists():
                print(_rule_lines(out / "rules.csv", named))
        if points and experiment.spec.design is not None:
            print(_sensitivity_lines(out / "sensitivity.csv", experiment.spec.design.kind))
            print(f"{points} design points: see design.csv and sensitivity.csv")
        print(f"wrote {', '.join(str(p.relative_to(out)) for p in report.files)} in {out}")
    return 0


def cmd_experiment_schema(args: argparse.Namespace) -> int:
    from sim.experiments.schema import json_schema

    return emit_json(json_schema(), args.out)


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Register ``experiment`` and ``experiment-schema`` on the ``tajsim`` parser."""
    p = sub.add_parser("experiment", help="run a counterfactual experiment file (paired ensembles, sweeps, sensitivity)")
    p.add_argument("file", help="experiment file (see experiments/README.md)")
    p.add_argument("--out", help="output directory (default runs/experiment-<name>)")
    p.add_argument("--workers", type=int, help="local worker processes (default: one per CPU; 1 runs in this process)")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="run on an existing Dask cluster, e.g. tcp://host:8786 (needs pip install .[cluster])")
    p.add_argument("--resume", action="store_true", help="complete an interrupted run in --out: run only what is missing")
    p.add_argument("--overwrite", action="store_true", help="discard earlier results in --out and start again")
    p.add_argument("--calibration", metavar="PARAMS",
                   help="run under this parameter file instead of the experiment's own calibration "
                        "(e.g. one of calibration/war_fits/)")
    p.add_argument("--check", action="store_true", help="validate the file and show the arms and runs, run nothing")
    p.add_argument("--quiet", action="store_true", help="no progress bar or summary (warnings are still shown)")
    p.set_defaults(func=cmd_experiment)

    p = sub.add_parser("experiment-schema", help="print the JSON Schema of experiment files")
    p.add_argument("--out", help="write to this file instead of stdout")
    p.set_defaults(func=cmd_experiment_schema)
