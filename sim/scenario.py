"""The scenario schema: what a scenario file may say, and how files compose.

A scenario file is YAML. It names a period (start and end month), the actors and their
attributes, exogenous driver series with their sources, scheduled exogenous events,
model parameters and the rules switched on or re-weighted. Files compose in two ways:

* ``extends: base/actors.yaml`` (or a list) merges base files under this one: mappings
  merge key by key, the ``events`` lists concatenate, other values are replaced;
* ``chain: [a.yaml, b.yaml, ...]`` runs period files one after another in one model,
  carrying the state across each boundary (the full 1991-2023 replay is such a chain).

:func:`load_scenario` turns a file into an immutable :class:`Scenario`; every problem is a
:class:`ScenarioError` whose message is one line naming the file, the field and the reason.
:func:`json_schema` exports the file format for editors.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from sim.months import format_month, parse_month
from sim.vocabulary import ACTOR_CODES, DRIVERS, EVENT_TYPES, ORGANISATIONS, PERIODS


class ScenarioError(ValueError):
    """A scenario that cannot be used; ``str()`` is one line: file, field, reason."""

    def __init__(self, path: str | Path, field_name: str, reason: str):
        def one_line(text: str) -> str:
            return " ".join(str(text).replace("\n", " ").split()) if "\n" in str(text) else str(text)

        self.path, self.field, self.reason = one_line(path), one_line(field_name), one_line(reason)
        path, field_name, reason = self.path, self.field, self.reason
        where = f"{self.path}: {field_name}: " if field_name else f"{self.path}: "
        super().__init__(f"{where}{reason}")


def _month(text: Any) -> str:
    parse_month(text)
    return str(text).strip()


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


Month = Annotated[str, AfterValidator(_month)]
ActorCode = Annotated[str, AfterValidator(_actor_code)]
Dyad = Annotated[str, AfterValidator(_dyad)]
EventType = Literal[tuple(EVENT_TYPES)]  # type: ignore[valid-type]
PeriodId = Literal[tuple(PERIODS)]  # type: ignore[valid-type]
DriverName = Literal[tuple(DRIVERS)]  # type: ignore[valid-type]
Unit = Annotated[float, Field(ge=0.0, le=1.0)]
Signed = Annotated[float, Field(ge=-1.0, le=1.0)]
Tie = Literal["recognition", "embassy", "member", "treaty", "base"]


class Strict(BaseModel):
    """Every schema object rejects unknown keys and is immutable once read."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)


class ActorSpec(Strict):
    """What the texts tell of an actor, as numbers the rules read."""

    kind: Literal["state", "organisation"]
    capability: Unit = Field(description="ability to project power and give aid")
    regime: Literal[
        "post_communist", "islamic_republic", "liberal_democracy", "communist_party",
        "islamist_movement", "secular_republic", "international",
    ] = "international"
    culture_tjk: Unit = Field(0.0, description="cultural and language ties with Tajiks")
    script_barrier: Unit = Field(0.0, description="how far a different script blocks cultural contact")
    ideology_tjk: Signed = Field(0.0, description="likeness of its rulers' outlook to Dushanbe's")
    border_tjk: bool = False
    former_soviet: bool = False
    resources: tuple[Literal["gas", "oil", "water", "labour_market", "capital"], ...] = ()
    islamist_concern: Unit = Field(0.0, description="hostility to Islamist movements")
    role: Literal["political", "financial", "security", "economic_union"] | None = Field(
        None, description="for an organisation: what joining it means to Tajikistan")
    founded: Month | None = Field(None, description="month an organisation comes into being")


class DriverSeries(Strict):
    """A monthly exogenous series, given by points and interpolated between them."""

    source: str = Field(min_length=3, description="where the numbers come from")
    interpolation: Literal["linear", "step"] = "linear"
    points: dict[Month, float] = Field(min_length=1)


class RuleSetting(Strict):
    """Whether a rule is on, and how strongly it acts (1 is as written)."""

    enabled: bool = True
    weight: Annotated[float, Field(ge=0, le=10)] = 1.0


def _check_rule_ids(value: dict[str, RuleSetting]) -> dict[str, RuleSetting]:
    from sim.rules import RULES

    for rule_id in value:
        if rule_id not in RULES:
            raise ValueError(f"unknown rule {rule_id!r} (see 'tajsim rules')")
    return value


class Effects(Strict):
    """What a scheduled event does to the state when it fires."""

    alignment: Signed = Field(0.0, description="added to alignment both ways")
    aid: Annotated[float, Field(ge=0, le=5)] = 0.0
    pressure: Annotated[float, Field(ge=0, le=5)] = 0.0
    tie: Tie | None = None
    untie: Tie | None = None
    regime_security: Signed = 0.0
    rules: dict[str, RuleSetting] = Field(
        {}, description="rule settings that take effect from this month for the rest of the run")

    @field_validator("rules")
    @classmethod
    def _known_rules(cls, value: dict[str, RuleSetting]) -> dict[str, RuleSetting]:
        return _check_rule_ids(value)


