"""The historical record: dated events and stylized facts, read from ``calibration/record/``.

Both files are YAML, validated here with the same care as scenarios: a malformed record is a
:class:`~sim.scenario.ScenarioError` naming the file, the item and the field.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, model_validator

from sim.core.rules import RULES
from sim.months import parse_month
from sim.paths import record_dir
from sim.scenario.errors import ScenarioError
from sim.scenario.fields import ActorCode, EventType
from sim.scenario.schema import Parameters
from sim.vocabulary import PERIODS, SQUEEZED_LEVERS

SeedOrPublic = Annotated[str, Field(pattern=r"^(seed:\d{3}|public: .{3,})$")]
Variable = Literal["alignment", "aid", "pressure", "dependence", "migrants", "squeeze"]
#: The variables of the levers' own state (read as holder -> TJK): facts on them are checks on the levers,
#: left out of the alignment stage's loss (sim/calibration/fit.py, ``in_loss``).
LEVER_STATE_VARIABLES = frozenset({"migrants", "squeeze"})


class _Item(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RecordEvent(_Item):
    """A dated event the texts (or a named public source) state."""

    id: str = Field(pattern=r"^E\d{3}$")
    date: str
    precision: Literal["month", "season", "year"]
    actor: ActorCode
    target: ActorCode
    type: EventType
    summary: str
    source: SeedOrPublic
    quote: str | None = None
    #: The lever a ``pressure`` event squeezes, when it squeezes one: only a squeeze of the same
    #: lever reproduces it (:mod:`sim.record.matching`).
    lever: str | None = None

    @model_validator(mode="after")
    def _dated_and_quoted(self) -> RecordEvent:
        if self.precision == "year":
            if not (len(self.date) == 4 and self.date.isdigit()):
                raise ValueError(f"date {self.date!r}: year precision takes 'YYYY'")
        else:
            parse_month(self.date)
        if self.source.startswith("seed:") and not self.quote:
            raise ValueError("an event from a seed text needs its verbatim quote")
        if self.lever is not None and self.lever not in SQUEEZED_LEVERS:
            raise ValueError(f"lever {self.lever!r}: none of {', '.join(SQUEEZED_LEVERS)}")
        if self.lever and self.type != "pressure":
            raise ValueError(f"lever {self.lever!r}: only a pressure event squeezes a lever, not a {self.type!r} event")
        return self

    @property
    def window(self) -> tuple[int, int]:
        """First and last month the text's dating allows (before any matching tolerance)."""
        if self.precision == "year":
            year = int(self.date)
            return year * 12, year * 12 + 11
        month = parse_month(self.date)
        slack = 2 if self.precision == "season" else 0
        return month - slack, month + slack

    @property
    def month(self) -> int:
        """The month that stands for the event (mid-year for a year-dated one)."""
        low, high = self.window
        return (low + high) // 2


class Check(_Item):
    """How a stylized fact is tested on a run (see :mod:`sim.compare`)."""

    kind: Literal["closest_partner", "mean_above", "mean_below", "rises", "falls", "ranks_above",
                  "event_count_at_least"]
    actor: ActorCode
    partner: ActorCode | None = None
    target: ActorCode | None = None
    other: ActorCode | None = None
    variable: Variable | None = None
    threshold: float | None = None
    min_change: float | None = None
    since: tuple[str, str] | None = Field(
        None, description="rises/falls only: compare the window's mean with this earlier window's "
                          "(YYYY-MM, YYYY-MM), not the window's last 12 months with its first 12")
    type: EventType | None = None
    count: int | None = Field(None, ge=1)

    @model_validator(mode="after")
    def _complete(self) -> Check:
        needs = {
            "closest_partner": ("partner",),
            "mean_above": ("variable", "target", "threshold"),
            "mean_below": ("variable", "target", "threshold"),
            "rises": ("variable", "target", "min_change"),
            "falls": ("variable", "target", "min_change"),
            "ranks_above": ("variable", "target", "other"),
            "event_count_at_least": ("target", "type", "count"),
        }[self.kind]
        missing = [name for name in needs if getattr(self, name) is None]
        if missing:
            raise ValueError(f"check kind {self.kind} needs {', '.join(missing)}")
        if self.since is not None:
            if self.kind not in ("rises", "falls"):
                raise ValueError(f"since: only a rises or falls check compares with an earlier window, not {self.kind}")
            low, high = (parse_month(m) for m in self.since)
            if high < low:
                raise ValueError(f"since: ends {self.since[1]} before it starts {self.since[0]}")
        return self


