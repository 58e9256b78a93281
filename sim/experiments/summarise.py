"""What an experiment's results say: paired effects, divergence, sweeps and sensitivity.

Every arm runs the baseline's seed and replicate numbers (common random numbers), so
replicate k of an arm and replicate k of the baseline differ only by the arm's changes. The
summary therefore works on paired differences:

* **effect**: each replicate's outcome (its months reduced by the outcome's statistic) minus
  the baseline's, averaged, with a 95% t-interval over replicates;
* **diverges_from**: the first month in which any replicate differs from its baseline twin
  by more than the outcome's tolerance (for event counts: the running count) - before it,
  arm and baseline are the same history;
* **significant**: whether the whole window's effect is significant, i.e. its 95% interval
  excludes 0 (and the effect is larger than the outcome's tolerance);
* **significant_from**: the onset, the first month whose mean paired difference is significant
  after Holm's correction for testing every month of the window (each month a paired t-test,
  family-wise error 5% over the window's months; for counts, the running count). It is given
  only where the whole window's effect is significant, so no onset is ever reported for an
  effect the window does not bear out; a significant effect with no month significant on its
  own (small monthly differences that add up) has none either.

Designs (:mod:`sim.experiments.schema`, ``design``) are sampled here too, next to the
analyses they feed: grids and Latin hypercubes (``scipy.stats.qmc``) give a table of each
point's outcomes and their rank correlations with the factors; Sobol and Morris samples are
drawn and analysed with SALib. Each point's outcome is the mean of its replicates, which
share their streams with every other point; the seed's own part of the variance (within
points) is reported apart from the parameters' part (between point means, less the seed
noise left in them), so that noise is not read as a parameter effect.
"""

from __future__ import annotations

import itertools
import math
import warnings
from typing import NamedTuple

import numpy as np
import pandas as pd

from sim.experiments.design import Design
from sim.months import format_month, parse_month

#: Columns of rules.csv.
RULE_COLUMNS = ["arm", "rule", "from", "to", "replicates", "baseline_mean", "arm_mean", "effect", "ci_low", "ci_high",
                "significant", "summary"]

#: Columns of summary.csv.
SUMMARY_COLUMNS = ["arm", "outcome", "statistic", "from", "to", "replicates", "baseline_mean", "arm_mean",
                   "effect", "ci_low", "ci_high", "significant", "diverges_from", "significant_from"]

#: The family-wise error rate of the monthly tests behind ``significant_from`` (Holm), and the
#: level of the whole-window interval (95%).
ALPHA = 0.05


# --- sampling designs -------------------------------------------------------------------------


def _problem(design: Design) -> dict:
    return {"num_vars": len(design.factors), "names": [f.label for f in design.factors],
            "bounds": [[f.low, f.high] for f in design.factors]}


def sampling_seed(seed: int) -> int:
    """A 32-bit seed for the samplers, derived from the experiment's (or the design's) seed."""
    return int(np.random.SeedSequence(seed).generate_state(1)[0])


def design_matrix(design: Design, seed: int) -> np.ndarray:
    """The design's points, ``[point, factor]``; the same seed gives the same points."""
    if design.kind == "grid":
        return np.array(list(itertools.product(*(f.values or [] for f in design.factors))), dtype=float)
    rng_seed = sampling_seed(seed)
    if design.kind == "lhs":
        from scipy.stats import qmc

        sample = qmc.LatinHypercube(d=len(design.factors), rng=np.random.default_rng(rng_seed)).random(design.points)
        return qmc.scale(sample, [f.low for f in design.factors], [f.high for f in design.factors])
    if design.kind == "sobol":
        from SALib.sample import sobol

        return sobol.sample(_problem(design), design.points, calc_second_order=design.second_order, seed=rng_seed)
    from SALib.sample import morris

    return morris.sample(_problem(design), design.points, num_levels=design.levels, seed=rng_seed)


# --- reading results ----------------------------------------------------------------------------


def _coded(column: pd.Series, lookup) -> np.ndarray:
    """A column's values passed through ``lookup``, computed once per distinct value."""
    categorical = column.astype("category")
    table = np.array([lookup(value) for value in categorical.cat.categories])
    return table[categorical.cat.codes.to_numpy()]


