"""The model: Tajikistan and its partners, month by month, for R replicates at once.

Each step is one calendar month:

1. the exogenous drivers take this month's values and Tajikistan's needs are read off its
   domestic state;
2. **decide**: every agent runs its rules on the same state, recording intentions
   (``agents.shuffle_do("decide")``: the order is shuffled and cannot matter);
3. **apply**: discrete actions happen where each replicate's own random draw falls below
   their probability; aid, pressure and support flows, alignment, dependence and
   Tajikistan's security and economy move; events are logged with the rule behind them.

Historical inputs (a scenario's scheduled events, organisations being founded, the switch
from one period's rules to the next) are Mesa events placed on the model's timeline with
``schedule_event``. Replicate ``k`` draws only from its own stream, seeded from
``SeedSequence(seed, spawn_key=(k,))``, so its history is the same whether it runs alone
or in a batch of a thousand.
"""

from __future__ import annotations

import math
from itertools import chain

import mesa
import numpy as np

from sim.agents import make_actor
from sim.months import format_month, parse_month
from sim.rules import RULES
from sim.scenario import Parameters, Scenario, ScheduledEvent, Segment
from sim.vocabulary import ACTOR_CODES, ACTOR_NAMES, EVENT_TYPES
from sim.world import TIE_BITS, Flow, World

#: The dyadic variables recorded each month for every partner of Tajikistan.
TRACKED = ("alignment", "regard", "aid_in", "pressure_in", "dependence")
TRACKED_MEANING = {
    "alignment": ("TJK", "partner", "how Tajikistan regards the partner"),
    "regard": ("partner", "TJK", "how the partner regards Tajikistan"),
    "aid_in": ("partner", "TJK", "aid flow from the partner to Tajikistan"),
    "pressure_in": ("partner", "TJK", "pressure from the partner on Tajikistan"),
    "dependence": ("TJK", "partner", "share of Tajikistan's outside support from the partner"),
}


_VERBS = {"aid": "steps up aid to", "military": "steps up military support to", "pressure": "puts pressure on"}


class PeriodStart:
    """A scheduled switch to the next period's parameters and rules."""

    def __init__(self, model: TajikistanModel, segment: Segment):
        self.model, self.segment = model, segment

    def fire(self) -> None:
        self.model.enter(self.segment)


class Founding:
    """A scheduled founding of an organisation: its agent comes into being."""

    def __init__(self, model: TajikistanModel, code: str):
        self.model, self.code = model, code

    def fire(self) -> None:
        self.model.found(self.code)


class Happening:
    """A scheduled exogenous event of the scenario, applied in every replicate."""

    def __init__(self, model: TajikistanModel, event: ScheduledEvent):
        self.model, self.event = model, event

    def fire(self) -> None:
        self.model.impose(self.event)


