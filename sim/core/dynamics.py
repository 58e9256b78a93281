"""The apply phase: how a month's intentions become the next month's state.

After every agent has decided from the same state, the model applies what they intended, in
this order, each step changing one part of the state:

1. :meth:`Dynamics.fire_actions` - discrete actions happen where a replicate's own draw falls
   below their probability (interventions forbid or force some), with their effects on ties,
   alignment, aid, pressure and security;
2. :meth:`Dynamics.update_flows` - aid, pressure and support stocks decay and take this
   month's flows; an episode's onset is logged as an event (:mod:`sim.core.onsets`);
3. :meth:`Dynamics.update_conflicts` - the civil war and the border dispute move with this
   month's outside support to each side and the mediation that reached them
   (:mod:`sim.core.conflict`);
4. :meth:`Dynamics.relax_alignment` - alignment relaxes towards ``tanh(gain * pulls)``, with
   noise on the live dyads;
5. :meth:`Dynamics.update_dependence` - Tajikistan's dependence follows the shares of its
   outside support;
6. :meth:`Dynamics.update_domestic` - regime security and the economy move towards targets set
   by the war, the Afghan border, aid, remittances and pressure.
"""

from __future__ import annotations

import math
from itertools import chain
from typing import TYPE_CHECKING

import numpy as np

from sim.core import conflict, protection
from sim.core.arrays import FEW_REPLICATES, nonzero
from sim.core.eventlog import EventLog
from sim.core.given import Given
from sim.core.interventions import Interventions
from sim.core.levers import EFFECTS
from sim.core.onsets import Onsets
from sim.core.rules.common import afghan_threat
from sim.core.unions import UNIONS
from sim.core.world import GIVEN, World

if TYPE_CHECKING:
    from sim.scenario.schema import Parameters

#: A requests array made and kept from month to month, and where it was written (replicates, asked, askers); or none yet.
Fired = tuple[np.ndarray | None, tuple[np.ndarray, ...] | None]


