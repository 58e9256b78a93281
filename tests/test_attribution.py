"""tajsim attribute: Shapley values that add up, are symmetric and exact, the same bytes on any number
of workers, runs branched from a shared history that equal full runs bit for bit, and one-line errors."""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.cli import main
from sim.core.model import TajikistanModel
from sim.experiments.attribution import build_attribution, csv_text, parse_outcome, run_attribution
from sim.experiments.changes import apply_changes
from sim.experiments.levers import LEVERS, Lever, choose
from sim.experiments.shapley import EXACT_MOST, Coalitions, coalitions, shapley, total
from sim.months import format_month, parse_month
from sim.running.runner import advance, collect
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
NAVIGATING = ROOT / "scenarios" / "2022-2023_navigating.yaml"
SMALL = ["migration", "uzbek_pressure", "chinese_finance"]


@pytest.fixture(scope="module")
def navigating():
    return load_scenario(NAVIGATING)


def attribute(plan, levers, outcome="dependence:TJK:RUS", start="2022-03", end="2023-06", replicates=4, **how):
    spec = parse_outcome(outcome, start, end, plan)
    statistic = how.pop("statistic", "change")
    attribution = build_attribution(plan, levers, spec, statistic=statistic, seed=11, replicates=replicates)
    return run_attribution(attribution, **how)


@pytest.fixture(scope="module")
def small(navigating):
    """Three levers on the navigating period, four replicates."""
    return attribute(navigating, choose(",".join(SMALL)))


# --- the Shapley values -------------------------------------------------------------------------------


def test_contributions_add_up_to_the_total_in_every_replicate_and_in_the_means(small, tmp_path):
    assert small.shapley.shape == (3, 4)
    assert np.abs(small.shapley.sum(axis=0) - small.total).max() <= 1e-9
    assert small.total.std() > 0  # a real case: the levers explain something, differently per replicate
    table = pd.read_csv(pd.io.common.StringIO(csv_text(small.table)))
    assert list(table.columns) == ["lever", "contribution", "ci_low", "ci_high"]
    assert list(table["lever"]) == SMALL + ["total"]
    assert abs(table["contribution"].iloc[:-1].sum() - table["contribution"].iloc[-1]) <= 1e-9
    assert (table["ci_low"] <= table["contribution"]).all() and (table["contribution"] <= table["ci_high"]).all()


def test_the_values_are_the_textbook_shapley_values_computed_by_hand(small):
    """Lever i's value: its marginal effect averaged over all 3! orders of switching the levers on."""
    n, full = 3, 7

    def on(levers: set[int]) -> np.ndarray:  # the outcome with these levers on, the others switched off
        return small.values[full ^ sum(1 << i for i in levers)]

    by_hand = np.zeros_like(small.shapley)
    orders = list(itertools.permutations(range(n)))
    for order in orders:
        for place, lever in enumerate(order):
            by_hand[lever] += on(set(order[:place + 1])) - on(set(order[:place]))
    np.testing.assert_allclose(small.shapley, by_hand / len(orders), rtol=0, atol=1e-12)
    assert np.allclose(small.total, on({0, 1, 2}) - on(set()), rtol=0, atol=0)


def test_two_levers_that_change_the_same_get_the_same_and_one_that_changes_nothing_gets_zero(navigating):
    twin = Lever("migration_again", "RUS", "the same change as migration", LEVERS["migration"].changes)
    idle = Lever("idle", "TKM", "a rule that gives nothing in peacetime, and a flow that never happens",
                 ({"rule": {"id": "R43", "enabled": False}}, {"forbid": {"actor": "TKM", "target": "TJK", "type": "military"}}))
    result = attribute(navigating, [LEVERS["migration"], twin, idle, LEVERS["chinese_finance"]])
    np.testing.assert_allclose(result.shapley[0], result.shapley[1], rtol=0, atol=1e-12)
    assert np.abs(result.shapley[0]).min() > 0
    assert (result.shapley[2] == 0).all()
    assert np.abs(result.shapley.sum(axis=0) - result.total).max() <= 1e-9


