"""The calibration's written outputs: ``params.yaml``, ``report.json`` and the readable ``report.md``."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from sim.calibration.fit import Fit, Settings
from sim.files import atomic_write
from sim.record.observation import ObservationModel


def write_outputs(out: Path, settings: Settings, fit: Fit, calibration: dict, observation: ObservationModel,
                  report: dict) -> None:
    """``params.yaml`` (byte-identical for a seed), ``report.json`` and ``report.md``, each atomically."""
    import json

    import yaml

    out.mkdir(parents=True, exist_ok=True)
    params = {
        **calibration,
        "observation": observation.to_dict() | {"fitted_on": list(settings.train)},
        "fit": {k: v for k, v in report["fit"].items() if k not in ("history", "free")},
        "war_fit": {k: v for k, v in report["war_fit"].items() if k not in ("history", "free")},
        "output_fit": {k: v for k, v in report["output_fit"].items() if k not in ("history", "free")},
        "lever_fit": {k: v for k, v in report["lever_fit"].items() if k not in ("history", "free")},
    }
    header = (f"# Written by `{report['command']}` (calibration/README.md). Every scenario load lays\n"
              "# `parameters` and `rules` under the periods' own settings; `observation` and `fit` are calibration's own.\n")
    atomic_write(out / "params.yaml", header + yaml.safe_dump(params, sort_keys=False, allow_unicode=True, width=110))
    atomic_write(out / "report.json", json.dumps(_clean(report), indent=2, sort_keys=False, allow_nan=False) + "\n")
    atomic_write(out / "report.md", markdown(report))


def _clean(value):
    """JSON-ready: NaN and infinities become null (an interval unbounded below: sim/record/scores.py), floats are
    rounded to 6 decimals, numpy scalars become Python's."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if not math.isfinite(value) else round(float(value), 6)
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


def _span(block: dict, key: str = "skill_vs_persistence_95") -> str:
    """A skill's 95% bootstrap interval over resampled years, for a table cell."""
    low, high = block.get(key, (math.nan, math.nan))
    return "–" if low is None or math.isnan(low) else f"{low:+.3f} to {high:+.3f}"


def _table(header: list[str], rows: list[list]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(_f(c) if not isinstance(c, str) else c for c in row) + " |" for row in rows]


def markdown(report: dict) -> str:
    """``report.md``: the verdict first, then every number of ``report.json`` in tables."""
    train, test, fit = report["train"], report["test"], report["fit"]
    (a, b), (c, d) = report["train_years"], report["test_years"]
    out = [
        "# Calibration report: UN General Assembly agreement and the wars against UCDP",
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
        *voting_section(report),
        "## Scores of the shared-slope observation model",
        "",
        *_table(["metric", f"train {a}–{b}", f"test {c}–{d}", "test, model partners", "test, uncalibrated model"],
                [[label, train.get(key), test.get(key), test["model_partners"].get(key),
                  report["uncalibrated"]["test"].get(key)] for key, label in _METRICS]
               + [[f"95% interval of skill vs {name}, resampled years", *(_span(block, f"skill_vs_{name}_95") for block in
                   (train, test, test["model_partners"], report["uncalibrated"]["test"]))]
                  for name in ("persistence", "climatology")]),
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
        "In the loss: " + ", ".join(report["facts"]["in_loss"]) + " (facts whose window ends by the last training "
        "year; facts on the levers' own state, such as the migrants, are checks on the levers reported beside it, "
        "not targets for alignment's constants).",
        "",
        *war_section(report),
        *lever_section(report),
        "## Fitted parameters",
        "",
        *_table(["stage", "name", "what", "range", "default", "calibrated", "at an edge of its range"],
                [[stage, name, spec["what"], f"{spec['low']:g}–{spec['high']:g}", spec["default"],
                  report["parameters"][name], _at_edge(report["parameters"][name], spec)]
                 for stage, block in (("war", report["war_fit"]), ("output", report["output_fit"]),
                                      ("levers", report["lever_fit"]), ("alignment", fit))
                 for name, spec in block["free"].items()]),
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
        f"Loss at the defaults {fit['loss_defaults']:.5f} (CRPS {fit['crps_defaults']:.5f}, facts {fit['facts_defaults']:.3f}"
        + (f", war {fit['war_defaults']:.5f}" if "war_defaults" in fit else "") + "); "
        f"best {fit['loss_best']:.5f} (CRPS {fit['crps_best']:.5f}, facts {fit['facts_best']:.3f}"
        + (f", war {fit['war_best']:.5f}" if "war_best" in fit else "") + ").",
        "",
    ]
    return "\n".join(out)


