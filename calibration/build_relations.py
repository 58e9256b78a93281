"""Build the dependency-lever and conflict tables in calibration/record/relations/ from the raw data.

    python calibration/build_relations.py [--shared ../shared/data/relations] [--out calibration/record/relations]

An offline builder, run by hand when the raw data changes; nothing in the package imports it.
The raw files (COW Trade v4, UN DESA migrant stocks, AidData Chinese finance, UCDP/PRIO armed
conflicts, all Tajikistan's rows; see the shared folder's README.md) stay outside the repository.
Only the small yearly tables written here are committed; calibration/record/relations/README.md
documents every column, how it is derived, the sources and the caveats.

Written: trade.csv, migrants.csv, china_finance.csv, conflict.csv, conflict_yearly.csv. Every
table is built in memory first, then each file is written to a temporary file in the output folder
and moved into place with os.replace, so a failed run leaves the previous tables untouched. Rows
are sorted and numbers formatted with fixed decimals: the same raw files give the same bytes.
Plain Python (csv module), so the bytes do not depend on a pandas version.
Exits 2 with a one-line message on stderr if a raw file is missing or malformed.
"""

from __future__ import annotations

import argparse
import csv
import io
import math
import sys
import time
from collections import defaultdict
from pathlib import Path

from sim.files import atomic_write  # the package is installed from this checkout (pip install -e .)

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "calibration" / "record" / "relations"

#: The model's partner states (sim/vocabulary.py STATES without TJK) with their COW state codes,
#: which are also the Gleditsch-Ward codes UCDP uses for these states.
COW_CODES: dict[str, int] = {
    "RUS": 365, "UZB": 704, "KGZ": 703, "KAZ": 705, "TKM": 701, "IRN": 630,
    "AFG": 700, "CHN": 710, "USA": 2, "TUR": 640, "PAK": 770,
}
#: The same partners as UN DESA names them in the migrant-stock file.
UNDESA_NAMES: dict[str, str] = {
    "RUS": "Russia", "UZB": "Uzbekistan", "KGZ": "Kyrgyzstan", "KAZ": "Kazakhstan",
    "TKM": "Turkmenistan", "IRN": "Iran", "AFG": "Afghanistan", "CHN": "China",
    "USA": "United States", "TUR": "Turkey", "PAK": "Pakistan",
}
TJK_COW = 702
ALL, WORLD = "ALL", "WORLD"

TRADE_YEARS = range(1992, 2015)
MIGRANT_YEARS = range(1990, 2021)
MIGRANT_STEP = 5                      # UN DESA publishes stocks every five years
CHINA_YEARS = range(2000, 2018)
CONFLICT_YEARS = range(1991, 2024)    # conflict_yearly.csv: every year, 0 where UCDP has no row

#: UCDP conflict id -> the opponent of Tajikistan's government, and the conflict_yearly column.
#: The raw copy carries no side names; see README.md, "conflict.csv", for how each was named.
CONFLICTS: dict[int, str] = {395: "UTO", 13324: "KGZ", 16292: "IS"}
YEARLY_COLUMNS: dict[int, str] = {395: "intensity_gov_opposition", 13324: "intensity_kgz_border"}

FILES = {
    "trade": "cow_trade_v4_tjk_dyadic_1992_2014.csv",
    "totals": "cow_trade_v4_tjk_totals_1991_2014.csv",
    "migrants": "undesa_migrant_stock_and_abel_flows_tjk_1990_2020.csv",
    "china": "aiddata_chinese_devfinance_v2_tjk_yearly_2000_2017.csv",
    "conflict": "ucdp_acd_tjk.csv",
}
COLUMNS = {
    "trade": ["year", "partner_ccode", "tjk_imports_from_partner_musd", "tjk_exports_to_partner_musd"],
    "totals": ["ccode", "year", "imports", "exports"],
    "migrants": ["measure", "year", "origin", "destination", "value", "partner_is_region_aggregate"],
    "china": ["year", "recipient_iso3", "aid", "debt"],
    "conflict": ["conflict_id", "year", "gwno_a", "gwno_a_2nd", "gwno_b", "intensity_level",
                 "ep_end", "ep_end_date"],
}


class DataError(Exception):
    """A raw file is missing or malformed; the message is one line naming the file."""


