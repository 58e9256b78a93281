"""Scores of predictions against the record: point errors, baselines, skill, intervals, CRPS.

Every function takes flat arrays over the scored (partner, year) rows; NaN rows must be removed
by the caller. Two baselines set the bar a model has to clear:

* **persistence**: each partner's last observed value before the scored years, carried forward;
* **climatology**: each partner's mean over the fitting years.

``skill = 1 - mae / mae_baseline``: positive when the model beats the baseline, 0 when it ties,
negative when the baseline is better. The ensemble is judged by the coverage of its central
interval (does the record fall inside the 90% interval 90% of the time?) and by the continuous
ranked probability score (CRPS, in the units of the agreement index; lower is better; for a
single-member "ensemble" it equals the absolute error).

A test block holds ten or fourteen years, so a skill of a few percent may be luck. Each skill
against a baseline therefore comes with a 95% interval from a paired bootstrap over the scored
years (:func:`skill_interval`): the years are drawn again with replacement, and the model and the
baseline are scored on the same draw. An interval that straddles 0 is a tie within the noise of
the years there are.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.stats import norm, pearsonr, spearmanr

#: The central interval reported and checked for coverage.
LEVEL = 0.90
#: Resamples of the scored years behind each skill's interval, and the seed that draws them.
BOOTSTRAP_DRAWS = 4000
BOOTSTRAP_SEED = 20_250_101


def mae(pred: np.ndarray, obs: np.ndarray) -> float:
    return float(np.mean(np.abs(np.asarray(pred) - np.asarray(obs)))) if len(obs) else math.nan


def rmse(pred: np.ndarray, obs: np.ndarray) -> float:
    return float(np.sqrt(np.mean((np.asarray(pred) - np.asarray(obs)) ** 2))) if len(obs) else math.nan


def _correlation(fn, pred: np.ndarray, obs: np.ndarray) -> float:
    pred, obs = np.asarray(pred, dtype=float), np.asarray(obs, dtype=float)
    if len(obs) < 3 or np.ptp(pred) == 0 or np.ptp(obs) == 0:
        return math.nan
    return float(fn(pred, obs)[0])


def pearson(pred: np.ndarray, obs: np.ndarray) -> float:
    """Pearson correlation; NaN with fewer than 3 rows or a constant side."""
    return _correlation(pearsonr, pred, obs)


def spearman(pred: np.ndarray, obs: np.ndarray) -> float:
    """Spearman rank correlation; NaN with fewer than 3 rows or a constant side."""
    return _correlation(spearmanr, pred, obs)


def skill(score: float, reference: float) -> float:
    """``1 - score / reference`` (NaN when the reference is 0 or missing)."""
    return 1.0 - score / reference if reference and not math.isnan(reference) else math.nan


def skill_interval(loss: np.ndarray, reference: np.ndarray, groups: np.ndarray | None = None,
                   level: float = 0.95, draws: int = BOOTSTRAP_DRAWS) -> tuple[float, float]:
    """The central ``level`` interval of ``1 - mean(loss) / mean(reference)`` over a paired
    bootstrap that draws ``groups`` (the scored years; each row its own group when ``None``) with
    replacement, the rows of a drawn group all kept. Rows of one year share its agenda and its
    shocks, so years, not rows, are what is resampled. The seed is fixed: the same rows give the
    same interval. ``(nan, nan)`` with fewer than two groups. A resample in which the baseline makes no
    error at all scores the model's skill -inf if it errs there (no skill can be claimed against a
    perfect forecast) and 0 if it does not: with rare events (two years of fighting in thirteen) such
    resamples are common, and leaving them out would make the interval look narrow and sure."""
    loss, reference = np.asarray(loss, dtype=float), np.asarray(reference, dtype=float)
    labels = np.arange(len(loss)) if groups is None else np.asarray(groups)
    _, index = np.unique(labels, return_inverse=True)
    count = int(index.max()) + 1 if len(index) else 0
    if count < 2:
        return math.nan, math.nan
    ours = np.bincount(index, weights=loss, minlength=count)
    theirs = np.bincount(index, weights=reference, minlength=count)
    drawn = np.random.default_rng(BOOTSTRAP_SEED).integers(0, count, size=(draws, count))
    mine, baseline = ours[drawn].sum(axis=1), theirs[drawn].sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        skills = np.where(baseline > 0, 1.0 - mine / baseline, np.where(mine > 0, -np.inf, 0.0))
    tail = (1.0 - level) / 2.0
    with np.errstate(invalid="ignore"):
        low, high = np.quantile(skills, [tail, 1.0 - tail])  # -inf sorts first; a bound that touches it is -inf
    return (-math.inf if math.isnan(low) else float(low)), (-math.inf if math.isnan(high) else float(high))


def interval_words(low: float, high: float) -> str:
    """How a skill's interval reads in a sentence: its bounds, and whether it is a tie."""
    if math.isnan(low):
        return "no interval: too few years"
    if max(abs(low), abs(high)) < 5e-4:
        return "the same as the baseline in every resample of the years"
    tie = "; a tie within the noise of the years" if low < 0.0 < high else ""
    if math.isinf(low):
        return (f"95% interval unbounded below to {high:+.3f} over resampled years (in some resamples the baseline "
                f"makes no error){tie}")
    return f"95% interval {low:+.3f} to {high:+.3f} over resampled years{tie}"


