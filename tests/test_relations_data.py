"""Tests of the relations tables in calibration/record/relations/ and of their builder.

(a) always: the committed tables have exactly the documented columns, keys, ranges and row counts,
and agree with each other and with their README; (b) always: the builder on a small hand-made raw
folder (missing values stay blank, supporting-state rows collapse, interpolation, errors); (c) where
the shared raw data is present: a rebuild gives the committed bytes, and a few figures recomputed
from the raw files with pandas, independently of the builder, match.
"""

from __future__ import annotations

import csv
import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[1]
BUILDER = REPO / "calibration" / "build_relations.py"
TABLES = REPO / "calibration" / "record" / "relations"

_spec = importlib.util.spec_from_file_location("build_relations", BUILDER)
build_relations = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build_relations)
DATA = build_relations.default_shared(REPO)

PARTNERS = ["AFG", "CHN", "IRN", "KAZ", "KGZ", "PAK", "RUS", "TKM", "TUR", "USA", "UZB"]
HEADERS = {
    "trade.csv": ["year", "partner", "imports_musd", "exports_musd", "share_of_trade"],
    "migrants.csv": ["year", "destination", "stock", "share_of_emigrants", "interpolated"],
    "china_finance.csv": ["year", "aid_usd", "debt_usd", "total_usd"],
    "conflict.csv": ["year", "conflict_id", "opponent", "intensity", "supporters_gov", "episode_end"],
    "conflict_yearly.csv": ["year", "intensity_gov_opposition", "intensity_kgz_border", "any_conflict"],
}
KEYS = {"trade.csv": 2, "migrants.csv": 2, "china_finance.csv": 1, "conflict.csv": 2,
        "conflict_yearly.csv": 1}  # the first n columns form the key


def read(name: str, folder: Path = TABLES) -> list[dict[str, str]]:
    with (folder / name).open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames == HEADERS[name], name
        return list(reader)


def key(name: str, row: dict[str, str]) -> tuple:
    return tuple(int(v) if v.isdigit() else v for v in list(row.values())[:KEYS[name]])


def share(text: str) -> float | None:
    return None if text == "" else float(text)


# --- (a) the committed tables -----------------------------------------------------------------

@pytest.mark.parametrize("name", HEADERS)
def test_columns_keys_and_order(name):
    rows = read(name)
    keys = [key(name, row) for row in rows]
    assert len(keys) == len(set(keys)), f"duplicate keys in {name}"
    assert keys == sorted(keys), f"{name} is not sorted by its key"
    text = (TABLES / name).read_text(encoding="utf-8")
    assert text.endswith("\n") and "\r" not in text and "\n\n" not in text


def test_trade_table():
    rows = read("trade.csv")
    assert {(int(r["year"]), r["partner"]) for r in rows} == \
        {(y, p) for y in range(1992, 2015) for p in [*PARTNERS, "ALL"]}
    for r in rows:
        s = share(r["share_of_trade"])
        if r["partner"] == "ALL":
            assert s == 1.0 and r["imports_musd"] and r["exports_musd"]
        elif s is None:
            assert "" in (r["imports_musd"], r["exports_musd"])  # only where a flow is missing
        else:
            assert 0.0 <= s <= 1.0 and r["imports_musd"] and r["exports_musd"]
        for col in ("imports_musd", "exports_musd"):
            assert r[col] == "" or (float(r[col]) >= 0 and re.fullmatch(r"\d+\.\d{3}", r[col]))
    missing = {(int(r["year"]), r["partner"]) for r in rows if r["share_of_trade"] == ""}
    assert missing and {y for y, _ in missing} == {1992}  # the README: only 1992 has gaps


def test_migrants_table():
    rows = read("migrants.csv")
    destinations = {r["destination"] for r in rows}
    assert "WORLD" in destinations and {"RUS", "KAZ"} <= destinations
    assert destinations - {"WORLD"} <= set(PARTNERS)
    assert {(int(r["year"]), r["destination"]) for r in rows} == \
        {(y, d) for y in range(1990, 2021) for d in destinations}
    world = {int(r["year"]): int(r["stock"]) for r in rows if r["destination"] == "WORLD"}
    for r in rows:
        year, stock = int(r["year"]), int(r["stock"])
        assert r["interpolated"] == ("false" if year % 5 == 0 else "true")
        assert 0 <= stock <= world[year]
        assert 0.0 <= float(r["share_of_emigrants"]) <= 1.0
        assert float(r["share_of_emigrants"]) == pytest.approx(stock / world[year], abs=6e-5)
    assert {r["share_of_emigrants"] for r in rows if r["destination"] == "WORLD"} == {"1.0000"}


