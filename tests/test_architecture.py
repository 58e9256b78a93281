"""The package's shape: no module imports itself through a cycle, modules stay small, and
commands that need no model start without importing it (docs/ARCHITECTURE.md)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]
#: "No module over about 400 lines" (the issue that set the layout): a little slack, no more.
MOST_LINES = 420


@pytest.fixture(scope="module")
def graph():
    return grimp.build_graph("sim", exclude_type_checking_imports=True)


def test_no_module_imports_itself_through_a_cycle(graph):
    cycles = []
    for module in sorted(graph.modules):
        for imported in graph.find_modules_directly_imported_by(module):
            back = graph.find_shortest_chain(importer=imported, imported=module)
            if back:
                cycles.append(" -> ".join((module,) + tuple(back)))
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def test_no_module_is_much_over_400_lines():
    long = {str(path.relative_to(ROOT)): n for path in (ROOT / "sim").rglob("*.py")
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MOST_LINES}
    assert not long, f"modules over {MOST_LINES} lines: {long}"


@pytest.mark.parametrize("command", [["rules"], ["record", "facts"], ["schema"], ["--help"]])
def test_commands_that_need_no_model_do_not_import_it(command):
    code = ("import sys\nfrom sim.cli import main\ntry:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
            "heavy = sorted(m for m in ('mesa', 'pandas', 'scipy', 'matplotlib', 'pyarrow') if m in sys.modules)\n"
            "print('HEAVY:' + ','.join(heavy))")
    done = subprocess.run([sys.executable, "-c", code, *command], capture_output=True, text=True, cwd=ROOT, check=True)
    heavy = done.stdout.strip().splitlines()[-1]
    assert heavy == "HEAVY:", f"tajsim {' '.join(command)} imported {heavy.removeprefix('HEAVY:')}"
