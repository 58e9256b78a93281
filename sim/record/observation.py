"""The observation model: from the model's latent alignment to UN General Assembly agreement.

The simulation has no votes. Its latent variable is how Tajikistan regards each partner,
``alignment`` TJK -> partner in [-1, 1], month by month and replicate by replicate. The record
(``calibration/record/unga_agreement.csv``, see ``UNGA.md``) is Voeten's yearly agreement index
in [0, 1]. This module maps one onto the other:

    agreement[p, y] = clip(a_p + b * x[p, y] + sigma_p * e, 0, 1),      e ~ N(0, 1)

* ``x[p, y]`` is the latent alignment TJK -> p averaged over the months of calendar year ``y``
  (Tajikistan's votes are its own stance, hence the direction TJK -> partner);
* ``a_p`` is a per-partner baseline: much of the UN agreement level is the partner's place in
  the Assembly's blocs (the United States disagrees with nearly everyone), not bilateral warmth;
* ``b >= 0`` is one slope shared by all partners: a year's change of alignment moves agreement
  alike with everyone. It is estimated *within* partners (least squares with per-partner
  intercepts), so it measures whether the model's movements over time go with the record's;
  it is held at 0 when the data say the two move against each other;
* ``sigma_p`` is the partner's year-to-year noise the model does not explain (residual variance
  minus the spread the ensemble itself already has, with a floor).

Partners of the table that are not actors of the model (IND, JPN, KOR, SAU, ARE, DEU, GBR, FRA)
have no latent variable: their prediction is ``a_p`` alone, which is the training mean, i.e. the
climatology baseline itself, with ``sigma_p`` the training standard deviation.

The fit is closed-form (no optimiser), so calibration profiles it out for every candidate of the
behavioural parameters. Rows resting on fewer than ``MIN_N`` roll calls are dropped (the 2020
rows have one roll call each; Turkmenistan 1996 two; Kyrgyzstan 1992 nine).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import norm

from sim.core.recording import TRACKED
from sim.paths import record_dir

#: Fewest roll calls a (partner, year) row must rest on to be used at all.
MIN_N = 10
#: Smallest observation noise: keeps intervals honest where a partner barely moves.
SIGMA_FLOOR = 0.01
#: The latent variable read from the model (``sim.model.TRACKED``).
LATENT = "alignment"


def agreement_path() -> Path:
    return record_dir() / "unga_agreement.csv"


@dataclass(frozen=True)
class Record:
    """The agreement table as a matrix ``values[partner, year]`` (NaN where no usable row)."""

    partners: tuple[str, ...]
    years: np.ndarray
    values: np.ndarray
    counts: np.ndarray

    def column(self, year: int) -> int:
        return int(np.flatnonzero(self.years == year)[0])

    def mask(self, first: int, last: int) -> np.ndarray:
        """Usable rows with ``first <= year <= last``, as a boolean ``[partner, year]`` mask."""
        inside = (self.years >= first) & (self.years <= last)
        return ~np.isnan(self.values) & inside[None, :]

    def last_year(self) -> int:
        """The last year with any usable row."""
        return int(self.years[~np.isnan(self.values).all(axis=0)].max())

    def persistence(self, before: int) -> np.ndarray:
        """Each partner's last usable value in a year before ``before`` (NaN if none)."""
        out = np.full(len(self.partners), np.nan)
        for p in range(len(self.partners)):
            seen = np.flatnonzero(~np.isnan(self.values[p]) & (self.years < before))
            if seen.size:
                out[p] = self.values[p, seen[-1]]
        return out

    def climatology(self, first: int, last: int) -> tuple[np.ndarray, np.ndarray]:
        """Each partner's mean and standard deviation over the usable rows of ``first..last``."""
        masked = np.where(self.mask(first, last), self.values, np.nan)
        with np.errstate(invalid="ignore"):
            return np.nanmean(masked, axis=1), np.nanstd(masked, axis=1, ddof=1)


