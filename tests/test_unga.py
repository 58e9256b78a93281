"""Tests of calibration/unga_table.py, the UNGA voting-agreement record.

(a) a hand-made example checked against values computed by hand; (b) the committed table
recomputed independently (plain Python, no pandas) from the shared data, plus the figures quoted
in the data's README; (c) properties of the index: bounded, symmetric, 1 with oneself.
"""

from __future__ import annotations

import csv
import gzip
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "calibration"))  # the offline builder, outside the package
from unga_table import DataError, agreement_table, load_rollcalls, load_votes, write_agreement_table  # noqa: E402

REPO = Path(__file__).parents[1]
DATA = Path(__file__).parents[1].parent / "shared" / "data" / "unga"
TABLE = REPO / "calibration" / "record" / "unga_agreement.csv"
SCORE = {"yes": 1.0, "abstain": 0.5, "no": 0.0}


def reference_agreement(rollcalls, votes, a, b):
    """Plain-Python Voeten index: {year: (agreement, n)} for countries ``a`` and ``b``.

    ``rollcalls`` is an iterable of (rcid, year); ``votes`` maps (rcid, country) to a vote string.
    A deliberately naive loop over roll calls, to check the vectorised code against.
    """
    sums, counts = defaultdict(float), defaultdict(int)
    for rcid, year in rollcalls:
        va, vb = votes.get((rcid, a)), votes.get((rcid, b))
        if va is None or vb is None:
            continue
        sums[year] += 1.0 - abs(SCORE[va] - SCORE[vb])
        counts[year] += 1
    return {year: (sums[year] / counts[year], counts[year]) for year in counts}


# --- (a) hand-made example ----------------------------------------------------------------

def _frames(rows, dates):
    votes = pd.DataFrame(rows, columns=["rcid", "country_code", "vote"])
    rollcalls = pd.DataFrame({"rcid": list(dates), "date": pd.to_datetime(list(dates.values()))})
    return votes, rollcalls


HAND_DATES = {1: "2000-03-01", 2: "2000-12-31", 3: "2000-11-01", 4: "2001-01-01",
              5: "2002-06-01", 6: "2002-07-01", 7: "2003-01-01"}
HAND_VOTES = [
    (1, "TJ", "yes"), (1, "RU", "yes"), (1, "US", "no"), (1, "NA", "yes"),
    (2, "TJ", "abstain"), (2, "RU", "yes"), (2, "US", "abstain"), (2, "GB", "no"),
    (3, "TJ", "no"), (3, "RU", "abstain"),                      # US absent
    (4, "RU", "yes"), (4, "US", "yes"),                         # Tajikistan absent: 2001 has no row
    (5, "TJ", "yes"), (5, "RU", "no"), (5, "US", "abstain"),
    (6, "TJ", "abstain"), (6, "RU", "abstain"), (6, "US", "no"),
    (7, "TJ", "yes"), (7, "US", "yes"),                         # RU absent: no RUS 2003 row
]


def test_hand_computed_agreement():
    votes, rollcalls = _frames(HAND_VOTES, HAND_DATES)
    got = agreement_table(votes, rollcalls, country="TJK", partners=["USA", "RUS"])
    expected = pd.DataFrame({
        "partner": ["RUS", "RUS", "USA", "USA", "USA"],
        "year": [2000, 2002, 2000, 2002, 2003],
        "agreement": [(1 + 0.5 + 0.5) / 3, (0 + 1) / 2, (0 + 1) / 2, (0.5 + 0.5) / 2, 1.0],
        "n": [3, 2, 2, 2, 1],
    })
    assert list(got.columns) == ["partner", "year", "agreement", "n"]
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)


def test_partner_without_common_votes_is_absent():
    votes, rollcalls = _frames(HAND_VOTES, HAND_DATES)
    got = agreement_table(votes, rollcalls, country="TJK", partners=["CHN"])
    assert got.empty and list(got.columns) == ["partner", "year", "agreement", "n"]


