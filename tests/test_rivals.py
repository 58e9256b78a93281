"""Threats and rivals: a hostile Kabul sends Tajikistan to its protectors, China's border posts take
a share of the security lever from Russia, Uzbekistan treats its upstream neighbours alike and cools
to the Russia that backs their dams, and the partners outside the Eurasian union keep Tajikistan out."""

from __future__ import annotations

import numpy as np
import pytest

from sim.core.rules import RULES
from sim.core.rules.common import afghan_threat, hostile_kabul
from sim.core.world import TIE_BITS
from tests.test_levers import _Agent, months, world


def run(w, rule_id: str, code: str) -> None:
    w.current_rule = rule_id
    RULES[rule_id].fn(w, _Agent(code, w), 1.0)


def kabul(assertiveness: float, regard: float):
    w = world()
    w.traits["assertiveness"][w.i("AFG")] = assertiveness
    w.alignment[:, w.i("AFG"), w.tjk] = regard
    return w


def test_only_an_assertive_regime_in_kabul_is_hostile_and_the_more_the_worse_it_regards_dushanbe():
    assert (hostile_kabul(kabul(0.5, -0.9)) == 0).all()
    assert (hostile_kabul(kabul(0.9, -0.6)) > hostile_kabul(kabul(0.9, 0.2))).all()
    assert (hostile_kabul(kabul(1.0, -1.0)) <= 1).all()


def test_a_hostile_regime_in_kabul_is_a_threat_when_the_fighting_has_stopped_and_russia_guards_the_border_against_it():
    def threatened(assertiveness: float, fighting: float):
        w = kabul(assertiveness, -0.6)
        w.drivers["afghan_instability"] = fighting
        return w

    assert np.allclose(afghan_threat(threatened(0.5, 0.4)), 0.4), "a regime that is not hostile adds nothing"
    assert (afghan_threat(threatened(0.9, 0.0)) > 0.5).all(), "a hostile regime is a threat without fighting"
    assert (afghan_threat(threatened(0.9, 0.4)) > afghan_threat(threatened(0.9, 0.0))).all()
    assert (afghan_threat(threatened(1.0, 1.0)) <= 1).all()
    guarded = {}
    for assertiveness, fighting in ((0.5, 0.0), (0.9, 0.0), (0.5, 0.4), (0.9, 0.4)):
        w = threatened(assertiveness, fighting)
        run(w, "R24", "RUS")
        guarded[assertiveness, fighting] = w.support_given[:, w.i("RUS"), w.tjk].copy()
    assert not guarded[0.5, 0.0].any() and (guarded[0.9, 0.0] > 0).all(), "a victorious Taliban still threatens"
    assert (guarded[0.9, 0.4] > guarded[0.5, 0.4]).all() and (guarded[0.5, 0.4] > 0).all()
    for rule_id, code in (("R23", "RUS"), ("R05", "TJK")):  # the war at home: a regime in Kabul changes nothing
        given = []
        for assertiveness in (0.5, 0.9):
            w = threatened(assertiveness, 0.4)
            w.alignment[:, w.i("RUS"), w.tjk] = 0.5
            run(w, rule_id, code)
            given.append((w.aid_given.copy(), [prob for _, prob in w.ordered_proposals()]))
        np.testing.assert_array_equal(given[0][0], given[1][0])
        for calm, hostile in zip(given[0][1], given[1][1]):
            np.testing.assert_array_equal(calm, hostile)


def test_a_hostile_kabul_sends_tajikistan_to_the_patrons_that_protect_it_in_proportion():
    w = kabul(0.9, -0.5)
    w.levers.security[:, w.i("RUS")], w.levers.security[:, w.i("CHN")] = 0.75, 0.25
    run(w, "R76", "TJK")
    pulls = w.pulls[:, w.tjk]
    assert (pulls[:, w.i("AFG")] < 0).all()
    assert np.allclose(pulls[:, w.i("RUS")], 3 * pulls[:, w.i("CHN")]) and (pulls[:, w.i("CHN")] > 0).all()
    assert (pulls[:, w.i("USA")] == 0).all(), "a partner that protects nothing gains nothing"
    calm = kabul(0.5, -0.5)
    run(calm, "R76", "TJK")
    assert not calm.pulls[:, calm.tjk].any()


