"""Figures from saved results (``tajsim plot ...``): matplotlib, never re-running the model.

Every figure uses the same colour for the same country (:mod:`sim.present.style`), readable country
names, the periods of the run marked, and a title that says which scenario and seed. The file
type follows the suffix of the output path (``.png`` or ``.svg``). Figures are built with the
object-oriented API (``matplotlib.figure.Figure``), so no global plotting state is touched.
"""

from __future__ import annotations

import io
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

from sim.experiments.summarise import half_width
from sim.files import atomic_write
from sim.months import format_month, parse_month
from sim.present import style
from sim.present.saved import ResultsError, SavedExperiment, SavedRun
from sim.record.items import load_events
from sim.vocabulary import EVENT_TYPES

MEANINGS = {
    "alignment": "alignment (how the first regards the second, −1..1)",
    "aid": "aid flow to Tajikistan",
    "pressure": "pressure on Tajikistan",
    "dependence": "share of Tajikistan's outside support",
    "security": "regime security (0..1)",
    "economy": "economy (0..1)",
}


def _colours(name: str) -> list:
    """The colours of one of matplotlib's qualitative palettes."""
    palette = colormaps[name]
    assert isinstance(palette, ListedColormap)
    return list(np.asarray(palette.colors))


def _save(fig: Figure, out: str | Path) -> Path:
    out = Path(out)
    if out.suffix.lower() not in (".png", ".svg"):
        raise ResultsError(f"{out}: --out must end in .png or .svg")
    out.parent.mkdir(parents=True, exist_ok=True)
    image = io.BytesIO()
    fig.savefig(image, format=out.suffix.lower()[1:], dpi=110, bbox_inches="tight")
    atomic_write(out, image.getvalue())
    return out


def _dates(months) -> np.ndarray:
    """Month numbers as fractional years, for a readable time axis."""
    return np.asarray(months, dtype=float) / 12.0


#: Height of a row of period names above the axes, and the gap between names, in points.
PERIOD_ROW = 11.0
PERIOD_GAP = 6.0


def _mark_periods(ax, run: SavedRun) -> float:
    """Shade every other period, and name each above the axes over a bracket spanning the period.

    The brackets run in one line along the top of the axes, marking where each period begins
    and ends; the names sit in rows above them, out of the data's way. Each name is centred over
    its period (pulled in at the axes' ends) and takes the lowest row where it overlaps no other
    name, so the short periods (independence, post-war, navigating) never print over each other.
    Call it once the x-axis limits are final. Returns the height the brackets and names take
    above the axes, in points, for the title's padding.
    """
    from matplotlib.transforms import offset_copy

    fig = ax.figure
    ax.get_xlim()  # settle autoscaled limits before placing by them
    left, right = ax.get_window_extent().intervalx
    gap = PERIOD_GAP * fig.dpi / 72.0
    cap = 2.5 * fig.dpi / 72.0 / ax.get_window_extent().height  # the brackets' ends, in axes height
    bracket = offset_copy(ax.get_xaxis_transform(), fig=fig, y=3.0, units="points")
    taken: list[list[tuple[float, float]]] = []
    for number, (period, start, end) in enumerate(run.periods):
        if number % 2:
            ax.axvspan(start / 12.0, (end + 1) / 12.0, color="#eef0f2", zorder=0)
        ax.plot([start / 12.0 + 0.02, start / 12.0 + 0.02, (end + 1) / 12.0 - 0.02, (end + 1) / 12.0 - 0.02],
                [1.0 - cap, 1.0, 1.0, 1.0 - cap], transform=bracket, color="#888888", linewidth=0.8, clip_on=False)
        text = ax.text(0.0, 1.0, style.PERIOD_LABELS.get(period, period), ha="center", va="bottom", fontsize=8,
                       color="#555555", clip_on=False, gid="period")
        width = text.get_window_extent().width
        middle = ax.transData.transform(((start + end + 1) / 24.0, 0.0))[0]
        middle = min(max(middle, left + width / 2), right - width / 2)
        low, high = middle - width / 2, middle + width / 2
        row = next((n for n, spans in enumerate(taken) if all(high + gap <= a or low >= b + gap for a, b in spans)),
                   len(taken))
        if row == len(taken):
            taken.append([])
        taken[row].append((low, high))
        text.set_transform(offset_copy(ax.get_xaxis_transform(), fig=fig, y=5.0 + PERIOD_ROW * row, units="points"))
        text.set_x(ax.transData.inverted().transform((middle, 0.0))[0])
    return 5.0 + PERIOD_ROW * len(taken)


