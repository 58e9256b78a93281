"""One look for every figure: a fixed colour per actor, readable names, period shading."""

from __future__ import annotations

from sim.vocabulary import ACTOR_NAMES, PERIODS

#: A colour per actor, the same in every figure (colour-blind-friendly where it matters most).
COLOURS: dict[str, str] = {
    "TJK": "#000000",
    "RUS": "#c0392b",
    "UZB": "#2e86c1",
    "KGZ": "#e67e22",
    "KAZ": "#16a085",
    "TKM": "#8e44ad",
    "IRN": "#27ae60",
    "AFG": "#7f6000",
    "CHN": "#f1c40f",
    "USA": "#1f3a93",
    "TUR": "#e84393",
    "PAK": "#00838f",
    "UTO": "#4d5656",
    "CIS": "#a93226",
    "UN": "#5dade2",
    "CSCE": "#85929e",
    "IMF": "#6c3483",
    "WB": "#117864",
    "ECO": "#b7950b",
    "SCO": "#d35400",
    "CSTO": "#641e16",
    "EAEU": "#943126",
}

PERIOD_LABELS: dict[str, str] = {
    "independence": "independence",
    "civil_war": "civil war",
    "post_war": "post-war",
    "open_door": "open door",
    "dependence": "dependence",
    "navigating": "navigating",
}

SHORT_NAMES: dict[str, str] = {**ACTOR_NAMES, "CSCE": "OSCE", "WB": "World Bank", "UN": "UN",
                               "CIS": "CIS", "SCO": "SCO", "CSTO": "CSTO", "EAEU": "EAEU", "ECO": "ECO", "IMF": "IMF",
                               "USA": "United States"}


def colour(code: str) -> str:
    return COLOURS.get(code, "#7f8c8d")


def name(code: str) -> str:
    return SHORT_NAMES.get(code, code)


def pair_label(actor: str, target: str) -> str:
    return f"{name(actor)} → {name(target)}"


__all__ = ["COLOURS", "PERIODS", "PERIOD_LABELS", "colour", "name", "pair_label"]
