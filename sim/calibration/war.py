"""The war's part of calibration: fitting the conflict submodel to UCDP and the record's dates.

What is fitted (:data:`WAR_FREE`): the constants of the civil war (sim/core/conflict.py) that
no text fixes - how fast the opposition recruits and converts outside support, how much outside
backing strengthens the government, when fighting starts and how it burns, how ceasefires and
an accord damp it, how fast talks gain momentum - and the weights of the rules that decide the
war's course (Afghan sanctuary, the ceasefire, the accord, Russia's push to settle).

The loss, on the training years only:

    loss = mean over training years of the Brier scores of P(level >= 1) and P(level >= 2)
           against UCDP's yearly level of the government-opposition conflict (and of the
           Kyrgyz-Tajik border conflict), and of the share of the year the government holds
           Dushanbe against the record (it held it from its retaking in December 1992, E087,
           so from 1993 on)
           + DATES_WEIGHT * (the mean distance of the first ceasefire and of the accord from the
           record's months, September 1994 and June 1997, in units of three years, capped at 1)

Both dates lie in the training years; a replicate without a ceasefire or an accord by the end
of the training years counts as the cap. The Brier score is a proper score of the predicted
probabilities, so it rewards honest spreads across replicates.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from sim.calibration.free import Free
from sim.core.conflict import ucdp_level
from sim.core.recording import CONFLICT_SERIES
from sim.months import parse_month
from sim.paths import record_dir
from sim.record.scores import skill_interval


def _free() -> tuple[Free, ...]:
    return (
        Free("war_recruitment", 0.005, 0.3, "how fast the opposition recruits at full grievance"),
        Free("war_organisation", 0.0, 1.0, "the opposition's strength at which it recruits at half its full rate "
             "(0: an organisation of any size recruits fully)"),
        Free("war_opp_backing", 0.2, 10.0, "strength the opposition gains per unit of outside support"),
        Free("war_gov_backing", 0.5, 20.0, "strength outside military backing gives the government"),
        Free("war_threshold", 0.0, 0.3, "the opposition's effective strength at which fighting starts"),
        Free("war_intensity_gain", 0.5, 10.0, "how fast fighting rises with the opposition's effective strength"),
        Free("war_ceasefire_effect", 0.3, 1.0, "how far a ceasefire damps fighting"),
        Free("war_accord_effect", 0.5, 1.0, "how far an accord damps fighting"),
        Free("war_talks_gain", 0.02, 1.0, "how fast mediation builds momentum in the talks"),
        Free("war_exhaustion", 0.005, 0.2, "how fast fighting exhausts the sides"),
        Free("war_costs", 0.05, 3.0, "how far the costs of fighting open a bargaining range"),
        Free("war_optimism", 0.0, 0.5, "how far each side at first overrates its chances"),
        Free("war_learning", 0.0, 0.5, "how fast fighting corrects that optimism"),
        Free("war_exclusion", 0.0, 1.0, "how far exclusion from a broken accord adds to the opposition's grievance"),
        Free("border_threshold", 0.1, 1.5, "the tension at which the Kyrgyz-Tajik border dispute turns violent"),
        Free("R53", 0.0, 3.0, "Afghan sanctuary and arms for the opposition"),
        Free("R55", 0.0, 3.0, "the parties agree a ceasefire"),
        Free("R57", 0.0, 3.0, "the parties sign an accord"),
        Free("R58", 0.0, 3.0, "a consolidated government reneges on power sharing"),
        Free("R59", 0.0, 3.0, "Russia presses both sides to settle"),
    )


#: The last year of the UCDP release the record holds (calibration/record/relations/README.md).
UCDP_LAST_YEAR = 2022
#: Weight of the two dates in the war's loss.
DATES_WEIGHT = 0.5
#: How far (in months) a date may miss before it costs the most.
DATE_CAP = 36
#: The record's months of the first ceasefire (Tehran, E093) and of the accord (Moscow, E095).
CEASEFIRE_MONTH = parse_month("1994-09")
ACCORD_MONTH = parse_month("1997-06")
#: The first year the government held Dushanbe throughout (it retook it in December 1992: E087).
CAPITAL_HELD_FROM = 1993
CEASEFIRE_TEXT = "agree a ceasefire"
ACCORD_TEXT = "sign a peace accord"


@dataclass(frozen=True)
class Observed:
    """UCDP's yearly levels (0, 1, 2) of the two conflicts, from calibration/record/relations/."""

    years: np.ndarray
    civil_war: np.ndarray
    border: np.ndarray

    def mask(self, first: int, last: int) -> np.ndarray:
        return (self.years >= first) & (self.years <= last)


