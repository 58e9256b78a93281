"""The exogenous driver series agree with their sources.

Every sourced series in scenarios/base/drivers.yaml is checked against figures its source prints,
written here as literals with a comment naming where they are printed (the tests read only the
repository); the derived ``afghan_instability`` is checked to be its documented function of the
deaths in every year; every point lies in its driver's range; every series names its producer.
The remittance table calibration/record/relations/remittances.csv is checked the same way.
"""

from __future__ import annotations

import csv
import re
import sys
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from sim.paths import default_scenario
from sim.scenario import load_scenario
from sim.vocabulary import AFGHAN_DEATHS_REFERENCE, DRIVERS, afghan_instability_index

ROOT = Path(__file__).resolve().parents[1]
BASE = ROOT / "scenarios" / "base" / "drivers.yaml"
REMITTANCES = ROOT / "calibration" / "record" / "relations" / "remittances.csv"
SERIES: dict[str, dict] = yaml.safe_load(BASE.read_text(encoding="utf-8"))["drivers"]


def yearly(name: str) -> dict[int, float]:
    """A yearly series' points by year (one point a year, at January or at mid-year)."""
    points = SERIES[name]["points"]
    years = [int(month[:4]) for month in points]
    assert len(years) == len(set(years)), f"{name}: more than one point in a year"
    return dict(zip(years, points.values()))


# --- figures as the sources print them ---------------------------------------------------------

#: Strings exactly as printed in each source file (the file, release and commit are named in the
#: series' `source:` in scenarios/base/drivers.yaml); the scenario's value must be that number.
PRINTED: dict[str, dict[int, str]] = {
    # EIA Brent spot, annual average: datasets/oil-prices, data/brent-year.csv @ 2d75ce3a79
    "oil_price": {1991: "20.04", 1998: "12.76", 2008: "96.94", 2012: "111.63", 2014: "98.97",
                  2015: "52.32", 2020: "41.96", 2022: "100.93", 2023: "82.49"},
    # WDI NY.GDP.MKTP.KD.ZG, Last Updated 2025-12-15: Omelette719/UAS_VISDAT,
    # data/API_NY.GDP.MKTP.KD.ZG_DS2_en_csv_v2.csv @ ae6b48176d, row RUS
    "russia_growth": {1992: "-14.5310737729264", 1994: "-12.5697559802151", 1998: "-5.2999616266239",
                      2009: "-7.79999391271275", 2015: "-1.97271922580408", 2020: "-2.65365450102773",
                      2022: "-1.43588213859842", 2023: "4.08252481259281"},
    # same file, row CHN
    "china_growth": {1992: "14.2996108947926", 1998: "7.92079207933551", 2009: "9.40269972778044",
                     2015: "6.97878002657477", 2020: "2.34018843078414", 2022: "3.1341888719577",
                     2023: "5.41484330099675"},
    # same file, row KAZ
    "kazakhstan_growth": {1992: "-5.29999999893468", 1998: "-1.89999999942479", 2009: "1.19999999942873",
                          2015: "1.20000000053288", 2020: "-2.49999999628", 2022: "3.19999999970734",
                          2023: "5.09999999973641"},
    # WDI VC.BTL.DETH (UCDP), Last Updated 2025-12-04: li-xinhe/webgbert,
    # add/battle/API_VC.BTL.DETH_DS2_en_csv_v2_9816.csv @ 6b6ccbd956, row AFG
    "afghan_battle_deaths": {1989: "5174", 1992: "4276", 1996: "3177", 2001: "5055", 2002: "890",
                             2009: "6341", 2015: "17278", 2019: "29940", 2020: "20475", 2021: "35787",
                             2022: "917", 2023: "230"},
    # WDI PA.NUS.FCRF, Last Updated 2025-03-24: Skyedge1903/Dashboard,
    # data/API_PA.NUS.FCRF_DS2_en_csv_v2_13510.csv @ 34f6d32449, row RUS
    "russia_rouble": {1993: "0.991666666666667", 1998: "9.70508333333333", 1999: "24.6199",
                      2014: "38.3782071444168", 2015: "60.9376501088951", 2022: "68.4849416666667",
                      2023: "85.1620083333333"},
    # WDI NY.GDP.PCAP.CD: datasets/world-development-indicators, indicators/ny.gdp.pcap.cd/data.csv
    # @ 4ebec5a227, rows RUS and KAZ
    "russia_dollar_income": {1991: "3490.45239257813", 1999: "1330.75720214844", 2008: "11635.2841796875",
                             2014: "14055.47265625", 2015: "9277.7138671875", 2021: "12425.029296875",
                             2022: "15625.6328125", 2023: "13986.9951171875"},
    # same package, indicators/sp.pop.totl/data.csv, row TJK
    "tajikistan_population": {1991: "5541205", 1997: "6139829", 2008: "7338403", 2015: "8643840",
                              2023: "10389799"},
    # same file, row KGZ
    "kyrgyzstan_population": {1991: "4463634", 1997: "4696421", 2008: "5318729", 2015: "6040036",
                              2023: "7099750"},
    "kazakhstan_dollar_income": {1991: "1442.42455540825", 1999: "1091.54727722159", 2008: "8123.54705891736",
                                 2016: "7475.56688689424", 2023: "12879.4275257974"},
}

