"""The field types every file format of the project shares: months, actor codes, dyads, event
types, unit intervals, and the strict base model (unknown keys rejected, immutable once read).

Kept apart from the scenario schema so that the record and experiment formats can use them
without building the scenario's models.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from sim.months import parse_month
from sim.vocabulary import ACTOR_CODES, DRIVERS, EVENT_TYPES, PERIODS


def _month(value: Any) -> str:
    if isinstance(value, (dt.date, dt.datetime)):
        raise ValueError(f"write months in quotes, as \"{value:%Y-%m}\": YAML read the unquoted {value} as a date")
    if not isinstance(value, str):
        raise ValueError(f"expected a month in quotes as \"YYYY-MM\", got {type(value).__name__} {value!r}")
    parse_month(value)
    return value.strip()


def _actor_code(text: str) -> str:
    if text not in ACTOR_CODES:
        raise ValueError(f"unknown actor code {text!r} (known: {', '.join(ACTOR_CODES)})")
    return text


def _dyad(text: str) -> str:
    parts = text.replace(">", "-").split("-")
    if len(parts) != 2:
        raise ValueError(f"expected a dyad as 'AAA-BBB' (both ways) or 'AAA>BBB' (one way), got {text!r}")
    for code in parts:
        _actor_code(code)
    if parts[0] == parts[1]:
        raise ValueError(f"dyad {text!r} pairs an actor with itself")
    return text


Month = Annotated[str, BeforeValidator(_month)]
ActorCode = Annotated[str, AfterValidator(_actor_code)]
Dyad = Annotated[str, AfterValidator(_dyad)]
if TYPE_CHECKING:  # the literals are built from the vocabulary, which a type checker cannot follow
    EventType = str
    PeriodId = str
    DriverName = str
else:
    EventType = Literal[tuple(EVENT_TYPES)]
    PeriodId = Literal[tuple(PERIODS)]
    DriverName = Literal[tuple(DRIVERS)]
Unit = Annotated[float, Field(ge=0.0, le=1.0)]
Signed = Annotated[float, Field(ge=-1.0, le=1.0)]
Tie = Literal["recognition", "embassy", "member", "treaty", "base", "ceasefire", "accord", "refusal"]

def _traits(values: dict[str, float]) -> dict[str, float]:
    for name, value in values.items():
        if name != "ideology_tjk" and not 0.0 <= value <= 1.0:
            raise ValueError(f"{name} must lie between 0 and 1, got {value}")
    return values


#: New values of an actor's traits (sim.vocabulary.TRAITS), each in its own range.
Traits = Annotated[dict[Literal["capability", "assertiveness", "ideology_tjk"], Signed], AfterValidator(_traits)]


class Strict(BaseModel):
    """Every schema object rejects unknown keys and is immutable once read."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)
