"""Bad scenario input gets one line on stderr naming file, field and reason, and exit code 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.cli import main
from sim.months import format_month, parse_month
from sim.scenario import ScenarioError, load_scenario

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"

GOOD = f"""
name: tiny
extends: {SCENARIOS / 'base' / 'actors.yaml'}
start: "1993-01"
end: "1993-12"
"""


def write(tmp_path: Path, text: str | bytes, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return path


def validate(capsys, path) -> tuple[int, str]:
    code = main(["validate", str(path)])
    return code, capsys.readouterr().err


def test_a_good_file_validates(tmp_path, capsys):
    code, err = validate(capsys, write(tmp_path, GOOD))
    assert code == 0 and err == ""


@pytest.mark.parametrize("text, field, reason", [
    ("name: x\nstart: [1993-01\n", "line", "YAML syntax error"),
    (GOOD + "events:\n  - {date: '1993-02', actor: XXX, target: TJK, type: aid, summary: abc, source: abc}\n",
     "events.0.actor", "unknown actor code 'XXX'"),
    (GOOD.replace('"1993-12"', '"1993-13"'), "end", "month 13"),
    (GOOD.replace('"1993-12"', '"1992-12"'), "(top level)", "end 1992-12 is before start 1993-01"),
    (GOOD + "parameters: {alignment_rate: fast}\n", "parameters.alignment_rate", "valid number"),
    (GOOD + "colour: blue\n", "colour", "unknown key"),
    ("- just\n- a list\n", "", "must hold a YAML mapping"),
    (GOOD + "rules: {R999: {weight: 2}}\n", "rules", "unknown rule 'R999'"),
    (GOOD + "parameters: {alignment_rate: -1}\n", "parameters.alignment_rate", "greater than 0"),
    (GOOD + "events:\n  - {date: 1993-02-01, actor: RUS, target: TJK, type: aid, summary: abc, source: abc}\n",
     "events.0.date", 'write months in quotes, as "1993-02": YAML read the unquoted 1993-02-01 as a date'),
    (GOOD + "drivers: {afghan_instability: {source: abc, points: {'1993-01': 5}}}\n",
     "drivers", "afghan_instability.points.1993-01: 5 is outside 0..1 (index"),
    (GOOD + "drivers: {oil_price: {source: abc, points: {'1993-01': -1}}}\n",
     "drivers", "oil_price.points.1993-01: -1 is outside 0..200 (US$ a barrel"),
    (GOOD + "interventions:\n  - {mode: forbid, actor: RUS, target: TJK, type: aid, start: '1993-02'}\n",
     "interventions.0.start", "unknown key 'start': the key is now 'from'"),
    (GOOD + "interventions:\n  - {mode: forbid, actor: RUS, target: TJK, type: aid, from: '1993-02', end: '1993-05'}\n",
     "interventions.0.end", "unknown key 'end': the key is now 'to'"),
    (GOOD + "interventions:\n  - {mode: forbid, actor: RUS, target: TJK, type: aid, from: '1993-05', to: '1993-02'}\n",
     "interventions.0", "to 1993-02 is before from 1993-05"),
    (GOOD + "actors:\n  RUS: {kind: state, capability: 1.0, members: [KAZ]}\n",
     "actors.RUS", "members: only an organisation has members"),
    (GOOD + "actors:\n  EAEU: {kind: organisation, capability: 0.4, members: [TJK, RUS]}\n",
     "actors.EAEU", "members: Tajikistan's memberships are ties"),
    (GOOD + "events:\n  - {date: '1993-02', actor: RUS, target: KGZ, type: military, summary: abc, source: abc, "
            "effects: {lease: 10}}\n", "events.0", "effects.lease: only Russia's base in Tajikistan has a lease"),
    (GOOD + "events:\n  - {date: '1993-02', actor: AFG, target: AFG, type: conflict, summary: abc, source: abc, "
            "effects: {alignment: 0.2}}\n", "events.0", "effects.alignment: an event whose actor is its target (AFG)"),
    (GOOD + "initial: {levers: {leases: {RUS: -1}}}\n", "initial.levers.leases.RUS", "greater than or equal to 0"),
    (GOOD + "initial: {traits: {AFG: {assertiveness: -0.5}}}\n", "initial.traits.AFG",
     "assertiveness must lie between 0 and 1, got -0.5"),
    (GOOD + "events:\n  - {date: '1993-02', actor: AFG, target: TJK, type: visit, summary: abc, source: abc, "
            "effects: {traits: {ideology_tjk: -1.5}}}\n", "events.0.effects.traits.ideology_tjk",
     "greater than or equal to -1"),
    (GOOD + "initial: {traits: {AFG: {islamist_concern: 0.5}}}\n", "initial.traits.AFG.islamist_concern",
     "Input should be"),
])
def test_bad_files_get_one_line_naming_field_and_reason(tmp_path, capsys, text, field, reason):
    path = write(tmp_path, text)
    code, err = validate(capsys, path)
    assert code == 2
    assert err.count("\n") == 1, err
    assert str(path) in err and field in err and reason in err, err
    assert "Traceback" not in err


def test_interventions_take_from_and_to(tmp_path):
    text = GOOD + "interventions:\n  - {mode: forbid, actor: RUS, target: TJK, type: aid, from: '1993-02', to: '1993-05'}\n"
    (intervention,) = load_scenario(write(tmp_path, text)).interventions
    assert (intervention.start, intervention.end) == ("1993-02", "1993-05")


def test_an_intervention_names_a_known_rule_or_none(tmp_path, capsys):
    line = "interventions:\n  - {mode: force, actor: TJK, target: RUS, type: treaty, from: '1993-02', rule: %s}\n"
    (intervention,) = load_scenario(write(tmp_path, GOOD + line % "R66")).interventions
    assert intervention.rule == "R66"
    code, err = validate(capsys, write(tmp_path, GOOD + line % "R999", "bad_rule.yaml"))
    assert code == 2 and "unknown rule 'R999'" in err and err.count("\n") == 1, (code, err)


def test_binary_junk_and_missing_files(tmp_path, capsys):
    code, err = validate(capsys, write(tmp_path, b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe"))
    assert code == 2 and "is not UTF-8 text (byte 0)" in err and err.count("\n") == 1, (code, err)
    code, err = validate(capsys, write(tmp_path, b"name: x\x00\n", "nul.yaml"))  # UTF-8, but with a NUL byte
    assert code == 2 and "is binary, not YAML text" in err and err.count("\n") == 1, (code, err)
    code, err = validate(capsys, tmp_path / "nowhere.yaml")
    assert code == 2 and "no such file" in err and err.count("\n") == 1


def test_the_command_line_reports_without_traceback(tmp_path):
    bad = write(tmp_path, "name: x\nstart: 1993-01\nend: 1992-01\nactors: {}\n")
    proc = subprocess.run([sys.executable, "-m", "sim", "run", str(bad), "--out", str(tmp_path / "o")],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.startswith("tajsim: ") and proc.stderr.count("\n") == 1
    assert not (tmp_path / "o").exists()


def test_every_shipped_scenario_validates():
    for path in sorted(SCENARIOS.glob("*.yaml")):
        scenario = load_scenario(path)
        assert scenario.end >= scenario.start


def test_the_full_replay_chains_contiguous_periods():
    scenario = load_scenario(SCENARIOS / "full_replay.yaml")
    assert [s.period for s in scenario.segments] == [
        "independence", "civil_war", "post_war", "open_door", "dependence", "navigating"]
    assert format_month(scenario.start) == "1991-09" and format_month(scenario.end) == "2023-12"
    for before, after in zip(scenario.segments, scenario.segments[1:]):
        assert after.start == before.end + 1


def test_a_chain_with_a_gap_is_refused(tmp_path):
    write(tmp_path, GOOD, "a.yaml")
    write(tmp_path, GOOD.replace("1993-01", "1994-02").replace("1993-12", "1994-12"), "b.yaml")
    chain = write(tmp_path, "name: gap\nchain: [a.yaml, b.yaml]\n")
    with pytest.raises(ScenarioError, match="not the month after 1993-12"):
        load_scenario(chain)


def test_an_extends_cycle_is_refused(tmp_path):
    write(tmp_path, "name: a\nextends: b.yaml\n", "a.yaml")
    write(tmp_path, "name: b\nextends: a.yaml\n", "b.yaml")
    with pytest.raises(ScenarioError, match="cycle"):
        load_scenario(tmp_path / "a.yaml")


@given(st.integers(min_value=1900 * 12, max_value=2100 * 12 + 11))
def test_months_round_trip(number):
    assert parse_month(format_month(number)) == number


@given(st.text(max_size=12))
def test_month_parser_accepts_only_yyyy_mm(text):
    try:
        number = parse_month(text)
    except ValueError:
        return
    assert format_month(number) == text.strip()


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=10,
))
def test_arbitrary_yaml_is_either_a_scenario_or_a_scenario_error(tmp_path, data):
    path = tmp_path / "fuzz.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    try:
        load_scenario(path)
    except ScenarioError as error:
        assert "\n" not in str(error) and str(path) in str(error)


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=64))
def test_arbitrary_bytes_never_raise_anything_but_a_scenario_error(tmp_path, data):
    path = tmp_path / "junk.yaml"
    path.write_bytes(data)
    try:
        load_scenario(path)
    except ScenarioError as error:
        assert "\n" not in str(error)
