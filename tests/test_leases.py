"""A patron's base lease: signed on a bargained term, running out, pressed for as it does, and held up
by Tajikistan for rent."""

from __future__ import annotations

from dataclasses import replace as with_

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.core.leases import HOLDER_ASK, HOST_ASK, NOTICE, Leases
from sim.core.levers import EFFECTS
from sim.core.protection import irreplaceable, protected
from sim.core.rules.bargaining import HOLDOUT_WEIGHT, coercion, defection_from_russia, leaning_to_rivals
from sim.core.rules.levers import WITHHOLD_AMOUNT, answers_to_squeezes
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


def test_russia_signs_a_first_lease_only_to_outbid_a_rival_and_renews_one_as_it_runs_out():
    """R75 signs a first lease only where Tajikistan leans to Russia's rivals (as in 2004, with the
    coalition at Dushanbe's airport); a settled lease stops the deals, not the bids against rivals;
    a lease running out is renewed even with no rival to outbid."""
    deal = {case: float(_decide(w, "R75", "RUS").mean()) for case, w in
            (("none signed, leaning", based(None, 0.5)), ("none signed, loyal", based(None)),
             ("settled, leaning", based(30.0, 0.5)), ("running out, loyal", based(1.0)), ("settled, loyal", based(30.0)))}
    assert deal["none signed, leaning"] > 0 and deal["running out, loyal"] > deal["none signed, leaning"]
    assert deal["none signed, loyal"] == 0 and deal["settled, leaning"] == 0 and deal["settled, loyal"] == 0
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


def test_a_lease_running_out_is_no_defection_and_a_renewal_eases_russias_migrant_squeeze():
    """A lease running out is no defection by itself: with no hold-out, Russia's migrant squeeze (R65)
    is as likely with the lease run out as with twenty years left; only holding the renewal up for
    rent (R81) is read as a defection. A renewal is Russia's package too ("Russia will admit more
    Tajik laborers"): signing eases its migrant squeeze."""
    assert _decide(based(20.0), "R65", "RUS") == pytest.approx(_decide(based(0.0), "R65", "RUS"))
    w = based(0.0)
    w.levers.squeeze["migration"][:, w.i("RUS")] = 0.8
    w.levers.act("lease", np.arange(w.R), np.full(w.R, w.i("RUS")), np.full(w.R, w.tjk), np.full(w.R, 0.5))
    assert w.levers.squeeze["migration"][:, w.i("RUS")] == pytest.approx(0.3)
    assert (w.levers.leases.left[:, w.i("RUS")] == HOST_ASK).all()  # the term offered: none yet, so Dushanbe's


def holding_out(w, reps=None) -> None:
    """Tajikistan holds out for rent on Russia's lease (R81's effect) in ``reps`` (all by default)."""
    reps = np.arange(w.R) if reps is None else np.asarray(reps)
    w.levers.act("holdout", reps, np.full(len(reps), w.tjk), np.full(len(reps), w.i("RUS")), np.ones(len(reps)))


def test_tajikistan_holds_out_for_rent_only_on_a_lease_falling_due_and_as_far_as_it_has_options_and_security():
    """R81: no hold-out on a settled lease or with nowhere else to turn; more with more options and a
    more secure regime; none once it already holds out."""
    def chance(years_left, leaning=0.5, security=0.8, already=False) -> float:
        w = based(years_left, leaning)
        w.security[:] = security
        if already:
            holding_out(w)
        return float(_decide(w, "R81", "TJK").mean())

    assert chance(30.0) == 0.0 and chance(1.0, leaning=-0.4) == 0.0 and chance(1.0, already=True) == 0.0
    assert chance(1.0, security=0.0) == 0.0
    assert 0.0 < chance(1.0, leaning=0.2) < chance(1.0, leaning=0.6)
    assert chance(1.0, security=0.4) < chance(1.0, security=0.9)