def crps_ensemble(samples: np.ndarray, obs: np.ndarray) -> np.ndarray:
    """CRPS of each row's ensemble against its observation: ``samples[row, member]``, ``obs[row]``.

    The empirical-distribution form ``E|X - y| - 0.5 E|X - X'|`` (Gneiting and Raftery 2007),
    with ``E|X - X'|`` computed from the sorted members in O(M log M).
    """
    x = np.sort(np.asarray(samples, dtype=float), axis=-1)
    y = np.asarray(obs, dtype=float)[..., None]
    m = x.shape[-1]
    spread = (2.0 / m ** 2) * (x * (2 * np.arange(1, m + 1) - m - 1)).sum(axis=-1)
    return np.abs(x - y).mean(axis=-1) - 0.5 * spread


def crps_gaussian(mu: np.ndarray, sigma: np.ndarray, obs: np.ndarray) -> np.ndarray:
    """Closed-form CRPS of N(mu, sigma^2) at ``obs`` (used for the climatology reference)."""
    mu, sigma, obs = (np.asarray(a, dtype=float) for a in (mu, sigma, obs))
    z = (obs - mu) / sigma
    return sigma * (z * (2 * norm.cdf(z) - 1) + 2 * norm.pdf(z) - 1 / math.sqrt(math.pi))


def interval(samples: np.ndarray, level: float = LEVEL) -> tuple[np.ndarray, np.ndarray]:
    """The central ``level`` interval of each row's ensemble: (lower, upper) quantiles."""
    tail = (1.0 - level) / 2.0
    return np.quantile(samples, tail, axis=-1), np.quantile(samples, 1.0 - tail, axis=-1)


def coverage(lower: np.ndarray, upper: np.ndarray, obs: np.ndarray) -> float:
    """Share of rows whose observation lies inside [lower, upper]."""
    obs = np.asarray(obs)
    return float(np.mean((obs >= lower) & (obs <= upper))) if len(obs) else math.nan


def summary(obs: np.ndarray, pred: np.ndarray, persistence: np.ndarray, climatology: np.ndarray,
            samples: np.ndarray | None = None, climatology_sd: np.ndarray | None = None,
            level: float = LEVEL, groups: np.ndarray | None = None) -> dict:
    """All scores of one set of rows, as a flat dict (what ``report.json`` holds per block).

    Pearson and Spearman correlations across rows are flattered by the differences between
    partners (any per-partner baseline gets them); ``pearson_anomaly`` correlates departures from
    climatology instead, so it shows whether the year-to-year movements are right.

    ``obs``, ``pred``, ``persistence``, ``climatology``: ``[row]``; ``samples``: ``[row, member]``,
    the ensemble's predictive samples (adds coverage and CRPS); ``climatology_sd``: adds the CRPS
    of the Gaussian climatology N(mean, sd), a reference for the model's CRPS; ``groups``: each
    row's year, adds the 95% intervals of both skills (:func:`skill_interval`).
    """
    out: dict = {
        "n": int(len(obs)),
        "mae": mae(pred, obs),
        "rmse": rmse(pred, obs),
        "pearson": pearson(pred, obs),
        "spearman": spearman(pred, obs),
        "pearson_anomaly": pearson(np.asarray(pred) - climatology, np.asarray(obs) - climatology),
        "mae_persistence": mae(persistence, obs),
        "mae_climatology": mae(climatology, obs),
    }
    out["skill_vs_persistence"] = skill(out["mae"], out["mae_persistence"])
    out["skill_vs_climatology"] = skill(out["mae"], out["mae_climatology"])
    if groups is not None:
        error = np.abs(np.asarray(pred) - np.asarray(obs))
        for name, baseline in (("persistence", persistence), ("climatology", climatology)):
            reference = np.abs(np.asarray(baseline) - np.asarray(obs))
            out[f"skill_vs_{name}_95"] = list(skill_interval(error, reference, groups))
    if samples is not None:
        lower, upper = interval(samples, level)
        out["coverage90" if level == LEVEL else f"coverage{round(level * 100)}"] = coverage(lower, upper, obs)
        out["interval_width"] = float(np.mean(upper - lower)) if len(obs) else math.nan
        out["crps"] = float(np.mean(crps_ensemble(samples, obs))) if len(obs) else math.nan
    if climatology_sd is not None:
        out["crps_climatology"] = float(np.mean(crps_gaussian(climatology, climatology_sd, obs))) if len(obs) else math.nan
    return out
