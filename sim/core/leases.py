"""Foreign bases' leases in Tajikistan: the formal term of a patron's base, and the bargain over it.

A patron whose forces are in Tajikistan wants their presence on a formal footing, and a formal lease
runs out. Russia's 201st division stayed after the civil war under a pact Dushanbe was slow to
implement, until "promises of big investment and debt relief by Moscow changed that" (Al Jazeera
2004, ``aljazeera2004``); that lease ran ten years ("The current 10-year lease on the base is due to
expire on January 1, 2014": Reuters, 14 September 2012, ``reuters2012base``), and its renewal was
bargained over from 2011 until a new lease was signed in October 2012.

The term is bargained: "the 30-year term was a compromise between the 10 years Tajikistan wanted
and the 49 years that Russia wanted" (EurasiaNet, 5 October 2012, ``eurasianet2012base``). Here the
term signed lies between the two asks, nearer Tajikistan's the more it leans to the holder's rivals
when the deal is made: its outside options are its bargaining power (a rival's forces on its soil
count as much as the war next door makes them worth to the rival, so that in 2004, with the
coalition at war next door, they alone got Tajikistan its ask, and in 2012, as the war wound down,
they did not); and nearer the holder's the more its standing squeezes can cost Tajikistan (``coercion``
in :mod:`sim.core.rules.bargaining`, which also says why the lean stands in for outside options). The
two asks are the source's; placing the term between them by the two sides' power is the project's
reading, a prior no series was fitted to.

The holder's side is in :mod:`sim.core.rules.levers`: R75 signs a first lease only when outbidding
a rival (as in 2004, with the US-led coalition at Dushanbe's airport), and renews a lease as it runs
out; a renewal eases the holder's migrant squeeze (in 2012 "Russia will admit more Tajik laborers":
Reuters, 5 October 2012, ``reuters2012lease``). Tajikistan's side is R81: as a lease falls due it may
hold out for rent ("Tajikistan will insist on payment of rent for deployment of Russian military base
in the country": Asia-Plus, 29 February 2012, ``asiaplus2012rent``). A hold-out lasts until a lease is
signed or Tajikistan gives way to the holder's squeeze; while it lasts, and as far as Tajikistan's
outside options go, the talks are slower, the term offered nearer Tajikistan's ask, and the holder
reads it as a defection (the project's priors: the source gives the demand, not its effects). Russia
may also answer it, once a hold-out, by stopping its funding of the base (R82: Russia "accused the
Tajik authorities of putting forward unacceptable conditions to prolong the facility's rent and
stopped funding it": Kyiv Post, reporting Kommersant, 12 July 2012, ``kyivpost2012base``), a squeeze
that fades as others do and ends with a lease signed. Giving way to Russia gives the hold-out up
until a lease is signed, as in July 2012, when Dushanbe "approved Russian terms" for a lease "on a
non-paying basis" within weeks of the funding's stop (Asia-Plus, 17 July 2012, ``asiaplus2012terms``),
and the lease itself was signed in October. There
is no rent here: what Tajikistan holds out for is modelled only by what holding out does. A lease
that runs out with no hold-out is no defection of Tajikistan's: the two sides renew it together.
"""

from __future__ import annotations

import numpy as np

#: The holder's ask and the host's, in years (Russia's 49 and Tajikistan's 10 in 2012, ``eurasianet2012base``).
HOLDER_ASK, HOST_ASK = 49.0, 10.0
#: How many years before a lease runs out its renewal falls due. A prior from the one renewal on
#: record: "Talks to extend the lease beyond 2014 were held at the working-group level in August"
#: 2011 (RIA Novosti, 2 September 2011, ``ria2011base``), 2.4 years before the lease ran out.
NOTICE = 2.5


