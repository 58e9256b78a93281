"""The attribution figure (``tajsim plot attribution DIR``): what each lever explains of an outcome.

It draws ``attribution.csv`` as written by ``tajsim attribute``: one horizontal bar per lever (its
Shapley value, the mean over replicates), with its 95% interval, in its holder's colour, and the
total (every lever on minus every lever off) below a dashed line. It lives beside
:mod:`sim.present.plots` and shares its way of saving, keeping that module under 400 lines.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from sim.present import style
from sim.present.plots import _save
from sim.present.saved import SavedAttribution

#: The total's colour: no actor's.
TOTAL_COLOUR = "#4d5656"


def _holder_colour(holder: str) -> str:
    """The colour of a lever's (first) holder, ``CSTO, SCO`` taking the CSTO's."""
    return style.colour(holder.split(",")[0].strip()) if holder else style.colour("")


def attribution(saved: SavedAttribution, out: str | Path) -> Path:
    """Each lever's contribution with its 95% interval, and the total they add up to."""
    table = saved.table
    holders = saved.holders()
    levers = list(table["lever"].iloc[:-1])
    value = table["contribution"].to_numpy(dtype=float)
    low = np.nan_to_num(value - table["ci_low"].to_numpy(dtype=float))
    high = np.nan_to_num(table["ci_high"].to_numpy(dtype=float) - value)
    colours = [_holder_colour(holders.get(lever, "")) for lever in levers] + [TOTAL_COLOUR]
    labels = [f"{lever} ({holders[lever]})" if holders.get(lever) else lever for lever in levers] + ["total"]
    y = np.arange(len(labels))
    fig = Figure(figsize=(9, 0.5 * len(labels) + 1.9))
    ax = fig.subplots()
    ax.barh(y, value, xerr=[low, high], color=colours, height=0.6,
            error_kw={"ecolor": "#222222", "capsize": 3, "linewidth": 1})
    span = float(np.nanmax(np.abs(np.concatenate([value - low, value + high, [0.0]])))) or 1.0
    for row, number in zip(y, value):
        ax.annotate(f"{number:+.3g}", (number + (high[row] if number >= 0 else -low[row]), row),
                    xytext=(4 if number >= 0 else -4, 0), textcoords="offset points", va="center",
                    ha="left" if number >= 0 else "right", fontsize=8)
    ax.set_xlim(-1.25 * span, 1.25 * span)
    ax.axhline(len(levers) - 0.5, color="#999999", linewidth=0.8, linestyle="--")
    ax.axvline(0, color="#777777", linewidth=0.8)
    ax.set_yticks(y, labels=labels, fontsize=9)
    ax.invert_yaxis()
    ax.grid(axis="x", alpha=0.25)
    ax.set_xlabel(f"contribution to {saved.outcome}   (bars: 95% interval over replicates)", fontsize=9)
    method = saved.manifest.get("method", {}).get("shapley", "exact")
    ax.set_title(f"{saved.title}\nWhat each lever explains (Shapley values, {method}); "
                 "total = every lever on − every lever off", fontsize=10)
    return _save(fig, out)