@lru_cache(maxsize=1)
def load_observed() -> Observed:
    """Read ``conflict_yearly.csv`` (UCDP/PRIO Armed Conflict Dataset, Tajikistan's rows)."""
    path = record_dir() / "relations" / "conflict_yearly.csv"
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    years = np.array([int(r["year"]) for r in rows])
    return Observed(years, np.array([int(r["intensity_gov_opposition"]) for r in rows]),
                    np.array([int(r["intensity_kgz_border"]) for r in rows]))


@dataclass(frozen=True)
class WarRun:
    """What an ensemble's war looked like: yearly UCDP levels and the months of its settlement."""

    years: np.ndarray          # the complete calendar years the run covers
    civil_war: np.ndarray      # [replicate, year] UCDP level of the government-opposition conflict
    border: np.ndarray         # [replicate, year] of the Kyrgyz-Tajik border conflict
    first_ceasefire: np.ndarray  # [replicate] month number, or -1 when none
    accord: np.ndarray         # [replicate] month number, or -1 when none
    capital: np.ndarray        # [replicate, year] share of the year's months the government holds Dushanbe


def war_run(result) -> WarRun:
    """Read a run's war: its yearly levels from the recorded intensity, its ceasefire and accord."""
    months = np.asarray(result.months)
    first, last = int(months[0]) // 12 + (months[0] % 12 != 0), (int(months[-1]) + 1) // 12 - 1
    years = np.arange(first, last + 1)
    levels = {}
    start = first * 12 - int(months[0])
    for key in (("TJK", "UTO", "conflict_intensity"), ("TJK", "KGZ", "conflict_intensity")):
        series = result.series(key[2], key[0], key[1])  # [replicate, month]
        block = series[:, start:start + 12 * len(years)].reshape(series.shape[0], len(years), 12)
        levels[key[1]] = ucdp_level(block)
    held = result.series("holds_capital", "TJK", "UTO")
    capital = held[:, start:start + 12 * len(years)].reshape(held.shape[0], len(years), 12).mean(axis=2)
    events = result.events
    R = result.replicates
    dates = {}
    for label, text in (("ceasefire", CEASEFIRE_TEXT), ("accord", ACCORD_TEXT)):
        chosen = events[events["summary"].str.contains(text, regex=False)]
        month = np.full(R, -1)
        for replicate, date in zip(chosen["replicate"].to_numpy() - result.first_replicate, chosen["date"]):
            if month[replicate] < 0:
                month[replicate] = parse_month(date)
        dates[label] = month
    return WarRun(years, levels["UTO"], levels["KGZ"], dates["ceasefire"], dates["accord"], capital)


def brier(probability: np.ndarray, happened: np.ndarray) -> np.ndarray:
    return np.square(probability - happened.astype(float))


