"""Loading a scenario file into a run specification: ``load_scenario``.

A file is a period file or a chain of period files (``chain: [a.yaml, b.yaml, ...]``) run one
after another in one model, the state carried across each boundary. The loader reads and
validates every part, checks that the periods follow each other and that scheduled events lie
inside the run, then lays the calibrated defaults under the periods' own settings through the
one composer (:func:`sim.scenario.compose.with_calibration`).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from pydantic import ValidationError

from sim.months import format_month, parse_month
from sim.paths import calibrated_params
from sim.scenario.compose import with_calibration
from sim.scenario.errors import ScenarioError
from sim.scenario.reading import drivers_merged, read_scenario_file, read_yaml_mapping, validation_message
from sim.scenario.schema import ActorSpec, Calibration, ScenarioFile, ScheduledEvent
from sim.scenario.spec import Scenario, Segment


def load_calibration(path: Path) -> Calibration:
    """Read a calibrated-parameter file; problems are one-line ScenarioErrors."""
    data = read_yaml_mapping(path)
    try:
        return Calibration.model_validate(data)
    except ValidationError as exc:
        loc, message = validation_message(exc)
        raise ScenarioError(path, loc, message) from None


def _segment(spec: ScenarioFile) -> Segment:
    assert spec.start is not None and spec.end is not None  # a period file has both (ScenarioFile._consistent)
    return Segment(name=spec.name, period=spec.period, start=parse_month(spec.start), end=parse_month(spec.end),
                   parameters=spec.parameters, rules=dict(spec.rules))


def _parts(path: Path) -> tuple[ScenarioFile, list[tuple[Path, ScenarioFile]]]:
    """The file itself and its period files (itself, unless it is a chain)."""
    top = read_scenario_file(path)
    if top.chain is None:
        return top, [(path, top)]
    parts = []
    for number, name in enumerate(top.chain):
        part_path = path.parent / name
        part = read_scenario_file(part_path)
        if part.chain is not None:
            raise ScenarioError(path, f"chain.{number}", f"{name} is itself a chain")
        parts.append((part_path, part))
    return top, parts


def load_scenario(path: str | Path, calibration: str | Path | None | bool = True) -> Scenario:
    """Read, merge, validate and compose a scenario file.

    ``calibration``: ``True`` lays ``calibration/params.yaml`` (where it exists) under the
    periods' own settings; a path names another such file; ``False`` or ``None`` uses none.
    """
    path = Path(path)
    if calibration is True:
        calibration = calibrated_params() if calibrated_params().exists() else None
    calibrated = load_calibration(Path(calibration)) if calibration else None
    top, parts = _parts(path)
    segments = [_segment(spec) for _, spec in parts]
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
    plan = Scenario(
        name=top.name,
        title=top.title or parts[0][1].title,
        description=top.description,
        actors=actors,
        drivers=drivers_merged([spec for _, spec in parts]),
        events=tuple(ordered),
        segments=tuple(segments),
        initial=parts[0][1].initial,
        files=tuple(str(p) for p, _ in parts),
        interventions=tuple(top.interventions) + tuple(i for _, spec in parts if spec is not top
                                                       for i in spec.interventions),
    )
    if calibrated is None:
        return plan
    return replace(with_calibration(plan, calibrated), calibration=str(calibration))