# --- locating and reading the raw files -----------------------------------------------------

def default_shared(root: Path = ROOT) -> Path:
    """The workplace's shared/data/relations: beside this checkout, or beside the main checkout.

    build_unga.py looks only beside the checkout (``../shared``). A linked git worktree (such as
    ``wt/<branch>``) sits one level deeper, so when ``.git`` is a file the main checkout is found
    through git's ``commondir`` and its neighbour is tried too. Returns the first folder that
    exists, else the first candidate (which the caller reports as missing).
    """
    candidates = [root.parent]
    dot_git = root / ".git"
    if dot_git.is_file():
        text = dot_git.read_text(encoding="utf-8").strip()
        if text.startswith("gitdir:"):
            gitdir = (root / text.removeprefix("gitdir:").strip()).resolve()
            common = gitdir / "commondir"
            main_git = ((gitdir / common.read_text(encoding="utf-8").strip()).resolve()
                        if common.is_file() else gitdir.parents[1])
            candidates.append(main_git.parent.parent)
    folders = [base / "shared" / "data" / "relations" for base in candidates]
    return next((folder for folder in folders if folder.is_dir()), folders[0])


def read_rows(shared: Path, key: str) -> list[dict[str, str]]:
    """The rows of one raw file as dicts of strings; DataError if it or a needed column is missing."""
    path = shared / FILES[key]
    if not path.is_file():
        raise DataError(f"{path}: not found (pass --shared with the folder of the raw files)")
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in COLUMNS[key] if c not in (reader.fieldnames or [])]
        if missing:
            raise DataError(f"{path.name}: missing column(s) {', '.join(missing)}")
        return list(reader)


def number(text: str, where: str) -> float | None:
    """A raw figure: None where the cell is blank (COW's missing code, -9 in its own release)."""
    text = text.strip()
    if text == "":
        return None
    try:
        value = float(text)
    except ValueError:
        raise DataError(f"{where}: not a number: {text!r}") from None
    return None if value < 0 else value  # trade, stocks and finance are never negative: -9 = missing


def integer(text: str, where: str) -> int:
    value = number(text, where)
    if value is None or value != int(value):
        raise DataError(f"{where}: expected a whole number, got {text!r}")
    return int(value)


# --- the tables -------------------------------------------------------------------------------

def trade_table(dyadic: list[dict[str, str]], totals: list[dict[str, str]]) -> list[list]:
    """year, partner, imports_musd, exports_musd, share_of_trade, sorted by year then partner.

    COW's raw flows (not the smoothed ones): Tajikistan's imports from and exports to each model
    partner and, as partner ALL, its national totals. A blank COW cell, or a partner-year with no
    COW row, stays empty; share_of_trade is empty unless both flows with the partner are known.
    """
    flows: dict[tuple[int, str], tuple[float | None, float | None]] = {}
    by_code = {code: iso for iso, code in COW_CODES.items()}
    for i, row in enumerate(dyadic, start=2):
        where = f"{FILES['trade']} line {i}"
        partner = by_code.get(integer(row["partner_ccode"], where))
        if partner is None:
            continue
        key = (integer(row["year"], where), partner)
        if key in flows:
            raise DataError(f"{where}: second row for {key[1]} in {key[0]}")
        flows[key] = (number(row["tjk_imports_from_partner_musd"], where),
                      number(row["tjk_exports_to_partner_musd"], where))
    total: dict[int, tuple[float | None, float | None]] = {}
    for i, row in enumerate(totals, start=2):
        where = f"{FILES['totals']} line {i}"
        if integer(row["ccode"], where) == TJK_COW:
            total[integer(row["year"], where)] = (number(row["imports"], where),
                                                  number(row["exports"], where))
    rows = []
    for year in TRADE_YEARS:
        t_imp, t_exp = total.get(year, (None, None))
        if t_imp is None or t_exp is None or t_imp + t_exp <= 0:
            raise DataError(f"{FILES['totals']}: no total imports and exports for {year}")
        rows.append([year, ALL, t_imp, t_exp, 1.0])
        for partner in COW_CODES:
            imp, exp = flows.get((year, partner), (None, None))
            share = None if imp is None or exp is None else (imp + exp) / (t_imp + t_exp)
            rows.append([year, partner, imp, exp, share])
    rows.sort(key=lambda r: (r[0], r[1]))
    return [[y, p, fmt(i, 3), fmt(e, 3), fmt(s, 4)] for y, p, i, e, s in rows]


