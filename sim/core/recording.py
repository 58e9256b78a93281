"""What a run records each month for its outputs, kept beside Mesa's DataCollector.

The DataCollector holds tidy scalar reporters (the month, ensemble means of Tajikistan's
security, economy and alignment with each state), so that ``get_model_vars_dataframe()`` is
a numeric frame. The full per-replicate arrays the outputs are written from - every dyad of
Tajikistan and the live dyads between its partners - would not fit a data frame's cells, so
they are kept here, one array per month.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import numpy as np

from sim.core.arrays import FEW_REPLICATES

if TYPE_CHECKING:
    from sim.core.world import World

#: The dyadic variables recorded each month for every partner of Tajikistan.
TRACKED = ("alignment", "regard", "aid_in", "pressure_in", "dependence")
TRACKED_MEANING = {
    "alignment": ("TJK", "partner", "how Tajikistan regards the partner"),
    "regard": ("partner", "TJK", "how the partner regards Tajikistan"),
    "aid_in": ("partner", "TJK", "aid flow from the partner to Tajikistan"),
    "pressure_in": ("partner", "TJK", "pressure from the partner on Tajikistan"),
    "dependence": ("TJK", "partner", "share of Tajikistan's outside support from the partner"),
}


def tracked_dyads(w: World) -> np.ndarray:
    """Tajikistan's dyads this month, ``[replicate, variable, partner]`` (see :data:`TRACKED`)."""
    t = w.tjk
    tracked = np.empty((w.R, len(TRACKED), w.N), dtype=np.float32)  # filled in place: one pass, one rounding each
    if w.settled is None:
        tracked[:, 0, :], tracked[:, 1, :] = w.alignment[:, t, :], w.alignment[:, :, t]
    else:  # Tajikistan's dyads are all live but its own (0): their values as the apply phase left them
        rows, cols, values = w.settled
        tracked[:, :2, :] = 0.0
        mine, theirs = rows == t, cols == t
        tracked[:, 0, cols[mine]] = values[:, mine]
        tracked[:, 1, rows[theirs]] = values[:, theirs]
    for n, values in enumerate((w.to_tjk("aid"), w.to_tjk("pressure"), w.dependence[:, t, :]), start=2):
        tracked[:, n, :] = values
    return tracked


#: The conflicts' series recorded each month: (actor, target, variable) -> what it reads.
CONFLICT_SERIES = {
    ("TJK", "UTO", "conflict_intensity"): ("conflict", "intensity"),
    ("TJK", "UTO", "fighting"): ("conflict", "fighting"),
    ("TJK", "UTO", "holds_capital"): ("conflict", "holds_capital"),
    ("TJK", "UTO", "government_control"): ("conflict", "control"),
    ("TJK", "UTO", "opposition_strength"): ("conflict", "opposition"),
    ("TJK", "UTO", "talks"): ("conflict", "talks"),
    ("TJK", "UTO", "displaced"): ("conflict", "displaced"),
    ("TJK", "UTO", "power_sharing"): ("conflict", "sharing"),
    ("TJK", "KGZ", "conflict_intensity"): ("border", "intensity"),
    ("TJK", "KGZ", "border_tension"): ("border", "tension"),
    ("TJK", "KGZ", "border_incidents"): ("border", "incident_count"),
    ("TJK", "KGZ", "border_arms"): ("border", "arms"),
}
CONFLICT_MEANING = {
    "conflict_intensity": "fighting, 0 (peace) to 1 (the war's peak); ~3,000 x intensity^2 battle deaths a month",
    "fighting": "1 in a month whose fighting reaches UCDP's threshold (intensity >= 0.026: 25 battle deaths a year)",
    "holds_capital": "1 in a month the government holds Dushanbe (its control above 0.5)",
    "government_control": "the government's share of the country (it holds Dushanbe above 0.5)",
    "opposition_strength": "the armed opposition's strength (the government's own is about 0.4)",
    "talks": "momentum of the peace talks, 0..1",
    "displaced": "share of the population displaced or abroad",
    "power_sharing": "share of posts held by the opposition after an accord",
    "border_tension": "tension of the Kyrgyz-Tajik border dispute: incidents heat it as far as the forces are armed, "
                      "it cools with a half-life of a year",
    "border_incidents": "incidents at the Kyrgyz-Tajik border in the month, both sides together",
    "border_arms": "how far the two sides' forces at the Kyrgyz-Tajik border are armed for a fight, 0..1 (their mean)",
}


