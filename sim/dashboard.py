"""The interactive dashboard: ``tajsim dashboard [SCENARIO]``, a Mesa SolaraViz app.

One replicate of a scenario (the full 1991-2023 replay unless another is named), stepped or
played month by month in the browser, with:

* the current month, period, and Tajikistan's regime security and economy;
* the alignment network of the current month (Tajikistan's dyads, both ways, signed);
* Tajikistan's alignment with its key partners so far, from the model's DataCollector;
* the latest events, each with the rule that produced it and the rule's quote;
* sliders for the main parameters (alignment noise, pull gain, event hazard), the seed, and
  a multiplier on any one rule's weight. A slider takes effect on **Reset**, which rebuilds
  the model (:class:`DashboardModel`) from the sliders' values: SolaraViz's way.

The server is Solara's own (uvicorn and starlette), bound to localhost by default. Solara's
page loads its JavaScript through the server's asset proxy, which fetches it from a public CDN
the first time unless it is already cached; ``tajsim dashboard --fetch-assets`` caches it from
the npm registry beforehand (:func:`fetch_assets`), for machines without that CDN, such as CI.
Mesa's SolaraViz needs ipyvue and ipyvuetify below 2 (with 3 its page stays blank).

``python -m sim.dashboard [SCENARIO] [--port N] [--host H]`` runs the same server without
the rest of the command line. Solara and Mesa's visualisation are imported only when the app
is built or served, so this module imports (and its model factory runs) without them.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import html
import math
import os
import sys
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from sim import style
from sim.model import TajikistanModel
from sim.months import format_month
from sim.paths import default_scenario
from sim.rules import RULES
from sim.scenario import Parameters, RuleSetting, Scenario, load_scenario

#: The scenario the served app replays (set by :func:`serve` for the server's process).
SCENARIO_ENV = "TAJSIM_DASHBOARD_SCENARIO"

#: Partners whose alignment with Tajikistan the trajectory chart follows (those in the scenario).
KEY_PARTNERS = ("RUS", "UZB", "CHN", "USA", "IRN", "AFG", "KGZ")

#: The parameters a slider sets, in every period of the scenario: (min, max, step).
SLIDER_PARAMETERS = {
    "alignment_noise": (0.0, 0.2, 0.005),
    "pull_gain": (0.1, 2.0, 0.05),
    "event_hazard": (0.0, 3.0, 0.05),
}

#: The rule whose weight the rule slider scales unless another is chosen.
DEFAULT_RULE = "R23"

#: How many of the latest events the events table shows.
LATEST_EVENTS = 12

_COLOURS = style.COLOURS  # the same colour per country as in every figure


# --- the model the dashboard runs -------------------------------------------------------


def overlay(plan: Scenario, parameters: Mapping[str, float | None] | None = None,
            rule_weights: Mapping[str, float] | None = None) -> Scenario:
    """The scenario with ``parameters`` set in every period and rules' weights scaled.

    ``parameters`` maps :class:`~sim.scenario.Parameters` fields to values (``None`` keeps
    each period's own); the result is validated like a scenario file's. ``rule_weights``
    maps rule ids to a factor on the rule's weight, in every period and in every scheduled
    switch of rules (capped at the schema's 10); whether a rule is on is left as it was.
    """
    values = {name: value for name, value in (parameters or {}).items() if value is not None}
    unknown = sorted(set(values) - set(Parameters.model_fields))
    if unknown:
        raise ValueError(f"unknown parameter(s): {', '.join(unknown)}")
    factors = {rule_id: float(factor) for rule_id, factor in (rule_weights or {}).items()}
    for rule_id, factor in factors.items():
        if rule_id not in RULES:
            raise ValueError(f"unknown rule: {rule_id}")
        if not math.isfinite(factor) or factor < 0:
            raise ValueError(f"rule weight factor for {rule_id} must be finite and >= 0, got {factor}")
    factors = {rule_id: factor for rule_id, factor in factors.items() if factor != 1.0}

    def scaled(rules: Mapping[str, RuleSetting], defaults: bool) -> dict[str, RuleSetting]:
        rules = dict(rules)
        for rule_id, factor in factors.items():
            setting = rules.get(rule_id)
            if setting is None and not defaults:
                continue
            enabled = setting.enabled if setting else RULES[rule_id].default
            weight = setting.weight if setting else 1.0
            rules[rule_id] = RuleSetting(enabled=enabled, weight=min(10.0, weight * factor))
        return rules

    segments = tuple(
        dataclasses.replace(
            segment,
            parameters=Parameters.model_validate({**segment.parameters.model_dump(), **values}),
            rules=scaled(segment.rules, defaults=True),
        )
        for segment in plan.segments
    )
    events = plan.events
    if factors:
        events = tuple(
            event.model_copy(update={"effects": event.effects.model_copy(
                update={"rules": scaled(event.effects.rules, defaults=False)})}) if event.effects.rules else event
            for event in plan.events
        )
    return dataclasses.replace(plan, segments=segments, events=events)


@functools.lru_cache(maxsize=8)
def _load(path: str, mtime: float) -> Scenario:
    return load_scenario(path)


def scenario_path(scenario: str | os.PathLike | None = None) -> Path:
    """The scenario file a dashboard replays: the one given, else the server's, else the full replay."""
    chosen = scenario or os.environ.get(SCENARIO_ENV) or default_scenario()
    return Path(chosen).resolve()


class DashboardModel(TajikistanModel):
    """One replicate of a scenario with the dashboard's settings laid over every period.

    SolaraViz re-creates the model on Reset by calling this class with the sliders' values
    as keywords, so every setting is a keyword with a default. ``None`` for a parameter
    keeps the scenario's own; ``rule_weight`` multiplies the weight of ``rule``.
    The model stops (``running`` false) after the scenario's last month.
    """

    def __init__(self, scenario_file: str | None = None, seed: int = 0, alignment_noise: float | None = None,
                 pull_gain: float | None = None, event_hazard: float | None = None, rule: str = DEFAULT_RULE,
                 rule_weight: float = 1.0):
        path = scenario_path(scenario_file)
        parameters = {"alignment_noise": alignment_noise, "pull_gain": pull_gain, "event_hazard": event_hazard}
        plan = overlay(_load(str(path), path.stat().st_mtime), parameters, {rule: rule_weight})
        super().__init__(plan, seed=int(seed), replicates=1)
        self.scenario_file = str(path)
        self.settings = {"seed": int(seed), **{k: v for k, v in parameters.items() if v is not None},
                         "rule": rule, "rule_weight": float(rule_weight)}
        self.running = self.months > 0

    def step(self) -> None:
        """One month; past the scenario's end, nothing but ``running = False``."""
        if self.month > self.plan.end:
            self.running = False
            return
        super().step()
        if self.month > self.plan.end:
            self.running = False

    @property
    def simulated(self) -> int:
        """How many months have been simulated."""
        return self.month - self.plan.start


def model_params(scenario: str | os.PathLike | None = None) -> dict:
    """SolaraViz's ``model_params``: the fixed scenario file and the user's inputs.

    The parameter sliders start at the scenario's values in its first period.
    """
    path = scenario_path(scenario)
    plan = _load(str(path), path.stat().st_mtime)
    base = plan.segments[0].parameters
    params: dict = {
        "scenario_file": str(path),
        "seed": {"type": "SliderInt", "value": 0, "min": 0, "max": 99, "step": 1, "label": "Seed"},
    }
    for name, (low, high, step) in SLIDER_PARAMETERS.items():
        value = float(getattr(base, name))
        params[name] = {"type": "SliderFloat", "value": value, "min": min(low, value), "max": max(high, value),
                        "step": step, "label": name.replace("_", " ").capitalize()}
    params["rule"] = {"type": "Select", "value": DEFAULT_RULE, "label": "Rule to re-weight",
                      "values": sorted(RULES, key=lambda rule_id: int(rule_id[1:]))}
    params["rule_weight"] = {"type": "SliderFloat", "value": 1.0, "min": 0.0, "max": 3.0, "step": 0.1,
                             "label": "Rule weight (x)"}
    return params


def initial_settings(params: Mapping) -> dict:
    """The keywords that build the model as the inputs first stand."""
    return {name: (spec["value"] if isinstance(spec, dict) else spec) for name, spec in params.items()}


# --- what the components show (plain functions: testable without a browser) -----------


def current_month(model: DashboardModel) -> str:
    """The month last simulated, or ``"—"`` before the first step."""
    return format_month(model.month - 1) if model.simulated > 0 else "—"


def alignment_network(model: TajikistanModel, replicate: int = 0, threshold: float = 0.02):
    """Tajikistan's dyads this month as a signed, weighted ``networkx.DiGraph``.

    Nodes are the actors that exist this month; an edge ``a -> b`` carries ``weight``, how
    ``a`` regards ``b`` (alignment in [-1, 1]), where its size is at least ``threshold``.
    """
    import networkx as nx

    w = model.world
    graph = nx.DiGraph(month=model.date)
    for number, code in enumerate(w.codes):
        if w.active[number]:
            graph.add_node(code, name=w.name(code), kind=w.spec(code).kind)
    t = w.tjk
    for number, code in enumerate(w.codes):
        if number == t or not w.active[number]:
            continue
        for a, b in ((t, number), (number, t)):
            value = float(w.alignment[replicate, a, b])
            if abs(value) >= threshold:
                graph.add_edge(w.codes[a], w.codes[b], weight=value)
    return graph


def network_figure(model: TajikistanModel):
    """The alignment network as a matplotlib figure (blue: positive, red: negative, as in ``tajsim plot network``)."""
    import networkx as nx
    from matplotlib.figure import Figure

    graph = alignment_network(model)
    others = [code for code in model.codes if code != "TJK"]
    angles = np.linspace(0.0, 2 * np.pi, len(others), endpoint=False)
    pos = {code: (math.cos(a), math.sin(a)) for code, a in zip(others, angles)}
    pos["TJK"] = (0.0, 0.0)
    fig = Figure(figsize=(4.8, 4.2), dpi=80)
    ax = fig.add_subplot()
    nodes = list(graph.nodes)
    nx.draw_networkx_nodes(graph, pos, nodelist=nodes, ax=ax, node_size=[700 if n == "TJK" else 420 for n in nodes],
                           node_color=[style.colour(n) for n in nodes], alpha=0.55,
                           edgecolors="#555555")
    nx.draw_networkx_labels(graph, pos, ax=ax, font_size=7)
    edges = list(graph.edges(data="weight"))
    if edges:
        nx.draw_networkx_edges(
            graph, pos, ax=ax, edgelist=[(a, b) for a, b, _ in edges], connectionstyle="arc3,rad=0.12",
            width=[0.5 + 3.5 * abs(v) for _, _, v in edges], arrowsize=8, node_size=500,
            edge_color=["#2471a3" if v > 0 else "#c0392b" for _, _, v in edges], alpha=0.8)
    ax.set_title(f"Alignment, {current_month(model)}", fontsize=10)
    ax.set_axis_off()
    ax.set_xlim(-1.3, 1.3)
    ax.set_ylim(-1.3, 1.3)
    fig.tight_layout()
    return fig


def trajectories(model: TajikistanModel, partners=KEY_PARTNERS) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Months so far (as fractional years) and Tajikistan's alignment with each partner.

    Read from the DataCollector: ``dyads`` is ``[replicate, variable, actor]`` each month,
    variable 0 being how Tajikistan regards the partner.
    """
    data = model.datacollector.model_vars
    months = np.asarray(data.get("month", []), dtype=float)
    years = months / 12.0
    if not len(months):
        return years, {code: np.zeros(0) for code in partners if code in model.codes}
    dyads = np.stack(data["dyads"])  # month, replicate, variable, actor
    return years, {code: dyads[:, 0, 0, model.codes.index(code)].astype(float) for code in partners
                   if code in model.codes}


def trajectory_figure(model: TajikistanModel):
    """Tajikistan's alignment with its key partners so far, over the scenario's span."""
    from matplotlib.figure import Figure

    years, lines = trajectories(model)
    fig = Figure(figsize=(5.4, 3.4), dpi=80)
    ax = fig.add_subplot()
    for code, values in lines.items():
        ax.plot(years, values, label=code, color=_COLOURS.get(code), linewidth=1.4,
                marker="o" if len(years) < 3 else None, markersize=3)
    ax.axhline(0.0, color="#999999", linewidth=0.6)
    ax.set_xlim(model.plan.start / 12.0, (model.plan.end + 1) / 12.0)
    ax.set_ylim(-1.05, 1.05)
    ax.set_ylabel("Tajikistan's alignment with")
    ax.set_title(f"Trajectories to {current_month(model)}", fontsize=10)
    if lines:
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=7, frameon=False)
    fig.tight_layout()
    return fig


@functools.lru_cache(maxsize=1)
def _record_events() -> dict:
    try:
        from sim.record import load_events

        return {event.id: event for event in load_events()}
    except Exception:  # the record is context only: the table works without it
        return {}


def rule_note(rule: str) -> tuple[str, str]:
    """The rule column's id and the words behind it: a rule's quote, or the record event imposed."""
    if rule in RULES:
        return rule, RULES[rule].quote
    if rule.startswith("scheduled"):
        record = rule.partition(":")[2]
        event = _record_events().get(record)
        if event is not None:
            return rule, f"historical input reproducing {record}: {event.quote or event.summary} ({event.source})"
        return rule, "historical input of the scenario"
    return rule, ""


def latest_events(model: TajikistanModel, count: int = LATEST_EVENTS, replicate: int = 0) -> list[dict]:
    """The latest ``count`` events (newest first), each with its rule and the rule's quote."""
    cols = model.log.arrays()
    keep = np.flatnonzero(cols["replicate"] == replicate)[-count:][::-1]
    from sim.vocabulary import EVENT_TYPES

    rows = []
    for n in keep.tolist():
        summary, rule = model.log.texts[cols["text"][n]]
        rule_id, quote = rule_note(rule)
        rows.append({"date": format_month(int(cols["month"][n])), "actor": model.codes[cols["actor"][n]],
                     "target": model.codes[cols["target"][n]], "type": EVENT_TYPES[cols["type"][n]],
                     "summary": summary, "rule": rule_id, "quote": quote})
    return rows


def events_html(rows: list[dict]) -> str:
    """The latest events as an HTML table (escaped)."""
    if not rows:
        return "<p class='tajsim-events'>No events yet.</p>"
    e = html.escape
    cell = "style='vertical-align:top;padding:3px 6px;border-bottom:1px solid #ddd'"
    body = "".join(
        f"<tr><td {cell}>{e(r['date'])}</td>"
        f"<td {cell}><b>{e(r['actor'])}&rarr;{e(r['target'])}</b> {e(r['type'])}: {e(r['summary'])}</td>"
        f"<td {cell}><b>{e(r['rule'])}</b><br><i style='color:#555'>&ldquo;{e(r['quote'])}&rdquo;</i></td></tr>"
        if r["quote"] else
        f"<tr><td {cell}>{e(r['date'])}</td>"
        f"<td {cell}><b>{e(r['actor'])}&rarr;{e(r['target'])}</b> {e(r['type'])}: {e(r['summary'])}</td>"
        f"<td {cell}><b>{e(r['rule'])}</b></td></tr>"
        for r in rows)
    return ("<table class='tajsim-events' style='font-size:12px;border-collapse:collapse;width:100%'>"
            "<thead><tr><th align='left'>month</th><th align='left'>event</th><th align='left'>rule and its words</th>"
            f"</tr></thead><tbody>{body}</tbody></table>")


def status_lines(model: DashboardModel) -> list[str]:
    w = model.world
    segment = model.segment
    return [
        f"{model.simulated} of {model.months} months · period {segment.period or segment.name}",
        f"regime security {float(w.security[0]):.2f} · economy {float(w.economy[0]):.2f}",
        "settings: " + ", ".join(f"{k} {v:.4g}" if isinstance(v, float) else f"{k} {v}"
                                 for k, v in model.settings.items()),
    ]


# --- the SolaraViz app ------------------------------------------------------------------


def components():
    """The dashboard's SolaraViz components, each a function of the model."""
    import solara

    def MonthView(model):
        with solara.Column(gap="4px") as main:
            solara.HTML(tag="div", unsafe_innerHTML=f"Month <b>{html.escape(current_month(model))}</b>",
                        classes=["tajsim-month"], style="font-size:22px")
            for line in status_lines(model):
                solara.Text(line, style="font-size:13px")
            solara.Text(f"{model.plan.title or model.plan.name}", style="font-size:12px;color:#666")
        return main

    def NetworkView(model):
        figure = solara.use_memo(lambda: network_figure(model), [id(model), model.month])
        with solara.Div(classes=["tajsim-network"]) as main:
            solara.FigureMatplotlib(figure, dependencies=[id(model), model.month], format="png")
        return main

    def TrajectoryView(model):
        figure = solara.use_memo(lambda: trajectory_figure(model), [id(model), model.month])
        with solara.Div(classes=["tajsim-trajectories"]) as main:
            solara.FigureMatplotlib(figure, dependencies=[id(model), model.month], format="png")
        return main

    def EventsView(model):
        return solara.HTML(tag="div", unsafe_innerHTML=events_html(latest_events(model)),
                           style="max-height:100%;overflow:auto")

    return [(MonthView, 0), (NetworkView, 0), (TrajectoryView, 0), (EventsView, 0)]


def make_app(scenario: str | os.PathLike | None = None):
    """The dashboard page: a Solara component rendering Mesa's ``SolaraViz``.

    Each browser session gets its own :class:`DashboardModel` (one replicate of
    ``scenario``, the full replay by default); Reset rebuilds it from the inputs.
    """
    import solara
    from mesa.visualization import SolaraViz

    params = model_params(scenario)
    parts = components()
    path = scenario_path(scenario)
    name = f"tajsim · {path.stem}"

    @solara.component
    def Page():
        model = solara.use_memo(lambda: DashboardModel(**initial_settings(params)), [])
        return SolaraViz(model, components=parts, model_params=params, name=name, play_interval=150)

    return Page


def __getattr__(name: str):
    # ``solara run sim.dashboard:Page`` (see serve): the page of the scenario in SCENARIO_ENV
    if name == "Page":
        page = make_app(os.environ.get(SCENARIO_ENV) or None)
        globals()["Page"] = page
        return page
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# --- the page's JavaScript, offline ------------------------------------------------------


def solara_assets() -> tuple[Path, list[str]]:
    """Solara's asset cache folder and the npm packages (``name@version``) its page loads.

    Solara's page loads its JavaScript and CSS through the server's asset proxy
    (``/_solara/cdn/<package>@<version>/<file>``), which serves them from this folder and
    fetches what is missing from a public CDN. Where the CDN cannot be reached (CI), the
    folder must be filled beforehand: :func:`fetch_assets`. The packages are read off
    Solara's own page template, so a Solara upgrade that moves to new versions is followed.
    """
    import re

    import ipyvue
    import solara
    import solara.server.settings as settings

    vue3 = ipyvue.__version__.startswith("3")
    root = Path(solara.__file__).parent
    # the page itself, and the grid layout SolaraViz arranges the components in
    sources = [root / "server" / "templates" / "solara.html.j2",
               root / "widgets" / "vue" / ("gridlayout_v3.vue" if vue3 else "gridlayout.vue")]
    pattern = r"(?:\{\{cdn\}\}|\$\{this\.getCdn\(\)\})/((?:@[\w.-]+/)?[\w.-]+@\d[\w.+-]*)/"
    found = dict.fromkeys(name for source in sources if source.is_file()
                          for name in re.findall(pattern, source.read_text(encoding="utf-8")))
    packages = [name for name in found if ("solara-vuetify3-app@" in name) == vue3 or "solara-vuetify" not in name]
    if settings.assets.fontawesome_enabled:
        fontawesome = settings.assets.fontawesome_path.strip("/").split("/")[0]
        if "@" in fontawesome and fontawesome not in packages:
            packages.append(fontawesome)
    return Path(settings.assets.proxy_cache_dir), packages


def missing_assets() -> list[str]:
    """The packages of :func:`solara_assets` not yet in the cache folder."""
    cache, packages = solara_assets()
    return [name for name in packages if not (cache / name / "package.json").is_file()]


def fetch_assets(npm: str = "npm") -> list[str]:
    """Fill Solara's asset cache with the packages its page loads, from the npm registry.

    Uses ``npm pack`` (the registry's own client) and unpacks each package where Solara's
    proxy looks for it. Returns the packages fetched; those already there are kept.
    """
    import shutil
    import subprocess
    import tarfile
    import tempfile

    cache, _ = solara_assets()
    wanted = missing_assets()
    if not wanted:
        return []
    if shutil.which(npm) is None:
        raise RuntimeError(f"{npm} not found: needed to fetch Solara's page assets ({', '.join(wanted)})")
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="tajsim-assets-") as scratch:
        done = subprocess.run([npm, "pack", "--silent", "--json", *wanted], cwd=scratch, check=True,
                              capture_output=True, text=True, timeout=600)
        import json

        tarballs = {f"{item['name']}@{item['version']}": Path(scratch) / item["filename"]
                    for item in json.loads(done.stdout)}
        for name in wanted:
            tarball = tarballs[name]
            unpacked = Path(scratch) / "unpacked" / tarball.stem
            with tarfile.open(tarball) as archive:
                archive.extractall(unpacked, filter="data")
            target = cache / name
            staging = cache / f".{name.replace('/', '_')}.partial"
            shutil.rmtree(staging, ignore_errors=True)
            staging.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(unpacked / "package"), staging)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.rmtree(target, ignore_errors=True)
            staging.rename(target)
    return wanted