def outcome_cubes(results: pd.DataFrame, experiment) -> dict[str, np.ndarray]:
    """Each outcome's values as ``[arm, replicate, month]`` (months of the outcome's range)."""
    arm_index = {arm.name: arm.index for arm in experiment.arms}
    outcome_index = {outcome.name: number for number, outcome in enumerate(experiment.outcomes)}
    arms = _coded(results["arm"], arm_index.__getitem__)
    months = _coded(results["date"], parse_month)
    outcomes = _coded(results["outcome"], outcome_index.__getitem__)
    replicate = results["replicate"].to_numpy()
    values = results["value"].to_numpy()
    cubes = {}
    for number, outcome in enumerate(experiment.outcomes):
        rows = outcomes == number
        cube = np.full((len(experiment.arms), experiment.replicates, outcome.end - outcome.start + 1), np.nan)
        cube[arms[rows], replicate[rows], months[rows] - outcome.start] = values[rows]
        if np.isnan(cube).any():
            raise ValueError(f"results lack values of outcome {outcome.name}: the experiment is incomplete")
        cubes[outcome.name] = cube
    return cubes


def reduce(values: np.ndarray, statistic: str) -> np.ndarray:
    """Reduce the last (month) axis with an outcome's statistic."""
    if statistic == "mean":
        return values.mean(axis=-1)
    if statistic == "sum":
        return values.sum(axis=-1)
    if statistic == "last":
        return values[..., -1]
    if statistic == "max":
        return values.max(axis=-1)
    if statistic == "min":
        return values.min(axis=-1)
    if statistic == "first":  # months to the first non-zero month; the window's length when there is none
        happened = values != 0
        return np.where(happened.any(axis=-1), happened.argmax(axis=-1), values.shape[-1]).astype(float)
    return (values != 0).any(axis=-1).astype(float)


def half_width(differences: np.ndarray) -> np.ndarray:
    """Half-width of the 95% t-interval of the mean over the first axis (NaN with one replicate)."""
    from scipy import stats

    n = differences.shape[0]
    if n < 2:
        return np.full(differences.shape[1:], np.nan)
    sd = differences.std(axis=0, ddof=1)
    return stats.t.ppf(0.975, n - 1) * sd / math.sqrt(n)


def _p_values(differences: np.ndarray) -> np.ndarray:
    """Two-sided paired t-test p-value of each column (month) of ``[replicate, month]`` differences.

    A month whose differences are all equal has p 0 where they are not 0 (a sure effect) and
    1 where they are; with one replicate nothing can be tested (p 1).
    """
    from scipy import stats

    n, months = differences.shape
    if n < 2:
        return np.ones(months)
    mean = differences.mean(axis=0)
    sd = differences.std(axis=0, ddof=1)
    spread = sd > 0
    p = np.where(mean != 0, 0.0, 1.0)
    p[spread] = 2 * stats.t.sf(np.abs(mean[spread]) / (sd[spread] / math.sqrt(n)), n - 1)
    return p


def holm(p: np.ndarray, alpha: float = ALPHA) -> np.ndarray:
    """Which hypotheses Holm's step-down procedure rejects at family-wise error ``alpha``.

    The k-th smallest p-value (from 0) is compared with ``alpha / (m - k)``; all up to the
    first that fails are rejected. Controls the chance of any false rejection among the ``m``.
    """
    p = np.asarray(p, dtype=float)
    order = np.argsort(p, kind="stable")
    passed = p[order] <= alpha / (p.size - np.arange(p.size))
    count = p.size if passed.all() else int(np.argmin(passed))
    rejected = np.zeros(p.size, dtype=bool)
    rejected[order[:count]] = True
    return rejected


def _first(flags: np.ndarray, start: int) -> str:
    hits = np.flatnonzero(flags)
    return format_month(start + int(hits[0])) if hits.size else ""


# --- the summary --------------------------------------------------------------------------------


