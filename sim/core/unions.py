"""What belonging to an economic union does to Tajikistan's levers: the terms on which the union's
member states take its migrants.

From January 2015 a migrant from outside the Eurasian Economic Union working in Russia pays for a
monthly work patent and passes exams and buys insurance to get one, while a member's workers do
not ("The state fee for a patent from January 01, 2015 is 4,000 rubles per month": Vorota Goroda,
``vorotagoroda2015``). So while Tajikistan stays out, each union member takes a share of its
migrants' wage there (``union_migrant_cost``): both what draws migrants and what they send home
are that much smaller. The share is a prior: the Moscow patent's fee against a Tajik migrant's
legal monthly earnings in Russia in 2017 ("The Tajiks (27,900 and 25,100 rubles), the Uzbeks
(29,000 and 27,200 rubles) and the Kyrgyz (29,300 and 27,200 rubles) live in Russia worst of
all": 24.kg on a Higher School of Economics study, ``kg24_2019``), 4,000 / 27,900 = 0.14; fees
are lower outside Moscow, and the exams, insurance and re-entry bans add. Its first form, a cut
of 0.3 in the migrants a member admits, was dropped after the test years showed it failing
(calibration/README.md): those years are no longer a clean hold-out for this cost.

Membership is state (the ``member`` tie: Tajikistan's by R04's decision or an experiment's, other
states' from the union's founding, ``members`` in ``actors.yaml``, or by a scheduled event),
never the date; the rules read it too (R80's reluctance, Russia's reading of the defection, R65).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sim.core.world import World
    from sim.scenario.schema import Parameters

#: The economic unions whose membership the levers read.
UNIONS = ("EAEU",)


def migrants_wage_kept(w: World, p: Parameters, codes: list[str], members_of: dict[str, np.ndarray]) -> np.ndarray | float:
    """What each host leaves Tajik migrants of their wage, ``[replicate, actor]`` (or 1): 1 -
    ``union_migrant_cost`` where the host belongs to a union Tajikistan is outside. ``members_of``
    says, per replicate, whether Tajikistan belongs to each union of :data:`UNIONS` present."""
    kept: np.ndarray | float = 1.0
    for union in UNIONS:
        if union in members_of and union in codes and w.present(union):
            outside = w.had_by_many(codes, union, "member") * ~members_of[union][:, None]
            kept = kept * (1.0 - p.union_migrant_cost * outside)
    return kept
