"""Dependency levers as state: what each holder has over Tajikistan, month by month.

Asymmetric dependence gives the less dependent side influence, and the influence grows with the
dependent side's cost of switching (Hirschman 1945; Keohane and Nye 1977: sensitivity and
vulnerability). Each lever is a stock per replicate that moves with the model's own flows and
the exogenous world, never with the calendar:

* **migration** - Tajik migrants working in Russia and Kazakhstan, drawn by the gap between the
  host's wages (its income per head in dollars: its growth, prices and currency) and Tajikistan's,
  as far as the host lets them in; their **remittances** (a share of Tajikistan's income) feed its
  economy; Tajikistan's own real **output**, which peace grows, war shrinks and the Soviet
  economy's end cut, is what they are a share of;
* **energy and transit** - the share of Tajikistan's gas, power and overland routes that pass
  through a neighbour (Uzbekistan above all), shrinking as Tajikistan builds its own supply
  (small plants, and once it has resolved to build it, the Rogun dam, as fast as it finds the
  money; the dam under way is what its downstream neighbour squeezes it over);
* **debt** - what Tajikistan owes each creditor (China's lending above all), repaid slowly;
* **trade** - each partner's share of Tajikistan's trade, following the partners' economic mass,
  how open the road to them is, and how well the two regard each other;
* **security** - each patron's share of the outside military support present in Tajikistan: its
  forces based there (Russia's 201st, China's posts) and its military aid, decaying.

A holder can **squeeze** its lever (rules in :mod:`sim.core.rules.levers`): a squeeze is a
decaying stock that closes the lever for a while - migrants turned back, gas cut, the railway
blocked - and hurts Tajikistan in proportion to how much it depends on that lever, at a cost to
the holder that its own rules weigh. Tajikistan answers a squeeze at most once; its answers make its
**reputation** for giving way (:mod:`sim.core.reputation`). A base has a **lease** (:mod:`sim.core.leases`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from sim.core.arrays import total as _total
from sim.core.leases import Leases
from sim.core.protection import irreplaceable
from sim.core.reputation import ANSWERS, Reputation
from sim.core.unions import migrants_wage_kept

if TYPE_CHECKING:
    from sim.core.world import World
    from sim.scenario.schema import LeverStart, Parameters

#: The levers a holder can squeeze.
LEVERS = ("migration", "energy", "debt", "trade", "security")
#: The lever effects an action can have (:meth:`Levers.act`), in the order a month's are carried out:
#: concessions first, so that they ease the squeezes standing when they were decided, not the new
#: squeezes of the same month (which wait for next month's answer); a lease settles a hold-out.
EFFECTS = (*ANSWERS, "relief", "dam", "holdout", "lease", *LEVERS, "withhold")
#: The effects that squeeze a lever, and the lever: R82's ``withhold`` squeezes security while a hold-out stands.
SQUEEZES = {**{lever: lever for lever in LEVERS}, "withhold": "security"}
#: Tajikistan's trade partners followed one by one; the rest of the world is one more share.
TRADE_PARTNERS = ("RUS", "CHN", "KAZ", "UZB", "TUR", "IRN", "USA", "AFG", "TKM", "KGZ", "PAK")
#: Which driver grows each partner's economic mass (real GDP growth, percent a year).
GROWTH_DRIVERS = {"RUS": "russia_growth", "CHN": "china_growth", "KAZ": "kazakhstan_growth"}
#: Partners whose goods reach Tajikistan by rail through Uzbekistan (every railway into the country
#: crosses it), so that Uzbekistan's blockade of its transit closes their road too.
VIA_UZBEKISTAN = ("RUS", "KAZ", "TKM", "IRN", "TUR")
#: Which driver gives a host's income per head in current US dollars, what a migrant's wage there
#: is worth at home (its growth, prices and currency together: the rouble's collapses and recoveries).
DOLLAR_DRIVERS = {"RUS": "russia_dollar_income", "KAZ": "kazakhstan_dollar_income"}
#: Russia's value in 1991 (WDI, scenarios/base/drivers.yaml): every host's wage on one dollar scale, equal incomes equal wages
#: (Kazakhstan's was 0.41 of it); fixed, so that an experiment that changes a driver from the first month still moves them.
WAGE_REFERENCE = 3490.45239257813
#: Tajikistan's population in 1991 (WDI, as in scenarios/base/drivers.yaml), against which its output per head is measured.
POPULATION_REFERENCE = 5541205.0


class Levers:
    """The levers' stocks for R replicates of N actors (arrays ``[replicate, actor]`` by holder)."""

    def __init__(self, replicates: int, codes: list[str], specs: dict):
        R, N = replicates, len(codes)
        self.codes = list(codes)
        self.migrants = np.zeros((R, N))       # share of Tajikistan's workforce working in each host
        self.remittances = np.zeros((R, N))    # what they send home, percent of Tajikistan's GDP
        self.energy = np.zeros((R, N))         # share of Tajikistan's energy and transit through each holder
        self.own_supply = np.zeros(R)          # how far Tajikistan has built its own energy (Rogun and plants), 0..1
        self.dam = np.zeros((R, N))            # 1 where an actor has resolved to build its great dam (Tajikistan: Rogun)
        self.debt = np.zeros((R, N))           # what Tajikistan owes each creditor, in years of its outside aid
        self.trade = np.zeros((R, N))          # each partner's share of Tajikistan's trade
        self.security = np.zeros((R, N))       # each patron's share of the military support present
        self.support = np.zeros((R, N))        # and the support itself: forces based there and military aid
        self.squeeze = {lever: np.zeros((R, N)) for lever in LEVERS}  # the holders' squeezes, decaying
        self.mass = np.ones((R, N))            # partners' economic mass, relative to independence
        self.trend_output = 1.0                # the output peace would have brought since independence, had the Union lasted
        self.growth = np.zeros(N)              # partners' real growth this year, percent (where a driver gives it)
        self.sent = np.zeros((R, N))           # what each host's migrants send, percent of Tajikistan's 1991 dollar output
        self.sent_before = np.zeros((R, N))    # the same over the past year or so
        self.home_output = np.ones(R)          # its output per head in dollars, 1991 = 1 (remittances a share of it)
        self.resentment = np.zeros((R, N))     # Tajikistan's memory of the harm each holder's levers did it
        self.lesson = np.zeros((R, N))         # what Tajikistan has learned depending on each holder costs it
        self.lending = np.zeros((R, N))        # this month's new lending by each creditor
        self.reputation = Reputation(R, N)     # Tajikistan's reputation for giving way, learned from its answers
        self.leases = Leases(R, N)             # each patron's formal lease of its base in Tajikistan
        self.energy_base = np.array([getattr(specs[c], "energy_share", 0.0) for c in codes])
        self.downstream = np.array([getattr(specs[c], "downstream", 0.0) for c in codes])
        self.destination = np.array([getattr(specs[c], "migrant_share", 0.0) for c in codes])
        self.trade_weight = np.array([getattr(specs[c], "trade_share", 0.0) for c in codes])
        self.energy[:] = self.energy_base
        self.trade[:] = self.trade_weight
        self._settling = False
        self._kept: dict[str, np.ndarray] | None = None
        self.via_uzbekistan = np.array([code in VIA_UZBEKISTAN for code in codes], dtype=float)
        self.states = np.array([getattr(specs[c], "kind", "state") == "state" for c in codes], dtype=float)

    def start(self, given: LeverStart, before: dict[str, np.ndarray], p: Parameters) -> None:
        """The stocks when a run starts: what the scenario gives, and for a run that opens after
        independence (``given.settled``) the partners' masses grown by ``before``, each growth
        driver's monthly values since independence, Tajikistan's trend output grown at its peacetime
        rate for as many months, and migrants and trade to settle at once."""
        for code, share in given.migrants.items():
            if code in self.codes:
                self.migrants[:, self.index(code)] = share
        for code, owed in given.debt.items():
            if code in self.codes:
                self.debt[:, self.index(code)] = owed
        self.own_supply[:] = given.own_supply
        self.reputation.level[:] = given.reputation
        self.leases.start(given.leases, self.codes)
        if "TJK" in self.codes:
            self.dam[:, self.index("TJK")] = float(given.dam_underway)
        self.energy = self.energy_base[None, :] * (1.0 - self.own_supply[:, None])
        self._settling = given.settled
        if "TJK" in self.codes:
            self.mass[:, self.index("TJK")] = given.output
        if given.settled:
            months = len(next(iter(before.values()))) if before else 0
            self.trend_output = (1.0 + p.output_growth / 100.0) ** (months / 12.0)
            for code, driver in GROWTH_DRIVERS.items():
                if code in self.codes and driver in before:
                    self.mass[:, self.index(code)] = float(np.prod((1.0 + before[driver] / 100.0) ** (1.0 / 12.0)))

    def index(self, code: str) -> int:
        return self.codes.index(code)

    # --- what the rules read ------------------------------------------------------------------

    def hold_still(self, kept: tuple[dict, dict] | None) -> None:
        """Where the readings are kept while the stocks stand still (the model's decide and record phases), or None
        after: meanwhile each reading below is computed once and kept, read-only; after it, each is computed afresh."""
        self._kept, self.leases.kept = kept or (None, None)

    def reading(self, name: str, compute: Callable[[], np.ndarray]) -> np.ndarray:
        """A reading of the stocks, kept while they stand still (see :meth:`hold_still`), so that
        several rules reading the same in one month compute it once; ``name`` must say all it depends on."""
        if self._kept is None:
            return compute()
        found = self._kept.get(name)
        if found is None:
            found = self._kept[name] = compute()
            found.flags.writeable = False
        return found

    def holds(self, lever: str) -> np.ndarray:
        """How much each holder holds over Tajikistan through ``lever``, ``[replicate, actor]`` in [0, 1]."""
        if lever == "migration":
            return self.reading(lever, lambda: np.minimum(self.remittances / 50.0, 1.0))
        if lever == "debt":
            return self.reading(lever, lambda: np.minimum(self.debt, 1.0))
        if lever in ("energy", "trade", "security"):
            stock = getattr(self, lever).view()
            stock.flags.writeable = False  # a reading, not the stock itself
            return stock
        raise KeyError(lever)

    def hold(self) -> np.ndarray:
        """Each holder's whole hold over Tajikistan: its levers together, ``[replicate, actor]``."""
        return self.reading("hold", lambda: np.minimum(_total(self.holds(lever) for lever in LEVERS) / 2.0, 1.0))

    def squeezing(self) -> np.ndarray:
        """How hard each holder squeezes Tajikistan now, its levers together, ``[replicate, actor]``."""
        return self.reading("squeezing", lambda: _total(self.squeeze.values()))

    def alternatives(self, lever: str) -> np.ndarray:
        """How far the other holders of ``lever`` could replace each holder: their hold together,
        ``[replicate, actor]`` in [0, 1]. For energy and transit, a supply that itself crosses the
        holder is no alternative to it: every railway into Tajikistan crosses Uzbekistan, so Russian,
        Kazakh and Turkmen fuel cannot replace what Uzbekistan holds back."""
        held = self.holds(lever)
        others = held.sum(axis=1, keepdims=True) - held
        if lever == "energy" and "UZB" in self.codes:
            u = self.index("UZB")
            others[:, u] -= held @ self.via_uzbekistan
        return np.clip(others, 0.0, 1.0)

    def vulnerability(self, lever: str) -> np.ndarray:
        """What Tajikistan would lose were each holder to close ``lever`` for good, ``[replicate, actor]``: the
        holder's hold, less what the others could replace (Keohane and Nye's vulnerability: the cost of
        switching, not the dependence alone); for security, in forces (:func:`sim.core.protection.irreplaceable`)."""
        if lever == "security":
            return self.reading("vulnerability security", lambda: irreplaceable(self.support, self.states))
        return self.reading("vulnerability " + lever, lambda: self.holds(lever) * (1.0 - self.alternatives(lever)))

    # --- one month ---------------------------------------------------------------------------

    def step(self, w: World, p: Parameters, military_stock: np.ndarray, stationed: np.ndarray,
             members_of: dict[str, np.ndarray]) -> None:
        """Move every lever one month. ``military_stock`` is ``[replicate, actor]``: each patron's
        decaying stock of military support to Tajikistan; ``stationed`` (same shape, 0 or 1) whether
        its forces are based there; ``members_of`` says, per replicate, whether Tajikistan belongs
        to each union of :data:`sim.core.unions.UNIONS` present."""
        for squeeze in self.squeeze.values():
            squeeze *= p.squeeze_decay
            np.minimum(squeeze, 1.0, out=squeeze)
        self.lending = w.lending.copy()
        self._grow_masses(w)
        self._grow_output(w, p)
        settle, self._settling = self._settling, False
        self._migration(w, p, members_of, settle)
        self._energy(w, p)
        self._debt(p)
        self._trade(w, p, settle)
        self._remember_harm(p, settle)
        self.reputation.learn(p)
        self.leases.step()
        self.support = present = military_stock + p.garrison * stationed
        total = present.sum(axis=1, keepdims=True)
        self.security = np.divide(present, total, out=np.zeros_like(present), where=total > 1e-9)

    def reach(self, code: str) -> np.ndarray:
        """A partner's economic reach into Central Asia, 0..1 per replicate: slight at independence,
        full once its economy is ten times what it was (China's by the 2010s)."""
        return np.clip(0.05 + np.log10(np.maximum(self.mass[:, self.index(code)], 1e-9)), 0.0, 1.0)

    def harm(self) -> np.ndarray:
        """The harm each holder's levers do Tajikistan this month, ``[replicate, actor]``: the income
        it loses as its migrants there send less than over the past year, in points of its GDP now
        (1 at 5 points), and the squeezes it applies. The loss is counted in dollars sent, so that
        remittances shrinking as a share of a growing economy are no loss."""
        lost = np.maximum(self.sent_before - self.sent, 0.0) / self.home_output[:, None] / 5.0
        return lost + self.squeezing()

    def _remember_harm(self, p: Parameters, settle: bool) -> None:
        """Resentment is harm remembered: a moving average of :meth:`harm` over about
        ``resentment_memory`` years, so that a shock is felt for years after it and then fades.
        The lesson is harm learned from: each month's harm, weighted by how far Tajikistan depended
        on the holder then, adds to what it has learned that dependence costs, never forgotten (a
        decade, ``lesson_years``, of harm at 1 under a full hold teaches 1). So the costs of
        dependence are "slowly realised": each crisis adds to the last, while resentment fades."""
        if settle:
            self.sent_before = self.sent.copy()
            return
        harm = self.harm()
        self.resentment += (harm - self.resentment) / (12.0 * max(p.resentment_memory, 1.0 / 12.0))
        self.lesson += harm * self.hold() / (12.0 * p.lesson_years)
        self.sent_before += (self.sent - self.sent_before) / 12.0

    def _grow_masses(self, w: World) -> None:
        for code, driver in GROWTH_DRIVERS.items():
            if code in self.codes and driver in w.drivers:
                self.growth[self.index(code)] = w.drivers[driver]
                self.mass[:, self.index(code)] *= (1.0 + w.drivers[driver] / 100.0) ** (1.0 / 12.0)

    def potential_output(self, w: World, p: Parameters) -> float:
        """The output Tajikistan's economy can sustain in peace, relative to 1991's: its trend, grown
        at the peacetime rate since independence, less the share of it the Soviet economy supplied
        (Union transfers, guaranteed orders and trade) once that economy is gone (the exogenous
        ``soviet_collapse`` driver, 0 while the Union stands, 1 from its end)."""
        return self.trend_output * (1.0 - p.output_union_loss * min(max(w.drive("soviet_collapse"), 0.0), 1.0))

    def _grow_output(self, w: World, p: Parameters) -> None:
        """Tajikistan's real output, percent a year: its peacetime rate; in peace, a convergence
        towards its potential (:meth:`potential_output`), the faster the further from it: recovery
        after a war (Collier 1999; Chen, Loayza and Reynal-Querol 2008), and the slide after the
        Union's end, when the Soviet economy's share of it was lost; in war, a loss in proportion
        to how fully the country is at war, fading as output sinks towards what a war economy keeps
        going (a floor, a share of its potential). The World Bank's growth series is what the five
        constants are fitted to, jointly with remittances and trade; a run reads it only where a
        later period starts output at its compounded level."""
        if "TJK" not in self.codes:
            return
        t, war = self.index("TJK"), w.conflict.war
        potential = self.potential_output(w, p)
        output = self.mass[:, t]
        gap = np.log(potential / output)
        above_floor = np.maximum(1.0 - p.output_war_floor * potential / output, 0.0)
        growth = (p.output_growth + 100.0 * p.output_catch_up * gap * (1.0 - war)
                  - p.output_war_loss * war * above_floor)
        output *= (1.0 + np.maximum(growth, -99.0) / 100.0) ** (1.0 / 12.0)
        self.trend_output *= (1.0 + p.output_growth / 100.0) ** (1.0 / 12.0)

    def output(self) -> np.ndarray:
        """Tajikistan's real output relative to 1991's, ``[replicate]``."""
        return self.mass[:, self.index("TJK")] if "TJK" in self.codes else np.ones(self.mass.shape[0])

    def output_per_head(self, w: World) -> np.ndarray:
        """Tajikistan's real output per head relative to 1991's, ``[replicate]``: migrants are a
        share of its workforce, so what they send is a share of output per head (where the
        ``tajikistan_population`` driver gives the head count; else output itself)."""
        people = w.drivers.get("tajikistan_population")
        return self.output() if people is None else self.output() * POPULATION_REFERENCE / max(people, 1.0)

    def dollar_output(self, w: World) -> np.ndarray:
        """Tajikistan's output per head in dollars, 1991 = 1, ``[replicate]``: its real output per
        head at its price level in dollars (the ``tajikistan_dollar_prices`` driver; 1 without it),
        what remittances, counted in dollars, are a share of."""
        return self.output_per_head(w) * max(w.drivers.get("tajikistan_dollar_prices", 1.0), 1e-6)

    def dollar_wages(self, w: World, p: Parameters) -> np.ndarray:
        """What a migrant earns in each host, in dollars against Russia's 1991 income per head (one scale
        for every host with a dollar driver), times ``migration_wage_gap``, ``[replicate, actor]`` (a host
        without a dollar driver: its real mass)."""
        wages = self.mass * p.migration_wage_gap
        for code, driver in DOLLAR_DRIVERS.items():
            if code in self.codes and driver in w.drivers:
                wages[:, self.index(code)] = p.migration_wage_gap * max(w.drivers[driver], 1.0) / WAGE_REFERENCE
        return wages

    def host_income(self, w: World, p: Parameters) -> np.ndarray:
        """Each host's wages as a migrant sees them, ``[replicate, actor]`` (Tajikistan's at 1 in a sound
        economy): ``migration_wage_gap`` times, where a driver gives it, the host's income per head in dollars
        against Russia's in 1991, to the power ``migration_dollar`` (a wage is sent home in dollars' worth: the
        rouble's fall cuts it, whatever Russia's real growth); elsewhere the host's real economic mass."""
        income = self.mass * p.migration_wage_gap
        for code, driver in DOLLAR_DRIVERS.items():
            if code in self.codes and driver in w.drivers:
                ratio = max(w.drivers[driver], 1.0) / WAGE_REFERENCE
                income[:, self.index(code)] = p.migration_wage_gap * ratio ** p.migration_dollar
        return income

    def _migration(self, w: World, p: Parameters, members_of: dict[str, np.ndarray], settle: bool) -> None:
        """Migrants go where wages are higher, as far as the host lets them, and they follow those
        already there (a network: the flow grows with the stock); they send money home."""
        home = 0.2 + w.economy[:, None]
        kept = migrants_wage_kept(w, p, self.codes, members_of)
        income = self.host_income(w, p) * kept
        pull = income / (income + home)
        openness = 1.0 - self.squeeze["migration"]
        target = p.migration_max * self.destination * pull * openness
        if settle:
            self.migrants = target
        else:
            network = np.where(target > self.migrants, p.migration_network + self.migrants / max(p.migration_max, 1e-9), 1.0)
            self.migrants += p.migration_rate * np.minimum(network, 1.0) * (target - self.migrants)
        self.home_output = self.dollar_output(w)
        self.sent = p.remittance_scale * self.migrants * self.dollar_wages(w, p) * kept
        self.remittances = self.sent / self.home_output[:, None]

    def _energy(self, w: World, p: Parameters) -> None:
        """Supply through a neighbour shrinks as Tajikistan builds its own (R70 builds it)."""
        self.own_supply = np.minimum(self.own_supply + w.energy_building, 1.0)
        self.energy = self.energy_base[None, :] * (1.0 - self.own_supply[:, None])

    def dam_underway(self) -> np.ndarray:
        """Whether Tajikistan is building its great dam now, ``[replicate]``: resolved (R70), not done."""
        if "TJK" not in self.codes:
            return np.zeros(len(self.own_supply))
        return self.dam[:, self.index("TJK")] * (self.own_supply < 1.0)

    def action_stock(self, lever: str) -> tuple[np.ndarray, float, float | None]:
        """What an action's ``lever`` effect adds its amount to, ``[replicate, actor]`` by the acting side:
        the sign of the addition and the stock's cap (its floor is 0). ``relief`` writes off what Tajikistan
        owes the actor; ``dam`` is Tajikistan resolving to build its dam; a lever is the actor's squeeze of it."""
        if lever == "relief":
            return self.debt, -1.0, None
        if lever == "dam":
            return self.dam, 1.0, 1.0
        return self.squeeze[SQUEEZES[lever]], 1.0, 1.0

    def act(self, effect: str, reps: np.ndarray, actors: np.ndarray, targets: np.ndarray, amounts: np.ndarray) -> None:
        """Carry out the lever effects of actions that happened: in replicates ``reps``, ``actors``
        did to ``targets`` what ``effect`` names, by ``amounts`` (in the order of :data:`EFFECTS`).
        A ``concession`` gives a holder what its squeeze demanded: it eases every squeeze it applies
        by the amount, and a downstream neighbour squeezing energy over the dam under way gets the
        dam put on hold (Tajikistan must resolve again; in 2010 it agreed with the World Bank that
        "no new construction would commence" at Rogun until the studies were done). A ``defiance``
        stands against it in public. Either answers the holder's waiting squeeze, and the holders
        learn its reputation from the answers. What an action does to a lease is :meth:`Leases.hear`;
        a ``lease`` also eases the patron's migrant squeeze by the amount, and ends its security squeeze. Any
        other effect adds to the acting side's stock (:meth:`action_stock`); a squeeze then waits."""
        if effect == "withhold":  # R82's funding stop holds only while its hold-out does: not after this month's lease
            amounts = amounts * self.leases.holding_out[reps, actors]
        if effect in ANSWERS:
            self.reputation.hear(effect, reps, targets)
        elif effect in SQUEEZES:
            self.reputation.squeezed(reps[amounts > 0], actors[amounts > 0])
        self.leases.hear(effect, reps, actors, targets)
        if effect in ("defiance", "holdout"):
            return
        if effect == "lease":  # Russia's side of the 2012 deal, "Russia will admit more Tajik laborers" (reuters2012lease)
            np.add.at(self.squeeze["migration"], (reps, actors), -amounts)
            np.maximum(self.squeeze["migration"], 0.0, out=self.squeeze["migration"])
            self.squeeze["security"][reps, actors] = 0.0  # and the base's funding resumes (R82)
            return
        if effect == "concession":
            if "TJK" in self.codes:
                t = self.index("TJK")
                over_dam = (self.downstream[targets] > 0) & (self.squeeze["energy"][reps, targets] > 0)
                self.dam[reps[over_dam], t] = 0.0
            for squeeze in self.squeeze.values():
                np.add.at(squeeze, (reps, targets), -amounts)
                np.maximum(squeeze, 0.0, out=squeeze)
            return
        stock, sign, cap = self.action_stock(effect)
        np.add.at(stock, (reps, actors), sign * amounts)
        np.clip(stock, 0.0, cap, out=stock)

    def shortfall(self) -> np.ndarray:
        """How much of Tajikistan's energy and transit is cut off this month, ``[replicate]``."""
        return (self.energy * self.squeeze["energy"]).sum(axis=1)

    def _debt(self, p: Parameters) -> None:
        """New loans add to what is owed; a steady share is repaid, or written off, each month."""
        self.debt += self.lending - p.debt_repayment * self.debt
        np.maximum(self.debt, 0.0, out=self.debt)

    def _trade(self, w: World, p: Parameters, settle: bool) -> None:
        """Trade shares follow the partners' economic mass, the open road and good relations."""
        t = w.tjk
        regard = 1.0 + 0.5 * np.clip(w.alignment[:, t, :] + w.alignment[:, :, t], -1.0, 1.0)
        blockade = self.squeeze["energy"][:, [self.index("UZB")]] if "UZB" in self.codes else 0.0
        road = 1.0 - self.squeeze["trade"] - p.trade_transit * blockade * self.via_uzbekistan[None, :]
        attraction = self.trade_weight[None, :] * self.mass ** p.trade_mass * regard * np.maximum(road, 0.0)
        total = attraction.sum(axis=1, keepdims=True) + p.trade_rest
        target = attraction / total
        self.trade += (1.0 if settle else p.trade_rate) * (target - self.trade)