class ScheduledEvent(Strict):
    """An exogenous event the scenario imposes at a month (an input, not a prediction)."""

    date: Month
    actor: ActorCode
    target: ActorCode
    type: EventType
    summary: str = Field(min_length=3)
    source: str = Field(min_length=3)
    record: str | None = Field(None, description="id of the record event this input reproduces")
    effects: Effects = Effects()


class Intervention(Strict):
    """A counterfactual constraint on what one actor does to another, from a month on.

    ``forbid`` removes the action: the discrete actions of that type actor -> target get
    probability 0, and the flows of that type (aid, military support, pressure) are cut.
    ``force`` makes the discrete actions of that type certain each month they are on offer,
    and for a flow type adds ``amount`` a month to the flow.
    """

    mode: Literal["forbid", "force"]
    actor: ActorCode
    target: ActorCode
    type: EventType
    start: Month
    end: Month | None = None
    amount: Annotated[float, Field(ge=0, le=5)] = 0.1
    why: str = ""

    @model_validator(mode="after")
    def _ordered(self) -> Intervention:
        if self.end is not None and parse_month(self.end) < parse_month(self.start):
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self


class Parameters(Strict):
    """Model-level constants (docs/ODD.md, "Submodels"); the rules' own strengths are their weights."""

    alignment_rate: Annotated[float, Field(gt=0, le=1)] = 0.08
    alignment_noise: Annotated[float, Field(ge=0, le=0.5)] = 0.03
    pull_gain: Annotated[float, Field(gt=0, le=5)] = 0.6
    aid_decay: Annotated[float, Field(ge=0, lt=1)] = 0.9
    pressure_decay: Annotated[float, Field(ge=0, lt=1)] = 0.8
    dependence_rate: Annotated[float, Field(gt=0, le=1)] = 0.05
    event_hazard: Annotated[float, Field(ge=0, le=10)] = 1.0
    onset_threshold: Annotated[float, Field(gt=0, le=5)] = 0.25
    security_rate: Annotated[float, Field(gt=0, le=1)] = 0.08
    security_base: Unit = 0.7
    security_war: Unit = 0.6
    security_afghan: Unit = 0.2
    security_military: Unit = 0.3
    economy_rate: Annotated[float, Field(gt=0, le=1)] = 0.05
    economy_base: Unit = 0.3
    economy_war: Unit = 0.3
    economy_aid: Unit = 0.25
    economy_remittances: Unit = 0.4
    economy_pressure: Unit = 0.3


class InitialState(Strict):
    """Starting values. ``A-B`` sets alignment both ways, ``A>B`` only how A regards B
    (written after ``A-B``, it refines it); ties are always from A to B."""

    alignment: dict[Dyad, Signed] = {}
    ties: dict[Dyad, tuple[Tie, ...]] = {}
    regime_security: Unit = 0.5
    economy: Unit = 0.5


class ScenarioFile(Strict):
    """The format of a scenario file (after ``extends`` has been merged)."""

    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.-]+$")
    title: str = ""
    description: str = ""
    extends: str | list[str] | None = None
    chain: list[str] | None = None
    period: PeriodId | None = None
    start: Month | None = None
    end: Month | None = None
    actors: dict[ActorCode, ActorSpec] = {}
    drivers: dict[DriverName, DriverSeries] = {}
    events: list[ScheduledEvent] = []
    parameters: Parameters = Parameters()
    rules: dict[str, RuleSetting] = {}
    initial: InitialState = InitialState()
    interventions: list[Intervention] = []

    @field_validator("rules")
    @classmethod
    def _known_rules(cls, value: dict[str, RuleSetting]) -> dict[str, RuleSetting]:
        return _check_rule_ids(value)

    @model_validator(mode="after")
    def _consistent(self) -> ScenarioFile:
        if self.chain is not None:
            if not self.chain:
                raise ValueError("chain: must list at least one scenario file")
            return self
        if self.start is None or self.end is None:
            raise ValueError("start and end are required (or a chain of period files)")
        start, end = parse_month(self.start), parse_month(self.end)
        if end < start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        if "TJK" not in self.actors:
            raise ValueError("actors: Tajikistan (TJK) must be among the actors")
        for number, event in enumerate(self.events):
            for role in ("actor", "target"):
                code = getattr(event, role)
                if code not in self.actors:
                    raise ValueError(f"events.{number}.{role}: {code!r} is not among the scenario's actors")
        for dyad in list(self.initial.alignment) + list(self.initial.ties):
            for code in dyad.replace(">", "-").split("-"):
                if code not in self.actors:
                    raise ValueError(f"initial: dyad {dyad!r} names {code!r}, not among the actors")
        for code, spec in self.actors.items():
            if (code in ORGANISATIONS) != (spec.kind == "organisation"):
                raise ValueError(f"actors.{code}.kind: {code} is {'an organisation' if code in ORGANISATIONS else 'a state'}")
            if spec.kind == "organisation" and spec.role is None:
                raise ValueError(f"actors.{code}.role: an organisation needs a role")
        return self


