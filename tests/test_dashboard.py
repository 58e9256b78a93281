"""The dashboard: its model factory (fast, no browser) and the served page in headless Chromium.

The end-to-end test starts ``python -m sim dashboard`` on a free port of 127.0.0.1, drives
Debian's Chromium (/usr/bin/chromium) with Playwright, and checks that the page loads, that
Step advances the month and that the charts change. It skips, saying why, where the browser,
Playwright, Solara or the page's cached assets are missing (``bash ci/install-browser.sh
.venv/bin/python`` installs the browser and the assets); with ``TAJSIM_BROWSER_TESTS=required``
(as in CI) a missing piece fails the test instead.
"""

from __future__ import annotations

import argparse
import importlib.util
import inspect
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest

from sim.cli import dashboard as dashboard_command
from sim.cli import main
from sim.core.model import TajikistanModel
from sim.core.rules import RULES
from sim.paths import default_scenario
from sim.present import dashboard
from sim.present.dashboard.model import DashboardModel, overlay
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
POST_WAR = ROOT / "scenarios" / "1997-1999_post_war.yaml"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
BUDGET = 55.0  # seconds for the whole end-to-end test


# --- the model factory ------------------------------------------------------------------


def test_overlay_sets_parameters_in_every_period_and_validates_them():
    plan = load_scenario(default_scenario())
    original = [segment.parameters for segment in plan.segments]
    changed = overlay(plan, {"event_hazard": 0.5, "pull_gain": 1.2, "alignment_noise": None})
    assert len(changed.segments) == len(plan.segments) > 1
    for before, after in zip(plan.segments, changed.segments):
        assert after.parameters.event_hazard == 0.5 and after.parameters.pull_gain == 1.2
        assert after.parameters.alignment_noise == before.parameters.alignment_noise  # None keeps the period's own
        assert after.parameters.aid_decay == before.parameters.aid_decay
        assert (after.start, after.end, after.name) == (before.start, before.end, before.name)
    assert [segment.parameters for segment in plan.segments] == original  # the original is untouched
    with pytest.raises(ValueError, match="pull_gain"):
        overlay(plan, {"pull_gain": -1.0})
    with pytest.raises(ValueError, match="unknown parameter"):
        overlay(plan, {"no_such_parameter": 1.0})
    with pytest.raises(ValueError, match="unknown rule"):
        overlay(plan, rule_weights={"R99": 2.0})


def test_rule_weight_scales_every_period_and_scheduled_switch_and_keeps_on_off():
    plan = load_scenario(default_scenario())
    changed = overlay(plan, rule_weights={"R34": 2.0, "R18": 0.5})
    for before, after in zip(plan.segments, changed.segments):
        assert after.rules["R34"].enabled and after.rules["R34"].weight == 2.0
        # R18 is a stage rule: on only where the period switches it on, and scaled there
        r18 = before.rules.get("R18")
        assert after.rules["R18"].enabled == (r18.enabled if r18 else RULES["R18"].default)
        assert after.rules["R18"].weight == 0.5
    switches = [(b.effects.rules, a.effects.rules) for b, a in zip(plan.events, changed.events) if b.effects.rules]
    assert switches
    for before, after in switches:
        if "R34" in before:
            assert after["R34"].weight == min(10.0, before["R34"].weight * 2.0)
        assert set(after) == set(before)  # a switch is scaled, never added
    assert overlay(plan, rule_weights={"R34": 1.0}).segments == plan.segments


def test_dashboard_model_with_the_sliders_at_rest_is_the_plain_replay():
    params = dashboard.model_params()
    settings = dashboard.initial_settings(params)
    model = DashboardModel(**settings)
    plain = TajikistanModel(load_scenario(default_scenario()), seed=0)
    assert model.world.R == 1 and model.date == plain.date
    for _ in range(24):
        model.step()
        plain.step()
    np.testing.assert_array_equal(model.world.alignment, plain.world.alignment)
    assert dashboard.current_month(model) == "1993-08"


