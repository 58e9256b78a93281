"""Figures and the HTML report render from saved results, with real content."""

from __future__ import annotations

import html
import re
from pathlib import Path

import numpy as np
import pytest
from matplotlib.image import imread

import sim
from sim.cli import main
from sim.core.rules import RULES

ROOT = Path(__file__).resolve().parents[1]
POST_WAR = ROOT / "scenarios" / "1997-1999_post_war.yaml"


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("runs")
    sim.run(POST_WAR, seed=1, out=folder / "single")
    sim.run(POST_WAR, seed=1, replicates=4, out=folder / "ensemble")
    return folder


def assert_real_png(path: Path) -> None:
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    pixels = imread(path)[..., :3]
    not_white = (pixels < 0.95).any(axis=2).mean()
    assert 0.02 < not_white < 0.9, f"{path.name}: {not_white:.1%} of pixels drawn"
    assert pixels.std() > 0.05


@pytest.mark.parametrize("kind", ["single", "ensemble"])
def test_every_figure_renders_with_content(runs, tmp_path, kind, capsys):
    folder = runs / kind
    cases = {
        "trajectories": ["plot", "trajectories", str(folder), "--pairs", "TJK-RUS,RUS-TJK,TJK-UZB"],
        "dependence": ["plot", "trajectories", str(folder), "--pairs", "TJK-RUS,TJK-CHN", "--variable", "dependence"],
        "network": ["plot", "network", str(folder), "--date", "1998-06"],
        "timeline": ["plot", "timeline", str(folder)],
    }
    for name, args in cases.items():
        out = tmp_path / f"{name}.png"
        assert main(args + ["--out", str(out)]) == 0
        assert_real_png(out)
    svg = tmp_path / "network.svg"
    assert main(["plot", "network", str(folder), "--date", "1999-12", "--out", str(svg)]) == 0
    text = svg.read_text()
    assert text.lstrip().startswith("<?xml") and "<svg" in text and text.count("<path") > 20


def test_figures_name_countries_and_the_scenario(runs, tmp_path):
    from sim.present import plots
    from sim.present.saved import load_run

    svg = tmp_path / "t.svg"
    plots.trajectories(load_run(runs / "single"), [("TJK", "RUS")], svg)
    text = svg.read_text()
    assert "Russia" in text and "seed 1" in text


@pytest.fixture(scope="module")
def full_replay(tmp_path_factory):
    folder = tmp_path_factory.mktemp("full") / "ensemble"
    sim.run(seed=0, replicates=3, out=folder)
    return folder


@pytest.mark.parametrize("figure", ["trajectories", "timeline"])
def test_period_names_never_overlap_each_other_the_data_or_the_title(full_replay, tmp_path, monkeypatch, figure):
    from sim.present import plots
    from sim.present.saved import load_run

    drawn = []
    save = plots._save
    monkeypatch.setattr(plots, "_save", lambda fig, out: (drawn.append(fig), save(fig, out))[1])
    run = load_run(full_replay)
    if figure == "trajectories":
        plots.trajectories(run, [("TJK", "RUS"), ("TJK", "CHN")], tmp_path / "f.png")
    else:
        plots.timeline(run, tmp_path / "f.png")
    fig = drawn[0]
    fig.draw_without_rendering()
    ax = fig.axes[0]
    names = [t for t in ax.texts if t.get_gid() == "period"]
    assert [t.get_text() for t in names] == ["independence", "civil war", "post-war", "open door", "dependence",
                                             "navigating"]
    boxes = [t.get_window_extent() for t in names]
    frame = ax.get_window_extent()
    title = ax.title.get_window_extent()
    for n, box in enumerate(boxes):
        assert box.y0 >= frame.y1, f"{names[n].get_text()} sits on the data"
        assert frame.x0 - 1 <= box.x0 and box.x1 <= frame.x1 + 1, f"{names[n].get_text()} runs past the axes"
        assert not box.overlaps(title), f"{names[n].get_text()} runs into the title"
        for m in range(n):
            assert not box.overlaps(boxes[m]), f"{names[n].get_text()} overlaps {names[m].get_text()}"


