"""Levers: the dependencies through which a holder influences Tajikistan, and how to switch each off.

A lever is a name, the actor (or actors) holding it, one line saying what it is, and the
counterfactual changes that switch it off from a month on, written in the experiment files'
change vocabulary (:mod:`sim.experiments.schema`): a rule switched off ``from`` the month, the
flows and actions of a type between two actors forbidden ``from`` it, a driver held or set over
the rest of the run, a parameter set from it. The change templates leave out their months;
:meth:`Lever.switched_off` fills them in (``from`` the month, and for a driver, ``to`` the end
of the run), so that one lever can be switched off from any month.

:data:`LEVERS` is the registry ``tajsim attribute --levers`` chooses from. The machinery
(:mod:`sim.experiments.attribution`) knows nothing of what is in it: replace or extend its
entries as the model's levers change, nothing else needs to. The levers are those of
``sim/core/levers.py`` and the rules that use them (``sim/core/rules/levers.py``):

* ``migration`` (Russia, Kazakhstan): Tajik labour migrants and their remittances: no more
  migrants go (``migration_max`` 0, so those abroad come home at the migration rate), and the
  rules that ride on them are off (R27, the remittance tie; R65, Russia's migrant squeeze);
* ``russian_security`` (Russia): the 201st division's backing of the government (R23), the
  defence of the Afghan border (R24), Russia's bids to keep Tajikistan close (R75), its withholding of
  the base's support while Tajikistan holds out for rent (R82), and every
  Russian military flow or action towards Tajikistan forbidden (so no other rule gives it instead);
* ``uzbek_pressure`` (Uzbekistan): Uzbekistan's squeeze on energy and transit: its gas and rail
  cut-offs over the Rogun dam (R69), its border closure (R29 off) and every Uzbek pressure flow or
  action on Tajikistan forbidden, which is how its share of the fuel cut-offs (R33, a rule
  Kazakhstan and Turkmenistan follow too) goes while theirs stays;
* ``chinese_finance`` (China): loans and investment (R42), lending that becomes debt (R71) and
  concessions against the debt (R72) off;
* ``us_access`` (United States): peace talks, aid and steering to the IMF and the banks (R44),
  paying for access while at war next door (R73) off, and every US military flow forbidden;
* ``security_organisations`` (CSTO, SCO): the security organisations' backing of a member
  against threats from Afghanistan (R50 off).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from sim.experiments.executors import ExperimentError
from sim.experiments.schema import Change

#: The kinds of change a lever may use: those that take effect from a month.
MONTHLY_KINDS = ("forbid", "force", "rule", "driver", "parameter")
#: What a lever's name may be: it is a row of attribution.csv and a word on the command line.
LEVER_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
#: The row of attribution.csv that holds the total, so no lever may be called it.
TOTAL = "total"


class LeverError(ExperimentError):
    """A lever asked for that is not registered, or a list of levers that cannot be used; one line."""


@dataclass(frozen=True)
class Lever:
    """A dependency a holder can use on Tajikistan, and the changes that switch it off from a month.

    ``changes`` are experiment changes (:class:`~sim.experiments.schema.Change`, as mappings)
    without their months; each must be of a kind in :data:`MONTHLY_KINDS`.
    """

    name: str
    holder: str
    description: str
    changes: tuple[dict[str, Any], ...]

    def __post_init__(self) -> None:
        if not LEVER_NAME.match(self.name) or self.name == TOTAL:
            raise ValueError(f"lever name {self.name!r}: lower-case letters, digits and _, and not {TOTAL!r}")
        if not self.changes:
            raise ValueError(f"lever {self.name}: needs at least one change")
        for change in self.changes:
            if len(change) != 1 or next(iter(change)) not in MONTHLY_KINDS:
                raise ValueError(f"lever {self.name}: each change is one of {', '.join(MONTHLY_KINDS)}, got {change}")
        self.switched_off("2000-01", "2000-12")  # a template that cannot become a change fails here, at import

    def switched_off(self, start: str, end: str) -> list[Change]:
        """The lever's changes, switching it off from month ``start`` to the run's last month ``end``."""
        changes = []
        for template in self.changes:
            kind, body = next(iter(template.items()))
            body = {**body, "from": start}
            if kind == "driver":
                body.setdefault("to", end)
            try:
                changes.append(Change.model_validate({kind: body}))
            except ValidationError as exc:
                error = exc.errors()[0]
                where = ".".join(str(part) for part in error["loc"])
                raise ValueError(f"lever {self.name}: {where}: {error['msg']}") from None
        return changes


def registry(levers: Iterable[Lever]) -> dict[str, Lever]:
    """Levers by name, in the order given; a name given twice is an error."""
    found: dict[str, Lever] = {}
    for lever in levers:
        if lever.name in found:
            raise ValueError(f"lever {lever.name} is registered twice")
        found[lever.name] = lever
    return found


def _off(rule_id: str) -> dict[str, Any]:
    return {"rule": {"id": rule_id, "enabled": False}}


def _forbid(actor: str, type_: str, target: str = "TJK") -> dict[str, Any]:
    return {"forbid": {"actor": actor, "target": target, "type": type_}}


LEVERS: dict[str, Lever] = registry([
    Lever("migration", "RUS, KAZ", "Labour migration: Tajik migrants abroad and their remittances, and the rules "
          "that ride on them (R27, R65)", (_off("R27"), _off("R65"), {"parameter": {"name": "migration_max", "value": 0.0}})),
    Lever("russian_security", "RUS", "Russian security provision: the 201st division's backing (R23), the Afghan "
          "border's defence (R24), Russia's bids to keep Tajikistan close (R75), its withholding of the base's support "
          "(R82) and every Russian military flow",
          (_off("R23"), _off("R24"), _off("R75"), _off("R82"), _forbid("RUS", "military"))),
    Lever("uzbek_pressure", "UZB", "Uzbekistan's squeeze on energy and transit: gas and rail cut-offs over Rogun "
          "(R69), border closure (R29), its fuel cut-offs (R33) and every other Uzbek pressure on Tajikistan",
          (_off("R69"), _off("R29"), _forbid("UZB", "pressure"))),
    Lever("chinese_finance", "CHN", "Chinese loans, investment and the debt they leave (R42, R71, R72)",
          (_off("R42"), _off("R71"), _off("R72"))),
    Lever("us_access", "USA", "US engagement: peace talks, aid, the financial institutions (R44), paying for access "
          "while at war next door (R73) and every US military flow", (_off("R44"), _off("R73"), _forbid("USA", "military"))),
    Lever("security_organisations", "CSTO, SCO", "The CSTO's and SCO's backing of a member against threats from "
          "Afghanistan (R50)", (_off("R50"),)),
])


def choose(text: str, known: dict[str, Lever] | None = None) -> list[Lever]:
    """The levers ``--levers`` names: ``all`` (every registered lever, in the registry's order) or
    a comma-separated list, in the order given; an unknown or repeated name is a :class:`LeverError`."""
    known = LEVERS if known is None else known
    if text.strip() == "all":
        return list(known.values())
    names = [name.strip() for name in text.split(",")]
    listing = ", ".join(known)
    for name in names:
        if not name:
            raise LeverError(f"--levers: an empty name in {text!r} (known: {listing}, or all)")
        if name not in known:
            raise LeverError(f"--levers: unknown lever {name!r} (known: {listing}, or all)")
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise LeverError(f"--levers: {', '.join(repeated)} named twice")
    return [known[name] for name in names]
