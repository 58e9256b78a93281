"""One self-contained HTML page about a run (``tajsim report DIR --out FILE.html``).

The page needs nothing but itself: figures are embedded as PNG data, styles are inline. It
shows the scenario, how each period compares with the record (event recall and precision,
the stylized facts passed or failed), the UNGA fit where calibration has one, the figures, and
every event with the rule that produced it and the rule's quote. It says which replicates each
part is drawn from: for an ensemble, the comparison pools them all and the event table holds
the first replicate, with every replicate's event count beside it. With ``--attribution DIR``
(repeatable) it also shows what the levers explain of an outcome (``tajsim attribute``): the
figure of :mod:`sim.present.attribution` and the table.
"""

from __future__ import annotations

import base64
import html
import json
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from sim.core.rules import RULES
from sim.files import atomic_write
from sim.paths import project_root
from sim.present import plots, style
from sim.present.saved import ResultsError, SavedAttribution, SavedRun

KEY_PAIRS = [("TJK", "RUS"), ("RUS", "TJK"), ("TJK", "UZB"), ("TJK", "CHN"), ("TJK", "USA"), ("TJK", "IRN")]

CSS = """
body { font-family: system-ui, -apple-system, Segoe UI, sans-serif; margin: 2rem auto; max-width: 1150px;
       color: #222; line-height: 1.45; padding: 0 1rem; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; font-size: 0.85rem; margin: 0.5rem 0; }
th, td { border: 1px solid #ddd; padding: 0.25rem 0.5rem; vertical-align: top; text-align: left; }
th { background: #f4f6f7; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.pass { color: #1e8449; font-weight: 600; } .fail { color: #c0392b; font-weight: 600; }
.quote { color: #555; font-style: italic; } img { max-width: 100%; border: 1px solid #eee; margin: 0.5rem 0; }
.meta { color: #555; font-size: 0.85rem; }
"""


def _e(value) -> str:
    return html.escape(str(value))


def _img(path: Path, alt: str) -> str:
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return f'<img alt="{_e(alt)}" src="data:image/png;base64,{data}">'


def _summary(run: SavedRun) -> str:
    frame = plots.summary_frame(run)
    rows = []
    for period, row in frame.iterrows():
        cells = "".join(
            f'<td class="num">{row[m]:.2f}</td>' if m in row and pd.notna(row[m]) else "<td>–</td>"
            for m in plots.SUMMARY_METRICS)
        rows.append(f"<tr><td>{_e(style.PERIOD_LABELS.get(period, period))}</td>{cells}</tr>")
    return ("<table><tr><th rowspan=2>period</th><th colspan=3>event recall</th><th colspan=3>event precision</th>"
            "<th rowspan=2>facts passed</th></tr>"
            "<tr>" + "<th>model</th><th>random timing</th><th>base rate</th>" * 2 + "</tr>"
            + "".join(rows) + "</table>"
            + '<p class="meta">Baselines: random timing moves the run\'s own events to random months of their '
              "period; base rate draws events each month at each event key's (type, actor, target, lever squeezed) "
              "monthly rate in the run's "
              "training years (comparison.csv says which, and how many draws).</p>")


def _facts(run: SavedRun) -> str:
    table = run.comparison
    facts = table[table["metric"].str.startswith("fact:")]
    rows = []
    for row in facts.itertuples():
        verdict = ("pass" if row.value >= 0.5 else "fail") if run.manifest.get("replicates", 1) > 1 else (
            "pass" if row.value == 1 else "fail")
        share = f"{row.value:.0%}" if run.manifest.get("replicates", 1) > 1 else ("passed" if row.value == 1 else "failed")
        period = style.PERIOD_LABELS.get(row.period, row.period)
        rows.append(f'<tr><td>{_e(period)}</td><td>{_e(row.metric[5:])}</td><td>{_e(row.detail)}</td>'
                    f'<td class="{verdict}">{share}</td></tr>')
    return ("<table><tr><th>period</th><th>fact</th><th>statement [window]</th><th>shown</th></tr>"
            + "".join(rows) + "</table>")


