"""The UN voting model: Tajikistan's ideal point moved by the simulation, forecast as changes.

The shared-slope observation model (:mod:`sim.record.observation`) maps the simulated alignment onto
agreement directly; its fitted slope is 0, so it predicts climatology. This model instead follows the
structure of the Assembly itself, from the derived tables of ``calibration/record/UNGA.md``:

    agreement[p, y] = alpha[y] + beta[y] * |theta_TJK[y] - theta_p[y]| + delta[p, y]

* ``theta`` are yearly ideal points on the Assembly's first dimension (``unga_ideal_points.csv``),
  ``alpha``/``beta`` the year's agenda (``unga_agenda.csv``), ``delta`` what is particular to the pair.
* A forecast from an origin year ``o`` (everything up to ``o`` observed) to a year ``y = o + h`` starts
  from each pair's *level* and changes it:

  - The level is the pair's agreement smoothed over its observed years (exponentially, weight
    ``smooth`` on the newest: a local-level model in its steady state). A year's agreement is partly
    that year's agenda, which the next year need not repeat: the yearly changes of 2000-2009
    correlate at -0.48 with the year before's (-0.15 from 1995), so there a level that remembers
    earlier years forecast the next one better than the last year alone. (In 2011-2019 the
    correlation is +0.01, and the gain one year ahead shrinks to a tie.)
  - Tajikistan's ideal point moves by ``gain * (s[y] - s[o])``, where ``s`` is the position the
    simulation implies: the mean of the partners' training-years ideal points, weighted by
    Tajikistan's simulated regard for them (its positive part). Tajikistan votes more like those it
    leans towards; ``gain = 0`` is the same model without the simulation.
  - Partners' positions stay where they were last seen (they are other states' choices).
  - The agenda and the pair's particular term may return towards their training means at rates
    ``rho_agenda ** h`` and ``rho_pair ** h``; the fit holds both at 1 (see below).

  With ``smooth = rho_pair = rho_agenda = 1`` and ``gain = 0`` the forecast is persistence exactly,
  so the model nests the baseline it is scored against.
* ``smooth`` is chosen first, on the grid :data:`SMOOTH_GRID` with the rates at 1 and no gain, then
  ``gain >= 0`` on :data:`GAIN_GRID` given it (ties keep the value nearer persistence), to minimise
  the one-year-ahead absolute error over origins inside the training years only. The rates are not
  searched: on training years alone (origins 1999-2008 refitted each year on the years before, and
  a fit on 1992-2003 scored on 2004-2009) reverting to a fixed training mean forecast worse than
  the smoothed level alone, most at two and three years ahead; fitted together with ``smooth``
  they lowered the error inside the fit's own years and raised it on the years after.
* The predictive distribution is every replicate's forecast plus the errors the same model made at
  that horizon in the :data:`ERROR_WINDOW` years before the origin (their quantiles; every such
  error is observable at the origin), so intervals are as wide as the model was wrong lately. The
  1990s, when the Assembly's agenda and Tajikistan's votes moved far more than since, would
  otherwise widen every later interval (with all training errors, 90% intervals covered 96-99%).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np
import pandas as pd

from sim.paths import record_dir
from sim.record.observation import Record

RHO_GRID = tuple(np.round(np.linspace(0.0, 1.0, 11), 2))
GAIN_GRID = (0.0, 0.25, 0.5, 1.0, 2.0, 4.0)
#: Weights of the newest year in a pair's smoothed level, from persistence (1) down.
SMOOTH_GRID = (1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3)
#: Quantiles of the training errors that stand for the forecast error in predictive samples.
ERROR_DRAWS = 15
#: Fewest errors a horizon needs for its own error quantiles (else the nearest shorter one).
MIN_ERRORS = 30
#: How many years of past forecasts, before an origin, give its intervals their errors.
ERROR_WINDOW = 10


@dataclass(frozen=True)
class Positions:
    """Ideal points and the agenda on the record's year axis."""

    years: np.ndarray
    tajik: np.ndarray  # [year]
    partner: np.ndarray  # [partner, year]
    alpha: np.ndarray  # [year]
    beta: np.ndarray  # [year]


def load_positions(record: Record, folder=None) -> Positions:
    """Read ``unga_ideal_points.csv`` and ``unga_agenda.csv`` onto ``record``'s partners and years."""
    folder = folder or record_dir()
    ideal = pd.read_csv(folder / "unga_ideal_points.csv").pivot(index="country", columns="year", values="ideal")
    ideal = ideal.reindex(index=["TJK", *record.partners], columns=record.years)
    agenda = pd.read_csv(folder / "unga_agenda.csv").set_index("year").reindex(record.years)
    values = ideal.to_numpy(dtype=float)
    return Positions(record.years, values[0], values[1:], agenda["alpha"].to_numpy(float),
                     agenda["beta"].to_numpy(float))


