"""The onsets of aid and pressure episodes: where one rule's flow to a target becomes notable, an event is logged.

Each rule's flow to each target (a *flow column*: type, rule, giver, target) keeps its own decaying stock, so a
new episode (a border closure while fuel is already cut off) shows even when others are running. What counts as
notable scales with the giver's means (``onset_threshold``). Split from :mod:`sim.core.dynamics`, whose apply
phase calls :meth:`Onsets.update` once a month after the flows have moved.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.core.arrays import add_rows, nonzero
from sim.core.eventlog import EventLog
from sim.core.world import Flow, World

if TYPE_CHECKING:
    from sim.scenario.schema import Parameters

_VERBS = {"aid": "steps up aid to", "military": "steps up military support to", "pressure": "puts pressure on"}


class Onsets:
    """Each flow column's decaying stock, over R replicates, and the events logged where one becomes notable."""

    def __init__(self, world: World, log: EventLog, capability: np.ndarray):
        self.world, self.log = world, log
        self.capability = capability  # per actor index: scales what counts as a notable flow
        self._columns: dict[tuple, int] = {}
        self._meta: list[Flow] = []  # each column's first flow
        #: Per column, what its onsets log: actor, target, type and text (-1 until the column's first onset: texts
        #: are interned in the order the log meets them). Read with one index a month instead of a loop over onsets.
        self._logged = np.zeros((4, 0), dtype=np.int32)
        self._stocks = np.zeros((0, world.R))
        self._buffers = (self._stocks,) * 2 + (np.zeros((0, world.R), dtype=bool),) * 2  # see update
        self._cache: tuple = (None, None)

    def update(self, month: int, flows: list[Flow], p: Parameters) -> None:
        """Move every column's stock by this month's flows; log an event where one crosses its threshold."""
        columns = self._columns
        at = []  # each flow's column
        for flow in flows:
            key = (flow.type, flow.rule, flow.actor, flow.target)
            column = columns.get(key)
            if column is None:
                column = columns[key] = len(columns)
                self._meta.append(flow)
            at.append(column)
        if len(columns) > len(self._stocks):
            self._grow()
        amounts, new, onset, below = self._buffers  # [flow, replicate]
        amounts.fill(0.0)
        add_rows(amounts, at, [flow.amount for flow in flows])
        decay, scale = self._constants(p)
        old = self._stocks
        np.multiply(decay[:, None], old, out=new)
        new += amounts  # decay * old + amounts, as ever
        threshold = (p.onset_threshold * scale)[:, None]
        np.greater(new, threshold, out=onset)
        onset &= np.less_equal(old, threshold, out=below)
        self._stocks, self._buffers = new, (amounts, old, onset, below)
        cols, reps = nonzero(onset)
        if not cols.size:
            return
        actors, targets, types, texts = self._logged[:, cols]
        if (texts < 0).any():  # a column's first onset: its text is interned now
            self._name(cols[texts < 0])
            texts = self._logged[3, cols]
        self.log.add(month, reps, actors, targets, types, texts)  # one row per onset, in this order

    def _grow(self) -> None:
        """Make room for the columns that appeared this month: stocks (zero), buffers, what their onsets log."""
        known = self._logged.shape[1]
        logged = np.full((4, len(self._meta)), -1, dtype=np.int32)
        logged[:, :known] = self._logged
        logged[:3, known:] = np.array([[f.actor, f.target, self.log.type_ids[f.type]] for f in self._meta[known:]]).T
        self._logged = logged
        grown = np.zeros((len(self._meta), self.world.R))
        grown[: len(self._stocks)] = self._stocks
        self._stocks = grown  # and the buffers the month's numbers go into, kept from month to month:
        self._buffers = (np.empty_like(grown), np.empty_like(grown), np.empty_like(grown, bool), np.empty_like(grown, bool))

    def _name(self, cols: np.ndarray) -> None:
        """Intern the texts of columns having their first onset, in the order the onsets come (as the log would meet
        them one by one), and keep each column's: it depends only on the column's flow."""
        w = self.world
        for column in cols.tolist():
            if self._logged[3, column] < 0:
                flow = self._meta[column]
                self._logged[3, column] = self.log.text(flow.label or f"{w.name(w.codes[flow.actor])} "
                                                        f"{_VERBS[flow.type]} {w.name(w.codes[flow.target])}", flow.rule)

    def _constants(self, p: Parameters) -> tuple[np.ndarray, np.ndarray]:
        """Each column's decay and the giver's scale of notability (cached)."""
        key = (len(self._meta), p)
        if self._cache[0] != key:
            decay = np.array([p.pressure_decay if f.kind == "pressure" else p.aid_decay for f in self._meta])
            scale = np.array([0.25 + self.capability[f.actor] for f in self._meta])
            self._cache = (key, (decay, scale))
        return self._cache[1]
