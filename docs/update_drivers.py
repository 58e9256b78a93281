"""Write docs/drivers.md and docs/drivers.png from the code (``python docs/update_drivers.py``).

First it recomputes the one derived driver, ``afghan_instability``: its points in
``scenarios/base/drivers.yaml`` become ``sim.vocabulary.afghan_instability_index`` of the
``afghan_battle_deaths`` points at the same months (the rest of the file is left as written), so
that the index is never typed by hand. ``tests/test_drivers_data.py`` fails when they disagree.

Everything in them comes from the code and the default replay: each driver's meaning, unit and
valid range from ``sim.vocabulary.DRIVERS``, its source and interpolation from the scenario
files (``scenarios/base/drivers.yaml`` through ``scenarios/full_replay.yaml``), its monthly
values from ``load_scenario(...).driver_table()``, and which rules read it from the rules' own
source (``w.drive("name")``, a World helper that reads one of them, or a helper the rules share in
``sim/core/rules/common.py``, such as ``afghan_threat``, that does). A new driver
needs only its entry in ``DRIVERS`` and its points in a scenario; then run this script.
``tests/test_docs.py`` fails when the committed page is out of date.
"""

from __future__ import annotations

import hashlib
import inspect
import io
import re
import sys
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sim.core import world as world_module  # noqa: E402
from sim.core.levers import GROWTH_DRIVERS  # noqa: E402
from sim.core.rules import RULES  # noqa: E402
from sim.months import format_month  # noqa: E402
from sim.paths import default_scenario  # noqa: E402
from sim.scenario import Scenario, load_scenario  # noqa: E402
from sim.vocabulary import DRIVERS, PERIODS, afghan_instability_index  # noqa: E402

DOC = Path(__file__).with_name("drivers.md")
FIGURE = Path(__file__).with_name("drivers.png")
BASE_DRIVERS = ROOT / "scenarios" / "base" / "drivers.yaml"
#: Model code outside the rules that reads drivers, and what it does with them.
PHASES = {"sim/core/dynamics.py": "the monthly update of regime security and the economy",
          "sim/core/model.py": "Tajikistan's need for security, each month",
          "sim/core/levers.py": "the levers: migrants' wages, Tajikistan's potential output"}


def flow_mapping(points: dict[str, float], indent: int, width: int = 112) -> str:
    """``{"1989-01": 0.8156, ...}`` wrapped at ``width`` columns, continuation lines at ``indent``."""
    items = [f'"{month}": {value:g}' for month, value in points.items()]
    lines = [""]
    for item in items:
        if lines[-1] and indent + len(lines[-1]) + len(item) + 3 > width:
            lines.append("")
        lines[-1] += (" " if lines[-1] else "") + item + ","
    return "{" + ("\n" + " " * indent).join(lines)[:-1] + "}"


def derive_instability(text: str) -> str:
    """The text of scenarios/base/drivers.yaml with the ``afghan_instability`` points recomputed
    from the ``afghan_battle_deaths`` points, at the same months."""
    deaths = yaml.safe_load(text)["drivers"]["afghan_battle_deaths"]["points"]
    points = {month: afghan_instability_index(number) for month, number in deaths.items()}
    block = re.compile(r"(^  afghan_instability:\n(?:    .*\n)*?    points: )\{[^}]*\}", re.M)
    new, found = block.subn(lambda m: m.group(1) + flow_mapping(points, indent=13), text)
    if found != 1:
        raise SystemExit(f"{BASE_DRIVERS}: no 'afghan_instability:' block with 'points: {{...}}' to rewrite")
    return new


def replay() -> Scenario:
    return load_scenario(default_scenario())


def shared_helpers() -> dict[str, set[str]]:
    """The helpers the rules share (``sim/core/rules/common.py``) that read drivers: name -> the drivers."""
    source = (ROOT / "sim" / "core" / "rules" / "common.py").read_text(encoding="utf-8")
    bodies = re.findall(r"^def (\w+)\((.*?)(?=^def |\Z)", source, re.M | re.S)
    return {name: set(found) for name, body in bodies if (found := re.findall(r"\bdrive\(\"(\w+)\"\)", body))}


def readers() -> dict[str, list[str]]:
    """Per driver, the rules (by id) and model phases whose source reads it, directly or through a helper."""
    world_source = inspect.getsource(world_module)
    helpers = {method: driver for method, driver in
               re.findall(r"def (\w+)\(self\)[^:]*:\s*\n\s*return self\.drivers\.get\(\"(\w+)\"", world_source)}
    shared = shared_helpers()

    def through_shared(source: str) -> set[str]:
        return {driver for helper, drivers in shared.items() if re.search(rf"\b{helper}\(w\)", source) for driver in drivers}

    found: dict[str, list[str]] = {name: [] for name in DRIVERS}
    for rule in sorted(RULES.values(), key=lambda r: int(r.id[1:])):
        source = inspect.getsource(rule.fn)
        names = set(re.findall(r"\bdrive\(\"(\w+)\"\)", source))
        names |= {driver for method, driver in helpers.items() if re.search(rf"\.{method}\(\)", source)}
        names |= through_shared(source)
        for name in sorted(names & set(found)):
            found[name].append(rule.id)
    for path, what in PHASES.items():
        text = (ROOT / path).read_text(encoding="utf-8")
        names = set(re.findall(r"(?:drivers\.get|drive)\(\"(\w+)\"", text)) | through_shared(text)
        for name in sorted(names & set(found)):
            found[name].append(f"{what} (`{path}`)")
    for code, name in GROWTH_DRIVERS.items():
        found[name].append(f"the levers: {code}'s economic mass (`sim/core/levers.py`, GROWTH_DRIVERS)")
    return found


