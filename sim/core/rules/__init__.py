"""The rulebook: every behavioural rule of the model, each with the words it is drawn from.

A rule is a small function ``(world, me, weight)`` run by an agent in the decide phase. It
reads the current state and records intentions on the world (alignment pulls, aid, pressure,
support, discrete actions with a probability); it never changes the state itself. ``me`` is
the agent the rule is run for, so a rule acts through it (``me.code``, ``me.spec``) and can be
reused by another actor. ``weight`` is the rule's strength (1 by default); scenarios and
counterfactuals switch rules off or re-weight them by id. Each rule cites a verbatim quote
from one of the two seed texts:

* ``seed:000``: Library of Congress country study of Tajikistan, "Foreign Relations";
* ``seed:002``: Kluczewska, "Transformation of Tajikistan's foreign policy towards Russia".

The rules are grouped by the actor who follows them, one module each; importing this package
registers them all in :data:`RULES`, in a fixed order (the order agents run their rules in,
which fixes which random draw each proposal gets). Probabilities are monthly hazards; amounts
are in the units described in :mod:`sim.core.world`. ``tajsim rules`` lists the rulebook;
``docs/ODD.md`` prints it in full.
"""

import importlib

from sim.core.rulebook import RULES

#: The rule modules, in the order their rules are registered: the order each agent runs its
#: rules in, which fixes which random draw each proposal gets (so it is part of a run's identity).
MODULES = ("tajikistan", "russia", "uzbekistan", "neighbours", "iran_afghanistan", "china", "west", "everyone", "conflict",
           "levers", "rivals")

for _name in MODULES:
    importlib.import_module(f"sim.core.rules.{_name}")

__all__ = ["MODULES", "RULES"]