class Mechanism(_Item):
    """What in the model produces a fact, said so that it can be switched off.

    A fact that passes whatever the model does explains nothing; one that fails only when the
    one rule stating it is off tests that the rule fires. The mechanism names the state the
    fact rests on and what moves it: the ``rules`` (ids of :data:`sim.core.rules.RULES`) that
    are switched off, and the model ``parameters`` set to the given values in every period
    (e.g. ``migration_max: 0`` stops labour migration). ``tajsim record facts --ablation``
    runs the record with and without it (:mod:`sim.experiments.ablation`).
    """

    summary: str = Field(min_length=3)
    rules: tuple[str, ...] = ()
    parameters: dict[str, float] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _switchable(self) -> Mechanism:
        if not self.rules and not self.parameters:
            raise ValueError("a mechanism names rules or parameters to switch it off by")
        unknown = [rule_id for rule_id in self.rules if rule_id not in RULES]
        if unknown:
            raise ValueError(f"unknown rule(s) {', '.join(unknown)} (see 'tajsim rules')")
        if len(set(self.rules)) != len(self.rules):
            raise ValueError("a rule is named twice")
        unknown = sorted(set(self.parameters) - set(Parameters.model_fields))
        if unknown:
            raise ValueError(f"unknown parameter(s) {', '.join(unknown)}")
        try:
            Parameters(**self.parameters)
        except ValidationError as exc:
            error = exc.errors()[0]
            raise ValueError(f"parameter {error['loc'][0]}: {error['msg']}") from None
        return self

    @property
    def overrides(self) -> dict[str, tuple[bool, float]]:
        """The rule settings that switch the mechanism's rules off (``sim.run``'s ``overrides``)."""
        return {rule_id: (False, 1.0) for rule_id in self.rules}


class StylizedFact(_Item):
    """A pattern of a period that a plausible run should show."""

    id: str = Field(pattern=r"^SF\d{2}$")
    period: Literal[tuple(PERIODS)] | list[Literal[tuple(PERIODS)]] | Literal["all"]  # type: ignore[valid-type]
    window: tuple[str, str] | None = None
    statement: str
    source: SeedOrPublic
    quote: str | None = None
    check: Check
    mechanism: Mechanism

    @model_validator(mode="after")
    def _valid_window(self) -> StylizedFact:
        if self.window is not None:
            low, high = (parse_month(m) for m in self.window)
            if high < low:
                raise ValueError(f"window ends {self.window[1]} before it starts {self.window[0]}")
        if self.source.startswith("seed:") and not self.quote:
            raise ValueError("a fact from a seed text needs its verbatim quote")
        return self

    @property
    def periods(self) -> list[str]:
        if self.period == "all":
            return list(PERIODS)
        return [self.period] if isinstance(self.period, str) else list(self.period)


def _load_list(path: Path, adapter: TypeAdapter):
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ScenarioError(path, "", "no such file") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ScenarioError(path, "", f"not readable YAML ({str(exc).splitlines()[0]})") from None
    if not isinstance(data, list):
        raise ScenarioError(path, "", "must hold a YAML list")
    try:
        return tuple(adapter.validate_python(data))
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = list(error["loc"])
        where = ".".join(str(part) for part in loc)
        if loc and isinstance(loc[0], int) and isinstance(data[loc[0]], dict):
            where = f"{data[loc[0]].get('id', loc[0])}." + ".".join(str(part) for part in loc[1:])
        raise ScenarioError(path, where.rstrip("."), error["msg"].removeprefix("Value error, ")) from None


@lru_cache(maxsize=4)
def load_events(path: Path | None = None) -> tuple[RecordEvent, ...]:
    """The dated events of the record."""
    events = _load_list(path or record_dir() / "events.yaml", TypeAdapter(list[RecordEvent]))
    ids = [event.id for event in events]
    if len(set(ids)) != len(ids):
        raise ScenarioError(path or "events.yaml", "id", "event ids must be unique")
    return events


@lru_cache(maxsize=4)
def load_facts(path: Path | None = None) -> tuple[StylizedFact, ...]:
    """The stylized facts of the record."""
    return _load_list(path or record_dir() / "stylized_facts.yaml", TypeAdapter(list[StylizedFact]))
