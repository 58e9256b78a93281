"""The model: Tajikistan and its partners, month by month, for R replicates at once.

Each step is one calendar month:

1. the exogenous drivers take this month's values and Tajikistan's needs are read off its
   domestic state;
2. **decide**: every agent runs its rules on the same state, recording intentions
   (``agents.shuffle_do("decide")``: the order is shuffled and cannot matter);
3. **apply** (:mod:`sim.core.dynamics`): discrete actions happen where each replicate's own
   random draw falls below their probability; aid, pressure and support flows, alignment,
   dependence and Tajikistan's security and economy move; events are logged with the rule
   behind them.

Historical inputs (a scenario's scheduled events, organisations being founded, the switch
from one period's settings to the next) are Mesa events placed on the model's timeline with
``schedule_event``. Replicate ``k`` draws only from its own streams, seeded from
``SeedSequence(seed, spawn_key=(k,))`` (and, for the Kyrgyz border alone, ``spawn_key=(k, 1)``),
so its history is the same whether it runs alone or in a batch of a thousand. The model keeps
Mesa's contract: ``running`` turns false after
the scenario's last month, so ``run_model()`` replays the whole scenario.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

import mesa
import numpy as np
from mesa.time import Event

from sim.core.agents import make_actor
from sim.core.border import BORDER_STREAM
from sim.core.border import DRAWS as BORDER_DRAWS
from sim.core.draws import DrawPool
from sim.core.dynamics import Dynamics
from sim.core.eventlog import EventLog
from sim.core.interventions import Intervention, Interventions
from sim.core.recording import History
from sim.core.rulebook import resolve
from sim.core.rules import RULES
from sim.core.rules.common import afghan_threat
from sim.core.world import TIE_BITS, World
from sim.months import format_month, parse_month
from sim.vocabulary import ACTOR_CODES, ACTOR_NAMES, INDEPENDENCE_MONTH, STATES

if TYPE_CHECKING:
    from sim.scenario.schema import Parameters, ScheduledEvent
    from sim.scenario.spec import Scenario, Segment


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
        self.pool = DrawPool(self.streams)
        self.month = plan.start
        self.months = plan.end - plan.start + 1
        self.world.border.draws = DrawPool([  # the run's border draws at once: 3 a month, far fewer than a block
            np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(first_replicate + r, BORDER_STREAM)))
            for r in range(replicates)], block=self.months * BORDER_DRAWS)
        self.drivers = plan.driver_table()
        self.log = EventLog(replicates)
        self.history = History()
        capability = np.array([plan.actors[code].capability for code in self.codes])
        self.dynamics = Dynamics(self.world, self.log, self._interventions(plan), capability)
        self.segment: Segment = plan.segments[0]
        self.parameters: Parameters = self.segment.parameters
        self._set_initial_state()
        self._timeline: list[PeriodStart | Founding | Happening] = []
        self._coming: list[Event] = []
        for code in self.codes:
            founded = plan.actors[code].founded
            if founded is None or parse_month(founded) <= plan.start:
                self.found(code)
        self.enter(self.segment)
        self._schedule(plan, plan.start)
        self.running = self.months > 0
        self.datacollector = mesa.DataCollector(model_reporters=self._reporters())

    # --- the timeline ------------------------------------------------------------------

    def _interventions(self, plan: Scenario) -> Interventions:
        return Interventions([
            Intervention(iv.mode, self.world.i(iv.actor), self.world.i(iv.target), iv.type, parse_month(iv.start),
                         parse_month(iv.end) if iv.end else plan.end, iv.amount, iv.rule)
            for iv in plan.interventions if iv.actor in plan.actors and iv.target in plan.actors
        ])

    def _schedule(self, plan: Scenario, month: int) -> None:
        """Put the scenario's historical inputs of ``month`` and after on the timeline: foundings,
        period starts and scheduled events, in this order (those of one month keep the file's order)."""
        for code in self.codes:
            founded = plan.actors[code].founded
            if founded is not None and parse_month(founded) > plan.start and parse_month(founded) >= month:
                self._at(parse_month(founded), Founding(self, code), 0.2)
        for segment in plan.segments[1:]:
            if segment.start >= month:
                self._at(segment.start, PeriodStart(self, segment), 0.25)
        for event in plan.events:
            if parse_month(event.date) >= month:
                self._at(parse_month(event.date), Happening(self, event), 0.5)

    def _at(self, month: int, item, offset: float) -> None:
        """Schedule ``item.fire`` just before the step that simulates ``month``."""
        self._timeline.append(item)
        self._coming.append(self.schedule_event(item.fire, at=(month - self.plan.start) + offset))

    def branch(self, plan: Scenario) -> TajikistanModel:
        """A copy of this model that goes on under another scenario, from the month it is about to simulate.

        Counterfactuals that change things from a month on (an attribution's levers switched off)
        share their history up to it: run it once, then branch. ``plan`` must agree with this
        model's scenario on everything before ``self.month`` (actors, initial state, periods, events,
        driver values, interventions; checked, a ValueError otherwise); what happens from
        ``self.month`` on is taken from ``plan``. The copy's state, past and random streams (each
        replicate's, and Mesa's) are this model's, so it goes on exactly as a model of ``plan`` run
        from the start would (tested bit for bit).
        """
        if self.time != self.month - self.plan.start:
            raise ValueError(f"a model branches between months, not at time {self.time}")
        differs = differs_before(self.plan, plan, self.month)
        if differs:
            raise ValueError(f"the scenarios differ before {format_month(self.month)}: {differs}")
        twin = copy.deepcopy(self)
        for event in twin._coming:
            event.cancel()
        twin._timeline, twin._coming = [], []
        twin.plan, twin.months, twin.drivers = plan, plan.end - plan.start + 1, plan.driver_table()
        twin.dynamics.interventions = twin._interventions(plan)
        twin._schedule(plan, self.month)
        twin.running = twin.month <= plan.end
        return twin

    def enter(self, segment: Segment) -> None:
        """Switch to a period's parameters and rules; the state carries over.

        A rule's setting is resolved by :func:`sim.core.rulebook.resolve` (its default, the
        period's setting, a change made by a scheduled event earlier in the run); an override
        given to the model outranks them all.

        A rule switched off still runs, at weight 0: it then offers its actions with chance 0 and
        records nothing else (``tests/test_rules_behaviour.py`` checks every rule), so the replicates
        take the same random numbers for the same actions with the rule on or off. An experiment's
        arm that switches a rule off thus meets the baseline's draws action for action (common random
        numbers), and its effect is the rule's, not a reshuffled stream's.
        """
        self.segment, self.parameters, self.recorded = segment, segment.parameters, False
        self.active_rules = []
        for rule_id, rule in RULES.items():
            enabled, weight = resolve(rule_id, segment.rules, self.scheduled_rules)
            if rule_id in self.overrides:
                enabled, weight = self.overrides[rule_id]
            self.active_rules.append((rule, weight if enabled else 0.0))
        self.agents.do("adopt", self.active_rules)
        self._gather_followers()

    def found(self, code: str) -> None:
        """Bring an actor into the run: a Mesa agent and an active slot in the arrays."""
        agent = make_actor(self, code, self.plan.actors[code])
        self.world.activate(code)
        self.recorded = False
        for member in self.plan.actors[code].members:  # its founding members belong to it from the start
            if member in self.world.idx:
                self.world.ties[:, self.world.idx[member], self.world.idx[code]] |= TIE_BITS["member"]
        self.dynamics.inactive = np.flatnonzero(~self.world.active)
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
        w.given, self.recorded = None, False  # the stocks may change (World.towards), and the levers
        if fx.regime_change:
            w.alignment[:, i, :] = w.alignment[:, :, i] = 0.0
            for stock in (w.aid, w.pressure, w.support_stock):  # given to or by the old rulers
                stock[:, i, :] = stock[:, :, i] = 0.0
            w.ties[:, :, i] &= ~TIE_BITS["refusal"]
            w.courtesy.forget(i)  # and the visits owed between them and Tajikistan
            self.dynamics.touched[i, :] = self.dynamics.touched[:, i] = True
        if i != j:  # an event of one actor alone (its own war, its new rulers) touches no dyad
            w.alignment[:, i, j] += fx.alignment + fx.regard
            w.alignment[:, j, i] += fx.alignment
            w.aid[:, i, j] += fx.aid
            w.pressure[:, i, j] += fx.pressure
            w.written[:2, i, j] = True  # the stocks have been added to (see sim.core.world.GIVEN)
            self.dynamics.touched[i, j] = self.dynamics.touched[j, i] = True
            if fx.tie:
                w.ties[:, i, j] |= TIE_BITS[fx.tie]
            if fx.untie:
                w.ties[:, i, j] &= ~TIE_BITS[fx.untie]
        if event.target == "TJK" or event.actor == "TJK":
            w.security += fx.regime_security
        for name, value in fx.traits.items():
            w.traits[name][i] = value
        if fx.lease is not None:
            w.levers.leases.start({event.actor: fx.lease}, w.codes)
            w.levers.squeeze["security"][:, i] = 0.0  # a lease in force restores the base's funding (R82)
        np.clip(w.alignment, -1.0, 1.0, out=w.alignment)
        np.clip(w.security, 0.0, 1.0, out=w.security)
        if fx.rules:
            self.scheduled_rules.update(fx.rules)
            self.enter(self.segment)
        self.log.add_scheduled(self.month, event, i, j)

    # --- set-up ------------------------------------------------------------------------

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
        for code, traits in init.traits.items():
            for name, value in traits.items():
                w.traits[name][w.i(code)] = value
        before = self.plan.driver_table(np.arange(parse_month(INDEPENDENCE_MONTH), self.plan.start))
        w.driver_peaks = {name: float(series.max()) for name, series in before.items() if len(series)}
        w.levers.start(init.levers, before, self.parameters)
        war = init.conflict
        w.conflict.start(self.parameters, opposition=war.opposition, control=war.control, intensity=war.intensity,
                         exhaustion=war.exhaustion, talks=war.talks, sharing=war.sharing)

    def _reporters(self) -> dict:
        """The DataCollector's reporters: plain numbers per month (means over replicates), read
        from :meth:`_report`, which computes them all at once."""
        self._partners = [code for code in self.codes if code in STATES and code != "TJK"]
        names = ["security", "economy"] + [f"alignment_TJK_{code}" for code in self._partners]
        self._report: dict[str, float] = dict.fromkeys(names, 0.0)
        return {"month": "month", **{name: (lambda m, name=name: m._report[name]) for name in names}}

    def _summarise(self) -> None:
        """This month's means over replicates, for the DataCollector."""
        w, total = self.world, np.add.reduce  # each mean as numpy's: the same sum, divided by the count
        alignment = (total(w.alignment[:, w.tjk, w.at(self._partners)], axis=0) / w.R).tolist()
        self._report.update(zip(self._report, [float(total(w.security) / w.R), float(total(w.economy) / w.R)] + alignment))

    # --- one month ---------------------------------------------------------------------

    def step(self) -> None:
        """Simulate one month: drivers, decide, apply, record; stop after the scenario's last month."""
        if self.month > self.plan.end:
            self.running = False
            return
        w = self.world
        t = self.month - self.plan.start
        w.month = self.month
        w.drivers = {name: float(series[t]) for name, series in self.drivers.items()}
        w.driver_peaks = {name: max(value, w.driver_peaks.get(name, value)) for name, value in w.drivers.items()}
        w.threat = None  # computed afresh from this month's state
        threat = afghan_threat(w)
        w.need_security = np.minimum(np.maximum(1.0 - w.security + 0.3 * threat, 0.0), 1.0)
        w.need_economy = 1.0 - w.economy
        w.clear_intentions()
        threat.flags.writeable = False  # read by several rules: computed once while the state stands still
        w.threat = threat
        with w.standing_still(resume=self.recorded):  # nothing has changed the levers since they were recorded
            self.agents.shuffle_do("decide")
            for number, (rule, weight, followers) in enumerate(self.collective_rules):
                w.begin(w.N + number)
                w.current_rule = rule.id
                rule(w, followers, weight)
        w.threat = None  # the apply phase changes Kabul's regard for Dushanbe
        self.dynamics.apply(self.month, self.parameters, self._draws)
        with w.standing_still():
            self.history.record(self.month, w)
            self._summarise()
        self.recorded = True  # until a scheduled input (enter, found, impose) changes the state
        w.settled = None  # what the apply phase kept for the month (see World.given)
        self.datacollector.collect(self)
        self.month += 1
        if self.month > self.plan.end:
            self.running = False

    def _draws(self, count: int) -> np.ndarray:
        """This month's uniform draws: row r comes from replicate r's own stream (taken a block of
        months at a time, see :mod:`sim.core.draws`)."""
        return self.pool.take(count)

    def run(self) -> TajikistanModel:
        """Run the whole scenario, month by month (Mesa's ``run_model``)."""
        self.run_model()
        return self

    @property
    def simulated(self) -> int:
        """How many months have been simulated."""
        return self.month - self.plan.start

    @property
    def date(self) -> str:
        return format_month(self.month)


def differs_before(a: Scenario, b: Scenario, month: int) -> str:
    """What two scenarios do differently before ``month`` (empty where nothing): what a model of
    one has done by then, a model of the other would have done too."""
    def events(plan: Scenario) -> list:
        return [event for event in plan.events if parse_month(event.date) < month]

    def periods(plan: Scenario) -> list:
        return [(s.start, s.parameters, s.rules) for s in plan.segments if s.start < month]

    def interventions(plan: Scenario) -> list:
        return [iv for iv in plan.interventions if parse_month(iv.start) < month]

    def drivers(plan: Scenario) -> dict:
        return {name: series[:month - plan.start].tolist() for name, series in plan.driver_table().items()}

    checks = {"start": lambda p: p.start, "actors": lambda p: p.actors, "initial state": lambda p: p.initial,
              "events": events, "periods": periods, "interventions": interventions, "drivers": drivers}
    return ", ".join(what for what, of in checks.items() if of(a) != of(b))