def load_record(path: str | Path | None = None, years: np.ndarray | None = None, min_n: int = MIN_N) -> Record:
    """Read ``unga_agreement.csv`` into a :class:`Record`, dropping rows with ``n < min_n``.

    ``years`` fixes the year axis (default: the table's first to last year, gaps included,
    so 2001, when Tajikistan cast no vote, is a column of NaN).
    """
    table = pd.read_csv(path or agreement_path())
    partners = tuple(dict.fromkeys(table["partner"]))
    if years is None:
        years = np.arange(table["year"].min(), table["year"].max() + 1)
    values = np.full((len(partners), len(years)), np.nan)
    counts = np.zeros((len(partners), len(years)), dtype=int)
    index = {year: n for n, year in enumerate(years)}
    for row in table.itertuples(index=False):
        if row.year in index:
            p, y = partners.index(row.partner), index[row.year]
            counts[p, y] = row.n
            if row.n >= min_n:
                values[p, y] = row.agreement
    return Record(partners, np.asarray(years), values, counts)


def yearly_latent(dyads: np.ndarray, months: np.ndarray, codes: list[str], partners: tuple[str, ...],
                  years: np.ndarray) -> np.ndarray:
    """Latent alignment TJK -> partner averaged over each calendar year: ``[replicate, partner, year]``.

    ``dyads`` is the model's record ``[month, replicate, variable, actor]`` (``sim.core.recording.TRACKED``
    order), ``months`` the month numbers. Partners that are not model actors, and years the run
    does not reach, are NaN.
    """
    variable = TRACKED.index(LATENT)
    replicates = dyads.shape[1]
    out = np.full((replicates, len(partners), len(years)), np.nan)
    month_years = np.asarray(months) // 12
    columns = [codes.index(p) if p in codes else -1 for p in partners]
    for y, year in enumerate(years):
        inside = month_years == year
        if not inside.any():
            continue
        means = dyads[inside, :, variable, :].mean(axis=0, dtype=np.float64)  # [replicate, actor]
        for p, column in enumerate(columns):
            if column >= 0:
                out[:, p, y] = means[:, column]
    return out


