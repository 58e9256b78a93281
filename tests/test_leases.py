"""A patron's base lease: signed on a bargained term, running out, and pressed for as it does."""

from __future__ import annotations

from dataclasses import replace as with_

import numpy as np
import pytest

from sim.core.leases import HOLDER_ASK, HOST_ASK, NOTICE, Leases
from sim.core.world import TIE_BITS
from tests.test_levers import _decide, world
from tests.test_rivals import run


def test_a_lease_is_signed_on_the_term_offered_and_runs_out_a_month_at_a_time():
    leases = Leases(3, 2)
    assert (leases.unsettled() == 1).all() and (leases.running_out() == 0).all()  # none signed: nothing runs out
    leases.offer(0, np.array([0.0, 0.5, 2.0]))
    assert leases.offered[:, 0] == pytest.approx([HOLDER_ASK, (HOLDER_ASK + HOST_ASK) / 2, HOST_ASK])
    leases.sign(np.array([0, 2]), np.array([0, 0]))
    assert leases.left[:, 0] == pytest.approx([HOLDER_ASK, 0.0, HOST_ASK])
    assert leases.unsettled()[:, 0].tolist() == [0.0, 1.0, 0.0]
    for _ in range(round(12 * (HOST_ASK - NOTICE / 2))):
        leases.step()
    assert leases.left[2, 0] == pytest.approx(NOTICE / 2)
    assert leases.running_out()[2, 0] == pytest.approx(0.5) and leases.running_out()[0, 0] == 0.0
    for _ in range(round(12 * NOTICE)):
        leases.step()
    assert leases.left[2, 0] == 0.0 and leases.running_out()[2, 0] == 1.0


def based(years_left: float | None, leaning: float = 0.0):
    """A world where Russia's base is in Tajikistan (its lease with ``years_left``, or none signed),
    Tajikistan regards Russia warmly and the United States by ``leaning`` more."""
    w = world(russia_growth=0.0)
    w.ties[:, w.i("RUS"), w.tjk] |= TIE_BITS["base"]
    w.alignment[:, w.tjk, w.i("RUS")] = 0.5
    w.alignment[:, w.tjk, w.i("USA")] = 0.2 + leaning
    w.levers.remittances[:, w.i("RUS")] = 20.0
    if years_left is not None:
        w.levers.leases.start({"RUS": years_left}, w.codes)
    return w


def test_russia_bids_for_a_lease_while_its_base_has_none_or_it_runs_out_and_only_then():
    """R75 signs a base deal only while the base is unsettled; a settled lease stops the deals, not
    the bids against rivals; a lease running out is bid for even with no rival to outbid."""
    deal = {case: float(_decide(w, "R75", "RUS").mean()) for case, w in
            (("none signed, leaning", based(None, 0.5)), ("settled, leaning", based(30.0, 0.5)),
             ("running out, loyal", based(1.0)), ("settled, loyal", based(30.0)))}
    assert deal["none signed, leaning"] > 0 and deal["running out, loyal"] > 0
    assert deal["settled, leaning"] == 0 and deal["settled, loyal"] == 0
    settled = based(30.0, 0.5)
    run(settled, "R75", "RUS")
    assert (settled.aid_given[:, settled.i("RUS"), settled.tjk] > 0).all()


def test_the_term_russia_offers_is_the_shorter_the_more_tajikistan_leans_to_its_rivals():
    terms = []
    for leaning in (0.0, 0.4, 1.0):
        w = based(1.0, leaning)
        run(w, "R75", "RUS")
        terms.append(float(w.levers.leases.offered[0, w.i("RUS")]))
    assert terms[0] == pytest.approx(HOLDER_ASK) and terms[-1] == pytest.approx(HOST_ASK)
    assert terms[0] > terms[1] > terms[2]


def test_russia_squeezes_the_more_readily_the_nearer_its_lease_is_to_running_out():
    chance = {years: float(_decide(based(years), "R65", "RUS").mean()) for years in (20.0, NOTICE / 2, 0.0)}
    assert chance[20.0] < chance[NOTICE / 2] < chance[0.0]


def test_through_the_model_a_lease_running_out_brings_squeezes_and_a_new_lease():
    """The dependence period, 2010-2021, on the same random draws: with the record's lease (four years
    left, to January 2014) Russia signs a new one in most replicates by 2016 (30 of 40 at seed 3),
    on a term between the two asks (a median 32 years left at the end of 2016), and squeezes
    Tajikistan's migrants more in 2010-2014 (16 squeezes against 9) than where the lease has thirty
    years left, when it signs nothing."""
    import sim
    from sim.months import parse_month
    from sim.paths import project_root
    from sim.scenario import load_scenario

    base = load_scenario(project_root() / "scenarios" / "2010-2021_dependence.yaml", calibration=False)

    def with_lease(years: float):
        levers = base.initial.levers.model_copy(update={"leases": {"RUS": years}})
        return sim.run(with_(base, initial=base.initial.model_copy(update={"levers": levers})), seed=3, replicates=40)

    short, long = with_lease(4.0), with_lease(30.0)

    def deals(result, until: str) -> np.ndarray:
        events = result.events
        chosen = (events["rule"] == "R75") & (events["type"] == "military") & (events["date"] <= until)
        return np.bincount(events["replicate"][chosen].astype(int), minlength=40)

    assert (deals(short, "2016-12") > 0).mean() > 0.5 and deals(long, "2021-12").sum() == 0
    squeezes = {name: int(((r.events["rule"] == "R65") & (r.events["date"] <= "2014-12")).sum())
                for name, r in (("short", short), ("long", long))}
    assert squeezes["short"] > squeezes["long"]
    renewed = short.recorded.series("base_lease", "RUS", "TJK")[:, parse_month("2016-12") - base.start]
    assert HOST_ASK < np.median(renewed[renewed > 0]) < HOLDER_ASK


def test_a_scheduled_event_can_sign_a_lease_for_every_replicate():
    import sim
    from sim.months import parse_month
    from sim.paths import project_root
    from sim.scenario import load_scenario
    from sim.scenario.schema import ScheduledEvent

    base = load_scenario(project_root() / "scenarios" / "2010-2021_dependence.yaml", calibration=False)
    signed = ScheduledEvent.model_validate({"date": "2010-03", "actor": "RUS", "target": "TJK", "type": "military",
                                            "summary": "a long lease", "source": "a test",
                                            "effects": {"lease": 30.0}})
    result = sim.run(with_(base, events=base.events + (signed,)), seed=1, replicates=4)
    left = result.recorded.series("base_lease", "RUS", "TJK")
    march = parse_month("2010-03") - base.start
    assert left[:, march - 1] == pytest.approx(4.0 - 2 / 12, abs=1e-5)
    assert left[:, march] == pytest.approx(30.0 - 1 / 12, abs=1e-5)  # signed, then a month of it ran
