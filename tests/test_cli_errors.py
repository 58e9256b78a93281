"""The command line never crashes: a user's mistake is one line on stderr and exit code 2.

The property test drives :func:`sim.cli.main` with random numbers for every numeric flag and
random or bogus paths for every path, across commands. The model never runs in it: what would
run (a replay, a forecast, a calibration, an experiment, the dashboard's server) is replaced by a
stub, so that an invocation either stops at a check (exit 2) or reaches the stub (exit 0).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.cli import main

ROOT = Path(__file__).resolve().parents[1]
POST_WAR = str(ROOT / "scenarios" / "1997-1999_post_war.yaml")
SMOKE = str(ROOT / "experiments" / "smoke.yaml")


def told_in_one_line(code: int, err: str) -> None:
    assert code in (0, 2), code
    if code == 2:
        assert err.startswith("tajsim: ") and err.count("\n") == 1, err
        assert "Traceback" not in err


@pytest.mark.parametrize("argv, words", [
    (["forecast", "--from", "2019", "--to", "2023", "--out", "{tmp}/f", "--seed", "-2"], "--seed: must lie in 0.."),
    (["forecast", "--from", "2019", "--to", "2023", "--out", "{tmp}/f", "--replicates", "0"], "--replicates: must be at least 1"),
    (["forecast", "--from", "2019", "--to", "2023", "--out", "{tmp}/afile"], "--out: exists and is not a directory"),
    (["forecast", "--from", "2019", "--to", "2023", "--out", "{tmp}/f", "--params", "{tmp}"], "--params: is a directory"),
    (["calibrate", "--seed", "-1"], "--seed: must lie in 0.."),
    (["calibrate", "--seed", str(2**32)], "--seed: must lie in 0..4294967294"),
    (["calibrate", "--workers", "-1"], "--workers: must be at least 1"),
    (["calibrate", "--budget", "0"], "--budget: must be at least 1"),
    (["calibrate", "--out", "{tmp}/afile/x"], "afile is a file, not a folder"),
    (["experiment", SMOKE, "--workers", "0"], "--workers: must be at least 1"),
    (["experiment", SMOKE, "--out", "{tmp}/afile/x"], "afile is a file, not a folder"),
    (["experiment", SMOKE, "--calibration", "{tmp}/missing.yaml"], "--calibration: no such file"),
    (["experiment", SMOKE, "--calibration", "{tmp}"], "--calibration: is a directory"),
    (["run", POST_WAR, "--seed", "-1"], "--seed: must lie in 0.."),
    (["run", POST_WAR, "--replicates", "0"], "--replicates: must be at least 1"),
    (["run", POST_WAR, "--out", "{tmp}/afile"], "--out: exists and is not a directory"),
    (["schema", "--out", "missing/x.json"], "the folder missing does not exist"),
    (["schema", "--out", "{tmp}/afile/x.json"], "afile is a file, not a folder"),
    (["schema", "--out", "{tmp}"], "is a directory, not a file"),
    (["experiment-schema", "--out", "{tmp}/missing/x.json"], "does not exist"),
    (["run", "--seed", "seven"], "invalid int value: 'seven'"),
    (["forecast", "--from", "2019"], "required: --to, --out"),
    (["plot", "cubist", "x"], "invalid choice: 'cubist'"),
    (["dashboard", "--port", "70000"], "--port: must lie in 0..65535, got 70000"),
])
def test_each_mistake_is_one_line_naming_the_flag(tmp_path, monkeypatch, capsys, argv, words):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "afile").write_text("x")
    code = main([arg.replace("{tmp}", str(tmp_path)) for arg in argv])
    err = capsys.readouterr().err
    assert code == 2
    told_in_one_line(code, err)
    assert words in err, err


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root may write into a read-only folder")
def test_a_read_only_folder_is_one_line(tmp_path, capsys):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        assert main(["schema", "--out", str(locked / "x.json")]) == 2
        assert "not writable" in capsys.readouterr().err
        assert main(["run", POST_WAR, "--out", str(locked / "run")]) == 2
        assert "not writable" in capsys.readouterr().err
    finally:
        locked.chmod(0o755)


def test_help_returns_zero(capsys):
    assert main(["--help"]) == 0
    assert "COMMAND" in capsys.readouterr().out


# --- the property ------------------------------------------------------------------------------


class Reached(Exception):
    """What a stub raises: the command got past every check to the work itself."""


def _stub(*args, **kwargs):
    raise Reached


@pytest.fixture(scope="module")
def playground(tmp_path_factory):
    """A folder with the paths a user may give: folders, a file, a read-only folder, a
    non-result folder; every heavy entry point replaced by a stub."""
    root = tmp_path_factory.mktemp("cli")
    (root / "dir").mkdir()
    (root / "afile").write_text("not yaml: [")
    (root / "locked").mkdir()
    (root / "locked").chmod(0o555)
    patch = pytest.MonkeyPatch()
    import sim.calibration.calibrate
    import sim.calibration.forecast
    import sim.experiments
    import sim.present.dashboard.server
    import sim.running

    patch.setattr(sim.running, "run", _stub)
    patch.setattr(sim.calibration.forecast, "forecast", _stub)
    patch.setattr(sim.calibration.calibrate, "calibrate", _stub)
    patch.setattr(sim.experiments, "run_experiment", _stub)
    patch.setattr(sim.present.dashboard.server, "serve", _stub)
    patch.chdir(root)
    yield root
    patch.undo()
    (root / "locked").chmod(0o755)


#: Mostly numbers a command takes, so that many invocations get past every check to the stub.
ODD_NUMBERS = st.one_of(st.integers(-3, 3).map(str), st.integers(-2**70, 2**70).map(str),
                        st.sampled_from(["1e3", "", "x", "0x10"]))
NUMBERS = st.integers(0, 9).flatmap(lambda k: st.integers(1, 3).map(str) if k < 7 else ODD_NUMBERS)
# Shells cannot pass a NUL byte in an argument; anything else may come.
NAMES = st.text(st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)), min_size=1, max_size=12)
#: Paths inside the playground (the test runs there): outputs may be written to them.
ODD_PATHS = st.one_of(
    st.sampled_from(["dir", "afile", "afile/x", "locked", "locked/x", "missing/deeper/x", ".", "", "-",
                     "/proc/nowhere/x", "x" * 300]),
    NAMES,
    NAMES.map(lambda name: f"dir/{name}"),
)
PATHS = st.integers(0, 9).flatmap(lambda k: st.sampled_from(["out", "dir/out.svg"]) if k < 4 else ODD_PATHS)
#: Paths a command only reads: the playground's, and the project's own files.
INPUTS = PATHS | st.sampled_from(["/", POST_WAR, SMOKE])
YEARS = st.one_of(st.integers(2010, 2023).map(str), st.integers(1980, 2030).map(str),
                  st.sampled_from(["", "19", "2019-2020", "abcd"]))
RANGES = st.one_of(
    st.sampled_from(["1992-2009", "2010-2019", "1995-2005", "", "1992", "x-y", "2009-1992"]),
    st.tuples(st.integers(1980, 2030), st.integers(1980, 2030)).map(lambda pair: f"{pair[0]}-{pair[1]}"),
)


@st.composite
def invocations(draw) -> list[str]:
    num, path, given = lambda: draw(NUMBERS), lambda: draw(PATHS), lambda: draw(INPUTS)
    command = draw(st.sampled_from(["run", "forecast", "calibrate", "experiment", "schema", "experiment-schema",
                                    "validate", "scenario", "plot", "report", "dashboard", "record", "rules"]))
    if command == "run":
        argv = ["run", draw(st.just(POST_WAR) | INPUTS), "--seed", num(), "--replicates", num(),
                "--window", num(), "--out", path()]
    elif command == "forecast":
        first = draw(YEARS)
        last = draw(st.integers(2011, 2023).map(str) if first.isdigit() and draw(st.booleans()) else YEARS)
        argv = ["forecast", "--from", first, "--to", last, "--out", path(), "--seed", num(),
                "--replicates", num()] + draw(st.sampled_from([[], ["--params", given()], ["--scenario", given()]]))
    elif command == "calibrate":
        argv = ["calibrate", "--train", draw(RANGES), "--test", draw(RANGES), "--seed", num(), "--budget", num(),
                "--replicates", num(), "--report-replicates", num(), "--workers", num(), "--out", path()]
    elif command == "experiment":
        argv = ["experiment", draw(st.just(SMOKE) | INPUTS), "--workers", num(), "--out", path()]
        argv += draw(st.sampled_from([["--check"], [], ["--resume"], ["--resume", "--overwrite"]]))
    elif command in ("schema", "experiment-schema"):
        argv = [command, "--out", path()]
    elif command == "validate":
        argv = ["validate", given()]
    elif command == "scenario":
        argv = ["scenario", "events", draw(st.just(POST_WAR) | INPUTS), "--format", draw(st.sampled_from(["csv", "x"]))]
    elif command == "plot":
        figure = draw(st.sampled_from(["trajectories", "network", "timeline", "counterfactual", "sensitivity"]))
        argv = ["plot", figure, given(), "--out", path()] + (["--date", draw(YEARS)] if figure == "network" else [])
    elif command == "report":
        argv = ["report", given(), "--out", path()]
    elif command == "dashboard":
        argv = ["dashboard", draw(st.just(POST_WAR) | INPUTS), "--port", num()]
    elif command == "record":
        argv = ["record", draw(st.sampled_from(["events", "facts", "nothing"])), "--format",
                draw(st.sampled_from(["csv", "table", "xml"]))]
    else:
        argv = ["rules", "--format", draw(st.sampled_from(["csv", "table", "markdown", "pdf"]))]
    return argv + ["--quiet"] * (command in ("run", "forecast", "calibrate", "experiment"))


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(argv=invocations())
def test_any_invocation_returns_0_or_2_and_never_raises(playground, capsys, argv):
    try:
        code = main(argv)
    except Reached:
        code = 0
    out, err = capsys.readouterr()
    told_in_one_line(code, err)
