"""Visits returned (R87 and sim.core.courtesy): a visit received is owed back, a return settles it and calls
for none, visits both ways net out, a debt fades and a new regime's is wiped, the debtor pays the less the colder
the pair and the more it outranks its host, and in the replay a visit to Dushanbe is followed by Tajikistan's
return far more often with the rule than without it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import sim
from sim.core.courtesy import MEMORY_YEARS, OWED_TO_TAJIKISTAN, TAJIKISTAN_OWES, VisitsOwed
from sim.core.rules import RULES
from sim.core.rules.everyone import RETURN_RATE
from sim.paths import default_scenario
from sim.scenario import load_scenario
from tests.test_levers import PLAN, world

TJK, CHN, UZB = 0, 5, 2


def visit(owed: VisitsOwed, visitor: int, host: int, rep: int = 0, returns: bool = False) -> None:
    owed.hear(np.array([rep]), np.array([visitor]), np.array([host]), np.array([returns]))


def test_a_visit_received_is_owed_back_and_a_return_settles_it_calling_for_none():
    owed = VisitsOwed(2, 8, TJK)
    visit(owed, CHN, TJK)
    assert owed.owed(TAJIKISTAN_OWES, [CHN]).tolist() == [[1.0], [0.0]]  # in the replicate it happened in only
    visit(owed, TJK, CHN, returns=True)
    assert not owed.debt.any()  # paid, and a return leaves the host owing nothing
    visit(owed, TJK, UZB)
    assert owed.owed(OWED_TO_TAJIKISTAN, [UZB])[0, 0] == 1.0 and owed.owed(TAJIKISTAN_OWES, [UZB])[0, 0] == 0.0
    visit(owed, UZB, TJK)  # a fresh visit back both pays the debt and leaves one in turn
    assert owed.owed(OWED_TO_TAJIKISTAN, [UZB])[0, 0] == 0.0 and owed.owed(TAJIKISTAN_OWES, [UZB])[0, 0] == 1.0


def test_visits_both_ways_in_one_month_leave_nothing_owed_and_a_new_regime_owes_nothing():
    owed = VisitsOwed(1, 8, TJK)
    owed.hear(np.array([0, 0]), np.array([TJK, UZB]), np.array([UZB, TJK]), np.array([False, False]))
    assert not owed.debt.any()
    visit(owed, CHN, TJK)
    visit(owed, TJK, UZB)
    owed.forget(CHN)
    assert owed.owed(TAJIKISTAN_OWES, [CHN])[0, 0] == 0.0 and owed.owed(OWED_TO_TAJIKISTAN, [UZB])[0, 0] == 1.0


def test_an_unreturned_visit_fades_over_the_memory():
    owed = VisitsOwed(1, 8, TJK)
    visit(owed, CHN, TJK)
    for _ in range(int(12 * MEMORY_YEARS)):
        owed.fade()
    assert owed.owed(TAJIKISTAN_OWES, [CHN])[0, 0] == pytest.approx(np.exp(-1.0))


def chances(w) -> dict[tuple[str, str], np.ndarray]:
    """R87's proposals this month: (visitor, host) -> chance per replicate."""
    found = {}
    for keys, chance in w.ordered_proposals():
        chance = np.broadcast_to(np.asarray(chance, dtype=float).reshape(w.R, -1), (w.R, len(keys)))
        for column, key in enumerate(keys):
            found[(w.codes[key[1]], w.codes[key[2]])] = chance[:, column]
    return found


def return_chances(regard: float, tashkent: float | None = None) -> dict[tuple[str, str], np.ndarray]:
    """R87's chances where Tajikistan owes China a visit and Uzbekistan owes Tajikistan half of one; ``regard`` is
    each pair's regard both ways unless ``tashkent`` sets Uzbekistan's for Tajikistan."""
    w = world()
    w.courtesy.debt[:, TAJIKISTAN_OWES, w.i("CHN")] = 1.0
    w.courtesy.debt[:, OWED_TO_TAJIKISTAN, w.i("UZB")] = 0.5
    for a, b in (("TJK", "CHN"), ("CHN", "TJK"), ("TJK", "UZB"), ("UZB", "TJK")):
        w.alignment[:, w.i(a), w.i(b)] = regard
    if tashkent is not None:
        w.alignment[:, w.i("UZB"), w.tjk] = tashkent
    w.current_rule = "R87"
    w.begin(w.N)
    followers = [type("Follower", (), {"code": code})() for code in w.states]
    RULES["R87"].fn(w, followers, 1.0)
    return chances(w)


def test_the_debtor_returns_a_visit_the_less_the_colder_the_pair_and_the_more_it_outranks_its_host():
    uzbekistan = 1.0 - PLAN.actors["UZB"].capability
    warm, cold, one_cold = return_chances(0.4), return_chances(-0.5), return_chances(0.4, tashkent=-0.5)
    assert np.allclose(warm[("TJK", "CHN")], RETURN_RATE)  # Tajikistan returns a great power's visit in full
    assert np.allclose(warm[("UZB", "TJK")], RETURN_RATE / 2 * uzbekistan)  # a stronger neighbour owes less
    assert np.allclose(cold[("TJK", "CHN")], RETURN_RATE / 2) and np.allclose(cold[("UZB", "TJK")], warm[("UZB", "TJK")] / 2)
    assert np.allclose(one_cold[("UZB", "TJK")], cold[("UZB", "TJK")])  # the colder side of the pair decides
    assert not warm[("TJK", "KAZ")].any() and not warm[("KAZ", "TJK")].any()  # nothing owed, nothing returned


def returns_within_two_years(result) -> float:
    """The share of visits paid to Tajikistan (not themselves returns) that Tajikistan returns within 24 months."""
    events = result.events
    month = pd.PeriodIndex(events["date"], freq="M").astype("int64")
    events = events.assign(month=month)
    received = events[(events["type"] == "visit") & (events["target"] == "TJK") & (events["rule"] != "R87")]
    paid = events[(events["type"] == "visit") & (events["actor"] == "TJK")]
    merged = received.merge(paid, left_on=["replicate", "actor"], right_on=["replicate", "target"],
                            suffixes=("", "_back"))
    merged = merged[(merged["month_back"] > merged["month"]) & (merged["month_back"] <= merged["month"] + 24)]
    returned = merged.drop_duplicates(["replicate", "actor", "month"])
    return len(returned) / max(len(received), 1)


def test_in_the_replay_visits_to_dushanbe_are_returned_far_more_often_with_the_rule():
    plan = load_scenario(default_scenario())
    base = sim.run(plan, seed=2, replicates=8)
    without = sim.run(plan, seed=2, replicates=8, overrides={"R87": (False, 0.0)})
    assert "R87" in set(base.events["rule"]) and "R87" not in set(without.events["rule"])
    assert returns_within_two_years(base) > returns_within_two_years(without) + 0.2