class TajikistanModel(mesa.Model):
    """Tajikistan's foreign relations as a Mesa model over R replicates.

    Args:
        plan: the scenario to replay (see :func:`sim.scenario.load_scenario`).
        seed: master seed; Mesa's own generator is seeded with it (``Model(rng=seed)``).
        replicates: how many independent histories to run at once.
        first_replicate: number of the first replicate, so that replicates ``k..k+R-1`` of
            one seed can run in separate batches and still equal those of one big batch.
        overrides: rule settings ``{rule_id: (enabled, weight)}`` laid over every period's.
    """

    def __init__(self, plan: Scenario, *, seed: int = 0, replicates: int = 1, first_replicate: int = 0,
                 overrides: dict[str, tuple[bool, float]] | None = None):
        super().__init__(rng=seed)
        if replicates < 1:
            raise ValueError("replicates must be at least 1")
        self.plan = plan
        self.seed = seed
        self.overrides = dict(overrides or {})
        self.scheduled_rules: dict = {}
        self.codes = [code for code in ACTOR_CODES if code in plan.actors]
        self.world = World(self.codes, replicates, plan.actors, ACTOR_NAMES)
        self.replicates = replicates
        self.first_replicate = first_replicate
        self.streams = [
            np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(first_replicate + r,)))
            for r in range(replicates)
        ]
        self.month = plan.start
        self.months = plan.end - plan.start + 1
        self.drivers = self._driver_table()
        self.log = EventLog(self)
        self._tables: dict[tuple, dict[str, np.ndarray]] = {}
        self._diagonal = np.arange(len(self.codes))
        self._flow_columns: dict[tuple, int] = {}
        self._flow_meta: list = []
        self._stocks = np.zeros((0, replicates))
        self._flow_cache: tuple = (None, None)
        self._interventions = [
            (iv.mode, self.world.i(iv.actor), self.world.i(iv.target), iv.type, parse_month(iv.start),
             parse_month(iv.end) if iv.end else plan.end, iv.amount)
            for iv in plan.interventions if iv.actor in plan.actors and iv.target in plan.actors
        ]
        self._fired_requests = np.zeros((replicates, len(self.codes), len(self.codes)))
        self.segment: Segment = plan.segments[0]
        self.parameters: Parameters = self.segment.parameters
        self._set_initial_state()
        self._timeline: list[PeriodStart | Founding | Happening] = []
        for code in self.codes:
            founded = plan.actors[code].founded
            if founded is None or parse_month(founded) <= plan.start:
                self.found(code)
            else:
                self._at(parse_month(founded), Founding(self, code), 0.2)
        self.enter(self.segment)
        for segment in plan.segments[1:]:
            self._at(segment.start, PeriodStart(self, segment), 0.25)
        for event in plan.events:
            self._at(parse_month(event.date), Happening(self, event), 0.5)
        self.datacollector = mesa.DataCollector(model_reporters={
            "month": "month",
            "dyads": TajikistanModel.tracked_dyads,
            "others": TajikistanModel.other_dyads,
            "security": lambda m: m.world.security.copy(),
            "economy": lambda m: m.world.economy.copy(),
        })

    # --- the timeline ------------------------------------------------------------------

    def _at(self, month: int, item, offset: float) -> None:
        """Schedule ``item.fire`` just before the step that simulates ``month``."""
        self._timeline.append(item)
        self.schedule_event(item.fire, at=(month - self.plan.start) + offset)

    def enter(self, segment: Segment) -> None:
        """Switch to a period's parameters and rules; the state carries over.

        A rule's setting is, from weakest to strongest: its default, the period's setting, a
        change made by a scheduled event earlier in the run, an override given to the model.
        """
        self.segment, self.parameters = segment, segment.parameters
        self.active_rules = []
        for rule_id, rule in RULES.items():
            setting = self.scheduled_rules.get(rule_id) or segment.rules.get(rule_id)
            enabled = setting.enabled if setting else rule.default
            weight = setting.weight if setting else 1.0
            if rule_id in self.overrides:
                enabled, weight = self.overrides[rule_id]
            if enabled and weight > 0:
                self.active_rules.append((rule, weight))
        self.agents.do("adopt", self.active_rules)
        self._gather_followers()

    def found(self, code: str) -> None:
        """Bring an actor into the run: a Mesa agent and an active slot in the arrays."""
        agent = make_actor(self, code, self.plan.actors[code])
        self.world.activate(code)
        self._inactive = np.flatnonzero(~self.world.active)
        if hasattr(self, "active_rules"):
            agent.adopt(self.active_rules)
            self._gather_followers()

    def _gather_followers(self) -> None:
        """For each collective rule, the agents that follow it (kept until agents or rules change)."""
        self.collective_rules = [
            (rule, weight, self.agents.select(lambda agent, rule=rule: rule.applies_to(agent.code, agent.spec.kind)))
            for rule, weight in self.active_rules if rule.collective
        ]

    def impose(self, event: ScheduledEvent) -> None:
        """Apply a scheduled exogenous event to every replicate and log it."""
        w, fx = self.world, event.effects
        i, j = w.i(event.actor), w.i(event.target)
        w.alignment[:, i, j] += fx.alignment
        w.alignment[:, j, i] += fx.alignment
        w.aid[:, i, j] += fx.aid
        w.pressure[:, i, j] += fx.pressure
        if fx.tie:
            w.ties[:, i, j] |= TIE_BITS[fx.tie]
        if fx.untie:
            w.ties[:, i, j] &= ~TIE_BITS[fx.untie]
        if event.target == "TJK" or event.actor == "TJK":
            w.security += fx.regime_security
        np.clip(w.alignment, -1.0, 1.0, out=w.alignment)
        np.clip(w.security, 0.0, 1.0, out=w.security)
        if fx.rules:
            self.scheduled_rules.update(fx.rules)
            self.enter(self.segment)
        self.log.add_scheduled(self.month, event)

    # --- set-up ------------------------------------------------------------------------

    def _driver_table(self) -> dict[str, np.ndarray]:
        months = np.arange(self.plan.start, self.plan.end + 1)
        table = {}
        for name, series in self.plan.drivers.items():
            xs = np.array([parse_month(m) for m in series.points])
            ys = np.array(list(series.points.values()), dtype=float)
            order = np.argsort(xs)
            xs, ys = xs[order], ys[order]
            if series.interpolation == "linear":
                table[name] = np.interp(months, xs, ys)
            else:
                at = np.searchsorted(xs, months, side="right") - 1
                table[name] = ys[np.clip(at, 0, len(ys) - 1)]
        return table

    def _set_initial_state(self) -> None:
        w, init = self.world, self.plan.initial
        for dyad, value in sorted(init.alignment.items(), key=lambda item: ">" in item[0]):
            a, b = dyad.replace(">", "-").split("-")
            w.alignment[:, w.i(a), w.i(b)] = value
            if ">" not in dyad:
                w.alignment[:, w.i(b), w.i(a)] = value
        for dyad, ties in init.ties.items():
            a, b = dyad.replace(">", "-").split("-")
            for tie in ties:
                w.ties[:, w.i(a), w.i(b)] |= TIE_BITS[tie]
        w.security[:] = init.regime_security
        w.economy[:] = init.economy

    # --- one month ---------------------------------------------------------------------

    def step(self) -> None:
        """Simulate one month: drivers, decide, apply, record."""
        w = self.world
        t = self.month - self.plan.start
        w.month = self.month
        w.drivers = {name: float(series[t]) for name, series in self.drivers.items()}
        afghan = w.drivers.get("afghan_instability", 0.0)
        w.need_security = np.clip(1.0 - w.security + 0.3 * afghan, 0.0, 1.0)
        w.need_economy = 1.0 - w.economy
        w.clear_intentions()
        self.agents.shuffle_do("decide")
        for number, (rule, weight, followers) in enumerate(self.collective_rules):
            w.begin(w.N + number)
            w.current_rule = rule.id
            rule(w, followers, weight)
        self._apply()
        self.datacollector.collect(self)
        self.month += 1

    def _draws(self, count: int) -> np.ndarray:
        """This month's uniform draws: row r comes from replicate r's own stream."""
        draws = np.empty((self.replicates, count))
        for row, stream in zip(draws, self.streams):
            stream.random(out=row)
        return draws

    def _apply(self) -> None:
        w, p = self.world, self.parameters
        proposals = w.ordered_proposals()
        keys = tuple(chain.from_iterable(block for block, _ in proposals))
        count = len(keys)
        rows, cols = w.live_pairs()
        draws = self._draws(count + len(rows))
        self._fired_requests = np.zeros_like(w.requests)
        if count:
            rows_of = np.empty((count, w.R))  # [action, replicate]: one row per action is cheap to fill
            row = 0
            for block, chance in proposals:
                if len(block) == 1:
                    rows_of[row] = chance
                else:  # [replicate, action], [action] or a scalar
                    chance = np.asarray(chance)
                    rows_of[row:row + len(block)] = chance.T if chance.ndim == 2 else chance.reshape(-1, 1)
                row += len(block)
            prob = rows_of.T
            prob *= p.event_hazard
            np.clip(prob, 0.0, 1.0, out=prob)
            if self._interventions:
                self._intervene_on_actions(keys, prob)
            self._apply_actions(keys, draws[:, :count] < prob)

        if self._interventions:
            self._intervene_on_flows()
        for stock, decay, given in ((w.aid, p.aid_decay, w.aid_given), (w.pressure, p.pressure_decay, w.pressure_given),
                                    (w.support_stock, p.aid_decay, w.support_given)):
            stock *= decay
            stock += given
        self._log_onsets(w.flows, p)

        # alignment relaxes towards tanh(gain * pulls), plus uniform noise of the stated s.d. on
        # the live dyads; elsewhere pulls are zero and the relaxation is towards 0
        w.alignment *= 1.0 - p.alignment_rate
        step = w.pulls[:, rows, cols]
        step *= p.pull_gain
        np.tanh(step, out=step)
        step *= p.alignment_rate
        noise = draws[:, count:]
        noise -= 0.5
        noise *= p.alignment_noise * math.sqrt(12.0)
        step += noise
        w.alignment[:, rows, cols] += step
        np.clip(w.alignment, -1.0, 1.0, out=w.alignment)
        if self._inactive.size:
            w.alignment[:, self._inactive, :] = 0.0
            w.alignment[:, :, self._inactive] = 0.0
        w.alignment[:, self._diagonal, self._diagonal] = 0.0

        # Tajikistan's dependence: the share of its outside support from each partner
        t = w.tjk
        inflow = w.aid[:, :, t] + w.support_stock[:, :, t]
        total = inflow.sum(axis=1, keepdims=True)
        share = np.divide(inflow, total, out=np.zeros_like(inflow), where=total > 1e-9)
        w.dependence[:, t, :] += p.dependence_rate * (share - w.dependence[:, t, :])

        war = w.drivers.get("civil_war", 0.0)
        afghan = w.drivers.get("afghan_instability", 0.0)
        received = 1.0 - np.exp(-w.aid[:, :, t].sum(axis=1))
        squeezed = 1.0 - np.exp(-w.pressure[:, :, t].sum(axis=1))
        remitted = w.drivers.get("remittances", 0.0) / 100.0
        security_target = p.security_base - p.security_war * war - p.security_afghan * afghan
        military_in = sum((flow.amount for flow in w.flows if flow.type == "military" and flow.target == t), 0.0)
        w.security += p.security_rate * (security_target - w.security) + w.security_push + p.security_military * military_in
        economy_target = (p.economy_base - p.economy_war * war + p.economy_aid * received
                          + p.economy_remittances * remitted - p.economy_pressure * squeezed)
        w.economy += p.economy_rate * (economy_target - w.economy)
        np.clip(w.security, 0.0, 1.0, out=w.security)
        np.clip(w.economy, 0.0, 1.0, out=w.economy)
        w.requests = self._fired_requests

    def _active_interventions(self):
        for mode, i, j, type_, start, end, amount in self._interventions:
            if start <= self.month <= end:
                yield mode, i, j, type_, amount

    def _intervene_on_actions(self, keys: list, prob: np.ndarray) -> None:
        """Counterfactual constraints on discrete actions: forbidden ones cannot happen, forced ones must."""
        for mode, i, j, type_, _ in self._active_interventions():
            for column, (_, actor, target, kind, _) in enumerate(keys):
                if kind == type_ and (actor, target) == (i, j):
                    prob[:, column] = 0.0 if mode == "forbid" else 1.0

    def _intervene_on_flows(self) -> None:
        """Counterfactual constraints on flows: cut a forbidden flow, add to a forced one."""
        w = self.world
        for mode, i, j, type_, amount in self._active_interventions():
            if type_ not in ("aid", "military", "pressure"):
                continue
            given = w.pressure_given if type_ == "pressure" else w.aid_given
            if mode == "forbid":
                kept = []
                for flow in w.flows:
                    if (flow.type, flow.actor, flow.target) == (type_, i, j):
                        given[:, i, j] -= flow.amount
                    else:
                        kept.append(flow)
                w.flows = kept
                np.maximum(given[:, i, j], 0.0, out=given[:, i, j])
            else:
                given[:, i, j] += amount
                w.flows.append(Flow("pressure" if type_ == "pressure" else "aid", type_, "intervention", i, j,
                                    np.full(w.R, amount), None))

    def _log_onsets(self, flows, p: Parameters) -> None:
        """Log an event where one rule's aid or pressure flow to a target becomes notable.

        Each rule's flow to each target keeps its own decaying stock, so a new episode (a
        border closure while fuel is already cut off) shows even when others are running.
        What counts as notable scales with the giver's means (``onset_threshold``).
        """
        columns = self._flow_columns
        for flow in flows:
            key = (flow.type, flow.rule, flow.actor, flow.target)
            if key not in columns:
                columns[key] = len(columns)
                self._flow_meta.append(flow)
        if len(columns) > len(self._stocks):
            grown = np.zeros((len(columns), self.world.R))
            grown[: len(self._stocks)] = self._stocks
            self._stocks = grown
        amounts = np.zeros_like(self._stocks)  # [flow, replicate]
        for flow in flows:
            amounts[columns[(flow.type, flow.rule, flow.actor, flow.target)]] += flow.amount
        decay, scale = self._flow_constants(p)
        old = self._stocks
        self._stocks = decay[:, None] * old + amounts
        threshold = (p.onset_threshold * scale)[:, None]
        cols, reps = np.nonzero((self._stocks > threshold) & (old <= threshold))
        for r, c in zip(reps.tolist(), cols.tolist()):
            flow = self._flow_meta[c]
            w = self.world
            label = flow.label or f"{w.name(w.codes[flow.actor])} {_VERBS[flow.type]} {w.name(w.codes[flow.target])}"
            self.log.add(self.month, [r], [flow.actor], [flow.target], [self.log.type_ids[flow.type]],
                         [self.log.text(label, flow.rule)])

    def _flow_constants(self, p: Parameters) -> tuple[np.ndarray, np.ndarray]:
        """Each flow column's decay and the giver's scale of notability (cached)."""
        key = (len(self._flow_meta), p)
        if self._flow_cache[0] != key:
            decay = np.array([p.pressure_decay if f.kind == "pressure" else p.aid_decay for f in self._flow_meta])
            scale = np.array([0.25 + self.plan.actors[self.codes[f.actor]].capability for f in self._flow_meta])
            self._flow_cache = (key, (decay, scale))
        return self._flow_cache[1]

    def _action_table(self, keys: tuple) -> dict[str, np.ndarray]:
        """The actions of these keys as columns (cached: most months repeat them)."""
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
            table["text"] = np.array([self.log.text(action.summary, action.rule) for action in actions], dtype=np.int32)
            self._tables[keys] = table
        return table

    def _apply_actions(self, keys: tuple, fired: np.ndarray) -> None:
        w = self.world
        reps, cols = np.nonzero(fired)
        if reps.size == 0:
            return
        t = self._action_table(keys)
        a, b = t["actor"][cols], t["target"][cols]
        np.add.at(w.alignment, (reps, a, b), t["alignment"][cols])
        np.add.at(w.alignment, (reps, b, a), t["alignment"][cols])
        np.add.at(w.aid, (reps, a, b), t["aid"][cols])
        np.add.at(w.pressure, (reps, a, b), t["pressure"][cols])
        np.add.at(w.security, reps, t["security"][cols])
        tie, untie, symmetric = t["tie"][cols], t["untie"][cols], t["symmetric_tie"][cols]
        np.bitwise_or.at(w.ties, (reps, a, b), tie)
        np.bitwise_or.at(w.ties, (reps[symmetric], b[symmetric], a[symmetric]), tie[symmetric])
        np.bitwise_and.at(w.ties, (reps, a, b), ~untie)
        asked = t["request"][cols]
        np.add.at(self._fired_requests, (reps[asked], b[asked], a[asked]), 1.0)
        self.log.add(self.month, reps, a, b, t["type"][cols], t["text"][cols])

    # --- what is recorded ----------------------------------------------------------------

    def tracked_dyads(self) -> np.ndarray:
        """Tajikistan's dyads this month, ``[replicate, variable, partner]`` (see TRACKED)."""
        w, t = self.world, self.world.tjk
        return np.stack([
            w.alignment[:, t, :], w.alignment[:, :, t], w.aid[:, :, t], w.pressure[:, :, t], w.dependence[:, t, :],
        ], axis=1).astype(np.float32)

    def other_dyads(self) -> tuple[tuple[tuple[int, int], ...], np.ndarray]:
        """Alignment of the live dyads between Tajikistan's partners: (pairs, ``[replicate, pair]``)."""
        rows, cols = self.world.live_pairs()
        keep = (rows != self.world.tjk) & (cols != self.world.tjk)
        pairs = tuple(zip(rows[keep].tolist(), cols[keep].tolist()))
        return pairs, self.world.alignment[:, rows[keep], cols[keep]].astype(np.float32)

    def run(self) -> TajikistanModel:
        """Run the whole scenario, month by month, with Mesa's ``run_for``."""
        self.run_for(self.months)
        return self

    @property
    def date(self) -> str:
        return format_month(self.month)


