"""Calibration: fit the free parameters to the UN voting record on training years only, score
the test years, and write ``params.yaml``, ``report.json`` and ``report.md``.

The method is in :mod:`sim.calibration.fit` (what is fitted, the loss, the search); the scores
in :mod:`sim.calibration.scoring`; the written report in :mod:`sim.calibration.report`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sim.calibration import (
    DEFAULT_LEVER_BUDGET,
    DEFAULT_LEVER_REPLICATES,
    DEFAULT_WAR_BUDGET,
    DEFAULT_WAR_REPLICATES,
)
from sim.calibration import levers as lever_scores
from sim.calibration.fit import (
    DEFAULT_BUDGET,
    DEFAULT_REPLICATES,
    LOSS_DRAWS,
    SIGMA0,
    STAGES,
    WAR_WEIGHT,
    Fit,
    Settings,
    _round,
    calibration_of,
    held_values,
    hold_stage,
    in_loss,
    overlay,
    search,
    simulate,
)
from sim.calibration.forecast import record_for
from sim.calibration.report import write_outputs
from sim.calibration.scoring import facts_by_period, rolling, score_years
from sim.calibration.voting_scores import voting_report
from sim.calibration.war import (
    CAPITAL_HELD_FROM,
    DATE_CAP,
    DATES_WEIGHT,
    load_observed,
    scores_against_baselines,
    settlement_months,
    war_loss,
    war_run,
    yearly_table,
)
from sim.paths import default_scenario
from sim.record.observation import ObservationModel, load_record
from sim.record.scores import interval_words
from sim.scenario import load_scenario


def calibrate(settings: Settings, out: str | Path, workers: int = 1, progress: bool = False,
              say: Callable[[str], None] = lambda message: None) -> dict:
    """Fit, score and write ``params.yaml``, ``report.json`` and ``report.md`` into ``out``.

    With ``workers > 1`` candidates run in spawned processes, so a script that calls this must
    guard its entry point with ``if __name__ == "__main__":`` (the ``tajsim`` command does).
    """

    check_years(settings)
    base = load_scenario(settings.scenario or default_scenario(), calibration=False)
    record = record_for(base)
    fits: dict[str, Fit] = {}
    for stage in ("war", "output", "levers"):
        fixed = {name: value for fit in fits.values() for name, value in fit.values.items()} or None
        if stage in settings.hold:
            fits[stage] = hold_stage(settings, stage, fixed)
            say(f"{stage}: held at {settings.held_from}'s values, loss {fits[stage].best.loss:.5f} under this model "
                f"(defaults {fits[stage].default.loss:.5f})")
        else:
            fits[stage] = search(settings, workers, progress, stage=stage, fixed=fixed)
            say(f"{stage}: best loss {fits[stage].best.loss:.5f} (defaults {fits[stage].default.loss:.5f})")
    war_fit, output_fit, lever_fit = fits["war"], fits["output"], fits["levers"]
    earlier = {**war_fit.values, **output_fit.values, **lever_fit.values}
    if "alignment" in settings.hold:
        fit = hold_stage(settings, "alignment", earlier)
        say(f"alignment: held at {settings.held_from}'s values, loss {fit.best.loss:.5f} under this model "
            f"(defaults {fit.default.loss:.5f}); scoring with {settings.report_replicates} replicates")
    else:
        fit = search(settings, workers, progress, stage="alignment", fixed=earlier)
        say(f"alignment: best loss {fit.best.loss:.5f} (defaults {fit.default.loss:.5f}); scoring with "
            f"{settings.report_replicates} replicates")
    calibration = calibration_of({**earlier, **fit.values})
    plan = overlay(base, calibration)
    last_train_month = (settings.train[1] + 1) * 12 - 1
    latent, facts, result = simulate(plan, record, settings.seed, settings.report_replicates, keep=True)
    default_latent, default_facts, default_result = simulate(base, record, settings.seed, settings.report_replicates,
                                                             keep=True)
    observation = ObservationModel.fit(latent, record, *settings.train)
    default_observation = ObservationModel.fit(default_latent, record, *settings.train)
    report = {
        "command": command_line(settings),
        "train_years": list(settings.train),
        "test_years": list(settings.test),
        "seed": settings.seed,
        "parameters": {**earlier, **fit.values},
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
            "in_loss": sorted(set(facts["fact"][in_loss(facts, last_train_month)])),
        },
        "war": war_report(result, default_result, settings),
        "levers": lever_report(result, default_result),
        "fit": fit_provenance(settings, fit, "alignment"),
        "war_fit": fit_provenance(settings, war_fit, "war"),
        "output_fit": fit_provenance(settings, output_fit, "output"),
        "lever_fit": fit_provenance(settings, lever_fit, "levers"),
    }
    voting = voting_report(record, latent, settings.train, settings.test)
    report["voting"] = voting
    report["rolling_1y"] = voting["rolling_1y"]
    report["rolling_3y"] = voting["rolling_3y"]
    report["verdict"] = verdict(report)
    write_outputs(Path(out), settings, fit, calibration, observation, report)
    return report


def check_years(settings: Settings) -> None:
    """Reject training and test years the record cannot support; one-line ValueError."""

    record = load_record()
    first, last = int(record.years[0]), record.last_year()
    (a, b), (c, d) = settings.train, settings.test
    if not (first <= a and b - a >= 2):
        raise ValueError(f"--train: {a}-{b} must start in {first} or later and span at least 3 years")
    if not (b < c <= d <= last):
        raise ValueError(f"--test: {c}-{d} must follow the training years and end by {last} (the last year of usable votes)")
    if min(settings.budget, settings.replicates, settings.report_replicates, settings.war_budget,
           settings.war_replicates, settings.output_budget, settings.lever_budget, settings.lever_replicates) < 1:
        raise ValueError("--budget, --replicates, --report-replicates, --war-budget, --war-replicates, "
                         "--output-budget, --lever-budget and --lever-replicates must be at least 1")
    if settings.seed < 0:
        raise ValueError(f"--seed: must be 0 or more, got {settings.seed}")
    unknown = [stage for stage in settings.hold if stage not in STAGES]
    if unknown:
        raise ValueError(f"--hold: {unknown[0]!r} is not a stage that can be held (war, output, levers, alignment)")
    if settings.hold and tuple(settings.hold) != STAGES[:len(settings.hold)]:
        raise ValueError(f"--hold: a stage is held only with every stage before it (war, then output, then levers, "
                         f"then alignment), got {','.join(settings.hold)}")
    if settings.hold and not settings.held_from:
        raise ValueError("--held-from: a calibration file is needed to hold a stage")
    for stage in settings.hold:
        held_values(settings, stage)


def command_line(settings: Settings) -> str:
    text = (f"tajsim calibrate --train {settings.train[0]}-{settings.train[1]} "
            f"--test {settings.test[0]}-{settings.test[1]}")
    extras = [("--seed", settings.seed, 0), ("--budget", settings.budget, DEFAULT_BUDGET),
              ("--replicates", settings.replicates, DEFAULT_REPLICATES),
              ("--report-replicates", settings.report_replicates, 100),
              ("--war-budget", settings.war_budget, DEFAULT_WAR_BUDGET),
              ("--war-replicates", settings.war_replicates, DEFAULT_WAR_REPLICATES),
              ("--lever-budget", settings.lever_budget, DEFAULT_LEVER_BUDGET),
              ("--lever-replicates", settings.lever_replicates, DEFAULT_LEVER_REPLICATES)]
    held = f" --hold {','.join(settings.hold)} --held-from {settings.held_from}" if settings.hold else ""
    return text + "".join(f" {flag} {value}" for flag, value, default in extras if value != default) + held


def fit_provenance(settings: Settings, fit: Fit, stage: str) -> dict:
    """How a stage's parameters were found: everything needed to reproduce them, and nothing dated."""
    provenance = _searched_provenance(settings, fit, stage)
    if stage in settings.hold:
        provenance.update(optimiser=f"none: held at the values of {settings.held_from}, not searched again; the "
                                    "losses are re-scored under this model", budget=0, generations=0, popsize=0,
                          held_from=settings.held_from)
    return provenance


