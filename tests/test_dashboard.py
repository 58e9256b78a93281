"""The dashboard: its model factory (fast, no browser) and the served page in headless Chromium.

The end-to-end test starts ``python -m sim dashboard`` on a free port of 127.0.0.1, drives
Debian's Chromium (/usr/bin/chromium) with Playwright, and checks that the page loads without
Mesa's or Solara's scaffolding, that every slider reads out its value, that Step advances the
month and that the charts change, that Reset with the sliders untouched keeps the calibrated
values and that a moved slider takes effect on Reset. Screenshots are left in the test's
temporary folder (``pytest --basetemp DIR`` keeps them where you can look). It skips, saying why, where the browser,
Playwright, Solara or the page's cached assets are missing (``bash ci/install-browser.sh
.venv/bin/python`` installs the browser and the assets); with ``TAJSIM_BROWSER_TESTS=required``
(as in CI) a missing piece fails the test instead.
"""

from __future__ import annotations

import argparse
import importlib.util
import inspect
import math
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

import sim
from sim.cli import dashboard as dashboard_command
from sim.cli import main
from sim.core.rules import RULES
from sim.months import format_month
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


def test_overlay_scales_each_periods_own_parameters_and_validates_them():
    plan = load_scenario(default_scenario())
    plan = replace(plan, segments=(replace(plan.segments[0], parameters=plan.segments[0].parameters.model_copy(
        update={"pull_gain": 2.0})), *plan.segments[1:]))  # periods that differ, as a period file may set
    original = [segment.parameters for segment in plan.segments]
    changed = overlay(plan, {"event_hazard": 0.5, "pull_gain": 2.0, "alignment_noise": 1.0})
    assert len(changed.segments) == len(plan.segments) > 1
    for before, after in zip(plan.segments, changed.segments):
        assert after.parameters.event_hazard == before.parameters.event_hazard * 0.5
        assert after.parameters.pull_gain == before.parameters.pull_gain * 2.0  # each period its own base
        assert after.parameters.alignment_noise == before.parameters.alignment_noise  # 1 keeps the period's own
        assert after.parameters.aid_decay == before.parameters.aid_decay
        assert (after.start, after.end, after.name) == (before.start, before.end, before.name)
    assert changed.segments[0].parameters.pull_gain != changed.segments[1].parameters.pull_gain
    assert [segment.parameters for segment in plan.segments] == original  # the original is untouched
    assert overlay(plan, {"pull_gain": 1.0, "event_hazard": 1.0 + 1e-12}, {"R23": 1.0}) is plan
    with pytest.raises(ValueError, match="pull_gain"):
        overlay(plan, {"pull_gain": -1.0})
    with pytest.raises(ValueError, match="pull_gain"):
        overlay(plan, {"pull_gain": 100.0})  # past the schema's bound
    with pytest.raises(ValueError, match="unknown parameter"):
        overlay(plan, {"no_such_parameter": 2.0})
    with pytest.raises(ValueError, match="unknown rule"):
        overlay(plan, rule_weights={"R99": 2.0})


def _as_the_slider_holds(spec: dict):
    """The value a slider widget holds for ``spec``: Vuetify 2's ``VSlider.roundValue``, in Python.

    The browser clamps the value to [min, max], rounds it to ``min % step + k * step`` and
    formats it with as many decimals as the step has (``parseFloat(x.toFixed(decimals))``).
    """
    value, low, high, step = spec["value"], spec["min"], spec["max"], spec["step"]
    value = min(max(value, low), high)
    offset = math.fmod(low, step)
    rounded = math.floor((value - offset) / step + 0.5) * step + offset
    decimals = len(repr(float(step)).partition(".")[2].rstrip("0")) if isinstance(step, float) else 0
    held = float(f"{min(rounded, high):.{decimals}f}")
    return int(held) if spec["type"] == "SliderInt" else held


def _at_reset(params: dict) -> dict:
    """The keywords Reset builds the model with when no input was touched: each slider as its widget holds it."""
    return {name: (_as_the_slider_holds(spec) if isinstance(spec, dict) and spec["type"].startswith("Slider")
                   else spec["value"] if isinstance(spec, dict) else spec)
            for name, spec in params.items()}


def test_the_slider_snapping_reproduces_the_reported_drift():
    # a calibrated absolute value on a 0.05 grid from 0.1, as the page had it: Reset gave 1.25
    assert _as_the_slider_holds({"type": "SliderFloat", "value": 1.23605, "min": 0.1, "max": 2.0,
                                 "step": 0.05}) == 1.25


@pytest.mark.parametrize("seed", [0, 7])
def test_the_inputs_at_rest_and_after_a_reset_run_exactly_the_calibrated_replay(seed):
    params = dashboard.model_params()
    replay = sim.run(seed=seed)
    months = 60
    for settings in (dashboard.initial_settings(params), _at_reset(params)):
        settings["seed"] = seed
        model = DashboardModel(**settings)
        assert model.plan == load_scenario(default_scenario())
        for _ in range(months):
            model.step()
        np.testing.assert_array_equal(np.stack(model.history.dyads), replay.dyads[:months])
        np.testing.assert_array_equal(np.stack(model.history.security), replay.domestic["security"][:months])
        np.testing.assert_array_equal(np.stack(model.history.economy), replay.domestic["economy"][:months])
    assert dashboard.current_month(model) == format_month(replay.months[months - 1])
    events = replay.events[replay.events["date"] <= format_month(replay.months[months - 1])]
    shown = dashboard.latest_events(model, count=len(events) + 1)
    assert len(shown) == len(events) > 0
    assert [(r["date"], r["actor"], r["target"], r["summary"]) for r in reversed(shown)] == list(
        events[["date", "actor", "target", "summary"]].itertuples(index=False, name=None))


