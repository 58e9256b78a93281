"""A fitted quantity: a model constant or a rule's weight, with the range searched."""

from __future__ import annotations

from dataclasses import dataclass

from sim.scenario.schema import Parameters


@dataclass(frozen=True)
class Free:
    """A fitted quantity: a model constant (``Parameters`` field) or a rule's weight (rule id)."""

    name: str
    low: float
    high: float
    why: str

    @property
    def is_rule(self) -> bool:
        return self.name[0] == "R" and self.name[1:].isdigit()

    @property
    def default(self) -> float:
        return 1.0 if self.is_rule else float(Parameters.model_fields[self.name].default)