def _searched_provenance(settings: Settings, fit: Fit, stage: str) -> dict:
    import cma

    war = stage == "war"
    if stage in ("output", "levers"):
        return _lever_provenance(settings, fit, stage)
    loss = (f"mean Brier score of P(level >= 1) and P(level >= 2) against UCDP's yearly levels of both conflicts, "
            f"and of the share of each year from {CAPITAL_HELD_FROM} the government holds Dushanbe (it held it from "
            f"December 1992, E087), over the training years + {DATES_WEIGHT} * mean miss of the first ceasefire and "
            f"the accord from the record's months (in units of {DATE_CAP} months, capped)") if war else (
            f"mean CRPS on training rows of modelled partners (ensemble x {LOSS_DRAWS}-point observation-noise "
            f"quadrature) + {settings.facts_weight} * (1 - share of stylized-fact checks passed whose window "
            f"ends by {settings.train[1]}) + {WAR_WEIGHT} * the war stage's loss on the same runs")
    parts = ("brier", "dates") if war else ("crps", "facts", "war")
    return {
        "optimiser": f"CMA-ES (cma {cma.__version__}), ask/tell, unit cube of each parameter's range, start at the defaults",
        "seed": settings.seed,
        "budget": settings.war_budget if war else settings.budget,
        "evaluations": fit.evaluations,
        "generations": settings.generations(stage),
        "popsize": settings.popsize(stage),
        "sigma0": SIGMA0,
        "replicates_per_evaluation": settings.war_replicates if war else settings.replicates,
        "report_replicates": settings.report_replicates,
        "train_years": list(settings.train),
        "test_years_never_used_in_fit": list(settings.test),
        "loss": loss,
        "loss_best": _round(fit.best.loss),
        **{f"{part}_best": _round(getattr(fit.best, part)) for part in parts},
        "loss_defaults": _round(fit.default.loss),
        **{f"{part}_defaults": _round(getattr(fit.default, part)) for part in parts},
        "free": {f.name: {"low": f.low, "high": f.high, "default": f.default, "what": f.why}
                 for f in settings.free(stage)},
        "history": fit.history,
    }


