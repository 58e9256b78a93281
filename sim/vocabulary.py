"""The project's shared vocabulary: actor codes, event types, periods and drivers.

One list each, so that scenarios, the record, the rules and the comparison all speak
the same words (DESIGN.md, "Codes").
"""

from __future__ import annotations

import math
from dataclasses import dataclass

STATES: dict[str, str] = {
    "TJK": "Tajikistan",
    "RUS": "Russia",
    "UZB": "Uzbekistan",
    "KGZ": "Kyrgyzstan",
    "KAZ": "Kazakhstan",
    "TKM": "Turkmenistan",
    "IRN": "Iran",
    "AFG": "Afghanistan",
    "CHN": "China",
    "USA": "United States",
    "TUR": "Turkey",
    "PAK": "Pakistan",
}

ORGANISATIONS: dict[str, str] = {
    "CIS": "Commonwealth of Independent States",
    "UN": "United Nations",
    "CSCE": "CSCE/OSCE",
    "IMF": "International Monetary Fund",
    "WB": "World Bank",
    "ECO": "Economic Cooperation Organization",
    "SCO": "Shanghai Cooperation Organisation",
    "CSTO": "Collective Security Treaty Organization",
    "EAEU": "Eurasian Economic Union",
}

#: Armed movements that are parties to Tajikistan's conflicts (DESIGN.md, "Codes").
MOVEMENTS: dict[str, str] = {
    "UTO": "United Tajik Opposition",
}

ACTOR_NAMES: dict[str, str] = {**STATES, **ORGANISATIONS, **MOVEMENTS}

#: Further words by which a text may speak of an actor (adjectives, short forms), beside its name.
ACTOR_WORDS: dict[str, tuple[str, ...]] = {
    "TJK": ("Tajik",), "RUS": ("Russian", "Moscow"), "UZB": ("Uzbek", "Tashkent"), "KGZ": ("Kyrgyz",),
    "KAZ": ("Kazakh",), "TKM": ("Turkmen",), "IRN": ("Iranian", "Tehran"), "AFG": ("Afghan", "Kabul", "Taliban"),
    "CHN": ("Chinese", "Beijing"), "USA": ("U.S.", "US ", "American", "Washington"), "TUR": ("Turkish", "Ankara"),
    "PAK": ("Pakistani",), "CIS": ("CIS", "Commonwealth"), "UN": ("UN ", "UN,", "UN."), "CSCE": ("CSCE", "OSCE"),
    "IMF": ("IMF",), "WB": ("IBRD",), "ECO": (), "SCO": ("SCO", "Shanghai"), "CSTO": ("CSTO",),
    "EAEU": ("EAEU", "Eurasian"), "UTO": ("opposition", "UTO"),
}
ACTOR_CODES: tuple[str, ...] = tuple(ACTOR_NAMES)

#: Event types; a type's id is its place here, so a new type goes at the end. ``military`` is armed
#: support, deployments, exercises and border forces; ``basing`` a foreign power's base or basing
#: access: its agreement, lease, grant or end (so that a base deal matches only base deals).
EVENT_TYPES: tuple[str, ...] = (
    "recognition",
    "embassy",
    "membership",
    "treaty",
    "visit",
    "aid",
    "military",
    "pressure",
    "mediation",
    "request",
    "refusal",
    "conflict",
    "refugees",
    "cultural",
    "personnel",
    "basing",
)

#: Types whose direction carries no meaning: a treaty or a clash binds both sides.
SYMMETRIC_EVENT_TYPES: frozenset[str] = frozenset({"treaty", "conflict"})

#: The levers a holder squeezes, as the subject of a ``pressure`` event: a squeeze of one lever
#: reproduces only a record event of that lever (a migrant squeeze is no gas cut-off).
SQUEEZED_LEVERS: tuple[str, ...] = ("migration", "energy", "security")

#: The actor attributes an event may change from a month on (a new leader, a new regime, a war elsewhere):
#: capability and assertiveness in 0..1, ideology_tjk (likeness of the rulers' outlook to Dushanbe's) in -1..1.
TRAITS: tuple[str, ...] = ("capability", "assertiveness", "ideology_tjk")

#: The month Tajikistan declared independence: the levers' economic masses are relative to it.
INDEPENDENCE_MONTH = "1991-09"

PERIODS: dict[str, tuple[str, str]] = {
    "independence": ("1991-09", "1992-04"),
    "civil_war": ("1992-05", "1997-06"),
    "post_war": ("1997-07", "1999-12"),
    "open_door": ("2000-01", "2009-12"),
    "dependence": ("2010-01", "2021-12"),
    "navigating": ("2022-01", "2023-12"),
}

@dataclass(frozen=True)
class Driver:
    """An exogenous monthly series a scenario gives (``drivers:``): what it measures, its unit,
    and the values it may take (a scenario's points and an experiment's changed series are
    checked against ``low..high``)."""

    meaning: str
    unit: str
    low: float
    high: float

    @property
    def range(self) -> str:
        return f"{self.low:g}..{self.high:g}"


