"""The run specification: a scenario composed, validated and resolved, ready to run.

A :class:`Scenario` is immutable. It is what every path into the model hands over: the
loader (a file plus the calibrated defaults), calibration (a candidate's values), an
experiment's arm (a base scenario plus counterfactual changes) and the dashboard (sliders).
Those paths build it only through :mod:`sim.scenario.compose`, so two paths that mean the
same run give the same :meth:`Scenario.digest`.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.months import format_month, parse_month
from sim.scenario.schema import (
    ActorSpec,
    DriverSeries,
    InitialState,
    Intervention,
    Parameters,
    RuleSetting,
    ScheduledEvent,
)


def driver_values(series: DriverSeries, months: np.ndarray) -> np.ndarray:
    """A driver series' value in each of ``months`` (month numbers): linear between its points,
    or each point's value held until the next (``step``); flat beyond the first and last point."""
    xs = np.array([parse_month(m) for m in series.points])
    ys = np.array(list(series.points.values()), dtype=float)
    order = np.argsort(xs)
    xs, ys = xs[order], ys[order]
    if series.interpolation == "linear":
        return np.interp(months, xs, ys)
    at = np.searchsorted(xs, months, side="right") - 1
    return ys[np.clip(at, 0, len(ys) - 1)]


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

    @property
    def months(self) -> np.ndarray:
        """The run's month numbers, first to last."""
        return np.arange(self.start, self.end + 1)

    def driver_table(self, months: np.ndarray | None = None) -> dict[str, np.ndarray]:
        """Every driver's value in every month of the run (or in ``months``), ``{name: [month]}``."""
        months = self.months if months is None else months
        return {name: driver_values(series, months) for name, series in self.drivers.items()}

    def segment_at(self, month: int) -> Segment:
        """The period holding ``month``."""
        return next(s for s in self.segments if s.start <= month <= s.end)

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
