"""Ensembles streamed to disk: Parquet and CSV agree, batches add up to one run, the summary
is the full table's, same seed gives the same bytes, and the long table is built right."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import sim
from sim.cli import main
from sim.running.stored import read_summary, read_table
from sim.running.tables import DOMESTIC, TRACKED, Layout, Recorded, to_frame, trajectory_table
from sim.running.writer import quantiles

ROOT = Path(__file__).resolve().parents[1]
POST_WAR = ROOT / "scenarios" / "1997-1999_post_war.yaml"
TABLES = ("trajectory", "events")


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Replicates 0-4 of seed 2: held in memory (one model), and streamed in batches of 2 as Parquet and as CSV."""
    folder = tmp_path_factory.mktemp("ensembles")
    held = sim.run(POST_WAR, seed=2, replicates=5)
    parquet = sim.run(POST_WAR, seed=2, replicates=5, out=folder / "parquet", batch=2)
    csv = sim.run(POST_WAR, seed=2, replicates=5, out=folder / "csv", batch=2, format="csv")
    held.write(folder / "held-csv", format="csv")
    return {"folder": folder, "held": held, "parquet": parquet, "csv": csv}


def test_an_ensemble_writes_parquet_and_its_manifest_lists_the_files(runs):
    folder = runs["folder"]
    files = ["comparison.csv", "events.parquet", "manifest.json", "trajectory.parquet", "trajectory_summary.csv"]
    assert sorted(p.name for p in (folder / "parquet").iterdir()) == files
    manifest = json.loads((folder / "parquet" / "manifest.json").read_text())
    assert manifest["files"] == files and manifest["format"] == "parquet" and manifest["batch"] == 2
    assert json.loads((folder / "csv" / "manifest.json").read_text())["files"] == [
        "comparison.csv", "events.csv", "manifest.json", "trajectory.csv", "trajectory_summary.csv"]
    import pyarrow.parquet as pq

    trajectory = pq.ParquetFile(folder / "parquet" / "trajectory.parquet")
    assert trajectory.metadata.num_row_groups == 3  # one per batch: 2 + 2 + 1 replicates
    assert str(trajectory.schema_arrow.field("value").type) == "float"
    assert trajectory.schema_arrow.field("actor").type.value_type == "string"  # dictionary-encoded
    assert trajectory.schema_arrow.names == ["replicate", "date", "actor", "target", "variable", "value"]


def test_parquet_and_csv_of_the_same_seed_hold_the_same_values(runs):
    parquet, csv = (runs["folder"] / kind for kind in ("parquet", "csv"))
    for name in TABLES:
        a, b = read_table(parquet, name), read_table(csv, name)
        assert list(a.columns) == list(b.columns)
        strings = [c for c in a.columns if c != "value"]
        pd.testing.assert_frame_equal(a[strings], b[strings])
    a, b = read_table(parquet, "trajectory"), read_table(csv, "trajectory")
    assert a["value"].dtype == np.float32 and b["value"].dtype == np.float64
    np.testing.assert_allclose(a["value"], b["value"], rtol=1e-6, atol=5e-7)  # float32 against 6 decimals
    for name in ("trajectory_summary.csv", "comparison.csv"):
        assert (parquet / name).read_bytes() == (csv / name).read_bytes()


def test_a_run_in_batches_equals_one_unbatched_run(runs):
    held, folder = runs["held"], runs["folder"]
    for name in ("trajectory.csv", "events.csv", "comparison.csv", "trajectory_summary.csv"):
        assert (folder / "held-csv" / name).read_bytes() == (folder / "csv" / name).read_bytes(), name
    streamed = runs["parquet"]
    pd.testing.assert_frame_equal(streamed.comparison, held.comparison)
    pd.testing.assert_frame_equal(streamed.events, held.events)
    expected = held.trajectory.assign(value=held.trajectory["value"].astype(np.float32))
    pd.testing.assert_frame_equal(streamed.trajectory, expected)


def test_a_streamed_result_reads_its_files_and_holds_no_arrays(runs):
    held, streamed = runs["held"], runs["parquet"]
    assert held.recorded is not None and streamed.recorded is None
    with pytest.raises(ValueError, match="streamed"):
        streamed.dyads  # noqa: B018
    for pair in (("alignment", "TJK", "RUS"), ("aid", "RUS", "TJK")):
        np.testing.assert_allclose(streamed.series(*pair), held.series(*pair), rtol=1e-6, atol=1e-7)
    assert streamed.series("alignment", "TJK", "RUS").shape == (5, len(held.months))


def test_the_summary_holds_the_full_tables_mean_and_quantiles(runs):
    for kind in ("parquet", "csv"):
        folder = runs["folder"] / kind
        table = read_table(folder, "trajectory")
        keys = ["date", "actor", "target", "variable"]
        grouped = table.assign(value=table["value"].astype(np.float64)).groupby(keys, observed=True)["value"]
        expected = pd.DataFrame({"mean": grouped.mean(), "q05": grouped.quantile(0.05), "q50": grouped.quantile(0.5),
                                 "q95": grouped.quantile(0.95)}).reset_index()
        expected[keys] = expected[keys].astype(str)
        summary = read_summary(folder)
        assert len(summary) == len(expected) == len(table) // 5
        merged = summary.merge(expected, on=keys, suffixes=("", "_full"))
        assert len(merged) == len(summary)
        for column in ("mean", "q05", "q50", "q95"):
            np.testing.assert_allclose(merged[column], merged[f"{column}_full"], atol=1e-6)


