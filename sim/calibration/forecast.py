"""Ensembles that predict the UN agreement table: free runs, restarts from the record, forecasts.

A *free run* replays the scenario from 1991 and reads the latent alignment off every year.
A *restart from the record* runs the same ensemble up to an origin month, then sets Tajikistan's
alignment with each modelled partner to the value the observation model maps onto the last
observed agreement (:meth:`ObservationModel.invert`), and lets the model carry on from there:
the prediction starts at persistence and then follows the model's own dynamics. Calibration
scores both (``rolling`` in ``report.json``); ``tajsim forecast`` uses the UN voting
model (:mod:`sim.record.voting`) on a free run and writes ``unga_forecast.csv`` with a 90% interval
for every partner.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim.core.model import TajikistanModel
from sim.errors import UserError
from sim.files import atomic_write
from sim.record.observation import ObservationModel, Record, load_record, yearly_latent
from sim.record.scores import LEVEL, interval
from sim.running.runner import advance
from sim.scenario import Scenario

FORECAST_COLUMNS = ["partner", "year", "agreement_mean", "agreement_lo", "agreement_hi"]
#: Noise quadrature points per replicate in reported predictive distributions.
DRAWS = 15


class ForecastError(UserError, ValueError):
    """A forecast that cannot be made as asked; the message is one line."""


def record_for(plan: Scenario) -> Record:
    """The agreement record on a year axis from its first year to the end of the scenario."""
    first = load_record()
    return load_record(years=np.arange(int(first.years[0]), plan.end // 12 + 1))


def run_ensemble(plan: Scenario, record: Record, *, seed: int, replicates: int,
                 restart_month: int | None = None, restart_latent: np.ndarray | None = None,
                 months: Callable[[int], object] | None = None) -> np.ndarray:
    """Run ``replicates`` histories and return the yearly latent ``[replicate, partner, year]``.

    With ``restart_month``, the run stops just before that month is simulated, Tajikistan's
    alignment with each partner whose ``restart_latent`` is finite is set to that value in every
    replicate, and the run goes on to the scenario's end. ``months``, if given, is called with 1
    after each month simulated (a progress bar).
    """
    model = TajikistanModel(plan, seed=seed, replicates=replicates)
    if restart_month is None:
        advance(model, months)
    else:
        if not plan.start < restart_month <= plan.end:
            raise ForecastError(f"restart month {restart_month} lies outside the scenario")
        advance(model, months, restart_month - plan.start)
        assert restart_latent is not None, "a restart needs the latent to restart from"
        assimilate(model, record.partners, restart_latent)
        advance(model, months, plan.end - restart_month + 1)
    history = model.history
    return yearly_latent(np.stack(history.dyads), np.array(history.months), model.codes, record.partners, record.years)


def assimilate(model: TajikistanModel, partners: tuple[str, ...], latent: np.ndarray) -> None:
    """Overwrite alignment TJK -> partner with ``latent`` (NaN entries are left alone)."""
    w = model.world
    for code, value in zip(partners, latent):
        if code in model.codes and np.isfinite(value):
            w.alignment[:, w.tjk, w.i(code)] = value


def restart_prediction(plan: Scenario, record: Record, observation: ObservationModel, origin_month: int, *,
                       seed: int, replicates: int, months: Callable[[int], object] | None = None) -> np.ndarray:
    """The yearly latent of an ensemble restarted at ``origin_month`` from the last record before it.

    "The last record" is each partner's last usable value in a year before the origin's year,
    so nothing of the origin's own year is used.
    """
    last = record.persistence(before=origin_month // 12)
    return run_ensemble(plan, record, seed=seed, replicates=replicates, restart_month=origin_month,
                        restart_latent=observation.invert(last), months=months)


@dataclass(frozen=True)
class Prediction:
    """Point prediction and predictive samples on the record's axes."""

    mean: np.ndarray  # [partner, year]
    samples: np.ndarray  # [partner, year, member]

    @classmethod
    def of(cls, observation: ObservationModel, latent: np.ndarray, draws: int = DRAWS) -> Prediction:
        return cls(observation.mean(latent), observation.samples(latent, draws))