def test_a_hold_out_is_read_by_russia_as_defection_slows_the_talks_and_shortens_the_term_offered():
    """While Tajikistan holds out, Russia reads it as a defection its migrant squeeze may answer (R65),
    the renewal talks are slower (R75) and the term offered comes nearer Tajikistan's ask: each as far
    as the outside options behind the hold-out go."""
    firm, held = based(1.0, 0.1), based(1.0, 0.1)
    holding_out(held)
    options = np.clip(leaning_to_rivals(held), 0.0, 1.0)
    assert 0.0 < options.min() < 1.0
    assert defection_from_russia(held) == pytest.approx(defection_from_russia(firm) + HOLDOUT_WEIGHT * options)
    assert (_decide(held, "R65", "RUS") > _decide(firm, "R65", "RUS")).all()
    assert (_decide(held, "R75", "RUS") < _decide(firm, "R75", "RUS")).all()
    for w in (firm, held):
        run(w, "R75", "RUS")
    assert (held.levers.leases.offered[:, held.i("RUS")] < firm.levers.leases.offered[:, firm.i("RUS")]).all()


def test_a_hold_out_with_no_outside_options_left_weighs_nothing():
    firm, held = based(1.0, -0.4), based(1.0, -0.4)
    holding_out(held)
    assert (leaning_to_rivals(held) == 0).all()
    assert defection_from_russia(held) == pytest.approx(defection_from_russia(firm))
    assert _decide(held, "R75", "RUS") == pytest.approx(_decide(firm, "R75", "RUS"))


def test_a_hold_out_ends_with_a_concession_to_russia_or_a_lease_signed_and_not_with_defiance():
    w = based(1.0, 0.5)
    holding_out(w, [0, 1, 2])
    rus, tjk = w.i("RUS"), w.tjk
    one = np.ones(1)
    w.levers.act("defiance", np.array([0]), np.array([tjk]), np.array([rus]), one)
    w.levers.act("concession", np.array([1]), np.array([tjk]), np.array([rus]), one)
    w.levers.act("lease", np.array([2]), np.array([rus]), np.array([tjk]), one)
    assert w.levers.leases.holding_out[:3, rus].tolist() == [True, False, False]
    assert w.levers.leases.left[2, rus] > 1.0  # the lease was renewed on the term offered
    holding_out(w, [0, 1])
    w.levers.leases.start({"RUS": 30.0}, w.codes)  # a lease imposed by a scheduled event settles it too
    assert not w.levers.leases.holding_out[:, rus].any()
    # a hold-out and a lease of the same month: the lease is carried out after it, and settles it
    assert EFFECTS.index("holdout") < EFFECTS.index("lease")


def test_russia_withholds_its_funding_once_a_hold_out_and_the_more_readily_the_more_of_the_support_is_its_own():
    """R82: no withholding without a hold-out, or while Russia already withholds its funding in this one;
    more the more of the military support present is Russia's."""
    def chance(holding: bool = True, share: float = 0.8, withholding: bool = False) -> float:
        w = based(1.0, 0.5)
        if holding:
            holding_out(w)
        w.levers.security[:, w.i("RUS")] = share
        w.levers.leases.withholding[:, w.i("RUS")] = withholding
        return float(_decide(w, "R82", "RUS").mean())

    assert chance(holding=False) == 0.0 and chance(withholding=True) == 0.0 and chance(share=0.0) == 0.0
    assert 0.0 < chance(share=0.3) < chance(share=0.9)


def test_a_withholding_lasts_the_hold_out_and_a_lease_signed_ends_it_and_restores_the_funding():
    w = based(1.0, 0.5)
    rus, tjk, reps = w.i("RUS"), w.tjk, np.arange(3)
    holding_out(w, [0, 1])
    w.levers.act("withhold", reps, np.full(3, rus), np.full(3, tjk), np.full(3, WITHHOLD_AMOUNT))
    assert w.levers.leases.withholding[:, rus].tolist() == [True, True, False]  # no hold-out, no funding stop
    assert w.levers.squeeze["security"][:, rus].tolist() == [WITHHOLD_AMOUNT, WITHHOLD_AMOUNT, 0.0]
    w.levers.act("lease", np.array([0]), np.array([rus]), np.array([tjk]), np.full(1, 0.5))
    assert w.levers.leases.withholding[:, rus].tolist() == [False, True, False]
    assert w.levers.squeeze["security"][0, rus] == 0.0 and w.levers.squeeze["security"][1, rus] == WITHHOLD_AMOUNT


