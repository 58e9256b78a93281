"""The rulebook and the record rest on the texts: every quote is verbatim."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from conftest import normalise

from sim.cli import main
from sim.core.rules import RULES
from sim.core.sources import SOURCES
from sim.record.items import load_events, load_facts
from sim.vocabulary import ACTOR_CODES

ROOT = Path(__file__).resolve().parents[1]


def test_there_are_at_least_25_rules_each_with_a_quote_from_a_named_source():
    assert len(RULES) >= 25
    for rule in RULES.values():
        assert rule.quote and rule.summary and rule.source in SOURCES
        if not rule.source.startswith("seed:"):
            source = SOURCES[rule.source]
            assert source.author and source.title and source.url.startswith("http"), rule.id


def test_every_rule_quote_from_a_seed_text_is_verbatim_in_it(seed_texts):
    for rule in RULES.values():
        if rule.source.startswith("seed:"):
            assert normalise(rule.quote) in seed_texts[rule.source], f"{rule.id}: quote not found verbatim"


def test_every_record_quote_is_verbatim_in_its_text(seed_texts):
    for item in list(load_events()) + list(load_facts()):
        if item.source.startswith("seed:"):
            assert normalise(item.quote) in seed_texts[item.source], f"{item.id}: quote not found verbatim"
        else:
            assert item.source.startswith("public: ") and len(item.source) > 12


def test_the_record_covers_the_texts_dated_events():
    events = load_events()
    from_texts = [e for e in events if e.source.startswith("seed:")]
    assert len(from_texts) >= 40
    assert all(e.actor in ACTOR_CODES and e.target in ACTOR_CODES for e in events)
    starts = [e.window[0] + (2 if e.precision == "season" else 0) for e in events]
    assert starts == sorted(starts)


def test_rules_csv_has_the_documented_columns(capsys):
    assert main(["rules", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert list(rows[0]) == ["id", "summary", "source", "quote"]
    assert {row["id"] for row in rows} == set(RULES)


def test_record_events_csv_has_the_documented_columns(capsys):
    assert main(["record", "events", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert list(rows[0]) == ["id", "date", "actor", "target", "type", "summary", "source"]
    assert [row["id"] for row in rows] == [event.id for event in load_events()]


def test_scenario_events_lists_what_an_event_change_can_match(capsys):
    from sim.scenario import load_scenario

    plan = load_scenario(ROOT / "scenarios" / "full_replay.yaml")
    assert main(["scenario", "events", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert list(rows[0]) == ["date", "actor", "target", "type", "record", "summary", "source"]
    assert [(row["date"], row["record"]) for row in rows] == [(e.date, e.record or "") for e in plan.events]
    assert main(["scenario", "events", str(ROOT / "scenarios" / "1992-1997_civil_war.yaml")]) == 0
    table = capsys.readouterr().out
    assert "1995-02" in table and "1996-09" in table and "2016-09" not in table


def test_a_quote_stands_only_beside_the_acts_of_those_it_speaks_of():
    recognition = RULES["R46"]  # many states recognise Tajikistan; the sentence is about Iran's recognition
    assert recognition.speaks_of("IRN") and not recognition.speaks_of("CHN") and not recognition.speaks_of("USA")
    assert RULES["R10"].speaks_of("TJK")  # a rule of one actor's own speaks of it
    for rule in RULES.values():  # a rule naming one actor alone may always show its quote beside that actor's acts
        if len(rule.actors) == 1 and not rule.actors[0].startswith("*"):
            assert rule.speaks_of(rule.actors[0]), rule.id


def test_basing_is_a_type_of_its_own_that_the_vocabulary_and_the_record_accept():
    """``basing`` (a foreign power's base or basing access) comes last, so no older type's id moves;
    the record, scheduled events and interventions accept it, and the record codes its base deals so."""
    import pytest
    from pydantic import ValidationError

    from sim.record.items import RecordEvent
    from sim.scenario.schema import Intervention, ScheduledEvent
    from sim.vocabulary import EVENT_TYPES

    assert EVENT_TYPES[-1] == "basing" and EVENT_TYPES.index("military") == 6 and EVENT_TYPES.index("personnel") == 14
    item = {"id": "E999", "date": "2004-10", "precision": "month", "actor": "RUS", "target": "TJK", "type": "basing",
            "summary": "s", "source": "public: a test"}
    assert RecordEvent.model_validate(item).type == "basing"
    with pytest.raises(ValidationError):
        RecordEvent.model_validate({**item, "type": "base"})
    assert ScheduledEvent.model_validate({"date": "2004-10", "actor": "RUS", "target": "TJK", "type": "basing",
                                          "summary": "a base", "source": "a test", "effects": {"tie": "base"}}).type == "basing"
    assert Intervention.model_validate({"mode": "forbid", "actor": "RUS", "target": "TJK", "type": "basing",
                                        "from": "2022-03"}).type == "basing"
    assert {e.id for e in load_events() if e.type == "basing"} == {"E051", "E053", "E065"}
    listed = (ROOT / "calibration" / "record" / "README.md").read_text().split("type: membership       #")[1]
    assert " ".join(listed.split("summary:")[0].replace("#", " ").split()) == " ".join(EVENT_TYPES)


def test_a_rule_names_the_lever_its_pressure_squeezes_and_only_that_one():
    """The subject a pressure event is matched on is its rule's ``squeezes``: every pressure proposal
    that squeezes a lever, in a whole replay, comes from a rule that names that lever, or matching
    would score one lever's squeeze as another's; and every rule that names one presses."""
    import sim
    from sim.core.levers import SQUEEZES
    from sim.core.world import World
    from sim.paths import default_scenario
    from sim.vocabulary import SQUEEZED_LEVERS

    seen: set[tuple[str, str]] = set()
    original = World.propose

    def propose(self, actor, target, type, *args, **effects):
        lever = SQUEEZES.get(effects.get("lever", ""))  # R82's "withhold" squeezes security
        if type == "pressure" and lever in SQUEEZED_LEVERS:
            seen.add((self.current_rule, lever))
        return original(self, actor, target, type, *args, **effects)

    World.propose = propose
    try:
        result = sim.run(sim.load_scenario(default_scenario()), seed=0, replicates=2)
    finally:
        World.propose = original
    assert seen and all(RULES[rule_id].squeezes == lever for rule_id, lever in seen), seen
    pressing = set(result.events["rule"][result.events["type"] == "pressure"].astype(str))
    naming = {rule_id for rule_id, rule in RULES.items() if rule.squeezes}
    assert naming <= pressing | {rule_id for rule_id, _ in seen}
    assert {rule.squeezes for rule in RULES.values()} - {""} == set(SQUEEZED_LEVERS)
    levers = {event.id: event.lever for event in load_events() if event.lever}
    assert levers == {"E059": "energy", "E062": "energy", "E063": "migration", "E064": "energy", "E067": "migration",
                      "E102": "security"}