class Calibration(Strict):
    """Calibrated defaults (``calibration/params.yaml``): laid under every period's own settings.

    Other keys of that file (the observation model, the fit's provenance) belong to
    calibration and are ignored here.
    """

    model_config = ConfigDict(extra="ignore", frozen=True)
    parameters: dict[str, float] = {}
    rules: dict[str, RuleSetting] = {}

    @field_validator("parameters")
    @classmethod
    def _known_parameters(cls, value: dict[str, float]) -> dict[str, float]:
        unknown = set(value) - set(Parameters.model_fields)
        if unknown:
            raise ValueError(f"unknown parameter(s) {', '.join(sorted(unknown))}")
        Parameters(**value)
        return value

    @field_validator("rules")
    @classmethod
    def _known_rules(cls, value: dict[str, RuleSetting]) -> dict[str, RuleSetting]:
        return _check_rule_ids(value)


def load_calibration(path: Path) -> Calibration:
    """Read a calibrated-parameter file; problems are one-line ScenarioErrors."""
    data = read_yaml_mapping(path)
    try:
        return Calibration.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = ".".join(str(part) for part in error["loc"])
        raise ScenarioError(path, loc, error["msg"].removeprefix("Value error, ")) from None


@dataclass(frozen=True)
class Segment:
    """One period of a run: its months, parameters and rule settings."""

    name: str
    period: str | None
    start: int
    end: int
    parameters: Parameters
    rules: dict[str, RuleSetting]

    @property
    def months(self) -> int:
        return self.end - self.start + 1


