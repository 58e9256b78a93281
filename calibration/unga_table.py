"""Tajikistan's yearly UN General Assembly voting agreement with its partners.

This is the quantitative part of the historical record the simulation is compared with.
Voting alignment in the General Assembly is the standard observable proxy for foreign-policy
affinity (Voeten 2013), so a simulated alignment with Russia, China, the United States and the
neighbours can be checked against how Tajikistan actually voted, year by year.

Source: Erik Voeten's UNGA roll-call data (Harvard Dataverse hdl:1902.1/12379, CC0), as
packaged in the R package ``unvotes``; two files, ``roll_calls.csv.gz`` and ``votes.csv.gz``,
kept outside the repository (the raw data is never copied in, only the derived table).

The index is Voeten's ``agree``: coding yes = 1, abstain = 0.5, no = 0, the agreement of two
countries over a set of roll calls on which both voted is the mean of 1 - |a - b|. A country
without a row on a roll call did not vote (absent or not a member); such roll calls do not count,
and a (partner, year) on which the two never both voted has no row at all, rather than a zero.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

__all__ = [
    "ALPHA2_TO_ALPHA3",
    "DEFAULT_PARTNERS",
    "DataError",
    "VOTE_SCORE",
    "agreement_table",
    "atomic_csv",
    "load_rollcalls",
    "load_votes",
    "write_agreement_table",
]

VOTES_FILE = "votes.csv.gz"
ROLLCALLS_FILE = "roll_calls.csv.gz"
VOTE_COLUMNS = ("rcid", "country_code", "vote")
ROLLCALL_COLUMNS = ("rcid", "date")
OUTPUT_COLUMNS = ["partner", "year", "agreement", "n"]

#: Voeten's coding of a vote; agreement of two votes is 1 - |a - b|.
VOTE_SCORE = {"yes": 1.0, "abstain": 0.5, "no": 0.0}

#: The data uses ISO 3166-1 alpha-2 codes, the simulation alpha-3. Only the states we track.
ALPHA2_TO_ALPHA3 = {
    "TJ": "TJK",
    # neighbours, great powers and regional partners
    "RU": "RUS", "UZ": "UZB", "KG": "KGZ", "KZ": "KAZ", "TM": "TKM", "IR": "IRN",
    "AF": "AFG", "CN": "CHN", "US": "USA", "TR": "TUR", "PK": "PAK",
    # reference states
    "IN": "IND", "JP": "JPN", "KR": "KOR", "SA": "SAU", "AE": "ARE", "DE": "DEU",
    "GB": "GBR", "FR": "FRA",
}
ALPHA3_TO_ALPHA2 = {a3: a2 for a2, a3 in ALPHA2_TO_ALPHA3.items()}

DEFAULT_PARTNERS = (
    "RUS", "UZB", "KGZ", "KAZ", "TKM", "IRN", "AFG", "CHN", "USA", "TUR", "PAK",
    "IND", "JPN", "KOR", "SAU", "ARE", "DEU", "GBR", "FRA",
)


class DataError(ValueError):
    """The UNGA data is missing or malformed; the message is one line naming file and problem."""


def _read_csv(path: str | os.PathLike, default_name: str, columns: Iterable[str]) -> tuple[Path, pd.DataFrame]:
    """Read a CSV (``path`` may be the file or its directory) as strings and check its columns.

    ``keep_default_na=False`` matters: Namibia's alpha-2 code ``NA`` would otherwise become NaN.
    """
    path = Path(path)
    if path.is_dir():
        path = path / default_name
    if not path.is_file():
        raise DataError(f"{path}: file not found")
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, ValueError, EOFError) as exc:  # pandas' ParserError is a ValueError
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise DataError(f"{path}: unreadable CSV ({reason})") from None
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise DataError(f"{path}: missing column(s) {', '.join(missing)}")
    return path, df


def _int_ids(df: pd.DataFrame, where: str) -> pd.Series:
    """The ``rcid`` column as int64, or a DataError naming the first bad value."""
    ids = pd.to_numeric(df["rcid"], errors="coerce")
    bad = ids.isna()
    if bad.any():
        raise DataError(f"{where}: non-integer rcid {df['rcid'][bad].iloc[0]!r}")
    return ids.astype("int64")


def load_votes(path: str | os.PathLike) -> pd.DataFrame:
    """Load ``votes.csv.gz`` (the file, or the directory holding it).

    Returns columns ``rcid`` (int), ``country_code`` (alpha-2), ``country``, ``vote``
    (one of yes/abstain/no), one row per vote cast.
    """
    path, df = _read_csv(path, VOTES_FILE, VOTE_COLUMNS)
    bad = ~df["vote"].isin(list(VOTE_SCORE))
    if bad.any():
        raise DataError(f"{path}: unknown vote value {df['vote'][bad].iloc[0]!r} (expected yes/abstain/no)")
    return df.assign(rcid=_int_ids(df, str(path)))


def load_rollcalls(path: str | os.PathLike) -> pd.DataFrame:
    """Load ``roll_calls.csv.gz`` (the file, or the directory holding it).

    Returns every column of the file, with ``rcid`` as int and ``date`` as datetime.
    """
    path, df = _read_csv(path, ROLLCALLS_FILE, ROLLCALL_COLUMNS)
    dates = pd.to_datetime(df["date"], format="%Y-%m-%d", errors="coerce")
    if dates.isna().any():
        raise DataError(f"{path}: bad date {df['date'][dates.isna()].iloc[0]!r} (expected YYYY-MM-DD)")
    return df.assign(rcid=_int_ids(df, str(path)), date=dates)


def _require(df: pd.DataFrame, name: str, columns: Iterable[str]) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise DataError(f"{name}: missing column(s) {', '.join(missing)}")


def agreement_table(
    votes: pd.DataFrame,
    rollcalls: pd.DataFrame,
    country: str = "TJK",
    partners: Iterable[str] = DEFAULT_PARTNERS,
) -> pd.DataFrame:
    """Yearly agreement of ``country`` with each partner (all ISO alpha-3 codes).

    ``votes`` needs ``rcid, country_code`` (alpha-2) ``, vote``; ``rollcalls`` needs
    ``rcid, date``. The year is the calendar year of the roll call's date (not the session).
    Returns ``partner, year, agreement, n`` sorted by partner then year, where ``n`` counts the
    roll calls on which both voted; (partner, year) pairs with no common vote are absent.
    """
    _require(votes, "votes", VOTE_COLUMNS)
    _require(rollcalls, "rollcalls", ROLLCALL_COLUMNS)
    partners = list(dict.fromkeys(partners))
    unknown = [c for c in [country, *partners] if c not in ALPHA3_TO_ALPHA2]
    if unknown:
        raise ValueError(f"no alpha-2 code known for {', '.join(unknown)}; add it to ALPHA2_TO_ALPHA3")
    wanted = {ALPHA3_TO_ALPHA2[c]: c for c in [country, *partners]}

    ours = votes.loc[votes["country_code"].isin(list(wanted)), list(VOTE_COLUMNS)]
    score = ours["vote"].map(VOTE_SCORE)
    if score.isna().any():
        raise DataError(f"votes: unknown vote value {ours['vote'][score.isna()].iloc[0]!r}")
    if ours.duplicated(["rcid", "country_code"]).any():
        raise DataError("votes: a country has more than one vote on the same roll call")
    if rollcalls["rcid"].duplicated().any():
        raise DataError("rollcalls: duplicate rcid")

    # One row per roll call, one column per state; NaN where a state cast no vote.
    wide = (
        ours.assign(code=ours["country_code"].map(wanted), score=score)
        .pivot(index="rcid", columns="code", values="score")
        .reindex(columns=list(dict.fromkeys([country, *partners])))
        .astype(float)
    )
    agree = 1.0 - wide[partners].sub(wide[country], axis=0).abs()  # NaN unless both voted
    long = (
        agree.rename_axis(columns=None)
        .reset_index()
        .melt(id_vars="rcid", var_name="partner", value_name="agreement")
        .dropna(subset=["agreement"])
    )
    years = pd.DataFrame({
        "rcid": rollcalls["rcid"],
        "year": pd.to_datetime(rollcalls["date"]).dt.year.astype("int64"),
    })
    long = long.merge(years, on="rcid", how="left", validate="many_to_one")
    if long["year"].isna().any():
        raise DataError(f"votes: roll call {long['rcid'][long['year'].isna()].iloc[0]} not in rollcalls")
    table = (
        long.groupby(["partner", "year"], as_index=False)
        .agg(agreement=("agreement", "mean"), n=("agreement", "size"))
        .astype({"partner": object, "year": "int64", "agreement": float, "n": "int64"})
        .sort_values(["partner", "year"], ignore_index=True)
    )
    return table[OUTPUT_COLUMNS]


def write_agreement_table(
    src_dir: str | os.PathLike,
    out_csv: str | os.PathLike,
    country: str = "TJK",
    partners: Iterable[str] = DEFAULT_PARTNERS,
) -> pd.DataFrame:
    """Compute the table from the data in ``src_dir`` and write it to ``out_csv`` atomically.

    The file is written to a temporary file in the same directory and moved into place with
    ``os.replace``, so a reader never sees a half-written table. The first line is the header
    ``partner,year,agreement,n``; agreement is rounded to 6 decimals. Returns the table written.
    """
    src = Path(src_dir)
    table = agreement_table(load_votes(src / VOTES_FILE), load_rollcalls(src / ROLLCALLS_FILE), country, partners)
    table = table.assign(agreement=table["agreement"].round(6))
    atomic_csv(table, out_csv)
    return table


def atomic_csv(table: pd.DataFrame, out_csv: str | os.PathLike) -> None:
    """Write ``table`` as CSV (6 decimals, no index) to ``out_csv`` without ever leaving it half-written."""
    out = Path(out_csv)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o644)  # mkstemp makes it private; the table is an ordinary repo file
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as fh:
            table.to_csv(fh, index=False, float_format="%.6f", lineterminator="\n")
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
