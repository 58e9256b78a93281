"""Is the alignment stage identified? Search it again from several seeds and compare what the fits make of history.

Writes, beside this file (or under ``--out``):

* ``alignment_identification.csv``: one row for the committed fit and one per seed - its loss on
  its own replicates (the search's best), its loss on 32 fresh replicates (the same for every
  fit), Tajikistan's mean regard for Russia, China and the United States in 1995, 2005, 2015 and
  2023 on those replicates, the share of them passing SF27 (stage 3), and every fitted value;
* ``alignment_identification_spread.csv``: per parameter, the fits' least, median and greatest
  values and their span as a share of the searched range;
* ``alignment_fits/seedN.yaml``: ``params.yaml`` with seed N's alignment values, for
  ``tajsim experiment FILE --calibration ...`` (the committed fit is ``params.yaml`` itself).

The earlier stages (the war, output, the levers) are held at ``params.yaml``'s values. Run:
``python calibration/alignment_identification.py --seeds 1-3 --workers 2`` (about six minutes a
seed on 2 cores). The last result is in ``calibration/README.md`` ("Is alignment identified?").
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

from war_identification import seeds_of

from sim.calibration.fit import FREE, Settings
from sim.calibration.identify import fitted_values, identify_alignment, spread, write_variants

TRAIN, TEST = (1992, 2009), (2010, 2019)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="1-3")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--budget", type=int, default=None, help="evaluations per search (default: calibrate's)")
    parser.add_argument("--fresh-replicates", type=int, default=32)
    parser.add_argument("--out", default=str(Path(__file__).parent))
    args = parser.parse_args()
    settings = Settings(TRAIN, TEST)
    if args.budget:
        settings = replace(settings, budget=args.budget)
    fits = identify_alignment(settings, fitted_values(Path(__file__).parent / "params.yaml"), seeds_of(args.seeds),
                              args.workers, args.fresh_replicates,
                              say=lambda line: print(line, file=sys.stderr, flush=True))
    out = Path(args.out)
    fits.to_csv(out / "alignment_identification.csv", index=False, float_format="%.6g")
    spread(fits, FREE).to_csv(out / "alignment_identification_spread.csv", index=False, float_format="%.4g")
    write_variants(Path(__file__).parent / "params.yaml", fits[fits["fit"] != "committed"], "fit", FREE,
                   out / "alignment_fits", "calibration/alignment_identification.py")
    print(fits.iloc[:, :17].to_string(index=False, float_format=lambda v: f"{v:.3g}"))


if __name__ == "__main__":
    main()
