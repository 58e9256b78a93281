"""Run experiments under several calibrations, or several draws of the random streams, and say which
effects keep their sign across them.

An effect read from one fit may be that fit's: where the record cannot tell parameter sets apart
(``calibration/war_identification.py`` shows the war's cannot), every set that fits as well is an
equally good answer, and an effect is only as firm as its agreement across them.

    python experiments/across_fits.py experiments/no_afghan_sanctuary.yaml ... \\
        --fits calibration/params.yaml calibration/war_fits/seed*.yaml --out runs/across

runs each experiment under each fit (``tajsim experiment FILE --calibration FIT``, into
``OUT/<fit>/<experiment>/``) and writes ``OUT/effects.csv`` (experiment, arm, outcome, fit, seed,
effect, ci_low, ci_high, significant) and ``OUT/agreement.csv``: per effect, its least and greatest
estimate over the runs, how many runs find it significant each way, a verdict - ``same sign``
(significant the same way in every run), ``mixed`` (significant both ways) or ``unsettled`` - and,
for an effect of the same sign, ``size_ratio``: its largest size over the runs against its smallest
(a sign that holds while the size runs tenfold says the direction is settled and the amount is not).

An effect read from one draw of the random streams may be that draw's as well: a significance
verdict near the line flips with a fresh draw (about one in six at 200 replicates, when a new rule
shifted every replicate's draws; experiments/README.md, *The random streams*). ``--seeds S ...``
runs each experiment under each fit once per seed instead of the file's own (into
``OUT/<fit>-seed<S>/<experiment>/``), so that ``same sign`` also means "under every draw tried":

    python experiments/across_fits.py experiments/base_lease_2004.yaml \\
        --fits calibration/params.yaml --seeds 2004 2005 2006 --out runs/streams
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

import pandas as pd

from sim.experiments import load_experiment, run_experiment


def effects_under(experiments: list[Path], fits: list[Path], out: Path, workers: int,
                  seeds: list[int] | None = None) -> pd.DataFrame:
    """Each experiment's named arms' effects under each fit, and under each of ``seeds`` instead of
    the file's own seed where given (runs reused where ``--resume`` finds them)."""
    frames = []
    for fit in fits:
        for seed in seeds or [None]:
            for path in experiments:
                experiment = load_experiment(path, calibration=fit)
                folder = out / (fit.stem if seed is None else f"{fit.stem}-seed{seed}") / experiment.name
                if seed is not None:
                    experiment = replace(experiment, spec=experiment.spec.model_copy(update={"seed": seed}))
                run_experiment(experiment, folder, workers=workers, resume=folder.exists(), progress=False)
                summary = pd.read_csv(folder / "summary.csv")
                summary = summary[summary["arm"] != "baseline"]
                frames.append(summary.assign(experiment=experiment.name, fit=fit.stem, seed=experiment.seed)[
                    ["experiment", "arm", "outcome", "fit", "seed", "effect", "ci_low", "ci_high", "significant"]])
    return pd.concat(frames, ignore_index=True)


def agreement(effects: pd.DataFrame) -> pd.DataFrame:
    """Per (experiment, arm, outcome): the spread of the effect over the runs (fits, and seeds where
    given; ``fits`` counts the runs) and whether its sign holds."""
    rows = []
    for (experiment, arm, outcome), group in effects.groupby(["experiment", "arm", "outcome"], sort=True):
        significant = group["significant"].astype(bool)
        up = int((significant & (group["effect"] > 0)).sum())
        down = int((significant & (group["effect"] < 0)).sum())
        verdict = ("same sign" if max(up, down) == len(group) else "mixed" if up and down else "unsettled")
        size = group["effect"].abs()
        rows.append({"experiment": experiment, "arm": arm, "outcome": outcome, "fits": len(group),
                     "least": group["effect"].min(), "median": group["effect"].median(),
                     "greatest": group["effect"].max(), "significant_up": up, "significant_down": down,
                     "verdict": verdict,
                     "size_ratio": size.max() / size.min() if verdict == "same sign" else float("nan")})
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("experiments", nargs="+", type=Path)
    parser.add_argument("--fits", nargs="+", type=Path, required=True, help="calibration files")
    parser.add_argument("--seeds", nargs="+", type=int, help="run each experiment once per seed instead of its own")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    stems = [fit.stem for fit in args.fits]
    if len(set(stems)) != len(stems):
        parser.error(f"--fits: two files share a name ({', '.join(stems)}); each fit's runs go in OUT/<name>")
    if args.seeds and (len(set(args.seeds)) != len(args.seeds) or min(args.seeds) < 0):
        parser.error(f"--seeds: each seed once, 0 or more ({' '.join(map(str, args.seeds))})")
    effects = effects_under(args.experiments, args.fits, args.out, args.workers, args.seeds)
    effects.to_csv(args.out / "effects.csv", index=False, float_format="%.6g")
    table = agreement(effects)
    table.to_csv(args.out / "agreement.csv", index=False, float_format="%.6g")
    print(table.to_string(index=False, float_format=lambda v: f"{v:.3g}"))


if __name__ == "__main__":
    main()
