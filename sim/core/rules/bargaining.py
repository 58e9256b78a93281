"""The bargain over Russia's base: what Russia reads as defection, and what Tajikistan can bargain with.

Two readings of the same relationship, kept apart because they ought to be different things:

* **Leaning to Russia's rivals** (:func:`leaning_to_rivals`) is how Russia sees Tajikistan drift:
  warmer to the United States or China than to Russia, a rival's forces on its soil. It is what
  Russia answers, by outbidding (R75) or squeezing (R65, through :func:`defection_from_russia`).
* **Outside options** (:func:`outside_options`) are meant to be what Tajikistan could turn to
  instead of Russia: its bargaining power over the base (R75's term, R81's hold-out). Today they are
  the same lean, clipped: a proxy, since a regard gap is no offer. Measuring them by what the rivals
  give (their share of Tajikistan's dependence, or of its aid) was tried and set aside: both shares
  are nearly flat over 1998-2023 (about 0.5-0.6), dominated by generic support terms and Russia's
  remittance tie (so a Russian recession would raise Tajikistan's bargaining power), and bounded at
  1 they lengthened the 2004 lease past its ten years and moved the 2011-12 hold-out to 2014-15.
  What the rivals offered did matter in 2012: Dushanbe's "latest move to toughen its position in
  renewing the lease of the 201st Russian army base is connected with the activities, which the
  United States and China have been conducting in the former Soviet republic recently" (a US
  delivery of military hardware under negotiation, a Chinese loan of about two billion dollars:
  Pravda.ru, reporting Kommersant, July 2012, ``pravda2012base``). A measure of the offers
  themselves (the rivals' aid and loans, not the model's generic support) is the next step.

The holder's squeezes count against the outside options in the bargain (:func:`coercion`). The
rules themselves are in :mod:`sim.core.rules.levers`; the lease in :mod:`sim.core.leases`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.core.rules.common import pos, us_at_war_next_door

if TYPE_CHECKING:
    from sim.core.world import World

#: What Tajikistan's hold-out for rent on Russia's base lease (R81) weighs, with its outside options at
#: their full, on each side of the bargain: in how far Russia reads it as a defection that R65's migrant
#: squeeze may answer (as much as staying out of its union: the project's equivalence; "If Tajik
#: officials push the issue too much, they risk retaliation [...] The other risk for the countries is
#: forced return by Russia of tens of thousands labor immigrant", an expert's expectation at the time:
#: Pannier in Trend, 1 March 2012, ``trend2012pannier``), and in how much nearer Tajikistan's ask the
#: term Russia offers comes (its demands included "cutting the rent period from 49 to 10 years": The
#: Moscow Times, 11 July 2012, ``moscowtimes2012rent``). A prior, not a fit.
HOLDOUT_WEIGHT = 0.5

#: Russia's rivals for Tajikistan, and how far it minds each (Cooley 2012: basing rights for the
#: United States, resources for China, influence for Russia).
RUSSIAS_RIVALS = {"USA": 1.0, "CHN": 0.4}


def leaning_to_rivals(w: World) -> np.ndarray:
    """How far Tajikistan leans to Russia's rivals, ``[replicate]``: warmer to them than to Russia, a
    rival's forces on its soil (worth as much as the war next door makes them to the rival). What
    Russia outbids (R75); staying out of its union is not. R65 and R75 read it in a month; it is
    computed once."""
    def compute() -> np.ndarray:
        t, rus = w.tjk, w.i("RUS")
        regard_rus = w.alignment[:, t, rus]
        tilt = sum(weight * pos(w.alignment[:, t, w.i(code)] - regard_rus + 0.3)
                   for code, weight in RUSSIAS_RIVALS.items() if w.present(code))
        return np.minimum(tilt + hosting_a_rival(w), 1.5)

    return w.levers.reading("leaning to Russia's rivals", compute)


def hosting_a_rival(w: World) -> np.ndarray | float:
    """Whether a rival's forces are on Tajikistan's soil, worth as much as the war next door makes them
    to the rival, ``[replicate]`` in [0, 1]: the US-led coalition's use of its airfields (R74) while
    the United States fights in Afghanistan."""
    return w.has("TJK", "USA", "base") * us_at_war_next_door(w) if w.present("USA") else 0.0


def lease_running_out(w: World) -> np.ndarray:
    """How near the lease of Russia's base is to running out, ``[replicate]`` in [0, 1]
    (:mod:`sim.core.leases`): Russia's base is still there and its lease is due for renewal."""
    rus = w.i("RUS")
    return w.levers.leases.running_out()[:, rus] * w.has("RUS", "TJK", "base")


def outside_options(w: World) -> np.ndarray:
    """Tajikistan's outside options in the bargain over Russia's base, ``[replicate]`` in [0, 1]: its
    lean to Russia's rivals (:func:`leaning_to_rivals`), clipped. A proxy: a regard gap is not an
    offer, so a Tajikistan that merely cools on Russia reads as having more options (the project's
    open question; measuring them by what the rivals give was tried and set aside, as the module's
    docstring says). R81's hold-out and the hold-out's weight read it; R75's term reads the lean
    unclipped, so that a lean above 1 (the coalition at war next door and a warmer regard) outweighs
    Russia's squeezes."""
    return np.clip(leaning_to_rivals(w), 0.0, 1.0)


def holding_out(w: World) -> np.ndarray:
    """How much Tajikistan's hold-out for rent on Russia's base lease weighs, ``[replicate]`` in
    [0, 1] (R81): as much as the outside options behind it (:func:`outside_options`); with none left
    a hold-out not withdrawn does nothing."""
    return w.levers.leases.holding_out[:, w.i("RUS")] * outside_options(w)


def coercion(w: World, holder: str) -> np.ndarray:
    """What the holder's standing squeezes can cost Tajikistan, ``[replicate]``: each squeeze times
    Tajikistan's vulnerability in that lever. In a bargain it counts against Tajikistan's outside options:
    "it is the threat of damage, or of more damage to come, that can make someone yield or comply"
    (Schelling 1966, ``schelling1966``), as far as it cannot turn elsewhere (Keohane and Nye). R75 reads it."""
    at = w.i(holder)
    return sum((squeeze[:, at] * w.levers.vulnerability(lever)[:, at] for lever, squeeze in w.levers.squeeze.items()
                if squeeze[:, at].any()), np.zeros(w.R))


def defection_from_russia(w: World) -> np.ndarray:
    """How far Tajikistan has moved against Russia's interests, ``[replicate]``: leaning to its
    rivals (:func:`leaning_to_rivals`), outside an economic union Russia leads, or holding out for
    rent on Russia's base (R81, weighed by :func:`holding_out`). A lease running out is no defection
    by itself: the two sides renew it together (R75); holding the renewal up is."""
    leaning = leaning_to_rivals(w)
    outside_union = (~w.has("TJK", "EAEU", "member")) * 0.5 if w.present("EAEU") else 0.0
    return np.minimum(leaning + outside_union + HOLDOUT_WEIGHT * holding_out(w), 1.5)