def test_dashboard_model_takes_every_input_as_a_keyword_with_a_default():
    params = dashboard.model_params()
    signature = inspect.signature(DashboardModel.__init__).parameters
    assert set(params) <= set(signature)  # what SolaraViz checks before it builds the page
    assert all(p.default is not inspect.Parameter.empty for name, p in signature.items() if name != "self")
    assert "scenario" not in signature  # Mesa's Model reserves it for mesa.experimental.scenarios
    for name, spec in params.items():
        if isinstance(spec, dict) and spec["type"].startswith("Slider"):
            assert spec["min"] <= spec["value"] <= spec["max"], name
    model = DashboardModel(scenario_file=str(POST_WAR), seed=5, event_hazard=0.0, alignment_noise=0.1,
                           pull_gain=1.5, rule="R31", rule_weight=2.0)
    assert {s.parameters.event_hazard for s in model.plan.segments} == {0.0}
    assert model.parameters.pull_gain == 1.5 and model.parameters.alignment_noise == 0.1
    assert model.plan.segments[0].rules["R31"].weight == 2.0
    assert model.settings["seed"] == 5 and model.seed == 5


def test_dashboard_model_stops_after_the_last_month():
    model = DashboardModel(scenario_file=str(POST_WAR))
    assert dashboard.current_month(model) == "—" and model.running
    for _ in range(model.months):
        model.step()
    assert not model.running and model.simulated == model.months
    model.step()  # a step past the end does nothing
    assert model.simulated == model.months


def test_what_the_components_show():
    model = DashboardModel(seed=1)
    assert dashboard.latest_events(model) == [] and "No events" in dashboard.events_html([])
    for _ in range(6):
        model.step()
    graph = dashboard.alignment_network(model)
    assert "TJK" in graph and graph.number_of_edges() > 0
    assert all(-1.0 <= w <= 1.0 and "TJK" in (a, b) for a, b, w in graph.edges(data="weight"))
    assert graph.edges["TJK", "RUS"]["weight"] > 0  # close to Moscow from the start
    years, lines = dashboard.trajectories(model)
    assert len(years) == 6 and "RUS" in lines and lines["RUS"].shape == (6,)
    assert lines["RUS"][-1] == pytest.approx(model.world.alignment[0, model.world.tjk, model.world.i("RUS")], abs=1e-6)
    rows = dashboard.latest_events(model, count=5)
    assert 0 < len(rows) <= 5 and rows[0]["date"] >= rows[-1]["date"]
    for row in rows:
        if row["rule"] in RULES:
            assert row["quote"] == RULES[row["rule"]].quote
    table = dashboard.events_html([{**rows[0], "summary": "<script>x</script>"}])
    assert "<script>" not in table and "&lt;script&gt;" in table
    for make in (dashboard.network_figure, dashboard.trajectory_figure):
        figure = make(model)
        assert figure.axes[0].get_title().endswith(dashboard.current_month(model))


def test_the_dashboard_command_is_registered():
    parser = argparse.ArgumentParser()
    dashboard_command.add_commands(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["dashboard", str(POST_WAR), "--port", "9000"])
    assert (args.scenario, args.port, args.host, args.func) == (str(POST_WAR), 9000, "127.0.0.1",
                                                                dashboard_command.cmd_dashboard)
    args = parser.parse_args(["dashboard"])
    assert args.scenario is None and args.port == 8765 and not args.fetch_assets


def test_a_missing_scenario_is_one_line(capsys):
    assert main(["dashboard", "no/such/scenario.yaml", "--port", "0"]) == 2
    assert "no such scenario file" in capsys.readouterr().err


# --- the page, in a real browser ----------------------------------------------------------