def table_digest(plan: Scenario) -> str:
    """A short hash of the values the figure shows, so that the test notices a stale figure."""
    table = plan.driver_table()
    text = ";".join(f"{name}:" + ",".join(f"{v:.6g}" for v in table[name]) for name in sorted(table))
    return hashlib.sha256(f"{plan.start}:{text}".encode()).hexdigest()[:16]


def render(plan: Scenario | None = None) -> str:
    """docs/drivers.md, as the code and the default replay say it now."""
    plan = plan or replay()
    table = plan.driver_table()
    read = readers()
    lines = [
        "# Driver series",
        "",
        "<!-- Generated by docs/update_drivers.py from sim/vocabulary.py (DRIVERS) and the default replay: "
        "do not edit by hand. -->",
        "",
        "Drivers are the exogenous monthly series a scenario gives the model: conditions the model does not "
        "explain, such as the intensity of the civil war or Russia's growth. A scenario lists each series' "
        "points under `drivers:` with its source; between points the series is interpolated (`linear`, or "
        "`step`: each point held until the next), and held flat beyond the first and last point "
        "(`sim.scenario.spec.driver_values`). Every point must lie in the driver's range, and so must every "
        "value of a series an experiment's `driver` change rewrites (`hold`, `value`, `scale`, `add`): "
        "anything outside is a one-line error. The rules read a driver's value of the month with "
        "`w.drive(\"name\")`, or through a helper they share (`sim/core/rules/common.py`: "
        + ", ".join(f"`{helper}`" for helper in sorted(shared_helpers())) + ").",
        "",
        "| driver | meaning | unit | range | in the default replay | read by |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for name, driver in DRIVERS.items():
        values = table.get(name)
        span = "absent" if values is None else f"{values.min():g} to {values.max():g}"
        rules = ", ".join(r for r in read[name] if r.startswith("R")) or "-"
        lines.append(f"| `{name}` | {driver.meaning} | {driver.unit} | {driver.range} | {span} | {rules} |")
    lines += ["", "![Each driver in the default replay, month by month](drivers.png)", "",
              f"<!-- figure data {table_digest(plan)} -->", ""]
    for name, driver in DRIVERS.items():
        lines += [f"## `{name}`", "", f"{driver.meaning[0].upper()}{driver.meaning[1:]}; {driver.unit}, "
                  f"{driver.range}.", ""]
        series = plan.drivers.get(name)
        if series is None:
            lines += ["Not in the default replay: a scenario that uses it gives its points.", ""]
            continue
        values = table[name]
        low, high = int(np.argmin(values)), int(np.argmax(values))
        lines += [
            f"- **Source**: {' '.join(series.source.split())}",
            f"- **Points**: {len(series.points)}, interpolated `{series.interpolation}`; "
            f"lowest {values[low]:g} ({format_month(plan.start + low)}), "
            f"highest {values[high]:g} ({format_month(plan.start + high)}).",
            f"- **Read by**: {', '.join(read[name]) or 'nothing in the model yet'}.",
            "",
        ]
    return "\n".join(lines)


def draw(plan: Scenario | None = None) -> bytes:
    """The figure: one panel per driver, its monthly values in the default replay, the given points
    as dots, the driver's valid range as the vertical axis, the periods shaded."""
    from matplotlib.figure import Figure

    plan = plan or replay()
    table = plan.driver_table()
    names = [name for name in DRIVERS if name in table]
    rows = (len(names) + 1) // 2
    fig = Figure(figsize=(10, 2.3 * rows), layout="constrained")
    axes = fig.subplots(rows, 2, sharex=True, squeeze=False).ravel()
    years = plan.months / 12.0
    for ax, name in zip(axes, names):
        driver = DRIVERS[name]
        for number, (start, end) in enumerate(PERIODS.values()):
            if number % 2:
                ax.axvspan(int(start[:4]) + (int(start[5:]) - 1) / 12, int(end[:4]) + int(end[5:]) / 12,
                           color="#eef0f2", zorder=0)
        ax.plot(years, table[name], color="#1f5f8b", lw=1.6)
        points = [(int(m[:4]) + (int(m[5:]) - 1) / 12, v) for m, v in plan.drivers[name].points.items()]
        inside = [(x, v) for x, v in points if years[0] <= x <= years[-1]]
        if inside:
            ax.plot(*zip(*inside), "o", color="#1f5f8b", ms=3)
        margin = 0.04 * (driver.high - driver.low)
        ax.set_ylim(driver.low - margin, driver.high + margin)
        ax.set_title(f"{name} ({driver.unit}, {driver.range})", fontsize=9, loc="left")
        ax.tick_params(labelsize=8)
        ax.grid(alpha=0.3, lw=0.5)
    for ax in axes[len(names):]:
        ax.set_visible(False)
    fig.suptitle(f"Driver series of the default replay ({plan.name}, {format_month(plan.start)} to "
                 f"{format_month(plan.end)}); dots: the scenario's points", fontsize=10)
    image = io.BytesIO()
    fig.savefig(image, format="png", dpi=90, metadata={"Software": None})
    return image.getvalue()


if __name__ == "__main__":
    from sim.files import atomic_write

    atomic_write(BASE_DRIVERS, derive_instability(BASE_DRIVERS.read_text(encoding="utf-8")))
    plan = replay()
    atomic_write(DOC, render(plan))
    atomic_write(FIGURE, draw(plan))
    print(f"updated the afghan_instability points in {BASE_DRIVERS}, {DOC} and {FIGURE}")
