"""Visits owed: which leaders have been received and not yet returned the visit.

A leader received by another owes a visit back, and the debt is paid by going (R87, in
:mod:`sim.core.rules.everyone`, reads it; its docstring has the case of Mirziyoyev's 2018 visit and
Rahmon's return). Only visits between Tajikistan and a state are kept: the model's other dyads
exchange none.

A visit settles what its visitor owed its host and, unless it was itself a return, leaves the host
owing one back; so returns do not call for returns, and a single visit is answered at most once. A
debt not paid fades, with an e-folding time of :data:`MEMORY_YEARS`: an invitation to come at a
convenient time is not owed for ever. Both readings are the project's.
"""

from __future__ import annotations

import numpy as np

#: Years over which an unreturned visit is forgotten (e-folding time): the project's coding.
MEMORY_YEARS = 2.0
#: What is left of a debt after a month.
FADE = float(np.exp(-1.0 / (12.0 * MEMORY_YEARS)))
#: The two sides of a debt: Tajikistan owes the actor a visit, or the actor owes Tajikistan one.
TAJIKISTAN_OWES, OWED_TO_TAJIKISTAN = 0, 1


class VisitsOwed:
    """``debt[replicate, side, actor]`` in [0, 1]: how far a visit is owed on that side (:data:`TAJIKISTAN_OWES` or
    :data:`OWED_TO_TAJIKISTAN`), 1 the month after it was received, fading month by month."""

    def __init__(self, replicates: int, actors: int, tjk: int):
        self.tjk = tjk
        self.debt = np.zeros((replicates, 2, actors))

    def fade(self) -> None:
        """A month passes: what is owed is owed a little less."""
        self.debt *= FADE

    def hear(self, reps: np.ndarray, visitors: np.ndarray, hosts: np.ndarray, returns: np.ndarray) -> None:
        """Visits paid this month (``visitors[i]`` to ``hosts[i]`` in replicate ``reps[i]``); ``returns`` marks
        those paid as returns, which leave nothing owed."""
        by_tajikistan, to_tajikistan, fresh = visitors == self.tjk, hosts == self.tjk, ~returns
        received, paid = to_tajikistan & fresh, by_tajikistan & fresh  # unless a return, the host incurs a debt,
        self.debt[reps[received], TAJIKISTAN_OWES, visitors[received]] = 1.0
        self.debt[reps[paid], OWED_TO_TAJIKISTAN, hosts[paid]] = 1.0
        self.debt[reps[by_tajikistan], TAJIKISTAN_OWES, hosts[by_tajikistan]] = 0.0  # and the visitor's is paid
        self.debt[reps[to_tajikistan], OWED_TO_TAJIKISTAN, visitors[to_tajikistan]] = 0.0  # (so visits both ways net out)

    def forget(self, actor: int) -> None:
        """A new regime in ``actor``'s capital: what was owed between it and Tajikistan is owed no longer."""
        self.debt[:, :, actor] = 0.0

    def owed(self, side: int, actors) -> np.ndarray:
        """How far each of ``actors`` is owed a visit by Tajikistan (``side`` :data:`TAJIKISTAN_OWES`) or owes it
        one (:data:`OWED_TO_TAJIKISTAN`), ``[replicate, actor]``."""
        return self.debt[:, side, actors]