def test_chinas_border_post_takes_a_share_of_the_security_lever_from_russia():
    w = world(afghan_instability=0.8)
    w.ties[:, w.i("CHN"), w.tjk] |= TIE_BITS["base"]  # China has its post
    run(w, "R77", "CHN")
    funded = w.aid_given[:, w.i("CHN"), w.tjk].copy()
    assert (funded > 0).all()
    w = months(w, 1, military={"RUS": 0.3, "CHN": float(funded.mean())})
    assert (w.levers.security[:, w.i("RUS")] < 1.0).all() and (w.levers.security[:, w.i("CHN")] > 0).all()
    without = world(afghan_instability=0.8)
    run(without, "R77", "CHN")
    assert not without.aid_given[:, without.i("CHN"), without.tjk].any(), "no post, no funding"


def test_uzbekistans_regard_for_kyrgyzstan_follows_its_regard_for_tajikistan():
    w = world()
    w.alignment[:, w.i("UZB"), w.tjk], w.alignment[:, w.i("UZB"), w.i("KGZ")] = 0.4, -0.2
    run(w, "R78", "UZB")
    warmer = w.pulls[:, w.i("UZB"), w.i("KGZ")].copy()
    w = world()
    w.alignment[:, w.i("UZB"), w.tjk], w.alignment[:, w.i("UZB"), w.i("KGZ")] = -0.6, -0.2
    run(w, "R78", "UZB")
    assert (warmer > 0).all() and (w.pulls[:, w.i("UZB"), w.i("KGZ")] < 0).all()


def test_uzbekistan_cools_to_russia_only_while_it_squeezes_and_russia_stands_by_tajikistan():
    def cooling(squeeze: float, russia_to_tajikistan: float) -> float:
        w = world()
        w.levers.squeeze["energy"][:, w.i("UZB")] = squeeze
        w.alignment[:, w.i("RUS"), w.tjk] = russia_to_tajikistan
        run(w, "R79", "UZB")
        return float(w.pulls[:, w.i("UZB"), w.i("RUS")].mean())

    assert cooling(0.6, 0.8) < cooling(0.2, 0.8) < 0
    assert cooling(0.0, 0.8) == 0 and cooling(0.6, -0.2) == 0


def test_the_more_partners_outside_the_union_hold_the_further_tajikistan_stays_out():
    def reluctance(china_debt: float, member: bool = False) -> float:
        w = world()
        w.levers.debt[:, w.i("CHN")] = china_debt
        if member:
            w.ties[:, w.tjk, w.i("EAEU")] |= TIE_BITS["member"]
        run(w, "R80", "TJK")
        return float(-w.pulls[:, w.tjk, w.i("EAEU")].mean())

    assert reluctance(0.8) > reluctance(0.1) > 0
    assert reluctance(0.8, member=True) == 0


def test_russia_squeezes_a_tajikistan_outside_its_union_but_pays_only_to_draw_it_back_from_its_rivals():
    """Staying out of the Eurasian union is a defection Russia's migrant squeeze answers (R65), not
    a lean to a rival that its bids answer (R75: "promises of big investment and debt relief" for a
    base pact, ``aljazeera2004``). Before, R75 paid Tajikistan for staying out, so joining cut
    Russia's aid, the inverse of Russia's inducements to Kyrgyzstan."""
    from tests.test_levers import _decide

    def loyal(member: bool, usa: float = 0.0):
        w = world(russia_growth=0.0)
        w.alignment[:, w.tjk, w.i("RUS")] = 0.9
        w.alignment[:, w.tjk, w.i("USA")] = usa
        w.levers.remittances[:, w.i("RUS")] = 20.0
        if member:
            w.ties[:, w.tjk, w.i("EAEU")] |= TIE_BITS["member"]
        return w

    assert (_decide(loyal(False), "R65", "RUS") > 0).all() and (_decide(loyal(True), "R65", "RUS") == 0).all()
    for member in (False, True):
        w = loyal(member)
        run(w, "R75", "RUS")
        assert not w.aid_given[:, w.i("RUS"), w.tjk].any() and not w.pulls[:, w.i("RUS"), w.tjk].any()
    leaning = loyal(False, usa=0.9)
    run(leaning, "R75", "RUS")
    assert (leaning.aid_given[:, leaning.i("RUS"), leaning.tjk] > 0).all()