def test_unknown_partner_code_is_rejected():
    votes, rollcalls = _frames(HAND_VOTES, HAND_DATES)
    with pytest.raises(ValueError, match="XXX"):
        agreement_table(votes, rollcalls, partners=["XXX"])


def _write_gz(path, header, rows):
    with gzip.open(path, "wt", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)


@pytest.fixture
def src(tmp_path):
    """The hand-made example as a data directory shaped like the shared one."""
    _write_gz(tmp_path / "roll_calls.csv.gz", ["rcid", "session", "date"],
              [(r, 55, d) for r, d in HAND_DATES.items()])
    _write_gz(tmp_path / "votes.csv.gz", ["rcid", "country_code", "country", "vote"],
              [(r, c, c, v) for r, c, v in HAND_VOTES])
    return tmp_path


def test_loaders_keep_namibia_and_types(src):
    votes = load_votes(src)
    assert "NA" in set(votes["country_code"])  # not parsed as a missing value
    assert votes["rcid"].dtype == "int64"
    assert load_rollcalls(src / "roll_calls.csv.gz")["date"].dt.year.tolist()[:2] == [2000, 2000]


def test_write_is_atomic_sorted_and_rounded(src, tmp_path):
    out = tmp_path / "record" / "agree.csv"
    write_agreement_table(src, out)  # default partners: GB's one vote counts too
    lines = out.read_text().splitlines()
    assert lines[0] == "partner,year,agreement,n"
    assert lines[1:] == ["GBR,2000,0.500000,1", "RUS,2000,0.666667,3", "RUS,2002,0.500000,2",
                         "USA,2000,0.500000,2", "USA,2002,0.500000,2", "USA,2003,1.000000,1"]
    assert [p.name for p in out.parent.iterdir()] == ["agree.csv"]  # no temp file left behind


def test_missing_file_is_a_one_line_data_error(tmp_path):
    with pytest.raises(DataError) as err:
        load_votes(tmp_path)
    assert "votes.csv.gz" in str(err.value) and "not found" in str(err.value)
    assert "\n" not in str(err.value)


def test_missing_column_is_a_one_line_data_error(src):
    _write_gz(src / "roll_calls.csv.gz", ["rcid", "session"], [(1, 55)])
    with pytest.raises(DataError) as err:
        load_rollcalls(src)
    assert "roll_calls.csv.gz" in str(err.value) and "date" in str(err.value)
    assert "\n" not in str(err.value)


def test_script_exits_2_on_data_error(tmp_path):
    script = REPO / "calibration" / "build_unga.py"
    run = subprocess.run([sys.executable, str(script), "--src", str(tmp_path), "--out", str(tmp_path / "x.csv")],
                         capture_output=True, text=True)
    assert run.returncode == 2
    assert len(run.stderr.strip().splitlines()) == 1 and "votes.csv.gz" in run.stderr
    assert not (tmp_path / "x.csv").exists()


# --- (b) the committed table against the shared data ---------------------------------------

# Independent of unga_table's alpha-2 dict: partners located by the data's country names.
NAMES = {"TJK": "Tajikistan", "RUS": "Russia", "UZB": "Uzbekistan", "KGZ": "Kyrgyzstan",
         "KAZ": "Kazakhstan", "TKM": "Turkmenistan", "IRN": "Iran", "AFG": "Afghanistan",
         "CHN": "China", "USA": "United States", "TUR": "Turkey", "PAK": "Pakistan",
         "IND": "India", "JPN": "Japan", "KOR": "South Korea", "SAU": "Saudi Arabia",
         "ARE": "United Arab Emirates", "DEU": "Germany", "GBR": "United Kingdom", "FRA": "France"}


@pytest.fixture(scope="module")
def recomputed():
    """{(partner, year): (agreement, n)} recomputed from the raw files without pandas."""
    if not DATA.is_dir():
        pytest.skip(f"shared UNGA data not present at {DATA}")
    with gzip.open(DATA / "roll_calls.csv.gz", "rt", newline="") as fh:
        rollcalls = [(row["rcid"], int(row["date"][:4])) for row in csv.DictReader(fh)]
    wanted = set(NAMES.values())
    with gzip.open(DATA / "votes.csv.gz", "rt", newline="") as fh:
        votes = {(row["rcid"], row["country"]): row["vote"]
                 for row in csv.DictReader(fh) if row["country"] in wanted}
    return {(partner, year): value
            for partner, name in NAMES.items() if partner != "TJK"
            for year, value in reference_agreement(rollcalls, votes, "Tajikistan", name).items()}