def implied_position(latent: np.ndarray, positions: Positions, train: tuple[int, int]) -> np.ndarray:
    """The simulation's ideal point for Tajikistan, ``[replicate, year]``.

    ``latent`` is ``[replicate, partner, year]`` (:func:`sim.record.observation.yearly_latent`).
    Each modelled partner's weight is Tajikistan's regard for it, where positive; its place is its
    mean ideal point over the training years. NaN in years the run does not reach.
    """
    inside = (positions.years >= train[0]) & (positions.years <= train[1])
    place = np.nanmean(np.where(inside[None, :], positions.partner, np.nan), axis=1)
    usable = ~np.isnan(place) & ~np.isnan(latent).all(axis=(0, 2))
    weight = np.clip(latent[:, usable, :], 0.0, None)
    total = weight.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (weight * place[usable][None, :, None]).sum(axis=1) / total


@dataclass(frozen=True)
class Forecast:
    """A forecast of one target year from one origin: point and samples for every partner."""

    mean: np.ndarray  # [partner]
    samples: np.ndarray  # [partner, member]


@dataclass(frozen=True)
class VotingModel:
    """The fitted voting model; see the module doc."""

    record: Record
    positions: Positions
    implied: np.ndarray  # [replicate, year]
    train: tuple[int, int]
    rho_pair: float
    rho_agenda: float
    gain: float
    errors: dict[int, np.ndarray]  # horizon -> sorted training errors (observed - forecast)
    smooth: float = 1.0  # weight of the newest year in each pair's level (1: the last observed agreement)
    _recent: dict = field(default_factory=dict, init=False, repr=False, compare=False)  # (origin, horizon) -> errors

    @classmethod
    def fit(cls, record: Record, positions: Positions, latent: np.ndarray, train: tuple[int, int],
            with_simulation: bool = True) -> VotingModel:
        """Choose ``smooth``, then the gain, on one-year-ahead forecasts made inside ``train``."""
        implied = implied_position(latent, positions, train)
        origins = training_origins(record, train)
        model = cls(record, positions, implied, train, 1.0, 1.0, 0.0, {})
        model = model._best(origins, [{"smooth": float(value)} for value in SMOOTH_GRID])
        model = model._best(origins, [{"gain": float(gain)} for gain in (GAIN_GRID if with_simulation else (0.0,))])
        longest = train[1] - origins[0] if origins else 0
        errors = {h: np.sort(model.training_errors(origins, horizon=h)) for h in range(1, longest + 1)}
        return replace(model, errors=errors)

    def _best(self, origins: list[int], choices: list[dict]) -> VotingModel:
        """The first of ``choices`` (changes to this model) with the least one-year-ahead training error."""
        best, chosen = np.inf, self
        for change in choices:
            model = replace(self, **change)
            error = model.training_errors(origins, horizon=1)
            loss = float(np.abs(error).mean()) if error.size else np.inf
            if loss < best - 1e-12:
                best, chosen = loss, model
        return chosen

    # --- the state at an origin ------------------------------------------------------------

    @cached_property
    def _pair(self) -> np.ndarray:
        """``delta[p, y]``: what the agenda line leaves of each pair's agreement (NaN where unobserved)."""
        p = self.positions
        return self.record.values - (p.alpha + p.beta * np.abs(p.tajik - p.partner))

    @cached_property
    def _level(self) -> np.ndarray:
        """Each pair's level: agreement smoothed over its observed years, ``smooth`` on the newest."""
        out = np.full_like(self.record.values, np.nan)
        for q, row in enumerate(self.record.values):
            level = np.nan
            for j in np.flatnonzero(~np.isnan(row)):
                level = row[j] if np.isnan(level) else self.smooth * row[j] + (1.0 - self.smooth) * level
                out[q, j] = level
        return out

    @cached_property
    def _means(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The training means the agenda and each pair's term return towards."""
        p = self.positions
        return self._training_mean(p.alpha), self._training_mean(p.beta), self._training_mean(self._pair)

    def _training_mean(self, values: np.ndarray) -> np.ndarray:
        inside = (self.record.years >= self.train[0]) & (self.record.years <= self.train[1])
        return np.nanmean(np.where(inside, values, np.nan), axis=-1)

    @staticmethod
    def _last(values: np.ndarray, years: np.ndarray, origin: int) -> int | None:
        seen = np.flatnonzero(~np.isnan(values) & (years <= origin))
        return int(seen[-1]) if seen.size else None

    def forecast(self, origin: int, year: int) -> Forecast:
        """Forecast ``year`` from the record up to ``origin`` (``year > origin``)."""
        members, horizon = self._members(origin, year)
        return Forecast(members.mean(axis=1), self._samples(members, horizon, origin))

    def _members(self, origin: int, year: int) -> tuple[np.ndarray, np.ndarray]:
        """Each replicate's forecast ``[partner, replicate]``, and each partner's horizon from its
        last observed year."""
        years, p = self.record.years, self.positions
        pair = self._pair
        alpha_mean, beta_mean, pair_mean = self._means
        agenda_at = self._last(p.alpha, years, origin)
        tajik_at = self._last(p.tajik, years, origin)
        target = int(np.flatnonzero(years == year)[0])
        h_agenda = year - int(years[agenda_at])
        alpha = _revert(p.alpha[agenda_at], alpha_mean, self.rho_agenda, h_agenda)
        beta = _revert(p.beta[agenda_at], beta_mean, self.rho_agenda, h_agenda)
        drift = self.implied[:, target] - self.implied[:, tajik_at]
        tajik = p.tajik[tajik_at] + self.gain * np.nan_to_num(drift)  # [replicate]
        members = np.full((len(self.record.partners), len(tajik)), np.nan)
        horizon = np.zeros(len(self.record.partners), dtype=int)
        for q in range(len(self.record.partners)):
            last = self._last(pair[q], years, origin)
            if last is None:
                continue
            horizon[q] = year - int(years[last])
            term = _revert(pair[q, last], pair_mean[q], self.rho_pair, horizon[q])
            start = self._level[q, last] - self.record.values[q, last]  # 0 when smooth = 1
            members[q] = alpha + beta * np.abs(tajik - p.partner[q, last]) + term + start
        return members, horizon

    def _samples(self, members: np.ndarray, horizon: np.ndarray, origin: int) -> np.ndarray:
        if not self.errors:
            return members
        levels = (np.arange(ERROR_DRAWS) + 0.5) / ERROR_DRAWS
        out = np.full((members.shape[0], members.shape[1] * ERROR_DRAWS), np.nan)
        for q, h in enumerate(horizon):
            if h < 1:
                continue
            errors = self.errors_before(origin, int(h))
            shifts = np.quantile(errors, levels) if errors.size else np.zeros(ERROR_DRAWS)
            out[q] = (members[q][:, None] + shifts[None, :]).ravel()
        return out

    def errors_at(self, horizon: int) -> np.ndarray:
        """Training errors at ``horizon``, or at the longest shorter horizon that has enough of them."""
        for h in range(horizon, 0, -1):
            if self.errors.get(h, np.empty(0)).size >= MIN_ERRORS:
                return self.errors[h]
        return self.errors.get(1, np.empty(0))

    def errors_before(self, origin: int, horizon: int) -> np.ndarray:
        """The errors of the forecasts made at ``horizon`` (or the longest shorter horizon with
        enough of them) from origins in the :data:`ERROR_WINDOW` years before ``origin``, whose
        targets are observed by ``origin``; the training errors where too few are."""
        for h in range(horizon, 0, -1):
            found = self._recent.get((origin, h))
            if found is None:
                first = max(origin - ERROR_WINDOW, self.train[0] + 2)
                found = self._recent[(origin, h)] = self._errors_from(range(first, origin - h + 1), h)
            if found.size >= MIN_ERRORS:
                return found
        return self.errors_at(horizon)

    def _errors_from(self, origins, horizon: int) -> np.ndarray:
        """``observed - forecast`` over every partner, for forecasts from ``origins`` at ``horizon``."""
        out = []
        for origin in origins:
            year = origin + horizon
            if year not in self.record.years:
                continue
            observed = self.record.values[:, self.record.column(year)]
            predicted = self._members(origin, year)[0].mean(axis=1)
            keep = ~np.isnan(observed) & ~np.isnan(predicted)
            out.append(observed[keep] - predicted[keep])
        return np.concatenate(out) if out else np.empty(0)

    def training_errors(self, origins: list[int], horizon: int) -> np.ndarray:
        """``observed - forecast`` over every partner, for origins in ``origins`` and targets in training."""
        return self._errors_from([origin for origin in origins if origin + horizon <= self.train[1]], horizon)

    def to_dict(self) -> dict:
        return {
            "form": "agreement[p,y] = alpha[y] + beta[y]*|theta_TJK[y] - theta_p[y]| + delta[p,y]; forecasts start "
                    "from each pair's level (agreement smoothed with weight smooth on the newest year), move "
                    "theta_TJK by gain * change of the simulation's implied position, keep theta_p, and return "
                    "alpha, beta (rate rho_agenda) and delta (rate rho_pair) towards their training means",
            "fitted_on": list(self.train),
            "smooth": self.smooth,
            "rho_pair": self.rho_pair,
            "rho_agenda": self.rho_agenda,
            "gain": self.gain,
            "intervals": f"errors of the same model's forecasts at the same horizon from origins in the {ERROR_WINDOW} "
                         "years before the origin, targets observed by then",
        }


def _revert(value, mean, rate: float, steps: int):
    """``mean + rate**steps * (value - mean)``, with ``rate**0 = 1``."""
    return mean + rate ** max(steps, 0) * (value - mean)


def training_origins(record: Record, train: tuple[int, int]) -> list[int]:
    """Origins for fitting: every year from three years into training to the last but one."""
    return [y for y in range(train[0] + 2, train[1]) if record.mask(train[0], y).any()]