class Leases:
    """Each holder's lease of its base in Tajikistan, ``[replicate, actor]``: years left, whether one
    was ever signed, the term the holder offers this month, whether Tajikistan holds out for rent (or
    has given a hold-out up, until a lease is signed), and whether the holder has stopped its funding
    of the base in this hold-out."""

    def __init__(self, replicates: int, actors: int):
        self.left = np.zeros((replicates, actors))
        self.signed = np.zeros((replicates, actors), dtype=bool)
        self.offered = np.full((replicates, actors), HOST_ASK)
        self.holding_out = np.zeros((replicates, actors), dtype=bool)
        self.conceded = np.zeros((replicates, actors), dtype=bool)
        self.withholding = np.zeros((replicates, actors), dtype=bool)
        self.kept: dict | None = None  # readings kept while the stocks stand still (the levers' own, Levers.hold_still)

    def start(self, given: dict[str, float], codes: list[str]) -> None:
        """Each holder in ``given`` holds a lease with so many years left, in every replicate: where a
        run opens, or where a scheduled event signs one (``effects.lease``)."""
        for code, years in given.items():
            if code in codes:
                self.left[:, codes.index(code)] = years
                self.signed[:, codes.index(code)] = True
                self.settle(np.arange(len(self.left)), np.full(len(self.left), codes.index(code)))

    def offer(self, at: int, leverage: np.ndarray) -> None:
        """The holder at column ``at`` offers this month's term: its own ask, less the gap to the
        host's as far as the host's ``leverage`` (``[replicate]``, its bargaining power, 0..1) goes."""
        self.offered[:, at] = HOLDER_ASK - (HOLDER_ASK - HOST_ASK) * np.clip(leverage, 0.0, 1.0)

    def sign(self, reps: np.ndarray, holders: np.ndarray) -> None:
        """``holders`` and Tajikistan sign a lease in the replicates ``reps``, on the term offered;
        the bargain over it is settled."""
        self.left[reps, holders] = self.offered[reps, holders]
        self.signed[reps, holders] = True
        self.settle(reps, holders)

    def settle(self, reps: np.ndarray, holders: np.ndarray) -> None:
        """A lease is in force: no hold-out, no concession pending, no funding withheld."""
        self.holding_out[reps, holders] = self.conceded[reps, holders] = self.withholding[reps, holders] = False

    def hear(self, effect: str, reps: np.ndarray, actors: np.ndarray, targets: np.ndarray) -> None:
        """What an action does to the leases (:meth:`sim.core.levers.Levers.act`): a ``lease`` signs
        the acting holder's; a ``holdout`` is Tajikistan holding out for rent on the target's (R81); a
        ``concession`` to the target gives that hold-out up until a lease is signed (R66); a
        ``withhold`` by a holder held out against is its funding stopped in this hold-out (R82)."""
        if effect == "lease":
            self.sign(reps, actors)
        elif effect == "holdout":
            self.holding_out[reps, targets] = True
        elif effect == "concession":
            held = self.holding_out[reps, targets]
            self.conceded[reps[held], targets[held]] = True
            self.holding_out[reps, targets] = False
        elif effect == "withhold":
            self.withholding[reps, actors] |= self.holding_out[reps, actors]

    def step(self) -> None:
        """A month of every lease runs."""
        self.left -= 1.0 / 12.0
        np.maximum(self.left, 0.0, out=self.left)

    def running_out(self) -> np.ndarray:
        """How near each signed lease is to running out, ``[replicate, actor]``: 0 with more than
        :data:`NOTICE` years left (or none ever signed), rising to 1 when it has run out."""
        if self.kept is None:
            return self.signed * np.maximum(1.0 - self.left / NOTICE, 0.0)
        found = self.kept.get("running out")
        if found is None:
            found = self.kept["running out"] = self.signed * np.maximum(1.0 - self.left / NOTICE, 0.0)
            found.flags.writeable = False
        return found

    def unsettled(self) -> np.ndarray:
        """How far each holder's base lacks a settled lease, ``[replicate, actor]``: 1 where none was
        ever signed, else how near the lease is to running out."""
        return np.where(self.signed, self.running_out(), 1.0)
