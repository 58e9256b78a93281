"""The Kyrgyz-Tajik border's mechanisms (sim/core/border.py): incidents drawn from what each side's rule
presses, arms that answer the incidents suffered and fade when quiet, tension that only armed forces heat
and fighting discharges, fighting above the threshold only, and a crowding valley that starts more
incidents."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.core import border
from sim.core.border import (
    AFTER_FIGHTING,
    ARMING,
    ARMS_HALF_LIFE,
    HEAT,
    INCIDENTS_A_MONTH,
    POPULATIONS,
    SOURING,
    TENSION_HALF_LIFE,
    crowding,
    poisson,
)
from sim.core.conflict import MINOR_INTENSITY
from sim.core.model import TajikistanModel
from sim.core.rules import RULES
from sim.core.world import World
from sim.months import parse_month
from sim.paths import default_scenario
from sim.scenario import load_scenario
from sim.scenario.compose import until
from sim.scenario.schema import Parameters
from sim.vocabulary import ACTOR_CODES, ACTOR_NAMES

PLAN = load_scenario(default_scenario(), calibration=False)
CODES = [code for code in ACTOR_CODES if code in PLAN.actors]
P = Parameters(border_threshold=1.0)
QUIET = 0.5  # a uniform at the middle: no shock to the fighting


def world(replicates: int = 3, **drivers: float) -> World:
    w = World(CODES, replicates, PLAN.actors, ACTOR_NAMES)
    for code in CODES:
        w.activate(code)
    w.drivers = dict(drivers)
    w.clear_intentions()
    return w


def noise(w: World, incidents: float = 0.5) -> np.ndarray:
    """Uniforms for a month: both sides' incident draws at ``incidents``, the fighting's at its middle."""
    return np.column_stack([np.full(w.R, incidents), np.full(w.R, incidents), np.full(w.R, QUIET)])


@settings(max_examples=60, deadline=None)
@given(st.floats(0.0, 20.0), st.floats(0.0, 1.0, exclude_max=True))
def test_a_poisson_draw_is_a_count_that_grows_with_the_uniform(mean, uniform):
    low, high = poisson(np.array([mean, mean]), np.array([uniform * 0.5, uniform]))
    assert low == int(low) and 0 <= low <= high


def test_poisson_draws_have_the_mean_asked_for():
    uniforms = (np.arange(20000) + 0.5) / 20000
    for mean in (0.0, 0.3, 2.0, 7.5):
        counts = poisson(np.full(uniforms.size, mean), uniforms)
        assert abs(counts.mean() - mean) < 0.01 + 0.01 * mean
        assert abs(counts.var() - mean) < 0.05 + 0.05 * mean


def test_incidents_come_from_what_the_sides_press_and_are_cleared_after():
    w = world()
    w.border.press("KGZ", np.array([0.0, 3.0, 6.0]))
    w.border.press("TJK", 1.0)
    w.border.step(w, P, noise(w))
    assert w.border.incidents[0].tolist() == [0.0, 3.0, 6.0]  # a Poisson law's median is near its mean
    assert (w.border.incidents[1] == 1.0).all()
    assert w.border.suffered("TJK").tolist() == [0.0, 3.0, 6.0] and not w.border.pressing.any()
    assert not w.border.suffered("UZB").any()  # a state that is not a side suffers none


def test_a_state_that_is_not_a_side_presses_and_arms_nothing():
    w = world()
    w.border.press("UZB", 5.0)
    w.border.arm("RUS", 0.5)
    assert not w.border.pressing.any() and not w.border.arming.any()


def test_arms_answer_incidents_and_fade_when_quiet():
    w = world()
    w.border.arm("TJK", ARMING * 10)
    w.border.step(w, P, noise(w))
    armed = w.border.armed[1].copy()
    assert np.allclose(armed, ARMING * 10) and not w.border.armed[0].any()
    for _ in range(int(ARMS_HALF_LIFE)):
        w.border.step(w, P, noise(w))
    assert np.allclose(w.border.armed[1], armed / 2)


def test_only_armed_forces_heat_the_border():
    unarmed, armed = world(), world()
    armed.border.armed[:] = 0.8
    for w in (unarmed, armed):
        w.border.press("KGZ", 4.0)
        w.border.step(w, P, noise(w))
    assert not unarmed.border.tension.any()
    assert (armed.border.tension > 0).all()


def test_tension_cools_with_its_half_life_and_fighting_discharges_it():
    quiet, fighting = world(), world()
    for w in (quiet, fighting):
        w.border.tension[:] = 0.5  # below the threshold: no new fighting
    fighting.border.intensity[:] = 2 * MINOR_INTENSITY
    for w in (quiet, fighting):
        w.border.step(w, P, noise(w))
    cool = 0.5 ** (1 / TENSION_HALF_LIFE)
    assert np.allclose(quiet.border.tension, 0.5 * cool)
    assert (fighting.border.tension < quiet.border.tension).all()


def test_fighting_starts_only_above_the_threshold():
    below, above = world(), world()
    below.border.tension[:] = P.border_threshold * 0.9
    above.border.tension[:] = P.border_threshold * 2.0
    for w in (below, above):
        w.border.step(w, P, noise(w))  # no incidents: the tension only cools
    assert not below.border.intensity.any()
    assert (above.border.intensity >= MINOR_INTENSITY).all()


def test_nothing_moves_before_kyrgyzstan_exists_and_intentions_are_still_cleared():
    w = World(CODES, 3, PLAN.actors, ACTOR_NAMES)
    for code in CODES:
        if code != "KGZ":
            w.activate(code)
    w.border.press("TJK", 5.0)
    w.border.step(w, P, noise(w))
    assert not w.border.incidents.any() and not w.border.pressing.any() and not w.border.tension.any()


def _agent(w: World, code: str) -> _Agent:
    w.begin(w.i(code))
    return _Agent(code, w.i(code))


class _Agent:
    def __init__(self, code: str, index: int):
        self.code, self.index = code, index


SIDE_RULES = {"KGZ": ("R84", "TJK"), "TJK": ("R62", "KGZ")}


def _pressed(side: str, **drivers: float) -> np.ndarray:
    w = world(**drivers)
    RULES[SIDE_RULES[side][0]](w, _agent(w, side), 1.0)
    return w.border.pressing[0 if side == "KGZ" else 1]


def test_each_sides_valleys_crowd_with_its_own_population():
    for side, (driver, first) in POPULATIONS.items():
        other = "tajikistan_population" if side == "KGZ" else "kyrgyzstan_population"
        assert crowding(world(), side) == 1.0
        alone = _pressed(side, **{driver: first})
        assert np.allclose(alone, INCIDENTS_A_MONTH)
        assert np.allclose(_pressed(side, **{driver: 2 * first}), 2 * alone)
        assert np.allclose(_pressed(side, **{driver: first, other: 5e7}), alone)  # the other side's count is not read


def test_ill_will_starts_more_incidents():
    for side, (rule_id, other) in SIDE_RULES.items():
        w = world()
        w.alignment[:, w.i(side), w.i(other)] = np.array([0.5, 0.0, -1.0])
        RULES[rule_id](w, _agent(w, side), 1.0)
        assert np.allclose(w.border.pressing[0 if side == "KGZ" else 1], INCIDENTS_A_MONTH * np.array([1.0, 1.0, 2.0]))


def test_each_incident_suffered_sours_the_sufferers_regard():
    for side, (rule_id, other) in SIDE_RULES.items():
        w = world()
        w.border.incidents[1 if side == "KGZ" else 0] = np.array([0.0, 1.0, 4.0])
        RULES[rule_id](w, _agent(w, side), 1.0)
        assert np.allclose(w.pulls[:, w.i(side), w.i(other)], -SOURING * np.array([0.0, 1.0, 4.0]))


def test_a_month_of_fighting_leaves_half_the_tension_before_the_months_heat():
    w = world()
    w.border.tension[:] = 0.4
    w.border.intensity[:] = 2 * MINOR_INTENSITY
    w.border.armed[:] = 0.5
    w.border.press("KGZ", 2.0)  # the median draw: two incidents
    w.border.step(w, P, noise(w))
    cool, arms = 0.5 ** (1 / TENSION_HALF_LIFE), 0.5 * 0.5 ** (1 / ARMS_HALF_LIFE)  # the arms faded this month first
    assert np.allclose(w.border.tension, 0.4 * cool * AFTER_FIGHTING + HEAT * 2 * arms)


def test_the_border_draws_from_streams_of_its_own(monkeypatch):
    """However many numbers the border takes a month, the model's own pool hands out the same numbers: the
    border's come from each replicate's own border stream. (What the border's incidents then do to regard
    may still move the rest of the model: the draws are the same, not the history.)"""
    plan = until(load_scenario(default_scenario()), parse_month("1993-12"))

    def next_numbers_of_the_pool(draws: int) -> np.ndarray:
        monkeypatch.setattr(border, "DRAWS", draws)
        model = TajikistanModel(plan, seed=5, replicates=3).run()
        return model.pool.take(4).copy()

    assert np.array_equal(next_numbers_of_the_pool(3), next_numbers_of_the_pool(7))
