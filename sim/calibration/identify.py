"""Are the fits identified? Calibration stages searched again, values moved one at a time, and
calibration files for running experiments under each fit.

A fit that the record pins down comes back the same from another seed (another random start of
CMA-ES and another set of replicates); one that it does not comes back elsewhere with as good a
loss, and a counterfactual read from it is that fit's. Every fit is re-scored on the same fresh
replicates (:data:`FRESH_SEED`), so the fits are compared on the same histories and a search's
luck with its own replicates is gone.

* :func:`identify_war`: the war stage from each seed - its loss on its own and on fresh
  replicates, and the Afghan sanctuary's paired effect on the months of fighting, 1992-1999;
* :func:`identify_alignment`: the alignment stage from each seed, the earlier stages held - its
  losses and what it makes of history (regard for Russia, China and the United States, SF27);
* :func:`spread`: how far apart the fits are, parameter by parameter, as a share of the range;
* :func:`profile`: one fitted value moved with every other held - the training loss and the test
  years' facts at each value (a slice, not a profile: the others are not refitted);
* :func:`fitted_values`, :func:`calibration_variant`, :func:`write_variants`: ``params.yaml`` read,
  and rewritten with another fit's values, for ``tajsim experiment FILE --calibration ...``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from sim.calibration.fit import Settings, base_plan, calibration_of, overlay, search
from sim.calibration.war import WAR_FREE, load_observed, war_loss, war_run
from sim.months import parse_month
from sim.running import run
from sim.scenario.compose import until

#: The seed of the fresh replicates every fit is re-scored on (no search uses it: searches use 0..n).
FRESH_SEED = 7_919
#: The sanctuary counterfactual's window: the war and its aftermath (as ``no_afghan_sanctuary``).
WAR_WINDOW = ("1992-05", "1999-12")


def fresh_scores(settings: Settings, values: dict[str, float], replicates: int) -> dict[str, float]:
    """A fit's training loss on fresh replicates, and the sanctuary's paired effect on the war's months."""
    plan = base_plan(settings)
    first, last = parse_month(WAR_WINDOW[0]), parse_month(WAR_WINDOW[1])
    horizon = max((settings.train[1] + 1) * 12 - 1, last)
    fitted = until(overlay(plan, calibration_of(values)), horizon)
    without = until(overlay(plan, calibration_of({**values, "R53": 0.0})), horizon)
    with_sanctuary = run(fitted, seed=FRESH_SEED, replicates=replicates)
    no_sanctuary = run(without, seed=FRESH_SEED, replicates=replicates)
    score = war_loss(war_run(with_sanctuary), load_observed(), settings.train)  # scores the training years only
    months = with_sanctuary.months

    def war_months(result) -> np.ndarray:
        inside = (months >= first) & (months <= last)
        return result.series("fighting", "TJK", "UTO")[:, inside].sum(axis=1)

    effect = war_months(no_sanctuary) - war_months(with_sanctuary)
    return {"loss_fresh": score.loss, "brier_fresh": score.brier, "dates_fresh": score.dates,
            "war_months": float(war_months(with_sanctuary).mean()),
            "sanctuary_war_months": float(effect.mean()),
            "sanctuary_war_months_se": float(effect.std(ddof=1) / np.sqrt(len(effect)))}


def identify_war(settings: Settings, seeds: list[int], workers: int = 1, fresh_replicates: int = 100,
                 say: Callable[[str], None] = lambda _: None) -> pd.DataFrame:
    """One row per seed: the war stage's fit from that seed, its losses and its sanctuary effect."""
    rows = []
    for seed in seeds:
        fit = search(replace(settings, seed=seed), workers, stage="war")
        row = {"seed": seed, "loss_own": fit.best.loss, **fresh_scores(settings, fit.values, fresh_replicates),
               **fit.values}
        say(f"seed {seed}: loss {row['loss_own']:.4f} own, {row['loss_fresh']:.4f} fresh; "
            f"R53 {fit.values['R53']:.3g}; sanctuary {row['sanctuary_war_months']:+.2f} war months")
        rows.append(row)
    return pd.DataFrame(rows)


