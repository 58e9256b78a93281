"""Facts that discriminate: every stylized fact names its mechanism, and ``tajsim record facts
--ablation`` shows how often it passes with the mechanism, without it, with Tajikistan passive, and under
the null model (the diversification rule alone).

The table's form is checked on a small run (the civil-war period, a few replicates). Issue 11's
demands are checked on the full replay, 40 replicates, seed 0, as the documents measure it: every
fact the model shows in at least half the replicates fails in most of them without its mechanism,
and the null model fails most facts.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest
import yaml

from sim.cli import main
from sim.core.rules import RULES
from sim.experiments.ablation import (
    COLUMNS,
    NULL_RULE,
    ablation_table,
    facts_passed,
    null_overrides,
    pass_rates,
    passive_overrides,
)
from sim.paths import default_scenario, record_dir
from sim.record import load_facts
from sim.running import run
from sim.scenario import ScenarioError, load_scenario

ROOT = Path(__file__).resolve().parents[1]
CIVIL_WAR = ROOT / "scenarios" / "1992-1997_civil_war.yaml"


@pytest.fixture(scope="module")
def table(tmp_path_factory) -> list[dict]:
    """The ablation of the civil-war period, 20 replicates, seed 3, as the CSV the command writes. (At 8 the
    null model's count rested on three facts at exactly half their replicates: SF01, SF11, SF33.)"""
    out = tmp_path_factory.mktemp("ablation") / "ablation.csv"
    assert main(["record", "facts", "--ablation", "--replicates", "20", "--seed", "3", "--scenario", str(CIVIL_WAR),
                 "--out", str(out)]) == 0
    with out.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_table_has_its_columns_and_a_row_per_fact_the_period_checks(table, capsys):
    assert list(table[0]) == COLUMNS == ["fact", "periods", "mechanism", "with", "without", "passive", "null"]
    civil_war = [fact.id for fact in load_facts() if "civil_war" in fact.periods]
    assert [row["fact"] for row in table] == civil_war
    assert all(row["periods"] == "civil_war" for row in table)
    assert all(0.0 <= float(row[name]) <= 1.0 for row in table for name in ("with", "without", "passive", "null"))


def test_the_null_model_fails_most_facts_and_more_than_the_passive_one(table):
    """With no actor deciding anything, most of the war's facts do not happen; with every other actor
    still acting, more of them do (they are the world's answers, not Tajikistan's)."""
    frame = pd.DataFrame(table).astype({name: float for name in ("with", "without", "passive", "null")})
    passed = facts_passed(frame)
    assert passed["null"] < len(frame) / 2, passed
    assert passed["null"] < passed["passive"], passed


@pytest.fixture(scope="module")
def replay() -> pd.DataFrame:
    """The ablation of the full 1991-2023 replay, 40 replicates, seed 0 (about 35 seconds)."""
    return ablation_table(default_scenario(), replicates=40, seed=0)


#: Facts whose rate without their mechanism sits at the issue's bar of a half: seed 0 passes them, but
#: other seeds' 40 replicates reach 0.5 (measured over seeds 0-5), so the test asks of them only that the
#: mechanism clearly matters. Each is named, with why, in calibration/record/README.md.
KNIFE_EDGES = {
    "SF32": "the takeover's scheduled reset of regard to 0 is itself a fall: without R09 and R76, 0.40-0.50",
}


def test_every_fact_the_model_shows_fails_without_its_mechanism_in_most_replicates(replay):
    shown = replay[replay["with"] >= 0.5]
    assert len(shown) > len(replay) / 2, replay[["fact", "with"]]
    strict = shown[~shown["fact"].isin(list(KNIFE_EDGES))]
    standing = strict[strict["without"] >= 0.5]
    assert standing.empty, standing[["fact", "with", "without"]]
    edges = shown[shown["fact"].isin(list(KNIFE_EDGES))]
    assert (edges["without"] <= edges["with"] - 0.3).all(), edges[["fact", "with", "without"]]


def test_the_null_model_fails_most_of_the_replays_facts(replay):
    passed = facts_passed(replay)
    assert passed["null"] < len(replay) / 4, passed


def test_the_table_is_the_same_for_a_seed():
    facts = [fact for fact in load_facts() if fact.id == "SF10"]
    first, second = (ablation_table(CIVIL_WAR, replicates=3, seed=5, facts=facts) for _ in range(2))
    assert first.to_csv() == second.to_csv()


def test_every_fact_names_a_mechanism_that_can_be_switched_off():
    raw = yaml.safe_load((record_dir() / "stylized_facts.yaml").read_text(encoding="utf-8"))
    assert all("mechanism" in item for item in raw)
    for fact in load_facts():
        mechanism = fact.mechanism
        assert mechanism.summary and (mechanism.rules or mechanism.parameters), fact.id
        assert set(mechanism.overrides) == set(mechanism.rules) <= set(RULES)


def test_the_passive_model_keeps_only_tajikistans_diversification_rule():
    off = passive_overrides()
    assert NULL_RULE == "R01" and NULL_RULE not in off
    assert set(off) == {rule_id for rule_id, rule in RULES.items() if "TJK" in rule.actors} - {"R01"}
    assert all(setting == (False, 1.0) for setting in off.values())


def test_the_null_model_keeps_the_diversification_rule_alone():
    off = null_overrides()
    assert set(off) == set(RULES) - {NULL_RULE}
    assert all(setting == (False, 1.0) for setting in off.values())


@pytest.mark.parametrize("mechanism, words", [
    ("{summary: 'cut', rules: [R99]}", "SF01.mechanism: unknown rule(s) R99"),
    ("{summary: 'cut', parameters: {no_such: 1}}", "SF01.mechanism: unknown parameter(s) no_such"),
    ("{summary: 'cut', parameters: {migration_max: 2}}", "SF01.mechanism: parameter migration_max"),
    ("{summary: 'cut'}", "SF01.mechanism: a mechanism names rules or parameters"),
    ("{summary: 'cut', rules: [R01], colour: red}", "SF01.mechanism.colour: Extra inputs are not permitted"),
    (None, "SF01.mechanism: Field required"),
])
def test_a_bad_mechanism_is_one_line_naming_the_fact_and_field(tmp_path, mechanism, words):
    text = ("- id: SF01\n  period: all\n  statement: x\n  source: 'public: a source'\n"
            "  check: {kind: closest_partner, actor: TJK, partner: RUS}\n")
    if mechanism is not None:
        text += f"  mechanism: {mechanism}\n"
    path = tmp_path / "facts.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as raised:
        load_facts(path)
    message = str(raised.value)
    assert words in message and "\n" not in message


@pytest.mark.parametrize("argv, words", [
    (["record", "facts", "--replicates", "3"], "--replicates: only with 'record facts --ablation'"),
    (["record", "events", "--ablation"], "--ablation: only with 'record facts'"),
    (["record", "facts", "--ablation", "--replicates", "0"], "--replicates: must be at least 1"),
    (["record", "facts", "--ablation", "--seed", "-1"], "--seed: must lie in 0.."),
    (["record", "facts", "--ablation", "--scenario", "no/such.yaml"], "--scenario: no such file"),
    (["record", "facts", "--ablation", "--out", "no/such/folder/a.csv"], "--out: the folder"),
])
def test_a_mistake_on_the_command_line_is_one_line(capsys, argv, words):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("tajsim: ") and err.count("\n") == 1 and words in err, err


def quotes_the_sentence_of(fact, rules) -> list[str]:
    """Those of ``rules`` whose quote is the fact's quote, or contains it, or is contained in it."""
    mine = (fact.quote or "").strip(" .")
    return [rule for rule in rules
            if mine and (mine in RULES[rule].quote or RULES[rule].quote.strip(" .") in mine)]


def test_no_fact_restates_the_sentence_of_a_rule_of_its_own_mechanism():
    """Issue 11: "No fact restates the sentence of the rule that produces it". Five facts that did (SF06, SF08,
    SF14, SF15, SF16: each counted one rule's events) are retired; the facts file's header says why."""
    assert not {fact.id: quotes_the_sentence_of(fact, fact.mechanism.rules) for fact in load_facts()
                if quotes_the_sentence_of(fact, fact.mechanism.rules)}


def test_a_rule_that_shares_a_facts_sentence_does_not_produce_the_fact(replay):
    """A fact may quote a sentence a rule outside its mechanism also quotes (a text's sentence can be both a
    cause and an outcome), but only if that rule does not make the fact: switched off alone, on the full replay,
    it leaves the fact passing in half the replicates if it passed so with it, and within 0.3 of its rate."""
    plan = load_scenario(default_scenario())
    rates = dict(zip(replay["fact"], replay["with"], strict=True))
    shared = {(fact.id, rule) for fact in load_facts() if fact.id in rates
              for rule in quotes_the_sentence_of(fact, RULES)}
    assert shared, "no fact shares a sentence with a rule: the check below checks nothing"
    for rule in sorted({rule for _, rule in shared}):
        without_it = pass_rates(run(plan, seed=0, replicates=40, overrides={rule: (False, 1.0)}).comparison)
        for fact_id in sorted(fact_id for fact_id, other in shared if other == rule):
            kept = without_it[fact_id] >= 0.5 or rates[fact_id] < 0.5
            assert kept and without_it[fact_id] > rates[fact_id] - 0.3, (fact_id, rule, rates[fact_id],
                                                                           without_it[fact_id])


#: Facts that count the events of a single rule (its events alone show the fact in 90% or more of the
#: replicates that show it), each with why it is kept: a fact that only checks that a rule fires tests nothing
#: the model decides, so such a fact must quote its own source, not the rule's, and its rule must read the state.
ONE_RULES_EVENTS = {
    "SF26": "R21, Tajikistan's voice, reads Russia's hold on it and Russia's standing; its trigger, Russia's "
            "weakening in 2022, is the navigating period's input (without it, R21 on, 0.05)",
}


def test_the_facts_that_count_one_rules_events_are_the_known_ones():
    """SF09 (Iran's cultural contacts, all of them R37's, drawn at a fixed chance) was such a fact and is retired;
    so were the five that quoted their rule's sentence. An event of a submodel (the border's clashes) is no rule's."""
    result = run(load_scenario(default_scenario()), seed=0, replicates=40)
    facts = {row.metric.removeprefix("fact:"): row.detail for row in result.comparison.itertuples()
             if row.metric.startswith("fact:")}
    events = result.events.astype({"date": str, "actor": str, "target": str, "type": str, "rule": str})
    found = {}
    for fact in load_facts():
        check = fact.check
        if check.kind != "event_count_at_least" or fact.id not in facts:
            continue
        low, high = facts[fact.id].rsplit("[", 1)[1].rstrip("]").split("..")
        counted = events[(events["actor"] == check.actor) & (events["target"] == check.target)
                         & (events["type"] == check.type) & events["date"].between(low, high)]
        per_replicate = counted.groupby("replicate")
        shown = [group for _, group in per_replicate if len(group) >= check.count]
        for rule in set(counted["rule"]) & set(RULES):
            alone = sum((group["rule"] == rule).sum() >= check.count for group in shown)
            if shown and alone >= 0.9 * len(shown):
                found[fact.id] = rule
    assert set(found) == set(ONE_RULES_EVENTS), found
    assert all(ONE_RULES_EVENTS[fact].startswith(rule) for fact, rule in found.items())
