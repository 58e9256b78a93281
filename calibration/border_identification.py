"""What do the training years say of the border's threshold? A profile of ``border_threshold``.

The Kyrgyz-Tajik border saw no fighting at UCDP's level in the training years (1992-2009), so they can
only bound the threshold at which it starts from below: every threshold above the tension the training
years reach fits them equally well. This script runs the full replay with every other value at
``calibration/params.yaml``'s and the threshold on a grid, and writes beside this file (or under
``--out``) ``border_identification.csv``: per threshold, the training years' Brier score of P(level >= 1)
(the war stage's border term), the test years' (2010-2022) against persistence's and climatology's, the
share of replicates with fighting in any training year and in 2021-22, and the mean incidents a year
over 2002-2022 (the Tajik government's count: about 11.5, sim/core/border.py).

Run: ``python calibration/border_identification.py --replicates 100`` (about a minute on 2 cores). The
reading is in ``calibration/README.md`` ("The border's threshold").
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from sim.calibration.war import load_observed, scores_against_baselines, war_run
from sim.paths import default_scenario
from sim.running import run
from sim.scenario import load_scenario
from sim.scenario.compose import with_calibration

TRAIN, TEST = (1992, 2009), (2010, 2022)
GRID = tuple(round(0.6 + 0.1 * n, 1) for n in range(15))


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
    parser.add_argument("--out", default=str(Path(__file__).parent))
    args = parser.parse_args()
    table = profile(args.replicates, args.seed)
    table.to_csv(Path(args.out) / "border_identification.csv", index=False, float_format="%.4f")
    print(table.to_string(index=False, float_format=lambda v: f"{v:.4f}"))


if __name__ == "__main__":
    main()
