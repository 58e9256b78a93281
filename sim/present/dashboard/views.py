"""What the dashboard's components show, as plain functions of the model (testable without a browser)."""

from __future__ import annotations

import functools
import html
import math

import numpy as np

from sim.core.model import TajikistanModel
from sim.core.rules import RULES
from sim.months import format_month
from sim.present import style
from sim.present.dashboard.model import SLIDER_PARAMETERS, DashboardModel

#: Partners whose alignment with Tajikistan the trajectory chart follows (those in the scenario).
KEY_PARTNERS = ("RUS", "UZB", "CHN", "USA", "IRN", "AFG", "KGZ")

#: How many of the latest events the events table shows.
LATEST_EVENTS = 12

_COLOURS = style.COLOURS  # the same colour per country as in every figure


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
    for number in range(len(w.codes)):
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

    Read from the model's DataCollector, whose frame has a column ``alignment_TJK_<partner>``
    per state (the mean over replicates; the dashboard runs one).
    """
    frame = model.datacollector.get_model_vars_dataframe()
    years = frame["month"].to_numpy(dtype=float) / 12.0 if len(frame) else np.zeros(0)
    return years, {code: (frame[f"alignment_TJK_{code}"].to_numpy(dtype=float) if len(frame) else np.zeros(0))
                   for code in partners if code in model.codes}


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


def _decimals(step: float) -> int:
    """Decimals of a slider's step as the browser's slider counts them (``0.05`` -> 2)."""
    text = repr(float(step))
    return len(text.partition(".")[2].rstrip("0")) if "." in text and "e" not in text else 0


def _values(values: list[float]) -> str:
    low, high = min(values), max(values)
    return f"{low:.4g}" if low == high else f"{low:.4g}-{high:.4g} by period"


def input_label(name: str, spec: dict, value) -> str:
    """An input's label with its value read out, as the page shows it beside the slider.

    A parameter factor reads ``Pull gain ×1.00 = 1.236``: the factor and the value it gives
    (the scenario's own values times the factor; a range where the periods differ).
    """
    label = spec.get("label", name)
    kind = spec.get("type")
    if kind == "SliderInt":
        return f"{label}: {int(value)}"
    if kind != "SliderFloat":
        return label
    factor = f"×{float(value):.{_decimals(spec['step'])}f}"
    if "scenario" in spec:
        return f"{label} {factor} = {_values([v * float(value) for v in spec['scenario']])}"
    return f"{label} {factor}"


def status_lines(model: DashboardModel) -> list[str]:
    """The month's progress, Tajikistan's state, and the settings the run has (this period's parameters)."""
    w = model.world
    segment = model.segment
    settings = model.settings
    return [
        f"{model.simulated} of {model.months} months · period {segment.period or segment.name}",
        f"regime security {float(w.security[0]):.2f} · economy {float(w.economy[0]):.2f}",
        "this period: " + " · ".join(f"{name.replace('_', ' ')} {float(getattr(model.parameters, name)):.4g}"
                                     for name in SLIDER_PARAMETERS),
        f"seed {settings['seed']} · {settings['rule']} weight ×{settings['rule_weight']:.4g}",
    ]
