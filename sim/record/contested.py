"""Tajikistan's votes where alignment with Russia is at stake, and their forecast, scored apart.

``calibration/record/unga_contested.csv`` (UNGA.md) gives, year by year, how Tajikistan voted on the
roll calls about Ukraine, Crimea and Georgia and on the human-rights resolutions on named countries
that Russia opposed: ``score`` = share voting with Russia + half the share abstaining or absent. These
few votes (one to five a year) are where a client's loyalty is tested in public, so a model of
alignment with Russia should say something about them that the whole agenda hides.

The forecast is the one-series version of the voting model: from the last observed year, the score
returns towards its training mean at rate ``rho ** h`` and moves by ``gain`` times the change of the
simulation's regard of Tajikistan for Russia; ``gain = 0`` is the same without the simulation.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.paths import record_dir
from sim.record.voting import RHO_GRID

GAIN_GRID = (0.0, 0.25, 0.5, 1.0, 2.0)


@dataclass(frozen=True)
class Contested:
    """The yearly score on the given year axis (NaN where Tajikistan faced no contested vote)."""

    years: np.ndarray
    score: np.ndarray
    n: np.ndarray


def load_contested(years: np.ndarray, folder=None) -> Contested:
    table = pd.read_csv((folder or record_dir()) / "unga_contested.csv").set_index("year").reindex(years)
    return Contested(np.asarray(years), table["score"].to_numpy(float), table["n"].fillna(0).to_numpy(int))


@dataclass(frozen=True)
class ContestedModel:
    """``score[y] = mean + rho**h (score[o] - mean) + gain (regard[y] - regard[o])``, per replicate."""

    data: Contested
    regard: np.ndarray  # [replicate, year]: simulated regard TJK -> RUS
    train: tuple[int, int]
    rho: float
    gain: float

    @classmethod
    def fit(cls, data: Contested, regard: np.ndarray, train: tuple[int, int],
            with_simulation: bool = True) -> ContestedModel:
        """Choose ``rho`` and ``gain >= 0`` on one-year-ahead forecasts inside the training years."""
        best, chosen = np.inf, (1.0, 0.0)
        origins = list(range(train[0] + 2, train[1]))
        for rho, gain in itertools.product(RHO_GRID[::-1], GAIN_GRID if with_simulation else (0.0,)):
            model = cls(data, regard, train, float(rho), float(gain))
            misses = np.array([model.forecast(o, o + 1).mean() - data.score[_index(data.years, o + 1)]
                               for o in origins])
            misses = misses[~np.isnan(misses)]
            loss = float(np.abs(misses).mean()) if misses.size else np.inf
            if loss < best - 1e-12:
                best, chosen = loss, (float(rho), float(gain))
        return cls(data, regard, train, *chosen)

    def training_mean(self) -> float:
        inside = (self.data.years >= self.train[0]) & (self.data.years <= self.train[1])
        return float(np.nanmean(self.data.score[inside]))

    def last(self, origin: int) -> int | None:
        seen = np.flatnonzero(~np.isnan(self.data.score) & (self.data.years <= origin))
        return int(seen[-1]) if seen.size else None

    def forecast(self, origin: int, year: int) -> np.ndarray:
        """Every replicate's forecast of ``year`` from the record up to ``origin``."""
        last, target = self.last(origin), _index(self.data.years, year)
        if last is None:
            return np.full(self.regard.shape[0], np.nan)
        mean, steps = self.training_mean(), year - int(self.data.years[last])
        level = mean + self.rho ** steps * (self.data.score[last] - mean)
        drift = np.nan_to_num(self.regard[:, target] - self.regard[:, last])
        return np.clip(level + self.gain * drift, 0.0, 1.0)

    def to_dict(self) -> dict:
        return {"form": "score[y] = training mean + rho**h * (score[o] - mean) + gain * change of simulated regard "
                        "TJK->RUS", "fitted_on": list(self.train), "rho": self.rho, "gain": self.gain}


def _index(years: np.ndarray, year: int) -> int:
    return int(np.flatnonzero(years == year)[0])