#: troopdata's `troops` column as printed (persons): meflynn/troopdata, data-raw/troopdata.csv
#: @ 3946bcf89a, rows AFG. The scenario gives thousands, from October 2001.
TROOPS_PRINTED = {2002: "9000", 2003: "9700", 2008: "23359", 2010: "81869", 2011: "82174", 2014: "24159",
                  2016: "9023", 2019: "13000", 2020: "8600"}


@pytest.mark.parametrize("name", PRINTED)
def test_series_equal_the_figures_their_source_prints(name):
    values = yearly(name)
    for year, printed in PRINTED[name].items():
        assert values[year] == float(printed), f"{name} {year}: {values[year]!r}, the source prints {printed}"


def test_us_troops_are_troopdatas_figures_in_thousands():
    points = SERIES["us_troops_afghanistan"]["points"]
    for year, printed in TROOPS_PRINTED.items():
        assert Decimal(str(points[f"{year}-01"])) * 1000 == Decimal(printed), year
    # troopdata's 2001 (2000) from the start of the campaign, 7 October 2001; nothing before
    assert points["2001-10"] * 1000 == 2000
    assert all(v == 0 for month, v in points.items() if month < "2001-10")
    # 2021: "Today, US force levels in Afghanistan have reached 2,500" (Acting Secretary of Defense,
    # 15 January 2021, as reported by Ariana News); the last flight left Kabul on 30-31 August 2021.
    assert points["2021-01"] == 2.5 and points["2021-09"] == 0 and max(points) == "2021-09"
    # Afghanistan Analysts Network on 2020: "bringing its numbers down from about 13,000 to 8,600"
    assert points["2019-01"] == 13 and points["2020-01"] == 8.6


def test_the_rouble_is_one_unit_across_the_1998_redenomination():
    values = yearly("russia_rouble")
    # Central Bank of Russia annual averages, "1000 roubles for US$ 1 up to 1997, rouble for US$ 1
    # since 1998", as printed in the Moscow 2012 bid book (bidbook.m2012.ru/theme2_9.html):
    bid_book = {1993: 0.9917, 1994: 2.1908, 1995: 4.5592, 1996: 5.1208, 1997: 5.7848, 1998: 9.7051, 1999: 24.6199}
    for year, printed in bid_book.items():
        assert round(values[year], 4) == printed, year
    assert sorted(values) == list(range(1993, 2024))  # 1992 is in no source at hand
    assert all(0.5 < values[y + 1] / values[y] < 3 for y in range(1993, 2023))  # no 1,000-fold break


def test_brent_agrees_with_independent_printings():
    values = yearly("oil_price")
    # Statista's "Average annual Brent crude oil price", as reproduced by david-cook.org ("What was
    # the crude oil price in 2014?") and Statistico ("Brent Crude Oil: Price, by year", Jan 2024):
    for year, printed in {2012: 111.63, 2013: 108.56, 2014: 98.97, 2015: 52.32, 2020: 41.96, 2023: 82.49}.items():
        assert values[year] == printed, year
    # BP's Dated Brent is a different assessment: "Dated Brent averaged $52.39 per barrel in 2015"
    assert abs(values[2015] - 52.39) < 0.1