def paired_summary(cubes: dict[str, np.ndarray], experiment) -> pd.DataFrame:
    """Per arm and outcome: the mean paired effect with its 95% interval, whether it is
    significant, and the months of divergence and of (Holm-corrected) significant onset."""
    rows = []
    for outcome in experiment.outcomes:
        cube = cubes[outcome.name]
        base = reduce(cube[0], outcome.statistic)
        for arm in experiment.arms[1:]:
            values = reduce(cube[arm.index], outcome.statistic)
            difference = values - base
            effect = float(difference.mean())
            half = float(half_width(difference[:, None])[0])
            monthly = cube[arm.index] - cube[0]
            if outcome.counts_events:
                monthly = np.cumsum(monthly, axis=1)
            significant = bool((effect - half > 0 or effect + half < 0) and abs(effect) > outcome.tolerance)
            onset = holm(_p_values(monthly)) & (np.abs(monthly.mean(axis=0)) > outcome.tolerance)
            rows.append({
                "arm": arm.name, "outcome": outcome.name, "statistic": outcome.statistic,
                "from": format_month(outcome.start), "to": format_month(outcome.end),
                "replicates": experiment.replicates,
                "baseline_mean": float(base.mean()), "arm_mean": float(values.mean()), "effect": effect,
                "ci_low": effect - half, "ci_high": effect + half,
                "significant": significant,
                "diverges_from": _first((np.abs(monthly) > outcome.tolerance).any(axis=0), outcome.start),
                "significant_from": _first(onset, outcome.start) if significant else "",
            })
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def rule_summary(rules: pd.DataFrame, experiment) -> pd.DataFrame:
    """Per arm, each rule whose events over the experiment's window differ from the baseline's in
    some replicate: its events per replicate in both, the mean paired difference with its 95% interval,
    and whether that is significant; within an arm the significant rules first, the largest
    differences first. This is where to start asking why an outcome moved: a rule whose count
    changes is a channel the change travelled through (a rule can act differently without
    producing more or fewer events, through its flows and pulls, so a rule missing here is not
    ruled out)."""
    from sim.core.conflict import EVENT_SOURCE
    from sim.core.rules import RULES

    not_rules = {EVENT_SOURCE: "fighting breaks out: the civil war's and the border's own state "
                               "(sim/core/conflict.py, sim/core/border.py)"}

    start = min(outcome.start for outcome in experiment.outcomes)  # the window the tasks counted over
    end = max(outcome.end for outcome in experiment.outcomes)
    arm_index = {arm.name: arm.index for arm in experiment.arms}
    names = sorted(set(rules["rule"]))
    counts = np.zeros((len(experiment.arms), experiment.replicates, len(names)))
    column = {name: number for number, name in enumerate(names)}
    counts[rules["arm"].map(arm_index).to_numpy(), rules["replicate"].to_numpy(),
           rules["rule"].map(column).to_numpy()] = rules["events"].to_numpy()
    rows = []
    for arm in experiment.arms[1:]:
        difference = counts[arm.index] - counts[0]
        effect = difference.mean(axis=0)
        half = half_width(difference)
        block = []
        for number, name in enumerate(names):
            if not difference[:, number].any():  # the rule did the same in every replicate
                continue
            low, high = effect[number] - half[number], effect[number] + half[number]
            block.append({
                "arm": arm.name, "rule": name, "from": format_month(start), "to": format_month(end),
                "replicates": experiment.replicates, "baseline_mean": float(counts[0][:, number].mean()),
                "arm_mean": float(counts[arm.index][:, number].mean()), "effect": float(effect[number]),
                "ci_low": float(low), "ci_high": float(high), "significant": bool(low > 0 or high < 0),
                "summary": RULES[name].summary if name in RULES else not_rules.get(name, ""),
            })
        block.sort(key=lambda row: (not row["significant"], -abs(row["effect"]), row["rule"]))
        rows += block
    return pd.DataFrame(rows, columns=RULE_COLUMNS)


def design_table(cubes: dict[str, np.ndarray], experiment) -> pd.DataFrame:
    """Each design point's factor values and its outcomes' means and s.d. over replicates."""
    points = [arm for arm in experiment.arms if arm.factors]
    table = pd.DataFrame({"arm": [arm.name for arm in points]})
    for label in points[0].factors:
        table[label] = [arm.factors[label] for arm in points]
    for outcome in experiment.outcomes:
        values = reduce(cubes[outcome.name][[arm.index for arm in points]], outcome.statistic)
        table[f"{outcome.name}_mean"] = values.mean(axis=1)
        table[f"{outcome.name}_sd"] = values.std(axis=1, ddof=1) if values.shape[1] > 1 else np.nan
    return table


def _seed_rows(name: str, method: str, values: np.ndarray) -> list[dict]:
    """The seed's part of the variance apart from the parameters' part.

    ``values`` is ``[point, replicate]``. With common random numbers a replicate's shock is
    shared by every point; what is left of the seed in the point means is the point x
    replicate interaction (two-way residual mean square / replicates), which is what an
    index computed on the means can mistake for a parameter effect.
    """
    points, replicates = values.shape
    nan = float("nan")
    seed_variance = float(values.var(axis=1, ddof=1).mean()) if replicates > 1 else nan
    means = values.mean(axis=1)
    between = float(means.var(ddof=1)) if points > 1 else nan
    if replicates > 1 and points > 1:
        residual = values - means[:, None] - values.mean(axis=0)[None, :] + values.mean()
        noise_in_means = float((residual ** 2).sum() / ((points - 1) * (replicates - 1))) / replicates
    else:
        noise_in_means = nan
    parameter_variance = max(between - noise_in_means, 0.0) if noise_in_means == noise_in_means else between
    total = seed_variance + parameter_variance
    measures = {
        "seed_variance": seed_variance,
        "parameter_variance": parameter_variance,
        "seed_share": seed_variance / total if total > 0 else nan,
        "noise_share_of_means": noise_in_means / between if between > 0 else nan,
    }
    return [{"outcome": name, "method": method, "factor": "(seed)", "measure": k, "value": v} for k, v in measures.items()]


