"""Counterfactual interventions: forbid or force what one actor does to another, from a month on.

A forbidden discrete action gets probability 0 and a forbidden flow (aid, military support,
pressure) is cut; a forced action is certain each month it is on offer, and a forced flow gets
a fixed amount a month. Scenarios and experiments declare them (``Intervention`` in
:mod:`sim.scenario.schema`); the model applies them here, after the rules have decided.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from sim.core.world import Flow, World


class Intervention(NamedTuple):
    mode: str  # "forbid" or "force"
    actor: int
    target: int
    type: str
    start: int
    end: int
    amount: float
    rule: str | None = None  # only this rule's actions and flows; None: every rule's


class Interventions:
    """The run's interventions, applied month by month."""

    def __init__(self, items: list[Intervention]):
        self.items = items

    def __bool__(self) -> bool:
        return bool(self.items)

    def active(self, month: int):
        for item in self.items:
            if item.start <= month <= item.end:
                yield item

    def on_actions(self, month: int, keys: tuple, prob: np.ndarray) -> None:
        """Forbidden discrete actions cannot happen, forced ones must (``prob`` is ``[replicate, action]``)."""
        for item in self.active(month):
            for column, (rule, actor, target, kind, _) in enumerate(keys):
                if kind == item.type and (actor, target) == (item.actor, item.target) and item.rule in (None, rule):
                    prob[:, column] = 0.0 if item.mode == "forbid" else 1.0

    def on_flows(self, month: int, w: World) -> None:
        """Cut a forbidden flow, add to a forced one."""
        for item in self.active(month):
            if item.type not in ("aid", "military", "pressure"):
                continue
            i, j = item.actor, item.target
            given = w.pressure_given if item.type == "pressure" else w.aid_given
            w.written[1 if item.type == "pressure" else 0, i, j] = True
            if item.mode == "forbid":
                kept = []
                for flow in w.flows:
                    if (flow.type, flow.actor, flow.target) == (item.type, i, j) and item.rule in (None, flow.rule):
                        given[:, i, j] -= flow.amount
                    else:
                        kept.append(flow)
                w.flows = kept
                kind = "pressure" if item.type == "pressure" else "aid"
                if any((flow.kind, flow.actor, flow.target) == (kind, i, j) and np.any(flow.amount) for flow in kept):
                    np.maximum(given[:, i, j], 0.0, out=given[:, i, j])
                else:  # nothing of this kind is left: none at all, not what subtracting leaves after rounding
                    given[:, i, j] = 0.0
            else:
                given[:, i, j] += item.amount
                w.flows.append(Flow("pressure" if item.type == "pressure" else "aid", item.type, "intervention", i, j,
                                    np.full(w.R, item.amount), None))