def test_battle_deaths_are_close_to_an_older_wdi_vintage():
    # IndexMundi's ranking of WDI VC.BTL.DETH printed "1 Afghanistan 20,473.00 2020": UCDP revises
    # its counts between releases, by a few deaths here.
    assert abs(yearly("afghan_battle_deaths")[2020] - 20473) <= 5


# --- the derived index --------------------------------------------------------------------------

def test_afghan_instability_is_the_documented_function_of_the_deaths_every_year():
    deaths = SERIES["afghan_battle_deaths"]
    index = SERIES["afghan_instability"]
    assert list(index["points"]) == list(deaths["points"]), "the index has a point at every month of the deaths"
    assert index["interpolation"] == deaths["interpolation"] == "step"
    for month, number in deaths["points"].items():
        assert index["points"][month] == afghan_instability_index(number), \
            f"afghan_instability {month} is not the index of {number} deaths: run python docs/update_drivers.py"
    assert AFGHAN_DEATHS_REFERENCE == max(v for y, v in yearly("afghan_battle_deaths").items() if 1989 <= y <= 2023)


def test_the_update_script_would_leave_the_index_as_committed():
    sys.path.insert(0, str(ROOT / "docs"))
    from update_drivers import derive_instability

    text = BASE.read_text(encoding="utf-8")
    assert derive_instability(text) == text


def test_the_rule_is_written_where_a_reader_finds_it():
    rule = "min(1, log10(1 + deaths) / log10(1 + 35787)), rounded to 4 decimals"
    assert rule in " ".join(SERIES["afghan_instability"]["source"].split())
    assert rule in (ROOT / "docs" / "drivers.md").read_text(encoding="utf-8")
    assert "log10" in (afghan_instability_index.__doc__ or "")


@given(st.floats(0, 1e6), st.floats(0, 1e6))
def test_the_index_rises_with_the_deaths_from_0_to_1(a, b):
    low, high = sorted((a, b))
    assert 0.0 <= afghan_instability_index(low) <= afghan_instability_index(high) <= 1.0


def test_the_index_ends():
    assert afghan_instability_index(0) == 0.0
    assert afghan_instability_index(AFGHAN_DEATHS_REFERENCE) == 1.0
    assert afghan_instability_index(10 * AFGHAN_DEATHS_REFERENCE) == 1.0
    with pytest.raises(ValueError, match="negative"):
        afghan_instability_index(-1)


# --- coverage, ranges and sources ---------------------------------------------------------------

#: First and last year of each yearly series, and whether its points sit at January (held for the
#: calendar year, `step`) or at mid-year (`linear`); the reasons are in each series' source.
COVERAGE = {
    "afghan_battle_deaths": (1989, 2023, "01", "step"),
    "afghan_instability": (1989, 2023, "01", "step"),
    "russia_growth": (1991, 2023, "01", "step"),
    "china_growth": (1991, 2023, "01", "step"),
    "kazakhstan_growth": (1991, 2023, "01", "step"),
    "oil_price": (1991, 2023, "07", "linear"),
    "russia_rouble": (1993, 2023, "07", "linear"),
    "russia_dollar_income": (1991, 2023, "07", "linear"),
    "kazakhstan_dollar_income": (1991, 2023, "07", "linear"),
    "tajikistan_population": (1991, 2023, "07", "linear"),
    "kyrgyzstan_population": (1991, 2023, "07", "linear"),
    "tajikistan_dollar_prices": (1991, 2023, "07", "linear"),
}


@pytest.mark.parametrize("name", COVERAGE)
def test_every_year_has_one_point(name):
    first, last, month, interpolation = COVERAGE[name]
    series = SERIES[name]
    assert series.get("interpolation", "linear") == interpolation
    assert list(series["points"]) == [f"{year}-{month}" for year in range(first, last + 1)]