@dataclass(frozen=True)
class Scenario:
    """A validated, composed scenario ready to run."""

    name: str
    title: str
    description: str
    actors: dict[str, ActorSpec]
    drivers: dict[str, DriverSeries]
    events: tuple[ScheduledEvent, ...]
    segments: tuple[Segment, ...]
    initial: InitialState
    files: tuple[str, ...] = field(default=())
    interventions: tuple[Intervention, ...] = field(default=())
    calibration: str | None = None

    @property
    def start(self) -> int:
        return self.segments[0].start

    @property
    def end(self) -> int:
        return self.segments[-1].end

    def canonical(self) -> dict[str, Any]:
        """A plain, order-stable description of everything that shapes a run."""
        return {
            "name": self.name,
            "actors": {code: spec.model_dump(mode="json") for code, spec in sorted(self.actors.items())},
            "drivers": {name: d.model_dump(mode="json") for name, d in sorted(self.drivers.items())},
            "events": [event.model_dump(mode="json") for event in self.events],
            "segments": [
                {
                    "name": s.name, "period": s.period,
                    "start": format_month(s.start), "end": format_month(s.end),
                    "parameters": s.parameters.model_dump(mode="json"),
                    "rules": {k: v.model_dump(mode="json") for k, v in sorted(s.rules.items())},
                }
                for s in self.segments
            ],
            "initial": self.initial.model_dump(mode="json"),
            "interventions": [i.model_dump(mode="json") for i in self.interventions],
        }

    def digest(self) -> str:
        """SHA-256 of the canonical form: two scenarios that run alike share it."""
        text = json.dumps(self.canonical(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()


# --- reading files -------------------------------------------------------------------


def read_yaml_mapping(path: Path) -> dict[str, Any]:
    """Read a YAML file that must hold one mapping; every failure is one line."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ScenarioError(path, "", "no such file") from None
    except IsADirectoryError:
        raise ScenarioError(path, "", "is a directory, not a file") from None
    except OSError as exc:
        raise ScenarioError(path, "", f"cannot be read ({exc.strerror})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError(path, "", f"is not UTF-8 text (byte {exc.start})") from None
    if "\x00" in text:
        raise ScenarioError(path, "", "is binary, not YAML text")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        where = f"line {mark.line + 1}" if mark is not None else "YAML"
        raise ScenarioError(path, where, f"YAML syntax error: {problem}") from None
    if not isinstance(data, dict):
        kind = "empty" if data is None else type(data).__name__
        raise ScenarioError(path, "", f"must hold a YAML mapping at the top level, found {kind}")
    for key in data:
        if not isinstance(key, str):
            raise ScenarioError(path, str(key), "top-level keys must be text")
    return data


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in over.items():
        if key == "events" and isinstance(value, list) and isinstance(merged.get(key), list):
            merged[key] = merged[key] + value
        elif isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _resolve(path: Path, seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    """Read a file and merge in what it extends, base first."""
    path = path.resolve()
    if path in seen:
        raise ScenarioError(path, "extends", "extends itself through a cycle")
    data = read_yaml_mapping(path)
    bases = data.get("extends")
    if bases is None:
        return data
    if isinstance(bases, str):
        bases = [bases]
    if not isinstance(bases, list) or not all(isinstance(b, str) for b in bases):
        raise ScenarioError(path, "extends", "must be a file name or a list of file names")
    merged: dict[str, Any] = {}
    for base in bases:
        merged = _merge(merged, _resolve(path.parent / base, seen + (path,)))
    merged.pop("name", None)
    merged.pop("title", None)
    merged.pop("description", None)
    return _merge(merged, data)


def _validate(path: Path, data: dict[str, Any]) -> ScenarioFile:
    try:
        return ScenarioFile.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = ".".join(str(part) for part in error["loc"])
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            message = "unknown key"
        elif error["type"] == "missing":
            message = "required but missing"
        raise ScenarioError(path, loc or "(top level)", message) from None


def _drivers_merged(files: list[ScenarioFile]) -> dict[str, DriverSeries]:
    drivers: dict[str, DriverSeries] = {}
    for spec in files:
        for name, series in spec.drivers.items():
            if name in drivers:
                points = {**drivers[name].points, **series.points}
                series = series.model_copy(update={"points": dict(sorted(points.items()))})
            drivers[name] = series
    return drivers


def _segment(spec: ScenarioFile, calibration: Calibration | None) -> Segment:
    parameters, rules = spec.parameters, dict(spec.rules)
    if calibration is not None:
        own = spec.parameters.model_dump(include=spec.parameters.model_fields_set)
        parameters = Parameters(**{**calibration.parameters, **own})
        rules = {**calibration.rules, **rules}
    return Segment(
        name=spec.name, period=spec.period,
        start=parse_month(spec.start), end=parse_month(spec.end),
        parameters=parameters, rules=rules,
    )


def load_scenario(path: str | Path, calibration: str | Path | None | bool = True) -> Scenario:
    """Read, merge, validate and compose a scenario file.

    ``calibration``: ``True`` lays ``calibration/params.yaml`` (where it exists) under the
    periods' own settings; a path names another such file; ``False`` or ``None`` uses none.
    """
    from sim.paths import calibrated_params

    path = Path(path)
    if calibration is True:
        calibration = calibrated_params() if calibrated_params().exists() else None
    calibrated = load_calibration(Path(calibration)) if calibration else None
    top = _validate(path, _resolve(path))
    if top.chain is None:
        parts = [(path, top)]
    else:
        parts = []
        for number, name in enumerate(top.chain):
            part_path = (path.parent / name)
            part = _validate(part_path, _resolve(part_path))
            if part.chain is not None:
                raise ScenarioError(path, f"chain.{number}", f"{name} is itself a chain")
            parts.append((part_path, part))
    segments = [_segment(spec, calibrated) for _, spec in parts]
    for (p, _), before, after in zip(parts[1:], segments, segments[1:]):
        if after.start != before.end + 1:
            raise ScenarioError(
                path, "chain",
                f"{p.name} starts {format_month(after.start)}, not the month after {format_month(before.end)}",
            )
    actors: dict[str, ActorSpec] = {}
    for _, spec in parts:
        actors.update(spec.actors)
    events: dict[str, ScheduledEvent] = {}
    for _, spec in parts:
        for event in spec.events:
            events.setdefault(event.model_dump_json(), event)
    ordered = sorted(events.values(), key=lambda e: parse_month(e.date))
    start, end = segments[0].start, segments[-1].end
    for event in ordered:
        if not start <= parse_month(event.date) <= end:
            raise ScenarioError(path, "events", f"event of {event.date} ({event.summary[:40]}) lies outside "
                                f"{format_month(start)}..{format_month(end)}")
    return Scenario(
        name=top.name,
        title=top.title or parts[0][1].title,
        description=top.description,
        actors=actors,
        drivers=_drivers_merged([spec for _, spec in parts]),
        events=tuple(ordered),
        segments=tuple(segments),
        initial=parts[0][1].initial,
        files=tuple(str(p) for p, _ in parts),
        interventions=tuple(top.interventions) + tuple(i for _, spec in parts if spec is not top for i in spec.interventions),
        calibration=str(calibration) if calibrated else None,
    )


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a scenario file, for editors and external checks."""
    schema = ScenarioFile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "tajsim scenario"
    return schema
