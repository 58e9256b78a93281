"""Matching simulated events with the record's dated events.

A record event is reproduced in a replicate when that replicate has an endogenous event of the
same type between the same actors (either way round for treaties and conflicts), and for a
``pressure`` event on the same subject, within a window of months around the record's dating; a
simulated event is borne out when it lies inside the window of a record event of its kind. A
pressure event's subject is the lever it squeezes (:data:`~sim.vocabulary.SQUEEZED_LEVERS`): the
record event's ``lever``, the simulated event's rule's ``squeezes``; pressure that squeezes no
lever has none. So Russia's funding stop (R82) cannot stand for its migrant squeeze on record, nor
a border closure for a gas cut-off. :class:`Targets` holds the record events a run is scored
against as arrays, so that the model's events (:func:`sim.record.compare.event_scores`) and the
baselines' redrawn ones (:mod:`sim.record.baselines`) are scored by one and the same function.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from sim.core.rules import RULES
from sim.months import format_month
from sim.record.items import RecordEvent
from sim.vocabulary import SYMMETRIC_EVENT_TYPES

#: An event's key: type, actor, target (treaties and conflicts in sorted order) and subject.
Key = tuple[str, str, str, str]

#: Months of tolerance either side of a record event's own dating.
DEFAULT_WINDOW = 6


@dataclass(frozen=True)
class Period:
    """A period of a run: its name and its first and last month (a name may recur)."""

    name: str
    start: int
    end: int


def _key(actor: str, target: str, type_: str, subject: str = "") -> Key:
    if type_ in SYMMETRIC_EVENT_TYPES and target < actor:
        actor, target = target, actor
    return type_, actor, target, subject


def subjects(rules: np.ndarray, types: np.ndarray) -> np.ndarray:
    """Each simulated event's subject: for a ``pressure`` event, the lever its rule squeezes (the
    rule's ``squeezes``), else ``""``."""
    squeezes = {rule_id: rule.squeezes for rule_id, rule in RULES.items() if rule.squeezes}
    lever = pd.Series(rules, dtype=object).map(squeezes).fillna("").to_numpy(dtype=object)
    return np.where(np.asarray(types, dtype=object) == "pressure", lever, "").astype(object)


def _period_index(months: np.ndarray, periods: list[Period]) -> np.ndarray:
    """For each month, the number of the first period that holds it (-1 for none)."""
    index = np.full(len(months), -1, dtype=np.int64)
    for number, period in enumerate(periods):
        index[(index < 0) & (months >= period.start) & (months <= period.end)] = number
    return index


def key_ids(events: pd.DataFrame) -> tuple[np.ndarray, list[Key]]:
    """Each row's event key (type, actor, target, subject; treaties and conflicts either way round)
    as a number, and the keys those numbers stand for, in sorted order (so that a key's number
    ranks it the same way whichever events are present)."""
    actor, target, kind, rule = (events[c].to_numpy(dtype=object) for c in ("actor", "target", "type", "rule"))
    swap = np.isin(kind, list(SYMMETRIC_EVENT_TYPES)) & (target < actor)
    frame = pd.DataFrame({"type": kind, "actor": np.where(swap, target, actor), "target": np.where(swap, actor, target),
                          "subject": subjects(rule, kind)}, dtype=object)
    groups = frame.groupby(["type", "actor", "target", "subject"], sort=True).indices
    ids = np.zeros(len(frame), dtype=np.int64)
    for number, rows in enumerate(groups.values()):
        ids[rows] = number
    return ids, [tuple(key) for key in groups]


