"""Build calibration/record/unga_agreement.csv from the UNGA roll-call data.

    python calibration/build_unga.py [--src ../shared/data/unga] [--out calibration/record/unga_agreement.csv]

The raw data stays outside the repository; only this derived table (Tajikistan's yearly voting
agreement with each partner, see calibration/record/UNGA.md) is committed. Exits 2 with a
one-line message on stderr if the data is missing or malformed.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "calibration"))  # the table builder lives beside this script, outside the package

from unga_table import DataError, write_agreement_table  # noqa: E402

DEFAULT_SRC = (ROOT / ".." / "shared" / "data" / "unga").resolve()
DEFAULT_OUT = ROOT / "calibration" / "record" / "unga_agreement.csv"


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, write the table, report one line; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", type=Path, default=DEFAULT_SRC,
                        help=f"directory with votes.csv.gz and roll_calls.csv.gz (default {DEFAULT_SRC})")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help=f"CSV to write (default {DEFAULT_OUT})")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    try:
        table = write_agreement_table(args.src, args.out)
    except DataError as exc:
        print(f"build_unga: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {len(table)} rows ({table['partner'].nunique()} partners, "
          f"{table['year'].min()}-{table['year'].max()}) to {args.out} "
          f"in {time.perf_counter() - start:.2f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
