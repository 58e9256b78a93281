"""The command line and the files a run writes, through the public interfaces."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd

from sim.cli import main

ROOT = Path(__file__).resolve().parents[1]
POST_WAR = ROOT / "scenarios" / "1997-1999_post_war.yaml"


def test_run_writes_the_four_files_with_their_columns(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["run", str(POST_WAR), "--seed", "3", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "post_war" in printed and "recall" in printed
    assert sorted(p.name for p in out.iterdir()) == ["comparison.csv", "events.csv", "manifest.json", "trajectory.csv"]
    assert list(pd.read_csv(out / "trajectory.csv").columns) == ["date", "actor", "target", "variable", "value"]
    assert list(pd.read_csv(out / "events.csv").columns) == ["date", "actor", "target", "type", "summary", "rule"]
    comparison = pd.read_csv(out / "comparison.csv")
    assert list(comparison.columns) == ["period", "metric", "value", "detail"]
    assert {"event_recall", "facts_passed"} <= set(comparison["metric"])
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 3 and len(manifest["scenario_sha256"]) == 64
    assert manifest["segments"][0]["period"] == "post_war"


def test_a_rerun_replaces_files_whole_and_leaves_no_temporary_files(tmp_path):
    out = tmp_path / "run"
    main(["run", str(POST_WAR), "--seed", "1", "--out", str(out), "--quiet"])
    first = (out / "events.csv").read_bytes()
    main(["run", str(POST_WAR), "--seed", "2", "--out", str(out), "--quiet"])
    assert (out / "events.csv").read_bytes() != first
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_a_failed_run_does_not_touch_earlier_results(tmp_path, capsys):
    out = tmp_path / "run"
    main(["run", str(POST_WAR), "--out", str(out), "--quiet"])
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nstart: '1997-07'\nend: '1996-01'\n")
    assert main(["run", str(bad), "--out", str(out)]) == 2
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert main(["run", str(POST_WAR), "--out", str(bad)]) == 2
    assert "not a directory" in capsys.readouterr().err


def test_an_ensemble_shows_its_progress_unless_quiet(tmp_path, capsys):
    assert main(["run", str(POST_WAR), "--replicates", "2", "--out", str(tmp_path / "a")]) == 0
    err = capsys.readouterr().err
    assert "run:" in err and "month" in err
    assert main(["run", str(POST_WAR), "--replicates", "2", "--out", str(tmp_path / "b"), "--quiet"]) == 0
    assert capsys.readouterr().err == ""
    assert main(["run", str(POST_WAR), "--out", str(tmp_path / "c")]) == 0
    assert capsys.readouterr().err == "", "one replicate is quick: no bar"
    for name in ("trajectory.parquet", "events.parquet", "comparison.csv"):  # an ensemble is written as Parquet
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_the_progress_hook_is_told_every_month_and_changes_nothing():
    import sim

    ticks: list[int] = []
    watched = sim.run(POST_WAR, seed=4, replicates=3, progress=ticks.append)
    plain = sim.run(POST_WAR, seed=4, replicates=3)
    assert sum(ticks) == len(watched.months) == watched.scenario.end - watched.scenario.start + 1
    assert watched.trajectory.equals(plain.trajectory) and watched.events.equals(plain.events)


def test_python_dash_m_sim_is_the_same_command():
    proc = subprocess.run([sys.executable, "-m", "sim", "rules"], capture_output=True, text=True, check=True)
    assert "R01" in proc.stdout and "diversify" not in proc.stderr


def test_schema_is_json_schema_of_the_file_format(capsys):
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["title"] == "tajsim scenario"
    assert {"start", "end", "actors", "drivers", "events", "rules", "chain"} <= set(schema["properties"])


def test_record_facts_lists_every_fact(capsys):
    from sim.record.items import load_facts

    assert main(["record", "facts", "--format", "csv"]) == 0
    assert capsys.readouterr().out.count("\nSF") == len(load_facts())


def test_the_odd_rulebook_is_generated_from_the_code():
    sys.path.insert(0, str(ROOT / "docs"))
    from update_odd import ODD, render

    text = ODD.read_text(encoding="utf-8")
    assert render(text) == text, "docs/ODD.md is out of date: run python docs/update_odd.py"


def test_the_full_replay_prints_every_period(replay, tmp_path):
    from sim.cli.run import summary_table

    table = summary_table(replay)
    for period in ("independence", "civil_war", "post_war", "open_door", "dependence", "navigating", "all"):
        assert period in table
    events = replay.comparison[replay.comparison["metric"].str.startswith("event:")]
    never = int((events["value"] == 0).sum())
    assert f"record events reproduced in no replicate: {never} of {len(events)}" in table