def spread(fits: pd.DataFrame, free_set: tuple = WAR_FREE) -> pd.DataFrame:
    """Per parameter (the war's by default): the fits' least, median and greatest values, and their
    span as a share of the range."""
    rows = []
    for free in free_set:
        values = fits[free.name].to_numpy(dtype=float)
        rows.append({"parameter": free.name, "low": free.low, "high": free.high, "default": free.default,
                     "min": values.min(), "median": float(np.median(values)), "max": values.max(),
                     "span_share": (values.max() - values.min()) / (free.high - free.low)})
    return pd.DataFrame(rows)


def fitted_values(params: Path) -> dict[str, float]:
    """Every fitted value of a calibration file: its parameters and its rules' weights."""
    data = yaml.safe_load(params.read_text(encoding="utf-8"))
    return {**data["parameters"], **{rule: setting["weight"] for rule, setting in data["rules"].items()}}


def calibration_variant(params: Path, values: dict[str, float], why: str) -> str:
    """The calibration file ``params`` with some fitted values replaced (one stage's, from another
    fit of it; or a rule switched off), everything else kept: for running an experiment under each
    fit (``tajsim experiment FILE --calibration ...``)."""
    data = yaml.safe_load(params.read_text(encoding="utf-8"))
    for name, value in values.items():
        if name[0] == "R" and name[1:].isdigit():
            data.setdefault("rules", {}).setdefault(name, {})["weight"] = value
        else:
            data["parameters"][name] = value
    kept = {key: data[key] for key in ("parameters", "rules") if key in data}
    return f"# {why}\n" + yaml.safe_dump(kept, sort_keys=False)


def stage_of(name: str) -> tuple[str, tuple]:
    """The calibration stage that fits ``name``, and that stage's free parameters."""
    from sim.calibration.fit import FREE
    from sim.calibration.levers import LEVER_FREE, OUTPUT_FREE

    for stage, free in (("war", WAR_FREE), ("output", OUTPUT_FREE), ("levers", LEVER_FREE), ("alignment", FREE)):
        if any(f.name == name for f in free):
            return stage, free
    raise ValueError(f"{name}: not a free parameter of any calibration stage")


def profile(settings: Settings, fitted: dict[str, float], name: str, values: list[float], replicates: int = 100,
            say: Callable[[str], None] = lambda _: None) -> pd.DataFrame:
    """The training loss, and the test years' stylized facts, with one fitted value moved and every other held.

    ``fitted`` holds every stage's values (``params.yaml``). Each row is one value of ``name``: its
    stage's loss and parts on the training years (the calibration's own loss, replicates and
    seed), and the share of ``replicates`` full replays that pass each fact whose window ends
    after the training years - what a setting costs where the fit looks, and what it buys where
    it does not.
    """
    from sim.calibration.fit import _start_worker, evaluate, unit_of

    stage, free = stage_of(name)
    own = {f.name for f in free}
    _start_worker(settings, stage, {key: value for key, value in fitted.items() if key not in own})
    plan = base_plan(settings)
    rows = []
    for value in values:
        moved = {**fitted, name: value}
        score = evaluate(unit_of({key: moved[key] for key in own}, free))
        result = run(overlay(plan, calibration_of(moved)), seed=settings.seed, replicates=replicates)
        facts = result.comparison
        facts = facts[facts["metric"].str.startswith("fact:")]
        later = facts[facts["detail"].str.extract(r"\.\.(\d{4})-\d\d\]$")[0].astype(int) > settings.train[1]]
        row = {"parameter": name, "value": value, "stage": stage,
               **{part: getattr(score, part) for part in ("loss", "crps", "facts", "war", "brier", "dates",
                                                            "remittances", "trade", "growth", "level")
                  if getattr(score, part) == getattr(score, part)},
               **{f"{r.period}:{r.metric[5:]}": float(r.value) for r in later.itertuples()}}
        say(f"{name} = {value:g}: loss {score.loss:.5f}")
        rows.append(row)
    return pd.DataFrame(rows)