def test_china_finance_table():
    rows = read("china_finance.csv")
    assert [int(r["year"]) for r in rows] == list(range(2000, 2018))
    for r in rows:
        aid, debt, total = (int(r[c]) for c in ("aid_usd", "debt_usd", "total_usd"))
        assert min(aid, debt) >= 0 and total == aid + debt


def test_conflict_tables_agree():
    detail = read("conflict.csv")
    yearly = read("conflict_yearly.csv")
    assert [int(r["year"]) for r in yearly] == list(range(1991, 2024))
    opponents = {"395": "UTO", "13324": "KGZ", "16292": "IS"}
    for r in detail:
        assert 1992 <= int(r["year"]) <= 2022
        assert opponents[r["conflict_id"]] == r["opponent"]
        assert r["intensity"] in {"1", "2"}
        assert r["supporters_gov"] == "" or set(r["supporters_gov"].split(";")) <= set(PARTNERS)
        assert r["supporters_gov"] == ";".join(sorted(set(r["supporters_gov"].split(";")) - {""}))
        assert r["episode_end"] == "" or (re.fullmatch(r"\d{4}-\d\d-\d\d", r["episode_end"])
                                          and r["episode_end"][:4] == r["year"])
    active = {(int(r["year"]), r["conflict_id"]): int(r["intensity"]) for r in detail}
    for r in yearly:
        year = int(r["year"])
        assert int(r["intensity_gov_opposition"]) == active.get((year, "395"), 0)
        assert int(r["intensity_kgz_border"]) == active.get((year, "13324"), 0)
        assert int(r["any_conflict"]) == int(any(y == year for y, _ in active))
        assert {r[c] for c in HEADERS["conflict_yearly.csv"][1:3]} <= {"0", "1", "2"}
        assert r["any_conflict"] in {"0", "1"}


def test_readme_row_counts_and_record_index():
    readme = (TABLES / "README.md").read_text(encoding="utf-8")
    for name in HEADERS:
        count = len(read(name))
        assert re.search(rf"^\| `{re.escape(name)}` \| {count} \|", readme, re.M), \
            f"README's row count for {name} is not {count}"
        for column in HEADERS[name]:
            assert f"`{column}`" in readme, f"{name}: column {column} undocumented"
    index = (REPO / "calibration" / "record" / "README.md").read_text(encoding="utf-8")
    for name in HEADERS:
        assert f"`relations/{name}`" in index


def test_builder_is_not_part_of_the_package():
    for path in (REPO / "sim").rglob("*.py"):
        assert "build_relations" not in path.read_text(encoding="utf-8"), path


# --- (b) the builder on a hand-made raw folder ------------------------------------------------

def _write(path: Path, header: list[str], rows: list[list]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)


@pytest.fixture
def raw(tmp_path):
    """A tiny raw folder shaped like the shared one (only the columns the builder reads, and more)."""
    folder = tmp_path / "raw"
    folder.mkdir()
    files = build_relations.FILES
    dyadic = []
    for year in range(1992, 2015):
        dyadic += [[year, 365, "Russia", 30.0, 10.0, 1.0, 1.0],
                   [year, 2, "United States of America", "" if year == 1992 else 5.0, 5.0, 5.0, 5.0],
                   [year, 255, "Germany", 1.0, 1.0, 1.0, 1.0]]
    _write(folder / files["trade"], ["year", "partner_ccode", "partner_name",
                                     "tjk_imports_from_partner_musd", "tjk_exports_to_partner_musd",
                                     "tjk_imports_smoothed", "tjk_exports_smoothed"], dyadic)
    _write(folder / files["totals"], ["ccode", "year", "imports", "exports"],
           [[702.0, 1991.0, "", ""]] + [[702.0, float(y), 60.0, 40.0] for y in range(1992, 2015)])
    migrants = []
    for year in range(1990, 2021, 5):
        migrants += [["stock", year, "Tajikistan", "Russia", 800 + (year - 1990) * 10, "False"],
                     ["stock", year, "Tajikistan", "Germany", 200, "False"],
                     ["stock", year, "Tajikistan", "Europe", 999999, "True"],
                     ["stock", year, "Russia", "Tajikistan", 5, "False"],
                     ["flow_da_pb_closed", year, "Tajikistan", "Russia", 77, "False"]]
    _write(folder / files["migrants"], ["measure", "year", "origin", "destination", "value",
                                        "partner_is_region_aggregate"], migrants)
    _write(folder / files["china"], ["year", "recipient", "recipient_iso3", "aid", "debt"],
           [[y, "Tajikistan", "TJK", 1.5 if y == 2000 else 0.0, 2.4] for y in range(2000, 2018)])
    ucdp_header = ["conflict_id", "year", "gwno_a", "gwno_a_2nd", "gwno_b", "gwno_b_2nd",
                   "intensity_level", "ep_end", "ep_end_date"]
    _write(folder / files["conflict"], ucdp_header, [
        [395.0, 1993.0, 702.0, 704.0, "", "", 2.0, 0.0, ""],
        [395.0, 1993.0, 702.0, 365.0, "", "", 2.0, 0.0, ""],
        [395.0, 1994.0, 702.0, "", "", "", 1.0, 1.0, "1994-05-01"],
        [13324.0, 2021.0, 703.0, "", 702.0, "", 1.0, 1.0, "2021-05-01"],
        [16292.0, 2018.0, 702.0, "", "", "", 1.0, 0.0, ""],
    ])
    return folder


