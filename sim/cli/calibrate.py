"""The ``tajsim calibrate`` and ``tajsim forecast`` commands.

Mistakes a user can make (a malformed or
impossible year range, a forecast outside the record or the scenario) are one line on stderr
with exit code 2, like every other ``tajsim`` error.
"""

from __future__ import annotations

import argparse
import re
import sys
import time

from sim.calibration import (
    DEFAULT_BUDGET,
    DEFAULT_LEVER_BUDGET,
    DEFAULT_LEVER_REPLICATES,
    DEFAULT_OUTPUT_BUDGET,
    DEFAULT_REPLICATES,
    DEFAULT_WAR_BUDGET,
    DEFAULT_WAR_REPLICATES,
)
from sim.cli.errors import UsageError, at_least, input_file, output_dir, seed
from sim.cli.progress import month_bar

#: CMA-ES seeds numpy's legacy generator with ``seed + 1``, which must fit in 32 bits.
CALIBRATION_SEED_MAX = 2**32 - 2

_RANGE = re.compile(r"^\s*(\d{4})\s*-\s*(\d{4})\s*$")


def _usage_error(message: str) -> Exception:
    return UsageError(message)


def parse_years(flag: str, text: str) -> tuple[int, int]:
    """``"1992-2009"`` -> ``(1992, 2009)``; anything else is a one-line usage error."""
    match = _RANGE.match(text or "")
    if not match:
        raise _usage_error(f"{flag}: expected a year range as YYYY-YYYY, got {text!r}")
    first, last = int(match.group(1)), int(match.group(2))
    if last < first:
        raise _usage_error(f"{flag}: {text} ends before it starts")
    return first, last


def parse_year(flag: str, text: str) -> int:
    if not re.fullmatch(r"\s*\d{4}\s*", text or ""):
        raise _usage_error(f"{flag}: expected a year as YYYY, got {text!r}")
    return int(text)


def _say(quiet: bool):
    """Tell the user a stage has begun, on stderr, above any progress bar."""
    if quiet:
        return lambda message: None
    from tqdm import tqdm

    return lambda message: tqdm.write(f"tajsim: {message}", file=sys.stderr)


def _stages(text: str) -> tuple[str, ...]:
    return tuple(stage.strip() for stage in text.split(",") if stage.strip())


def _held_from(args: argparse.Namespace) -> str:
    """The held stages' file, named relative to the project where it lies in it (so the report names no machine)."""
    from sim.paths import calibrated_params, project_root

    path = (input_file("--held-from", args.held_from) if args.held_from else calibrated_params()).absolute()
    return str(path.relative_to(project_root()) if path.is_relative_to(project_root()) else path)