def migrant_table(records: list[dict[str, str]]) -> list[list]:
    """year, destination, stock, share_of_emigrants, interpolated; sorted by year then destination.

    Tajik-born stocks in each model partner with any UN DESA figure, and WORLD, the sum over all
    destination countries (region aggregates left out). Published years as they are; the years
    between are linear interpolations of the stocks, and their share is the ratio of the
    interpolated stock to the interpolated WORLD stock.
    """
    wanted = {name: iso for iso, name in UNDESA_NAMES.items()}
    stock: dict[tuple[int, str], float] = {}
    world: dict[int, float] = defaultdict(float)
    for i, row in enumerate(records, start=2):
        if row["measure"] != "stock" or row["origin"] != "Tajikistan":
            continue
        where = f"{FILES['migrants']} line {i}"
        if row["partner_is_region_aggregate"] not in ("True", "False"):
            raise DataError(f"{where}: partner_is_region_aggregate is {row['partner_is_region_aggregate']!r}")
        if row["partner_is_region_aggregate"] == "True":
            continue
        year, value = integer(row["year"], where), number(row["value"], where)
        if value is None:
            raise DataError(f"{where}: no stock for {row['destination']} in {year}")
        world[year] += value
        if row["destination"] in wanted:
            key = (year, wanted[row["destination"]])
            if key in stock:
                raise DataError(f"{where}: second stock for {key[1]} in {year}")
            stock[key] = value
    published = list(range(MIGRANT_YEARS.start, MIGRANT_YEARS.stop, MIGRANT_STEP))
    if sorted(world) != published:
        raise DataError(f"{FILES['migrants']}: stock years are {sorted(world)}, expected {published}")
    stock.update({(year, WORLD): total for year, total in world.items()})
    destinations = sorted({d for _, d in stock})
    for destination in destinations:
        gaps = [y for y in published if (y, destination) not in stock]
        if gaps:
            raise DataError(f"{FILES['migrants']}: no stock for {destination} in {gaps}")

    def at(year: int, destination: str) -> float:
        low = year - (year - published[0]) % MIGRANT_STEP
        if low == year:
            return stock[(year, destination)]
        high, w = low + MIGRANT_STEP, (year - low) / MIGRANT_STEP
        return stock[(low, destination)] * (1 - w) + stock[(high, destination)] * w

    rows = []
    for year in MIGRANT_YEARS:
        for destination in destinations:
            value = at(year, destination)
            rows.append([year, destination, str(math.floor(value + 0.5)),
                         fmt(value / at(year, WORLD), 4),
                         "false" if year in published else "true"])
    return rows


def china_table(records: list[dict[str, str]]) -> list[list]:
    """year, aid_usd, debt_usd, total_usd in whole US$; total = aid + debt as written."""
    found: dict[int, tuple[int, int]] = {}
    for i, row in enumerate(records, start=2):
        where = f"{FILES['china']} line {i}"
        if row["recipient_iso3"] != "TJK":
            continue
        year = integer(row["year"], where)
        if year in found:
            raise DataError(f"{where}: second row for {year}")
        aid, debt = number(row["aid"], where), number(row["debt"], where)
        if aid is None or debt is None:
            raise DataError(f"{where}: aid or debt missing for {year}")
        found[year] = (math.floor(aid + 0.5), math.floor(debt + 0.5))
    if sorted(found) != list(CHINA_YEARS):
        raise DataError(f"{FILES['china']}: years are {sorted(found)}, expected "
                        f"{CHINA_YEARS.start}-{CHINA_YEARS.stop - 1}")
    return [[year, aid, debt, aid + debt] for year, (aid, debt) in sorted(found.items())]