def test_a_withholding_is_given_way_to_where_no_other_states_forces_could_replace_russias():
    """Tajikistan answers R82's squeeze as any squeeze: it gives way as far as no other state's forces
    could replace Russia's support (counted in forces: the coalition's payments could, the CSTO, which
    Russia leads, could not), and stands firm for the rest."""
    answers = {}
    for case, coalition, csto in (("alone", 0.0, 0.0), ("beside the CSTO", 0.0, 1.0), ("beside the coalition", 1.0, 0.0)):
        w = based(1.0, 0.5)
        holding_out(w)
        rus, usa, org = w.i("RUS"), w.i("USA"), w.i("CSTO")
        w.levers.support[:, rus], w.levers.support[:, usa], w.levers.support[:, org] = 1.4, coalition, csto
        reps = np.arange(w.R)
        w.levers.act("withhold", reps, np.full(w.R, rus), np.full(w.R, w.tjk), np.full(w.R, WITHHOLD_AMOUNT))
        giving, standing = answers_to_squeezes(w, ["RUS", "USA"])
        answers[case] = (giving[:, 0], standing[:, 0])
    alone, beside = answers["alone"], answers["beside the coalition"]
    assert (alone[0] > beside[0]).all() and (alone[1] < beside[1]).all()
    assert (alone[0] + alone[1]) == pytest.approx(beside[0] + beside[1])  # the same squeeze, answered otherwise
    assert answers["beside the CSTO"][0] == pytest.approx(alone[0])


def test_giving_way_while_holding_out_gives_the_hold_out_up_until_a_lease_is_signed():
    """A concession to Russia ends the hold-out, and Tajikistan holds out no more until a lease is signed
    (R75 signs it at its pace, on the term it then offers, now without the hold-out's weight)."""
    w = based(1.0, 0.5)
    rus, tjk = w.i("RUS"), w.tjk
    holding_out(w, [0, 1])
    w.levers.act("concession", np.array([0, 2]), np.array([tjk, tjk]), np.array([rus, rus]), np.full(2, 0.5))
    leases = w.levers.leases
    assert leases.holding_out[:, rus].tolist() == [False, True, False]
    assert leases.conceded[:, rus].tolist() == [True, False, False]  # replicate 2 had no hold-out to give up
    assert leases.left[:, rus] == pytest.approx(1.0)  # nothing is signed by the concession itself
    w.security[:] = 0.9
    assert _decide(w, "R81", "TJK")[0] == 0.0 and _decide(w, "R81", "TJK")[2] > 0.0
    w.levers.act("lease", np.array([0]), np.array([rus]), np.array([tjk]), np.full(1, 0.5))
    assert not leases.conceded[0, rus]


def test_a_funding_stop_in_the_month_a_lease_is_signed_comes_to_nothing():
    """The month's lease is carried out before its squeezes: an R82 squeeze drawn in the same month
    finds no hold-out left, and holds nothing back."""
    w = based(1.0, 0.5)
    rus, tjk, reps = w.i("RUS"), w.tjk, np.arange(3)
    holding_out(w)
    w.levers.act("lease", np.array([0]), np.array([rus]), np.array([tjk]), np.full(1, 0.5))
    w.levers.act("withhold", reps, np.full(3, rus), np.full(3, tjk), np.full(3, WITHHOLD_AMOUNT))
    assert w.levers.squeeze["security"][:, rus].tolist() == [0.0, WITHHOLD_AMOUNT, WITHHOLD_AMOUNT]
    assert w.levers.leases.withholding[:, rus].tolist() == [False, True, True]


def test_only_the_funding_stop_needs_a_hold_out_a_security_squeeze_for_another_reason_holds_without_one():
    """R82's ``withhold`` squeezes security only while Tajikistan holds out on the lease; a plain
    ``security`` squeeze (a later rule's, for its own reason) is not voided for want of one."""
    w = based(1.0, 0.5)
    rus, tjk, reps = w.i("RUS"), w.tjk, np.arange(3)
    holding_out(w, [0])
    w.levers.act("withhold", reps, np.full(3, rus), np.full(3, tjk), np.full(3, WITHHOLD_AMOUNT))
    assert w.levers.squeeze["security"][:, rus].tolist() == [WITHHOLD_AMOUNT, 0.0, 0.0]
    w.levers.act("security", reps, np.full(3, rus), np.full(3, tjk), np.full(3, 0.2))
    assert w.levers.squeeze["security"][:, rus] == pytest.approx([WITHHOLD_AMOUNT + 0.2, 0.2, 0.2])
    assert w.levers.leases.withholding[:, rus].tolist() == [True, False, False]  # only R82's stop is a withholding


