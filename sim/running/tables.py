"""A run's long tables, built from the recorded arrays straight into Arrow.

Every replicate of a run has the same trajectory rows in the same order: each month, the
dyads alive then, Tajikistan's security, economy and own energy, the state series of the conflicts
(:data:`~sim.core.recording.CONFLICT_SERIES`) and the partners' live dyads, sorted by variable,
actor and target. So the rows of one replicate are a :class:`Layout`, worked out once
from the run's months, actors and live pairs; the table of a batch of B replicates is that
layout repeated B times beside the values, gathered from the arrays with one index. String
columns are Arrow dictionaries (the layout's indices into a few dozen strings), values float32:
no Python loop over replicates, months or rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa

from sim.core.recording import DOMESTIC, TRACKED, conflict_table
from sim.months import format_month
from sim.vocabulary import EVENT_TYPES

if TYPE_CHECKING:
    from sim.core.model import TajikistanModel

#: How each recorded variable maps onto trajectory rows: (variable, partner is actor?).
ROWS = {
    "alignment": ("alignment", False),
    "regard": ("alignment", True),
    "aid_in": ("aid", True),
    "pressure_in": ("pressure", True),
    "dependence": ("dependence", False),
}

TRAJECTORY_COLUMNS = ("date", "actor", "target", "variable", "value")
EVENT_COLUMNS = ("date", "actor", "target", "type", "summary", "rule")
STRINGS = ("date", "actor", "target", "variable", "type", "summary", "rule")

#: Index types of the trajectory's dictionaries: months fit 16 bits, the rest 8.
_INDEX = {"date": np.int16, "actor": np.int8, "target": np.int8, "variable": np.int8}
TRAJECTORY_SCHEMA = pa.schema([("replicate", pa.int32())]
                              + [(name, pa.dictionary(pa.from_numpy_dtype(_INDEX[name]), pa.string()))
                                 for name in TRAJECTORY_COLUMNS[:-1]] + [("value", pa.float32())])
EVENTS_SCHEMA = pa.schema([("replicate", pa.int32())] + [(name, pa.dictionary(pa.int32(), pa.string()))
                                                         for name in EVENT_COLUMNS])


@dataclass
class Recorded:
    """What one model recorded: replicates ``first .. first + count - 1`` of a run.

    ``dyads`` is ``[month, replicate, variable, actor]`` (Tajikistan's dyads, see
    :data:`~sim.core.recording.TRACKED`), ``domestic`` holds ``[month, replicate]`` arrays,
    ``others`` the partners' live dyads per month, ``log`` the event log's columns (replicates
    numbered from 0) and ``texts`` its (summary, rule) pairs; ``series`` the state series
    ``{(actor, target, variable): [month, replicate]}`` (the conflicts').
    """

    first: int
    count: int
    start: int
    months: np.ndarray
    codes: list[str]
    dyads: np.ndarray
    domestic: dict[str, np.ndarray]
    others: list[tuple[tuple[tuple[int, int], ...], np.ndarray]]
    log: dict[str, np.ndarray]
    texts: list[tuple[str, str]]
    states: dict[tuple[str, str, str], np.ndarray] = field(default_factory=dict)

    @classmethod
    def of(cls, model: TajikistanModel) -> Recorded:
        history = model.history
        return cls(first=model.first_replicate, count=model.replicates, start=model.plan.start,
                   months=np.array(history.months), codes=list(model.codes), dyads=np.stack(history.dyads),
                   domestic={name: np.stack(getattr(history, name)) for name in DOMESTIC},
                   others=list(history.others), log=model.log.arrays(), texts=list(model.log.texts),
                   states=conflict_table(history))

    def pairs(self) -> tuple[tuple[tuple[int, int], ...], ...]:
        return tuple(pairs for pairs, _ in self.others)

    def wide(self, dtype=np.float64) -> np.ndarray:
        """Every recorded value of each replicate in one row, ``[replicate, column]``: the dyads
        by month, variable and actor, then the domestic series by month, then the state series
        by month, then the partners' dyads."""
        T, B = len(self.months), self.count
        others = [block for _, block in self.others if block.size]
        dyads = self.dyads[0, 0].size * T
        states, S = list(self.states), len(self.states)
        base = dyads + len(DOMESTIC) * T
        wide = np.empty((B, base + S * T + sum(block.shape[1] for block in others)), dtype=dtype)
        wide[:, :dyads].reshape(B, T, -1)[...] = self.dyads.reshape(T, B, -1).transpose(1, 0, 2)
        for n, name in enumerate(DOMESTIC):
            wide[:, dyads + n:base:len(DOMESTIC)] = self.domestic[name].T
        for n, key in enumerate(states):
            wide[:, base + n:base + S * T:S] = self.states[key].T
        if others:
            wide[:, base + S * T:] = np.concatenate(others, axis=1)
        return wide

    def values(self, layout: Layout, dtype=np.float64) -> np.ndarray:
        """The trajectory's values, ``[replicate, layout row]``."""
        return np.take(self.wide(dtype), layout.columns, axis=1)

    def series(self, variable: str, actor: str, target: str) -> np.ndarray:
        """A dyadic or state variable as ``[replicate, month]``; only Tajikistan's dyads are kept."""
        state = self.states.get((actor, target, variable))
        if state is not None:
            return state.T.astype(float)
        for number, name in enumerate(TRACKED):
            var, partner_acts = ROWS[name]
            if var != variable:
                continue
            partner = actor if partner_acts else target
            fixed = target if partner_acts else actor
            if fixed == "TJK" and partner in self.codes:
                return self.dyads[:, :, number, self.codes.index(partner)].T.astype(float)
        raise KeyError(f"{variable} {actor}->{target} is not recorded (only Tajikistan's dyads are)")

    def events(self, categorical: bool = False) -> pd.DataFrame:
        """The events as a frame (see :func:`to_frame`), replicates numbered from ``first``, in the
        log's order; ``categorical`` keeps the strings as categories (quicker to compare)."""
        frame = categories(events_table(self).to_pandas())
        return frame if categorical else plain(frame)


@dataclass(frozen=True)
class Layout:
    """The trajectory rows of one replicate: where each value sits in :meth:`Recorded.wide`, and its labels."""

    columns: np.ndarray
    labels: dict[str, np.ndarray]
    dictionaries: dict[str, list[str]]
    pairs: tuple
    _tiles: dict = field(default_factory=dict, compare=False, repr=False)

    def tiled(self, count: int) -> dict[str, pa.DictionaryArray]:
        """The label columns of ``count`` replicates, as Arrow dictionaries (kept for the next batch)."""
        if count not in self._tiles:
            self._tiles.clear()
            self._tiles[count] = {name: pa.DictionaryArray.from_arrays(
                pa.array(np.tile(self.labels[name].astype(_INDEX[name]), count)),
                pa.array(self.dictionaries[name], pa.string())) for name in TRAJECTORY_COLUMNS[:-1]}
        return self._tiles[count]

    @property
    def rows(self) -> int:
        return len(self.columns)

    @classmethod
    def of(cls, recorded: Recorded, founded: dict[str, int]) -> Layout:
        codes, months = recorded.codes, recorded.months
        T, V, N = len(months), len(TRACKED), len(codes)
        keys: dict[tuple[str, str, str], int] = {}

        def key(variable: str, actor: str, target: str) -> int:
            return keys.setdefault((variable, actor, target), len(keys))

        tjk = codes.index("TJK")
        tracked = np.array([[key(ROWS[name][0], code, "TJK") if ROWS[name][1] else key(ROWS[name][0], "TJK", code)
                             for code in codes] for name in TRACKED])  # [variable, actor]
        month_of = [np.repeat(np.arange(T), V * N), np.repeat(np.arange(T), len(DOMESTIC))]
        key_of = [np.tile(tracked.reshape(-1), T), np.tile([key(name, "TJK", "") for name in DOMESTIC], T)]
        alive = np.array([founded[code] for code in codes])
        keep = [np.tile(np.arange(N) != tjk, T * V) & (months[month_of[0]] >= np.tile(alive, T * V)),
                np.ones(len(DOMESTIC) * T, dtype=bool)]
        if recorded.states:
            month_of.append(np.repeat(np.arange(T), len(recorded.states)))
            key_of.append(np.tile([key(variable, actor, target) for actor, target, variable in recorded.states], T))
            keep.append(np.ones(len(recorded.states) * T, dtype=bool))
        for t, (pairs, block) in enumerate(recorded.others):
            if block.size:
                month_of.append(np.full(len(pairs), t))
                key_of.append(np.array([key("alignment", codes[i], codes[j]) for i, j in pairs]))
                keep.append(np.ones(len(pairs), dtype=bool))
        month, which, kept = np.concatenate(month_of), np.concatenate(key_of), np.concatenate(keep)
        names = sorted(keys)
        rank = np.empty(len(names), dtype=np.int64)
        rank[[keys[k] for k in names]] = np.arange(len(names))
        chosen = np.flatnonzero(kept)
        columns = chosen[np.lexsort((rank[which[chosen]], month[chosen]))]
        labels, dictionaries = {}, {}
        dates = [format_month(m) for m in months]
        labels["date"], dictionaries["date"] = month[columns].astype(np.int32), dates
        for place, name in enumerate(("variable", "actor", "target")):
            strings = [k[place] for k in names]
            dictionary, inverse = np.unique(np.array(strings, dtype=object), return_inverse=True)
            labels[name] = inverse[rank[which[columns]]].astype(np.int32)
            dictionaries[name] = [str(s) for s in dictionary]
        return cls(columns=columns, labels=labels, dictionaries=dictionaries, pairs=recorded.pairs())


def _dictionary(indices: np.ndarray, strings: list[str]) -> pa.DictionaryArray:
    return pa.DictionaryArray.from_arrays(pa.array(indices, pa.int32()), pa.array(strings, pa.string()))


def trajectory_table(layout: Layout, values: np.ndarray, first: int, replicate: bool = True) -> pa.Table:
    """The long table of a batch: ``values`` is ``[replicate, layout row]``, replicates numbered from ``first``.

    Values keep their type: float32 for Parquet, float64 where they are written as text (so
    that a single run's CSV has the digits it always had).
    """
    count = values.shape[0]
    columns = {}
    if replicate:
        columns["replicate"] = pa.array(np.repeat(np.arange(first, first + count, dtype=np.int32), layout.rows))
    columns.update(layout.tiled(count))
    columns["value"] = pa.array(values.reshape(-1))
    schema = TRAJECTORY_SCHEMA.set(TRAJECTORY_SCHEMA.get_field_index("value"), pa.field("value", columns["value"].type))
    return pa.table(columns, schema=schema if replicate else schema.remove(0))


def events_table(recorded: Recorded, replicate: bool = True) -> pa.Table:
    """The events of a batch, sorted by replicate, month and order of logging."""
    log = recorded.log
    columns = {}
    if replicate:
        columns["replicate"] = pa.array((log["replicate"] + recorded.first).astype(np.int32))
    columns["date"] = _dictionary(log["month"] - recorded.start, [format_month(m) for m in recorded.months])
    codes, order = np.unique(np.array(recorded.codes, dtype=object), return_inverse=True)
    columns["actor"] = _dictionary(order[log["actor"]], list(codes))
    columns["target"] = _dictionary(order[log["target"]], list(codes))
    types, order = np.unique(np.array(EVENT_TYPES, dtype=object), return_inverse=True)
    columns["type"] = _dictionary(order[log["type"]], list(types))
    for place, name in enumerate(("summary", "rule")):
        strings, order = np.unique(np.array([t[place] for t in recorded.texts] or [""], dtype=object),
                                   return_inverse=True)
        columns[name] = _dictionary(order[log["text"]], list(strings))
    return pa.table(columns, schema=EVENTS_SCHEMA if replicate else EVENTS_SCHEMA.remove(0))


def categories(frame: pd.DataFrame) -> pd.DataFrame:
    """String columns as categories holding the values present, sorted; replicate as int64."""
    for name in STRINGS:
        if name not in frame.columns:
            continue
        column = frame[name]
        if not isinstance(column.dtype, pd.CategoricalDtype):
            column = column.astype("category")
        codes = column.cat.codes.to_numpy()
        if not np.bincount(codes[codes >= 0], minlength=len(column.cat.categories)).all():
            column = column.cat.remove_unused_categories()
        order = sorted(column.cat.categories)
        if list(column.cat.categories) != order:
            column = column.cat.reorder_categories(order)
        frame[name] = column
    if "replicate" in frame.columns:
        frame["replicate"] = frame["replicate"].astype(np.int64)
    return frame


def plain(frame: pd.DataFrame) -> pd.DataFrame:
    """String columns as plain strings."""
    for name in STRINGS:
        if name in frame.columns:
            frame[name] = frame[name].astype(str)
    return frame


def to_frame(table: pa.Table) -> pd.DataFrame:
    """An Arrow table of a run as pandas, in the shape every reader hands out: the trajectory's
    string columns as categories (see :func:`categories`; it is large), the events' as plain
    strings; replicate as int64."""
    frame = categories(table.to_pandas())
    return frame if "value" in frame.columns else plain(frame)