def forecast_table(record: Record, prediction: Prediction, years: list[int], level: float = LEVEL) -> pd.DataFrame:
    """``partner,year,agreement_mean,agreement_lo,agreement_hi`` for every partner and year."""
    lower, upper = interval(prediction.samples, level)
    rows = []
    for p, partner in enumerate(record.partners):
        for year in years:
            y = record.column(year)
            rows.append((partner, year, prediction.mean[p, y], lower[p, y], upper[p, y]))
    table = pd.DataFrame(rows, columns=FORECAST_COLUMNS)
    # the interval comes from the samples, the mean from the ensemble: keep lo <= mean <= hi
    table["agreement_lo"] = np.minimum(table["agreement_lo"], table["agreement_mean"])
    table["agreement_hi"] = np.maximum(table["agreement_hi"], table["agreement_mean"])
    return table


def check_range(plan: Scenario, from_year: int, to_year: int) -> Record:
    """The record, once the years are known to be forecastable; a one-line ForecastError otherwise."""
    record = record_for(plan)
    first, last_data = int(record.years[0]), record.last_year()
    if not first + 3 <= from_year <= last_data:
        raise ForecastError(f"--from: must lie in {first + 3}..{last_data} (years of usable UN voting record), got {from_year}")
    end_year = plan.end // 12
    if not from_year < to_year <= end_year:
        raise ForecastError(f"--to: must lie in {from_year + 1}..{end_year} (the scenario ends {end_year}), got {to_year}")
    return record


def forecast(plan: Scenario, from_year: int, to_year: int, *, seed: int = 0, replicates: int = 200,
             progress=None, months: Callable[[int], object] | None = None) -> tuple[pd.DataFrame, dict]:
    """Forecast agreement for the years after ``from_year`` up to ``to_year`` with the UN voting model.

    The voting model (:mod:`sim.record.voting`) is fitted on every usable record year up to
    ``from_year`` (all the data a forecaster would have) and forecasts each later year as a change
    from each pair's level at ``from_year`` (its agreement smoothed over the years up to then):
    Tajikistan's ideal point moves with the position the simulation implies. The
    behavioural parameters are those of ``plan`` (the calibrated ones when it was loaded with
    ``calibration/params.yaml``). Returns the table and a description of how it was made.
    ``progress`` is told each stage in a sentence; ``months`` is called with 1 after each month simulated.
    """
    from sim.record.voting import VotingModel, load_positions

    record = check_range(plan, from_year, to_year)
    first = int(record.years[0])
    say = progress or (lambda message: None)
    say(f"free run of {replicates} replicates for the simulation's implied voting position")
    latent = run_ensemble(plan, record, seed=seed, replicates=replicates, months=months)
    say(f"fitting the voting model on {first}-{from_year} and forecasting {from_year + 1}-{to_year}")
    model = VotingModel.fit(record, load_positions(record), latent, (first, from_year))
    years = list(range(from_year + 1, to_year + 1))
    mean = np.full((len(record.partners), len(record.years)), np.nan)
    parts = {year: model.forecast(from_year, year) for year in years}
    width = max(part.samples.shape[1] for part in parts.values())
    samples = np.full((len(record.partners), len(record.years), width), np.nan)
    for year, part in parts.items():
        mean[:, record.column(year)] = np.clip(part.mean, 0.0, 1.0)
        samples[:, record.column(year), :] = np.clip(part.samples, 0.0, 1.0)
    table = forecast_table(record, Prediction(mean, samples), years)
    about = {
        "from": from_year, "to": to_year, "seed": seed, "replicates": replicates,
        "interval": f"central {LEVEL:.0%} of the replicates' forecasts, each shifted by the quantiles of the voting "
                    "model's own forecast errors at that horizon on the fitted years",
        "calibration_file": plan.calibration,
        "voting_model": model.to_dict(),
        "origin": f"the {from_year} record: forecasts are changes from it",
    }
    return table, about


def write_forecast(table: pd.DataFrame, about: dict, out: str | Path) -> Path:
    """Write ``unga_forecast.csv`` and ``forecast.json`` into ``out``, each atomically."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise FileExistsError(f"{out}: exists and is not a directory")
    out.mkdir(parents=True, exist_ok=True)
    atomic_write(out / "unga_forecast.csv", table.to_csv(index=False, float_format="%.6f", lineterminator="\n"))
    atomic_write(out / "forecast.json", json.dumps(about, indent=2, sort_keys=True) + "\n")
    return out / "unga_forecast.csv"