def test_hand_made_tables(raw, tmp_path):
    out = tmp_path / "out"
    build_relations.write_tables(raw, out)
    assert sorted(p.name for p in out.iterdir()) == sorted(HEADERS)  # no temporary file left
    trade = {(int(r["year"]), r["partner"]): r for r in read("trade.csv", out)}
    assert len(trade) == 23 * 12
    assert [trade[(1992, "USA")][c] for c in HEADERS["trade.csv"][2:]] == ["", "5.000", ""]
    assert [trade[(1993, "RUS")][c] for c in HEADERS["trade.csv"][2:]] == ["30.000", "10.000", "0.4000"]
    assert trade[(1993, "ALL")]["share_of_trade"] == "1.0000"
    assert [trade[(1993, "CHN")][c] for c in HEADERS["trade.csv"][2:]] == ["", "", ""]  # no row: missing

    migrants = {(int(r["year"]), r["destination"]): r for r in read("migrants.csv", out)}
    assert {d for _, d in migrants} == {"RUS", "WORLD"}  # Germany counted in WORLD only
    assert migrants[(1990, "WORLD")]["stock"] == "1000"  # the region aggregate is left out
    assert [migrants[(1992, "RUS")][c] for c in ("stock", "share_of_emigrants", "interpolated")] == \
        ["820", f"{820 / 1020:.4f}", "true"]
    assert migrants[(1995, "RUS")]["interpolated"] == "false"

    china = read("china_finance.csv", out)
    assert list(china[0].values()) == ["2000", "2", "2", "4"]

    assert [list(r.values()) for r in read("conflict.csv", out)] == [
        ["1993", "395", "UTO", "2", "RUS;UZB", ""],
        ["1994", "395", "UTO", "1", "", "1994-05-01"],
        ["2018", "16292", "IS", "1", "", ""],
        ["2021", "13324", "KGZ", "1", "", "2021-05-01"],
    ]
    yearly = {r["year"]: list(r.values())[1:] for r in read("conflict_yearly.csv", out)}
    assert yearly["1991"] == ["0", "0", "0"] and yearly["1993"] == ["2", "0", "1"]
    assert yearly["2018"] == ["0", "0", "1"] and yearly["2021"] == ["0", "1", "1"]


def test_disagreeing_duplicate_rows_are_an_error(raw):
    path = raw / build_relations.FILES["conflict"]
    path.write_text(path.read_text().replace("395.0,1993.0,702.0,365.0,,,2.0", "395.0,1993.0,702.0,365.0,,,1.0"))
    with pytest.raises(build_relations.DataError, match="disagree"):
        build_relations.build_tables(raw)


def test_script_exits_2_with_one_line_and_writes_nothing(raw, tmp_path):
    (raw / build_relations.FILES["china"]).unlink()
    out = tmp_path / "out"
    run = subprocess.run([sys.executable, str(BUILDER), "--shared", str(raw), "--out", str(out)],
                         capture_output=True, text=True)
    assert run.returncode == 2
    assert len(run.stderr.strip().splitlines()) == 1 and "not found" in run.stderr
    assert not out.exists()


# --- (c) against the shared raw data ----------------------------------------------------------

@pytest.fixture(scope="module")
def shared() -> Path:
    if not DATA.is_dir():
        pytest.skip(f"shared relations data not present at {DATA}")
    return DATA