def test_the_report_is_one_self_contained_page(runs, tmp_path):
    out = tmp_path / "report.html"
    assert main(["report", str(runs / "ensemble"), "--out", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    for heading in ("How the run compares with the record", "Stylized facts", "Figures", "Events and the rules"):
        assert heading in page
    images = re.findall(r'<img alt="[^"]*" src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    assert len(images) >= 4
    assert not re.search(r'(src|href)="https?://', page), "the page must open offline"
    assert "R46" in page or "R01" in page
    assert "“" in page  # rules' quotes are shown


def test_a_rules_quote_stands_only_beside_the_acts_of_those_it_speaks_of(tmp_path):
    """The independence months, when every state recognises Tajikistan (R46), in a report."""
    sim.run(ROOT / "scenarios" / "1991-1992_independence.yaml", seed=1, out=tmp_path / "run")
    out = tmp_path / "report.html"
    assert main(["report", str(tmp_path / "run"), "--out", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    iran_first = RULES["R46"].quote
    cell = r"<td>[^<]*</td>"
    rows = re.findall(rf"<tr>{cell}<td>([^<]*)</td>{cell * 3}<td>R46</td><td>(.*?)</td></tr>", html.unescape(page))
    assert rows, "the run recognises Tajikistan"
    for actor, quote in rows:  # Iran's sentence stands beside Iran's act only
        assert (iran_first in quote) == (actor == "Iran"), (actor, quote)


def test_the_report_says_which_replicates_its_tables_hold(runs, tmp_path):
    import pandas as pd

    out = tmp_path / "ensemble.html"
    assert main(["report", str(runs / "ensemble"), "--out", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    events = pd.read_parquet(runs / "ensemble" / "events.parquet")  # an ensemble's files are Parquet
    counts = events.groupby("replicate").size()
    assert "means and shares over all 4 replicates (replicates 0–3)" in page
    assert f"The events of replicate 0 of 4 (replicates 0–3): all {counts[0]}." in page
    table = page.split("The events of replicate 0 of 4")[1]
    assert table.count("<tr><td>") == counts[0]  # the table holds replicate 0 and nothing else
    assert " · ".join(f"{k}: {n}" for k, n in counts.items()) in page
    assert f"median {counts.median():g}, range {counts.min()}–{counts.max()}" in page

    out = tmp_path / "single.html"
    assert main(["report", str(runs / "single"), "--out", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert "Every table and figure shows the run's one replicate (replicate 0)" in page
    assert "The events of the run's one replicate (replicate 0): all" in page and "Events per replicate" not in page


def test_bad_inputs_get_one_line(runs, tmp_path, capsys):
    assert main(["plot", "network", str(runs / "single"), "--date", "2040-01", "--out", str(tmp_path / "n.png")]) == 2
    assert main(["plot", "timeline", str(tmp_path / "missing"), "--out", str(tmp_path / "t.png")]) == 2
    assert main(["plot", "timeline", str(runs / "single"), "--out", str(tmp_path / "t.pdf")]) == 2
    assert main(["report", str(runs / "single"), "--out", str(tmp_path / "r.txt")]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 4 and all(line.startswith("tajsim: ") for line in lines)
    assert not list(tmp_path.glob("*.png"))


def test_the_network_is_signed_and_weighted(runs):
    from sim.present.plots import alignment_network
    from sim.present.saved import load_run

    graph = alignment_network(load_run(runs / "ensemble"), "1998-01")
    weights = np.array([d["weight"] for _, _, d in graph.edges(data=True)])
    assert graph.has_edge("TJK", "RUS") and graph.has_edge("RUS", "TJK")
    assert (weights > 0).any() and (weights < 0).any() and np.all(np.abs(weights) <= 1)


@pytest.fixture(scope="module")
def experiments(tmp_path_factory):
    folder = tmp_path_factory.mktemp("experiments")
    assert main(["experiment", str(ROOT / "experiments" / "smoke.yaml"), "--out", str(folder / "smoke"),
                 "--workers", "1", "--quiet"]) == 0
    design = (ROOT / "experiments" / "sensitivity_civil_war.yaml").read_text()
    design = design.replace("scenario: ../scenarios/", f"scenario: {ROOT / 'scenarios'}/")
    design = design.replace("points: 8", "points: 2").replace("replicates: 16", "replicates: 3")
    (folder / "morris.yaml").write_text(design)
    assert main(["experiment", str(folder / "morris.yaml"), "--out", str(folder / "morris"), "--workers", "1",
                 "--quiet"]) == 0
    return folder


@pytest.mark.slow
def test_counterfactual_and_sensitivity_figures_render(experiments, tmp_path):
    out = tmp_path / "cf.png"
    assert main(["plot", "counterfactual", str(experiments / "smoke"), "--out", str(out)]) == 0
    assert_real_png(out)
    one = tmp_path / "cf-one.svg"
    assert main(["plot", "counterfactual", str(experiments / "smoke"), "--outcome", "security", "--out", str(one)]) == 0
    assert "Russia does not back the government in 1992" in one.read_text()
    out = tmp_path / "sens.png"
    assert main(["plot", "sensitivity", str(experiments / "morris"), "--out", str(out)]) == 0
    assert_real_png(out)


@pytest.mark.slow
def test_experiment_figures_refuse_what_is_not_there(experiments, runs, tmp_path, capsys):
    assert main(["plot", "sensitivity", str(experiments / "smoke"), "--out", str(tmp_path / "s.png")]) == 2
    assert main(["plot", "counterfactual", str(runs / "single"), "--out", str(tmp_path / "c.png")]) == 2
    assert main(["plot", "counterfactual", str(experiments / "smoke"), "--outcome", "nothing",
                 "--out", str(tmp_path / "c.png")]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 3


def test_the_unga_record_is_overlaid_through_the_observation_model(runs, tmp_path, monkeypatch):
    """The overlay maps the votes back through the observation model; the committed fit's slope may
    be 0 (F's is), where there is nothing to map, so the test gives the committed model a slope."""
    import yaml

    import sim.paths
    from sim.present.plots import unga_overlay

    params = yaml.safe_load(sim.paths.calibrated_params().read_text(encoding="utf-8"))
    params["observation"]["slope"] = 0.1
    sloped = tmp_path / "params.yaml"
    sloped.write_text(yaml.safe_dump(params), encoding="utf-8")
    monkeypatch.setattr(sim.paths, "calibrated_params", lambda: sloped)
    overlay = unga_overlay([("TJK", "RUS"), ("RUS", "TJK"), ("TJK", "IND")])
    assert overlay is not None
    assert set(overlay) == {("TJK", "RUS")}
    values = overlay[("TJK", "RUS")]["value"]
    assert values.between(-1, 1).all() and len(values) >= 20
    out = tmp_path / "t.svg"
    assert main(["plot", "trajectories", str(runs / "single"), "--pairs", "TJK-RUS", "--out", str(out)]) == 0
    assert "UNGA record" in out.read_text()
