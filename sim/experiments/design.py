"""The design part of an experiment file: factors and a sweep or sensitivity design.

Grids and Latin hypercubes give a table of each point's outcomes and rank correlations; Sobol
and Morris designs are sampled and analysed with SALib (:mod:`sim.experiments.summarise`).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from sim.experiments.fields import ActorAttribute, Name, ParameterName, RuleId, _exactly_one
from sim.scenario.schema import (
    ActorCode,
    Strict,
)

# --- designs: sweeps and global sensitivity ---------------------------------------------------


class Factor(Strict):
    """One dimension of a design: a parameter, a rule's weight or an actor attribute."""

    name: Name | None = Field(None, description="column name (default: parameter.X, rule.RNN or CODE.attribute)")
    parameter: ParameterName | None = None
    periods: list[str] | None = Field(None, description="for a parameter: period ids or file names (default: all)")
    rule: RuleId | None = Field(None, description="the factor is this rule's weight")
    actor: ActorCode | None = None
    attribute: ActorAttribute | None = None
    low: float | None = None
    high: float | None = None
    values: list[float] | None = Field(None, min_length=1, description="grid levels")

    @model_validator(mode="after")
    def _consistent(self) -> Factor:
        _exactly_one(self, ("parameter", "rule", "actor"), "a factor")
        if (self.actor is None) != (self.attribute is None):
            raise ValueError("an actor factor names both actor and attribute")
        if self.periods is not None and self.parameter is None:
            raise ValueError("periods apply to a parameter factor only")
        if self.values is None:
            if self.low is None or self.high is None:
                raise ValueError("a factor needs low and high (or values, for a grid)")
            if not self.low < self.high:
                raise ValueError(f"low {self.low} is not below high {self.high}")
        elif self.low is not None or self.high is not None:
            raise ValueError("a factor takes values (grid) or low and high, not both")
        return self

    @property
    def label(self) -> str:
        if self.name:
            return self.name
        if self.parameter:
            return f"parameter.{self.parameter}"
        if self.rule:
            return f"rule.{self.rule}"
        return f"{self.actor}.{self.attribute}"


class Design(Strict):
    """Design points, each run as an arm: a grid, a Latin hypercube, or a Sobol or Morris sample.

    ``points`` is the number of points for ``lhs``, the base sample size N for ``sobol``
    (a power of two; N x (D + 2) points, N x (2D + 2) with ``second_order``), and the number
    of trajectories for ``morris`` (r x (D + 1) points). A grid runs every combination of
    its factors' ``values``.
    """

    kind: Literal["grid", "lhs", "sobol", "morris"]
    factors: list[Factor] = Field(min_length=1)
    points: Annotated[int, Field(ge=1, le=1_000_000)] | None = None
    levels: Annotated[int, Field(ge=2, le=100)] = Field(4, description="Morris grid levels")
    second_order: bool = Field(False, description="Sobol second-order indices")
    seed: Annotated[int, Field(ge=0)] | None = Field(None, description="sampling seed (default: the experiment's)")

    @model_validator(mode="after")
    def _consistent(self) -> Design:
        labels = [factor.label for factor in self.factors]
        if len(set(labels)) != len(labels):
            raise ValueError(f"factor names repeat: {', '.join(sorted(labels))}")
        if self.kind == "grid":
            if self.points is not None:
                raise ValueError("a grid takes no points: it runs every combination of the factors' values")
            if any(factor.values is None for factor in self.factors):
                raise ValueError("every factor of a grid needs values")
            return self
        if any(factor.values is not None for factor in self.factors):
            raise ValueError(f"the factors of a {self.kind} design need low and high, not values")
        if self.points is None:
            raise ValueError(f"a {self.kind} design needs points")
        if self.kind == "sobol" and self.points & (self.points - 1):
            raise ValueError(f"points of a sobol design must be a power of two, got {self.points}")
        if self.kind == "morris" and self.levels % 2:
            raise ValueError(f"levels of a morris design must be even (SALib), got {self.levels}")
        if self.kind in ("sobol", "morris") and len(self.factors) < 2:
            raise ValueError(f"a {self.kind} design needs at least two factors")
        return self