@dataclass(frozen=True)
class Targets:
    """The record events a run is scored against, as arrays sorted by event key.

    Built once per run (:meth:`of`) and used to score the model's events
    (:func:`event_scores`) and the baselines' (:mod:`sim.record.baselines`) in exactly the same
    way. ``ids`` are the record events' ids, and ``low`` and ``high`` each one's first and last month
    with the tolerance included; ``period`` the number of its period among ``names``.
    """

    periods: tuple[Period, ...]
    names: tuple[str, ...]
    ids: tuple[str, ...]
    keys: dict[Key, int]
    key: np.ndarray
    low: np.ndarray
    high: np.ndarray
    period: np.ndarray

    @classmethod
    def of(cls, record: tuple[RecordEvent, ...], periods: list[Period], actors: set[str], inputs: set[str],
           window: int = DEFAULT_WINDOW) -> Targets:
        """The record events between the run's actors, inside its months, that no scenario imposes."""
        start, end = periods[0].start, periods[-1].end
        scored = [e for e in record
                  if e.actor in actors and e.target in actors and e.id not in inputs and start <= e.month <= end]
        names = tuple(dict.fromkeys(p.name for p in periods))
        keys = {key: number for number, key in enumerate(sorted({_key(e.actor, e.target, e.type, e.lever or "")
                                                                  for e in scored}))}
        key = np.array([keys[_key(e.actor, e.target, e.type, e.lever or "")] for e in scored], dtype=np.int64)
        order = np.argsort(key, kind="stable")
        targets = cls(tuple(periods), names, tuple(scored[k].id for k in order), keys, key[order],
                      np.array([e.window[0] - window for e in scored], dtype=np.int64)[order],
                      np.array([e.window[1] + window for e in scored], dtype=np.int64)[order],
                      np.zeros(len(scored), dtype=np.int64))
        months = np.array([e.month for e in scored], dtype=np.int64)[order]
        return dataclasses.replace(targets, period=targets.period_of(months))

    @cached_property
    def _calendar(self) -> tuple[int, np.ndarray]:
        """The first month of the run, and for every month from it to the last the number (among
        ``names``) of its period, -1 where no period holds it: looked up rather than searched,
        as the baselines ask for millions of months."""
        first, last = min(p.start for p in self.periods), max(p.end for p in self.periods)
        name_of = np.array([*(self.names.index(p.name) for p in self.periods), -1])
        return first, name_of[_period_index(np.arange(first, last + 1), list(self.periods))]

    def period_of(self, months: np.ndarray) -> np.ndarray:
        """The number (among ``names``) of the period of each month."""
        first, table = self._calendar
        at = np.asarray(months, dtype=np.int64) - first
        outside = (at < 0) | (at >= len(table))
        number = table[np.where(outside, 0, at)]
        if (outside | (number < 0)).any():
            wrong = int(np.asarray(months)[outside | (number < 0)][0])
            raise ValueError(f"month {format_month(wrong)} lies in none of the run's periods")
        return number

    def codes(self, keys: list[Key]) -> np.ndarray:
        """The number of each key among the record's keys, -1 for a key the record never names."""
        return np.array([self.keys.get(k, -1) for k in keys], dtype=np.int64)

    def counts(self, code: np.ndarray, month: np.ndarray, replicate: np.ndarray, replicates: int) -> np.ndarray:
        """Scores of simulated events given as arrays: their record key (:meth:`codes`), month and
        replicate. Returns ``[period, replicate, k]`` with k = recall hits, record events,
        simulated events the record bears out, simulated events.

        A record event is reproduced in a replicate when that replicate has an event of its key
        inside its window; a simulated event is borne out when it lies inside the window of a
        record event of its key.
        """
        return self.score(code, month, replicate, replicates)[0]

    def score(self, code: np.ndarray, month: np.ndarray, replicate: np.ndarray,
              replicates: int) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`counts`, and beside it, for each record event (in the order of ``ids``), in how many of
        the ``replicates`` it is reproduced: the per-event view of the same recall, from one matching."""
        P = len(self.names)
        out = np.zeros((P, replicates, 4), dtype=np.int64)
        out[:, :, 1] = np.bincount(self.period, minlength=P)[:, None]
        row, target = self._inside(code, month)
        pairs = np.unique(target * replicates + replicate[row])
        out[:, :, 0] = _tally(self.period[pairs // replicates], pairs % replicates, P, replicates)
        matched = np.zeros(len(code), dtype=bool)
        matched[row] = True
        period = self.period_of(month)
        out[:, :, 2] = _tally(period[matched], replicate[matched], P, replicates)
        out[:, :, 3] = _tally(period, replicate, P, replicates)
        return out, np.bincount(pairs // replicates, minlength=len(self.ids))

    def _inside(self, code: np.ndarray, month: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Every (simulated event, record event of its key) pair in which the simulated event lies
        inside the record event's window: the rows of each, as two arrays."""
        # the record events of key c are rows bounds[c + 1] .. bounds[c + 2] - 1 of the arrays (none for c = -1)
        bounds = np.searchsorted(self.key, np.arange(-1, len(self.keys) + 1))
        first = bounds[code + 1]
        many = bounds[code + 2] - first
        row = np.repeat(np.arange(len(code)), many)
        target = first[row] + np.arange(len(row)) - np.repeat(np.cumsum(many) - many, many)
        inside = (month[row] >= self.low[target]) & (month[row] <= self.high[target])
        return row[inside], target[inside]


def _tally(period: np.ndarray, replicate: np.ndarray, periods: int, replicates: int) -> np.ndarray:
    """How many items fall in each (period, replicate), as ``[period, replicate]``."""
    return np.bincount(period * replicates + replicate, minlength=periods * replicates).reshape(periods, replicates)


__all__ = ["DEFAULT_WINDOW", "Key", "Period", "Targets", "key_ids", "subjects"]