def _unga() -> str:
    path = project_root() / "calibration" / "report.json"
    if not path.is_file():
        return "<p>No calibration report yet (<code>tajsim calibrate</code> writes one).</p>"
    report = json.loads(path.read_text(encoding="utf-8"))
    rows = []
    for part in ("train", "test"):
        scores = report.get(part, {})
        cells = "".join(f'<td class="num">{scores[k]:.3f}</td>' if isinstance(scores.get(k), (int, float)) else "<td>–</td>"
                        for k in ("mae", "rmse", "pearson", "mae_persistence", "mae_climatology", "skill_vs_persistence"))
        rows.append(f"<tr><td>{part}</td>{cells}</tr>")
    return ("<p>Tajikistan's yearly UN General Assembly voting agreement with each partner, predicted through the "
            "observation model of the calibrated model (<code>calibration/report.json</code>).</p>"
            "<table><tr><th></th><th>MAE</th><th>RMSE</th><th>Pearson</th><th>MAE persistence</th>"
            "<th>MAE climatology</th><th>skill vs persistence</th></tr>" + "".join(rows) + "</table>")


def _span(numbers: list[int]) -> str:
    return f"replicate {numbers[0]}" if len(numbers) == 1 else f"replicates {numbers[0]}–{numbers[-1]}"


def _what_the_tables_hold(run: SavedRun) -> str:
    """One paragraph saying which replicates each table and figure is drawn from."""
    numbers = run.replicate_numbers
    if len(numbers) == 1:
        return f"<p class='meta'>Every table and figure shows the run's one replicate ({_span(numbers)}).</p>"
    return (f"<p class='meta'>Which replicates: the comparison and the stylized facts are means and shares over all "
            f"{len(numbers)} replicates ({_span(numbers)}); the trajectories show their median and 5–95% band, the "
            f"networks their mean; the timeline and the events table show <b>replicate {numbers[0]} alone, one of "
            f"the {len(numbers)}</b> (the event counts of every replicate are under the table).</p>")


def _event_counts(run: SavedRun, numbers: list[int]) -> str:
    """Events per replicate: their spread in one line, and every replicate's count in a fold."""
    events = run.events
    counts = events.groupby("replicate").size().reindex(numbers, fill_value=0)
    every = " · ".join(f"{number}: {count}" for number, count in counts.items())
    return (f"<p class='meta'>Events per replicate, over all {len(numbers)}: median {counts.median():g}, "
            f"range {counts.min()}–{counts.max()}.</p>"
            f"<details class='meta'><summary>Every replicate's count</summary><p>{every}</p></details>")


def _events(run: SavedRun, most: int = 400) -> str:
    numbers = run.replicate_numbers
    counts = _event_counts(run, numbers) if run.ensemble else ""
    events = run.first_events
    rows = []
    for row in events.head(most).itertuples():
        rule = RULES.get(row.rule)
        if rule and rule.speaks_of(row.actor):
            quote = f'<span class="quote">“{_e(rule.quote)}” ({_e(rule.source)})</span>'
        elif rule:  # the rule's sentence speaks of another actor: say whose act the rule generalises
            quote = f'<span class="meta">{_e(rule.summary)} ({_e(rule.source)}; its quote speaks of others)</span>'
        else:
            quote = "imposed historical input" if str(row.rule).startswith("scheduled") else ""
        rows.append(f"<tr><td>{_e(row.date)}</td><td>{_e(style.name(row.actor))}</td><td>{_e(style.name(row.target))}</td>"
                    f"<td>{_e(row.type)}</td><td>{_e(row.summary)}</td><td>{_e(row.rule)}</td><td>{quote}</td></tr>")
    which = (f"replicate {numbers[0]} of {len(numbers)} ({_span(numbers)})" if len(numbers) > 1
             else f"the run's one replicate ({_span(numbers)})")
    shown = f"first {most} of {len(events)}" if len(events) > most else f"all {len(events)}"
    return (f"<p class='replicates'>The events of {which}: {shown}.</p>" + counts
            + "<table><tr><th>date</th><th>actor</th><th>target</th><th>type</th><th>summary</th><th>rule</th>"
            "<th>the rule's words</th></tr>" + "".join(rows) + "</table>")