def test_a_synthetic_game_by_hand():
    """w(T) = 1.0 [0 on] + 2.0 [1 on] + 0.5 [0 and 1 on] - 3.0 [2 on]: 0 and 1 share their interaction."""
    plan = Coalitions(3)

    def w(on: int) -> float:
        return 1.0 * (on & 1 > 0) + 2.0 * (on & 2 > 0) + 0.5 * (on & 3 == 3) - 3.0 * (on & 4 > 0)

    values = {off: np.array([w(7 ^ off)]) for off in plan.switched_off}
    np.testing.assert_allclose(shapley(values, plan)[:, 0], [1.25, 2.25, -3.0], atol=1e-15)
    assert total(values, plan)[0] == pytest.approx(0.5)


@given(st.integers(1, 9), st.integers(0, 2**32 - 1), st.integers(2, 12))
def test_any_game_adds_up_and_symmetric_or_null_levers_come_out_so(n, seed, permutations):
    """Exact (n <= 6) or from sampled orders, on random games where lever 0 mirrors lever 1 and the
    last lever does nothing (when there are three or more)."""
    rng = np.random.default_rng(seed)
    plan = coalitions(n, permutations, seed)
    assert plan.exact or n > EXACT_MOST
    base = rng.normal(size=(1 << n, 5))

    def canonical(on: int) -> int:
        if n >= 3:
            on &= ~(1 << (n - 1))  # the null lever changes nothing
        if n >= 3 and (on & 1) != (on >> 1 & 1):
            on = on & ~3 | 1  # lever 0 alone and lever 1 alone do the same
        return on

    full = (1 << n) - 1
    values = {off: base[canonical(full ^ off)] for off in plan.switched_off}
    found = shapley(values, plan)
    assert np.abs(found.sum(axis=0) - total(values, plan)).max() <= 1e-9
    if n >= 3:
        assert (found[n - 1] == 0).all()
        if plan.exact:
            np.testing.assert_allclose(found[0], found[1], atol=1e-12)


def test_sampled_orders_are_fixed_by_the_seed_and_visit_fewer_subsets():
    one, two = coalitions(9, 20, seed=3), coalitions(9, 20, seed=3)
    assert one.orders is not None and np.array_equal(one.orders, two.orders)
    assert len(one.switched_off) < 2**9 and {0, 2**9 - 1} <= set(one.switched_off)
    assert not np.array_equal(one.orders, coalitions(9, 20, seed=4).orders)


# --- the outcome ---------------------------------------------------------------------------------------


def test_the_change_is_measured_from_the_state_every_subset_shares(navigating):
    """From the run's first month (the scenario's initial state) as from any other: the total of
    the change equals the total of the last month's value."""
    for start in ("2022-01", "2022-07"):
        change = attribute(navigating, choose("uzbek_pressure,chinese_finance"), "economy", start, "2023-03")
        last = attribute(navigating, choose("uzbek_pressure,chinese_finance"), "economy", start, "2023-03",
                         statistic="mean")
        assert np.abs(change.total).min() > 0
        assert not np.allclose(last.total, change.total)
        month = navigating.start if start == "2022-01" else parse_month(start)
        base = TajikistanModel(navigating, seed=11, replicates=4)
        if month > navigating.start:
            advance(base, months=month - navigating.start)
        before = base.world.economy.copy()
        ends = {off: collect(advance_to(base.branch(s), parse_month("2023-03"))).domestic["economy"][-1]
                for off, s in change.attribution.scenarios.items()}
        np.testing.assert_allclose(change.values[0], ends[0] - before, atol=1e-12)
        np.testing.assert_allclose(change.total, ends[0] - ends[3], atol=1e-12)


def advance_to(model, month: int):
    advance(model, months=month - model.month + 1)
    return model