# --- serving ----------------------------------------------------------------------------


def solara_args(port: int = 8765, host: str = "127.0.0.1") -> list[str]:
    """Arguments of ``solara run`` for the dashboard: production mode, no browser, no version check."""
    return ["sim.dashboard:Page", "--host", host, "--port", str(port), "--production", "--no-open",
            "--no-check-version", "--log-level", "warning"]


def serve(scenario: str | os.PathLike | None = None, port: int = 8765, host: str = "127.0.0.1") -> int:
    """Serve the dashboard with Solara's server (uvicorn) until interrupted; blocks.

    Runs ``solara run sim.dashboard:Page`` in this process, with the scenario passed in
    ``TAJSIM_DASHBOARD_SCENARIO`` and Solara's telemetry off.
    """
    path = scenario_path(scenario)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such scenario file")
    load_scenario(path)  # a bad file is one line here, not a traceback in the server
    os.environ[SCENARIO_ENV] = str(path)
    os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")
    try:
        from solara.__main__ import run as solara_run
        import mesa.visualization  # noqa: F401  (fail here, with the hint below, if missing)
    except ImportError as error:
        raise ImportError(f"the dashboard needs Solara ({error}): pip install -e '.[dashboard]'") from None
    import warnings

    # Solara warns on every page load that a samesite=none cookie needs https: on localhost it
    # falls back to samesite=lax, which is right here
    warnings.filterwarnings("ignore", message="Cookies with samesite=none require https")
    if port == 0:
        import socket

        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.bind((host, 0))
            port = probe.getsockname()[1]
    missing = missing_assets()
    if missing:
        print(f"tajsim dashboard: Solara's page assets are not cached ({', '.join(missing)}); the server fetches "
              "them from a public CDN on first load. Offline, run `tajsim dashboard --fetch-assets` first "
              "(npm registry).", file=sys.stderr, flush=True)
    print(f"tajsim dashboard: {path.name} at http://{host}:{port}/ (Ctrl-C to stop)", flush=True)
    import click

    try:
        solara_run.main(args=solara_args(port, host), prog_name="tajsim dashboard", standalone_mode=False)
    except (KeyboardInterrupt, click.exceptions.Abort):  # Ctrl-C: click turns it into Abort
        print("tajsim dashboard: stopped", file=sys.stderr)
    return 0