def sensitivity_table(cubes: dict[str, np.ndarray], experiment) -> pd.DataFrame:
    """Sensitivity of each outcome to the design's factors, from the replicate means of the points."""
    from scipy import stats

    design = experiment.spec.design
    points = [arm.index for arm in experiment.arms if arm.factors]
    labels = [factor.label for factor in design.factors]
    seed = sampling_seed(experiment.seed if design.seed is None else design.seed)
    rows: list[dict] = []
    for outcome in experiment.outcomes:
        values = reduce(cubes[outcome.name][points], outcome.statistic)
        means = values.mean(axis=1)
        rows += _seed_rows(outcome.name, design.kind, values)
        flat = np.ptp(means) == 0

        def add(factor: str, measure: str, value: float) -> None:
            rows.append({"outcome": outcome.name, "method": design.kind, "factor": factor, "measure": measure,
                         "value": float("nan") if flat else float(value)})

        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            if design.kind in ("grid", "lhs"):
                for column, label in enumerate(labels):
                    rho, p = stats.spearmanr(experiment.design[:, column], means) if not flat else (np.nan, np.nan)
                    add(label, "spearman_rho", rho)
                    add(label, "p_value", p)
            elif design.kind == "sobol":
                from SALib.analyze import sobol

                found = {} if flat else sobol.analyze(_problem(design), means, calc_second_order=design.second_order,
                                                       seed=seed)
                for column, label in enumerate(labels):
                    for measure in ("S1", "S1_conf", "ST", "ST_conf"):
                        add(label, measure, found[measure][column] if found else np.nan)
                if design.second_order:
                    for a, b in itertools.combinations(range(len(labels)), 2):
                        for measure in ("S2", "S2_conf"):
                            add(f"{labels[a]}*{labels[b]}", measure, found[measure][a, b] if found else np.nan)
            else:
                from SALib.analyze import morris

                found = {} if flat else morris.analyze(_problem(design), experiment.design, means,
                                                        num_levels=design.levels, seed=seed)
                for column, label in enumerate(labels):
                    for measure in ("mu", "mu_star", "mu_star_conf", "sigma"):
                        add(label, measure, found[measure][column] if found else np.nan)
    return pd.DataFrame(rows, columns=["outcome", "method", "factor", "measure", "value"])


def csv_text(table: pd.DataFrame) -> str:
    """A table as CSV with a fixed float format (the same results give the same bytes)."""
    return table.to_csv(index=False, float_format="%.6g", lineterminator="\n")


def never_in_baseline(cubes: dict[str, np.ndarray], experiment) -> list[str]:
    """A warning (one line) for each outcome that is 0 in every month of every baseline replicate.

    Such an outcome usually counts events that never happen (a wrong actor, type or range of
    months), and an arm's effect on it says nothing about the change.
    """
    return [f"outcome {outcome.name} never occurs in the baseline (0 in every replicate, "
            f"{format_month(outcome.start)}..{format_month(outcome.end)}): its effects cannot be read; "
            "check its actors, type and months"
            for outcome in experiment.outcomes if not np.any(cubes[outcome.name][0])]


class Summary(NamedTuple):
    """What the results say: the tables by file name, and warnings about the outcomes."""

    tables: dict[str, pd.DataFrame]
    warnings: list[str]


def summarise(experiment, results: pd.DataFrame, rules: pd.DataFrame | None = None) -> Summary:
    """The summary tables by file name (summary.csv; rules.csv from ``rules``, the rules' event
    counts; and design.csv and sensitivity.csv for a design), and a warning for each outcome the
    baseline never shows."""
    cubes = outcome_cubes(results, experiment)
    tables = {"summary.csv": paired_summary(cubes, experiment)}
    if rules is not None:
        tables["rules.csv"] = rule_summary(rules, experiment)
    if experiment.design is not None:
        tables["design.csv"] = design_table(cubes, experiment)
        tables["sensitivity.csv"] = sensitivity_table(cubes, experiment)
    return Summary(tables, never_in_baseline(cubes, experiment))
