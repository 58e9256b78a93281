"""The state of the world, for R replicates at once, and the month's intentions.

Every array carries a leading replicate axis, so one model advances R independent
histories with vectorised numpy. Dyadic arrays are ``[replicate, actor, target]``:

* ``alignment`` in [-1, 1]: how the actor regards the target;
* ``aid``: the monthly flow of aid (economic, humanitarian, military) actor -> target,
  where 1 is a great power's full engagement;
* ``pressure``: coercion actor -> target (fuel cut-offs, border closure, claims, criticism);
* ``dependence`` in [0, 1]: the share of the actor's outside support that comes from target
  (kept for Tajikistan, the focal state; other rows stay zero);
* ``ties``: bit flags of standing relations (recognition, embassy, membership, treaty, base).

Tajikistan's needs come from ``security`` (of the regime) and ``economy``, over replicates. Its armed conflicts are
state too, ``conflict`` (:class:`~sim.core.conflict.CivilWar`) and ``border`` (:class:`~sim.core.border.BorderDispute`),
and so are the visits owed back (``courtesy``, :class:`~sim.core.courtesy.VisitsOwed`).

Rules never change the state directly. In the decide phase they record *intentions* on the world (alignment
pulls, aid, pressure, support, discrete actions each with a probability); the apply phase turns them into the
next month's state: every agent decides from the same state, and their order cannot matter."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from sim.core.actions import Action, Flow
from sim.core.arrays import dyad_major, single
from sim.core.border import BorderDispute
from sim.core.conflict import CivilWar
from sim.core.courtesy import VisitsOwed
from sim.core.given import Given
from sim.core.levers import Levers
from sim.vocabulary import TRAITS

#: The intention arrays of flows given. ``World.written[k]`` marks the dyads where GIVEN[k] or its stock (aid,
#: pressure, support_stock) was ever added to: elsewhere both are 0.0 (see clear_intentions, Dynamics.update_flows).
GIVEN = ("aid_given", "pressure_given", "support_given")
#: The intention arrays, kept dyad-major (rules add to one dyad at a time): ``intended[name][actor, target]`` is R replicates.
INTENDED = ("pulls", *GIVEN)
TIE_BITS = {"recognition": 1, "embassy": 2, "member": 4, "treaty": 8, "base": 16, "ceasefire": 32, "accord": 64, "refusal": 128}


def _intention(name: str) -> property:
    """Intention array ``name`` seen ``[replicate, actor, target]``: one view, kept with the dyads' (a copy makes its own)."""
    return property(lambda self: self._views[name] if name in self._views
                    else self._views.setdefault(name, self.intended[name].transpose(2, 0, 1)))