@given(st.integers(1, 40), st.integers(1, 12), st.integers(0, 3))
def test_summary_quantiles_are_numpys(replicates, rows, zeros):
    values = np.random.default_rng(replicates * 100 + rows).normal(size=(rows, replicates)).astype(np.float32)
    values[:min(zeros, rows)] = 0.25
    expected = np.quantile(values.astype(np.float64), [0.05, 0.5, 0.95], axis=1)
    assert np.array_equal(quantiles(values), expected)


def test_same_seed_gives_the_same_parquet_bytes(tmp_path):
    args = ["run", str(POST_WAR), "--seed", "4", "--replicates", "3", "--batch", "2", "--quiet"]
    assert main(args + ["--out", str(tmp_path / "a")]) == 0
    assert main(args + ["--out", str(tmp_path / "b")]) == 0
    for name in ("trajectory.parquet", "events.parquet", "trajectory_summary.csv", "comparison.csv", "manifest.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_changing_format_leaves_no_stale_files_and_bad_flags_get_one_line(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["run", str(POST_WAR), "--replicates", "2", "--out", str(out), "--quiet"]) == 0
    assert main(["run", str(POST_WAR), "--out", str(out), "--quiet"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["comparison.csv", "events.csv", "manifest.json", "trajectory.csv"]
    assert main(["run", str(POST_WAR), "--batch", "0", "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["tajsim: --batch: must be at least 1, got 0"]


# --- the long table, against a plain per-replicate build (with partners' dyads, which no
# --- scenario records yet) ------------------------------------------------------------------

ROWS = {"alignment": ("alignment", False), "regard": ("alignment", True), "aid_in": ("aid", True),
        "pressure_in": ("pressure", True), "dependence": ("dependence", False)}


def reference(recorded: Recorded, founded: dict[str, int]) -> pd.DataFrame:
    """The trajectory built row by row, one replicate after another (how it was built before)."""
    from sim.months import format_month

    rows = []
    for r in range(recorded.count):
        for t, month in enumerate(recorded.months):
            for v, name in enumerate(TRACKED):
                variable, partner_acts = ROWS[name]
                for n, code in enumerate(recorded.codes):
                    if code != "TJK" and month >= founded[code]:
                        actor, target = (code, "TJK") if partner_acts else ("TJK", code)
                        rows.append((r, month, variable, actor, target, float(recorded.dyads[t, r, v, n])))
            for name in DOMESTIC:
                rows.append((r, month, name, "TJK", "", float(recorded.domestic[name][t, r])))
            pairs, block = recorded.others[t]
            for (i, j), value in zip(pairs, block[r]):
                rows.append((r, month, "alignment", recorded.codes[i], recorded.codes[j], float(value)))
    frame = pd.DataFrame(rows, columns=["replicate", "month", "variable", "actor", "target", "value"])
    frame = frame.sort_values(["replicate", "month", "variable", "actor", "target"], kind="stable")
    frame.insert(1, "date", [format_month(m) for m in frame.pop("month")])
    frame["replicate"] += recorded.first
    return frame[["replicate", "date", "actor", "target", "variable", "value"]].reset_index(drop=True)


@given(months=st.integers(1, 5), replicates=st.integers(1, 3), first=st.integers(0, 7),
       late=st.lists(st.integers(0, 6), min_size=4, max_size=4), pairs=st.lists(st.integers(0, 3), max_size=4))
def test_the_long_table_is_the_plain_per_replicate_build(months, replicates, first, late, pairs):
    codes = ["RUS", "TJK", "UZB", "CHN", "CIS"]
    start = 1992 * 12
    founded = {code: start + (0 if code == "TJK" else late[n % 4]) for n, code in enumerate(codes)}
    rng = np.random.default_rng(months * 97 + replicates)
    others = []
    live: list[tuple[int, int]] = []
    for t in range(months):  # partners' live dyads only ever grow
        if t < len(pairs):
            i, j = [k for k in range(len(codes)) if codes[k] != "TJK"][pairs[t]], 2 + (pairs[t] % 3)
            if i != j and (i, j) not in live:
                live.append((i, j))
        others.append((tuple(live), rng.random((replicates, len(live))).astype(np.float32)))
    recorded = Recorded(first=first, count=replicates, start=start, months=np.arange(start, start + months),
                        codes=codes, dyads=rng.random((months, replicates, len(TRACKED), len(codes))).astype(np.float32),
                        domestic={name: rng.random((months, replicates)) for name in DOMESTIC},
                        others=others, log={}, texts=[])
    layout = Layout.of(recorded, founded)
    built = to_frame(trajectory_table(layout, recorded.values(layout), first))
    expected = reference(recorded, founded)
    assert built["value"].tolist() == expected["value"].tolist()
    for column in ("replicate", "date", "actor", "target", "variable"):
        assert built[column].astype(str).tolist() == expected[column].astype(str).tolist(), column


def test_a_run_that_fails_part_way_leaves_the_earlier_results_whole(tmp_path, monkeypatch):
    from sim.running import runner

    out = tmp_path / "run"
    sim.run(POST_WAR, seed=1, replicates=3, out=out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    real = runner.simulate

    def second_batch_fails(plan, seed, first, count, overrides=None, progress=None):
        if first > 0:
            raise RuntimeError("the machine went away")
        return real(plan, seed, first, count, overrides, progress)

    monkeypatch.setattr(runner, "simulate", second_batch_fails)
    with pytest.raises(RuntimeError, match="went away"):
        sim.run(POST_WAR, seed=2, replicates=3, out=out, batch=2)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # no temporary file or scratch folder left