class EventLog:
    """Every event of every replicate, kept as compact integer columns."""

    SCHEDULED = "scheduled"

    def __init__(self, model: TajikistanModel):
        self.model = model
        self.columns: dict[str, list[np.ndarray]] = {k: [] for k in ("month", "replicate", "actor", "target", "type", "text")}
        self.texts: list[tuple[str, str]] = []
        self._text_ids: dict[tuple[str, str], int] = {}
        self.type_ids = {name: n for n, name in enumerate(EVENT_TYPES)}

    def text(self, summary: str, rule: str) -> int:
        """The number of a (summary, rule) pair, interned."""
        key = (summary, rule)
        if key not in self._text_ids:
            self._text_ids[key] = len(self.texts)
            self.texts.append(key)
        return self._text_ids[key]

    def add(self, month: int, reps, actors, targets, types, texts) -> None:
        n = len(reps)
        if n == 0:
            return
        for key, values in (("month", np.full(n, month)), ("replicate", reps), ("actor", actors),
                            ("target", targets), ("type", types), ("text", texts)):
            self.columns[key].append(np.asarray(values, dtype=np.int32))

    def add_scheduled(self, month: int, event: ScheduledEvent) -> None:
        w = self.model.world
        text = self.text(event.summary, f"{self.SCHEDULED}:{event.record}" if event.record else self.SCHEDULED)
        self.add(month, np.arange(w.R), np.full(w.R, w.i(event.actor)), np.full(w.R, w.i(event.target)),
                 np.full(w.R, self.type_ids[event.type]), np.full(w.R, text))

    def arrays(self) -> dict[str, np.ndarray]:
        """The log as columns, sorted by replicate, then month, then order of logging."""
        cols = {k: (np.concatenate(v) if v else np.zeros(0, dtype=np.int32)) for k, v in self.columns.items()}
        order = np.lexsort((np.arange(len(cols["month"])), cols["month"], cols["replicate"]))
        return {k: v[order] for k, v in cols.items()}
