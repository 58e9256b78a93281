"""Calibration: fit the free parameters to the UN voting record on training years only.

What is fitted (:data:`FREE`): two model constants (how fast and how far alignment moves) and the
weights of the sixteen rules that pull Tajikistan's alignment with particular partners. The
observation model (:mod:`sim.observation`) is not searched: for every candidate it is fitted in
closed form on the training years, so the optimiser only sees behaviour.

``alignment_noise`` is deliberately not fitted. Yearly agreement cannot tell the latent
process's noise from the observation model's per-partner noise, and when it was free the search
drove it to its lower bound (about 3e-4 after 360 evaluations), leaving the ensemble's spread to
the observation noise alone. It keeps the modellers' value, so the replicates still differ.

The loss of a candidate, on the training years:

    loss = mean CRPS of the predictive ensemble over the usable (modelled partner, year) rows
           + FACTS_WEIGHT * (1 - share of stylized-fact checks passed)

The ensemble is ``replicates`` independent histories (one seed each, the same seeds for every
candidate: common random numbers) times a quadrature of the observation noise. CRPS is a proper
score of the whole distribution: it rewards a right mean and a right spread, so it does not
favour noise-free parameters the way the error of one seeded path would. Only stylized facts
whose window ends by the last training year count, so nothing of the test years enters the fit.

The optimiser is CMA-ES (``cma``, ask/tell) in the unit cube of the parameters' ranges; each
generation's candidates are evaluated in parallel processes and gathered in candidate order,
so a seed gives the same parameters whatever the number of workers. The budget is a fixed
number of evaluations (never a time limit, which would make the result depend on the machine).
"""

from __future__ import annotations

import math
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from sim.months import parse_month
from sim.observation import ObservationModel, Record, yearly_latent
from sim.scenario import Parameters, RuleSetting, Scenario, load_scenario
from sim.scores import crps_ensemble

#: Weight of the stylized facts in the loss: one check in 25 lost costs 0.002 of CRPS.
FACTS_WEIGHT = 0.05
#: Noise quadrature points per replicate inside the loss.
LOSS_DRAWS = 9
#: CMA-ES initial step, in units of each parameter's range.
SIGMA0 = 0.2
#: Default number of candidate evaluations: keeps ``tajsim calibrate`` well under 10 minutes on 2 cores.
DEFAULT_BUDGET = 600
DEFAULT_REPLICATES = 8


@dataclass(frozen=True)
class Free:
    """A fitted quantity: a model constant (``Parameters`` field) or a rule's weight (rule id)."""

    name: str
    low: float
    high: float
    why: str

    @property
    def is_rule(self) -> bool:
        return self.name[0] == "R" and self.name[1:].isdigit()

    @property
    def default(self) -> float:
        return 1.0 if self.is_rule else float(Parameters.model_fields[self.name].default)


FREE: tuple[Free, ...] = (
    Free("alignment_rate", 0.02, 0.25, "how fast alignment moves towards its pull"),
    Free("pull_gain", 0.2, 2.0, "how far a given pull moves alignment (tanh gain)"),
    Free("R01", 0.0, 3.0, "diversification: a small pull to every state"),
    Free("R02", 0.0, 3.0, "leaning towards donors, away from those who press"),
    Free("R03", 0.0, 3.0, "attention to former Soviet republics, Iran, Afghanistan"),
    Free("R09", 0.0, 3.0, "pull of like-minded governments"),
    Free("R10", 0.0, 3.0, "Russia the older brother"),
    Free("R13", 0.0, 3.0, "wariness of Uzbekistan's and Turkmenistan's water claims"),
    Free("R14", 0.0, 3.0, "criticism of Uzbekistan"),
    Free("R15", 0.0, 3.0, "accusations against Afghanistan"),
    Free("R17", 0.0, 3.0, "cultivating Iran"),
    Free("R27", 0.0, 3.0, "migrants' remittances tie Tajikistan to Russia"),
    Free("R35", 0.0, 3.0, "land and water dispute with Kyrgyzstan"),
    Free("R37", 0.0, 3.0, "Iran's cultural pull"),
    Free("R40", 0.0, 3.0, "China's border claim"),
    Free("R41", 0.0, 3.0, "shared hostility to Islamism with China"),
    Free("R42", 0.0, 3.0, "China's loans and investment"),
    Free("R44", 0.0, 3.0, "US engagement and the financial institutions"),
)