def conflict_tables(records: list[dict[str, str]]) -> tuple[list[list], list[list]]:
    """conflict.csv (one row per conflict-year) and conflict_yearly.csv (every year 1991-2023).

    UCDP repeats a conflict-year once per state supporting a side with troops; those rows are
    collapsed into one, their government-side supporters (gwno_a_2nd) listed as ISO codes.
    """
    by_code = {code: iso for iso, code in COW_CODES.items()}
    merged: dict[tuple[int, int], dict] = {}
    for i, row in enumerate(records, start=2):
        where = f"{FILES['conflict']} line {i}"
        cid, year = integer(row["conflict_id"], where), integer(row["year"], where)
        if cid not in CONFLICTS:
            raise DataError(f"{where}: conflict {cid} is not one of {sorted(CONFLICTS)}; name its opponent first")
        if TJK_COW not in (number(row["gwno_a"], where), number(row["gwno_b"], where)):
            raise DataError(f"{where}: Tajikistan ({TJK_COW}) is not a primary party")
        intensity = integer(row["intensity_level"], where)
        if intensity not in (1, 2):
            raise DataError(f"{where}: intensity_level {intensity} is not 1 or 2")
        episode_end = row["ep_end_date"].strip() if integer(row["ep_end"], where) == 1 else ""
        supporters = set()
        for code in row["gwno_a_2nd"].replace(";", ",").split(","):
            if code.strip():
                state = integer(code, where)
                if state not in by_code:
                    raise DataError(f"{where}: supporting state {state} is not a model partner")
                supporters.add(by_code[state])
        entry = merged.setdefault((year, cid), {"intensity": intensity, "end": episode_end,
                                                "supporters": set()})
        if (entry["intensity"], entry["end"]) != (intensity, episode_end):
            raise DataError(f"{where}: conflict {cid} in {year} has rows that disagree on intensity or episode end")
        entry["supporters"] |= supporters
    detail = [[year, cid, CONFLICTS[cid], e["intensity"], ";".join(sorted(e["supporters"])), e["end"]]
              for (year, cid), e in sorted(merged.items())]
    yearly = []
    for year in CONFLICT_YEARS:
        yearly.append([year, *(merged.get((year, cid), {"intensity": 0})["intensity"]
                               for cid in YEARLY_COLUMNS),
                       int(any((year, cid) in merged for cid in CONFLICTS))])
    return detail, yearly


# --- writing ----------------------------------------------------------------------------------

HEADERS = {
    "trade.csv": ["year", "partner", "imports_musd", "exports_musd", "share_of_trade"],
    "migrants.csv": ["year", "destination", "stock", "share_of_emigrants", "interpolated"],
    "china_finance.csv": ["year", "aid_usd", "debt_usd", "total_usd"],
    "conflict.csv": ["year", "conflict_id", "opponent", "intensity", "supporters_gov", "episode_end"],
    "conflict_yearly.csv": ["year", *YEARLY_COLUMNS.values(), "any_conflict"],
}


def fmt(value: float | None, decimals: int) -> str:
    """Fixed decimals; the empty string for a missing value."""
    return "" if value is None else f"{value:.{decimals}f}"


def build_tables(shared: Path) -> dict[str, list[list]]:
    """Every table's rows (without header), keyed by file name; nothing is written."""
    if not shared.is_dir():
        raise DataError(f"{shared}: raw data folder not found (pass --shared)")
    conflict, yearly = conflict_tables(read_rows(shared, "conflict"))
    return {
        "trade.csv": trade_table(read_rows(shared, "trade"), read_rows(shared, "totals")),
        "migrants.csv": migrant_table(read_rows(shared, "migrants")),
        "china_finance.csv": china_table(read_rows(shared, "china")),
        "conflict.csv": conflict,
        "conflict_yearly.csv": yearly,
    }


def csv_text(header: list[str], rows: list[list]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def write_tables(shared: Path, out: Path) -> dict[str, list[list]]:
    """Build every table, then write each atomically into ``out``; returns the rows."""
    tables = build_tables(shared)
    out.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        atomic_write(out / name, csv_text(HEADERS[name], rows))
    return tables


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, write the tables, report one line each; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    shared = default_shared()
    parser.add_argument("--shared", type=Path, default=shared,
                        help=f"folder with the raw files (default {shared})")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help=f"folder to write the tables into (default {DEFAULT_OUT})")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    try:
        tables = write_tables(args.shared, args.out)
    except DataError as exc:
        print(f"build_relations: {exc}", file=sys.stderr)
        return 2
    for name, rows in tables.items():
        print(f"wrote {len(rows)} rows to {args.out / name}")
    print(f"done in {time.perf_counter() - start:.2f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
