"""The Kyrgyz-Tajik border dispute as state: incidents both ways, forces that arm, fighting above a threshold.

A third of the 971-kilometre border was never agreed, and villages on both sides quarrel over water,
pasture, roads and the enclaves. The dispute is told in three stocks, each side's own rules feeding them:

* **incidents**: each month each side's communities and border forces start a number of incidents
  (stone-throwing, a blocked road, a shoot-out), drawn from a Poisson law whose mean the side's rule
  presses (Kyrgyzstan's R84, Tajikistan's R62): a calm rate, more the more people the valley's land
  and water must feed (:func:`crowding`: its population, ENVSEC 2005) and the worse the side regards the other;
* **arms at the border**: each side arms its border forces in answer to the incidents it suffers
  (R83: the militarisation of the border, Toktomushev 2018), and the arms fade slowly when quiet;
* **tension**: every incident heats it in proportion to how armed the forces facing each other are
  (a quarrel between villagers is stone-throwing; between armed posts, a firefight), and it cools
  with a half-life of a year, and a month of fighting discharges half of it (a ceasefire and a pull-back);
  the two states' mutual ill will adds to it.

Fighting between the two states' forces (``intensity``, on the civil war's scale) follows the
tension above ``border_threshold``: it escalates from the dispute's own state, not from a date. What
this does and does not explain (docs/ODD.md, calibration/README.md "The border's threshold"): the only
input that trends is each side's population, so the rise of the fighting's risk over the decades is the
population's; the threshold is not identified by the training years, which hold no fighting; and how
likely fighting is in 2021-22 moves a good deal with each constant (``border_identification.py
--sensitivity``). The calm rate is anchored to a count (:data:`INCIDENTS_A_MONTH`); the other constants
are the project's, not fitted.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from sim.core.conflict import MINOR_INTENSITY, _unit
from sim.core.draws import DrawPool

if TYPE_CHECKING:
    from sim.core.world import World
    from sim.scenario.schema import Parameters

#: The two sides, in the order of the arrays' first axis.
SIDES = ("KGZ", "TJK")
#: Random draws the border consumes each month: each side's incidents, and the fighting's noise. They come
#: from each replicate's own border stream (``SeedSequence(seed, spawn_key=(replicate, BORDER_STREAM))``),
#: apart from the rest of the model's, so that a change at the border leaves every other draw as it was.
DRAWS = 3
BORDER_STREAM = 1
#: Incidents a side starts in a calm month (no ill will), so that both sides together start about
#: 11.5 a year at the regard the replay's two states hold for each other: "The past two decades have
#: seen some 230 border incidents with Kyrgyzstan alone, says the Tajik government" (The Economist,
#: "Fighting erupts between Kyrgyzstan and Tajikistan", 22 September 2022). A scale anchored to a count,
#: not fitted; but the count's two decades include thirteen test years and the fighting of 2021-22 (no count
#: of the training years alone exists), and the fighting's chance moves with this scale.
INCIDENTS_A_MONTH = 0.34
#: Each side's population driver and its value in mid-1991 (WDI, the driver's first point).
POPULATIONS = {"KGZ": ("kyrgyzstan_population", 4463634.0), "TJK": ("tajikistan_population", 5541205.0)}
#: How far one incident suffered sours the side's regard for the other, as a pull (R84, R62).
SOURING = 0.05
#: How far one incident suffered arms a side's border forces, as a share of the room left (R83).
ARMING = 0.02
#: Half-life of the arms at the border when no incident renews them, in months (five years).
ARMS_HALF_LIFE = 60.0
#: Tension one incident adds between fully armed forces (none between unarmed villagers).
HEAT = 0.1
#: Half-life of the tension, in months (a year).
TENSION_HALF_LIFE = 12.0
#: The share of the tension a month of fighting leaves (a ceasefire and a pull-back discharge much of what
#: built it up). A prior chosen knowing the test period's two ceasefires, agreed within days of the clashes
#: (E071, E077): the training years hold no fighting at this border to learn it from.
AFTER_FIGHTING = 0.5
#: The most incidents a side can start in a month (the Poisson law's tail is cut there).
MAX_INCIDENTS = 40


def poisson(mean: np.ndarray, uniform: np.ndarray) -> np.ndarray:
    """Counts drawn from Poisson laws of the given means by inverting their distribution at the given
    uniforms (one draw each, so that a replicate's count comes from its own stream)."""
    term = np.exp(-mean)
    below = term.copy()
    count = np.zeros_like(mean)
    for k in range(1, MAX_INCIDENTS + 1):
        more = uniform > below
        if not more.any():
            break
        count += more
        term = term * mean / k
        below = below + term
    return count


def crowding(w: World, side: str) -> float:
    """How many more people a side's part of the border valleys must feed than at independence: its
    population against 1991's (the ``kyrgyzstan_population`` and ``tajikistan_population`` drivers, WDI;
    1 without them, or for a state that is not a side). "Kyrgyz officials often expressed concern about
    overpopulation of parts of Uzbekistan and Tajikistan bordering on Kyrgyzstan, and the corresponding
    pressure placed on its own land" (ENVSEC 2005, on the Ferghana valley's land). A country's count stands
    for its border districts' (the project's simplification; Tajikistan's migrants abroad are not taken off it)."""
    driver, first = POPULATIONS.get(side, ("", 1.0))
    people = w.drivers.get(driver)
    return people / first if people else 1.0


class BorderDispute:
    """The Kyrgyz-Tajik border for R replicates: incidents, arms, tension and fighting."""

    def __init__(self, replicates: int):
        R = replicates
        self.pressing = np.zeros((2, R))    # this month's mean incidents each side starts (its rule presses it)
        self.arming = np.zeros((2, R))      # this month's arming of each side's forces (R83), before the room left
        self.incidents = np.zeros((2, R))   # the incidents each side started last month
        self.armed = np.zeros((2, R))       # how far each side's border forces are armed for a fight, 0..1
        self.tension = np.zeros(R)
        self.intensity = np.zeros(R)        # fighting between the two states' forces, on the civil war's scale
        self.draws: DrawPool | None = None  # the replicates' border streams (the model sets them)

    def press(self, code: str, mean) -> None:
        """A side's rule adds to the mean number of incidents it starts this month (another state's does nothing)."""
        if code in SIDES:
            self.pressing[SIDES.index(code)] += mean

    def arm(self, code: str, amount) -> None:
        """A side's rule arms its border forces this month, a share of the room left (another state's does nothing)."""
        if code in SIDES:
            self.arming[SIDES.index(code)] += amount

    def suffered(self, code: str) -> np.ndarray:
        """The incidents the other side started against ``code`` last month, per replicate (none against a
        state that is not a side)."""
        return self.incidents[1 - SIDES.index(code)] if code in SIDES else np.zeros(self.tension.shape)

    @property
    def incident_count(self) -> np.ndarray:
        """Both sides' incidents last month, per replicate."""
        return self.incidents[0] + self.incidents[1]

    @property
    def arms(self) -> np.ndarray:
        """How armed the forces facing each other are, the two sides' mean, per replicate."""
        return 0.5 * (self.armed[0] + self.armed[1])

    def step(self, w: World, p: Parameters, noise: np.ndarray | None = None) -> None:
        """Draw the month's incidents, arm and disarm, heat and cool; fighting follows the tension above
        ``border_threshold``. ``noise``: :data:`DRAWS` uniforms per replicate, taken from :attr:`draws`
        when not given (every month, whether or not both sides exist yet, so the streams stay in step)."""
        if noise is None:
            assert self.draws is not None, "the border's streams are set by the model"
            noise = self.draws.take(DRAWS)
        pressing, arming = self.pressing, self.arming
        self.pressing, self.arming = np.zeros_like(pressing), np.zeros_like(arming)
        if not (w.present("KGZ") and w.present("TJK")):
            self.incidents = np.zeros_like(self.incidents)
            return
        self.incidents = poisson(np.maximum(pressing, 0.0), noise[:, :2].T)
        fade = 1.0 - 0.5 ** (1.0 / ARMS_HALF_LIFE)
        self.armed = _unit(self.armed + arming * (1.0 - self.armed) - fade * self.armed)
        cool = 0.5 ** (1.0 / TENSION_HALF_LIFE)
        heat = HEAT * self.incident_count * self.arms
        fought = self.intensity >= MINOR_INTENSITY
        self.tension = self.tension * np.where(fought, cool * AFTER_FIGHTING, cool) + heat
        k, t = w.i("KGZ"), w.tjk
        ill_will = np.maximum(-(w.alignment[:, k, t] + w.alignment[:, t, k]) / 2.0, 0.0)
        target = _unit(p.border_escalation * (self.tension + 0.5 * ill_will - p.border_threshold))
        shock = (noise[:, 2] - 0.5) * p.war_noise * math.sqrt(12.0) * (target > 0)
        self.intensity = _unit(self.intensity + p.war_intensity_rate * (target - self.intensity) + shock)