class World:
    """State arrays for R replicates of N actors, plus this month's intentions."""

    pulls, aid_given, pressure_given, support_given = (_intention(name) for name in INTENDED)

    def __init__(self, codes: list[str], replicates: int, specs: dict, names: dict[str, str]):
        self.codes = list(codes)
        self.specs, self.names = specs, names
        self.tjk = codes.index("TJK")
        self.idx = {code: number for number, code in enumerate(codes)}
        self.R, self.N = replicates, len(codes)
        shape = (self.R, self.N, self.N)
        self.alignment = np.zeros(shape)
        self.aid = np.zeros(shape)
        self.pressure = np.zeros(shape)
        self.dependence = np.zeros(shape)
        self.ties = np.zeros(shape, dtype=np.int16)
        self.requests = np.zeros(shape)
        self.security = np.full(self.R, 0.5)
        self.economy = np.full(self.R, 0.5)
        self.support_stock = np.zeros(shape)
        self.need_security = np.full(self.R, 0.5)
        self.threat: np.ndarray | None = None  # the month's Afghan threat while the agents decide (rules.common.afghan_threat)
        self.need_economy = np.full(self.R, 0.5)
        self.conflict = CivilWar(self.R)
        self.border = BorderDispute(self.R)
        self.levers = Levers(self.R, self.codes, specs)
        self.courtesy = VisitsOwed(self.R, self.N, self.tjk)  # which visits are owed back (R87)
        self.traits = {name: np.array([getattr(specs[c], name) for c in self.codes], dtype=float) for name in TRAITS}
        self.base_capability = self.traits["capability"].copy()
        self.garrisons = np.array([specs[c].garrison for c in self.codes], dtype=float)  # forces based, the 201st's at 1
        self.active = np.zeros(self.N, dtype=bool)
        self._present: frozenset[str] = frozenset()  # the codes of the active actors (activate() keeps both)
        self.states: list[str] = []
        self.organisations: list[str] = []
        self.donors: list[str] = []
        self.actions: dict[tuple[str, int, int, str, str], Action] = {}
        self._key_cache: dict[tuple, tuple] = {}
        self.live = np.zeros((self.N, self.N), dtype=bool)
        self.live[self.tjk, :] = self.live[:, self.tjk] = True
        self.live[self.tjk, self.tjk] = False
        self._live_count, self._live_pairs = -1, (np.zeros(0, dtype=np.intp),) * 2
        self._index_cache: dict[tuple, Any] = {}
        self._views: dict[tuple, tuple] = {}  # (array, actor, target) -> (i, j, that dyad's view), see _dyad
        self._others: dict[str, list[str]] = {"states": [], "organisations": []}
        self.month = 0
        self.drivers: dict[str, float] = {}
        self.driver_peaks: dict[str, float] = {}  # each driver's highest value so far in the run
        self.current_rule = ""
        self._readings: tuple[dict, dict] | None = None  # kept while the state stood still (standing_still)
        self.given: Given | None = None  # kept by a large batch's apply phase till the stocks change (sim.core.given),
        self.settled: tuple | None = None  # and for its month, the live dyads' alignment (rows, cols, values)
        self.clear_intentions()

    # --- reading the state (what rules see) ------------------------------------------

    def i(self, code: str) -> int:
        return self.idx[code]

    def name(self, code: str) -> str:
        return self.names[code]

    def spec(self, code: str):
        return self.specs[code]

    def activate(self, code: str) -> None:
        """Bring an actor into being (an organisation founded mid-run)."""
        self.active[self.idx[code]] = True
        present = [c for c in self.codes if self.active[self.idx[c]]]
        self._present = frozenset(present)
        self.states = [c for c in present if self.specs[c].kind == "state"]
        self.organisations = [c for c in present if self.specs[c].kind == "organisation"]
        self.donors = [c for c in present if c != "TJK" and self.specs[c].capability >= 0.3]
        self._others = {"states": [c for c in self.states if c != "TJK"], "organisations": list(self.organisations)}

    def present(self, code: str) -> bool:
        """Whether an actor is in the scenario and already exists this month."""
        return code in self._present

    def drive(self, name: str) -> float:
        return self.drivers.get(name, 0.0)

    @contextmanager
    def standing_still(self, resume: bool = False) -> Iterator[None]:
        """A while in which the state cannot change: the agents deciding (rules only record
        intentions) or the month being recorded. Meanwhile what is read off the levers again and
        again (their holds and squeezes) is computed once and kept, read-only. With ``resume``, what
        the last such while kept is kept on: the caller knows that nothing has changed since."""
        if not (resume and self._readings):
            self._readings = ({}, {})  # the levers' own and their leases'
        self.levers.hold_still(self._readings)
        try:
            yield
        finally:
            self.levers.hold_still(None)

    def has(self, actor: str, target: str, tie: str) -> np.ndarray:
        """Per replicate, whether the tie actor -> target stands."""
        return ((self._views.get(("ties", actor, target)) or self._dyad("ties", actor, target))[2] & TIE_BITS[tie]) > 0

    def stationed(self) -> np.ndarray:
        """The forces each patron has based in Tajikistan, ``[replicate, actor]``: where it has a base tie
        to Tajikistan, its garrison's weight against Russia's 201st (``ActorSpec.garrison``; China's border
        post weighs a hundredth or two). Tajikistan's grant of access to its airfields (a tie the other way)
        stations no garrison: what it brings is the user's payments for it, economic aid (R73)."""
        based = (self.ties[:, :, self.tjk] & TIE_BITS["base"]) > 0
        based[:, self.tjk] = False
        return based * self.garrisons

    def to_tjk(self, stock: str) -> np.ndarray:
        """Each actor's stock (``aid``, ``pressure``, ``support_stock``) towards Tajikistan, ``[replicate, actor]``."""
        return self.towards(stock, self.tjk)

    def towards(self, stock: str, target: int) -> np.ndarray:
        """Each actor's stock towards actor ``target``, ``[replicate, actor]``: in a large batch, contiguous (:attr:`given`)."""
        return self.given.towards(stock, target) if self.given else getattr(self, stock)[:, :, target]

    def align(self, actor: str, target: str) -> np.ndarray:
        return (self._views.get(("alignment", actor, target)) or self._dyad("alignment", actor, target))[2]

    def at(self, codes) -> np.ndarray:
        """Indices of several actors, for rules that act on many partners at once."""
        key = tuple(codes)
        found = self._index_cache.get(key)
        if found is None:
            found = self._index_cache[key] = np.array([self.idx[c] for c in key], dtype=np.intp)
        return found

    def align_many(self, actor: str, targets) -> np.ndarray:
        """How actor regards each of several targets, ``[replicate, target]``."""
        return self.alignment[:, self.idx[actor], self.at(targets)]

    def regard_many(self, actors, target: str) -> np.ndarray:
        """How each of several actors regards target, ``[replicate, actor]``."""
        return self.alignment[:, self.at(actors), self.idx[target]]

    def has_many(self, actor: str, targets, tie: str) -> np.ndarray:
        """Per replicate and target, whether the tie actor -> target stands, ``[replicate, target]``."""
        return (self.ties[:, self.idx[actor], self.at(targets)] & TIE_BITS[tie]) > 0

    def had_by_many(self, actors, target: str, tie: str) -> np.ndarray:
        """Per replicate and actor, whether the tie actor -> target stands, ``[replicate, actor]``."""
        return (self.ties[:, self.at(actors), self.idx[target]] & TIE_BITS[tie]) > 0

    def chosen(self, name: str, codes, test) -> list[str]:
        """Those of ``codes`` whose spec passes ``test`` (cached under ``name``: specs do not change)."""
        key = ("chosen", name) + tuple(codes)
        found = self._index_cache.get(key)
        if found is None:
            found = self._index_cache[key] = [c for c in codes if test(self.specs[c])]
        return found

    def mask(self, codes, members) -> np.ndarray:
        """A boolean array over ``codes``: which are among ``members`` (cached)."""
        key = ("mask",) + tuple(codes) + ("|",) + tuple(members)
        found = self._index_cache.get(key)
        if found is None:
            chosen = set(members)
            found = self._index_cache[key] = np.array([c in chosen for c in codes])
        return found

    def labels(self, template: str, codes) -> list[str]:
        """``template`` filled with each actor's name (cached: rules ask for the same every month)."""
        key = ("labels", template) + tuple(codes)
        found = self._index_cache.get(key)
        if found is None:
            found = self._index_cache[key] = [template.format(self.names[c]) for c in codes]
        return found

    def attribute(self, codes, name: str) -> np.ndarray:
        """One attribute of several actors (``capability``, ``ideology_tjk``, ...), as an array.

        The traits exogenous events may change (``capability``, ``assertiveness``, ``ideology_tjk``) are read as
        they stand this month; the others are the actors' fixed attributes."""
        if name in self.traits:
            return self.traits[name][self.at(codes)]
        key = (name,) + tuple(codes)
        found = self._index_cache.get(key)
        if found is None:
            found = self._index_cache[key] = np.array([getattr(self.specs[c], name) for c in codes], dtype=float)
        return found

    def others(self, kind: str = "states") -> list[str]:
        """The present states (or organisations) other than Tajikistan."""
        return self._others[kind]

    # --- recording intentions (what rules do) ----------------------------------------

    def clear_intentions(self) -> None:
        if not hasattr(self, "intended"):  # dyad-major: one dyad's R replicates lie together (see INTENDED)
            self.intended = {name: np.zeros((self.N, self.N, self.R)) for name in INTENDED}
            self.written = np.zeros((len(GIVEN), self.N, self.N), dtype=bool)  # see GIVEN
        if self.R <= 8:  # a few replicates' arrays are filled whole: cheaper than picking out their dyads
            for buffer in self.intended.values():
                buffer.fill(0.0)
        else:  # only where they were ever given can a large batch's intentions be non-zero (pulls: the live dyads)
            self.intended["pulls"][self.live_pairs()] = 0.0
            for name, written in zip(GIVEN, self.written):
                self.intended[name][np.nonzero(written)] = 0.0
        self.security_push = np.zeros(self.R)
        self.reneging = np.zeros(self.R)
        self.energy_building = np.zeros(self.R)
        self.lending = np.zeros((self.R, self.N))
        self.proposals: list[tuple[tuple, object]] = []  # (keys of the actions, their probability)
        self.blocks: dict[int, list] = {-1: self.proposals}
        self.flows: list[Flow] = []

    def begin(self, block: int) -> None:
        """Start recording one agent's (or one collective rule's) proposals.

        Proposals are kept in blocks by who made them, so that their order - and with it
        which random draw each gets - does not depend on the order agents decided in.
        """
        self.proposals = self.blocks.setdefault(block, [])

    def ordered_proposals(self) -> list[tuple[tuple, object]]:
        """This month's proposals, block by block in a fixed order: (keys, probability) pairs,
        the probability an array ``[replicate, action]`` (or anything that broadcasts to it)."""
        return [proposal for block in sorted(self.blocks) for proposal in self.blocks[block]]

    def __getstate__(self) -> dict:
        """The world's state without the kept views: a copy's (a branch's) would be copies, not views."""
        return {**self.__dict__, "_views": {}}

    def _dyad(self, name: str, actor: str, target: str) -> tuple[int, int, np.ndarray]:
        """(i, j, dyad i -> j's view into array ``name``), kept in ``_views`` (callers look there first): the
        state and intention arrays are changed in place, never replaced. A pulled dyad is live from then on."""
        i, j = self.idx[actor], self.idx[target]
        self.live[i, j] |= name == "pulls"
        if name in GIVEN:
            self.written[GIVEN.index(name), i, j] = True
        view = self.intended[name][i, j] if name in INTENDED else getattr(self, name)[:, i, j]
        return self._views.setdefault((name, actor, target), (i, j, view))

    def pull(self, actor: str, target: str, amount) -> None:
        """Nudge how actor regards target (positive: closer)."""
        view = (self._views.get(("pulls", actor, target)) or self._dyad("pulls", actor, target))[2]
        np.add(view, amount, out=view)

    def pull_many(self, actor: str, targets, amount) -> None:
        """Nudge how actor regards each of several targets (amount ``[replicate, target]`` or less)."""
        i, js = self.idx[actor], self.at(targets)
        self.intended["pulls"][i, js] += dyad_major(amount)
        self.live[i, js] = True

    def pulled_by_many(self, actors, target: str, amount) -> None:
        """Nudge how each of several actors regards target."""
        iis, j = self.at(actors), self.idx[target]
        self.intended["pulls"][iis, j] += dyad_major(amount)
        self.live[iis, j] = True

    def live_pairs(self) -> tuple[np.ndarray, np.ndarray]:
        """The dyads some rule has ever pulled, and all of Tajikistan's: where alignment has noise.

        Which dyads are live depends only on which rules ran, never on the state, so every
        replicate draws the same number of random numbers.
        """
        count = int(self.live.sum())
        if count != self._live_count:
            self._live_count = count
            self._live_pairs = np.nonzero(self.live)
        return self._live_pairs

    def give_aid(self, actor: str, target: str, amount, label: str | None = None, military: bool = False) -> None:
        """Actor sends aid to target this month (amount >= 0, per replicate).

        ``military`` marks arms, troops and training: the flow is the same, but its onset is
        logged as a ``military`` event rather than an ``aid`` one.
        """
        i, j, view = (self._views.get(("aid_given", actor, target)) or self._dyad("aid_given", actor, target))
        amount = np.maximum(amount, 0.0)
        np.add(view, amount, out=view)
        self.flows.append(Flow("aid", "military" if military else "aid", self.current_rule, i, j, amount, label))

    def apply_pressure(self, actor: str, target: str, amount, label: str | None = None) -> None:
        """Actor coerces target this month (amount >= 0, per replicate)."""
        i, j, view = (self._views.get(("pressure_given", actor, target)) or self._dyad("pressure_given", actor, target))
        amount = np.maximum(amount, 0.0)
        np.add(view, amount, out=view)
        self.flows.append(Flow("pressure", "pressure", self.current_rule, i, j, amount, label))

    def support(self, actor: str, target: str, amount) -> None:
        """Support that is not aid but makes target depend on actor (remittances, troops)."""
        view = (self._views.get(("support_given", actor, target)) or self._dyad("support_given", actor, target))[2]
        np.add(view, np.maximum(amount, 0.0), out=view)

    def secure(self, amount) -> None:
        """Push Tajikistan's regime security up (or down, if negative)."""
        self.security_push += amount

    def trait(self, code: str, name: str) -> float:
        """An actor's trait as it stands this month (:data:`sim.vocabulary.TRAITS`)."""
        return float(self.traits[name][self.idx[code]])

    def weakened(self, codes) -> np.ndarray:
        """How far each actor's capability has fallen below what the scenario gave it, 0..1, as an array."""
        at = self.at(codes)
        base = np.maximum(self.base_capability[at], 1e-9)
        return np.maximum(1.0 - self.traits["capability"][at] / base, 0.0)

    def build_energy(self, amount) -> None:
        """Tajikistan builds its own energy this month (Rogun, new plants): progress, 0..1 in all."""
        self.energy_building += amount

    def lend(self, creditor: str, amount) -> None:
        """A creditor lends to Tajikistan this month (in years of its outside aid); debt accrues."""
        view = self.lending[:, self.idx[creditor]]  # added in place: ``lending[:, i] +=`` would also write it back
        np.add(view, np.maximum(amount, 0.0), out=view)

    def renege(self, amount) -> None:
        """The government takes back a share (``amount`` a month) of the posts an accord gave the opposition."""
        self.reneging += amount

    def propose(self, actor: str, target: str, type: str, prob, summary: str, **effects) -> None:
        """Offer a discrete action: it happens in each replicate with probability ``prob``.

        ``effects`` (alignment, aid, pressure, tie, untie, security) say what it does when it
        happens. A rule must propose the same actions every month whatever the state (with
        probability 0 where they cannot happen): each replicate then consumes the same number
        of random draws, which keeps its history independent of its batch.
        """
        key = (self.current_rule, actor, target, type, summary)  # its keys are also kept under a key of its own
        keys = self._key_cache.get(key) or self._key_cache.setdefault(key, self._actions_of(
            (actor,), (target,), type, (summary,), effects))
        self.proposals.append((keys, prob))

    def propose_many(self, actor: str, targets, type: str, prob, summaries, **effects) -> None:
        """Offer the same kind of action towards several targets; ``prob`` is ``[replicate, target]``."""
        keys = self._actions_of((actor,) * len(targets), tuple(targets), type, tuple(summaries), effects)
        self.proposals.append((keys, single(prob) if len(keys) == 1 else prob))

    def propose_each(self, actors, target: str, type: str, prob, summaries, **effects) -> None:
        """Several actors each offer the same kind of action to target; ``prob`` is ``[replicate, actor]``."""
        keys = self._actions_of(tuple(actors), (target,) * len(actors), type, tuple(summaries), effects)
        self.proposals.append((keys, single(prob) if len(keys) == 1 else prob))

    def _actions_of(self, actors: tuple, targets: tuple, type: str, summaries: tuple, effects: dict) -> tuple:
        """The keys of these actions, registering what each does the first time it is offered."""
        cache_key = (self.current_rule, actors, targets, type, summaries)
        found = self._key_cache.get(cache_key)
        if found is None:
            keys = []
            for actor, target, summary in zip(actors, targets, summaries):
                key = (self.current_rule, self.idx[actor], self.idx[target], type, summary)
                if key not in self.actions:
                    tie, untie = effects.get("tie"), effects.get("untie")
                    self.actions[key] = Action(
                        rule=self.current_rule, actor=key[1], target=key[2], type=type, summary=summary,
                        alignment=effects.get("alignment", 0.0), aid=effects.get("aid", 0.0),
                        pressure=effects.get("pressure", 0.0), tie=TIE_BITS[tie] if tie else 0,
                        untie=TIE_BITS[untie] if untie else 0, security=effects.get("security", 0.0),
                        symmetric_tie=(type == "treaty"), lever=effects.get("lever", ""),
                        lever_amount=effects.get("lever_amount", 0.0), returns=effects.get("returns", False),
                    )
                keys.append(key)
            found = self._key_cache[cache_key] = tuple(keys)
        return found

    def give_aid_each(self, actors, target: str, amount, label: str | None = None) -> None:
        """Several actors each send aid to target; ``amount`` is ``[replicate, actor]``."""
        amount = np.broadcast_to(np.maximum(amount, 0.0), (self.R, len(actors)))
        j = self.idx[target]
        self.intended["aid_given"][self.at(actors), j] += amount.T
        self.written[0, self.at(actors), j] = True
        for column, actor in enumerate(actors):
            self.flows.append(Flow("aid", "aid", self.current_rule, self.idx[actor], j, amount[:, column], label))

