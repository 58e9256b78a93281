"""How outside military support protects Tajikistan's regime, and what a patron's support is worth
that no other state's would replace.

Support is each patron's forces based in Tajikistan (a garrison, weighed by its size) and its decaying stock
of military aid. The regime's protection is ``1 - exp(-support)`` over all of it, so a patron's
support counts for less the more others give (:meth:`sim.core.dynamics.Dynamics.update_domestic`
reads it). A patron squeezing its security lever holds back that share of its military aid, its
funding, not its garrison: in 2012 Russia's Ministry of Defense "had stopped funding the development of
the base" pending the talks on its lease (Eurasia Daily Monitor, July 2012, ``edm2012base``), while its
troops stayed (R82).
"""

from __future__ import annotations

import numpy as np


def protected(military_stock: np.ndarray, stationed: np.ndarray, garrison: float, squeeze: np.ndarray) -> np.ndarray:
    """The regime's protection, ``[replicate]`` in [0, 1): every patron's support (``military_stock``
    and ``stationed``, ``[replicate, actor]``), less the military aid a ``squeeze`` of the security
    lever holds back."""
    withheld = (military_stock * squeeze).sum(axis=1)
    return 1.0 - np.exp(-(military_stock.sum(axis=1) + garrison * stationed.sum(axis=1) - withheld))


def irreplaceable(support: np.ndarray, states: np.ndarray) -> np.ndarray:
    """The protection each patron's ``support`` (``[replicate, actor]``) gives that the other states'
    would not, were it withdrawn for good, ``[replicate, actor]`` in [0, 1): Keohane and Nye's
    vulnerability counted in forces, not in shares (which sum to 1 whatever is there). Organisations
    (``states`` 0) replace no patron: the security organisations are led by Russia, or by Russia and China."""
    of_states = support * states
    others = of_states.sum(axis=1, keepdims=True) - of_states
    return np.exp(-others) * (1.0 - np.exp(-support))
