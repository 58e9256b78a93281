"""What a fitted value costs and buys: one parameter moved through values, every other held at params.yaml's.

    python calibration/profile_value.py R20 --values 0,0.37,1,2,3 --out calibration/profile_R20.csv

prints and writes one row per value: its calibration stage's loss and parts on the training years
(the calibration's own loss, seed and replicates) and the share of 100 full replays that pass each
stylized fact whose window ends after the training years. A flat loss says the training years do
not identify the parameter; a fact that passes only where the loss is worse says the fit and the
fact disagree. The method and the last results are in ``calibration/README.md``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sim.calibration.fit import Settings
from sim.calibration.identify import fitted_values, profile, stage_of

TRAIN, TEST = (1992, 2009), (2010, 2019)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("parameter")
    parser.add_argument("--values", required=True, help="comma-separated values")
    parser.add_argument("--replicates", type=int, default=100)
    parser.add_argument("--params", type=Path, default=Path(__file__).parent / "params.yaml")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    try:
        stage_of(args.parameter)
        values = [float(v) for v in args.values.split(",")]
    except ValueError as error:
        print(f"profile_value.py: {error}", file=sys.stderr)
        sys.exit(2)
    table = profile(Settings(TRAIN, TEST), fitted_values(args.params), args.parameter, values, args.replicates,
                    say=lambda line: print(line, file=sys.stderr, flush=True))
    if args.out:
        table.to_csv(args.out, index=False, float_format="%.6g")
    print(table.to_string(index=False, float_format=lambda v: f"{v:.4g}"))


if __name__ == "__main__":
    main()