def test_rebuild_is_byte_identical(shared, tmp_path):
    out = tmp_path / "relations"
    run = subprocess.run([sys.executable, str(BUILDER), "--shared", str(shared), "--out", str(out)],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(HEADERS)
    for name in HEADERS:
        assert (out / name).read_bytes() == (TABLES / name).read_bytes(), f"{name} differs from a rebuild"


def _row(name: str, **where) -> dict[str, str]:
    rows = [r for r in read(name) if all(r[k] == str(v) for k, v in where.items())]
    assert len(rows) == 1, (name, where)
    return rows[0]


def test_trade_figures_against_raw(shared):
    dyadic = pd.read_csv(shared / build_relations.FILES["trade"])
    totals = pd.read_csv(shared / build_relations.FILES["totals"])
    for partner, code, year in [("RUS", 365, 2000), ("CHN", 710, 2014), ("UZB", 704, 1995)]:
        flows = dyadic[(dyadic.year == year) & (dyadic.partner_ccode == code)].iloc[0]
        total = totals[totals.year == year].iloc[0]
        expected = ((flows.tjk_imports_from_partner_musd + flows.tjk_exports_to_partner_musd)
                    / (total.imports + total.exports))
        assert float(_row("trade.csv", year=year, partner=partner)["share_of_trade"]) == \
            pytest.approx(expected, abs=5e-5)
    assert float(_row("trade.csv", year=2000, partner="RUS")["share_of_trade"]) == pytest.approx(0.2374)
    iran_1992 = dyadic[(dyadic.year == 1992) & (dyadic.partner_ccode == 630)].iloc[0]
    assert pd.isna(iran_1992.tjk_imports_from_partner_musd)  # COW missing ...
    assert _row("trade.csv", year=1992, partner="IRN")["imports_musd"] == ""  # ... stays missing


def test_migrant_figures_against_raw(shared):
    raw = pd.read_csv(shared / build_relations.FILES["migrants"])
    abroad = raw[(raw.measure == "stock") & (raw.origin == "Tajikistan") & ~raw.partner_is_region_aggregate]
    russia = abroad[abroad.destination == "Russia"].set_index("year")["value"]
    world = abroad.groupby("year")["value"].sum()
    assert _row("migrants.csv", year=2015, destination="RUS")["stock"] == str(russia[2015]) == "466508"
    assert int(_row("migrants.csv", year=2015, destination="WORLD")["stock"]) == world[2015]
    assert float(_row("migrants.csv", year=2015, destination="RUS")["share_of_emigrants"]) == \
        pytest.approx(russia[2015] / world[2015], abs=5e-5)
    kaz_2012 = abroad[abroad.destination == "Kazakhstan"].set_index("year")["value"]
    expected = kaz_2012[2010] + (kaz_2012[2015] - kaz_2012[2010]) * 2 / 5
    row = _row("migrants.csv", year=2012, destination="KAZ")
    assert row["interpolated"] == "true" and abs(int(row["stock"]) - expected) <= 0.5


def test_china_figures_against_raw(shared):
    raw = pd.read_csv(shared / build_relations.FILES["china"]).set_index("year")
    row = _row("china_finance.csv", year=2006)
    assert abs(int(row["aid_usd"]) - raw.loc[2006, "aid"]) <= 0.5
    assert abs(int(row["debt_usd"]) - raw.loc[2006, "debt"]) <= 0.5
    assert abs(int(row["total_usd"]) - (raw.loc[2006, "aid"] + raw.loc[2006, "debt"])) <= 1


def test_conflict_figures_against_raw(shared):
    raw = pd.read_csv(shared / build_relations.FILES["conflict"])
    gov = raw[raw.conflict_id == 395].groupby("year")["intensity_level"].max()
    assert gov[1992] == gov[1996] == 2
    for year in (1992, 1996):
        assert _row("conflict.csv", year=year, conflict_id=395)["intensity"] == "2"
        assert _row("conflict_yearly.csv", year=year)["intensity_gov_opposition"] == "2"
    border = raw[raw.conflict_id == 13324].set_index("year")
    for year in (2021, 2022):
        assert border.loc[year, "intensity_level"] == 1 and border.loc[year, "gwno_a"] == 703
        assert _row("conflict.csv", year=year, conflict_id=13324)["opponent"] == "KGZ"
        assert _row("conflict_yearly.csv", year=year)["intensity_kgz_border"] == "1"
    assert _row("conflict.csv", year=2022, conflict_id=13324)["episode_end"] == border.loc[2022, "ep_end_date"]
    twice = raw[raw.conflict_id == 395].groupby("year").size()
    assert set(twice[twice > 1].index) == {1993, 1994}
    assert _row("conflict.csv", year=1993, conflict_id=395)["supporters_gov"] == "RUS;UZB"
    listed = set(raw.year.astype(int))
    for row in read("conflict_yearly.csv"):
        assert (row["any_conflict"] == "1") == (int(row["year"]) in listed)
