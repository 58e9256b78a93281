"""Scoring a calibrated model: test years against persistence and climatology, rolling origins."""

from __future__ import annotations

import math

import numpy as np

from sim.calibration.forecast import Prediction, restart_prediction
from sim.record.observation import ObservationModel, Record
from sim.record.scores import summary
from sim.scenario import Scenario


def _rows(record: Record, mask: np.ndarray, prediction, persistence: np.ndarray, climatology: np.ndarray,
          spread: np.ndarray) -> dict:
    """Scores over the rows of ``mask`` (``[partner, year]``) against the given baselines."""

    def per_row(values: np.ndarray) -> np.ndarray:
        return np.broadcast_to(values[:, None], mask.shape)[mask]

    years = np.broadcast_to(record.years[None, :], mask.shape)[mask]
    return summary(record.values[mask], prediction.mean[mask], per_row(persistence), per_row(climatology),
                   prediction.samples[mask], per_row(spread), groups=years)


def score_years(record: Record, observation: ObservationModel, latent: np.ndarray, years: tuple[int, int],
                fitted: tuple[int, int], by_partner: bool = False) -> dict:
    """Scores of the prediction over ``years``, with baselines taken from the ``fitted`` years.

    Persistence is each partner's last usable value up to the end of ``fitted``; climatology its
    mean over ``fitted`` (for the training block itself both are in-sample, as is the model).
    """

    prediction = Prediction.of(observation, latent)
    persistence = record.persistence(before=fitted[1] + 1)
    climatology, spread = record.climatology(*fitted)
    mask = record.mask(*years)
    block = _rows(record, mask, prediction, persistence, climatology, spread)
    block["model_partners"] = _rows(record, mask & observation.modelled[:, None], prediction, persistence,
                                    climatology, spread)
    if by_partner:
        block["by_partner"] = {}
        for p, partner in enumerate(record.partners):
            rows = mask[p]
            if rows.any():
                obs = record.values[p, rows]
                block["by_partner"][partner] = {
                    "modelled": bool(observation.modelled[p]), "n": int(rows.sum()),
                    "mae": float(np.abs(prediction.mean[p, rows] - obs).mean()),
                    "mae_persistence": float(np.abs(persistence[p] - obs).mean()),
                    "mae_climatology": float(np.abs(climatology[p] - obs).mean()),
                }
    return block


def rolling(plan: Scenario, record: Record, free_latent: np.ndarray, train: tuple[int, int], seed: int,
            replicates: int) -> list[dict]:
    """Rolling-origin scores: restart from the record at each period boundary, score that period.

    For a period starting in year Y: the observation model is fitted on the record years before Y
    (on the free run), the ensemble restarts at the period's first month from each partner's last
    record before Y, and the period's record years are scored against persistence and climatology
    taken from the years before Y. Behavioural parameters stay the calibrated ones, which saw the
    training years: an origin inside the training years is not a clean out-of-sample test, and
    the entry says so (``behaviour_fitted_on_scored_years``).
    """

    first, last_data = int(record.years[0]), record.last_year()
    out = []
    for segment in plan.segments[1:]:
        origin_year = segment.start // 12
        scored = (origin_year, min(segment.end // 12, last_data))
        if origin_year - first < 3 or scored[1] < scored[0] or not record.mask(*scored).any():
            continue
        fitted = (first, origin_year - 1)
        observation = ObservationModel.fit(free_latent, record, *fitted)
        restarted = restart_prediction(plan, record, observation, segment.start, seed=seed, replicates=replicates)
        entry = {
            "period": segment.period or segment.name,
            "origin": f"{origin_year}-{segment.start % 12 + 1:02d}",
            "restarted_from_record_year": origin_year - 1,
            "observation_fitted_on": list(fitted),
            "scored_years": list(scored),
            "behaviour_fitted_on_scored_years": scored[0] <= train[1] and scored[1] >= train[0],
        }
        entry.update(score_years(record, observation, restarted, scored, fitted))
        free = Prediction.of(observation, free_latent)
        entry["mae_free_run"] = float(np.abs(free.mean - record.values)[record.mask(*scored)].mean())
        out.append(entry)
    return out


def facts_by_period(facts) -> dict[str, float]:
    """Share of stylized-fact checks passed, per period and over all."""
    table = {str(k): float(v) for k, v in facts.groupby("period", sort=False)["passed"].mean().items()}
    table["all"] = float(facts["passed"].mean()) if len(facts) else math.nan
    return table