def voting_section(report: dict) -> list[str]:
    """The UN voting model (sim/record/voting.py): test years, rolling origins, the contested votes."""
    voting = report.get("voting")
    if not voting:
        return []
    (a, b), (c, d) = report["train_years"], report["test_years"]
    model, contested = voting["model"], voting["contested"]
    keys = ("test", "rolling_1y", "rolling_3y")
    names = {"test": f"{c}–{d} from {b}", "rolling_1y": "rolling, 1 year ahead", "rolling_3y": "rolling, 1–3 years ahead"}
    rows = [[names[k], who, blk["n"], blk["mae"], blk["mae_without_simulation"], blk["mae_persistence"],
             blk["mae_climatology"], blk["skill_vs_persistence"], _span(blk), blk["skill_vs_climatology"],
             blk["coverage90"]]
            for k in keys for who, blk in (("all", voting[k]), ("model actors", voting[k]["model_partners"]))]
    hedged = [[names[k], contested[k]["n"], contested[k]["mae"], contested[k]["mae_without_simulation"],
               contested[k]["mae_persistence"], contested[k]["mae_climatology"], contested[k]["skill_vs_persistence"],
               _span(contested[k])]
              for k in keys]
    return [
        "## The UN voting model",
        "",
        f"`{model['form']}` (sim/record/voting.py; the ideal points, agenda and contested votes are derived tables, "
        f"calibration/record/UNGA.md). Fitted on one-year-ahead forecasts inside {a}–{b}: smooth "
        f"{model.get('smooth', 1.0):g}, then the gain on the simulation's implied position {model['gain']:g} "
        f"(rho_pair {model['rho_pair']:g} and rho_agenda {model['rho_agenda']:g} held). Forecasts start from each "
        "pair's level, its agreement smoothed over the years up to the origin; rolling origins run "
        f"{voting['origins'][0]}–{voting['origins'][1]}. Persistence is each partner's last value up to the origin, "
        "climatology its mean up to the origin; *without simulation* is the same model with gain 0.",
        "",
        *_table(["forecast", "partners", "rows", "MAE", "MAE without simulation", "MAE persistence", "MAE climatology",
                 "skill vs pers.", "95% interval", "skill vs clim.", "coverage 90%"], rows),
        "",
        "**Where alignment with Russia is at stake** (Ukraine, Crimea, Georgia, and human-rights resolutions on named "
        "countries that Russia opposed; score = share voting with Russia + half the share abstaining or absent), "
        f"scored apart: rho {contested['model']['rho']:g}, gain on the simulated regard for Russia "
        f"{contested['model']['gain']:g}.",
        "",
        *_table(["forecast", "years", "MAE", "MAE without simulation", "MAE persistence", "MAE climatology",
                 "skill vs pers.", "95% interval"], hedged),
        "",
        "Tajikistan's score on these votes, year by year: " + ", ".join(
            f"{y} {v['score']:.2f} ({v['n']})" for y, v in contested["yearly"].items()) + ".",
        "",
    ]


def _held(block: dict, what: str = "them") -> str:
    """A sentence for a stage this calibration did not search again (``tajsim calibrate --hold``);
    ``what`` names its constants."""
    if not block.get("held_from"):
        return ""
    return (f"This calibration did not search {what} again: they are held at the values of {block['held_from']} "
            f"(its loss there, re-scored under this model: {block['loss_best']:.5f}; at the defaults "
            f"{block['loss_defaults']:.5f}). ")