@dataclass(frozen=True)
class Settings:
    """Everything that determines a calibration's result (the number of workers does not)."""

    train: tuple[int, int]
    test: tuple[int, int]
    seed: int = 0
    budget: int = DEFAULT_BUDGET
    replicates: int = DEFAULT_REPLICATES
    report_replicates: int = 100
    facts_weight: float = FACTS_WEIGHT
    scenario: str | None = None

    @property
    def popsize(self) -> int:
        return 4 + int(3 * math.log(len(FREE)))

    @property
    def generations(self) -> int:
        return max(1, (self.budget - 1) // self.popsize)


# --- candidates as calibration files ------------------------------------------------------


def values_of(x: Sequence[float]) -> dict[str, float]:
    """Unit-cube coordinates to parameter values, rounded to 6 significant digits."""
    return {f.name: _round(f.low + float(min(max(u, 0.0), 1.0)) * (f.high - f.low)) for f, u in zip(FREE, x)}


def unit_of(values: dict[str, float]) -> list[float]:
    return [(values[f.name] - f.low) / (f.high - f.low) for f in FREE]


def calibration_of(values: dict[str, float]) -> dict:
    """The ``parameters``/``rules`` part of ``params.yaml`` for these values."""
    return {
        "parameters": {f.name: values[f.name] for f in FREE if not f.is_rule},
        "rules": {f.name: {"weight": values[f.name]} for f in FREE if f.is_rule},
    }


def overlay(plan: Scenario, calibration: dict) -> Scenario:
    """``plan`` (loaded without calibration) as :func:`load_scenario` would compose it with this file.

    The loader's rule: calibrated values lie *under* each period's own settings, so a parameter or
    a rule a period file sets itself keeps the period's value.
    """
    parameters = calibration.get("parameters", {})
    rules = {k: RuleSetting(**v) for k, v in calibration.get("rules", {}).items()}
    segments = []
    for s in plan.segments:
        own = s.parameters.model_dump(include=s.parameters.model_fields_set)
        segments.append(replace(s, parameters=Parameters(**{**parameters, **own}), rules={**rules, **s.rules}))
    return replace(plan, segments=tuple(segments))


# --- one candidate ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Evaluation:
    loss: float
    crps: float
    facts: float
    slope: float


def simulate(plan: Scenario, record: Record, seed: int, replicates: int, last_month: int | None = None):
    """Run an ensemble; return its yearly latent and the share of fact checks passed by ``last_month``."""
    import sim
    from sim.compare import fact_scores, periods_of
    from sim.record import load_facts

    result = sim.run(plan, seed=seed, replicates=replicates)
    latent = yearly_latent(result.dyads, result.months, result.codes, record.partners, record.years)
    dates = result.events["date"]
    events = result.events.assign(month=dates.str.slice(0, 4).astype(int) * 12 + dates.str.slice(5, 7).astype(int) - 1)
    facts = fact_scores(load_facts(), periods_of(plan.segments), result.months, result.series, events, replicates,
                        set(result.codes))
    if last_month is not None:
        facts = facts[[parse_month(w.split("..")[1]) <= last_month for w in facts["window"]]]
    return latent, facts


def train_loss(latent: np.ndarray, record: Record, train: tuple[int, int], facts_share: float,
               facts_weight: float) -> Evaluation:
    """The loss of one candidate's ensemble (see the module doc)."""
    observation = ObservationModel.fit(latent, record, *train)
    rows = record.mask(*train) & observation.modelled[:, None]
    samples = observation.samples(latent, LOSS_DRAWS)[rows]
    crps = float(crps_ensemble(samples, record.values[rows]).mean())
    return Evaluation(crps + facts_weight * (1.0 - facts_share), crps, facts_share, observation.slope)


_WORKER: dict = {}


def _start_worker(settings: Settings) -> None:
    """Per-process set-up: the scenario (without any calibration file) and the record."""
    from sim.forecast import record_for
    from sim.paths import default_scenario

    plan = load_scenario(settings.scenario or default_scenario(), calibration=False)
    _WORKER.update(plan=plan, record=record_for(plan), settings=settings)


def evaluate(x: Sequence[float]) -> Evaluation:
    """The loss of the candidate at unit-cube point ``x`` (in a worker, or in-process)."""
    plan, record, settings = _WORKER["plan"], _WORKER["record"], _WORKER["settings"]
    candidate = overlay(plan, calibration_of(values_of(x)))
    latent, facts = simulate(candidate, record, settings.seed, settings.replicates, (settings.train[1] + 1) * 12 - 1)
    share = float(facts["passed"].mean()) if len(facts) else 1.0
    return train_loss(latent, record, settings.train, share, settings.facts_weight)


# --- the search ------------------------------------------------------------------------------


@dataclass
class Fit:
    """The outcome of the search: the best candidate, what it scored, and how the search went."""

    values: dict[str, float]
    best: Evaluation
    default: Evaluation
    evaluations: int
    history: list[dict] = field(default_factory=list)


def search(settings: Settings, workers: int = 1, progress: bool = False) -> Fit:
    """CMA-ES over :data:`FREE`, starting at the model's defaults; deterministic for a seed."""
    import cma
    from tqdm import tqdm

    x0 = [min(max(u, 0.0), 1.0) for u in unit_of({f.name: f.default for f in FREE})]
    options = {"bounds": [0.0, 1.0], "seed": settings.seed + 1, "popsize": settings.popsize, "verbose": -9}
    strategy = cma.CMAEvolutionStrategy(x0, SIGMA0, options)
    bar = tqdm(total=1 + settings.generations * settings.popsize, desc="calibrate", unit="run", disable=not progress,
               dynamic_ncols=True)
    with _evaluator(settings, workers) as run_all:
        default = run_all([x0])[0]
        bar.update(1)
        best_x, best = x0, default
        history = []
        for generation in range(settings.generations):
            xs = [list(map(float, x)) for x in strategy.ask()]
            results = run_all(xs)
            strategy.tell(xs, [r.loss for r in results])
            for x, r in zip(xs, results):
                if r.loss < best.loss:
                    best_x, best = x, r
            losses = [r.loss for r in results]
            history.append({"generation": generation + 1, "best_loss": _round(min(losses)),
                            "median_loss": _round(float(np.median(losses))), "best_so_far": _round(best.loss)})
            bar.update(len(xs))
            bar.set_postfix(best=f"{best.loss:.5f}", crps=f"{best.crps:.5f}", facts=f"{best.facts:.2f}")
    bar.close()
    return Fit(values_of(best_x), best, default, 1 + settings.generations * settings.popsize, history)


class _evaluator:
    """Context manager yielding ``run_all(xs) -> [Evaluation]`` in candidate order."""

    def __init__(self, settings: Settings, workers: int):
        self.settings, self.workers, self.pool = settings, workers, None

    def __enter__(self) -> Callable[[list], list[Evaluation]]:
        if self.workers <= 1:
            _start_worker(self.settings)
            return lambda xs: [evaluate(x) for x in xs]
        self.pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                        initializer=_start_worker, initargs=(self.settings,))
        return lambda xs: list(self.pool.map(evaluate, xs))

    def __exit__(self, *exc) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)