def cmd_calibrate(args: argparse.Namespace) -> int:
    from sim.calibration.calibrate import calibrate, check_years
    from sim.calibration.fit import Settings, default_workers
    from sim.paths import project_root

    seed("--seed", args.seed, CALIBRATION_SEED_MAX)
    for flag, value in (("--budget", args.budget), ("--replicates", args.replicates),
                        ("--report-replicates", args.report_replicates), ("--war-budget", args.war_budget),
                        ("--war-replicates", args.war_replicates), ("--output-budget", args.output_budget),
                        ("--lever-budget", args.lever_budget), ("--lever-replicates", args.lever_replicates)):
        at_least(flag, value, 1)
    workers = default_workers() if args.workers is None else at_least("--workers", args.workers, 1)
    settings = Settings(train=parse_years("--train", args.train), test=parse_years("--test", args.test),
                        seed=args.seed, budget=args.budget, replicates=args.replicates,
                        report_replicates=args.report_replicates, scenario=args.scenario,
                        war_budget=args.war_budget, war_replicates=args.war_replicates,
                        lever_budget=args.lever_budget, lever_replicates=args.lever_replicates,
                        output_budget=args.output_budget, hold=_stages(args.hold),
                        held_from=_held_from(args) if args.hold else None)
    try:
        check_years(settings)
    except ValueError as error:
        raise _usage_error(str(error)) from None
    out = output_dir("--out", args.out if args.out else project_root() / "calibration")
    say = _say(args.quiet)
    plans = {"war": f"the war ({settings.war_budget} evaluations of {settings.war_replicates} replicates)",
             "output": f"Tajikistan's output ({settings.output_budget} of {settings.lever_replicates})",
             "levers": f"the levers ({settings.lever_budget} of {settings.lever_replicates})"}
    stages = ", ".join(f"{plan.split(' (')[0]} held" if stage in settings.hold else plan for stage, plan in plans.items())
    alignment = "alignment held" if "alignment" in settings.hold else f"alignment ({settings.budget} of {settings.replicates})"
    say(f"calibrating on {settings.train[0]}-{settings.train[1]}: {stages}, then {alignment}, "
        f"{workers} worker{'s' if workers > 1 else ''}")
    start = time.perf_counter()
    try:
        report = calibrate(settings, out, workers=workers, progress=not args.quiet, say=say)
    except ValueError as error:
        raise _usage_error(str(error)) from None
    elapsed = time.perf_counter() - start
    if not args.quiet:
        test, modelled = report["test"], report["test"]["model_partners"]
        print(f"test {settings.test[0]}-{settings.test[1]}: MAE {test['mae']:.4f}, persistence {test['mae_persistence']:.4f}, "
              f"climatology {test['mae_climatology']:.4f}, skill vs persistence {test['skill_vs_persistence']:+.3f}, "
              f"vs climatology {test['skill_vs_climatology']:+.3f}")
        print(f"  model partners only: MAE {modelled['mae']:.4f}, skill vs persistence "
              f"{modelled['skill_vs_persistence']:+.3f}, vs climatology {modelled['skill_vs_climatology']:+.3f}; "
              f"90% coverage {test['coverage90']:.2f}, CRPS {test['crps']:.4f}")
        for line in report["verdict"]["statements"][:2]:
            print(f"  {line}")
        print(f"wrote {out}/params.yaml, report.json, report.md in {elapsed:.0f} s")
    return 0


def cmd_forecast(args: argparse.Namespace) -> int:
    from sim.calibration.forecast import ForecastError, check_range, forecast, write_forecast
    from sim.paths import calibrated_params, default_scenario
    from sim.scenario import load_scenario

    first, last = parse_year("--from", args.from_year), parse_year("--to", args.to_year)
    at_least("--replicates", args.replicates, 1)
    seed("--seed", args.seed)
    out = output_dir("--out", args.out)
    params = input_file("--params", args.params) if args.params else calibrated_params()
    plan = load_scenario(args.scenario or default_scenario(), calibration=params if params.exists() else False)
    try:
        check_range(plan, first, last)
    except ForecastError as error:
        raise _usage_error(str(error)) from None
    say = _say(args.quiet)
    if not params.exists():
        say(f"no {params}: forecasting with the scenarios' own parameters (run 'tajsim calibrate' first)")
    with month_bar(plan, "forecast", quiet=args.quiet, passes=1) as bar:
        table, about = forecast(plan, first, last, seed=args.seed, replicates=args.replicates, progress=say,
                                months=bar)
    path = write_forecast(table, about, out)
    if not args.quiet:
        print(f"wrote {path} ({len(table)} rows: {table['partner'].nunique()} partners, {first + 1}-{last}) and forecast.json")
    return 0


