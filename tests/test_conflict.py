"""The conflict submodel's mechanisms: outside support strengthens the side it goes to, no
settlement while both sides expect to win, the war's state stays in range, and the war in the
full model answers a change of supporter."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sim
from sim.core.conflict import MINOR_INTENSITY, CivilWar, ucdp_level
from sim.core.rules import RULES
from sim.core.world import TIE_BITS, World
from sim.paths import default_scenario
from sim.scenario import load_scenario
from sim.scenario.schema import Parameters
from sim.vocabulary import ACTOR_CODES, ACTOR_NAMES

PLAN = load_scenario(default_scenario(), calibration=False)
CODES = [code for code in ACTOR_CODES if code in PLAN.actors]
P = Parameters()


def world(replicates: int = 4, security: float = 0.4, economy: float = 0.3) -> World:
    w = World(CODES, replicates, PLAN.actors, ACTOR_NAMES)
    for code in CODES:
        w.activate(code)
    w.security[:], w.economy[:] = security, economy
    w.drivers = {"afghan_instability": 0.8}
    w.clear_intentions()
    return w


def stepped(w: World, months: int, to_gov: float = 0.0, to_opp: float = 0.0, opposition: float = 0.5) -> CivilWar:
    war = w.conflict
    war.start(P, opposition=opposition, intensity=0.2)
    noise = np.full(w.R, 0.5)  # no shock
    for _ in range(months):
        war.step(w, P, np.full(w.R, to_gov), np.full(w.R, to_opp), noise)
    return war


def test_outside_support_to_the_opposition_strengthens_it():
    weak, strong = stepped(world(), 24), stepped(world(), 24, to_opp=0.05)
    assert (strong.opposition > weak.opposition).all()
    assert (strong.balance < weak.balance).all() and (strong.intensity >= weak.intensity).all()


def test_outside_backing_of_the_government_strengthens_it():
    alone, backed = stepped(world(), 24), stepped(world(), 24, to_gov=0.1)
    assert (backed.balance > alone.balance).all()
    assert (backed.control > alone.control).all()  # it holds more of the country


def test_no_settlement_while_both_sides_expect_to_win():
    w = world()
    war = w.conflict
    war.start(P, opposition=0.5, intensity=0.3, exhaustion=0.6, talks=0.9)
    war.balance[:] = 0.5
    war.optimism_gov[:] = war.optimism_opp[:] = 0.2  # each thinks it has a 70% chance
    gov, opp = war.expects_to_win()
    assert ((gov > 0.5) & (opp > 0.5)).all() and not war.bargaining_range().any()
    for rule_id in ("R55", "R57"):  # neither a ceasefire nor an accord is on offer
        w.clear_intentions()
        w.current_rule = rule_id
        RULES[rule_id].fn(w, _Agent("UTO", w), 1.0)
        assert all(np.all(np.asarray(chance) == 0) for _, chance in w.ordered_proposals()), rule_id
    war.optimism_gov[:] = war.optimism_opp[:] = 0.0  # fighting has revealed the balance: a deal exists
    assert war.bargaining_range().all()


class _Agent:
    def __init__(self, code: str, w: World):
        self.code, self.index, self.spec = code, w.i(code), PLAN.actors[code]


STATE = st.floats(0.0, 1.0)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(security=STATE, economy=STATE, opposition=st.floats(0.0, 3.0), to_gov=st.floats(0.0, 2.0),
       to_opp=st.floats(0.0, 2.0), noise=STATE, accord=st.booleans(), reneging=STATE,
       gain=st.floats(0.0, 50.0), recruitment=STATE)
def test_the_wars_state_stays_in_range(security, economy, opposition, to_gov, to_opp, noise, accord, reneging, gain,
                                       recruitment):
    w = world(2, security, economy)
    if accord:
        w.ties[:, w.tjk, w.i("UTO")] |= TIE_BITS["accord"]
    p = Parameters(war_intensity_gain=gain, war_recruitment=recruitment)
    war = w.conflict
    war.start(p, opposition=opposition)
    for _ in range(30):
        w.reneging[:] = reneging
        war.step(w, p, np.full(2, to_gov), np.full(2, to_opp), np.full(2, noise))
    for name in ("intensity", "control", "exhaustion_gov", "exhaustion_opp", "talks", "displaced", "sharing",
                 "integrated", "exclusion", "balance", "war", "threat"):
        value = getattr(war, name)
        assert np.all((value >= 0.0) & (value <= 1.0 + 1e-12)), name
    assert np.all(war.opposition >= 0.0) and np.all(np.isfinite(war.opposition))


def test_ucdp_levels_follow_the_stated_thresholds():
    year = np.zeros((3, 12))
    year[1, :] = MINOR_INTENSITY * 1.01  # just above 25 deaths a year
    year[2, :] = 0.2  # 3,000 x 0.04 x 12 = 1,440 deaths
    assert ucdp_level(year).tolist() == [0, 1, 2]


def _strength(result) -> np.ndarray:
    """Each replicate's mean opposition strength over the run."""
    return result.series("opposition_strength", "TJK", "UTO").mean(axis=1)


def _cut_sanctuary(plan):
    from dataclasses import replace

    from sim.scenario.schema import Intervention

    return replace(plan, interventions=plan.interventions + (
        Intervention.model_validate({"mode": "forbid", "actor": "AFG", "target": "UTO", "type": "military",
                                     "from": "1992-05"}),))


@pytest.fixture(scope="module")
def civil_war_runs():
    plan = load_scenario(PLAN.files[1])  # the civil-war period, calibrated
    return sim.run(plan, seed=11, replicates=200), sim.run(_cut_sanctuary(plan), seed=11, replicates=200)


def test_the_sanctuary_channel_strengthens_the_opposition_at_the_modellers_values():
    plan = load_scenario(PLAN.files[1], calibration=False)
    factual, no_sanctuary = sim.run(plan, seed=11, replicates=24), sim.run(_cut_sanctuary(plan), seed=11, replicates=24)
    paired = _strength(no_sanctuary) - _strength(factual)
    assert paired.mean() < 0 and (paired <= 1e-9).mean() >= 0.75


def test_without_afghan_sanctuary_the_opposition_is_weaker(civil_war_runs):
    """With the calibration's R53 at 0.017 the effect is small (experiments/README.md, no_afghan_sanctuary):
    about -0.007 to -0.010 of the opposition's mean strength over 200 replicates, weaker in 96-98% of
    them. This was a strict expected failure on 24 replicates, where one replicate decided the mean's
    sign (it was +0.0006 with 92% of replicates weaker); 200 replicates cost a second."""
    factual, no_sanctuary = civil_war_runs
    assert _strength(no_sanctuary).mean() < _strength(factual).mean()
    paired = _strength(no_sanctuary) - _strength(factual)
    assert (paired <= 1e-9).mean() >= 0.75  # weaker in most replicates, each against its own twin