@dataclass(frozen=True)
class ObservationModel:
    """``agreement = clip(intercept[p] + slope * latent + sigma[p] * e, 0, 1)``; see the module doc."""

    partners: tuple[str, ...]
    intercept: np.ndarray
    slope: float
    sigma: np.ndarray
    modelled: np.ndarray = field(repr=False)

    @classmethod
    def fit(cls, latent: np.ndarray, record: Record, first: int, last: int) -> ObservationModel:
        """Fit on the record's usable rows of years ``first..last``.

        ``latent`` is ``[replicate, partner, year]`` on the record's axes. The slope is the
        pooled within-partner least-squares slope of agreement on the ensemble-mean latent,
        held at >= 0; the intercepts make each partner's fitted mean equal its observed mean.
        """
        mask = record.mask(first, last)
        obs = record.values
        mean_latent = latent.mean(axis=0)
        modelled = ~np.isnan(mean_latent).all(axis=1)
        used = mask & modelled[:, None] & ~np.isnan(mean_latent)
        num = den = 0.0
        x_bar = np.zeros(len(record.partners))
        for q in np.flatnonzero(modelled):
            rows = used[q]
            if rows.sum() < 2:
                continue
            x, y = mean_latent[q, rows], obs[q, rows]
            x_bar[q] = x.mean()
            num += float(((x - x.mean()) * (y - y.mean())).sum())
            den += float(((x - x.mean()) ** 2).sum())
        slope = max(num / den, 0.0) if den > 1e-12 else 0.0
        intercept = np.full(len(record.partners), np.nan)
        sigma = np.full(len(record.partners), np.nan)
        for p in range(len(record.partners)):
            rows = used[p] if modelled[p] else mask[p]
            if not rows.any():
                continue
            y = obs[p, rows]
            if modelled[p]:
                intercept[p] = y.mean() - slope * mean_latent[p, rows].mean()
                resid = y - (intercept[p] + slope * mean_latent[p, rows])
                spread = float((slope * latent[:, p, rows]).var(axis=0).mean())
            else:
                intercept[p] = y.mean()
                resid, spread = y - y.mean(), 0.0
            dof = max(len(y) - 1, 1)
            sigma[p] = np.sqrt(max(float((resid ** 2).sum()) / dof - spread, SIGMA_FLOOR ** 2))
        return cls(tuple(record.partners), intercept, float(slope), sigma, modelled)

    # --- prediction ------------------------------------------------------------------------

    def members(self, latent: np.ndarray) -> np.ndarray:
        """Noise-free prediction of each replicate, ``[replicate, partner, year]`` (not clipped)."""
        x = np.where(self.modelled[None, :, None], np.nan_to_num(latent), 0.0)
        return self.intercept[None, :, None] + self.slope * x

    def mean(self, latent: np.ndarray) -> np.ndarray:
        """The point prediction ``[partner, year]``: the ensemble mean, clipped to [0, 1]."""
        return np.clip(self.members(latent).mean(axis=0), 0.0, 1.0)

    def samples(self, latent: np.ndarray, draws: int = 15) -> np.ndarray:
        """Predictive samples ``[partner, year, member]``: every replicate with ``draws`` noise values.

        The noise values are fixed quantiles of N(0, 1) (``(k - 0.5) / draws``), a quadrature of
        the observation noise rather than random draws, so scores are deterministic.
        """
        z = norm.ppf((np.arange(draws) + 0.5) / draws)
        members = self.members(latent)  # [R, P, Y]
        noise = self.sigma[:, None, None] * z[None, None, :]  # [P, 1, K]
        out = members.transpose(1, 2, 0)[:, :, :, None] + noise[:, :, None, :]  # [P, Y, R, K]
        return np.clip(out.reshape(out.shape[0], out.shape[1], -1), 0.0, 1.0)

    def invert(self, agreement: np.ndarray) -> np.ndarray:
        """The latent alignment at which the noise-free prediction equals ``agreement`` (per partner).

        NaN where the partner is not modelled, the slope is 0, or ``agreement`` is NaN; clipped
        to [-1, 1] otherwise. Used to restart a run from the record.
        """
        with np.errstate(divide="ignore", invalid="ignore"):
            x = (np.asarray(agreement, dtype=float) - self.intercept) / self.slope if self.slope > 0 else \
                np.full(len(self.partners), np.nan)
        x = np.where(self.modelled, x, np.nan)
        return np.clip(x, -1.0, 1.0)

    # --- as a file -------------------------------------------------------------------------

    def to_dict(self) -> dict:
        """Plain, rounded values for ``calibration/params.yaml`` (key ``observation``)."""
        return {
            "form": "agreement = clip(intercept[p] + slope * mean alignment TJK->p over the year + sigma[p] * e, 0, 1)",
            "latent": f"{LATENT} TJK->partner",
            "min_n": MIN_N,
            "slope": _round(self.slope),
            "intercept": {p: _round(v) for p, v in zip(self.partners, self.intercept) if not np.isnan(v)},
            "sigma": {p: _round(v) for p, v in zip(self.partners, self.sigma) if not np.isnan(v)},
            "modelled": [p for p, m in zip(self.partners, self.modelled) if m],
        }

    @classmethod
    def from_dict(cls, data: dict, partners: tuple[str, ...]) -> ObservationModel:
        """Read back :meth:`to_dict`'s form for the given partner order."""
        modelled = set(data.get("modelled", []))
        return cls(
            tuple(partners),
            np.array([float(data["intercept"].get(p, np.nan)) for p in partners]),
            float(data["slope"]),
            np.array([float(data["sigma"].get(p, np.nan)) for p in partners]),
            np.array([p in modelled for p in partners]),
        )


def _round(value: float, digits: int = 6) -> float:
    """Six significant digits: stable text in YAML, far finer than the data."""
    return float(f"{float(value):.{digits}g}")