def war_section(report: dict) -> list[str]:
    """The wars against UCDP: year by year, the test years against the baselines, the accord's month."""
    war, wf = report["war"], report["war_fit"]
    (a, b), (c, d) = report["train_years"], war["test_years"]
    rows = [[str(r["year"]) + (" (train)" if a <= r["year"] <= b else " (test)" if c <= r["year"] <= d else ""),
             r["p_level1"], r["p_level2"], str(r["ucdp"]), r.get("holds_capital"), r["border_p_level1"],
             str(r["border_ucdp"])]
            for r in war["yearly"]]
    tests = [[conflict, f"level >= {level[-1]}", s["years"], s["model"], s["persistence"], s["climatology"],
              s["base_rate"], s["skill_vs_persistence"], _span(s), s["skill_vs_climatology"], s["skill_vs_base_rate"],
              _span(s, "skill_vs_base_rate_95"), war["uncalibrated_test"][conflict][level]["model"]]
             for conflict, block in war["test"].items() for level, s in block.items()]
    settle = war["settlement"]
    quantiles = ", ".join(f"{k} {v}" for k, v in settle.items() if k.startswith("q")) or "none"
    return [
        "## The wars against UCDP",
        "",
        "The civil war and the Kyrgyz-Tajik border conflict are the model's own state "
        "(sim/core/conflict.py, sim/core/border.py). "
        f"Their parameters were fitted first, on {a}–{b} ({wf['evaluations']} evaluations of "
        f"{wf['replicates_per_evaluation']} replicates; loss: {wf['loss']}), then held while alignment was fitted. "
        + _held(wf) +
        f"Below, {report['fit']['report_replicates']} replicates of the calibrated model: the share of replicates "
        "whose year reaches each UCDP level (level 1: 25-999 battle deaths a year; level 2: 1,000 or more), "
        "against UCDP's own level of that year, and the mean share of the year's months the government holds "
        "Dushanbe (the record: it retook the capital in December 1992 and held it from then on, E087).",
        "",
        *_table(["year", "P(civil war >= 1)", "P(civil war >= 2)", "UCDP", "government holds Dushanbe",
                 "P(border >= 1)", "UCDP border"], rows),
        "",
        f"Test years {c}–{d}, Brier scores (lower is better): persistence carries the level of {b} forward, "
        f"climatology is each level's frequency over {a}–{b}, and the base rate is that frequency shrunk towards "
        "one half by Jeffreys' prior, (count + 1/2) / (years + 1): a rare event's reference, which keeps a small "
        "chance of what the training years never saw (where they never saw it, persistence and climatology "
        "forecast it never and make no error in any resample of the test years without it).",
        "",
        *_table(["conflict", "event", "years", "model", "persistence", "climatology", "base rate", "skill vs pers.",
                 "95% interval", "skill vs clim.", "skill vs base rate", "95% interval (base rate)",
                 "uncalibrated model"], tests),
        "",
        f"The accord: signed in {settle['share_with_accord']:.0%} of replicates; its month by quantile: {quantiles} "
        f"(the record: June 1997). Uncalibrated: "
        + (", ".join(f"{k} {v}" for k, v in war["settlement_uncalibrated"].items() if k.startswith("q")) or "none")
        + ".",
        "",
    ]


def migrant_split_sentence(split: dict) -> str:
    """The migrants' split between Russia and Kazakhstan against UN DESA's stocks, in a sentence."""
    if "test" not in split:
        return "Migrants' split between Russia and Kazakhstan: too few published years."
    train, test = split.get("train", {}), split["test"]
    pairs = ", ".join(f"{y} {m:.3f} against {o:.3f}" for y, m, o in zip(test["years"], test["model"], test["observed"]))
    fitted = f"MAE {train['mae']:.4f} on the training years ({', '.join(map(str, train['years']))}); " if train else ""
    return ("Migrants' split, not fitted: Russia's share of Tajikistan's migrants in Russia and Kazakhstan against UN "
            "DESA's Tajik-born stocks in the two (published years; the stocks count birthplace, not labour migration, "
            f"so only the split is compared): {fitted}test years {pairs}, MAE {test['mae']:.4f} against persistence "
            f"{test['mae_persistence']:.4f} and the training mean {test['mae_climatology']:.4f}"
            + (" (the model loses to both)." if test["mae"] > max(test["mae_persistence"], test["mae_climatology"])
               else "."))