def test_russias_standing_squeezes_bring_the_term_it_offers_nearer_its_ask():
    """What Russia's squeezes can cost Tajikistan counts against its outside options in the bargain."""
    free, squeezed = based(1.0, 0.5), based(1.0, 0.5)
    squeezed.levers.squeeze["migration"][:, squeezed.i("RUS")] = 0.6
    assert (coercion(squeezed, "RUS") > 0).all() and (coercion(free, "RUS") == 0).all()
    for w in (free, squeezed):
        run(w, "R75", "RUS")
    rus = free.i("RUS")
    assert (squeezed.levers.leases.offered[:, rus] > free.levers.leases.offered[:, rus]).all()


def test_a_patrons_withheld_funding_lowers_the_regimes_protection_and_its_garrison_still_counts():
    stock, stationed = np.array([[0.4, 0.2]]), np.array([[1.0, 0.0]])
    full = protected(stock, stationed, 1.0, np.zeros((1, 2)))
    cut = protected(stock, stationed, 1.0, np.array([[1.0, 0.0]]))
    assert full == pytest.approx(1 - np.exp(-1.6)) and cut == pytest.approx(1 - np.exp(-1.2))  # the garrison stays


def test_a_patrons_irreplaceable_protection_is_counted_in_forces_and_organisations_replace_no_one():
    support, states = np.array([[1.4, 0.0, 0.0], [1.4, 1.0, 0.0], [1.4, 0.0, 1.0]]), np.array([1.0, 1.0, 0.0])
    lost = irreplaceable(support, states)[:, 0]
    assert lost[1] < lost[0] == pytest.approx(lost[2]) == pytest.approx(1 - np.exp(-1.4))
    assert ((0 <= irreplaceable(support, states)) & (irreplaceable(support, states) < 1)).all()


def test_through_the_model_a_lease_running_out_is_renewed_mostly_before_it_lapses():
    """The dependence period, 2010-2021: with the record's lease (four years left, to January 2014)
    Tajikistan holds out for rent in some replicates, and Russia and Tajikistan sign a new lease before
    it runs out in most replicates (37 of 40 at seed 3, at a median of January 2012; the record's in
    October 2012), and all by 2016 (40 of 40, the first renewal's median April 2012); with thirty
    years left nothing falls due and no lease is signed."""
    import sim
    from sim.paths import project_root
    from sim.scenario import load_scenario

    base = load_scenario(project_root() / "scenarios" / "2010-2021_dependence.yaml", calibration=False)

    def with_lease(years: float):
        levers = base.initial.levers.model_copy(update={"leases": {"RUS": years}})
        return sim.run(with_(base, initial=base.initial.model_copy(update={"levers": levers})), seed=3, replicates=40)

    def renewed_by(result, month: str) -> float:
        events = result.events
        chosen = (events["rule"] == "R75") & (events["type"] == "basing") & (events["date"] <= month)
        return float(np.isin(np.arange(40), events["replicate"][chosen].astype(int)).mean())

    short, long = with_lease(4.0), with_lease(30.0)
    assert renewed_by(short, "2013-12") > 0.5 and renewed_by(short, "2016-12") > 0.8
    assert renewed_by(long, "2021-12") == 0.0
    # Tajikistan holds out for rent (R81) only on a lease that has fallen due, and in some replicates it does
    for result in (short, long):
        left = result.recorded.series("base_lease", "RUS", "TJK")
        held = result.recorded.series("lease_holdout", "RUS", "TJK") > 0
        assert (left[held] < NOTICE).all()
    assert (short.recorded.series("lease_holdout", "RUS", "TJK") > 0).any(axis=1).mean() > 0.2
    assert not (long.recorded.series("lease_holdout", "RUS", "TJK") > 0).any()
    # Russia withholds the base's support (R82) only where Tajikistan has held out
    for result in (short, long):
        withheld = set(result.events["replicate"][result.events["rule"] == "R82"].astype(int))
        held_out = set(np.nonzero((result.recorded.series("lease_holdout", "RUS", "TJK") > 0).any(axis=1))[0])
        assert withheld <= held_out
    assert (short.events["rule"] == "R82").any()


