"""Each replicate's uniform draws, taken from its own stream a block at a time.

Replicate ``r`` draws from its own generator, so its history is the same alone or in a batch.
Asking every generator for this month's few hundred numbers costs a Python call per replicate
per month, which in a batch of a thousand is a tenth of the run. A generator's numbers come
one after another whatever the size of each request (``random(n)`` then ``random(m)`` gives the
same numbers as ``random(n + m)``), so :class:`DrawPool` asks each for a block of many months'
numbers at once and hands them out in order: every replicate gets exactly the numbers it would
have got month by month, bit for bit.
"""

from __future__ import annotations

import numpy as np

#: How many numbers each replicate's generator is asked for at once, at least (about seven
#: months' worth; 16 MB for a batch of a thousand).
BLOCK = 2048


class DrawPool:
    """Uniform draws for R replicates, row ``r`` from ``streams[r]``, handed out in order.

    ``block``: how many numbers each generator is asked for at once, at least. A pool that knows what
    the whole run takes (the border's, a few a month) asks for that, and no more, at once."""

    def __init__(self, streams: list[np.random.Generator], block: int = BLOCK):
        self.streams = streams
        self.block = block
        self._buffer = self._spare = np.empty((len(streams), 0))  # the pool's buffer, and the other one
        self._pool = self._buffer
        self._used = 0

    def take(self, count: int) -> np.ndarray:
        """The next ``count`` numbers of every replicate, ``[replicate, count]`` (a view into the
        pool: the caller may change it in place; those numbers are never handed out again)."""
        if self._used + count > self._pool.shape[1]:
            self._refill(count)
        draws = self._pool[:, self._used:self._used + count]
        self._used += count
        return draws

    def _refill(self, count: int) -> None:
        """Keep the numbers not yet handed out and ask each generator for a new block after them.

        The block is written into a second buffer, kept from the refill before last and reused
        (a fresh one costs more to fill than the numbers cost to draw, several times over in a batch
        of a thousand); numbers handed out from it then were used in their own month, long before."""
        left = self._pool[:, self._used:]
        width = left.shape[1] + max(count, self.block)
        if self._spare.shape[1] < width:
            self._spare = np.empty((len(self.streams), width + self.block))
        buffer, self._spare = self._spare, self._buffer
        pool = buffer[:, :width]
        pool[:, :left.shape[1]] = left
        for row, stream in zip(pool[:, left.shape[1]:], self.streams):
            stream.random(out=row)
        self._buffer, self._pool, self._used = buffer, pool, 0
