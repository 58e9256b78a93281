"""Groups of actors and small helpers the rules share."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sim.core.world import World

FORMER_SOVIET = ("RUS", "UZB", "KGZ", "KAZ", "TKM")
CENTRAL_ASIA = ("UZB", "KGZ", "KAZ", "TKM")
#: US troops in Afghanistan (thousands) at which the United States is two-thirds as engaged next
#: door as at the height of its war there: a few thousand already meant bases, overflight and money.
US_ENGAGED_TROOPS = 5.0


def pos(x):
    """The positive part: what is below zero counts as nothing."""
    return np.maximum(x, 0.0)


def us_at_war_next_door(w: World) -> float:
    """How far the United States is fighting in Afghanistan, 0..1, from its troops there: engaged from
    its first few thousand, and winding down as it withdraws from its war's height (its troops now
    over the most it has had there), so that the drawdown of 2012-15 ends the war next door as the
    withdrawal of 2021 does (ISAF's combat mission ended on 31 December 2014). The height is the run's
    driver before and since its start (``World.driver_peaks``); a dip such as 2008's (23.4 thousand
    after 25.2, read as it is, though the series' definitions change) winds it down a little too."""
    troops = w.drive("us_troops_afghanistan")
    height = max(w.driver_peaks.get("us_troops_afghanistan", troops), troops)
    share_of_height = troops / height if height > 0 else 0.0
    return (1.0 - float(np.exp(-troops / US_ENGAGED_TROOPS))) * share_of_height


def most_assertive(w: World, codes) -> float:
    """The assertiveness of the most assertive of ``codes`` present: a region cooperates only as far
    as its most assertive member lets it."""
    present = [code for code in codes if w.present(code)]
    return max((w.trait(code, "assertiveness") for code in present), default=0.0)


def pressing(w: World, code: str) -> float:
    """How hard ``code``'s leaders press their neighbours against the actors file's (the texts' leaders): 1 while
    those lead, less under a successor who presses less (``assertiveness``, a trait events change: Karimov's
    succession in 2016), more under one who presses more. A neighbour the file gives no assertiveness counts as 1."""
    text = w.spec(code).assertiveness
    return w.trait(code, "assertiveness") / text if text > 0 else 1.0


def hostile_kabul(w: World) -> np.ndarray:
    """How hostile Afghanistan's rulers are to Dushanbe, 0..1 per replicate: an assertive regime
    in Kabul (the Taliban's, set by the takeovers of 1996 and 2021) the more, the worse it regards
    Tajikistan."""
    if not w.present("AFG"):
        return np.zeros(w.R)
    assertive = pos(w.trait("AFG", "assertiveness") - 0.5) * 2.0
    return np.minimum(assertive * (0.5 + pos(-w.align("AFG", "TJK"))), 1.0)


def afghan_threat(w: World) -> np.ndarray:
    """The danger from Afghanistan to Tajikistan, and through it to the CIS, 0..1 per replicate: the fighting next
    door (``afghan_instability``, from battle deaths) and a regime in Kabul hostile to Dushanbe (:func:`hostile_kabul`),
    two channels of one threat, "penetration by Islamic extremism" (R24's source), which either can carry: the chance
    that neither does is the product of their complements, ``1 - (1 - fighting)(1 - hostility)``. The battle deaths
    alone read the Taliban's victory of 2021 as the danger passing (the deaths fell from about 36,000 in 2021 to 900 in
    2022), where Dushanbe saw it grow ("Tajik officials warn of growing threats emanating from its southern neighbor",
    R77's source, of October 2021, after the fighting had stopped). How hostile the takeovers' regimes are rests on the
    scheduled events' assertiveness (0.9, the project's coding, as for R76), and taking the larger of the two channels
    instead of their union would leave the threat about where the battle deaths put it (``README.md``, *The Afghan
    threat*, gives both sensitivities). Read by the rules about that danger (R24, R41, R50, R59, R60, R77) and by the
    regime's need for protectors and its security; the rules about the war at home (R05, R23), radicalism in
    Tajikistan (R30) and the fighting's own reach (R15, R53) read the battle deaths."""
    if w.threat is not None:  # the month's, while the agents decide (TajikistanModel.step)
        return w.threat
    return 1.0 - (1.0 - w.drive("afghan_instability")) * (1.0 - hostile_kabul(w))


def armed(w: World) -> np.ndarray:
    """How far an armed opposition exists outside the state (0 once its fighters are integrated)."""
    c = w.conflict
    return np.minimum(c.opposition / 0.2, 1.0) * (1.0 - c.integrated)


def in_exile(w: World) -> np.ndarray:
    """How far the opposition is based abroad: wholly until an accord brings its leaders and
    fighters home (the 1997 General Agreement's return of the opposition), not at all after."""
    return armed(w) * (1.0 - w.conflict.accord)