def test_every_input_starts_on_its_sliders_grid_and_reads_out_its_value():
    params = dashboard.model_params()
    for name, spec in params.items():
        if isinstance(spec, dict) and spec["type"].startswith("Slider"):
            assert _as_the_slider_holds(spec) == spec["value"], name
    pull = params["pull_gain_factor"]
    calibrated = load_scenario(default_scenario()).segments[0].parameters.pull_gain  # calibration/params.yaml's
    assert pull["value"] == 1.0 and pull["scenario"] == [calibrated]
    assert dashboard.input_label("pull_gain_factor", pull, 1.0) == f"Pull gain ×1.00 = {calibrated:.4g}"
    assert dashboard.input_label("pull_gain_factor", pull, 0.5) == f"Pull gain ×0.50 = {calibrated / 2:.4g}"
    assert dashboard.input_label("pull_gain_factor", {**pull, "scenario": [0.6, 1.2]}, 2.0) == \
        "Pull gain ×2.00 = 1.2-2.4 by period"
    assert dashboard.input_label("seed", params["seed"], 3) == "Seed: 3"
    assert dashboard.input_label("rule_weight", params["rule_weight"], 2.0) == "Rule weight ×2.0"
    for name in ("alignment_noise_factor", "pull_gain_factor", "event_hazard_factor"):
        DashboardModel(scenario_file=str(POST_WAR), **{name: params[name]["max"]})  # the far end is a valid run


def test_dashboard_model_takes_every_input_as_a_keyword_with_a_default():
    params = dashboard.model_params()
    signature = inspect.signature(DashboardModel.__init__).parameters
    assert set(params) <= set(signature)  # what Reset builds the model with
    assert all(p.default is not inspect.Parameter.empty for name, p in signature.items() if name != "self")
    assert "scenario" not in signature  # Mesa's Model reserves it for mesa.experimental.scenarios
    for name, spec in params.items():
        if isinstance(spec, dict) and spec["type"].startswith("Slider"):
            assert spec["min"] <= spec["value"] <= spec["max"], name
    plain = load_scenario(POST_WAR)
    model = DashboardModel(scenario_file=str(POST_WAR), seed=5, event_hazard_factor=0.0, alignment_noise_factor=2.0,
                           pull_gain_factor=1.5, rule="R31", rule_weight=2.0)
    assert {s.parameters.event_hazard for s in model.plan.segments} == {0.0}
    assert model.parameters.pull_gain == plain.segments[0].parameters.pull_gain * 1.5
    assert model.parameters.alignment_noise == plain.segments[0].parameters.alignment_noise * 2.0
    assert model.plan.segments[0].rules["R31"].weight == 2.0
    assert model.settings["seed"] == 5 and model.seed == 5
    lines = dashboard.status_lines(model)
    assert f"pull gain {model.parameters.pull_gain:.4g}" in lines[2] and "event hazard 0" in lines[2]
    assert lines[3] == "seed 5 · R31 weight ×2"


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


def test_a_busy_port_is_one_line_and_exit_2_before_the_server_starts(capsys):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["dashboard", "--port", str(port)]) == 2
        assert dashboard.port_problem(port) is not None
    captured = capsys.readouterr()
    assert captured.err == (f"tajsim: --port: {port} is already in use on 127.0.0.1 "
                            "(choose another, or --port 0 for a free one)\n")
    assert "Solara" not in captured.out  # the server never started
    assert dashboard.port_problem(_free_port()) is None
    assert main(["dashboard", "--host", "no-such-host.invalid", "--port", "0"]) == 2
    assert capsys.readouterr().err.startswith("tajsim: --host: cannot listen on 'no-such-host.invalid'")


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

    params = dashboard.model_params()
    pull_gain = load_scenario(default_scenario()).segments[0].parameters.pull_gain
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
                text = page.inner_text("body")
                for scaffolding in ("page 0", "time:", "runs on solara"):
                    assert scaffolding not in text.lower(), f"{scaffolding!r} shows on the page"
                for name, spec in params.items():  # every slider reads out its value
                    if isinstance(spec, dict) and spec["type"].startswith("Slider"):
                        assert dashboard.input_label(name, spec, spec["value"]) in text, name
                page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)
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
                reset = page.get_by_role("button", name="Reset")
                reset.click(timeout=left())
                page.wait_for_function("() => document.querySelector('.tajsim-month').innerText.includes('—')",
                                       timeout=left())
                period = page.get_by_text("this period:")
                assert f"pull gain {pull_gain:.4g} ·" in period.inner_text(), "Reset at rest keeps the calibrated value"

                pull = page.locator(".v-input", has_text="Pull gain")  # one step up, with the keyboard
                pull.get_by_role("slider").focus()
                page.keyboard.press("ArrowRight")
                moved = dashboard.input_label("pull_gain_factor", params["pull_gain_factor"], 1.05)
                page.get_by_text(moved).wait_for(timeout=left())
                reset.click(timeout=left())
                page.wait_for_function("text => document.body.innerText.includes(text)",
                                       arg=f"pull gain {pull_gain * 1.05:.4g} ·", timeout=left())
                page.screenshot(path=str(tmp_path / "dashboard-moved.png"), full_page=True)
                assert not errors, f"errors in the page: {errors}"
            finally:
                browser.close()
    finally:
        _stop(server)
    assert server.poll() is not None
    assert "Traceback" not in log.read_text(), log.read_text()[-3000:]
    assert time.monotonic() - started < 60