def add_commands(subparsers) -> None:
    """Register ``calibrate`` and ``forecast`` on the ``tajsim`` sub-command parser."""
    p = subparsers.add_parser(
        "calibrate", help="fit the free parameters to the UN voting record on training years and score test years",
        description="Fit behavioural weights and model constants (CMA-ES) to Tajikistan's UN General Assembly "
                    "agreement on the training years, then score the test years against persistence and "
                    "climatology. Writes params.yaml, report.json and report.md.")
    p.add_argument("--train", default="1992-2009", help="training years, YYYY-YYYY (default 1992-2009)")
    p.add_argument("--test", default="2010-2019", help="test years, YYYY-YYYY, after the training years (default 2010-2019)")
    p.add_argument("--seed", type=int, default=0, help="seed of the optimiser and of the model's replicates (default 0)")
    p.add_argument("--budget", type=int, default=DEFAULT_BUDGET,
                   help=f"candidate evaluations (default {DEFAULT_BUDGET}: under 10 minutes on 2 cores)")
    p.add_argument("--replicates", type=int, default=DEFAULT_REPLICATES,
                   help=f"replicates per candidate, each its own seed (default {DEFAULT_REPLICATES})")
    p.add_argument("--report-replicates", type=int, default=100, help="replicates for the final scores (default 100)")
    p.add_argument("--war-budget", type=int, default=DEFAULT_WAR_BUDGET,
                   help=f"candidate evaluations of the war's stage (default {DEFAULT_WAR_BUDGET})")
    p.add_argument("--war-replicates", type=int, default=DEFAULT_WAR_REPLICATES,
                   help=f"replicates per candidate of the war's stage (default {DEFAULT_WAR_REPLICATES})")
    p.add_argument("--output-budget", type=int, default=DEFAULT_OUTPUT_BUDGET,
                   help=f"candidate evaluations of the output's stage (default {DEFAULT_OUTPUT_BUDGET}; "
                        "its replicates are the levers')")
    p.add_argument("--lever-budget", type=int, default=DEFAULT_LEVER_BUDGET,
                   help=f"candidate evaluations of the levers' stage (default {DEFAULT_LEVER_BUDGET})")
    p.add_argument("--lever-replicates", type=int, default=DEFAULT_LEVER_REPLICATES,
                   help=f"replicates per candidate of the levers' stage (default {DEFAULT_LEVER_REPLICATES})")
    p.add_argument("--hold", default="",
                   help="earlier stages not to search again, held at --held-from's values: war; war,output; "
                        "war,output,levers (for a change that touches only what later stages fit); or all four, "
                        "war,output,levers,alignment (nothing searched: the file's values re-scored under this model)")
    p.add_argument("--held-from", default=None,
                   help="the calibration file whose values the held stages keep (default: the project's "
                        "calibration/params.yaml, read before anything is written)")
    p.add_argument("--workers", type=int, help="parallel processes, 1 or more (default: one per core)")
    p.add_argument("--scenario", help="scenario to calibrate (default: the full replay)")
    p.add_argument("--out", help="output directory (default: the project's calibration/)")
    p.add_argument("--quiet", action="store_true", help="no progress bar or summary")
    p.set_defaults(func=cmd_calibrate)

    p = subparsers.add_parser(
        "forecast", help="forecast UN voting agreement with every partner from a year of the record on",
        description="Restart the calibrated model from the record of the --from year and write "
                    "DIR/unga_forecast.csv (partner,year,agreement_mean,agreement_lo,agreement_hi; a 90% "
                    "interval) for the years after --from up to --to.")
    p.add_argument("--from", dest="from_year", required=True, help="last year of the record used (YYYY)")
    p.add_argument("--to", dest="to_year", required=True, help="last year forecast (YYYY)")
    p.add_argument("--out", required=True, help="output directory")
    p.add_argument("--seed", type=int, default=0, help="seed of the ensemble (default 0)")
    p.add_argument("--replicates", type=int, default=200, help="ensemble size (default 200)")
    p.add_argument("--params", help="calibrated parameter file (default calibration/params.yaml)")
    p.add_argument("--scenario", help="scenario (default: the full replay)")
    p.add_argument("--quiet", action="store_true", help="no progress bar, print nothing")
    p.set_defaults(func=cmd_forecast)
