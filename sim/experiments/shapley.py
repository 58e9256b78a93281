"""Shapley values of levers, from the outcome with each subset of them switched off.

The game: ``n`` levers, and for each coalition ``T`` of levers left *on* (the others switched
off), the outcome ``w(T)``, one number per replicate. The model with every lever on gives
``w(N)``, the one with every lever off ``w({})``; the difference is what the levers explain
together (the *total*). Lever i's Shapley value is its marginal effect ``w(T + i) - w(T)``
averaged over the orders in which the levers could be switched on, which weighs each coalition
``T`` without i by ``|T|! (n - |T| - 1)! / n!``. The values add up to the total exactly (up to
rounding), two levers that change the same thing get the same value, and a lever that changes
nothing gets 0.

* **Exact** for up to :data:`EXACT_MOST` levers: every one of the ``2**n`` coalitions is run.
* **Sampled** beyond: ``m`` orders (permutations) of the levers, drawn with a fixed seed, half
  of them the reverse of the other half (antithetic pairs, which cancel much of the sampling
  error); each order visits ``n + 1`` coalitions (its prefixes), and lever i's value is the mean
  of its marginal effect over the orders. Each order's marginal effects add up to the total, so
  the sampled values do as well. Where the orders would visit as many coalitions as there are,
  every coalition is run instead and the values are exact.

Coalitions are bit masks: bit i stands for lever i. The runs are indexed by the levers switched
*off* (``off = full ^ on``), which is what a run changes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

#: Up to this many levers, every coalition is run.
EXACT_MOST = 6
#: The spawn key of the orders' random stream: above any replicate number, so it is none of theirs.
ORDER_STREAM = 2**40


@dataclass(frozen=True)
class Coalitions:
    """Which coalitions to run for ``n`` levers: all of them, or those that sampled orders visit."""

    n: int
    orders: np.ndarray | None = None

    @property
    def exact(self) -> bool:
        return self.orders is None

    @property
    def full(self) -> int:
        return (1 << self.n) - 1

    @property
    def switched_off(self) -> list[int]:
        """The sets of levers switched off, one run each, as ascending bit masks."""
        if self.orders is None:
            return list(range(1 << self.n))
        on = {0}
        for order in self.orders:
            mask = 0
            for lever in order:
                mask |= 1 << int(lever)
                on.add(mask)
        return sorted(self.full ^ mask for mask in on)


def coalitions(n: int, permutations: int, seed: int) -> Coalitions:
    """All ``2**n`` coalitions for up to :data:`EXACT_MOST` levers (or whenever sampling would run
    as many); otherwise ``permutations`` orders (rounded up to even), drawn from ``seed``."""
    if n < 1:
        raise ValueError("needs at least one lever")
    if n <= EXACT_MOST:
        return Coalitions(n)
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(ORDER_STREAM,)))
    half = np.array([rng.permutation(n) for _ in range(max(1, math.ceil(permutations / 2)))])
    orders = np.concatenate([half, half[:, ::-1]])
    sampled = Coalitions(n, orders)
    return Coalitions(n) if len(sampled.switched_off) >= 1 << n else sampled


def weights(n: int) -> np.ndarray:
    """Shapley weight of a coalition of ``k`` other levers, for k = 0 .. n - 1."""
    return np.array([math.factorial(k) * math.factorial(n - k - 1) / math.factorial(n) for k in range(n)])


def shapley(values: dict[int, np.ndarray], plan: Coalitions) -> np.ndarray:
    """Each lever's Shapley value per replicate, ``[lever, replicate]``.

    ``values`` maps each run's set of levers switched off (a bit mask, as in
    :attr:`Coalitions.switched_off`) to the outcome in every replicate.
    """
    full = plan.full

    def on(mask: int) -> np.ndarray:
        return values[full ^ mask]

    replicates = next(iter(values.values())).shape
    result = np.zeros((plan.n,) + replicates)
    if plan.orders is None:
        weight = weights(plan.n)
        for lever in range(plan.n):
            bit = 1 << lever
            for mask in range(1 << plan.n):
                if not mask & bit:
                    result[lever] += weight[bin(mask).count("1")] * (on(mask | bit) - on(mask))
        return result
    for order in plan.orders:
        mask = 0
        for lever in order:
            before, mask = mask, mask | 1 << int(lever)
            result[int(lever)] += on(mask) - on(before)
    return result / len(plan.orders)


def total(values: dict[int, np.ndarray], plan: Coalitions) -> np.ndarray:
    """What the levers explain together, per replicate: every lever on minus every lever off."""
    return values[0] - values[plan.full]