def parse_pairs(text: str) -> list[tuple[str, str]]:
    """``TJK-RUS,TJK-UZB`` -> [("TJK", "RUS"), ("TJK", "UZB")]."""
    pairs = []
    for item in filter(None, (part.strip() for part in text.split(","))):
        parts = item.split("-")
        if len(parts) != 2 or not all(parts):
            raise ResultsError(f"--pairs: expected pairs like TJK-RUS, got {item!r}")
        pairs.append((parts[0].upper(), parts[1].upper()))
    if not pairs:
        raise ResultsError("--pairs: name at least one pair, like TJK-RUS")
    return pairs


def trajectories(run: SavedRun, pairs: list[tuple[str, str]], out: str | Path, variable: str = "alignment",
                 overlay=None) -> Path:
    """A variable over time for each pair; ensemble median with a 5-95% band; record events as ticks.

    ``overlay``: optional ``{(actor, target): DataFrame[year, value]}`` drawn as points (the UNGA
    record mapped through the observation model, where calibration provides it).
    """
    table = run.summary
    fig = Figure(figsize=(11, 5.5))
    ax = fig.subplots()
    record = load_events()
    shown = 0
    for actor, target in pairs:
        rows = table[(table["variable"] == variable) & (table["actor"] == actor) & (table["target"] == target)]
        if rows.empty:
            continue
        shown += 1
        x = _dates(rows["date"].map(parse_month))
        c = style.colour(target if actor == "TJK" else actor)
        dash = "-" if actor == "TJK" or target != "TJK" else "--"  # the partner's view of Tajikistan is dashed
        label = style.pair_label(actor, target)
        if run.ensemble:
            ax.fill_between(x, rows["q05"], rows["q95"], color=c, alpha=0.18, linewidth=0)
            ax.plot(x, rows["q50"], color=c, linewidth=1.8, linestyle=dash, label=f"{label} (median, 5–95%)")
        else:
            ax.plot(x, rows["mean"], color=c, linewidth=1.6, linestyle=dash, label=label)
        ticks = [e for e in record if {e.actor, e.target} == {actor, target}]
        for event in ticks:
            low, high = event.window
            ax.plot([(low + high + 1) / 24.0] * 2, [0.0, 0.035], transform=ax.get_xaxis_transform(), color=c,
                    linewidth=1.5, solid_capstyle="butt")
        if overlay and (actor, target) in overlay:
            points = overlay[(actor, target)]
            ax.scatter(points["year"] + 0.5, points["value"], color=c, marker="D", s=16, zorder=5,
                       edgecolor="white", linewidth=0.5)
    if not shown:
        raise ResultsError(f"{run.folder}: no {variable} series for {', '.join(f'{a}-{t}' for a, t in pairs)}")
    if variable == "alignment":
        ax.axhline(0, color="#999999", linewidth=0.8)
        ax.set_ylim(-1.05, 1.05)
    ax.set_ylabel(MEANINGS.get(variable, variable))
    ax.set_xlabel("year  (ticks at the bottom: dated events of the record between the pair)")
    ax.grid(alpha=0.25)
    handles, labels = ax.get_legend_handles_labels()
    if overlay:
        handles.append(Line2D([], [], marker="D", linestyle="", color="#555555"))
        labels.append("UNGA record through the observation model")
    ax.legend(handles, labels, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=3, frameon=False)
    if run.periods:  # the run's span, not the record's or the UNGA series' (they go on past a short run)
        ax.set_xlim(run.periods[0][1] / 12.0, (run.periods[-1][2] + 1) / 12.0)
    names = _mark_periods(ax, run)
    meaning = MEANINGS.get(variable, variable).split(" (")[0]
    ax.set_title(f"{run.title}\n{meaning[:1].upper()}{meaning[1:]} over time", fontsize=11, pad=6.0 + names)
    return _save(fig, out)