class Dynamics:
    """The apply phase of one model, with the caches that make it cheap month after month."""

    def __init__(self, world: World, log: EventLog, interventions: Interventions, capability: np.ndarray):
        self.world, self.log, self.interventions = world, log, interventions
        self._tables: dict[tuple, dict[str, np.ndarray]] = {}
        self._last_table: tuple = ((), None)  # the keys last asked for and their table
        self.onsets = Onsets(world, log, capability)
        self.diagonal = np.arange(world.N)
        self.inactive = np.zeros(0, dtype=np.intp)
        self.mediation_type, self.visit_type = log.type_ids["mediation"], log.type_ids["visit"]
        self.parties = np.array([world.idx[code] for code in ("TJK", "UTO") if code in world.idx], dtype=np.intp)
        self.to_gov = np.zeros(world.R)
        self.to_opp = np.zeros(world.R)
        self.military_stock = np.zeros((world.R, world.N))  # each patron's military support present, decaying
        #: The dyads whose alignment may lie outside [-1, 1], or be non-zero on the diagonal or for an absent actor,
        #: other than the live ones: those an action or a scheduled event changed since last month (all at first).
        self.touched = np.ones((world.N, world.N), dtype=bool)
        self._chances = np.empty((0, world.R))  # the month's chances of the actions proposed (fire_actions)
        self.nonzero = np.ones((world.N, world.N), dtype=bool)  # where alignment was not 0 after last month (all at first)
        self._fired: Fired = (None, None)  # requests arrays made here, with the entries written in them
        self._spare_requests: Fired = (None, None)

    def apply(self, month: int, p: Parameters, draws_for) -> None:
        """Apply this month's intentions; ``draws_for(count)`` gives ``[replicate, count]`` uniforms."""
        w = self.world
        w.given = None  # the actions change the stocks; update_flows keeps them again
        proposals = w.ordered_proposals()
        keys = tuple(chain.from_iterable(block for block, _ in proposals))
        rows, cols = w.live_pairs()
        count = len(keys)
        draws = draws_for(count + len(rows) + conflict.DRAWS)
        fired_requests = self._fresh_requests()
        w.conflict.mediation[:] = 0.0
        w.courtesy.fade()
        self.fire_actions(month, p, proposals, keys, draws[:, :count], fired_requests)
        self.update_flows(month, p)
        self.update_conflicts(month, p, draws[:, count + len(rows):])
        self.update_levers(p)
        self.relax_alignment(p, rows, cols, draws[:, count:count + len(rows)])
        self.update_dependence(p)
        self.update_domestic(p)
        retired, w.requests = w.requests, fired_requests
        self._spare_requests = self._fired if retired is self._fired[0] else (None, None)
        self._fired = (fired_requests, self._asked)

    def _fresh_requests(self) -> np.ndarray:
        """A zeroed array for this month's fired requests: the one retired last month (made here, so written only
        by :meth:`_apply_actions`), with the entries written in it zeroed again (only those: a few a month, where
        zeroing their dyads in every replicate would touch most of a large batch's array). In a large batch that is
        cheaper than a fresh array, whose pages are faulted in and freed again every month."""
        spare, written = self._spare_requests
        self._asked = (np.zeros(0, dtype=np.intp),) * 3  # the (replicate, asked, asker) entries written this month
        if spare is None or written is None:
            return np.zeros(self.world.requests.shape)
        spare[written] = 0.0
        return spare

    # --- 1. discrete actions -----------------------------------------------------------

    def fire_actions(self, month: int, p: Parameters, proposals: list, keys: tuple, draws: np.ndarray,
                     fired_requests: np.ndarray) -> None:
        count = len(keys)
        if not count:
            return
        w = self.world
        if self._chances.shape[0] < count:  # kept from month to month: a fresh one costs more to fill, in a large batch
            self._chances = np.empty((count + 64, w.R))
        rows_of = self._chances[:count]  # [action, replicate]: one row per action is cheap to fill
        row = 0
        for block, chance in proposals:
            if len(block) == 1:
                rows_of[row] = chance
            else:  # [replicate, action], [action] or a scalar
                chance = np.asarray(chance)
                rows_of[row:row + len(block)] = chance.T if chance.ndim == 2 else chance.reshape(-1, 1)
            row += len(block)
        # An action happens where its draw, in [0, 1), falls below its chance times the hazard: clipping that to
        # [0, 1] first, as the chance it is, would change no comparison, so it is not done.
        hazard = p.event_hazard
        if w.R > FEW_REPLICATES and not self.interventions and hazard > 0:
            # Only a draw below its action's highest chance (times the hazard: a product by a positive number keeps
            # the order) can fire. Those few are found with the draws as they lie, then compared one by one.
            top = np.fmax.reduce(rows_of, axis=1)  # fmax: a chance not a number fires nowhere, nor may it hide others
            top *= hazard
            reps, cols = nonzero(draws < top)
            keep = draws[reps, cols] < rows_of[cols, reps] * hazard
            reps, cols = reps[keep], cols[keep]
        else:
            prob = rows_of.T
            prob *= hazard
            if self.interventions:
                self.interventions.on_actions(month, keys, prob)
            reps, cols = nonzero(draws < prob)
        self._apply_actions(month, keys, reps, cols, fired_requests)

    def _action_table(self, keys: tuple) -> dict[str, np.ndarray]:
        """The actions of these keys as columns (cached: most months repeat them)."""
        if keys == self._last_table[0]:  # as last month's: comparing the same keys is cheaper than hashing them
            return self._last_table[1]
        table = self._tables.get(keys)
        if table is None:
            actions = [self.world.actions[key] for key in keys]
            table = {
                name: np.array([getattr(action, name) for action in actions])
                for name in ("actor", "target", "alignment", "aid", "pressure", "security", "symmetric_tie")
            }
            table["tie"] = np.array([action.tie for action in actions], dtype=np.int16)
            table["untie"] = np.array([action.untie for action in actions], dtype=np.int16)
            table["request"] = np.array([action.type == "request" for action in actions])
            table["type"] = np.array([self.log.type_ids[action.type] for action in actions], dtype=np.int32)
            table["lever"] = np.array([EFFECTS.index(a.lever) if a.lever in EFFECTS else -1 for a in actions], dtype=np.intp)
            table["lever_amount"] = np.array([action.lever_amount for action in actions], dtype=float)
            table["returns"] = np.array([action.returns for action in actions], dtype=bool)
            table["text"] = np.array([self.log.text(action.summary, action.rule) for action in actions], dtype=np.int32)
            for name in ("aid", "pressure", "tie", "untie"):  # which actions do any of it
                table[name + "_some"] = table[name] != 0
            self._tables[keys] = table
        self._last_table = (keys, table)
        return table

    def _apply_actions(self, month: int, keys: tuple, reps: np.ndarray, cols: np.ndarray, fired_requests: np.ndarray) -> None:
        """Carry out the actions that happened: ``cols`` in replicates ``reps``, in the order of ``nonzero``."""
        w = self.world
        if reps.size == 0:
            return
        t = self._action_table(keys)
        a, b = t["actor"][cols], t["target"][cols]
        np.add.at(w.alignment, (reps, a, b), t["alignment"][cols])
        np.add.at(w.alignment, (reps, b, a), t["alignment"][cols])
        self.touched[a, b] = self.touched[b, a] = True
        for k, (stock, name) in enumerate(((w.aid, "aid"), (w.pressure, "pressure"))):
            some = t[name + "_some"][cols]  # only the actions that add any: adding 0.0 changes no stock (none is
            if some.any():                  # ever -0.0: all added to one is non-negative), the rest add in order
                np.add.at(stock, (reps[some], a[some], b[some]), t[name][cols][some])
                w.written[k, a[some], b[some]] = True
        np.add.at(w.security, reps, t["security"][cols])
        tie, untie, symmetric = t["tie"][cols], t["untie"][cols], t["symmetric_tie"][cols]
        some = t["tie_some"][cols]  # or-ing 0 and and-ing ~0 (all bits) leave a tie as it is
        np.bitwise_or.at(w.ties, (reps[some], a[some], b[some]), tie[some])
        some &= symmetric
        np.bitwise_or.at(w.ties, (reps[some], b[some], a[some]), tie[some])
        some = t["untie_some"][cols]
        np.bitwise_and.at(w.ties, (reps[some], a[some], b[some]), ~untie[some])
        asked = t["request"][cols]
        np.add.at(fired_requests, (reps[asked], b[asked], a[asked]), 1.0)
        self._asked = (reps[asked], b[asked], a[asked])
        levers = t["lever"][cols]  # each action's lever effect, as its place in EFFECTS (-1: none)
        counts, amounts = np.bincount(levers + 1, minlength=len(EFFECTS) + 1), t["lever_amount"][cols]
        for effect in np.flatnonzero(counts[1:]).tolist():  # in the order of EFFECTS
            chosen = levers == effect
            w.levers.act(EFFECTS[effect], reps[chosen], a[chosen], b[chosen], amounts[chosen])
        visits = t["type"][cols] == self.visit_type
        if visits.any():
            w.courtesy.hear(reps[visits], a[visits], b[visits], t["returns"][cols][visits])
        talks = (t["type"][cols] == self.mediation_type) & self._is_party(b)
        if talks.any():
            trust = sum(np.maximum(w.alignment[reps[talks], party, a[talks]], 0.0) for party in self.parties)
            np.add.at(w.conflict.mediation, reps[talks], trust)
        self.log.add(month, reps, a, b, t["type"][cols], t["text"][cols])

    def _is_party(self, actors: np.ndarray) -> np.ndarray:
        """Which of ``actors`` are parties to the civil war (what ``np.isin`` says, for two parties cheaper)."""
        found = np.zeros(actors.shape, dtype=bool)
        for party in self.parties.tolist():
            found |= actors == party
        return found

    # --- 2. flows ------------------------------------------------------------------------

    def update_flows(self, month: int, p: Parameters) -> None:
        w = self.world
        if self.interventions:
            self.interventions.on_flows(month, w)
        stocks = {"aid": w.aid, "pressure": w.pressure, "support_stock": w.support_stock}
        given: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        for (key, stock), decay, name, written in zip(stocks.items(), (p.aid_decay, p.pressure_decay, p.aid_decay),
                                                       GIVEN, w.written):
            if w.R <= FEW_REPLICATES:
                stock *= decay
                stock += w.intended[name].transpose(2, 0, 1)
            else:  # a large batch's stocks move only where anything was ever added (world.GIVEN): elsewhere
                dyads = np.nonzero(written)  # stock and flow are 0.0, and so is the sum (the same two
                at = (slice(None),) + dyads  # roundings as over the whole array)
                kept = stock[at]
                kept *= decay
                kept += w.intended[name][dyads].T
                stock[at] = kept
                given[key] = (dyads[0], dyads[1], kept)  # and kept (World.given): read again as what flows towards an actor
        w.given = Given(w.R, w.N, given) if given else None
        self.onsets.update(month, w.flows, p)
        t, uto = w.tjk, w.idx.get("UTO")
        self.to_gov = sum((flow.amount for flow in w.flows if flow.type == "military" and flow.target == t),
                          np.zeros(w.R))
        self.to_opp = sum((flow.amount for flow in w.flows if flow.target == uto), np.zeros(w.R))
        self.military_stock *= p.aid_decay
        for flow in w.flows:
            if flow.type == "military" and flow.target == t:
                self.military_stock[:, flow.actor] += flow.amount

    # --- the levers ------------------------------------------------------------------------------

    def update_levers(self, p: Parameters) -> None:
        w = self.world
        members = {code: w.has("TJK", code, "member") for code in UNIONS if code in w.organisations}
        self.stationed = w.stationed()  # the ties stand as they are for the rest of the month (update_domestic)
        w.levers.step(w, p, self.military_stock, self.stationed, members)

    # --- 3. the conflicts ------------------------------------------------------------------

    def update_conflicts(self, month: int, p: Parameters, noise: np.ndarray) -> None:
        """Step the civil war and the border dispute; log where fighting breaks out (crosses UCDP's threshold)."""
        w = self.world
        was_fighting = w.conflict.intensity >= conflict.MINOR_INTENSITY
        was_clashing = w.border.intensity >= conflict.MINOR_INTENSITY
        w.conflict.step(w, p, self.to_gov, self.to_opp, noise[:, 0])
        w.border.step(w, p)  # from the border's own streams
        outbreaks = ((w.conflict.intensity, was_fighting, "UTO", "TJK",
                      "Fighting flares between the armed opposition and the government"),
                     (w.border.intensity, was_clashing, "KGZ", "TJK", "Kyrgyz and Tajik forces fight at the disputed border"))
        for now, before, actor, target, label in outbreaks:
            reps = np.flatnonzero((now >= conflict.MINOR_INTENSITY) & ~before)
            if reps.size and actor in w.idx:
                n = reps.size
                self.log.add(month, reps, np.full(n, w.idx[actor]), np.full(n, w.idx[target]),
                             np.full(n, self.log.type_ids["conflict"]), np.full(n, self.log.text(label, conflict.EVENT_SOURCE)))

    # --- 4. alignment ----------------------------------------------------------------------

    def relax_alignment(self, p: Parameters, rows: np.ndarray, cols: np.ndarray, noise: np.ndarray) -> None:
        """Alignment relaxes towards ``tanh(gain * pulls)``, plus uniform noise of the stated s.d. on
        the live dyads; elsewhere pulls are zero and the relaxation is towards 0.

        Tajikistan's own regard is an allocation (Kuik 2008; attention, votes and concessions are
        limited): the positive targets of its row together may not exceed ``attention_budget``,
        so that warming to one partner, past that, cools the others in proportion."""
        w = self.world
        if w.R <= FEW_REPLICATES:
            w.alignment *= 1.0 - p.alignment_rate
        step = w.intended["pulls"][rows, cols].T  # [replicate, dyad], each dyad's replicates together
        step *= p.pull_gain
        np.tanh(step, out=step)
        mine = rows == w.tjk
        warm = np.ascontiguousarray(np.maximum(step[:, mine], 0.0))  # row by row, so a replicate sums alike in any batch
        scale = np.minimum(1.0, p.attention_budget / np.maximum(warm.sum(axis=1, keepdims=True), 1e-12))
        step[:, mine] -= warm * (1.0 - scale)
        step *= p.alignment_rate
        noise = noise - 0.5  # a new array: the draws' own pool is read, not written back
        noise *= p.alignment_noise * math.sqrt(12.0)
        step += noise
        if w.R <= FEW_REPLICATES:
            w.alignment[:, rows, cols] += step
            np.clip(w.alignment, -1.0, 1.0, out=w.alignment)
            if self.inactive.size:
                w.alignment[:, self.inactive, :] = 0.0
                w.alignment[:, :, self.inactive] = 0.0
            w.alignment[:, self.diagonal, self.diagonal] = 0.0
        else:
            self._settle(rows, cols, step, 1.0 - p.alignment_rate)
        self.touched[:] = False

    def _settle(self, rows: np.ndarray, cols: np.ndarray, step: np.ndarray, shrink: float) -> None:
        """Alignment times ``shrink``, ``alignment[:, rows, cols] += step``, then alignment clipped to [-1, 1] and
        zeroed on the diagonal and for absent actors, as over the whole array, but only on the live dyads, those
        :attr:`touched` since last month and those not 0 after it (:attr:`nonzero`): elsewhere alignment is 0,
        which all of it leaves as it is, and on the others it was within bounds, which shrinking keeps it."""
        w = self.world
        extra = self.nonzero | self.touched
        extra[rows, cols] = False
        more_rows, more_cols = np.nonzero(extra)
        ii, jj = np.concatenate((rows, more_rows)), np.concatenate((cols, more_cols))
        values = w.alignment[:, ii, jj]
        values *= shrink
        values[:, :len(rows)] += step
        np.clip(values, -1.0, 1.0, out=values)
        void = np.eye(w.N, dtype=bool)  # the diagonal and the absent actors' dyads
        void[self.inactive, :] = void[:, self.inactive] = True
        values[:, void[ii, jj]] = 0.0
        w.alignment[:, ii, jj] = values
        w.settled = (rows, cols, values[:, :len(rows)])
        self.nonzero[:] = False
        self.nonzero[ii, jj] = values.any(axis=0)

    # --- 5. dependence ---------------------------------------------------------------------

    def update_dependence(self, p: Parameters) -> None:
        """Tajikistan's dependence: the share of its outside support from each partner."""
        w = self.world
        t = w.tjk
        inflow = w.to_tjk("aid") + w.to_tjk("support_stock")
        total = inflow.sum(axis=1, keepdims=True)
        share = np.divide(inflow, total, out=np.zeros_like(inflow), where=total > 1e-9)
        w.dependence[:, t, :] += p.dependence_rate * (share - w.dependence[:, t, :])

    # --- 6. regime security and the economy --------------------------------------------------

    def update_domestic(self, p: Parameters) -> None:
        w = self.world
        afghan = afghan_threat(w)
        received = 1.0 - np.exp(-w.to_tjk("aid").sum(axis=1))
        squeezed = 1.0 - np.exp(-w.to_tjk("pressure").sum(axis=1))
        # remittances are counted against GDP, which does not include them: the share of the
        # country's income that comes from abroad, R / (GDP + R), stays below 1 however deep a war
        remitted_pct = w.levers.remittances.sum(axis=1)
        remitted = remitted_pct / (100.0 + remitted_pct)
        protected = protection.protected(self.military_stock, self.stationed, p.garrison, w.levers.squeeze["security"])
        # a threat lowers the regime's security and raises its need for protectors, whose presence
        # raises it again, never by more than their full weight
        security_target = (p.security_base - p.security_war * w.conflict.threat - p.security_afghan * afghan
                           + p.security_military * protected)
        w.security += p.security_rate * (security_target - w.security) + w.security_push
        economy_target = (p.economy_base - p.economy_war * w.conflict.war + p.economy_aid * received
                          + p.economy_remittances * remitted - p.economy_pressure * squeezed
                          - p.economy_energy * w.levers.shortfall())
        w.economy += p.economy_rate * (economy_target - w.economy)
        np.clip(w.security, 0.0, 1.0, out=w.security)
        np.clip(w.economy, 0.0, 1.0, out=w.economy)
