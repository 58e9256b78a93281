"""Armed conflict as state: the civil war, month by month (the Kyrgyz-Tajik border: sim/core/border.py).

The civil war is fought between the government and the armed opposition (the United Tajik
Opposition, actor ``UTO``). Its course is the balance of what each side gets and loses:

* the **opposition** recruits where hardship meets an illegitimate regime (Epstein 2002: grievance
  is hardship times illegitimacy), and grows with outside support - sanctuary, arms and fighters
  across the Afghan border (Salehyan 2007) - flows that other actors' rules decide;
* the **government** fights with its own means (economy, regime) and with the outside military
  backing its patrons' rules send (Russia's 201st division and border troops, Uzbekistan, CIS
  peacekeepers); the balance ``pi`` is the government's share of the two sides' strength;
* fighting (``intensity``) flares when the opposition's effective strength passes a threshold,
  moves control of the country towards the balance, exhausts both sides and displaces people;
* each side's belief that it will win starts optimistic and is corrected by fighting (Fearon 1995:
  private information revealed in battle): while both expect to win there is no bargain;
* **talks** gain momentum from mediation, most when the war is ripe - a mutually hurting
  stalemate with a way out (Zartman 2000); a ceasefire and an accord are discrete decisions of
  the parties (rules in :mod:`sim.core.rules.conflict`), recorded as ties ``ceasefire`` and
  ``accord`` between TJK and UTO; after an accord the opposition gets a share of posts (the 1997
  General Agreement's 30%), its fighters are integrated and refugees return, but a consolidated
  regime is tempted to renege (Fearon's commitment problem): the opposition's exclusion from
  what it was promised rebuilds grievance and draws integrated fighters back out - the ground
  of later flare-ups and spoilers (Stedman 1997), which arms from an unstable Afghanistan feed.

The border dispute with Kyrgyzstan is interstate, and has its own module (:mod:`sim.core.border`).

Intensity is in [0, 1], the share of the war's peak fighting. ``docs/ODD.md`` maps it onto
UCDP's levels: battle deaths a month ~ 3,000 x intensity^2, so a year at mean intensity^2 above
0.028 has >= 1,000 deaths (level 2) and above 0.0007 (intensity about 0.03) >= 25 (level 1).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sim.core.world import World
    from sim.scenario.schema import Parameters

#: Battle deaths in a month of the war's peak fighting (intensity 1): the 1992 war killed some
#: 20,000-50,000 people (Human Rights Watch 1994), most of them in its second half-year.
PEAK_MONTHLY_DEATHS = 3000.0
#: UCDP's thresholds of battle deaths a year: 25 (a conflict, level 1) and 1,000 (a war, level 2).
UCDP_MINOR, UCDP_WAR = 25.0, 1000.0
#: The ``rule`` of the events the conflicts log themselves (fighting breaking out).
EVENT_SOURCE = "conflict"
#: Random draws the civil war consumes each month (its own noise), the same in every month.
DRAWS = 1
#: Intensity at which the country counts as fully at war for the actors' rules (about 190 battle
#: deaths a month, well inside UCDP's level 2); below it the war is partly "on".
AT_WAR = 0.25
#: Intensity of a month whose rate of battle deaths over a year reaches UCDP's 25 (level 1).
MINOR_INTENSITY = float(np.sqrt(UCDP_MINOR / 12.0 / PEAK_MONTHLY_DEATHS))


def _unit(x: np.ndarray) -> np.ndarray:
    """``x`` clipped to [0, 1] (two ufuncs: cheaper than ``np.clip`` on a few replicates)."""
    return np.minimum(np.maximum(x, 0.0), 1.0)


def monthly_deaths(intensity: np.ndarray) -> np.ndarray:
    """Battle deaths a month implied by intensity (any shape)."""
    return PEAK_MONTHLY_DEATHS * np.square(intensity)


def ucdp_level(monthly_intensity: np.ndarray) -> np.ndarray:
    """UCDP intensity level (0, 1, 2) of a year from its twelve months of intensity (last axis)."""
    deaths = monthly_deaths(monthly_intensity).sum(axis=-1)
    return (deaths >= UCDP_MINOR).astype(int) + (deaths >= UCDP_WAR).astype(int)


class CivilWar:
    """The war between the government and the armed opposition, for R replicates at once."""

    def __init__(self, replicates: int):
        R = replicates
        self.opposition = np.zeros(R)        # the armed opposition's strength
        self.control = np.ones(R)            # the government's share of the country; it holds Dushanbe above 0.5
        self.intensity = np.zeros(R)         # fighting, 0 (peace) to 1 (the war's peak)
        self.exhaustion_gov = np.zeros(R)    # each side's accumulated cost of fighting, 0..1
        self.exhaustion_opp = np.zeros(R)
        self.optimism_gov = np.zeros(R)      # how far each side overrates its chance of winning
        self.optimism_opp = np.zeros(R)
        self.talks = np.zeros(R)             # momentum of negotiations, 0..1
        self.displaced = np.zeros(R)         # share of the population displaced or abroad, 0..1
        self.sharing = np.zeros(R)           # share of posts held by the opposition after an accord
        self.exclusion = np.zeros(R)         # how far the opposition has been pushed out of what an accord promised, 0..1
        self.integrated = np.zeros(R)        # share of the opposition's fighters integrated after an accord
        self.backing_gov = np.zeros(R)       # outside military backing present with the government (a decaying stock)
        self.backing_opp = np.zeros(R)       # outside support reaching the opposition (a decaying stock)
        self.mediation = np.zeros(R)         # mediation that reached the parties this month, weighted by their trust
        self.balance = np.full(R, 1.0)       # the government's share of the two sides' strength (pi)
        self.ceasefire = np.zeros(R, dtype=bool)
        self.accord = np.zeros(R, dtype=bool)
        self.costs = 0.5                     # how far fighting's costs open a bargaining range (war_costs)
        self.read_off()

    def start(self, p: Parameters, opposition: float, control: float = 1.0, intensity: float = 0.0,
              exhaustion: float = 0.0, talks: float = 0.0, sharing: float = 0.0) -> None:
        """The war's state at the start of a run (a period file may start mid-war)."""
        self.costs = p.war_costs
        self.sharing[:] = sharing
        self.opposition[:] = opposition
        self.control[:] = control
        self.intensity[:] = intensity
        self.exhaustion_gov[:] = self.exhaustion_opp[:] = exhaustion
        self.talks[:] = talks
        self.optimism_gov[:] = self.optimism_opp[:] = p.war_optimism
        self.read_off()

    # --- what the rules read -------------------------------------------------------------

    def read_off(self) -> None:
        """What the actors read off the war, computed once a month (rules read them many times).

        ``war``: how far the country is at war, 0 (peace) to 1 (at war), as the actors see it;
        ``threat``: how far the government is from safety (fighting, or the country out of its
        control); ``fighting``: 1 where this month reaches UCDP's threshold of 25 battle deaths a
        year; ``holds_capital``: 1 where the government holds Dushanbe (control above one half).
        """
        self.war = np.minimum(self.intensity / AT_WAR, 1.0)
        self.threat = np.maximum(self.intensity, 1.0 - self.control)
        self.fighting = (self.intensity >= MINOR_INTENSITY).astype(float)
        self.holds_capital = (self.control > 0.5).astype(float)

    def expects_to_win(self) -> tuple[np.ndarray, np.ndarray]:
        """Each side's belief that it would win: the true balance plus its optimism, in [0, 1]."""
        gov = _unit(self.balance + self.optimism_gov)
        opp = _unit(1.0 - self.balance + self.optimism_opp)
        return gov, opp

    def bargaining_range(self) -> np.ndarray:
        """Whether a settlement both prefer to fighting exists: their hopes, summed, do not exceed
        the whole by more than fighting costs them (Fearon 1995). Never while both expect to win."""
        gov, opp = self.expects_to_win()
        both_expect_to_win = (gov > 0.5) & (opp > 0.5)
        costs = self.costs * (self.exhaustion_gov + self.exhaustion_opp)
        return ~both_expect_to_win & (gov + opp - 1.0 < costs)

    def ripeness(self) -> np.ndarray:
        """A mutually hurting stalemate (Zartman 2000): both sides hurt, neither winning, a deal possible."""
        stalemate = 1.0 - np.abs(2.0 * self.balance - 1.0)
        hurting = np.minimum(self.exhaustion_gov, self.exhaustion_opp)
        return hurting * stalemate * self.bargaining_range()

    # --- one month -----------------------------------------------------------------------

    def step(self, w: World, p: Parameters, to_gov: np.ndarray, to_opp: np.ndarray, noise: np.ndarray) -> None:
        """Move the war one month; ``to_gov``/``to_opp`` are this month's outside military flows to
        each side, ``noise`` a uniform draw per replicate."""
        accord_now = w.has("TJK", "UTO", "accord") | w.has("UTO", "TJK", "accord")
        ceasefire_now = w.has("TJK", "UTO", "ceasefire") & w.has("UTO", "TJK", "ceasefire")  # either side can break it
        new_accord = accord_now & ~self.accord
        self.sharing = np.where(new_accord, p.war_power_sharing, self.sharing)
        self.accord, self.ceasefire = accord_now, ceasefire_now | accord_now

        self.backing_gov = p.aid_decay * self.backing_gov + to_gov
        self.backing_opp = p.aid_decay * self.backing_opp + to_opp
        gov = p.war_gov_base * (0.5 + 0.5 * w.economy + 0.5 * w.security) + p.war_gov_backing * self.backing_gov
        self.balance = gov / (gov + self.opposition + 1e-9)
        pi = self.balance

        promised = np.where(self.accord, p.war_power_sharing, 0.0)
        self.exclusion = np.maximum(promised - self.sharing, 0.0) / max(p.war_power_sharing, 1e-9)
        hardship = 1.0 - w.economy
        illegitimacy = np.minimum(1.0 - w.security + p.war_exclusion * self.exclusion, 1.0)
        grievance = hardship * illegitimacy
        # recruits come to an organisation: a disbanded opposition cannot mobilise the aggrieved
        # until outside backing rebuilds it (Mason et al. 2011: multiple sovereignty)
        organisation = self.opposition / (self.opposition + p.war_organisation + 1e-12)
        recruits = (p.war_recruitment * grievance * organisation * (1.0 - self.exhaustion_opp)
                    * (1.0 - self.integrated))
        losses = p.war_attrition * self.intensity * pi * self.opposition
        disbanding = np.where(self.accord, p.war_integration * self.opposition, 0.0)
        self.opposition = np.maximum(self.opposition + recruits + p.war_opp_backing * to_opp - losses - disbanding
                                     - p.war_dissolution * self.opposition, 0.0)
        # fighters integrate as the accord promised, and drift back out as its promise is broken
        self.integrated = np.where(self.accord, self.integrated + p.war_integration * (1.0 - self.exclusion - self.integrated),
                                   self.integrated)

        pressure = self.opposition * (1.0 - pi) - p.war_threshold
        target = _unit(p.war_intensity_gain * pressure)
        target *= np.where(self.ceasefire, 1.0 - p.war_ceasefire_effect, 1.0)
        target *= np.where(self.accord, 1.0 - p.war_accord_effect, 1.0)
        shock = (noise - 0.5) * p.war_noise * np.sqrt(12.0) * (target > 0)
        self.intensity = _unit(self.intensity + p.war_intensity_rate * (target - self.intensity) + shock)

        self.control = _unit(self.control + p.war_control_rate * self.intensity * (pi - self.control))
        heat = p.war_exhaustion * self.intensity
        self.exhaustion_gov += heat * 2.0 * (1.0 - pi) * (1.0 - self.exhaustion_gov) - p.war_recovery * self.exhaustion_gov
        self.exhaustion_opp += heat * 2.0 * pi * (1.0 - self.exhaustion_opp) - p.war_recovery * self.exhaustion_opp
        learning = 1.0 - p.war_learning * self.intensity
        self.optimism_gov *= learning
        self.optimism_opp *= learning

        self.costs = p.war_costs
        ripe = self.ripeness()
        self.talks += (p.war_talks_gain * self.mediation * (0.2 + ripe) * (1.0 - self.talks)
                       - p.war_talks_decay * self.talks)
        self.talks = _unit(self.talks)

        returning = p.war_return * (1.0 - self.intensity) * np.where(self.accord, 3.0, 1.0)
        self.displaced += p.war_displacement * self.intensity * (1.0 - self.displaced) - returning * self.displaced
        self.displaced = _unit(self.displaced)
        self.sharing -= _unit(w.reneging) * self.sharing
        self.read_off()