def add_commands(subparsers) -> None:
    """Register ``dashboard [SCENARIO] [--port N] [--host H]`` on the ``tajsim`` parser."""
    p = subparsers.add_parser("dashboard", help="serve an interactive dashboard of a scenario on localhost")
    p.add_argument("scenario", nargs="?", help="scenario file (default: scenarios/full_replay.yaml)")
    p.add_argument("--port", type=int, default=8765, help="port (default 8765)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1, this machine only)")
    p.add_argument("--fetch-assets", action="store_true",
                   help="fetch the page's JavaScript from the npm registry into Solara's cache (for offline use), and exit")
    p.set_defaults(func=cmd_dashboard)


def cmd_dashboard(args: argparse.Namespace) -> int:
    from sim.cli import UsageError

    if args.fetch_assets:
        try:
            fetched = fetch_assets()
        except ImportError as error:
            raise UsageError(f"the dashboard needs Solara ({error}): pip install -e '.[dashboard]'") from None
        except (RuntimeError, OSError) as error:
            raise UsageError(f"--fetch-assets: {error}") from None
        except Exception as error:  # npm failing: CalledProcessError, TimeoutExpired
            detail = getattr(error, "stderr", "") or ""
            raise UsageError(f"--fetch-assets: {error} {detail.strip()[-300:]}".strip()) from None
        cache, packages = solara_assets()
        print(f"fetched {', '.join(fetched)} into {cache}" if fetched else f"{', '.join(packages)}: already in {cache}")
        return 0
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port: must be 0..65535, got {args.port}")
    if args.scenario and not Path(args.scenario).is_file():
        raise UsageError(f"{args.scenario}: no such scenario file")
    try:
        return serve(args.scenario, port=args.port, host=args.host)
    except ImportError as error:
        raise UsageError(str(error)) from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sim.dashboard", description="Serve the tajsim dashboard.")
    add_commands(parser.add_subparsers(dest="command", required=False))
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(["dashboard", *argv])
    from sim.cli import UsageError
    from sim.scenario import ScenarioError

    try:
        return args.func(args)
    except (UsageError, ScenarioError) as error:
        print(f"tajsim: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
