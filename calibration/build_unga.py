"""Build calibration/record/unga_agreement.csv and the voting model's tables from the UNGA roll-call data.

    python calibration/build_unga.py [--src ../shared/data/unga] [--out calibration/record/unga_agreement.csv]

The raw data stays outside the repository; only the derived tables are committed: Tajikistan's
yearly voting agreement with each partner, and beside it (same folder) the yearly ideal points,
the agenda and Tajikistan's votes where alignment with Russia is at stake (calibration/record/UNGA.md). Exits 2 with a
one-line message on stderr if the data is missing or malformed.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "calibration"))  # the table builder lives beside this script, outside the package

from unga_positions import contested_table, ideal_points  # noqa: E402
from unga_table import (  # noqa: E402
    ROLLCALLS_FILE,
    VOTES_FILE,
    DataError,
    atomic_csv,
    load_rollcalls,
    load_votes,
    write_agreement_table,
)

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
        votes, rollcalls = load_votes(args.src / VOTES_FILE), load_rollcalls(args.src / ROLLCALLS_FILE)
        ideal, agenda = ideal_points(votes, rollcalls)
        folder = args.out.parent
        atomic_csv(ideal.assign(ideal=ideal["ideal"].round(6)), folder / "unga_ideal_points.csv")
        atomic_csv(agenda.round({"alpha": 6, "beta": 6, "r2": 6}), folder / "unga_agenda.csv")
        atomic_csv(contested_table(votes, rollcalls).round(6), folder / "unga_contested.csv")
    except DataError as exc:
        print(f"build_unga: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {len(table)} rows ({table['partner'].nunique()} partners, "
          f"{table['year'].min()}-{table['year'].max()}) to {args.out} "
          f"in {time.perf_counter() - start:.2f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