def _attribution(saved: SavedAttribution, figure_path: Path) -> str:
    """An attribution's figure and table, and how to read them."""
    from sim.present.attribution import attribution

    m = saved.manifest
    figure = _img(attribution(saved, figure_path), f"attribution of {saved.outcome}")
    rows = "".join(
        f"<tr><td>{_e(row.lever)}</td>" + "".join(
            f'<td class="num">{value:.4g}</td>' if pd.notna(value) else "<td>–</td>"
            for value in (row.contribution, row.ci_low, row.ci_high)) + "</tr>"
        for row in saved.table.itertuples(index=False))
    return (f"<h3>{_e(saved.outcome)}</h3>"
            f"<p class='meta'>scenario <code>{_e(m.get('scenario'))}</code>, seed {_e(m.get('seed'))}, "
            f"{_e(m.get('replicates'))} replicates of each of {_e(m.get('method', {}).get('subsets'))} subsets of "
            f"levers switched off from {_e(m.get('window', {}).get('from'))} "
            f"(<code>{_e(saved.folder)}</code>).</p>"
            "<p>Each lever's contribution is its Shapley value: its effect on the outcome when it is switched on, "
            "averaged over every order in which the levers could be switched on, replicate by replicate on "
            "common random numbers. The contributions add up to the total, the outcome with every lever on "
            "minus with every lever off; the intervals are 95% t-intervals over replicates.</p>"
            + figure + "<table><tr><th>lever</th><th>contribution</th><th>95% low</th><th>95% high</th></tr>"
            + rows + "</table>")


def build(run: SavedRun, attributions: Sequence[SavedAttribution] = ()) -> str:
    """The report page as one HTML string, with a section on each attribution given."""
    m = run.manifest
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        pairs = [p for p in KEY_PAIRS]
        figures = [_img(plots.trajectories(run, pairs, folder / "trajectories.png", overlay=plots.unga_overlay(pairs)),
                        "alignment over time")]
        dates = sorted(run.summary["date"].unique())
        for date in ([d for d in ("1993-06", "2005-06") if d in dates] + [dates[-1]])[:3]:
            figures.append(_img(plots.network(run, date, folder / f"network-{date}.png"), f"alignment network {date}"))
        figures.append(_img(plots.timeline(run, folder / "timeline.png"), "events against the record"))
        figures.append(_img(plots.trajectories(run, [("TJK", "RUS"), ("TJK", "CHN"), ("TJK", "USA")],
                                               folder / "dependence.png", variable="dependence"), "dependence"))
        levers = "".join(_attribution(saved, folder / f"attribution-{number}.png")
                         for number, saved in enumerate(attributions))
    meta = (f"scenario <code>{_e(m.get('scenario'))}</code> ({_e(m.get('start'))} … {_e(m.get('end'))}), seed "
            f"{_e(m.get('seed'))}, {_e(m.get('replicates'))} replicate(s); scenario SHA-256 "
            f"<code>{_e(str(m.get('scenario_sha256', ''))[:16])}…</code>; tajsim {_e(m.get('tajsim_version'))}, "
            f"Mesa {_e(m.get('mesa_version'))}")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{_e(run.title)}</title><style>{CSS}</style></head>
<body>
<h1>{_e(run.title)}</h1>
<p class="meta">{meta}</p>
{_what_the_tables_hold(run)}
<h2>How the run compares with the record</h2>
<p>Event recall is the share of the record's dated events the run reproduces (same type, same actors, within
±{_e(m.get('event_window_months', 6))} months of the record's dating); precision is the share of the run's own events
the record bears out. Imposed historical inputs are left out of both.</p>
{_summary(run)}
<h2>Stylized facts</h2>
{_facts(run)}
<h2>UN General Assembly voting</h2>
{_unga()}
<h2>Figures</h2>
{''.join(figures)}
{"<h2>What the levers explain</h2>" + levers if levers else ""}
<h2>Events and the rules behind them</h2>
{_events(run)}
</body></html>
"""


def write(run: SavedRun, out: str | Path, attributions: Sequence[SavedAttribution] = ()) -> Path:
    out = Path(out)
    if out.suffix.lower() not in (".html", ".htm"):
        raise ResultsError(f"{out}: --out must end in .html")
    out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(out, build(run, attributions))
    return out
