"""Small array helpers of the model's hot paths: each does what a plain numpy expression would, to the bit
(the same operations on every element, in the same order), with fewer temporaries or calls."""

from __future__ import annotations

import numpy as np


def total(arrays) -> np.ndarray:
    """The sum of several arrays, as ``sum()`` adds them (0 first, then each in turn), into one new array."""
    arrays = iter(arrays)
    summed = np.add(0.0, next(arrays))
    for array in arrays:
        summed += array
    return summed


#: Up to this many replicates, adding a month's flows row by row costs more in numpy's per-call
#: overhead than gathering them into one ``ufunc.at``; from it on, the rows are long enough to add one by one.
FEW_REPLICATES = 8


def add_rows(total: np.ndarray, rows: list[int], amounts: list) -> None:
    """``total[row] += amount`` for each (row, amount) pair in turn, a row perhaps more than once.

    With few replicates all the amounts go in with one ``ufunc.at``, with many one row at a time.
    Either way every element gets the same additions in the same order (``ufunc.at`` adds in the
    order of its indices), so the sums are the same to the bit; only the cost differs."""
    replicates = total.shape[1]
    if not rows:
        return
    if replicates > FEW_REPLICATES:
        for row, amount in zip(rows, amounts):
            view = total[row]
            np.add(view, amount, out=view)  # in place: ``total[row] += ...`` would also write it back
        return
    np.add.at(total, np.array(rows, dtype=np.intp), _as_rows(amounts, replicates))


def _as_rows(amounts: list, replicates: int) -> np.ndarray:
    """Amounts as rows ``[amount, replicate]`` (an amount given as one number for every replicate
    repeated along its row), filled row by row: several times cheaper than broadcasting and joining them."""
    rows = np.empty((len(amounts), replicates))
    for number, amount in enumerate(amounts):
        rows[number] = amount
    return rows


def nonzero(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.nonzero`` of a 2-d mask, in the same (row-major) order, found through the flat indices:
    numpy's own 2-d search is about ten times slower on the month's masks of a large batch."""
    return np.divmod(np.flatnonzero(mask), mask.shape[1])


def dyad_major(amount):
    """An amount given ``[replicate, actor]`` (or anything broadcasting to it) as ``[actor, replicate]``, for adding
    to a row of an intention buffer (:data:`sim.core.world.INTENDED`): each element meets the same number."""
    ndim = getattr(amount, "ndim", 0)
    return amount.T if ndim == 2 else amount[:, None] if ndim == 1 else amount


def single(prob):
    """The probability of a one-action block as a scalar or ``[replicate]`` array."""
    prob = np.asarray(prob, dtype=float)
    return prob[:, 0] if prob.ndim == 2 else prob.reshape(-1) if prob.ndim == 1 and prob.size == 1 else prob