def level_probabilities(levels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Across replicates, each year's probability of level >= 1 and of level >= 2."""
    return (levels >= 1).mean(axis=0), (levels >= 2).mean(axis=0)


def date_miss(months: np.ndarray, target: int) -> float:
    """Mean distance from the record's month, as a share of :data:`DATE_CAP` (never: 1)."""
    miss = np.where(months < 0, DATE_CAP, np.minimum(np.abs(months - target), DATE_CAP))
    return float(miss.mean() / DATE_CAP)


@dataclass(frozen=True)
class WarScore:
    loss: float
    brier: float
    dates: float


def war_loss(run: WarRun, observed: Observed, train: tuple[int, int]) -> WarScore:
    """The loss of one candidate's ensemble on the training years (see the module doc)."""
    keep = (run.years >= train[0]) & (run.years <= train[1])
    obs = {int(y): n for n, y in enumerate(observed.years)}
    columns = [obs[int(y)] for y in run.years[keep]]
    scores = []
    for levels, truth in ((run.civil_war, observed.civil_war), (run.border, observed.border)):
        p1, p2 = level_probabilities(levels[:, keep])
        scores += [brier(p1, truth[columns] >= 1), brier(p2, truth[columns] >= 2)]
    held = keep & (run.years >= CAPITAL_HELD_FROM)
    scores.append(brier(run.capital[:, held].mean(axis=0), np.ones(int(held.sum()), dtype=bool)))
    score = float(np.mean([float(np.mean(s)) for s in scores]))
    dates = 0.5 * (date_miss(run.first_ceasefire, CEASEFIRE_MONTH) + date_miss(run.accord, ACCORD_MONTH))
    return WarScore(score + DATES_WEIGHT * dates, score, dates)


def yearly_table(run: WarRun, observed: Observed) -> list[dict]:
    """Per year: the simulated probabilities of each level against UCDP's level, both conflicts."""
    obs = {int(y): n for n, y in enumerate(observed.years)}
    p1, p2 = level_probabilities(run.civil_war)
    b1, b2 = level_probabilities(run.border)
    rows = []
    for n, year in enumerate(run.years.tolist()):
        if year not in obs:
            continue
        k = obs[year]
        rows.append({"year": year, "p_level1": float(p1[n]), "p_level2": float(p2[n]),
                     "holds_capital": float(run.capital[:, n].mean()),
                     "ucdp": int(observed.civil_war[k]), "border_p_level1": float(b1[n]),
                     "border_ucdp": int(observed.border[k])})
    return rows


def scores_against_baselines(run: WarRun, observed: Observed, train: tuple[int, int], test: tuple[int, int]) -> dict:
    """Brier scores of the model on the test years against persistence (the last training year's
    level, carried forward), climatology (each level's frequency over the training years) and the
    base rate (that frequency shrunk towards one half by Jeffreys' prior, (count + 1/2) / (years + 1)).

    The base rate is the reference for rare events: where the training years never saw a level,
    persistence and climatology forecast it never, so in any resample of the test years without it
    they make no error and the model's skill against them is unbounded below; the base rate keeps a
    small chance of what has not happened yet and is never exactly right."""
    obs = {int(y): n for n, y in enumerate(observed.years)}
    out = {}
    for name, levels, truth in (("civil_war", run.civil_war, observed.civil_war),
                                ("border", run.border, observed.border)):
        train_cols = [obs[y] for y in range(train[0], train[1] + 1) if y in obs]
        last = truth[obs[train[1]]]
        block = {}
        for threshold in (1, 2):
            keep = (run.years >= test[0]) & (run.years <= test[1]) & np.isin(run.years, list(obs))
            years = run.years[keep]
            happened = np.array([truth[obs[int(y)]] >= threshold for y in years])
            model = (levels[:, keep] >= threshold).mean(axis=0)
            persistence = np.full(len(years), float(last >= threshold))
            seen = truth[train_cols] >= threshold
            climatology = np.full(len(years), float(seen.mean()))
            base_rate = np.full(len(years), (seen.sum() + 0.5) / (len(seen) + 1.0))
            losses = {label: brier(p, happened) for label, p in
                      (("model", model), ("persistence", persistence), ("climatology", climatology),
                       ("base_rate", base_rate))}
            scores: dict = {label: float(loss.mean()) if len(years) else float("nan") for label, loss in losses.items()}
            for label in ("persistence", "climatology", "base_rate"):
                scores[f"skill_vs_{label}"] = _skill(scores["model"], scores[label])
                scores[f"skill_vs_{label}_95"] = list(skill_interval(losses["model"], losses[label], years))
            scores["years"] = len(years)
            block[f"level{threshold}"] = scores
        out[name] = block
    return out


def _skill(score: float, reference: float) -> float:
    return float("nan") if not reference else 1.0 - score / reference


def settlement_months(run: WarRun) -> dict:
    """The distribution of the accord's month across replicates (and the share with none)."""
    signed = run.accord[run.accord >= 0]
    share = float(len(signed) / len(run.accord)) if len(run.accord) else float("nan")
    if not len(signed):
        return {"share_with_accord": share}
    quantiles = np.quantile(signed, [0.05, 0.25, 0.5, 0.75, 0.95])
    from sim.months import format_month

    return {"share_with_accord": share, **{f"q{int(q * 100):02d}": format_month(int(round(v)))
                                            for q, v in zip((0.05, 0.25, 0.5, 0.75, 0.95), quantiles)}}


WAR_FREE = _free()

__all__ = ["WAR_FREE", "CONFLICT_SERIES", "WarRun", "WarScore", "load_observed", "war_loss", "war_run", "yearly_table"]