#: What each of the two economic stages' losses adds up (sim/calibration/levers.py).
STAGE_LOSS = {
    "output": "mean CRPS of Tajikistan's yearly real growth against the World Bank's, over its standard deviation + "
              "the same for the log of its real output's level (the World Bank's growth compounded from 1991)",
    "levers": "mean CRPS of yearly remittances (percent of GDP) against the World Bank's over the training years, "
              "over their standard deviation + mean CRPS of the followed partners' yearly trade shares against "
              "COW's, over their standard deviation (output held at the output stage's values)",
}


def _lever_provenance(settings: Settings, fit: Fit, stage: str) -> dict:
    import cma

    tables = ("growth",) if stage == "output" else ("remittances", "trade")
    train = {"remittances": lever_scores.REMITTANCE_TRAIN, "trade": lever_scores.TRADE_TRAIN,
             "growth": lever_scores.GROWTH_TRAIN}
    test = {"remittances": lever_scores.REMITTANCE_TEST, "trade": lever_scores.TRADE_TEST,
            "growth": lever_scores.GROWTH_TEST}
    parts = ("remittances", "trade", "growth", "level")
    return {
        "optimiser": f"CMA-ES (cma {cma.__version__}), ask/tell, unit cube of each parameter's range, start at the defaults",
        "seed": settings.seed,
        "budget": settings.output_budget if stage == "output" else settings.lever_budget,
        "evaluations": fit.evaluations,
        "generations": settings.generations(stage),
        "popsize": settings.popsize(stage),
        "sigma0": SIGMA0,
        "replicates_per_evaluation": settings.lever_replicates,
        "train_years": {name: list(train[name]) for name in tables},
        "test_years_never_used_in_fit": {name: list(test[name]) for name in tables},
        "loss": STAGE_LOSS[stage],
        "loss_best": _round(fit.best.loss),
        **{f"{part}_best": _round(getattr(fit.best, part)) for part in parts},
        "loss_defaults": _round(fit.default.loss),
        **{f"{part}_defaults": _round(getattr(fit.default, part)) for part in parts},
        "free": {f.name: {"low": f.low, "high": f.high, "default": f.default, "what": f.why}
                 for f in settings.free(stage)},
        "history": fit.history,
    }


def lever_report(result, default_result) -> dict:
    """The levers against the World Bank, COW and AidData, with their baselines."""
    record = lever_scores.load_record()
    run, default = lever_scores.lever_run(result), lever_scores.lever_run(default_result)
    ratio = lever_scores.dollar_ratio(result.scenario.drivers)
    return {
        "yearly": lever_scores.yearly_table(run, record),
        "train": lever_scores.lever_loss(run, record).__dict__,
        "test": lever_scores.scores_against_baselines(run, record, ratio),
        "uncalibrated_test": lever_scores.scores_against_baselines(default, record, ratio),
        "china": lever_scores.china_check(run, record),
        "migrant_split": lever_scores.migrant_split_check(run, record),
    }


def war_report(result, default_result, settings: Settings) -> dict:
    """The war against UCDP, year by year, with its baselines, and when the accord comes."""
    observed = load_observed()
    run, default = war_run(result), war_run(default_result)
    return {
        "yearly": yearly_table(run, observed),
        "train": war_loss(run, observed, settings.train).__dict__,
        "test": scores_against_baselines(run, observed, settings.train, settings.test_war),
        "uncalibrated_test": scores_against_baselines(default, observed, settings.train, settings.test_war),
        "settlement": settlement_months(run),
        "settlement_uncalibrated": settlement_months(default),
        "test_years": list(settings.test_war),
    }