def test_tajikistan_opens_its_airfields_only_when_the_united_states_asks_not_when_it_asks_the_united_states():
    """R74 reads requests made of Tajikistan by the United States (``requests[replicate, asked,
    asker]``); before, it read Tajikistan's own requests to the United States, and so granted access
    through the 1990s in a third of the replay's replicates."""
    def chance(asked_by_us: float, asked_the_us: float) -> float:
        w = world(us_troops_afghanistan=20.0)  # at war next door
        w.alignment[:, w.tjk, w.i("USA")] = 0.3
        w.requests[:, w.tjk, w.i("USA")] = asked_by_us
        w.requests[:, w.i("USA"), w.tjk] = asked_the_us
        w.clear_intentions()
        w.current_rule = "R74"
        RULES["R74"].fn(w, _Agent("TJK", w), 1.0)
        (_, grant), _ = w.proposals
        return float(np.mean(grant))

    assert chance(1.0, 0.0) > 0 and chance(0.0, 1.0) == 0


def test_the_war_next_door_winds_down_as_the_united_states_withdraws_from_its_height():
    """The same 9,000 troops mean a war at its height in 2002 and one winding down in 2015, after a
    peak of 82,000: the coalition's access, the US requests and its engagement follow the latter."""
    from sim.core.rules.common import us_at_war_next_door

    def war(troops: float, height: float) -> float:
        w = world(us_troops_afghanistan=troops)
        w.driver_peaks = {"us_troops_afghanistan": height}
        return us_at_war_next_door(w)

    assert war(9.0, 9.0) > 0.8 and war(9.0, 82.0) < 0.1 and war(0.0, 82.0) == 0.0
    assert war(82.0, 82.0) == pytest.approx(1.0, abs=1e-6)


def test_the_united_states_funds_tajik_security_on_an_aid_scale_and_pays_for_access_only_while_it_has_it():
    """R73's military support is a fraction of a garrison (aid to aid against Russia's, not as large as
    the 201st); its payment for the airfields is economic aid, given only while Tajikistan grants access."""
    from sim.core.rules.common import us_at_war_next_door
    from sim.core.rules.levers import ACCESS_PAYMENT, US_SECURITY_AID

    given = {}
    for case, access in (("asking", False), ("hosting", True)):
        w = world(russia_growth=0.0, us_troops_afghanistan=100.0)
        if access:
            w.ties[:, w.tjk, w.i("USA")] |= TIE_BITS["base"]
        run(w, "R73", "USA")
        fighting = us_at_war_next_door(w)
        military = sum(flow.amount for flow in w.flows if flow.type == "military" and flow.rule == "R73")
        economic = sum(flow.amount for flow in w.flows if flow.type == "aid" and flow.rule == "R73")
        given[case] = (np.asarray(military), np.asarray(economic), fighting)
    military, economic, fighting = given["asking"]
    assert fighting > 0.9 and military == pytest.approx(US_SECURITY_AID * fighting) and not np.any(economic)
    assert 10 * US_SECURITY_AID < 0.2  # its stock, built up, is a small part of a garrison's weight (1)
    military, economic, fighting = given["hosting"]
    assert economic == pytest.approx(ACCESS_PAYMENT * fighting) and military == pytest.approx(US_SECURITY_AID * fighting)


def test_china_posts_forces_into_the_room_a_departing_great_power_leaves():
    """R77's post comes the less the more the United States fights next door: none at the war's
    height, as readily as before once it has gone."""
    from tests.test_levers import _decide

    def chance(us_troops: float, height: float) -> float:
        w = world(afghan_instability=0.8, us_troops_afghanistan=us_troops)
        w.driver_peaks["us_troops_afghanistan"] = height
        w.levers.mass[:, w.i("CHN")] = 10.0  # a China of global reach
        return float(_decide(w, "R77", "CHN").mean())

    gone, drawing_down, at_height = chance(0.0, 100.0), chance(20.0, 100.0), chance(100.0, 100.0)
    assert gone > drawing_down > at_height and at_height < 0.05 * gone