def test_a_scheduled_event_can_sign_a_lease_for_every_replicate():
    import sim
    from sim.months import parse_month
    from sim.paths import project_root
    from sim.scenario import load_scenario
    from sim.scenario.schema import ScheduledEvent

    base = load_scenario(project_root() / "scenarios" / "2010-2021_dependence.yaml", calibration=False)
    signed = ScheduledEvent.model_validate({"date": "2010-03", "actor": "RUS", "target": "TJK", "type": "basing",
                                            "summary": "a long lease", "source": "a test",
                                            "effects": {"lease": 30.0}})
    result = sim.run(with_(base, events=base.events + (signed,)), seed=1, replicates=4)
    left = result.recorded.series("base_lease", "RUS", "TJK")
    march = parse_month("2010-03") - base.start
    assert left[:, march - 1] == pytest.approx(4.0 - 2 / 12, abs=1e-5)
    assert left[:, march] == pytest.approx(30.0 - 1 / 12, abs=1e-5)  # signed, then a month of it ran


def test_a_run_knows_the_war_next_door_at_its_height_before_it_started():
    """The height the war next door winds down from is the driver's maximum before a run's start as
    well as since: the 2022 period opens knowing the 82,000 US troops of 2011."""
    from sim.core.model import TajikistanModel
    from sim.paths import project_root
    from sim.scenario import load_scenario

    plan = load_scenario(project_root() / "scenarios" / "2022-2023_navigating.yaml", calibration=False)
    model = TajikistanModel(plan, seed=0)
    assert model.world.driver_peaks["us_troops_afghanistan"] == pytest.approx(82.174)
    model.step()
    assert model.world.driver_peaks["us_troops_afghanistan"] == pytest.approx(82.174)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["offer", "sign", "step"]), st.floats(-2.0, 3.0, allow_nan=False)),
                max_size=80))
def test_a_lease_stays_within_its_bounds_whatever_happens(moves):
    """Whatever offers, signings and months come in whatever order, a lease's years left stay within
    0 and the holder's ask, and how near it is to running out and how unsettled it is within 0 and 1."""
    leases = Leases(2, 1)
    everyone = np.arange(2)
    for move, leverage in moves:
        if move == "offer":
            leases.offer(0, np.full(2, leverage))
        elif move == "sign":
            leases.sign(everyone, np.zeros(2, dtype=int))
        else:
            leases.step()
        assert ((leases.left >= 0) & (leases.left <= HOLDER_ASK)).all()
        assert ((HOST_ASK <= leases.offered) & (leases.offered <= HOLDER_ASK)).all()
        for reading in (leases.running_out(), leases.unsettled()):
            assert ((reading >= 0) & (reading <= 1)).all()


def test_a_lease_deal_is_a_basing_event_that_only_the_records_base_deals_bear_out():
    """R75's lease deal is a ``basing`` event RUS -> TJK. Whatever month it falls in, the record bears
    it out only as E053 (the 201st becomes a base, 2004) or E065 (its lease to 2042, 2012), never as
    the border handover (E054) or the 2021 exercises (E072): Russia's military events, which a lease
    deal matched while base deals were coded ``military``."""
    import pandas as pd

    from sim.months import parse_month
    from sim.record.compare import Period, event_scores
    from sim.record.items import load_events

    w = based(None, 0.5)
    run(w, "R75", "RUS")
    (keys, _), = w.proposals
    deal = w.actions[keys[0]]
    assert (deal.type, w.codes[deal.actor], w.codes[deal.target]) == ("basing", "RUS", "TJK")
    months = np.arange(parse_month("1991-09"), parse_month("2023-12") + 1)
    whole = [Period("whole", int(months[0]), int(months[-1]))]
    record = load_events()

    def borne_out_by(kind: str) -> set[str]:
        """The record events that an event RUS -> TJK of this kind reproduces in some month."""
        events = pd.DataFrame({"replicate": np.arange(len(months)), "month": months, "actor": "RUS", "target": "TJK",
                               "type": kind, "rule": "R75"})
        return {e.id for e in record
                if event_scores(events, (e,), whole, len(months), {"RUS", "TJK"}, set())["recall_hits"].sum()}

    assert borne_out_by(deal.type) == {"E053", "E065"}
    military = borne_out_by("military")
    assert {"E007", "E054", "E072"} <= military and not military & {"E053", "E065"}