def _interval(block: dict, key: str) -> str:
    """The words for a skill's bootstrap interval, or a note that the report predates them."""
    if key not in block:
        return "no interval"
    return interval_words(*block[key])


def _against(skill: float, block: dict, key: str) -> str:
    """Whether a skill beats its baseline, in words: "beats" or "does NOT beat" when its bootstrap interval
    lies on one side of 0, "ties" when it spans 0 (the skill printed beside it says which side the point
    estimate falls)."""
    low, high = block.get(key, (None, None))[:2] if key in block else (None, None)
    if low is not None and high is not None and low <= 0.0 <= high:
        return "ties"
    return "beats" if skill > 0 else "does NOT beat"


def verdict(report: dict) -> dict:
    """Plain statements of whether the model beats the baselines on the test years; a skill whose
    interval over resampled years spans 0 is a tie, whatever its point estimate."""
    test, modelled = report["test"], report["test"]["model_partners"]
    lines = []
    for label, block in (("all partners", test), ("the model's own partners", modelled)):
        for baseline in ("persistence", "climatology"):
            skill, mae, ref = block[f"skill_vs_{baseline}"], block["mae"], block[f"mae_{baseline}"]
            lines.append(f"On test years, over {label}, the model {_against(skill, block, f'skill_vs_{baseline}_95')} "
                         f"{baseline}: "
                         f"MAE {mae:.4f} vs {ref:.4f} (skill {skill:+.3f}; "
                         f"{_interval(block, f'skill_vs_{baseline}_95')}).")
    voting = report.get("voting")
    if voting:
        for key, label in (("rolling_1y", "one year ahead"), ("rolling_3y", "one to three years ahead")):
            block = voting[key]
            lines.append(f"The UN voting model, {label} from rolling origins {voting['origins'][0]}-{voting['origins'][1]}, "
                         f"{_against(block['skill_vs_persistence'], block, 'skill_vs_persistence_95')} persistence: MAE "
                         f"{block['mae']:.4f} vs {block['mae_persistence']:.4f} (skill {block['skill_vs_persistence']:+.3f}; "
                         f"{_interval(block, 'skill_vs_persistence_95')}); "
                         f"without the simulation {block['mae_without_simulation']:.4f}.")
    for conflict, levels in report.get("war", {}).get("test", {}).items():
        block = levels.get("level1", {})
        if block.get("skill_vs_persistence") is not None:
            lines.append(f"The {conflict.replace('_', ' ')} (UCDP level >= 1), test years: Brier {block['model']:.4f} vs "
                         f"persistence {block['persistence']:.4f} "
                         f"({_against(block['skill_vs_persistence'], block, 'skill_vs_persistence_95')} it; "
                         f"{_interval(block, 'skill_vs_persistence_95')}), vs the base rate {block['base_rate']:.4f} "
                         f"({_against(block['skill_vs_base_rate'], block, 'skill_vs_base_rate_95')} it; "
                         f"{_interval(block, 'skill_vs_base_rate_95')}).")
    for name, block in report.get("levers", {}).get("test", {}).items():
        skill = block["skill_vs_persistence"]
        lines.append(f"The lever series {name}, test years: CRPS {block['model']:.4f} vs persistence "
                     f"{block['persistence']:.4f} ({_against(skill, block, 'skill_vs_persistence_95')} it; "
                     f"{_interval(block, 'skill_vs_persistence_95')}).")
        if "dollar_ratio" in block:
            lines.append(f"The lever series {name}, test years: CRPS {block['model']:.4f} vs the dollar ratio "
                         f"{block['dollar_ratio']:.4f}, the two dollar incomes with the last training years' "
                         f"constant ({_against(block['skill_vs_dollar_ratio'], block, 'skill_vs_dollar_ratio_95')} it; "
                         f"{_interval(block, 'skill_vs_dollar_ratio_95')}).")
    split = report.get("levers", {}).get("migrant_split", {}).get("test")
    if split:
        verdict = "beats" if split["mae"] < split["mae_persistence"] else "does NOT beat"
        lines.append(f"The migrants' split between Russia and Kazakhstan (UN DESA's stocks), test years: MAE "
                     f"{split['mae']:.4f} vs persistence {split['mae_persistence']:.4f} ({verdict} it; "
                     f"{len(split['years'])} published years, too few for an interval).")
    return {
        "beats_persistence_on_test": bool(test["skill_vs_persistence"] > 0),
        "voting_beats_persistence_1y": bool(voting and _against(voting["rolling_1y"]["skill_vs_persistence"],
                                                                voting["rolling_1y"], "skill_vs_persistence_95") == "beats"),
        "beats_climatology_on_test": bool(test["skill_vs_climatology"] > 0),
        "statements": lines,
    }