@pytest.mark.parametrize("outlook", [-0.8, -0.3, 0.0, 0.4])
def test_who_rules_in_kabul_sets_how_moscow_and_dushanbe_regard_it(outlook):
    """A regime change in Kabul is a trait (its outlook, ideology_tjk), not a scripted regard: Dushanbe's regard
    both ways follows its sign (R09), and Russia cools to rulers whose outlook lies away from Dushanbe's secular one
    (R85) but warms to none for sharing it."""
    w = world()
    w.traits["ideology_tjk"][w.i("AFG")] = outlook
    run(w, "R85", "RUS")
    run(w, "R09", "TJK")
    afg = w.i("AFG")
    for pull in (w.pulls[:, w.tjk, afg], w.pulls[:, afg, w.tjk]):
        assert (np.sign(pull) == np.sign(outlook)).all()
    assert (np.sign(w.pulls[:, w.i("RUS"), afg]) == min(np.sign(outlook), 0)).all()


def test_new_rulers_in_kabul_start_afresh():
    """The Taliban's takeover of September 1996 (the civil-war period file) gives Kabul new rulers: regard to
    and from Afghanistan starts again from 0, as do the aid and pressure given to or by it (Russia's arms for
    Rabbani are not the Taliban's to repay), a refusal to recognise the old rulers lapses, and the new rulers'
    outlook is the Taliban's; no regard is set by the event."""
    from sim.core.model import TajikistanModel
    from sim.paths import scenarios_dir
    from sim.scenario import load_scenario

    plan = load_scenario(scenarios_dir() / "1992-1997_civil_war.yaml")
    (takeover,) = [e for e in plan.events if e.date == "1996-09"]
    assert takeover.effects.alignment == takeover.effects.regard == 0.0
    model = TajikistanModel(plan, seed=0, replicates=3)
    w = model.world
    afg = w.i("AFG")
    w.alignment[:, afg, :] = 0.4
    w.alignment[:, :, afg] = -0.6
    w.ties[:, w.tjk, afg] |= TIE_BITS["refusal"] | TIE_BITS["recognition"]
    w.aid[:, w.i("RUS"), afg] = w.pressure[:, w.tjk, afg] = w.aid[:, w.tjk, w.i("RUS")] = 0.3
    model.impose(takeover)
    assert not w.alignment[:, afg, :].any() and not w.alignment[:, :, afg].any()
    assert not w.aid[:, :, afg].any() and not w.pressure[:, :, afg].any()
    assert (w.aid[:, w.tjk, w.i("RUS")] == 0.3).all(), "flows elsewhere are untouched"
    assert (w.ties[:, w.tjk, afg] == TIE_BITS["recognition"]).all()
    assert w.trait("AFG", "ideology_tjk") == takeover.effects.traits["ideology_tjk"] < -0.5
    assert (w.alignment[:, w.i("RUS"), w.tjk] != 0).all(), "regard elsewhere is untouched"


def test_tajikistan_is_as_wary_of_a_downstream_neighbours_water_claims_as_its_leaders_press_them():
    """R13 treats Uzbekistan and Turkmenistan alike, as the text does, while their leaders are the actors file's; a
    successor in Tashkent who presses a quarter as hard (the succession of 2016, a trait) leaves a quarter of it."""
    def wariness(uzbek_assertiveness: float) -> np.ndarray:
        w = world()
        w.traits["assertiveness"][w.i("UZB")] = uzbek_assertiveness
        run(w, "R13", "TJK")
        return w.pulls[:, w.tjk, [w.i("UZB"), w.i("TKM")]]

    karimov = world().spec("UZB").assertiveness
    under_karimov, after = wariness(karimov), wariness(karimov / 4)
    assert (under_karimov < 0).all() and np.allclose(under_karimov[:, 0], under_karimov[:, 1])
    assert np.allclose(after[:, 0], under_karimov[:, 0] / 4) and np.allclose(after[:, 1], under_karimov[:, 1])


