"""Scores of the UN voting model: the test years from the end of training, rolling origins, contested votes.

Every block compares three forecasts of the same rows: the voting model with the simulation
(``mae``), the same model without it (``gain = 0``, ``mae_without_simulation``), and the baselines
*persistence* (each partner's last value up to the origin) and *climatology* (its mean over the
record up to the origin). Rolling origins run over every year from the first test year to the last
but one; each forecasts the next year (``rolling_1y``) or the next three (``rolling_3y``), using the
record up to the origin and parameters fitted on the training years only.
"""

from __future__ import annotations

import numpy as np

from sim.record.contested import Contested, ContestedModel, load_contested
from sim.record.observation import LATENT, Record
from sim.record.scores import mae, skill, skill_interval, summary
from sim.record.voting import VotingModel, load_positions


def voting_report(record: Record, latent: np.ndarray, train: tuple[int, int], test: tuple[int, int]) -> dict:
    """The ``voting`` block of ``report.json`` and its ``rolling_1y`` and ``rolling_3y``."""
    positions = load_positions(record)
    full = VotingModel.fit(record, positions, latent, train)
    plain = VotingModel.fit(record, positions, latent, train, with_simulation=False)
    modelled = ~np.isnan(latent).all(axis=(0, 2))
    origins = list(range(test[0], test[1]))
    contested = load_contested(record.years)
    russia = record.partners.index("RUS")
    return {
        "model": full.to_dict(),
        "model_without_simulation": plain.to_dict(),
        "test": _block(full, plain, modelled, [(train[1], y) for y in range(test[0], test[1] + 1)]),
        "rolling_1y": _block(full, plain, modelled, [(o, o + 1) for o in origins]),
        "rolling_3y": _block(full, plain, modelled, [(o, o + h) for o in origins for h in (1, 2, 3)
                                                       if o + h <= test[1]]),
        "contested": contested_report(contested, latent[:, russia, :], train, test),
        "origins": [origins[0], origins[-1]] if origins else [],
    }


def _baselines(record: Record, origin: int) -> tuple[np.ndarray, np.ndarray]:
    """Persistence and climatology known at ``origin``: last value and mean of the record up to it."""
    seen = record.mask(int(record.years[0]), origin)
    with np.errstate(invalid="ignore"):
        climatology = np.nanmean(np.where(seen, record.values, np.nan), axis=1)
    return record.persistence(before=origin + 1), climatology


def _block(full: VotingModel, plain: VotingModel, modelled: np.ndarray, pairs: list[tuple[int, int]]) -> dict:
    """Scores over every partner's forecast for each ``(origin, year)`` with a record, and over model actors."""
    record = full.record
    keys = ("obs", "pred", "plain", "persistence", "climatology", "samples", "actor", "year")
    rows: dict[str, list[np.ndarray]] = {key: [] for key in keys}
    for origin, year in pairs:
        observed = record.values[:, record.column(year)]
        ours, theirs = full.forecast(origin, year), plain.forecast(origin, year)
        persistence, climatology = _baselines(record, origin)
        keep = ~np.isnan(observed) & ~np.isnan(ours.mean) & ~np.isnan(persistence)
        for key, values in (("obs", observed), ("pred", ours.mean), ("plain", theirs.mean),
                            ("persistence", persistence), ("climatology", climatology),
                            ("samples", ours.samples), ("actor", modelled),
                            ("year", np.full(len(observed), year))):
            rows[key].append(values[keep])
    flat = {key: np.concatenate(values) if values else np.empty(0) for key, values in rows.items()}
    return {**_scores(flat, np.ones(len(flat["obs"]), dtype=bool)),
            "model_partners": _scores(flat, flat["actor"].astype(bool)),
            "pairs": len(pairs)}


def _scores(flat: dict, rows: np.ndarray) -> dict:
    clip = np.clip
    out = summary(flat["obs"][rows], clip(flat["pred"][rows], 0, 1), flat["persistence"][rows],
                  flat["climatology"][rows], clip(flat["samples"][rows], 0, 1), groups=flat["year"][rows])
    out["mae_without_simulation"] = mae(clip(flat["plain"][rows], 0, 1), flat["obs"][rows])
    out["skill_without_simulation_vs_persistence"] = skill(out["mae_without_simulation"], out["mae_persistence"])
    return out


def contested_report(data: Contested, regard: np.ndarray, train: tuple[int, int], test: tuple[int, int]) -> dict:
    """Tajikistan's score on the votes where alignment with Russia is at stake, forecast and scored apart."""
    full = ContestedModel.fit(data, regard, train)
    plain = ContestedModel.fit(data, regard, train, with_simulation=False)
    origins = list(range(test[0], test[1]))

    def block(pairs: list[tuple[int, int]]) -> dict:
        obs: list[float] = []
        ours: list[float] = []
        theirs: list[float] = []
        persistence: list[float] = []
        climatology: list[float] = []
        targets: list[int] = []
        for origin, year in pairs:
            target = int(np.flatnonzero(data.years == year)[0])
            last = full.last(origin)
            if np.isnan(data.score[target]) or last is None:
                continue
            seen = ~np.isnan(data.score) & (data.years <= origin)
            obs.append(float(data.score[target]))
            targets.append(year)
            ours.append(float(full.forecast(origin, year).mean()))
            theirs.append(float(plain.forecast(origin, year).mean()))
            persistence.append(float(data.score[last]))
            climatology.append(float(data.score[seen].mean()))
        observed = np.array(obs)
        out: dict = {"n": len(obs), "mae": mae(np.array(ours), observed),
               "mae_without_simulation": mae(np.array(theirs), observed),
               "mae_persistence": mae(np.array(persistence), observed),
               "mae_climatology": mae(np.array(climatology), observed)}
        out["skill_vs_persistence"] = skill(out["mae"], out["mae_persistence"])
        out["skill_vs_climatology"] = skill(out["mae"], out["mae_climatology"])
        out["skill_vs_persistence_95"] = list(skill_interval(np.abs(np.array(ours) - observed),
                                                             np.abs(np.array(persistence) - observed),
                                                             np.array(targets)))
        return out

    return {
        "model": full.to_dict(),
        "model_without_simulation": plain.to_dict(),
        "latent": f"{LATENT} TJK->RUS",
        "test": block([(train[1], y) for y in range(test[0], test[1] + 1)]),
        "rolling_1y": block([(o, o + 1) for o in origins]),
        "rolling_3y": block([(o, o + h) for o in origins for h in (1, 2, 3) if o + h <= test[1]]),
        "yearly": {int(y): {"score": float(s), "n": int(n)} for y, s, n in zip(data.years, data.score, data.n)
                   if not np.isnan(s)},
    }
