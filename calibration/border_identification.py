"""What do the training years say of the border's threshold? A profile of ``border_threshold``.

The Kyrgyz-Tajik border saw no fighting at UCDP's level in the training years (1992-2009), so they can
only bound the threshold at which it starts from below: every threshold above the tension the training
years reach fits them equally well. This script runs the full replay with every other value at
``calibration/params.yaml``'s and the threshold on a grid, and writes beside this file (or under
``--out``) ``border_identification.csv``: per threshold, the training years' Brier score of P(level >= 1)
(the war stage's border term), the test years' (2010-2022) against persistence's and climatology's, the
share of replicates with fighting in any training year and in 2021-22, and the mean incidents a year
over 2002-2022 (the Tajik government's count: about 11.5, sim/core/border.py).

With ``--sensitivity`` it also writes ``border_sensitivity.csv``: at the committed threshold, the same
figures with each of the border's own constants (sim/core/border.py) a fifth lower and a quarter higher,
and with crowding held flat (each side's population at 1991's; the calm rate raised to keep the count)
or half as elastic (incidents grow with the square root of the population; likewise re-scaled).

Run: ``python calibration/border_identification.py --replicates 100 [--sensitivity]`` (about a minute
each on 2 cores). The reading is in ``calibration/README.md`` ("The border's threshold").
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from sim.calibration.war import load_observed, scores_against_baselines, war_run
from sim.core import border
from sim.paths import default_scenario
from sim.running import run
from sim.scenario import load_scenario
from sim.scenario.compose import with_calibration

TRAIN, TEST = (1992, 2009), (2010, 2022)
GRID = tuple(round(0.6 + 0.1 * n, 1) for n in range(15))
#: The border's constants moved, and by what factors.
CONSTANTS = ("INCIDENTS_A_MONTH", "HEAT", "ARMING", "ARMS_HALF_LIFE", "TENSION_HALF_LIFE", "AFTER_FIGHTING")
FACTORS = (0.8, 1.25)


@contextmanager
def varied(name: str, value) -> Iterator[None]:
    """The border module's constant or function ``name`` at ``value`` within the block (its readers look it
    up on the module each month)."""
    before = getattr(border, name)
    setattr(border, name, value)
    try:
        yield
    finally:
        setattr(border, name, before)


def sensitivity(replicates: int, seed: int, threshold: float) -> pd.DataFrame:
    """At ``threshold``: the model as it is, each constant moved by :data:`FACTORS`, and two other crowdings."""
    rows = [{"variant": "as committed", **profile(replicates, seed, (threshold,)).iloc[0].to_dict()}]
    for name in CONSTANTS:
        for factor in FACTORS:
            with varied(name, getattr(border, name) * factor):
                rows.append({"variant": f"{name} x{factor}", **profile(replicates, seed, (threshold,)).iloc[0].to_dict()})
    target = rows[0]["incidents_a_year_2002_22"]
    original = border.crowding
    for label, crowding in (("crowding flat at 1991's", lambda w, side: 1.0),
                            ("crowding half as elastic", lambda w, side: original(w, side) ** 0.5)):
        with varied("crowding", crowding):
            first = profile(replicates, seed, (threshold,)).iloc[0]
            scale = target / first["incidents_a_year_2002_22"]  # the same count of incidents, 2002-22
            with varied("INCIDENTS_A_MONTH", border.INCIDENTS_A_MONTH * scale):
                rows.append({"variant": f"{label}, calm rate x{scale:.2f}",
                             **profile(replicates, seed, (threshold,)).iloc[0].to_dict()})
    return pd.DataFrame(rows)


def profile(replicates: int, seed: int, grid=GRID) -> pd.DataFrame:
    """One row per threshold (see the module doc)."""
    plan = load_scenario(default_scenario(), calibration=False)
    fitted = yaml.safe_load((Path(__file__).parent / "params.yaml").read_text(encoding="utf-8"))
    observed = load_observed()
    rows = []
    for threshold in grid:
        calibration = {"parameters": {**fitted["parameters"], "border_threshold": threshold}, "rules": fitted["rules"]}
        result = run(with_calibration(plan, calibration), seed=seed, replicates=replicates)
        fights = war_run(result)
        train = (fights.years >= TRAIN[0]) & (fights.years <= TRAIN[1])
        clash = fights.years >= 2021
        truth = np.array([observed.border[list(observed.years).index(y)] >= 1 for y in fights.years[train]])
        p1 = (fights.border[:, train] >= 1).mean(axis=0)
        test = scores_against_baselines(fights, observed, TRAIN, TEST)["border"]["level1"]
        incidents = result.series("border_incidents", "TJK", "KGZ")
        months = np.asarray(result.months)
        window = (months >= 2002 * 12) & (months < 2023 * 12)
        rows.append({"border_threshold": threshold, "train_brier": float(np.mean(np.square(p1 - truth))),
                     "test_brier": test["model"], "test_brier_persistence": test["persistence"],
                     "test_brier_climatology": test["climatology"],
                     "share_fighting_in_training": float((fights.border[:, train] >= 1).any(axis=1).mean()),
                     "share_fighting_2021_22": float((fights.border[:, clash & (fights.years <= 2022)] >= 1)
                                                     .any(axis=1).mean()),
                     "incidents_a_year_2002_22": float(incidents[:, window].sum(axis=1).mean() / 21)})
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--sensitivity", action="store_true", help="also vary the border's constants")
    parser.add_argument("--out", default=str(Path(__file__).parent))
    args = parser.parse_args()
    table = profile(args.replicates, args.seed)
    table.to_csv(Path(args.out) / "border_identification.csv", index=False, float_format="%.4f")
    print(table.to_string(index=False, float_format=lambda v: f"{v:.4f}"))
    if args.sensitivity:
        fitted = yaml.safe_load((Path(__file__).parent / "params.yaml").read_text(encoding="utf-8"))
        varied_table = sensitivity(args.replicates, args.seed, fitted["parameters"]["border_threshold"])
        varied_table.to_csv(Path(args.out) / "border_sensitivity.csv", index=False, float_format="%.4f")
        print(varied_table.drop(columns=["border_threshold"]).to_string(index=False, float_format=lambda v: f"{v:.4f}"))


if __name__ == "__main__":
    main()
