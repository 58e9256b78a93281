"""The project's shared vocabulary: actor codes, event types, periods and drivers.

One list each, so that scenarios, the record, the rules and the comparison all speak
the same words (DESIGN.md, "Codes").
"""

from __future__ import annotations

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
ACTOR_CODES: tuple[str, ...] = tuple(ACTOR_NAMES)

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
)

#: Types whose direction carries no meaning: a treaty or a clash binds both sides.
SYMMETRIC_EVENT_TYPES: frozenset[str] = frozenset({"treaty", "conflict"})

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
DRIVERS: dict[str, Driver] = {
    "afghan_instability": Driver("insecurity on the Afghan side of the border, 0 (calm) to 1 (open war)",
                                 "index", 0.0, 1.0),
    "russia_growth": Driver("Russia's real GDP growth", "percent a year", -30.0, 30.0),
    "remittances": Driver("personal remittances received by Tajikistan", "percent of GDP", 0.0, 100.0),
    "china_reach": Driver("China's economic reach into Central Asia, 0 (none) to 1 (Tajikistan's leading "
                          "lender and investor)", "index", 0.0, 1.0),
    "western_engagement": Driver("Western (US-led) strategic engagement in Central Asia, 0 (none) to 1 "
                                 "(a war next door)", "index", 0.0, 1.0),
}
