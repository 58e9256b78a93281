"""The world's reading and recording methods, and the interventions that forbid or force what actors do."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

import sim
from sim.core.interventions import Intervention, Interventions
from sim.core.model import TajikistanModel
from sim.core.world import TIE_BITS, World
from sim.months import parse_month
from sim.scenario import load_scenario
from sim.scenario.schema import Intervention as InterventionSpec
from sim.vocabulary import ACTOR_NAMES

ROOT = Path(__file__).resolve().parents[1]
CIVIL_WAR = ROOT / "scenarios" / "1992-1997_civil_war.yaml"
PLAN = load_scenario(CIVIL_WAR, calibration=False)
CODES = ["TJK", "RUS", "UZB", "CHN", "USA", "CIS", "IMF"]


def make_world(replicates: int = 2, present=CODES) -> World:
    world = World(CODES, replicates, PLAN.actors, ACTOR_NAMES)
    for code in present:
        world.activate(code)
    world.current_rule = "R99"
    return world


# --- reading the state --------------------------------------------------------------------


def test_activate_brings_an_actor_into_the_lists_rules_read():
    world = make_world(present=["TJK", "RUS", "UZB"])
    assert world.states == ["TJK", "RUS", "UZB"] and world.organisations == []
    assert world.others("states") == ["RUS", "UZB"] and world.others("organisations") == []
    assert world.donors == ["RUS", "UZB"]  # capability 1.0 and 0.35; Tajikistan is never its own donor
    assert not world.present("CIS") and not world.present("ZZZ")
    world.activate("CIS")
    assert world.present("CIS") and world.organisations == ["CIS"] and world.others("organisations") == ["CIS"]
    assert world.active.tolist() == [code in ("TJK", "RUS", "UZB", "CIS") for code in CODES]


def test_ties_are_read_bit_by_bit_for_one_target_many_targets_or_many_actors():
    world = make_world()
    tjk, rus, uzb = world.i("TJK"), world.i("RUS"), world.i("UZB")
    world.ties[0, tjk, rus] = TIE_BITS["embassy"] | TIE_BITS["treaty"]
    world.ties[1, tjk, uzb] = TIE_BITS["member"]
    world.ties[1, rus, tjk] = TIE_BITS["base"]
    assert world.has("TJK", "RUS", "embassy").tolist() == [True, False]
    assert world.has("TJK", "RUS", "treaty").tolist() == [True, False]
    assert world.has("TJK", "RUS", "base").tolist() == [False, False]
    assert world.has_many("TJK", ["RUS", "UZB"], "member").tolist() == [[False, False], [False, True]]
    assert world.had_by_many(["RUS", "UZB"], "TJK", "base").tolist() == [[False, False], [True, False]]


# --- recording intentions -----------------------------------------------------------------


def test_pulls_add_up_in_their_cells_and_make_the_dyad_live():
    world = make_world()
    assert world.pulls.shape == (2, len(CODES), len(CODES))
    world.pull("TJK", "RUS", 0.3)
    world.pull("TJK", "RUS", np.array([0.1, -0.2]))
    world.pull_many("RUS", ["UZB", "CHN"], np.array([[1.0, 2.0], [3.0, 4.0]]))
    world.pulled_by_many(["USA", "CHN"], "UZB", -0.5)
    i = world.i
    assert world.pulls[:, i("TJK"), i("RUS")].tolist() == pytest.approx([0.4, 0.1])
    assert world.pulls[:, i("RUS"), i("UZB")].tolist() == [1.0, 3.0]
    assert world.pulls[:, i("RUS"), i("CHN")].tolist() == [2.0, 4.0]
    assert world.pulls[:, i("USA"), i("UZB")].tolist() == world.pulls[:, i("CHN"), i("UZB")].tolist() == [-0.5, -0.5]
    assert np.count_nonzero(world.pulls) == 2 * 5
    for a, b in (("RUS", "UZB"), ("RUS", "CHN"), ("USA", "UZB"), ("CHN", "UZB")):
        assert world.live[i(a), i(b)] and not world.live[i(b), i(a)]


def test_live_pairs_are_tajikistans_dyads_and_every_dyad_ever_pulled():
    world = make_world()
    tjk = world.tjk
    rows, cols = world.live_pairs()
    pairs = set(zip(rows.tolist(), cols.tolist()))
    assert pairs == {(tjk, j) for j in range(world.N) if j != tjk} | {(j, tjk) for j in range(world.N) if j != tjk}
    assert world.live_pairs()[0] is rows  # unchanged: the same arrays, not recomputed
    world.pull("RUS", "UZB", 0.0)  # a pull of nothing still makes the dyad live: liveness never depends on the state
    world.clear_intentions()  # and it outlasts the month
    rows, cols = world.live_pairs()
    assert (world.i("RUS"), world.i("UZB")) in set(zip(rows.tolist(), cols.tolist()))
    assert len(rows) == len(pairs) + 1


def test_aid_and_pressure_are_never_negative_and_each_is_a_flow_named_by_its_rule():
    world = make_world()
    i = world.i
    world.give_aid("RUS", "TJK", np.array([0.2, -0.1]), "Russia helps")
    world.give_aid("RUS", "TJK", 0.05, military=True)
    world.apply_pressure("UZB", "TJK", np.array([-1.0, 0.3]), "Uzbekistan presses")
    world.support("CHN", "TJK", np.array([0.4, -0.4]))
    assert world.aid_given[:, i("RUS"), i("TJK")].tolist() == pytest.approx([0.25, 0.05])
    assert world.pressure_given[:, i("UZB"), i("TJK")].tolist() == [0.0, 0.3]
    assert world.support_given[:, i("CHN"), i("TJK")].tolist() == [0.4, 0.0]
    assert [(f.kind, f.type, f.rule, f.actor, f.target, f.label) for f in world.flows] == [
        ("aid", "aid", "R99", i("RUS"), i("TJK"), "Russia helps"),
        ("aid", "military", "R99", i("RUS"), i("TJK"), None),
        ("pressure", "pressure", "R99", i("UZB"), i("TJK"), "Uzbekistan presses"),
    ]  # support is not a flow: it logs no episodes
    assert world.flows[0].amount.tolist() == [0.2, 0.0]


def test_aid_from_each_of_several_actors_is_one_flow_each():
    world = make_world()
    world.give_aid_each(["RUS", "CHN", "USA"], "TJK", np.array([[0.1, -0.2, 0.3], [0.4, 0.5, 0.6]]))
    tjk = world.tjk
    assert world.aid_given[:, world.at(["RUS", "CHN", "USA"]), tjk].tolist() == [[0.1, 0.0, 0.3], [0.4, 0.5, 0.6]]
    assert [world.codes[f.actor] for f in world.flows] == ["RUS", "CHN", "USA"]
    assert world.flows[1].amount.tolist() == [0.0, 0.5]


def test_security_pushes_add_up_either_way():
    world = make_world()
    world.secure(0.1)
    world.secure(np.array([-0.3, 0.2]))
    assert world.security_push.tolist() == pytest.approx([-0.2, 0.3])


def test_a_proposal_registers_its_action_once_and_keeps_its_keys():
    world = make_world()
    world.propose("TJK", "RUS", "treaty", 0.2, "They sign", tie="treaty", alignment=0.1, security=0.05)
    (keys, prob), = world.ordered_proposals()
    key = ("R99", world.i("TJK"), world.i("RUS"), "treaty", "They sign")
    assert keys == (key,) and prob == 0.2
    action = world.actions[key]
    assert (action.tie, action.untie, action.alignment, action.security, action.symmetric_tie) == (
        TIE_BITS["treaty"], 0, 0.1, 0.05, True)
    world.clear_intentions()
    world.propose("TJK", "RUS", "treaty", np.array([0.0, 1.0]), "They sign", tie="treaty", alignment=0.1, security=0.05)
    (again, prob), = world.ordered_proposals()
    assert again is keys  # the same keys, from the cache: the same action every month
    assert prob.tolist() == [0.0, 1.0]
    world.propose("USA", "TJK", "embassy", 0.5, "The embassy closes", untie="embassy")
    closing = world.actions[("R99", world.i("USA"), world.tjk, "embassy", "The embassy closes")]
    assert (closing.tie, closing.untie, closing.symmetric_tie) == (0, TIE_BITS["embassy"], False)


def test_proposals_to_or_from_many_give_one_key_per_action():
    world = make_world()
    prob = np.array([[0.1, 0.2], [0.3, 0.4]])
    world.propose_many("TJK", ["RUS", "UZB"], "visit", prob, ["to Moscow", "to Tashkent"], alignment=0.03)
    world.propose_each(["RUS", "UZB"], "TJK", "refusal", prob, ["Russia declines", "Uzbekistan declines"])
    world.propose_many("TJK", ["CHN"], "visit", np.array([[0.7], [0.8]]), ["to Beijing"])
    (visits, p1), (refusals, p2), (one, p3) = world.ordered_proposals()
    assert [(k[1], k[2], k[4]) for k in visits] == [(0, 1, "to Moscow"), (0, 2, "to Tashkent")]
    assert [(k[1], k[2], k[3]) for k in refusals] == [(1, 0, "refusal"), (2, 0, "refusal")]
    assert p1 is prob and p2 is prob
    assert p3.tolist() == [0.7, 0.8]  # a block of one action has one probability per replicate
    assert world.actions[visits[1]].alignment == 0.03 and world.actions[refusals[0]].alignment == 0.0


def test_proposals_come_out_block_by_block_whatever_order_agents_decided_in():
    world = make_world()
    world.propose("TJK", "RUS", "visit", 0.1, "before any agent")
    for block, target in ((5, "CHN"), (2, "UZB"), (9, "USA"), (2, "CIS")):
        world.begin(block)
        world.propose("TJK", target, "visit", 0.1, f"to {target}")
    order = [world.codes[keys[0][2]] for keys, _ in world.ordered_proposals()]
    assert order == ["RUS", "UZB", "CIS", "CHN", "USA"]  # unassigned first, then blocks 2 (in order), 5, 9


def test_clearing_intentions_empties_every_buffer_in_place():
    world = make_world()
    buffers = (world.pulls, world.aid_given, world.pressure_given, world.support_given)
    world.begin(3)
    world.pull("TJK", "RUS", 1.0)
    world.give_aid("RUS", "TJK", 1.0)
    world.apply_pressure("UZB", "TJK", 1.0)
    world.support("RUS", "TJK", 1.0)
    world.secure(1.0)
    world.propose("TJK", "RUS", "visit", 0.5, "a visit")
    world.clear_intentions()
    assert all(not buffer.any() for buffer in buffers)
    assert (world.pulls, world.aid_given, world.pressure_given, world.support_given) == buffers  # reused, not reallocated
    assert not world.security_push.any() and world.flows == [] and world.ordered_proposals() == []
    world.propose("TJK", "RUS", "visit", 0.5, "a visit")
    assert len(world.ordered_proposals()) == 1  # recorded in the unassigned block, not in last month's block 3


# --- interventions, directly ----------------------------------------------------------------


def intervention(mode: str, actor: str, target: str, type: str, start="1993-01", end="1993-03", amount=0.2) -> Intervention:
    return Intervention(mode, CODES.index(actor), CODES.index(target), type, parse_month(start), parse_month(end), amount)


def test_a_forbidden_flow_is_cut_and_other_flows_stay_only_within_its_months():
    rules = Interventions([intervention("forbid", "RUS", "TJK", "military")])
    for month, cut in (("1992-12", False), ("1993-01", True), ("1993-03", True), ("1993-04", False)):
        world = make_world()
        rus, tjk = world.i("RUS"), world.tjk
        world.give_aid("RUS", "TJK", 0.3, military=True)
        world.give_aid("RUS", "TJK", np.array([0.1, 0.2]))
        world.apply_pressure("RUS", "TJK", 0.4)
        rules.on_flows(parse_month(month), world)
        assert world.aid_given[:, rus, tjk].tolist() == pytest.approx([0.4, 0.5] if not cut else [0.1, 0.2]), month
        assert world.pressure_given[:, rus, tjk].tolist() == [0.4, 0.4]
        assert [f.type for f in world.flows] == (["military", "aid", "pressure"] if not cut else ["aid", "pressure"])


def test_a_forced_flow_gets_its_amount_each_month_of_its_window():
    rules = Interventions([intervention("force", "CHN", "TJK", "pressure", amount=0.25)])
    for month, forced in (("1992-12", False), ("1993-02", True), ("1993-04", False)):
        world = make_world()
        world.apply_pressure("CHN", "TJK", np.array([0.0, 0.1]))
        rules.on_flows(parse_month(month), world)
        assert world.pressure_given[:, world.i("CHN"), world.tjk].tolist() == pytest.approx(
            [0.25, 0.35] if forced else [0.0, 0.1]), month
        assert [f.rule for f in world.flows] == (["R99", "intervention"] if forced else ["R99"])


def test_forbidden_actions_cannot_happen_and_forced_ones_must_only_within_their_months():
    world = make_world()
    world.propose_many("RUS", ["TJK", "UZB"], "military", 0.3, ["to Dushanbe", "to Tashkent"])
    world.propose("RUS", "TJK", "visit", 0.3, "a visit")
    world.propose("TJK", "RUS", "military", 0.3, "the other way")
    keys = tuple(key for block, _ in world.ordered_proposals() for key in block)
    for mode, certain in (("forbid", 0.0), ("force", 1.0)):
        rules = Interventions([intervention(mode, "RUS", "TJK", "military")])
        for month, inside in (("1992-12", False), ("1993-01", True), ("1993-03", True), ("1993-04", False)):
            prob = np.full((2, len(keys)), 0.3)
            rules.on_actions(parse_month(month), keys, prob)
            assert prob[:, 0].tolist() == [certain if inside else 0.3] * 2, (mode, month)
            assert (prob[:, 1:] == 0.3).all()  # another target, another type, the other direction


def test_an_intervention_naming_a_rule_touches_that_rules_actions_and_flows_only():
    world = make_world()
    for rule_id, label in (("R66", "giving way"), ("R01", "another rule's treaty")):
        world.current_rule = rule_id
        world.propose("TJK", "RUS", "treaty", 0.3, label)
        world.give_aid("TJK", "RUS", 0.2)
    keys = tuple(key for block, _ in world.ordered_proposals() for key in block)
    assert [key[0] for key in keys] == ["R66", "R01"]
    month = parse_month("1993-02")
    prob = np.full((2, 2), 0.3)
    Interventions([intervention("force", "TJK", "RUS", "treaty")._replace(rule="R66")]).on_actions(month, keys, prob)
    assert prob.tolist() == [[1.0, 0.3]] * 2
    Interventions([intervention("forbid", "TJK", "RUS", "aid")._replace(rule="R01")]).on_flows(month, world)
    assert [f.rule for f in world.flows] == ["R66"]
    assert world.aid_given[:, world.tjk, world.i("RUS")].tolist() == pytest.approx([0.2, 0.2])


def test_no_interventions_is_false_so_the_model_skips_them():
    assert not Interventions([]) and Interventions([intervention("forbid", "RUS", "TJK", "aid")])


# --- interventions, through a scenario -------------------------------------------------------


def with_interventions(*items: dict):
    return replace(PLAN, interventions=tuple(InterventionSpec.model_validate(item) for item in items))


def step_through(plan, until: str, replicates: int = 8):
    """The model after each month up to ``until``: (month, world) pairs, the world read before the next step."""
    model = TajikistanModel(plan, seed=3, replicates=replicates)
    while model.month <= parse_month(until):
        month = model.month
        model.step()
        yield month, model.world


def test_a_scenarios_forbidden_aid_is_cut_in_its_months_only():
    plan = with_interventions({"mode": "forbid", "actor": "USA", "target": "TJK", "type": "aid",
                               "from": "1992-08", "to": "1992-10"})
    for month, world in step_through(plan, "1992-12"):
        usa, tjk = world.i("USA"), world.tjk
        given = world.aid_given[:, usa, tjk]
        if parse_month("1992-08") <= month <= parse_month("1992-10"):
            assert not given.any() and not any(f.actor == usa and f.type == "aid" for f in world.flows)
        else:
            assert (given > 0).all()  # emergency relief in the war (R43)


DEPLOYS = "Russia puts the 201st division at the Tajik government's side"  # R23's discrete action


def test_a_scenarios_forced_action_happens_in_every_replicate_each_month_of_its_window():
    plan = with_interventions({"mode": "force", "actor": "RUS", "target": "TJK", "type": "military",
                               "from": "1992-07", "to": "1992-09", "amount": 0.1})
    result, factual = sim.run(plan, seed=5, replicates=6), sim.run(PLAN, seed=5, replicates=6)
    deploys = lambda events: events[events["summary"] == DEPLOYS].reset_index(drop=True)  # noqa: E731
    per_month = deploys(result.events).groupby("date")["replicate"].nunique()
    assert per_month.reindex(["1992-07", "1992-08", "1992-09"]).tolist() == [6, 6, 6]
    before = lambda events: events[events["date"] < "1992-07"].reset_index(drop=True)  # noqa: E731
    assert before(result.events).equals(before(factual.events))  # the same history until the window opens
    for month, world in step_through(plan, "1992-10", replicates=2):
        forced = [f for f in world.flows if f.rule == "intervention"]
        inside = parse_month("1992-07") <= month <= parse_month("1992-09")
        assert [(f.type, world.codes[f.actor], world.codes[f.target]) for f in forced] == (
            [("military", "RUS", "TJK")] if inside else [])


def test_interventions_written_in_a_scenario_file_reach_the_run(tmp_path):
    text = CIVIL_WAR.read_text().replace("extends: [base/", f"extends: [{ROOT / 'scenarios'}/base/").replace(
        ", base/drivers.yaml]", f", {ROOT / 'scenarios'}/base/drivers.yaml]")
    path = tmp_path / "no_relief.yaml"
    path.write_text(text + "interventions:\n  - {mode: forbid, actor: USA, target: TJK, type: aid, from: '1992-05'}\n")
    plan = load_scenario(path, calibration=False)
    assert [(i.mode, i.actor, i.target, i.type, i.end) for i in plan.interventions] == [("forbid", "USA", "TJK", "aid", None)]
    model = TajikistanModel(plan, seed=0, replicates=2)
    model.run_for(24)
    assert not model.world.aid[:, model.world.i("USA"), model.world.tjk].any()  # never given, to the run's end


def test_a_base_weighs_its_garrison_so_chinas_post_is_a_sliver_of_the_201st():
    """A patron's forces based in Tajikistan count by their size against Russia's 201st (1); the
    access Tajikistan grants (a tie the other way) stations none."""
    w = make_world()
    for code in ("RUS", "CHN"):
        w.ties[:, w.i(code), w.tjk] |= TIE_BITS["base"]
    w.ties[:, w.tjk, w.i("USA")] |= TIE_BITS["base"]
    stationed = w.stationed()
    post = PLAN.actors["CHN"].garrison
    assert stationed[:, w.i("RUS")].tolist() == [1.0, 1.0] and 0.0 < post < 0.1
    assert stationed[:, w.i("CHN")].tolist() == [post, post] and (stationed[:, w.i("USA")] == 0.0).all()


def test_a_scheduled_regard_moves_only_how_the_actor_regards_the_target():
    """``regard`` is one way (a new regime's stance); ``alignment`` both ways."""
    from sim.scenario.schema import ScheduledEvent

    model = TajikistanModel(PLAN, seed=0, replicates=2)
    w = model.world
    afg, tjk = w.i("AFG"), w.tjk
    before = w.alignment.copy()
    model.impose(ScheduledEvent.model_validate({"date": "1993-01", "actor": "AFG", "target": "TJK", "type": "conflict",
                                                "summary": "a hostile regime", "source": "public: test",
                                                "effects": {"regard": -0.5}}))
    assert (w.alignment[:, afg, tjk] == np.clip(before[:, afg, tjk] - 0.5, -1, 1)).all()
    assert (w.alignment[:, tjk, afg] == before[:, tjk, afg]).all()