# --- shared histories and workers -----------------------------------------------------------------------


def test_branching_from_the_shared_history_gives_the_bytes_of_full_runs(navigating):
    shared = attribute(navigating, choose("all"), "alignment:TJK:RUS", "2022-05", "2022-12", replicates=3)
    full = attribute(navigating, choose("all"), "alignment:TJK:RUS", "2022-05", "2022-12", replicates=3, shared=False)
    assert csv_text(shared.table) == csv_text(full.table)
    assert all(np.array_equal(shared.values[mask], full.values[mask]) for mask in full.values)


def _chain(tmp_path: Path) -> Path:
    path = tmp_path / "two_periods.yaml"
    path.write_text("name: two_periods\ntitle: two periods\nchain:\n"
                    f"  - {ROOT / 'scenarios' / '2010-2021_dependence.yaml'}\n"
                    f"  - {NAVIGATING}\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("month", ["2021-06", "2022-01"])
def test_a_branched_model_equals_a_full_run_bit_for_bit(tmp_path, month):
    """Every registered lever alone and all together, and a lever that uses the other kinds of change
    (a driver held, a parameter, a flow forced), branched mid-period and at a period boundary."""
    plan = load_scenario(_chain(tmp_path))
    others = Lever("other_kinds", "RUS", "a driver held, a parameter set, a flow forced",
                   ({"driver": {"name": "oil_price", "hold": True}},
                    {"parameter": {"name": "alignment_noise", "value": 0.02}},
                    {"force": {"actor": "CHN", "target": "TJK", "type": "aid", "amount": 0.05}}))
    levers = list(LEVERS.values()) + [others]
    changes = [lever.switched_off(month, format_month(plan.end)) for lever in levers]
    plans = [apply_changes(plan, c, "test") for c in changes] + [apply_changes(plan, sum(changes, []), "all")]
    common = TajikistanModel(plan, seed=5, replicates=2)
    advance(common, months=parse_month(month) - plan.start)
    for scenario in plans:
        branched, full = common.branch(scenario), TajikistanModel(scenario, seed=5, replicates=2)
        advance(branched)
        advance(full)
        one, two = collect(branched), collect(full)
        assert np.array_equal(one.dyads, two.dyads)
        assert all(np.array_equal(one.domestic[k], two.domestic[k]) for k in one.domestic)
        assert one.events.equals(two.events)
        assert [s.bit_generator.state for s in branched.streams] == [s.bit_generator.state for s in full.streams]
        assert branched.random.getstate() == full.random.getstate()
    assert common.month == parse_month(month)  # branching leaves the common history where it was


def test_branching_refuses_a_scenario_that_differs_before_the_month(navigating):
    model = TajikistanModel(navigating, seed=0)
    advance(model, months=4)
    earlier = apply_changes(navigating, LEVERS["migration"].switched_off("2022-02", "2023-12"), "early")
    with pytest.raises(ValueError, match="differ before 2022-05: events"):
        model.branch(earlier)
    later = apply_changes(navigating, LEVERS["migration"].switched_off("2022-05", "2023-12"), "later")
    assert model.branch(later).month == parse_month("2022-05")


@pytest.mark.slow
def test_one_and_two_workers_write_the_same_bytes(tmp_path, capsys):
    for workers in (1, 2):
        assert main(["attribute", str(NAVIGATING), "--outcome", "security", "--from", "2022-03", "--to", "2022-12",
                     "--levers", "russian_security,security_organisations,us_access", "--replicates", "3",
                     "--workers", str(workers), "--out", str(tmp_path / str(workers)), "--quiet"]) == 0
    for name in ("attribution.csv", "manifest.json"):
        assert (tmp_path / "1" / name).read_bytes() == (tmp_path / "2" / name).read_bytes()


# --- the command, its files and figure -------------------------------------------------------------------


@pytest.fixture(scope="module")
def attributed(tmp_path_factory):
    out = tmp_path_factory.mktemp("attribution")
    assert main(["attribute", str(NAVIGATING), "--outcome", "dependence:TJK:RUS", "--from", "2022-03", "--to",
                 "2023-06", "--levers", ",".join(SMALL), "--replicates", "4", "--seed", "11", "--workers", "1",
                 "--out", str(out)]) == 0
    return out


def test_the_command_writes_the_table_and_a_manifest_and_prints_them(attributed, small, capsys):
    assert (attributed / "attribution.csv").read_text() == csv_text(small.table)
    manifest = json.loads((attributed / "manifest.json").read_text())
    assert manifest["seed"] == 11 and manifest["replicates"] == 4 and manifest["statistic"] == "change"
    assert manifest["window"] == {"from": "2022-03", "to": "2023-06"}
    assert manifest["outcome"] == {"variable": "dependence", "actor": "TJK", "target": "RUS"}
    assert [lever["name"] for lever in manifest["levers"]] == SMALL
    assert manifest["levers"][0]["changes"] == [{kind: {**body, "from": "2022-03"}} for template in LEVERS["migration"].changes
                                                for kind, body in template.items()]
    assert manifest["levers"][0]["changes"][0] == {"rule": {"id": "R27", "enabled": False, "from": "2022-03"}}
    assert manifest["method"]["subsets"] == 8 and manifest["method"]["shapley"] == "exact"
    assert len(manifest["scenario_sha256"]) == 64 and "versions" in manifest
    assert not any("time" in key or "worker" in key for key in manifest)


def test_the_figure_and_the_report_show_it(attributed, tmp_path):
    figure = tmp_path / "fig" / "attribution.png"
    assert main(["plot", "attribution", str(attributed), "--out", str(figure)]) == 0
    assert figure.stat().st_size > 10_000
    run = tmp_path / "run"
    assert main(["run", str(NAVIGATING), "--out", str(run), "--quiet"]) == 0
    report = tmp_path / "report.html"
    assert main(["report", str(run), "--attribution", str(attributed), "--out", str(report)]) == 0
    page = report.read_text()
    assert "What the levers explain" in page and "chinese_finance" in page and page.count("data:image/png") >= 5


def test_the_levers_command_lists_every_lever(capsys):
    assert main(["levers"]) == 0
    out = capsys.readouterr().out
    assert all(name in out for name in LEVERS)


def test_every_registered_lever_switches_off_in_every_period_of_the_replay():
    plan = load_scenario(ROOT / "scenarios" / "full_replay.yaml")
    for start in ("1991-10", "1995-01", "2005-06", "2022-01"):
        attribution = build_attribution(plan, choose("all"), parse_outcome("security", start, "2023-12", plan))
        assert len(attribution.scenarios) == 2 ** len(LEVERS)


def test_a_lever_is_only_what_can_be_switched_off_from_a_month():
    with pytest.raises(ValueError, match="each change is one of"):
        Lever("whole_run", "IRN", "an actor change", ({"actor": {"code": "IRN", "set": {"script_barrier": 0}}},))
    with pytest.raises(ValueError, match="not 'total'"):
        Lever("total", "RUS", "a reserved name", ({"rule": {"id": "R27", "enabled": False}},))
    with pytest.raises(ValueError, match="unknown rule"):
        Lever("typo", "RUS", "a rule that is not there", ({"rule": {"id": "R99", "enabled": False}},))


@pytest.mark.parametrize("flags, message", [
    (["--levers", "migration,oil"], "--levers: unknown lever 'oil' (known: migration, russian_security"),
    (["--levers", "migration,migration"], "--levers: migration named twice"),
    (["--outcome", "alignment"], "--outcome: alignment: alignment needs an actor and a target"),
    (["--outcome", "wealth:TJK:RUS"], "--outcome: wealth:TJK:RUS: variable: Input should be"),
    (["--outcome", "aid:TJK:RUS"], "target must be TJK"),
    (["--outcome", "alignment:TJK"], "give VARIABLE:ACTOR:TARGET"),
    (["--outcome", "alignment:TJK:XYZ"], "--outcome: alignment:TJK:XYZ: target:"),
    (["--outcome", "alignment:TJK:CIS", "--from", "1991-01"], "--from: 1991-01 lies outside the run, 2022-01..2023-12"),
    (["--to", "2021-12"], "--to: 2021-12 is before --from 2022-03"),
    (["--from", "2022-13"], "--from: month 13 of '2022-13' is not between 01 and 12"),
    (["--replicates", "0"], "--replicates: must lie in 1..1000000, got 0"),
    (["--permutations", "1"], "--permutations: must be at least 2, got 1"),
    (["--statistic", "max"], "invalid choice: 'max'"),
])
def test_mistakes_are_one_line_and_exit_code_2(tmp_path, capsys, flags, message):
    base = {"--outcome": "dependence:TJK:RUS", "--from": "2022-03", "--to": "2022-06", "--replicates": "2",
            "--out": str(tmp_path / "out")}
    given_flags = dict(zip(flags[::2], flags[1::2]))
    argv = ["attribute", str(NAVIGATING), "--quiet"] + [x for k, v in {**base, **given_flags}.items() for x in (k, v)]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err, err
    assert not (tmp_path / "out" / "attribution.csv").exists()


def test_another_commands_results_are_not_overwritten(tmp_path, capsys):
    run = tmp_path / "run"
    assert main(["run", str(NAVIGATING), "--out", str(run), "--quiet"]) == 0
    before = (run / "manifest.json").read_bytes()
    assert main(["attribute", str(NAVIGATING), "--outcome", "security", "--from", "2022-03", "--to", "2022-06",
                 "--out", str(run), "--quiet"]) == 2
    assert "--out: holds another command's results (manifest.json)" in capsys.readouterr().err
    assert (run / "manifest.json").read_bytes() == before and not (run / "attribution.csv").exists()


def test_more_than_six_levers_are_sampled_and_still_add_up(navigating):
    twin = Lever("migration_again", "RUS", "the same change as migration", LEVERS["migration"].changes)
    spec = parse_outcome("dependence:TJK:RUS", "2022-03", "2022-09", navigating)
    attribution = build_attribution(navigating, list(LEVERS.values()) + [twin], spec, seed=2, replicates=2,
                                    permutations=4)
    assert not attribution.coalitions.exact and len(attribution.scenarios) < 2**7
    result = run_attribution(attribution)
    assert np.abs(result.shapley.sum(axis=0) - result.total).max() <= 1e-9
    assert result.table["lever"].iloc[-1] == "total" and len(result.table) == 8


def test_missing_files_and_folders_are_one_line(tmp_path, capsys):
    assert main(["attribute", str(tmp_path / "nothing.yaml"), "--outcome", "security", "--from", "2022-03",
                 "--to", "2022-06", "--out", str(tmp_path / "out")]) == 2
    assert main(["plot", "attribution", str(tmp_path), "--out", str(tmp_path / "a.png")]) == 2
    (tmp_path / "manifest.json").write_text("{}")
    assert main(["plot", "attribution", str(tmp_path), "--out", str(tmp_path / "a.png")]) == 2
    errors = capsys.readouterr().err.splitlines()
    assert len(errors) == 3
    assert "nothing.yaml" in errors[0]
    assert "no such file (is" in errors[1] and "tajsim attribute" in errors[1]
    assert "not the manifest of 'tajsim attribute'" in errors[2]


def test_the_interval_is_a_t_interval_over_replicates(small):
    from scipy import stats

    row = small.table.iloc[0]
    values = small.shapley[0]
    half = stats.t.ppf(0.975, len(values) - 1) * values.std(ddof=1) / math.sqrt(len(values))
    assert row["contribution"] == pytest.approx(values.mean())
    assert row["ci_high"] - row["contribution"] == pytest.approx(half)