def test_russia_arms_kabuls_rulers_as_they_lose_ground_and_they_turn_to_moscow_and_dushanbe():
    """R64 arms Kabul's rulers as far as their capability has fallen (the Taliban's advance of 1994-95, a shock), less
    the further their outlook from Dushanbe's; R39 has the armed rulers lean towards Moscow by its share of the aid
    they receive, and towards Dushanbe as they regard Moscow. Rulers at full strength get nothing."""
    def armed(capability: float, outlook: float):
        w = world()
        w.traits["capability"][w.i("AFG")] = capability
        w.traits["ideology_tjk"][w.i("AFG")] = outlook
        run(w, "R64", "RUS")
        return w.aid_given[:, w.i("RUS"), w.i("AFG")].copy(), w.pulls[:, w.i("RUS"), w.i("AFG")].copy()

    base = world().traits["capability"][world().i("AFG")]
    full, _ = armed(base, -0.3)
    rabbani, warmth = armed(base * 19 / 31, -0.3)
    taliban, _ = armed(base * 19 / 31, -0.8)
    assert (full == 0).all() and (rabbani > taliban).all() and (taliban > 0).all() and (warmth > 0).all()

    w = world()
    afg, rus = w.i("AFG"), w.i("RUS")
    w.aid[:, rus, afg] = 0.2
    w.alignment[:, afg, rus] = 0.3
    run(w, "R39", "AFG")
    assert np.allclose(w.pulls[:, afg, rus], 2.0 * 0.2 / 0.4) and (w.pulls[:, afg, w.tjk] > 0).all()


def test_the_talibans_advance_is_an_event_within_afghanistan_that_touches_no_dyad():
    """The civil-war period file's advance of winter 1994-95 lowers Kabul's rulers' capability to the 19 of 31
    provinces the Taliban had not taken; an event whose actor is its target changes no regard and no flow."""
    from sim.core.model import TajikistanModel
    from sim.paths import scenarios_dir
    from sim.scenario import load_scenario

    plan = load_scenario(scenarios_dir() / "1992-1997_civil_war.yaml")
    (advance,) = [e for e in plan.events if e.date == "1995-02"]
    assert advance.actor == advance.target == "AFG"
    model = TajikistanModel(plan, seed=0, replicates=2)
    w = model.world
    before = (w.alignment.copy(), w.aid.copy(), w.pressure.copy(), model.dynamics.touched.copy())
    model.impose(advance)
    for old, new in zip(before, (w.alignment, w.aid, w.pressure, model.dynamics.touched)):
        assert (old == new).all()
    assert w.weakened(["AFG"])[0] == pytest.approx(12 / 31, abs=1e-3)


def test_dushanbe_accuses_kabul_only_while_its_exiled_opposition_fights_and_kabul_is_estranged():
    """R15 reads its sentence's "complicity in cross-border attacks by exiled opposition members": the attacks
    need fighting and an opposition based abroad, the complicity a Kabul estranged from Dushanbe. After an accord
    brings the opposition home, or in peace, there is nothing to accuse; a Kabul that approaches Dushanbe is
    accused less."""
    def accusation(war: float, accord: float, kabul_regard: float) -> np.ndarray:
        w = world(afghan_instability=0.8)
        c = w.conflict
        c.war[:], c.opposition[:], c.accord[:], c.integrated[:] = war, 0.4, accord, 0.0
        w.alignment[:, w.i("AFG"), w.tjk] = kabul_regard
        run(w, "R15", "TJK")
        return w.pulls[:, w.tjk, w.i("AFG")].copy()

    fighting = accusation(0.8, 0.0, -0.2)
    assert (fighting < 0).all()
    assert (accusation(0.0, 0.0, -0.2) == 0).all() and (accusation(0.8, 1.0, -0.2) == 0).all()
    assert (accusation(0.8, 0.0, 0.5) > fighting).all() and (accusation(0.8, 0.0, 0.5) < 0).all()


