"""Foreign bases' leases in Tajikistan: the formal term of a patron's base, and the bargain over it.

A patron whose forces are in Tajikistan wants their presence put on a formal footing, and a formal
lease runs out. Russia's 201st division stayed after the civil war under a pact Dushanbe was slow to
implement, until "promises of big investment and debt relief by Moscow changed that" (Al Jazeera
2004, ``aljazeera2004``). That lease ran ten years ("The current 10-year lease on the base is due to
expire on January 1, 2014": Reuters, 14 September 2012, ``reuters2012base``), and as it ran out the
delay brought "recriminations over a delayed deal" (the same report) until a new one was signed.

The term is bargained: "Moscow planned to extend the lease of the base for 49 years, but Dushanbe
proposed to cut the extension to 10 years" (US-Russia.org, 5 October 2012, ``usrussia2012base``);
the agreement signed that week ran thirty years. Here the term signed lies between the two asks,
nearer Dushanbe's the more it leans to the holder's rivals when the deal is made: its outside
options are its bargaining power. The two asks are the sources'; placing the term between them by
the outside options is the project's reading, a prior no series was fitted to.

The holder's side is in :mod:`sim.core.rules.levers`: R75 offers and signs the deal while the base is
unsettled (no lease yet, or one running out), and a lease running out counts among Tajikistan's
defections, which R65's migrant squeeze answers.
"""

from __future__ import annotations

import numpy as np

#: The holder's ask and the host's, in years (Moscow's 49 and Dushanbe's 10 in 2012, ``ria2012base``).
HOLDER_ASK, HOST_ASK = 49.0, 10.0
#: How many years before a lease runs out its holder starts to press for a new one. A prior: in 2012
#: "Talks on the extension of the lease, which expires in 2014, came into a deadlock earlier this year"
#: (``usrussia2012base``); when the talks began the sources do not say.
NOTICE = 5.0


class Leases:
    """Each holder's lease of its base in Tajikistan, ``[replicate, actor]``: years left, whether one
    was ever signed, and the term the holder offers this month."""

    def __init__(self, replicates: int, actors: int):
        self.left = np.zeros((replicates, actors))
        self.signed = np.zeros((replicates, actors), dtype=bool)
        self.offered = np.full((replicates, actors), HOST_ASK)

    def start(self, given: dict[str, float], codes: list[str]) -> None:
        """Each holder in ``given`` holds a lease with so many years left, in every replicate: where a
        run opens, or where a scheduled event signs one (``effects.lease``)."""
        for code, years in given.items():
            if code in codes:
                self.left[:, codes.index(code)] = years
                self.signed[:, codes.index(code)] = True

    def offer(self, at: int, leverage: np.ndarray) -> None:
        """The holder at column ``at`` offers this month's term: its own ask, less the gap to the
        host's as far as the host's ``leverage`` (``[replicate]``, its outside options, 0..1) goes."""
        self.offered[:, at] = HOLDER_ASK - (HOLDER_ASK - HOST_ASK) * np.clip(leverage, 0.0, 1.0)

    def sign(self, reps: np.ndarray, holders: np.ndarray) -> None:
        """``holders`` and Tajikistan sign a lease in the replicates ``reps``, on the term offered."""
        self.left[reps, holders] = self.offered[reps, holders]
        self.signed[reps, holders] = True

    def step(self) -> None:
        """A month of every lease runs."""
        self.left -= 1.0 / 12.0
        np.maximum(self.left, 0.0, out=self.left)

    def running_out(self) -> np.ndarray:
        """How near each signed lease is to running out, ``[replicate, actor]``: 0 with more than
        :data:`NOTICE` years left (or none ever signed), rising to 1 when it has run out."""
        return self.signed * np.maximum(1.0 - self.left / NOTICE, 0.0)

    def unsettled(self) -> np.ndarray:
        """How far each holder's base lacks a settled lease, ``[replicate, actor]``: 1 where none was
        ever signed, else how near the lease is to running out."""
        return np.where(self.signed, self.running_out(), 1.0)
