"""What belonging to an economic union does to Tajikistan's levers: its migrants' rights in the
union's member states, and the union's common external tariff on goods from beyond.

From its founding (2015) the Eurasian Economic Union admits its members' workers on the same terms
as its own and non-members' on harder ones ("Union membership may however ease bureaucratic
troubles for up to a million Kyrgyz migrants living and working in Russia": AFP 2015,
``afp2015eeu``); a member applies the union's common external tariff to goods from outside the
former Union's free-trade area ("Eurasian Union tariffs on imports are significantly higher than
WTO tariffs", the same). Both read membership as state (the ``member`` tie: R04's decision, or an
experiment's), never the date; the rules read it too (R80's reluctance, Russia's defection).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sim.core.world import World
    from sim.scenario.schema import Parameters

#: The economic unions whose membership the levers read.
UNIONS = ("EAEU",)


def barred_migrants(w: World, p: Parameters, codes: list[str], members_of: dict[str, np.ndarray]) -> np.ndarray | float:
    """The share of each host's pull its rules bar to Tajik migrants, ``[replicate, actor]`` (or 0):
    ``migration_union_barrier`` where the host belongs to a union Tajikistan is outside.
    ``members_of`` says, per replicate, whether Tajikistan belongs to each union of
    :data:`UNIONS` present."""
    barred: np.ndarray | float = 0.0
    for union in UNIONS:
        if union in members_of and union in codes and w.present(union):
            barred = barred + p.migration_union_barrier * w.had_by_many(codes, union, "member") * ~members_of[union][:, None]
    return barred


def tariff_kept(p: Parameters, members_of: dict[str, np.ndarray], replicates: int) -> np.ndarray:
    """What a union's common external tariff leaves of Tajikistan's trade with partners beyond the
    former Union's free-trade area, ``[replicate, 1]``: 1 - ``union_tariff`` (a prior, 0.2) while
    it belongs to a union, else 1."""
    walled = np.logical_or.reduce([members_of[union] for union in UNIONS if union in members_of] + [np.zeros(replicates, bool)])
    return 1.0 - p.union_tariff * walled[:, None]
