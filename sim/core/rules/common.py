"""Groups of actors and small helpers the rules share."""

from __future__ import annotations

import numpy as np

from sim.months import parse_month

FORMER_SOVIET = ("RUS", "UZB", "KGZ", "KAZ", "TKM")
CENTRAL_ASIA = ("UZB", "KGZ", "KAZ", "TKM")
#: Recognition of the republics followed the Soviet Union's end in December 1991.
SOVIET_COLLAPSE = parse_month("1991-12")


def pos(x):
    """The positive part: what is below zero counts as nothing."""
    return np.maximum(x, 0.0)