#: The years whose mean regard :func:`identify_alignment` reports, one per stage of the second text.
REGARD_YEARS = (1995, 2005, 2015, 2023)


def fresh_alignment(settings: Settings, fixed: dict[str, float], values: dict[str, float],
                    replicates: int) -> dict[str, float]:
    """An alignment fit's loss on fresh replicates, and what it makes of history: Tajikistan's mean
    regard for Russia, China and the United States in :data:`REGARD_YEARS`, and the share of
    replays passing SF27 (stage 3)."""
    from sim.calibration.fit import FREE, _start_worker, evaluate, unit_of

    fresh = replace(settings, seed=FRESH_SEED, replicates=replicates)
    _start_worker(fresh, "alignment", fixed)
    score = evaluate(unit_of(values, FREE))
    result = run(overlay(base_plan(settings), calibration_of({**fixed, **values})), seed=FRESH_SEED,
                 replicates=replicates)
    months = np.asarray(result.months)
    row = {"loss_fresh": score.loss, "crps_fresh": score.crps, "facts_fresh": score.facts}
    for partner in ("RUS", "CHN", "USA"):
        regard = result.series("alignment", "TJK", partner)
        for year in REGARD_YEARS:
            inside = (months >= year * 12) & (months < (year + 1) * 12)
            row[f"regard_{partner.lower()}_{year}"] = float(regard[:, inside].mean())
    facts = result.comparison.set_index("metric")["value"]
    row["sf27"] = float(facts.get("fact:SF27", float("nan")))
    return row


def identify_alignment(settings: Settings, fitted: dict[str, float], seeds: list[int], workers: int = 1,
                       fresh_replicates: int = 32, say: Callable[[str], None] = lambda _: None) -> pd.DataFrame:
    """The alignment stage searched again from each seed, with the earlier stages' values of
    ``fitted`` (``params.yaml``) held; the first row is ``fitted``'s own alignment values."""
    from sim.calibration.fit import FREE

    own = {f.name for f in FREE}
    fixed = {key: value for key, value in fitted.items() if key not in own}
    fits: list[tuple[str, float | None, dict[str, float]]] = [("committed", None, {key: fitted[key] for key in own})]
    for seed in seeds:
        fit = search(replace(settings, seed=seed), workers, stage="alignment", fixed=fixed)
        fits.append((str(seed), fit.best.loss, fit.values))
    rows = []
    for label, loss_own, values in fits:
        row = {"fit": label, "loss_own": loss_own, **fresh_alignment(settings, fixed, values, fresh_replicates), **values}
        say(f"{label}: loss {row['loss_fresh']:.5f} fresh; regard for Russia "
            + ", ".join(f"{year} {row[f'regard_rus_{year}']:.2f}" for year in REGARD_YEARS) + f"; SF27 {row['sf27']:.2f}")
        rows.append(row)
    return pd.DataFrame(rows)


def write_variants(params: Path, fits: pd.DataFrame, label: str, free_set: tuple, folder: Path, writer: str) -> None:
    """``folder/seedN.yaml`` for each row of ``fits`` (N its ``label`` column): ``params`` with that
    fit's values of ``free_set``; ``writer`` names the script, in each file's first line."""
    folder.mkdir(exist_ok=True)
    for row in fits.to_dict("records"):
        why = (f"{params.parent.name}/{params.name} with the fit from seed {row[label]}, written by {writer} "
               f"(its loss on fresh replicates: {row['loss_fresh']:.5g})")
        text = calibration_variant(params, {f.name: row[f.name] for f in free_set}, why)
        (folder / f"seed{row[label]}.yaml").write_text(text, encoding="utf-8")
