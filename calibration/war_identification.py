"""Is the war's fit identified? Re-run the war stage from several seeds and compare the fits.

Writes, beside this file (or under ``--out``):

* ``war_identification.csv``: one row per seed - its loss on its own replicates, its loss on 100
  fresh replicates (the same for every fit), the Afghan sanctuary's paired effect on the months of
  fighting in 1992-1999, and every fitted value;
* ``war_identification_spread.csv``: per parameter, the fits' least, median and greatest values and
  their span as a share of the searched range;
* ``war_fits/seedN.yaml``: ``params.yaml``'s parameters and rules with the war stage's values from
  seed N, so that an experiment can be run under each fit
  (``tajsim experiment FILE --calibration calibration/war_fits/seedN.yaml``).

Run: ``python calibration/war_identification.py --seeds 0-5 --workers 2`` (about a minute a seed
on 2 cores). The method and the last result are in ``calibration/README.md`` ("Is the war identified?").
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sim.calibration.fit import Settings
from sim.calibration.identify import identify_war, spread, write_variants
from sim.calibration.war import WAR_FREE

TRAIN, TEST = (1992, 2009), (2010, 2019)


def seeds_of(text: str) -> list[int]:
    """``0-5`` or ``0,3,7`` to a list of seeds."""
    if "-" in text:
        first, last = (int(part) for part in text.split("-", 1))
        return list(range(first, last + 1))
    return [int(part) for part in text.split(",")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="0-5")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--war-budget", type=int, default=None, help="evaluations per search (default: calibrate's)")
    parser.add_argument("--fresh-replicates", type=int, default=100)
    parser.add_argument("--out", default=str(Path(__file__).parent))
    args = parser.parse_args()
    settings = Settings(TRAIN, TEST)
    if args.war_budget:
        settings = Settings(TRAIN, TEST, war_budget=args.war_budget)
    fits = identify_war(settings, seeds_of(args.seeds), args.workers, args.fresh_replicates,
                        say=lambda line: print(line, file=sys.stderr, flush=True))
    out = Path(args.out)
    fits.to_csv(out / "war_identification.csv", index=False, float_format="%.6g")
    spread(fits).to_csv(out / "war_identification_spread.csv", index=False, float_format="%.4g")
    write_variants(Path(__file__).parent / "params.yaml", fits, "seed", WAR_FREE, out / "war_fits",
                   "calibration/war_identification.py")
    print(spread(fits).to_string(index=False, float_format=lambda v: f"{v:.3g}"))


if __name__ == "__main__":
    main()
