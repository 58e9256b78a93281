"""The documentation says what the code does: generated pages are current, every command shown
parses, the README lists every command, the files shown validate, and the tutorial runs."""

from __future__ import annotations

import argparse
import re
import shlex
import sys
from pathlib import Path

import pytest

from sim.cli import main
from sim.cli.main import build_parser

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "docs"))


def test_the_driver_page_is_generated_from_the_code():
    from update_drivers import DOC, FIGURE, render

    assert DOC.read_text(encoding="utf-8") == render(), "docs/drivers.md is out of date: run python docs/update_drivers.py"
    assert FIGURE.read_bytes().startswith(b"\x89PNG"), "docs/drivers.png is missing: run python docs/update_drivers.py"


def test_every_driver_has_a_meaning_a_unit_and_a_range():
    from sim.vocabulary import DRIVERS

    for name, driver in DRIVERS.items():
        assert driver.meaning and driver.unit and driver.low < driver.high, name


# --- the commands and files the documentation shows -----------------------------------------------

FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.S | re.M)
PAGES = [ROOT / "README.md", ROOT / "experiments" / "README.md", ROOT / "calibration" / "README.md",
         *sorted((ROOT / "docs").glob("*.md"))]
SHELL = {">", ">>", "|", "&&", ";", "2>", "&"}


def blocks(path: Path, language: str) -> list[str]:
    return [body for lang, body in FENCE.findall(path.read_text(encoding="utf-8")) if lang == language]


def tajsim_commands(path: Path) -> list[list[str]]:
    """Every ``tajsim ...`` line of a page's bash blocks, as argv (comments and redirections cut)."""
    commands = []
    for block in blocks(path, "bash"):
        for line in block.splitlines():
            if line.startswith("tajsim "):
                words = shlex.split(line, comments=True)[1:]
                cut = next((n for n, word in enumerate(words) if word in SHELL), len(words))
                commands.append(words[:cut])
    return commands


def sub_commands(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command path of the parser: ("run",), ("plot", "counterfactual"), ..."""
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                inner = sub_commands(child, prefix + (name,))
                found += inner or [prefix + (name,)]
    return found


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_command_the_docs_show_parses(page):
    parser = build_parser()
    for argv in tajsim_commands(page):
        try:
            parser.parse_args(argv)
        except SystemExit:
            pytest.fail(f"{page.name}: 'tajsim {' '.join(argv)}' does not parse")


def test_the_readme_lists_every_command_with_an_example():
    shown = {tuple(argv[:2]) for argv in tajsim_commands(ROOT / "README.md")} | {
        tuple(argv[:1]) for argv in tajsim_commands(ROOT / "README.md")}
    missing = [" ".join(path) for path in sub_commands(build_parser()) if path not in shown]
    assert not missing, f"README.md's command list lacks: {', '.join(missing)}"
    assert ["dashboard", "--fetch-assets"] in tajsim_commands(ROOT / "README.md")


def test_the_readmes_scenario_example_validates(tmp_path):
    from sim.scenario import load_scenario

    (example,) = [b for b in blocks(ROOT / "README.md", "yaml") if "extends:" in b]
    base = ROOT / "scenarios" / "base"
    text = example.replace("[base/actors.yaml, base/drivers.yaml]", f"[{base / 'actors.yaml'}, {base / 'drivers.yaml'}]")
    path = tmp_path / "example.yaml"
    path.write_text(text, encoding="utf-8")
    assert load_scenario(path).name == "civil_war"


def test_the_experiment_readmes_tour_validates(tmp_path):
    from sim.experiments import load_experiment

    tour = next(b for b in blocks(ROOT / "experiments" / "README.md", "yaml") if "arms:" in b)
    text = tour.replace("scenario: ../scenarios/", f"scenario: {ROOT / 'scenarios'}/")
    path = tmp_path / "tour.yaml"
    path.write_text(text, encoding="utf-8")
    assert [arm.name for arm in load_experiment(path).arms] == ["baseline", "no_russian_backing"]


def test_the_tutorial_runs_as_written(tmp_path, monkeypatch, capsys):
    """Every tajsim command of docs/tutorial.md, in order, in a fresh folder beside the scenarios;
    the experiment file it shows is saved under the name its first line gives."""
    tutorial = ROOT / "docs" / "tutorial.md"
    (experiment,) = blocks(tutorial, "yaml")
    name = re.match(r"# (\S+\.yaml):", experiment)
    assert name, "the tutorial's experiment file names itself in its first line"
    monkeypatch.chdir(tmp_path)
    (tmp_path / "scenarios").symlink_to(ROOT / "scenarios")
    (tmp_path / name.group(1)).write_text(experiment, encoding="utf-8")
    commands = tajsim_commands(tutorial)
    assert any(argv[:2] == ["plot", "counterfactual"] for argv in commands)
    for argv in commands:
        assert main(argv) == 0, f"tajsim {' '.join(argv)}: {capsys.readouterr().err}"
    for figure in ("alignment.png", "ensemble.png", "first.png", "security.png"):
        assert (tmp_path / "fig" / figure).stat().st_size > 10_000
    assert (tmp_path / "runs" / "first" / "summary.csv").is_file()
