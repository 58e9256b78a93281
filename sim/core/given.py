"""What a large batch's apply phase keeps of the stocks it has just moved, to be read again cheaply.

The aid, pressure and support stocks are ``[replicate, actor, target]`` arrays. What flows towards one
actor is a column of them, whose values lie one row (``N * N`` numbers) apart: in a batch of a thousand,
reading it touches a thousand cache lines per actor. The apply phase moves a large batch's stocks only on
the dyads ever given to, gathered ``[replicate, dyad]`` (:meth:`sim.core.dynamics.Dynamics.update_flows`);
it keeps them here, and each actor's stock towards a target is made from them, contiguous, when first asked
for. They hold until the stocks next change: the next apply phase, or a scheduled event, drops them.
"""

from __future__ import annotations

import numpy as np


class Given:
    """Per stock, the dyads ever given to (givers, targets) and their values ``[replicate, dyad]``, as the apply
    phase left them; and what :meth:`towards` has made of them since."""

    def __init__(self, replicates: int, actors: int, stocks: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]):
        self.shape = (replicates, actors)
        self.stocks = stocks
        self._made: dict[tuple[str, int], np.ndarray] = {}

    def towards(self, stock: str, target: int) -> np.ndarray:
        """Each actor's ``stock`` towards ``target``, ``[replicate, actor]`` (read-only: made once, then shared)."""
        found = self._made.get((stock, target))
        if found is None:
            givers, targets, values = self.stocks[stock]
            mine = targets == target
            found = self._made[(stock, target)] = np.zeros(self.shape)
            found[:, givers[mine]] = values[:, mine]
            found.flags.writeable = False
        return found
