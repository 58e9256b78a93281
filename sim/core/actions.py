"""What the rules record on the world: a discrete action's meaning (:class:`Action`) and one rule's
contribution to a flow this month (:class:`Flow`). Both are read by the apply phase
(:mod:`sim.core.dynamics`); :mod:`sim.core.world` keeps them (and exports them under its own name too)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np


@dataclass(frozen=True)
class Action:
    """What a discrete action is and does; the same for every month it is proposed in."""

    rule: str
    actor: int
    target: int
    type: str
    summary: str
    alignment: float = 0.0
    aid: float = 0.0
    pressure: float = 0.0
    tie: int = 0
    untie: int = 0
    security: float = 0.0
    symmetric_tie: bool = False
    lever: str = ""  # one of sim.core.levers.EFFECTS: a lever squeezed, "relief", "dam", "holdout", "lease", an answer
    lever_amount: float = 0.0
    returns: bool = False  # a visit paid as the return of one received (sim.core.courtesy): it leaves nothing owed


class Flow(NamedTuple):
    """One rule's contribution to an aid or pressure flow this month."""

    kind: str
    type: str
    rule: str
    actor: int
    target: int
    amount: np.ndarray
    label: str | None