#: The levers' series recorded each month (sim/core/levers.py): (holder, "TJK", variable) -> what it reads.
LEVER_VARIABLES = {
    "migrants": ("migrants", "share of Tajikistan's workforce working in the host"),
    "remittances": ("remittances", "migrants' remittances from the host, percent of Tajikistan's GDP"),
    "trade_share": ("trade", "the partner's share of Tajikistan's trade"),
    "energy_share": ("energy", "share of Tajikistan's energy and transit through the partner"),
    "debt": ("debt", "what Tajikistan owes the creditor, in years of its outside aid"),
    "security_share": ("security", "the patron's share of the military support present in Tajikistan"),
    "hold": ("hold", "the holder's levers over Tajikistan together, 0..1"),
    "squeeze": ("squeeze", "how hard the holder is squeezing its levers, 0..1 each"),
    "resentment": ("resentment", "Tajikistan's remembered cost of the holder's levers (remittances lost, in 5-point "
                                 "steps of GDP, and squeezes), averaged over about resentment_memory years (R20)"),
    "lesson": ("lesson", "what Tajikistan has learned its dependence on the holder costs: the harm resentment "
                         "reads, weighted by the hold at the time, summed since the run began, per lesson_years (R20)"),
    "output": ("mass", "Tajikistan's real output (GDP at constant prices) relative to September 1991's"),
    "base_lease": ("lease", "years left on the patron's formal lease of its base in Tajikistan (0: none signed, or "
                            "run out)"),
    "lease_holdout": ("holdout", "whether Tajikistan holds out for rent on the patron's base lease (1) or not (0; R81)"),
}
LEVER_HOLDERS = {
    "migrants": ("RUS", "KAZ"), "remittances": ("RUS", "KAZ"),
    "trade_share": ("RUS", "CHN", "KAZ", "UZB", "TUR", "IRN"), "energy_share": ("UZB", "RUS"), "debt": ("CHN", "RUS"),
    "security_share": ("RUS", "USA", "UZB", "CHN"), "hold": ("RUS", "CHN", "UZB", "KAZ", "USA"),
    "squeeze": ("RUS", "UZB", "CHN"), "resentment": ("RUS", "UZB", "CHN", "KAZ"),
    "lesson": ("RUS", "UZB", "CHN", "KAZ"), "output": ("TJK",), "base_lease": ("RUS",),
    "lease_holdout": ("RUS",),
}
LEVER_SERIES = {(holder, "TJK", variable): (LEVER_VARIABLES[variable][0], holder)
                for variable, holders in LEVER_HOLDERS.items() for holder in holders}
#: Every state series recorded beside the dyads: the conflicts' and the levers'.
STATE_SERIES = {**{key: ("conflict",) + value for key, value in CONFLICT_SERIES.items()},
                **{key: ("lever",) + value for key, value in LEVER_SERIES.items()}}


def _lever_reading(w: World, name: str) -> np.ndarray:
    """One lever's reading for every holder, ``[replicate, actor]``."""
    if name == "hold":
        return w.levers.hold()
    if name == "squeeze":
        return w.levers.squeezing()
    if name == "lease":
        return w.levers.leases.left
    if name == "holdout":
        return w.levers.leases.holding_out
    return getattr(w.levers, name)


def conflict_series(w: World) -> np.ndarray:
    """This month's state series, ``[replicate, series]`` in the order of :data:`STATE_SERIES`: the
    conflicts' one by one, then each lever's for its holders (a holder not in the scenario reads
    zero). Each value is rounded to float32 once, as it is filled in."""
    series = np.empty((w.R, len(STATE_SERIES)), dtype=np.float32)
    for n, (a, b) in enumerate(CONFLICT_SERIES.values()):  # column by column: cheaper than stacking them first
        series[:, n] = getattr(getattr(w, a), b)
    if w.R <= FEW_REPLICATES:  # a few replicates: stacked whole, then picked out at once (fewer numpy calls)
        readings = np.zeros((w.R, len(LEVER_HOLDERS), w.N + 1))  # the last column: zeros, for absent holders
        for n, variable in enumerate(LEVER_HOLDERS):
            readings[:, n, :w.N] = _lever_reading(w, LEVER_VARIABLES[variable][0])
        series[:, len(CONFLICT_SERIES):] = readings[(slice(None),) + _stacked_columns(tuple(w.codes))]
        return series
    for name, columns, holders, absent in _lever_columns(tuple(w.codes)):  # many: each variable's holders straight in
        series[:, columns] = _lever_reading(w, name)[:, holders]
        if absent is not None:
            series[:, absent] = 0.0
    return series