def default_workers() -> int:
    """One worker per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _round(value: float, digits: int = 6) -> float:
    return float(f"{float(value):.{digits}g}")


# --- scoring and the report --------------------------------------------------------------------


def _rows(record: Record, mask: np.ndarray, prediction, persistence: np.ndarray, climatology: np.ndarray,
          spread: np.ndarray) -> dict:
    """Scores over the rows of ``mask`` (``[partner, year]``) against the given baselines."""
    from sim.scores import summary

    def per_row(values: np.ndarray) -> np.ndarray:
        return np.broadcast_to(values[:, None], mask.shape)[mask]

    return summary(record.values[mask], prediction.mean[mask], per_row(persistence), per_row(climatology),
                   prediction.samples[mask], per_row(spread))


def score_years(record: Record, observation: ObservationModel, latent: np.ndarray, years: tuple[int, int],
                fitted: tuple[int, int], by_partner: bool = False) -> dict:
    """Scores of the prediction over ``years``, with baselines taken from the ``fitted`` years.

    Persistence is each partner's last usable value up to the end of ``fitted``; climatology its
    mean over ``fitted`` (for the training block itself both are in-sample, as is the model).
    """
    from sim.forecast import Prediction

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
    from sim.forecast import Prediction, restart_prediction

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


def calibrate(settings: Settings, out: str | Path, workers: int = 1, progress: bool = False,
              say: Callable[[str], None] = lambda message: None) -> dict:
    """Fit, score and write ``params.yaml``, ``report.json`` and ``report.md`` into ``out``.

    With ``workers > 1`` candidates run in spawned processes, so a script that calls this must
    guard its entry point with ``if __name__ == "__main__":`` (the ``tajsim`` command does).
    """
    from sim.forecast import record_for
    from sim.paths import default_scenario

    check_years(settings)
    base = load_scenario(settings.scenario or default_scenario(), calibration=False)
    record = record_for(base)
    fit = search(settings, workers, progress)
    say(f"best loss {fit.best.loss:.5f} (defaults {fit.default.loss:.5f}); scoring with "
        f"{settings.report_replicates} replicates")
    calibration = calibration_of(fit.values)
    plan = overlay(base, calibration)
    last_train_month = (settings.train[1] + 1) * 12 - 1
    latent, facts = simulate(plan, record, settings.seed, settings.report_replicates)
    default_latent, default_facts = simulate(base, record, settings.seed, settings.report_replicates)
    observation = ObservationModel.fit(latent, record, *settings.train)
    default_observation = ObservationModel.fit(default_latent, record, *settings.train)
    report = {
        "command": command_line(settings),
        "train_years": list(settings.train),
        "test_years": list(settings.test),
        "seed": settings.seed,
        "parameters": dict(fit.values),
        "rows": "usable (partner, year) rows of calibration/record/unga_agreement.csv: at least "
                f"{observation.to_dict()['min_n']} roll calls; {len(record.partners)} partners, "
                f"{int(observation.modelled.sum())} of them model actors",
        "train": score_years(record, observation, latent, settings.train, settings.train),
        "test": score_years(record, observation, latent, settings.test, settings.train, by_partner=True),
        "uncalibrated": {
            "train": score_years(record, default_observation, default_latent, settings.train, settings.train),
            "test": score_years(record, default_observation, default_latent, settings.test, settings.train),
            "observation_slope": default_observation.slope,
        },
        "rolling": rolling(plan, record, latent, settings.train, settings.seed, settings.report_replicates),
        "observation": observation.to_dict(),
        "facts": {
            "calibrated": facts_by_period(facts),
            "uncalibrated": facts_by_period(default_facts),
            "in_loss": sorted(set(f for f, w in zip(facts["fact"], facts["window"])
                                  if parse_month(w.split("..")[1]) <= last_train_month)),
        },
        "fit": fit_provenance(settings, fit),
    }
    report["verdict"] = verdict(report)
    write_outputs(Path(out), settings, fit, calibration, observation, report)
    return report


def check_years(settings: Settings) -> None:
    """Reject training and test years the record cannot support; one-line ValueError."""
    from sim.observation import load_record

    record = load_record()
    first, last = int(record.years[0]), record.last_year()
    (a, b), (c, d) = settings.train, settings.test
    if not (first <= a and b - a >= 2):
        raise ValueError(f"--train: {a}-{b} must start in {first} or later and span at least 3 years")
    if not (b < c <= d <= last):
        raise ValueError(f"--test: {c}-{d} must follow the training years and end by {last} (the last year of usable votes)")
    if settings.budget < 1 or settings.replicates < 1 or settings.report_replicates < 1:
        raise ValueError("--budget, --replicates and --report-replicates must be at least 1")
    if settings.seed < 0:
        raise ValueError(f"--seed: must be 0 or more, got {settings.seed}")


def command_line(settings: Settings) -> str:
    text = (f"tajsim calibrate --train {settings.train[0]}-{settings.train[1]} "
            f"--test {settings.test[0]}-{settings.test[1]}")
    extras = [("--seed", settings.seed, 0), ("--budget", settings.budget, DEFAULT_BUDGET),
              ("--replicates", settings.replicates, DEFAULT_REPLICATES),
              ("--report-replicates", settings.report_replicates, 100)]
    return text + "".join(f" {flag} {value}" for flag, value, default in extras if value != default)


def fit_provenance(settings: Settings, fit: Fit) -> dict:
    """How the parameters were found: everything needed to reproduce them, and nothing dated."""
    import cma

    return {
        "optimiser": f"CMA-ES (cma {cma.__version__}), ask/tell, unit cube of each parameter's range, start at the defaults",
        "seed": settings.seed,
        "budget": settings.budget,
        "evaluations": fit.evaluations,
        "generations": settings.generations,
        "popsize": settings.popsize,
        "sigma0": SIGMA0,
        "replicates_per_evaluation": settings.replicates,
        "report_replicates": settings.report_replicates,
        "train_years": list(settings.train),
        "test_years_never_used_in_fit": list(settings.test),
        "loss": (f"mean CRPS on training rows of modelled partners (ensemble x {LOSS_DRAWS}-point observation-noise "
                 f"quadrature) + {settings.facts_weight} * (1 - share of stylized-fact checks passed whose window "
                 f"ends by {settings.train[1]})"),
        "loss_best": _round(fit.best.loss),
        "crps_best": _round(fit.best.crps),
        "facts_best": _round(fit.best.facts),
        "loss_defaults": _round(fit.default.loss),
        "crps_defaults": _round(fit.default.crps),
        "facts_defaults": _round(fit.default.facts),
        "free": {f.name: {"low": f.low, "high": f.high, "default": f.default, "what": f.why} for f in FREE},
        "history": fit.history,
    }


def verdict(report: dict) -> dict:
    """Plain statements of whether the model beats the two baselines on the test years."""
    test, modelled = report["test"], report["test"]["model_partners"]
    lines = []
    for label, block in (("all partners", test), ("the model's own partners", modelled)):
        for baseline in ("persistence", "climatology"):
            skill, mae, ref = block[f"skill_vs_{baseline}"], block["mae"], block[f"mae_{baseline}"]
            beats = skill > 0
            lines.append(f"On test years, over {label}, the model {'beats' if beats else 'does NOT beat'} {baseline}: "
                         f"MAE {mae:.4f} vs {ref:.4f} (skill {skill:+.3f}).")
    return {
        "beats_persistence_on_test": bool(test["skill_vs_persistence"] > 0),
        "beats_climatology_on_test": bool(test["skill_vs_climatology"] > 0),
        "statements": lines,
    }


def write_outputs(out: Path, settings: Settings, fit: Fit, calibration: dict, observation: ObservationModel,
                  report: dict) -> None:
    """``params.yaml`` (byte-identical for a seed), ``report.json`` and ``report.md``, each atomically."""
    import json

    import yaml

    from sim.forecast import atomic_write

    out.mkdir(parents=True, exist_ok=True)
    params = {
        **calibration,
        "observation": observation.to_dict() | {"fitted_on": list(settings.train)},
        "fit": {k: v for k, v in report["fit"].items() if k not in ("history", "free")},
    }
    header = (f"# Written by `{report['command']}` (calibration/README.md). Every scenario load lays\n"
              "# `parameters` and `rules` under the periods' own settings; `observation` and `fit` are calibration's own.\n")
    atomic_write(out / "params.yaml", header + yaml.safe_dump(params, sort_keys=False, allow_unicode=True, width=110))
    atomic_write(out / "report.json", json.dumps(_clean(report), indent=2, sort_keys=False, allow_nan=False) + "\n")
    atomic_write(out / "report.md", markdown(report))


def _clean(value):
    """JSON-ready: NaN becomes null, floats are rounded to 6 decimals, numpy scalars become Python's."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) else round(float(value), 6)
    return value