def test_a_successor_in_tashkent_who_presses_less_makes_overtures_and_is_criticised_and_cut_off_less():
    """R86: no overture while Karimov's assertiveness stands; under a successor pressing a quarter as hard, warmth as
    great as the resentment R31 no longer exerts, and visits. R33: the successor cuts fuel a quarter as hard. R14:
    Dushanbe's grievance stands, its government's criticism falls as far as Tashkent warms."""
    def pulled(rule_id: str, assertiveness: float) -> tuple[np.ndarray, float]:
        w = world()
        w.traits["assertiveness"][w.i("UZB")] = assertiveness
        run(w, rule_id, "UZB")
        visit = max((float(np.max(chance)) for _, chance in w.ordered_proposals()), default=0.0)
        return w.pulls[:, w.i("UZB"), w.tjk].copy(), visit

    def overtures(assertiveness: float) -> tuple[np.ndarray, np.ndarray, float]:
        warmth, visit = pulled("R86", assertiveness)
        resentment_lifted = pulled("R31", assertiveness)[0] - pulled("R31", world().spec("UZB").assertiveness)[0]
        return warmth, resentment_lifted, visit

    karimov = world().spec("UZB").assertiveness
    warmth, _, visit = overtures(karimov)
    assert not warmth.any() and visit == 0.0
    warmth, resentment_lifted, visit = overtures(karimov / 4)
    assert (warmth > 0).all() and np.allclose(warmth, resentment_lifted) and visit > 0.0

    def cut_off(assertiveness: float) -> np.ndarray:
        w = world()
        w.traits["assertiveness"][w.i("UZB")] = assertiveness
        run(w, "R33", "UZB")
        return w.pressure_given[:, w.i("UZB"), w.tjk].copy()
    assert (cut_off(karimov) > 0).all() and np.allclose(cut_off(karimov / 4), cut_off(karimov) / 4)

    def criticism(tashkent_regard: float) -> tuple[np.ndarray, float]:
        w = world()
        w.alignment[:, w.i("UZB"), w.tjk] = tashkent_regard
        run(w, "R14", "TJK")
        return w.pulls[:, w.tjk, w.i("UZB")].copy(), max(float(np.max(chance)) for _, chance in w.ordered_proposals())
    (grievance, voiced), (grievance_warm, voiced_warm) = criticism(-0.3), criticism(0.5)
    assert (grievance < 0).all() and np.allclose(grievance, grievance_warm) and voiced_warm == pytest.approx(voiced / 2)


def test_uzbekistan_arms_the_government_only_while_an_armed_opposition_fights_it():
    """R28's support went to the war's winners against their armed enemies: a government still short of control of
    its country (``threat``) gets no Uzbek arms, nor a defence treaty, once the opposition's fighters are integrated."""
    def armed(integrated: float) -> np.ndarray:
        w = world()
        w.conflict.threat[:], w.conflict.opposition[:], w.conflict.integrated[:] = 0.3, 0.6, integrated
        run(w, "R28", "UZB")
        return w.aid_given[:, w.i("UZB"), w.tjk].copy()
    assert (armed(0.0) > 0).all() and not armed(1.0).any()


def test_uzbekistan_arms_challengers_only_while_fighters_remain_outside_the_state():
    """R61's arms reach men under arms: while the accord's integration is under way they flow as Tashkent resents the
    compromise; once the opposition's fighters are integrated nobody is left to arm (the residual armed opposition
    the rule kept alive through the 2010s)."""
    def spoilers(integrated: float) -> np.ndarray:
        w = world()
        c = w.conflict
        c.opposition[:], c.integrated[:], c.sharing[:], c.accord[:] = 0.6, integrated, 0.3, True
        w.alignment[:, w.i("UZB"), w.tjk] = -0.5
        run(w, "R61", "UZB")
        return w.aid_given[:, w.i("UZB"), w.i("UTO")].copy()
    assert (spoilers(0.0) > 0).all() and np.allclose(spoilers(0.5), spoilers(0.0) / 2) and not spoilers(1.0).any()