def test_every_point_lies_in_its_drivers_range():
    for name, series in SERIES.items():
        driver = DRIVERS[name]
        for month, value in series["points"].items():
            assert driver.low <= value <= driver.high, f"{name} {month}: {value} outside {driver.range}"
    assert all(isinstance(v, int) and v >= 0 for v in SERIES["afghan_battle_deaths"]["points"].values())


#: Who produced each series: its source must name them.
PRODUCERS = {
    "afghan_instability": "afghan_battle_deaths",
    "afghan_battle_deaths": "Uppsala Conflict Data Program",
    "us_troops_afghanistan": "troopdata",
    "russia_growth": "World Bank",
    "russia_rouble": "World Bank",
    "oil_price": "Energy Information Administration",
    "china_growth": "World Bank",
    "kazakhstan_growth": "World Bank",
    "soviet_collapse": "Library of Congress",
    "russia_dollar_income": "World Bank",
    "kazakhstan_dollar_income": "World Bank",
    "tajikistan_population": "World Bank",
    "kyrgyzstan_population": "World Bank",
    "tajikistan_dollar_prices": "World Bank",
}
DERIVED_OR_CODED = {"afghan_instability", "soviet_collapse", "tajikistan_dollar_prices"}


def test_every_driver_has_a_source_naming_its_producer():
    assert set(SERIES) == set(DRIVERS) == set(PRODUCERS)
    for name, series in SERIES.items():
        source = " ".join(series["source"].split())
        assert PRODUCERS[name] in source, name
        if name not in DERIVED_OR_CODED:  # a data series names the public copy it was read from
            assert re.search(r"github\.com/[\w.-]+/[\w.-]+", source), f"{name}: no repository"
            assert re.search(r"\b[0-9a-f]{40}\b", source), f"{name}: no commit"


def test_migrants_wages_in_every_host_are_measured_against_russias_1991_dollar_income():
    from sim.core.levers import DOLLAR_DRIVERS, WAGE_REFERENCE
    assert yearly(DOLLAR_DRIVERS["RUS"])[1991] == WAGE_REFERENCE
    from sim.core.levers import POPULATION_REFERENCE
    assert yearly("tajikistan_population")[1991] == POPULATION_REFERENCE


def test_tajik_dollar_prices_are_the_documented_function_of_dollar_gdp_and_real_growth():
    from sim.vocabulary import dollar_price_index
    relations = ROOT / "calibration" / "record" / "relations"
    with (relations / "dollar_gdp.csv").open(encoding="utf-8") as handle:
        dollars = {int(row["year"]): float(row["gdp_current_usd"]) for row in csv.DictReader(handle)}
    with (relations / "growth.csv").open(encoding="utf-8") as handle:
        growth = {int(row["year"]): float(row["growth_pct"]) for row in csv.DictReader(handle)}
    assert yearly("tajikistan_dollar_prices") == dollar_price_index(dollars, growth)
    # WDI NY.GDP.MKTP.CD as printed (datasets/world-development-indicators @ 4ebec5a227, row TJK)
    for year, printed in {1991: "2536585365.85366", 2000: "860541842.263697", 2014: "9112605459.32845",
                          2016: "6992416096.89018", 2023: "12244169292.7998"}.items():
        assert dollars[year] == float(printed), year
    # the somoni's fall: prices in dollars a third lower in 2016 than in 2014
    assert yearly("tajikistan_dollar_prices")[2016] < 0.7 * yearly("tajikistan_dollar_prices")[2014]


def test_the_soviet_economy_ends_once_with_the_union():
    points = SERIES["soviet_collapse"]["points"]
    assert SERIES["soviet_collapse"]["interpolation"] == "step"
    assert [value for _, value in sorted(points.items())] == [0, 1] and max(points) == "1992-01"


def test_the_default_replay_reads_these_series():
    plan = load_scenario(default_scenario())
    for name, series in SERIES.items():
        assert dict(plan.drivers[name].points) == series["points"], name


# --- the remittance calibration table -----------------------------------------------------------

