"""What a run records each month for its outputs, kept beside Mesa's DataCollector.

The DataCollector holds tidy scalar reporters (the month, ensemble means of Tajikistan's
security, economy and alignment with each state), so that ``get_model_vars_dataframe()`` is
a numeric frame. The full per-replicate arrays the outputs are written from - every dyad of
Tajikistan and the live dyads between its partners - would not fit a data frame's cells, so
they are kept here, one array per month.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

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
    return np.stack([
        w.alignment[:, t, :], w.alignment[:, :, t], w.aid[:, :, t], w.pressure[:, :, t], w.dependence[:, t, :],
    ], axis=1).astype(np.float32)


def other_dyads(w: World) -> tuple[tuple[tuple[int, int], ...], np.ndarray]:
    """Alignment of the live dyads between Tajikistan's partners: (pairs, ``[replicate, pair]``)."""
    rows, cols = w.live_pairs()
    keep = (rows != w.tjk) & (cols != w.tjk)
    pairs = tuple(zip(rows[keep].tolist(), cols[keep].tolist()))
    return pairs, w.alignment[:, rows[keep], cols[keep]].astype(np.float32)


class History:
    """Per month: the month number, Tajikistan's dyads, the partners' live dyads, security, economy."""

    def __init__(self) -> None:
        self.months: list[int] = []
        self.dyads: list[np.ndarray] = []
        self.others: list[tuple[tuple[tuple[int, int], ...], np.ndarray]] = []
        self.security: list[np.ndarray] = []
        self.economy: list[np.ndarray] = []

    def record(self, month: int, w: World) -> None:
        self.months.append(month)
        self.dyads.append(tracked_dyads(w))
        self.others.append(other_dyads(w))
        self.security.append(w.security.copy())
        self.economy.append(w.economy.copy())

    def __len__(self) -> int:
        return len(self.months)