def unga_overlay(pairs: list[tuple[str, str]], variable: str = "alignment") -> dict | None:
    """The UNGA record as latent alignment, through the calibrated observation model.

    Each year's agreement with partner p is mapped back to the alignment TJK -> p at which the
    observation model predicts it (``(agreement - a_p) / b``, clipped to [-1, 1]). ``None``
    where there is no calibrated observation model or nothing to show.
    """
    import yaml

    from sim.paths import calibrated_params
    from sim.record.observation import agreement_path

    if variable != "alignment" or not calibrated_params().is_file() or not agreement_path().is_file():
        return None
    observation = (yaml.safe_load(calibrated_params().read_text(encoding="utf-8")) or {}).get("observation") or {}
    slope = float(observation.get("slope") or 0.0)
    if slope <= 0:
        return None
    table = pd.read_csv(agreement_path())
    table = table[table["n"] >= int(observation.get("min_n", 1))]
    overlay = {}
    for actor, target in pairs:
        intercept = observation.get("intercept", {}).get(target)
        if actor != "TJK" or intercept is None or target not in observation.get("modelled", []):
            continue
        rows = table[table["partner"] == target]
        latent = np.clip((rows["agreement"].to_numpy() - intercept) / slope, -1.0, 1.0)
        overlay[(actor, target)] = pd.DataFrame({"year": rows["year"].to_numpy(), "value": latent})
    return overlay or None


def alignment_network(run: SavedRun, date: str) -> nx.DiGraph:
    """The signed, weighted alignment network at a month (ensemble mean where there are replicates)."""
    month = parse_month(date)
    table = run.summary
    rows = table[(table["variable"] == "alignment") & (table["date"] == format_month(month))]
    if rows.empty:
        raise ResultsError(f"{run.folder}: no alignment recorded for {date} (the run covers "
                           f"{table['date'].min()}..{table['date'].max()})")
    weights = rows.groupby(["actor", "target"])["mean"].mean()
    graph = nx.DiGraph(date=format_month(month))
    for (actor, target), weight in weights.items():
        graph.add_node(actor)
        graph.add_node(target)
        graph.add_edge(actor, target, weight=float(weight))
    return graph


def network(run: SavedRun, date: str, out: str | Path, threshold: float = 0.05) -> Path:
    """The alignment network at a month: edge colour is the sign, width the strength."""
    graph = alignment_network(run, date)
    codes = [c for c in style.COLOURS if c in graph]
    ring = [c for c in codes if c != "TJK"]
    angles = np.linspace(0, 2 * np.pi, len(ring), endpoint=False) + np.pi / 2
    position = {code: (np.cos(a), np.sin(a)) for code, a in zip(ring, angles)}
    position["TJK"] = (0.0, 0.0)
    fig = Figure(figsize=(8.5, 8.5))
    ax = fig.subplots()
    edges = [(a, b, d["weight"]) for a, b, d in graph.edges(data=True) if abs(d["weight"]) >= threshold]
    for actor, target, weight in edges:
        colour = "#2471a3" if weight > 0 else "#c0392b"
        ax.annotate("", xy=position[target], xytext=position[actor],
                    arrowprops=dict(arrowstyle="-|>", color=colour, lw=0.5 + 4.5 * abs(weight), alpha=0.75,
                                    shrinkA=14, shrinkB=14, connectionstyle="arc3,rad=0.12"))
    for code in codes:
        x, y = position[code]
        ax.scatter([x], [y], s=900 if code == "TJK" else 420, color=style.colour(code), zorder=3, edgecolor="white")
        if code == "TJK":
            ax.text(x, y - 0.13, style.name(code), ha="center", va="top", fontsize=9, fontweight="bold")
        else:  # outside the ring, so that each name sits by its own node
            ax.text(1.17 * x, 1.17 * y, style.name(code), fontsize=9, va="center",
                    ha="left" if x > 0.15 else "right" if x < -0.15 else "center")
    ax.set_xlim(-1.6, 1.6)
    ax.set_ylim(-1.35, 1.35)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.legend([Line2D([], [], color="#2471a3", lw=3), Line2D([], [], color="#c0392b", lw=3)],
              ["positive regard (arrow: who regards whom)", "negative regard"], loc="lower center", fontsize=8,
              ncol=2, frameon=False)
    mean = " (ensemble mean)" if run.ensemble else ""
    ax.set_title(f"{run.title}\nAlignment network, {graph.graph['date']}{mean}; |weight| ≥ {threshold}", fontsize=11)
    return _save(fig, out)