#: Exogenous monthly series a scenario may drive. To add one: an entry here, its points (with
#: their source) in scenarios/base/drivers.yaml, the rules that read it (``w.drive(name)``), and
#: ``python docs/update_drivers.py`` to regenerate docs/drivers.md and its figure.
#: ``tests/test_drivers_data.py`` checks the sourced series against the figures their sources print.
DRIVERS: dict[str, Driver] = {
    "afghan_instability": Driver("insecurity on the Afghan side of the border, 0 (calm) to 1 (open war), "
                                 "derived from afghan_battle_deaths (afghan_instability_index)",
                                 "index", 0.0, 1.0),
    "afghan_battle_deaths": Driver("battle-related deaths in Afghanistan (UCDP, state-based conflict)",
                                   "deaths a year", 0.0, 100000.0),
    "us_troops_afghanistan": Driver("US military personnel in Afghanistan", "thousands", 0.0, 150.0),
    "russia_dollar_income": Driver("Russia's GDP per head in current US dollars (what a migrant's wage there "
                                   "is worth at home)", "US$ a year", 0.0, 100000.0),
    "kazakhstan_dollar_income": Driver("Kazakhstan's GDP per head in current US dollars (the second "
                                       "destination of Tajik migrants)", "US$ a year", 0.0, 100000.0),
    "tajikistan_population": Driver("Tajikistan's population (mid-year)", "persons", 0.0, 30000000.0),
    "kyrgyzstan_population": Driver("Kyrgyzstan's population (mid-year)", "persons", 0.0, 30000000.0),
    "tajikistan_dollar_prices": Driver("Tajikistan's price level in US dollars, 1991 = 1 (its dollar GDP over its "
                                       "real GDP, dollar_price_index)", "index", 0.0, 20.0),
    "soviet_collapse": Driver("the end of the Soviet economy: 0 while the Union stands, 1 once its budget, "
                              "orders and guaranteed trade are gone", "index", 0.0, 1.0),
    "russia_growth": Driver("Russia's real GDP growth", "percent a year", -30.0, 30.0),
    "russia_rouble": Driver("the rouble's price of a US dollar, annual average (roubles of 1998: before "
                            "1998, thousands of old roubles)", "roubles per US$", 0.0, 200.0),
    "oil_price": Driver("the Brent crude oil price, annual average", "US$ a barrel", 0.0, 200.0),
    "china_growth": Driver("China's real GDP growth", "percent a year", -30.0, 30.0),
    "kazakhstan_growth": Driver("Kazakhstan's real GDP growth (the second destination of Tajik migrants)",
                                "percent a year", -30.0, 30.0),
}

#: The most battle-related deaths Afghanistan had in any year of 1989-2023 (35,787 in 2021; UCDP via
#: WDI VC.BTL.DETH, scenarios/base/drivers.yaml): the deaths that make ``afghan_instability`` 1.
AFGHAN_DEATHS_REFERENCE = 35787


def afghan_instability_index(deaths: float, reference: float = AFGHAN_DEATHS_REFERENCE) -> float:
    """The ``afghan_instability`` index of a year with ``deaths`` battle-related deaths in Afghanistan:
    ``min(1, log10(1 + deaths) / log10(1 + reference))``, rounded to 4 decimals.

    A log scale, because the yearly deaths span two orders of magnitude (230 in 2023, 35,787 in
    2021) and a border's insecurity grows with the order of magnitude of the fighting beyond it, not
    in proportion to it: on a linear scale the 1990s war (3,000 to 9,000 deaths a year: Najibullah's
    fall, the Taliban's advance to the Tajik border) would read 0.09 to 0.25, nearer the calm after
    2021 (0.01 to 0.03) than the insurgency of 2014-2021. The cap at 1 matters only for a counterfactual series above the
    reference. The scenario's ``afghan_instability`` points are this function of its
    ``afghan_battle_deaths`` points (written by docs/update_drivers.py, checked by
    tests/test_drivers_data.py)."""
    if deaths < 0:
        raise ValueError(f"battle-related deaths cannot be negative, got {deaths:g}")
    return round(min(1.0, math.log10(1.0 + deaths) / math.log10(1.0 + reference)), 4)


def dollar_price_index(dollar_gdp: dict[int, float], growth: dict[int, float], base: int = 1991) -> dict[int, float]:
    """Tajikistan's price level in dollars, ``base`` = 1, year by year: its GDP in current dollars
    against the base year's, over its real GDP against the base year's (the growth rates, percent,
    compounded from the year after), rounded to 4 decimals. The ``tajikistan_dollar_prices``
    driver's points are this function of calibration/record/relations/dollar_gdp.csv and growth.csv."""
    out, real = {}, 1.0
    for year in sorted(y for y in dollar_gdp if y >= base):
        if year > base:
            real *= 1.0 + growth[year] / 100.0
        out[year] = round(dollar_gdp[year] / dollar_gdp[base] / real, 4)
    return out
