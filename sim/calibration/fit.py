"""The fit: the free parameters, one candidate's loss, and the CMA-ES search, stage by stage.

Calibration fits the free parameters on training years only, in four stages:

1. **the war** (:data:`sim.calibration.war.WAR_FREE`): the conflict submodel's constants and the
   war rules' weights, against UCDP's yearly levels and the record's ceasefire and accord months
   (the loss is in :mod:`sim.calibration.war`);
2. **Tajikistan's output** (:data:`sim.calibration.levers.OUTPUT_FREE`), with the war's values
   held: against the World Bank's real growth and its compounded level, alone;
3. **the levers** (:data:`sim.calibration.levers.LEVER_FREE`), with the war's and the output's
   values held: the migration and trade levers against the World Bank's remittances and COW's
   trade shares, each on its own table's training years (both losses are in
   :mod:`sim.calibration.levers`);
4. **alignment** (:data:`FREE`), with every earlier stage's values held: against the UN voting record.

What the alignment stage fits (:data:`FREE`): two model constants (how fast and how far alignment moves) and the
weights of the seventeen rules that pull Tajikistan's alignment with particular partners, stage 3's
cooling towards a costly holder (R20) among them, so that the older brother (R10) and what a hold
costs are fitted together. The
observation model (:mod:`sim.observation`) is not searched: for every candidate it is fitted in
closed form on the training years, so the optimiser only sees behaviour.

``alignment_noise`` is deliberately not fitted. Yearly agreement cannot tell the latent
process's noise from the observation model's per-partner noise, and when it was free the search
drove it to its lower bound (about 3e-4 after 360 evaluations), leaving the ensemble's spread to
the observation noise alone. It keeps the modellers' value, so the replicates still differ.

The loss of a candidate, on the training years:

    loss = mean CRPS of the predictive ensemble over the usable (modelled partner, year) rows
           + FACTS_WEIGHT * (1 - share of stylized-fact checks passed)
           + WAR_WEIGHT * the war stage's loss on the same runs

The last term keeps the alignment stage from undoing the war's fit: alignment's rates and rule
weights move Russia's backing, and so the war, which the first stage fitted with them at their
defaults.

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

from sim.calibration import (
    DEFAULT_BUDGET,
    DEFAULT_LEVER_BUDGET,
    DEFAULT_LEVER_REPLICATES,
    DEFAULT_OUTPUT_BUDGET,
    DEFAULT_REPLICATES,
    DEFAULT_WAR_BUDGET,
    DEFAULT_WAR_REPLICATES,
)
from sim.calibration.forecast import record_for
from sim.calibration.free import Free
from sim.calibration.levers import LEVER_FREE, OUTPUT_FREE, TRADE_TRAIN, lever_loss, lever_run, output_loss
from sim.calibration.levers import load_record as load_lever_record
from sim.calibration.war import UCDP_LAST_YEAR, WAR_FREE, load_observed, war_loss, war_run
from sim.months import parse_month
from sim.paths import default_scenario, project_root
from sim.record.compare import fact_scores, periods_of
from sim.record.items import LEVER_STATE_VARIABLES, load_facts
from sim.record.observation import ObservationModel, Record, yearly_latent
from sim.record.scores import crps_ensemble
from sim.running import run
from sim.scenario import Scenario, load_scenario
from sim.scenario.compose import until, with_calibration

#: Weight of the stylized facts in the loss: one check in 25 lost costs 0.002 of CRPS.
FACTS_WEIGHT = 0.05
#: How much the war's loss (:mod:`sim.calibration.war`) counts in the alignment stage: alignment's
#: rates and rules move Russia's backing and so the war, and without this term the stage undid the
#: war's fit (the accord's median moved from 1998 to 2000) while its voting CRPS did not change.
#: At 0.1 the war's fitted loss (about 0.2) weighs half the voting CRPS (about 0.04).
WAR_WEIGHT = 0.1
#: Noise quadrature points per replicate inside the loss.
LOSS_DRAWS = 9
#: CMA-ES initial step, in units of each parameter's range.
SIGMA0 = 0.2


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
    Free("R20", 0.0, 3.0, "cooling towards a holder whose hold has cost Tajikistan, turning to others (stage 3)"),
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
    war_budget: int = DEFAULT_WAR_BUDGET
    war_replicates: int = DEFAULT_WAR_REPLICATES
    lever_budget: int = DEFAULT_LEVER_BUDGET
    lever_replicates: int = DEFAULT_LEVER_REPLICATES
    output_budget: int = DEFAULT_OUTPUT_BUDGET
    hold: tuple[str, ...] = ()       # earlier stages not searched again: held at ``held_from``'s values
    held_from: str | None = None

    @property
    def test_war(self) -> tuple[int, int]:
        """The war's test years: from the first test year to the last year UCDP covers."""
        return self.test[0], UCDP_LAST_YEAR

    def free(self, stage: str) -> tuple[Free, ...]:
        return {"war": WAR_FREE, "output": OUTPUT_FREE, "levers": LEVER_FREE}.get(stage, FREE)

    def popsize(self, stage: str) -> int:
        return 4 + int(3 * math.log(len(self.free(stage))))

    def generations(self, stage: str) -> int:
        budget = {"war": self.war_budget, "output": self.output_budget, "levers": self.lever_budget}.get(stage, self.budget)
        return max(1, (budget - 1) // self.popsize(stage))


# --- candidates as calibration files ------------------------------------------------------


def values_of(x: Sequence[float], free: tuple[Free, ...] = FREE) -> dict[str, float]:
    """Unit-cube coordinates to parameter values, rounded to 6 significant digits."""
    return {f.name: _round(f.low + float(min(max(u, 0.0), 1.0)) * (f.high - f.low)) for f, u in zip(free, x)}


def unit_of(values: dict[str, float], free: tuple[Free, ...] = FREE) -> list[float]:
    return [(values[f.name] - f.low) / (f.high - f.low) for f in free]


def _is_rule(name: str) -> bool:
    return name[0] == "R" and name[1:].isdigit()


def calibration_of(values: dict[str, float]) -> dict:
    """The ``parameters``/``rules`` part of ``params.yaml`` for these values."""
    return {
        "parameters": {name: value for name, value in values.items() if not _is_rule(name)},
        "rules": {name: {"weight": value} for name, value in values.items() if _is_rule(name)},
    }


def overlay(plan: Scenario, calibration: dict) -> Scenario:
    """``plan`` (loaded without calibration) as :func:`load_scenario` composes it with this file:
    through the one composer, :func:`sim.scenario.compose.with_calibration`."""
    return with_calibration(plan, calibration)


# --- one candidate ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Evaluation:
    """One candidate's loss and its parts (the alignment stage's CRPS, facts and slope; the war's
    Brier score and dates)."""

    loss: float
    crps: float = math.nan
    facts: float = math.nan
    slope: float = math.nan
    brier: float = math.nan
    dates: float = math.nan
    remittances: float = math.nan
    trade: float = math.nan
    growth: float = math.nan
    level: float = math.nan
    war: float = math.nan


def simulate(plan: Scenario, record: Record, seed: int, replicates: int, last_month: int | None = None,
             keep: bool = False):
    """Run an ensemble; return its yearly latent and its fact checks (those ending by ``last_month``),
    and with ``keep`` the run itself."""

    result = run(plan, seed=seed, replicates=replicates)
    latent = yearly_latent(result.dyads, result.months, result.codes, record.partners, record.years)
    dates = result.events["date"]
    events = result.events.assign(month=dates.str.slice(0, 4).astype(int) * 12 + dates.str.slice(5, 7).astype(int) - 1)
    facts = fact_scores(load_facts(), periods_of(plan.segments), result.months, result.series, events, replicates,
                        set(result.codes))
    if last_month is not None:
        facts = facts[in_loss(facts, last_month)]
    return (latent, facts, result) if keep else (latent, facts)


def in_loss(facts, last_month: int) -> list[bool]:
    """Which rows of a fact table the alignment stage's loss counts: facts whose window ends by
    ``last_month`` (nothing of the test years enters the fit), except facts on the levers' own
    state (:data:`LEVER_STATE_VARIABLES`), whose constants that stage holds: they are checks on
    the levers, reported beside the loss, not targets the alignment constants could be bent to meet."""
    on_levers = {fact.id for fact in load_facts() if fact.check.variable in LEVER_STATE_VARIABLES}
    return [parse_month(window.split("..")[1]) <= last_month and fact not in on_levers
            for fact, window in zip(facts["fact"], facts["window"])]


def train_loss(latent: np.ndarray, record: Record, train: tuple[int, int], facts_share: float,
               facts_weight: float) -> Evaluation:
    """The loss of one candidate's ensemble (see the module doc)."""
    observation = ObservationModel.fit(latent, record, *train)
    rows = record.mask(*train) & observation.modelled[:, None]
    samples = observation.samples(latent, LOSS_DRAWS)[rows]
    crps = float(crps_ensemble(samples, record.values[rows]).mean())
    return Evaluation(crps + facts_weight * (1.0 - facts_share), crps, facts_share, observation.slope)


_WORKER: dict = {}


def base_plan(settings: Settings, fixed: dict[str, float] | None = None) -> Scenario:
    """The scenario without any calibration file, with the values of an earlier stage laid under it."""
    plan = load_scenario(settings.scenario or default_scenario(), calibration=False)
    return overlay(plan, calibration_of(fixed)) if fixed else plan


def _start_worker(settings: Settings, stage: str = "alignment", fixed: dict[str, float] | None = None) -> None:
    """Per-process set-up: the stage, its scenario (the war stage's cut at the training years' end)
    and its record."""
    plan = base_plan(settings, fixed)
    record: object
    if stage == "war":
        plan = until(plan, (settings.train[1] + 1) * 12 - 1)
        record = load_observed()
    elif stage in ("output", "levers"):
        plan = until(plan, (TRADE_TRAIN[1] + 1) * 12 - 1)
        record = load_lever_record()
    else:
        record = record_for(plan)
    _WORKER.update(plan=plan, record=record, settings=settings, stage=stage, fixed=dict(fixed or {}),
                   war_record=load_observed() if stage == "alignment" else None)


def evaluate(x: Sequence[float]) -> Evaluation:
    """The loss of the candidate at unit-cube point ``x`` (in a worker, or in-process)."""
    return evaluate_values(values_of(x, _WORKER["settings"].free(_WORKER["stage"])))


def evaluate_values(values: dict[str, float]) -> Evaluation:
    """The loss of the candidate with the stage's free parameters at ``values``."""
    plan, record, settings, stage = _WORKER["plan"], _WORKER["record"], _WORKER["settings"], _WORKER["stage"]
    candidate = overlay(plan, calibration_of(values))
    if stage == "war":
        result = run(candidate, seed=settings.seed, replicates=settings.war_replicates)
        score = war_loss(war_run(result), record, settings.train)
        return Evaluation(score.loss, brier=score.brier, dates=score.dates)
    if stage in ("output", "levers"):
        result = run(candidate, seed=settings.seed, replicates=settings.lever_replicates)
        lever = (output_loss if stage == "output" else lever_loss)(lever_run(result), record)
        return Evaluation(lever.loss, remittances=lever.remittances, trade=lever.trade, growth=lever.growth,
                          level=lever.level)
    latent, facts, result = simulate(candidate, record, settings.seed, settings.replicates,
                                     (settings.train[1] + 1) * 12 - 1, keep=True)
    share = float(facts["passed"].mean()) if len(facts) else 1.0
    voting = train_loss(latent, record, settings.train, share, settings.facts_weight)
    war = war_loss(war_run(result), _WORKER["war_record"], settings.train)
    return replace(voting, loss=voting.loss + WAR_WEIGHT * war.loss, war=war.loss, brier=war.brier, dates=war.dates)


# --- the search ------------------------------------------------------------------------------


@dataclass
class Fit:
    """The outcome of the search: the best candidate, what it scored, and how the search went."""

    values: dict[str, float]
    best: Evaluation
    default: Evaluation
    evaluations: int
    history: list[dict] = field(default_factory=list)


def search(settings: Settings, workers: int = 1, progress: bool = False, stage: str = "alignment",
           fixed: dict[str, float] | None = None) -> Fit:
    """CMA-ES over a stage's free parameters (the war's, the output's, the levers' or alignment's), starting at the model's
    defaults, with ``fixed`` (an earlier stage's values) held; deterministic for a seed."""
    import cma
    from tqdm import tqdm

    free, popsize, generations = settings.free(stage), settings.popsize(stage), settings.generations(stage)
    x0 = [min(max(u, 0.0), 1.0) for u in unit_of({f.name: f.default for f in free}, free)]
    options = {"bounds": [0.0, 1.0], "seed": settings.seed + 1, "popsize": popsize, "verbose": -9}
    strategy = cma.CMAEvolutionStrategy(x0, SIGMA0, options)
    bar = tqdm(total=1 + generations * popsize, desc=f"calibrate {stage}", unit="run", disable=not progress,
               dynamic_ncols=True)
    with _evaluator(settings, workers, stage, fixed) as run_all:
        default = run_all([x0])[0]
        bar.update(1)
        best_x, best = x0, default
        history = []
        for generation in range(generations):
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
            bar.set_postfix(best=f"{best.loss:.5f}")
    bar.close()
    return Fit(values_of(best_x, free), best, default, 1 + generations * popsize, history)


#: The stages, in the order they are fitted; a stage can be held only with every stage before it.
STAGES = ("war", "output", "levers", "alignment")


def held_values(settings: Settings, stage: str) -> dict[str, float]:
    """The values ``settings.held_from`` (a calibration file) gives a held stage's free parameters;
    a one-line ValueError naming the file and the missing value."""
    import yaml

    path = Path(settings.held_from or "")
    if not path.is_absolute() and not path.exists():
        path = project_root() / path  # named relative to the project (the command line's default)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise ValueError(f"--held-from: cannot read {path}: {type(error).__name__}") from None
    parameters, rules = data.get("parameters") or {}, data.get("rules") or {}
    values = {}
    for f in settings.free(stage):
        value = (rules.get(f.name) or {}).get("weight") if _is_rule(f.name) else parameters.get(f.name)
        if not isinstance(value, (int, float)):
            raise ValueError(f"--held-from: {path} has no value for {f.name} (the {stage} stage's)")
        values[f.name] = float(value)
    return values


def hold_stage(settings: Settings, stage: str, fixed: dict[str, float] | None = None) -> Fit:
    """A stage not searched again: its values from ``settings.held_from``, scored in-process under
    the current model beside its defaults (no search; zero evaluations of a search)."""
    values = held_values(settings, stage)
    _start_worker(settings, stage, fixed)
    best = evaluate_values(values)
    default = evaluate_values({f.name: f.default for f in settings.free(stage)})
    return Fit(values, best, default, 0, [])


class _evaluator:
    """Context manager yielding ``run_all(xs) -> [Evaluation]`` in candidate order."""

    def __init__(self, settings: Settings, workers: int, stage: str, fixed: dict[str, float] | None):
        self.settings, self.workers, self.stage, self.fixed = settings, workers, stage, fixed
        self.pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> Callable[[list], list[Evaluation]]:
        if self.workers <= 1:
            _start_worker(self.settings, self.stage, self.fixed)
            return lambda xs: [evaluate(x) for x in xs]
        pool = self.pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                               initializer=_start_worker, initargs=(self.settings, self.stage, self.fixed))
        return lambda xs: list(pool.map(evaluate, xs))

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