def timeline(run: SavedRun, out: str | Path, most: int = 18) -> Path:
    """Simulated events against the record's, by pair of actors (the first replicate of an ensemble, as titled)."""
    events = run.first_events
    numbers = run.replicate_numbers
    which = f", replicate {numbers[0]} of {len(numbers)}" if run.ensemble else ""
    start, end = run.periods[0][1], run.periods[-1][2]
    record = [e for e in load_events() if start <= e.month <= end]
    def pair(a, b):
        return tuple(sorted((a, b), key=lambda c: (c != "TJK", c)))
    counts: dict[tuple[str, str], int] = {}
    for a, b in zip(events["actor"], events["target"]):
        counts[pair(a, b)] = counts.get(pair(a, b), 0) + 1
    for e in record:
        counts[pair(e.actor, e.target)] = counts.get(pair(e.actor, e.target), 0) + 1
    rows = sorted(counts, key=lambda p: (-counts[p], p))[:most]
    if not rows:
        raise ResultsError(f"{run.folder}: no events to show")
    y_of = {p: n for n, p in enumerate(reversed(rows))}
    types = {t: n for n, t in enumerate(EVENT_TYPES)}
    palette = _colours("tab20")  # event types, deliberately not the countries' colours
    fig = Figure(figsize=(12, 0.42 * len(rows) + 2.2))
    ax = fig.subplots()
    sim_months = np.array([parse_month(d) for d in events["date"].astype(str)], dtype=int)
    keys = [pair(a, b) for a, b in zip(events["actor"], events["target"])]
    for kind in EVENT_TYPES:
        chosen = [(m, y_of[k]) for m, k, t in zip(sim_months, keys, events["type"]) if t == kind and k in y_of]
        if chosen:
            xs, ys = zip(*chosen)
            ax.scatter(_dates(xs), np.array(ys) + 0.12, s=18, color=palette[types[kind] % len(palette)], label=kind,
                       alpha=0.85, linewidth=0)
    rec = [((e.window[0] + e.window[1] + 1) / 24.0, y_of[pair(e.actor, e.target)]) for e in record
           if pair(e.actor, e.target) in y_of]
    if rec:
        xs, ys = zip(*rec)
        ax.scatter(xs, np.array(ys) - 0.18, marker="D", s=22, facecolor="none", edgecolor="#111111", linewidth=1,
                   label="record (text or public source)")
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels([f"{style.name(a)} – {style.name(b)}" for a, b in reversed(rows)], fontsize=8)
    ax.set_ylim(-0.6, len(rows) - 0.4)
    ax.set_xlim(start / 12.0, (end + 1) / 12.0)
    names = _mark_periods(ax, run)
    ax.grid(axis="x", alpha=0.25)
    ax.set_xlabel("year   (dots: simulated events by type, upper row of each pair; ◇ record events, lower row)")
    ax.legend(fontsize=7, ncol=8, loc="upper center", bbox_to_anchor=(0.5, -0.07), frameon=False)
    ax.set_title(f"{run.title}\nSimulated events{which} against the record, by pair", fontsize=11, pad=6.0 + names)
    return _save(fig, out)


def counterfactual(experiment: SavedExperiment, out: str | Path, outcomes: list[str] | None = None) -> Path:
    """Each arm's effect over time: mean paired difference from the baseline with a 95% interval.

    Replicate k of an arm is compared with replicate k of the baseline (common random numbers);
    the dotted line marks the first month the arm diverges from the baseline (``summary.csv``).
    """
    results = experiment.results
    arms = [a for a in dict.fromkeys(results["arm"]) if a != "baseline"]
    if not arms:
        raise ResultsError(f"{experiment.folder}: no arms besides the baseline to compare")
    names = outcomes or list(dict.fromkeys(results["outcome"]))
    unknown = [n for n in names if n not in set(results["outcome"])]
    if unknown:
        raise ResultsError(f"--outcome: {', '.join(unknown)} not among {', '.join(dict.fromkeys(results['outcome']))}")
    titles = experiment.arm_titles()
    summary = experiment.summary
    palette = _colours("tab10")
    fig = Figure(figsize=(11, 3.0 * len(names) + 1.2), layout="constrained")  # room for the legend at any height
    axes = np.atleast_1d(fig.subplots(len(names), 1, sharex=True))
    for ax, name in zip(axes, names):
        rows = results[results["outcome"] == name]
        wide = rows.pivot_table(index=["replicate", "date"], columns="arm", values="value")
        for number, arm in enumerate(arms):
            difference = (wide[arm] - wide["baseline"]).unstack("date")  # replicate x month
            mean = difference.mean(axis=0)
            half = np.nan_to_num(half_width(difference.to_numpy()))  # the interval summary.csv gives
            x = _dates(difference.columns.map(parse_month))
            colour = palette[number % len(palette)]
            ax.fill_between(x, mean - half, mean + half, color=colour, alpha=0.2, linewidth=0)
            ax.plot(x, mean, color=colour, linewidth=1.7, label=titles.get(arm, arm))
            found = summary[(summary["arm"] == arm) & (summary["outcome"] == name)]
            if len(found) and isinstance(found["diverges_from"].iloc[0], str):
                ax.axvline(parse_month(found["diverges_from"].iloc[0]) / 12.0, color=colour, linestyle=":", linewidth=1)
        ax.axhline(0, color="#777777", linewidth=0.8)
        ax.set_ylabel(f"{name}\n(arm − baseline)", fontsize=9)
        ax.grid(alpha=0.25)
    axes[-1].set_xlabel("year   (band: 95% t-interval of the mean paired difference; dotted: first divergence)")
    fig.suptitle(f"{experiment.title}\nEffect of each arm against the baseline, over time", fontsize=11)
    fig.legend(*axes[0].get_legend_handles_labels(), fontsize=8, loc="outside lower center", ncol=2, frameon=False)
    return _save(fig, out)