def _unavailable(reason: str):
    if os.environ.get("TAJSIM_BROWSER_TESTS") == "required":
        pytest.fail(f"{reason} (TAJSIM_BROWSER_TESTS=required)")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_served(url: str, server: subprocess.Popen, deadline: float, log: Path) -> None:
    while True:
        if server.poll() is not None:
            pytest.fail(f"the dashboard server exited with {server.returncode}:\n{log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            pytest.fail(f"the dashboard server did not answer at {url} in time:\n{log.read_text()[-2000:]}")
        time.sleep(0.25)


def _stop(server: subprocess.Popen) -> None:
    """End the server this test started (its own process group), politely, then firmly."""
    if server.poll() is not None:
        return
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(server.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        server.wait(timeout=10)


@pytest.mark.slow
def test_the_page_loads_and_steps_in_headless_chromium(tmp_path):
    started = time.monotonic()
    deadline = started + BUDGET
    if not CHROMIUM.exists():
        _unavailable(f"no browser: {CHROMIUM} is not installed (bash ci/install-browser.sh installs Debian's chromium)")
    for module, extra in (("playwright", "playwright"), ("solara", "'.[dashboard]'"),
                          ("mesa.visualization", "'.[dashboard]'")):
        try:
            found = importlib.util.find_spec(module) is not None
        except ModuleNotFoundError:
            found = False
        if not found:
            _unavailable(f"{module} is not installed (pip install {extra})")
    missing = dashboard.missing_assets()
    if missing:
        _unavailable(f"Solara's page assets are not cached ({', '.join(missing)}): "
                     "run `tajsim dashboard --fetch-assets`")
    from playwright.sync_api import sync_playwright

    port = _free_port()
    url = f"http://127.0.0.1:{port}/"
    log = tmp_path / "server.log"
    env = {**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False", "PYTHONUNBUFFERED": "1"}
    with open(log, "w") as output:
        server = subprocess.Popen([sys.executable, "-m", "sim", "dashboard", "--port", str(port), "--host", "127.0.0.1"],
                                  cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT,
                                  start_new_session=True)
    try:
        _wait_until_served(url, server, min(deadline, time.monotonic() + 30), log)

        def left() -> float:  # milliseconds of the budget that remain, for Playwright's timeouts
            return max(1000.0, (deadline - time.monotonic()) * 1000)

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
            try:
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                errors: list[str] = []
                page.on("pageerror", lambda error: errors.append(str(error)))
                page.goto(url, timeout=left())
                month = page.locator(".tajsim-month")
                month.wait_for(timeout=left())
                assert "Month —" in month.inner_text(), "before a step no month has been simulated"
                assert "tajsim" in page.title().lower() or page.get_by_text("tajsim").count() > 0
                trajectory = page.locator(".tajsim-trajectories img")
                network = page.locator(".tajsim-network img")
                trajectory.wait_for(timeout=left())
                network.wait_for(timeout=left())
                before = (trajectory.get_attribute("src"), network.get_attribute("src"))
                assert all(before), "the charts are images with a source"

                step = page.get_by_role("button", name="Step")
                step.click(timeout=left())
                page.wait_for_function("() => document.querySelector('.tajsim-month').innerText.includes('1991-09')",
                                       timeout=left())
                page.wait_for_function(
                    "([selector, old]) => { const img = document.querySelector(selector);"
                    " return img && img.getAttribute('src') !== old; }",
                    arg=[".tajsim-trajectories img", before[0]], timeout=left())
                page.wait_for_function(
                    "([selector, old]) => { const img = document.querySelector(selector);"
                    " return img && img.getAttribute('src') !== old; }",
                    arg=[".tajsim-network img", before[1]], timeout=left())
                assert "1 of 388 months" in page.locator("text=of 388 months").first.inner_text()
                assert page.locator(".tajsim-events").count() == 1

                step.click(timeout=left())
                page.wait_for_function("() => document.querySelector('.tajsim-month').innerText.includes('1991-10')",
                                       timeout=left())
                page.get_by_role("button", name="Reset").click(timeout=left())
                page.wait_for_function("() => document.querySelector('.tajsim-month').innerText.includes('—')",
                                       timeout=left())
                assert not errors, f"errors in the page: {errors}"
            finally:
                browser.close()
    finally:
        _stop(server)
    assert server.poll() is not None
    assert "Traceback" not in log.read_text(), log.read_text()[-3000:]
    assert time.monotonic() - started < 60
