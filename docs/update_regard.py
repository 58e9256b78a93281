"""Write docs/regard.png and docs/regard.csv: Tajikistan's yearly regard for Russia, China,
Uzbekistan and the United States in the calibrated full replay (``python docs/update_regard.py``).

The README shows the figure: it is how a reader sees at a glance whether the stages of
Tajikistan's policy towards Russia (the second text's four) emerge from the model's state. Each
line is the mean over replicates of each replicate's yearly mean regard (alignment TJK -> partner,
-1..1); the band holds 90% of the replicates' yearly means. The run is the default scenario with
the committed calibration, seed 0, 100 replicates; the numbers move when the model or its
calibration does, so run this again after either.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import sim  # noqa: E402
from sim.present.style import colour, name  # noqa: E402

PARTNERS = ("RUS", "CHN", "UZB", "USA")
REPLICATES = 100
SEED = 0
FIGURE = Path(__file__).with_name("regard.png")
TABLE = Path(__file__).with_name("regard.csv")
#: The second text's four stages (seed:002), drawn as bands behind the lines; their bounds are the
#: text's decades, for the eye only: nothing in the model reads them.
STAGES = ((1991, 1999.99, "1: searching for\nRussia's support"), (2000, 2009.99, "2: open door"),
          (2010, 2021.99, "3: dependence"), (2022, 2023.99, "4: navigating"))


def yearly_regard(replicates: int = REPLICATES, seed: int = SEED) -> pd.DataFrame:
    """Per partner and year: the mean and the 5% and 95% quantiles of the replicates' yearly means."""
    result = sim.run(seed=seed, replicates=replicates)
    frame = result.trajectory
    frame = frame[(frame["variable"] == "alignment") & (frame["actor"] == "TJK") & frame["target"].isin(PARTNERS)]
    frame = frame.assign(year=frame["date"].astype(str).str[:4].astype(int))
    per_replicate = frame.groupby(["target", "year", "replicate"])["value"].mean().reset_index()
    table = per_replicate.groupby(["target", "year"])["value"].agg(
        mean="mean", q05=lambda v: float(np.quantile(v, 0.05)), q95=lambda v: float(np.quantile(v, 0.95)))
    table = table.reset_index().rename(columns={"target": "partner"})
    table["partner"] = pd.Categorical(table["partner"].astype(str), PARTNERS, ordered=True)
    return table.sort_values(["partner", "year"]).reset_index(drop=True)


def draw(table: pd.DataFrame, out: Path) -> None:
    """The four partners' lines with their 90% bands, the text's stages behind them."""
    fig, ax = plt.subplots(figsize=(9, 4.2), dpi=120)
    for n, (first, last, label) in enumerate(STAGES):
        ax.axvspan(first, last + 0.01, color="0.93" if n % 2 == 0 else "0.97", zorder=0)
        final = n == len(STAGES) - 1  # the last stage is short: its label ends at the figure's edge
        ax.text(last if final else (first + last) / 2, 1.02, label, ha="right" if final else "center", va="top",
                fontsize=7.5, color="0.35")
    for code in PARTNERS:
        rows = table[table["partner"] == code]
        ax.fill_between(rows["year"], rows["q05"], rows["q95"], color=colour(code), alpha=0.18, linewidth=0)
        ax.plot(rows["year"], rows["mean"], color=colour(code), linewidth=2, label=name(code))
    ax.axhline(0.0, color="0.6", linewidth=0.6)
    ax.set_ylim(-1.0, 1.05)
    ax.set_xlim(1991, 2023.99)
    ax.set_ylabel("Tajikistan's regard (alignment, −1..1)")
    ax.set_title(f"Tajikistan's regard for four partners, yearly means of {REPLICATES} replicates (90% band)",
                 fontsize=10)
    ax.legend(loc="lower left", fontsize=8, ncols=4, frameon=False)
    fig.tight_layout()
    fig.savefig(out, metadata={"Software": None})
    plt.close(fig)


def main() -> None:
    table = yearly_regard()
    table.to_csv(TABLE, index=False, float_format="%.4f")
    draw(table, FIGURE)
    print(f"wrote {FIGURE} and {TABLE}")


if __name__ == "__main__":
    main()