def sensitivity(experiment: SavedExperiment, out: str | Path) -> Path:
    """Sensitivity indices per outcome and factor, with their confidence intervals."""
    table = experiment.sensitivity
    method = table["method"].iloc[0] if len(table) else ""
    main, conf, label = {"morris": ("mu_star", "mu_star_conf", "Morris μ* (mean |elementary effect|)"),
                         "sobol": ("ST", "ST_conf", "Sobol total-order index ST"),
                         }.get(method, ("spearman_rho", None, "Spearman rank correlation with the factor"))
    outcomes = list(dict.fromkeys(table["outcome"]))
    factors = [f for f in dict.fromkeys(table["factor"]) if f != "(seed)" and "*" not in f]
    if not outcomes or not factors:
        raise ResultsError(f"{experiment.folder}: sensitivity.csv has no factors to show")
    fig = Figure(figsize=(4.2 * len(outcomes) + 1, 0.55 * len(factors) + 2.4))
    axes = np.atleast_1d(fig.subplots(1, len(outcomes), sharey=True))
    for ax, outcome in zip(axes, outcomes):
        rows = table[table["outcome"] == outcome]
        value = rows[rows["measure"] == main].set_index("factor")["value"].reindex(factors)
        error = rows[rows["measure"] == conf].set_index("factor")["value"].reindex(factors) if conf else None
        y = np.arange(len(factors))
        ax.barh(y, value.fillna(0.0), xerr=None if error is None else error.fillna(0.0), color="#5d6d7e",
                error_kw={"ecolor": "#222222", "capsize": 3})
        seed_share = rows[(rows["factor"] == "(seed)") & (rows["measure"] == "seed_share")]["value"]
        note = f"\nseed's share of variance: {seed_share.iloc[0]:.1%}" if len(seed_share) else ""
        ax.set_title(f"{outcome}{note}", fontsize=9)
        ax.axvline(0, color="#777777", linewidth=0.8)
        ax.grid(axis="x", alpha=0.25)
        ax.set_xlabel(label, fontsize=8)
        ax.xaxis.set_major_locator(MaxNLocator(4))
    axes[0].set_yticks(np.arange(len(factors)))
    axes[0].set_yticklabels([f.replace("parameter.", "").replace("rule.", "rule ").replace("actor.", "") for f in factors],
                            fontsize=8)
    axes[0].invert_yaxis()
    fig.suptitle(f"{experiment.title}\nGlobal sensitivity ({method}); bars: 95% confidence", fontsize=11, y=1.08)
    return _save(fig, out)


#: The comparison's headline metrics, per period: the model's event scores each beside its
#: baselines, then the facts (runs written before the baselines lack their columns).
SUMMARY_METRICS = ("event_recall", "event_recall_random", "event_recall_base_rate",
                   "event_precision", "event_precision_random", "event_precision_base_rate", "facts_passed")


def summary_frame(run: SavedRun) -> pd.DataFrame:
    """Per period: event recall and precision beside their baselines, and the share of facts
    passed (for reports); one column per :data:`SUMMARY_METRICS` the run's comparison holds."""
    table = run.comparison
    wide = table[table["metric"].isin(SUMMARY_METRICS)]
    frame = wide.pivot(index="period", columns="metric", values="value").reindex(list(dict.fromkeys(table["period"])))
    return frame[[m for m in SUMMARY_METRICS if m in frame.columns]]