# --- the readable report ------------------------------------------------------------------------

_METRICS = [
    ("n", "rows scored"), ("mae", "MAE"), ("rmse", "RMSE"), ("pearson", "Pearson r"), ("spearman", "Spearman rho"),
    ("pearson_anomaly", "Pearson r of departures from climatology"), ("mae_persistence", "MAE, persistence"),
    ("mae_climatology", "MAE, climatology"), ("skill_vs_persistence", "skill vs persistence (1 - MAE/MAE_p)"),
    ("skill_vs_climatology", "skill vs climatology"), ("coverage90", "coverage of the 90% interval"),
    ("interval_width", "mean width of the 90% interval"), ("crps", "CRPS"),
    ("crps_climatology", "CRPS of Gaussian climatology"),
]


def _f(value, digits: int = 4) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, np.integer)):
        return str(value)
    return f"{value:.{digits}f}"


def _table(header: list[str], rows: list[list]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(_f(c) if not isinstance(c, str) else c for c in row) + " |" for row in rows]


def markdown(report: dict) -> str:
    """``report.md``: the verdict first, then every number of ``report.json`` in tables."""
    train, test, fit = report["train"], report["test"], report["fit"]
    (a, b), (c, d) = report["train_years"], report["test_years"]
    out = [
        "# Calibration report: UN General Assembly agreement",
        "",
        f"Written by `{report['command']}`. Parameters fitted on {a}–{b} only; {c}–{d} were never "
        "used in the fit (calibration/README.md explains the method). Rows: " + report["rows"] + ".",
        "",
        "## Verdict",
        "",
        *[f"- {line}" for line in report["verdict"]["statements"]],
        "",
        "Partners that are not model actors (IND, JPN, KOR, SAU, ARE, DEU, GBR, FRA) are predicted by their "
        "training mean, i.e. by climatology itself; the *model partners* column isolates what the model adds.",
        "",
        "## Scores",
        "",
        *_table(["metric", f"train {a}–{b}", f"test {c}–{d}", "test, model partners", "test, uncalibrated model"],
                [[label, train.get(key), test.get(key), test["model_partners"].get(key),
                  report["uncalibrated"]["test"].get(key)] for key, label in _METRICS]),
        "",
        f"Persistence carries each partner's last training-year value ({b}) forward; climatology is its "
        f"{a}–{b} mean. On the training block both baselines are in-sample, as is the model. CRPS is in "
        "agreement-index units (lower is better); the ensemble is the replicates times a quadrature of the "
        "observation noise. Across-row correlations are high for any per-partner baseline; the correlation of "
        "departures from climatology shows whether the year-to-year movements are right.",
        "",
        f"## Test years by partner ({c}–{d}, MAE)",
        "",
        *_table(["partner", "model actor", "years", "model", "persistence", "climatology"],
                [[p, v["modelled"], v["n"], v["mae"], v["mae_persistence"], v["mae_climatology"]]
                 for p, v in test["by_partner"].items()]),
        "",
        "## Rolling origins: restart from the record at each period boundary",
        "",
        "At each period's first month the ensemble's alignment with every modelled partner is set to the value the "
        "observation model (refitted on the record before that year) maps onto the last observed agreement; the "
        "period's years are then scored against persistence and climatology taken from the years before it.",
        "",
        *_table(["period", "origin", "scored", "rows", "MAE", "MAE persistence", "MAE climatology",
                 "skill vs pers.", "skill vs clim.", "MAE free run", "coverage 90%", "CRPS", "behaviour saw these years"],
                [[r["period"], r["origin"], f"{r['scored_years'][0]}–{r['scored_years'][1]}", r["n"], r["mae"],
                  r["mae_persistence"], r["mae_climatology"], r["skill_vs_persistence"], r["skill_vs_climatology"],
                  r["mae_free_run"], r["coverage90"], r["crps"], r["behaviour_fitted_on_scored_years"]]
                 for r in report["rolling"]]),
        "",
        "The same, over the model's own partners only (the restart moves only them; the others keep climatology):",
        "",
        *_table(["period", "rows", "MAE", "MAE persistence", "MAE climatology", "skill vs pers.", "skill vs clim.",
                 "coverage 90%", "CRPS"],
                [[r["period"], m["n"], m["mae"], m["mae_persistence"], m["mae_climatology"], m["skill_vs_persistence"],
                  m["skill_vs_climatology"], m["coverage90"], m["crps"]]
                 for r in report["rolling"] for m in [r["model_partners"]]]),
        "",
        "Origins inside the training years reuse behavioural parameters fitted on those years, so only an origin at or "
        "after the first test year is a clean out-of-sample score.",
        "",
        "## Stylized facts passed (share of checks, per period)",
        "",
        *_table(["period", "calibrated", "uncalibrated"],
                [[k, v, report["facts"]["uncalibrated"].get(k)] for k, v in report["facts"]["calibrated"].items()]),
        "",
        "In the loss: " + ", ".join(report["facts"]["in_loss"]) + " (facts whose window ends by the last training year).",
        "",
        "## Fitted parameters",
        "",
        *_table(["name", "what", "range", "default", "calibrated", "at an edge of its range"],
                [[name, spec["what"], f"{spec['low']:g}–{spec['high']:g}", spec["default"],
                  report["parameters"][name], _at_edge(report["parameters"][name], spec)]
                 for name, spec in fit["free"].items()]),
        "",
        "A weight near 0 means the fit switched that rule (nearly) off; a value at an edge means the optimum may lie "
        "beyond the range searched.",
        "",
        "## Observation model",
        "",
        f"`{report['observation']['form']}`; slope {report['observation']['slope']:.4f} "
        f"(uncalibrated model: {report['uncalibrated']['observation_slope']:.4f}).",
        "",
        *_table(["partner", "model actor", "intercept", "sigma"],
                [[p, p in report["observation"]["modelled"], v, report["observation"]["sigma"][p]]
                 for p, v in report["observation"]["intercept"].items()]),
        "",
        "## The search",
        "",
        f"{fit['optimiser']}; seed {fit['seed']}, {fit['evaluations']} evaluations ({fit['generations']} generations of "
        f"{fit['popsize']}), {fit['replicates_per_evaluation']} replicates each. Loss: {fit['loss']}.",
        "",
        f"Loss at the defaults {fit['loss_defaults']:.5f} (CRPS {fit['crps_defaults']:.5f}, facts {fit['facts_defaults']:.3f}); "
        f"best {fit['loss_best']:.5f} (CRPS {fit['crps_best']:.5f}, facts {fit['facts_best']:.3f}).",
        "",
    ]
    return "\n".join(out)


def _at_edge(value: float, spec: dict) -> str:
    span = spec["high"] - spec["low"]
    if value <= spec["low"] + 0.02 * span:
        return "low"
    return "high" if value >= spec["high"] - 0.02 * span else ""


__all__ = ["DEFAULT_BUDGET", "FACTS_WEIGHT", "FREE", "Evaluation", "Fit", "Free", "Settings", "calibrate",
           "calibration_of", "evaluate", "markdown", "overlay", "search", "simulate", "train_loss", "values_of"]