@functools.cache
def _stacked_columns(codes: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Where each lever series is read in a month's stacked readings ``[replicate, variable, actor]``:
    (variable, actor) indices in the order of :data:`LEVER_SERIES`; an absent holder reads column N."""
    at = [(n, codes.index(holder) if holder in codes else len(codes))
          for n, holders in enumerate(LEVER_HOLDERS.values()) for holder in holders]
    return np.array([v for v, _ in at], dtype=np.intp), np.array([h for _, h in at], dtype=np.intp)


@functools.cache
def _lever_columns(codes: tuple[str, ...]) -> tuple[tuple[str, slice | np.ndarray, np.ndarray, np.ndarray | None], ...]:
    """Where each lever's series go in a month's :func:`conflict_series`: per variable, the reading's name, the
    columns of its holders in the scenario and their actor indices, and the columns of those not in it (or None)."""
    found, column = [], len(CONFLICT_SERIES)
    for variable, holders in LEVER_HOLDERS.items():
        at = np.arange(column, column + len(holders))
        here = np.array([holder in codes for holder in holders], dtype=bool)
        found.append((LEVER_VARIABLES[variable][0], at[here] if not here.all() else slice(column, column + len(holders)),
                      np.array([codes.index(h) for h in holders if h in codes], dtype=np.intp),
                      at[~here] if not here.all() else None))
        column += len(holders)
    return tuple(found)


def partner_pairs(w: World) -> tuple[tuple[tuple[int, int], ...], np.ndarray, np.ndarray]:
    """The live dyads between Tajikistan's partners: (pairs, their rows, their columns)."""
    rows, cols = w.live_pairs()
    keep = (rows != w.tjk) & (cols != w.tjk)
    rows, cols = rows[keep], cols[keep]
    return tuple(zip(rows.tolist(), cols.tolist())), rows, cols


def conflict_table(history: History) -> dict[tuple[str, str, str], np.ndarray]:
    """The recorded conflict series as ``{(actor, target, variable): [month, replicate]}``."""
    if not history.conflicts:
        return {}
    stacked = np.stack(history.conflicts)  # month, replicate, series
    return {key: stacked[:, :, n] for n, key in enumerate(STATE_SERIES)}


#: Tajikistan's domestic series the history records month by month, as the trajectory names them.
DOMESTIC = ("security", "economy", "own_energy", "dam_underway", "yielding_reputation")


class History:
    """Per month: the month number, Tajikistan's dyads, the partners' live dyads, security, economy."""

    def __init__(self) -> None:
        self.months: list[int] = []
        self.dyads: list[np.ndarray] = []
        self.others: list[tuple[tuple[tuple[int, int], ...], np.ndarray]] = []
        self.security: list[np.ndarray] = []
        self.economy: list[np.ndarray] = []
        self.conflicts: list[np.ndarray] = []
        self.own_energy: list[np.ndarray] = []
        self.dam_underway: list[np.ndarray] = []  # 1 while Tajikistan builds the dam it resolved to build
        self.yielding_reputation: list[np.ndarray] = []  # how far the holders expect Tajikistan to give way
        self._partners: tuple = (None, None)  # the live dyads last seen, and their partner_pairs

    def record(self, month: int, w: World) -> None:
        self.months.append(month)
        self.dyads.append(tracked_dyads(w))
        self.others.append(self._other_dyads(w))
        self.security.append(w.security.copy())
        self.economy.append(w.economy.copy())
        self.conflicts.append(conflict_series(w))
        self.own_energy.append(w.levers.own_supply.copy())
        self.dam_underway.append(w.levers.dam_underway().astype(float))
        self.yielding_reputation.append(w.levers.reputation.level.copy())

    def _other_dyads(self, w: World) -> tuple[tuple[tuple[int, int], ...], np.ndarray]:
        """Alignment of the live dyads between Tajikistan's partners: (pairs, ``[replicate, pair]``).
        Which dyads those are changes only when a dyad comes alive (``w.live_pairs()`` then returns
        new arrays), so they are found again only then."""
        live = w.live_pairs()
        if self._partners[0] is not live:
            self._partners = (live, partner_pairs(w))
        pairs, rows, cols = self._partners[1]
        if w.settled is not None and w.settled[0] is live[0]:  # the values the apply phase left on the live dyads
            live_rows, live_cols, values = w.settled
            return pairs, values[:, (live_rows != w.tjk) & (live_cols != w.tjk)].astype(np.float32)
        return pairs, w.alignment[:, rows, cols].astype(np.float32)

    def __len__(self) -> int:
        return len(self.months)
