"""Tajikistan's reputation for giving way: what its holders have learned from its answers to their
squeezes.

Each concession moves it towards a sure yielder, each public defiance towards a sure resister, and
what was learned fades over the years; every holder reads the same reputation, whoever the answers
were given to, and squeezes the more readily the more Tajikistan has given way ("We find that past
action is closely connected to subsequent dispute initiation and that the effects of reputation
generalize beyond the immediate circumstances of the past dispute": Weisiger and Yarhi-Milo 2015,
``weisiger2015``). The squeezes that read it are in :mod:`sim.core.rules.levers`, and so is
Tajikistan's side: a squeeze is answered at most once, and a concession is the less likely the more
the other holders that have squeezed it hold over it (``reputation_concern``, after Walter 2006).

Two readings are the project's, not the source's: that standing firm deters as backing down
invites (the source's evidence is on backing down, in militarised disputes), and that R68's public
rejection of a squeeze counts as standing firm. In the replay Tajikistan defies far more than it
gives way, so the deterrent half is nearly all of the effect.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sim.scenario.schema import Parameters

#: The answers the holders learn from, as lever effects of actions (:data:`sim.core.levers.EFFECTS`).
ANSWERS = ("concession", "defiance")
#: Tajikistan's reputation for giving way when nothing has been learned of its answers yet.
PRIOR = 0.5


class Reputation:
    """Tajikistan's reputation for giving way, ``[replicate]`` in [0, 1], the month's answers, and,
    ``[replicate, actor]``, which holders' squeezes wait for an answer and how recently each squeezed."""

    def __init__(self, replicates: int, actors: int):
        self.level = np.full(replicates, PRIOR)
        self.answered = np.zeros((len(ANSWERS), replicates))  # this month's concessions and defiances
        self.waiting = np.zeros((replicates, actors))     # 1 where a holder's last squeeze waits for an answer
        self.challenged = np.zeros((replicates, actors))  # how recently each holder squeezed: 1 at once, fading

    def squeezed(self, reps: np.ndarray, holders: np.ndarray) -> None:
        """``holders`` squeezed Tajikistan in the replicates ``reps``: each squeeze waits for an
        answer (one that comes before the last was answered merges with it)."""
        self.waiting[reps, holders] = 1.0
        self.challenged[reps, holders] = 1.0

    def hear(self, answer: str, reps: np.ndarray, holders: np.ndarray) -> None:
        """Tajikistan gave one of :data:`ANSWERS` to ``holders`` in the replicates ``reps``. Only an
        answer to a squeeze that waits for one is learned from, so a squeeze is answered at most
        once: a second answer in the same month (a month's concessions come before its defiances),
        or one forced where no squeeze waits, teaches nothing."""
        waiting = self.waiting[reps, holders] > 0
        np.add.at(self.answered[ANSWERS.index(answer)], reps[waiting], 1.0)
        self.waiting[reps, holders] = 0.0

    def learn(self, p: Parameters) -> None:
        """The holders learn from the month's answers: each concession closes ``reputation_step``
        of the distance to a sure yielder, each public defiance the same share of the distance to a
        sure resister (a month's concessions are learned before its defiances); what was learned
        fades back to :data:`PRIOR` with an e-folding time of ``reputation_memory`` years (a
        half-life of about 0.7 of it: reputations are made by recent answers, and each counts less
        as it recedes). Tajikistan's memory of who squeezed it fades at the same pace."""
        months = 12.0 * p.reputation_memory
        self.level += (PRIOR - self.level) / months
        self.challenged *= 1.0 - 1.0 / months
        kept = 1.0 - p.reputation_step
        conceded, defied = self.answered
        self.level = 1.0 - (1.0 - self.level) * kept ** conceded
        self.level *= kept ** defied
        self.answered[:] = 0.0