@pytest.fixture(scope="module")
def committed():
    with TABLE.open(newline="") as fh:
        assert fh.readline().rstrip("\n") == "partner,year,agreement,n"
        fh.seek(0)
        return {(r["partner"], int(r["year"])): (float(r["agreement"]), int(r["n"]))
                for r in csv.DictReader(fh)}


def test_committed_table_matches_independent_recomputation(recomputed, committed):
    assert committed.keys() == recomputed.keys()
    for key, (agreement, n) in recomputed.items():
        assert committed[key][1] == n, key
        assert committed[key][0] == pytest.approx(agreement, abs=5e-7 + 1e-12), key


def test_readme_figures(recomputed, committed):
    for table in (recomputed, committed):
        agreement, n = table[("RUS", 1995)]
        assert (round(agreement, 2), n) == (0.87, 30)
        agreement, n = table[("USA", 2007)]
        assert (round(agreement, 2), n) == (0.11, 74)
    assert not [key for key in committed if key[1] == 2001]  # the README's known gap


def test_committed_table_is_sorted(committed):
    assert list(committed) == sorted(committed)


# --- (c) properties -------------------------------------------------------------------------

CODES = {"TJK": "TJ", "RUS": "RU", "USA": "US"}
rollcall_votes = st.lists(
    st.tuples(st.integers(1992, 1995),
              st.fixed_dictionaries({a2: st.sampled_from(["yes", "abstain", "no", None])
                                     for a2 in CODES.values()})),
    max_size=30,
)


def _hyp_frames(rcs):
    rows = [(i, a2, v) for i, (_, vs) in enumerate(rcs) for a2, v in vs.items() if v is not None]
    votes = pd.DataFrame(rows, columns=["rcid", "country_code", "vote"])
    rollcalls = pd.DataFrame({"rcid": range(len(rcs)),
                              "date": pd.to_datetime([f"{y}-06-01" for y, _ in rcs])})
    return votes, rollcalls


def _as_dict(table):
    return {(r.partner, r.year): (r.agreement, r.n) for r in table.itertuples()}


@pytest.mark.slow
@settings(deadline=None, max_examples=75)
@given(rollcall_votes)
def test_agreement_properties(rcs):
    votes, rollcalls = _hyp_frames(rcs)
    table = agreement_table(votes, rollcalls, country="TJK", partners=["RUS", "USA", "TJK"])
    assert table["agreement"].between(0.0, 1.0).all()
    assert (table["n"] >= 1).all()
    assert (table.loc[table["partner"] == "TJK", "agreement"] == 1.0).all()
    tj_years = {y for y, vs in rcs if vs["TJ"] is not None}
    assert set(table.loc[table["partner"] == "TJK", "year"]) == tj_years

    for a, b in [("TJK", "RUS"), ("RUS", "USA")]:
        ab = agreement_table(votes, rollcalls, country=a, partners=[b]).drop(columns="partner")
        ba = agreement_table(votes, rollcalls, country=b, partners=[a]).drop(columns="partner")
        pd.testing.assert_frame_equal(ab, ba)

    plain = {(year, a2): v for year, (_, vs) in enumerate(rcs) for a2, v in vs.items() if v is not None}
    rc_years = [(i, y) for i, (y, _) in enumerate(rcs)]
    for partner in ("RUS", "USA"):
        ref = reference_agreement(rc_years, plain, "TJ", CODES[partner])
        got = {y: v for (p, y), v in _as_dict(table).items() if p == partner}
        assert got.keys() == ref.keys()
        for year, (agreement, n) in ref.items():
            assert got[year][1] == n and got[year][0] == pytest.approx(agreement, abs=1e-12)