def lever_section(report: dict) -> list[str]:
    """The levers against their data: remittances year by year, test years against the baselines."""
    levers, lf, of = report["levers"], report["lever_fit"], report["output_fit"]
    rows = [[r["year"], r["remittances_q05"], r["remittances_median"], r["remittances_q95"],
             "" if r["observed"] is None else r["observed"], r.get("growth_q05", ""), r.get("growth_median", ""),
             r.get("growth_q95", ""), "" if r.get("growth_observed") is None else r["growth_observed"]]
            for r in levers["yearly"]]
    tests = [[name, s["years"], s["model"], s["persistence"], s["trend"], s["skill_vs_persistence"], _span(s),
              s["skill_vs_trend"], levers["uncalibrated_test"].get(name, {}).get("model")]
             for name, s in levers["test"].items()]
    china = "; ".join(f"{label} years: Spearman {c['spearman']:+.2f} over {c['years']} years (no association: "
                      f"{c['no_association_95'][0]:+.2f} to {c['no_association_95'][1]:+.2f} in 95% of shuffles)"
                      for label, c in levers["china"].items()) or "too few years"
    return [
        "## The levers against their data",
        "",
        "Migrants' remittances, trade shares and Tajikistan's real output are the model's own state "
        "(sim/core/levers.py). After the war's, output's constants were fitted alone "
        f"({of['evaluations']} evaluations of {of['replicates_per_evaluation']} replicates; loss: {of['loss']}; "
        "training years: " + ", ".join(f"{name} {years}" for name, years in of["train_years"].items())
        + "), then the levers' with output held "
        f"({lf['evaluations']} evaluations of {lf['replicates_per_evaluation']} "
        f"replicates; loss: {lf['loss']}; training years: "
        + ", ".join(f"{name} {years}" for name, years in lf["train_years"].items())
        + "). " + _held(of, "output's constants") + _held(lf, "the levers' constants")
        + "Remittances, percent of GDP, and real growth, percent a year (both World Bank, WDI), against the "
        "calibrated ensemble's median and 90% band:",
        "",
        *_table(["year", "remittances 5%", "median", "95%", "World Bank", "growth 5%", "median", "95%",
                 "World Bank"], rows),
        "",
        "Test years, mean CRPS of the ensemble (for the baselines, their absolute error; lower is better): "
        "persistence carries the last training year's figure forward, trend extends the training years' line.",
        "",
        *_table(["series", "years", "model", "persistence", "trend", "skill vs pers.", "95% interval",
                 "skill vs trend", "uncalibrated model"], tests),
        "",
        *([f"Remittances against a third baseline, the dollar ratio: a constant times Russia's GDP per head in "
           f"dollars over Tajikistan's, the constant (the migrants' share and what they send) held at its mean over "
           f"the last two training years, so that only the two dollar incomes move: its absolute error "
           f"{levers['test']['remittances']['dollar_ratio']:.4f} against the model's CRPS "
           f"{levers['test']['remittances']['model']:.4f}. The model's remittances are dollars over dollars "
           "(sim/core/levers.py), so much of what they get right the two dollar series get right alone; what the "
           "model adds is the number of migrants.", ""]
          if "dollar_ratio" in levers["test"].get("remittances", {}) else []),
        f"China's lending is not fitted: the model's yearly change in its debt to China against AidData's yearly "
        f"commitments, {china}. (The running totals, compared before, agree in rank whatever the years say.)",
        "",
        migrant_split_sentence(levers.get("migrant_split", {})),
        "",
    ]


def _at_edge(value: float, spec: dict) -> str:
    span = spec["high"] - spec["low"]
    if value <= spec["low"] + 0.02 * span:
        return "low"
    return "high" if value >= spec["high"] - 0.02 * span else ""