def remittance_rows() -> dict[int, dict[str, str]]:
    with REMITTANCES.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames == ["year", "remittances_usd", "gdp_usd", "remittances_pct_gdp", "source"]
        return {int(row["year"]): row for row in reader}


def test_remittance_table_is_wdi_as_printed():
    rows = remittance_rows()
    assert list(rows) == list(range(2002, 2024))
    # WDI BX.TRF.PWKR.CD.DT as printed: datasets/world-development-indicators,
    # indicators/bx.trf.pwkr.cd.dt/data.csv @ 4ebec5a227, rows TJK
    printed = {2002: "78562800", 2008: "2277502898.175", 2013: "3697730868.06499", 2015: "2258643220.12",
               2021: "2921713106.97699", 2022: "5345546873.54599", 2023: "4633754222.29702"}
    for year, text in printed.items():
        assert rows[year]["remittances_usd"] == text, year
    for year, row in rows.items():
        ratio = Decimal(row["remittances_usd"]) / Decimal(row["gdp_usd"]) * 100
        assert row["remittances_pct_gdp"] == f"{ratio:.6f}", year
        assert row["source"].startswith("WDI BX.TRF.PWKR.CD.DT / NY.GDP.MKTP.CD")
    text = REMITTANCES.read_text(encoding="utf-8")
    assert text.endswith("\n") and "\r" not in text


def test_remittance_share_matches_the_official_ratio_of_an_older_vintage():
    rows = remittance_rows()
    # WDI BX.TRF.PWKR.DT.GD.ZS, Last Updated 2022-02-15, as printed in owid/importers,
    # migration/input/wb_wdi/remittances_received_share_gdp/API_BX.TRF.PWKR.DT.GD.ZS_DS2_en_csv_v2_3686014.csv
    official = {2002: "6.43366324415608", 2008: "44.1262167096006", 2013: "43.7680543242897",
                2015: "27.3064824883019", 2019: "27.971868749469"}
    for year, text in official.items():
        assert abs(float(rows[year]["remittances_pct_gdp"]) - float(text)) < 0.001, year
    # World Bank (2025): "the share of remittances in Tajikistan's GDP has dropped below 30% only three
    # times: in 2015, 2016, and 2020" (of the 17 years to 2024); this vintage adds 2017-2019 (27.97-29.68)
    assert all(float(rows[y]["remittances_pct_gdp"]) < 30 for y in (2015, 2016, 2020))


def test_remittance_table_is_documented():
    readme = (REMITTANCES.parent / "README.md").read_text(encoding="utf-8")
    assert re.search(rf"^\| `remittances.csv` \| {len(remittance_rows())} \|", readme, re.M)
    for column in ["year", "remittances_usd", "gdp_usd", "remittances_pct_gdp", "source"]:
        assert f"`{column}`" in readme
    assert "`relations/remittances.csv`" in (ROOT / "calibration" / "record" / "README.md").read_text(encoding="utf-8")


GROWTH = ROOT / "calibration" / "record" / "relations" / "growth.csv"


def test_growth_table_is_wdi_as_printed():
    with GROWTH.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames == ["year", "growth_pct", "source"]
        rows = {int(row["year"]): row for row in reader}
    assert list(rows) == list(range(1991, 2024))
    # WDI NY.GDP.MKTP.KD.ZG, Last Updated 2025-12-15: Omelette719/UAS_VISDAT,
    # data/API_NY.GDP.MKTP.KD.ZG_DS2_en_csv_v2.csv @ ae6b481, row 'Tajikistan','TJK'
    printed = {1992: "-29.0000010554471", 1996: "-16.6999984353389", 1997: "1.68067413588066",
               2003: "10.9999990780572", 2009: "3.90000114826496", 2015: "6.01930331771186",
               2020: "4.40000111553493", 2023: "8.29999921651935"}
    for year, text in printed.items():
        assert rows[year]["growth_pct"] == text, year
    assert all(row["source"].startswith("WDI NY.GDP.MKTP.KD.ZG") for row in rows.values())
    readme = (GROWTH.parent / "README.md").read_text(encoding="utf-8")
    assert re.search(rf"^\| `growth.csv` \| {len(rows)} \|", readme, re.M)
