"""The levers' part of calibration: fitting migration, trade and output to the figures they leave behind.

What is fitted: the five constants of Tajikistan's own real output (:data:`OUTPUT_FREE`), which
remittances are a share of (its peacetime growth, its convergence to its potential, what war takes
from it, the floor a war economy keeps, and the share of it lost with the Soviet economy); then the
constants of the migration and trade levers (:data:`LEVER_FREE`, sim/core/levers.py) that no text
fixes - how many Tajiks could work abroad, how fast they go and follow one another, how far the
host's wages, in dollars, draw them, how much they send home, how trade shares follow the
partners' economies and the open road.

Two stages, on the training years only (calibration/record/relations/README.md). First Tajikistan's
own output, alone, so that no other series can bend it (fitted jointly with remittances, the
remittances' trend pulled its peacetime growth down to 0.5-1% a year: offsetting errors):

    loss = mean CRPS of the ensemble's yearly real growth against the World Bank's, 1992-2009,
           divided by its standard deviation
           + the same for the log of real output's level (the World Bank's growth compounded from
           1991), so that errors in growth cannot pile up into a wrong level unseen

then, with output held, the migration and trade levers:

    loss = mean CRPS of the ensemble's yearly remittances (percent of GDP) against the World
           Bank's, 2002-2009, divided by their standard deviation
           + mean CRPS of the ensemble's yearly trade shares against COW's, for the partners the
           model follows one by one, 1993-2009, divided by their standard deviation

Every part is a proper score of the ensemble, scaled so that none dominates for its units.
The test years (remittances and growth 2010-2023, trade 2010-2014) are scored afterwards against two
baselines that need no model: persistence (the last training year's figure carried forward) and
the training years' linear trend. China's lending is not fitted: its weight is a rule's, and the
report sets the model's yearly change in its debt to China beside AidData's yearly commitments as a check.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field, replace
from functools import lru_cache

import numpy as np

from sim.calibration.free import Free
from sim.paths import record_dir
from sim.record.scores import crps_ensemble, skill_interval

LEVER_FREE: tuple[Free, ...] = (
    Free("migration_max", 0.05, 0.6, "the share of Tajikistan's workforce that could work abroad"),
    Free("migration_rate", 0.005, 0.2, "how fast migrants follow a change in the wage gap"),
    Free("migration_network", 0.0, 0.5, "how far migration starts without a network of earlier migrants"),
    Free("migration_wage_gap", 0.5, 8.0, "the host's wages against Tajikistan's in a sound economy"),
    Free("migration_dollar", 0.0, 1.5, "how far a host's income per head in dollars moves migrants' wages"),
    Free("remittance_scale", 5.0, 300.0, "remittances, percent of GDP, per migrant share and wage ratio"),
    Free("trade_mass", 0.0, 1.5, "how far trade follows the partners' economic mass"),
    Free("trade_rest", 0.1, 3.0, "the pull of the partners not followed one by one"),
    Free("trade_rate", 0.005, 0.2, "how fast trade shares follow their target"),
)

#: Tajikistan's own output, fitted in a stage of its own before the levers' (its growth and level only).
OUTPUT_FREE: tuple[Free, ...] = (
    Free("output_growth", 0.0, 15.0, "Tajikistan's real growth in a year of peace, percent"),
    Free("output_war_loss", 0.0, 60.0, "the growth a year of full war takes away, percentage points"),
    Free("output_catch_up", 0.0, 0.3, "the share of the log gap to its potential output Tajikistan closes a year in peace"),
    Free("output_war_floor", 0.0, 0.6, "the share of its potential output a war economy keeps going"),
    Free("output_union_loss", 0.0, 0.7, "the share of Tajikistan's output the Soviet economy supplied, lost with it"),
)

#: The years each table is fitted on and scored on (calibration/record/relations/README.md).
REMITTANCE_TRAIN = (2002, 2009)
REMITTANCE_TEST = (2010, 2023)
TRADE_TRAIN = (1993, 2009)
TRADE_TEST = (2010, 2014)
GROWTH_TRAIN = (1992, 2009)
GROWTH_TEST = (2010, 2023)
CHINA_TRAIN = (2000, 2009)
CHINA_TEST = (2010, 2017)
#: Published years of UN DESA's migrant stocks the split is checked on, by block (the relations README's split).
MIGRANTS_TRAIN = (1990, 2005)
MIGRANTS_TEST = (2010, 2020)
#: The hosts of Tajikistan's migrants in the model, whose split the stocks check.
MIGRANT_HOSTS = ("RUS", "KAZ")
#: Shuffles of the commitments' years that give the range of rank correlations no association makes, and their seed.
SHUFFLES, SHUFFLE_SEED = 2000, 2017
#: The partners whose trade share the model follows and COW records.
TRADE_SCORED = ("RUS", "CHN", "KAZ", "UZB", "TUR", "IRN")


@dataclass(frozen=True)
class LeverRecord:
    """The observed yearly figures: remittances (percent of GDP), trade shares, China's finance,
    Tajikistan's real growth (percent)."""

    remittances: dict[int, float]
    trade: dict[tuple[int, str], float]
    china: dict[int, float]
    growth: dict[int, float]
    level: dict[int, float]
    migrants: dict[tuple[int, str], float] = field(default_factory=dict)  # UN DESA's published stocks, persons


def _rows(name: str) -> list[dict]:
    with (record_dir() / "relations" / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@lru_cache(maxsize=1)
def load_record() -> LeverRecord:
    """Read the derived tables (World Bank remittances and growth, COW trade, AidData finance)."""
    remittances = {int(r["year"]): float(r["remittances_pct_gdp"]) for r in _rows("remittances.csv")
                   if r["remittances_pct_gdp"]}
    trade = {(int(r["year"]), r["partner"]): float(r["share_of_trade"]) for r in _rows("trade.csv")
             if r["share_of_trade"] and r["partner"] in TRADE_SCORED}
    china = {int(r["year"]): float(r["total_usd"]) for r in _rows("china_finance.csv") if r["total_usd"]}
    growth = {int(r["year"]): float(r["growth_pct"]) for r in _rows("growth.csv") if r["growth_pct"]}
    level, compounded = {}, 1.0
    for year in sorted(growth):
        if year > 1991:
            compounded *= 1.0 + growth[year] / 100.0
            level[year] = float(np.log(compounded))
    migrants = {(int(r["year"]), r["destination"]): float(r["stock"]) for r in _rows("migrants.csv")
                if r["interpolated"] == "false" and r["destination"] in MIGRANT_HOSTS}
    return LeverRecord(remittances, trade, china, growth, level, migrants)


@dataclass(frozen=True)
class LeverRun:
    """An ensemble's yearly levers: ``[replicate, year]`` arrays (level: the log of Tajikistan's
    mean output in the year, relative to independence; growth: its change on the year before,
    percent, as the World Bank measures growth, by annual means)."""

    years: np.ndarray
    remittances: np.ndarray
    trade: dict[str, np.ndarray]
    china_debt: np.ndarray
    growth: np.ndarray
    level: np.ndarray
    migrants: dict[str, np.ndarray] = field(default_factory=dict)  # share of the workforce in each host


def _yearly(series: np.ndarray, months: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Calendar-year means of a ``[replicate, month]`` series over the complete years it covers."""
    first = int(months[0]) // 12 + (months[0] % 12 != 0)
    last = (int(months[-1]) + 1) // 12 - 1
    years = np.arange(first, last + 1)
    start = first * 12 - int(months[0])
    block = series[:, start:start + 12 * len(years)].reshape(series.shape[0], len(years), 12)
    return years, block.mean(axis=2)


def lever_run(result) -> LeverRun:
    """Read a run's levers as yearly means per replicate."""
    months = np.asarray(result.months)
    remitted = sum(result.series("remittances", host, "TJK") for host in ("RUS", "KAZ") if host in result.codes)
    years, remittances = _yearly(remitted, months)
    trade = {code: _yearly(result.series("trade_share", code, "TJK"), months)[1]
             for code in TRADE_SCORED if code in result.codes}
    china = _yearly(result.series("debt", "CHN", "TJK"), months)[1] if "CHN" in result.codes else \
        np.zeros_like(remittances)
    output = _yearly(result.series("output", "TJK", "TJK"), months)[1]
    # the first complete year's growth is on the run's first value (independence: 1991's level)
    before = np.concatenate([result.series("output", "TJK", "TJK")[:, :1], output[:, :-1]], axis=1)
    growth = (output / before - 1.0) * 100.0
    migrants = {host: _yearly(result.series("migrants", host, "TJK"), months)[1]
                for host in MIGRANT_HOSTS if host in result.codes}
    return LeverRun(years, remittances, trade, china, growth, np.log(output), migrants)


def _pairs(run: LeverRun, record: LeverRecord, window: tuple[int, int]):
    """(simulated ``[rows, replicate]``, observed ``[rows]``) of remittances, of trade and of
    growth in ``window``."""
    column = {int(y): n for n, y in enumerate(run.years)}
    years = [y for y in range(window[0], window[1] + 1) if y in column]
    rem = [(run.remittances[:, column[y]], record.remittances[y]) for y in years if y in record.remittances]
    trade = [(run.trade[code][:, column[y]], record.trade[(y, code)])
             for y in years for code in run.trade if (y, code) in record.trade]
    growth = [(run.growth[:, column[y]], record.growth[y]) for y in years if y in record.growth]
    level = [(run.level[:, column[y]], record.level[y]) for y in years if y in record.level]
    return rem, trade, growth, level


def _crps(pairs) -> float:
    if not pairs:
        return float("nan")
    samples = np.stack([p[0] for p in pairs])
    observed = np.array([p[1] for p in pairs])
    return float(crps_ensemble(samples, observed).mean())


@dataclass(frozen=True)
class LeverScore:
    loss: float
    remittances: float
    trade: float
    growth: float
    level: float


def lever_loss(run: LeverRun, record: LeverRecord) -> LeverScore:
    """The levers' loss of one candidate's ensemble on the training years: remittances and trade
    (see the module doc); growth and level are scored beside it, not in it."""
    rem = _pairs(run, record, REMITTANCE_TRAIN)[0]
    trade = _pairs(run, record, TRADE_TRAIN)[1]
    growth, level = _pairs(run, record, GROWTH_TRAIN)[2:]
    parts = [_crps(pairs) / (float(np.std([o for _, o in pairs])) or 1.0) for pairs in (rem, trade, growth, level)]
    return LeverScore(parts[0] + parts[1], *parts)


def output_loss(run: LeverRun, record: LeverRecord) -> LeverScore:
    """The output's loss of one candidate's ensemble on the training years: its yearly growth and
    the log of its level (see the module doc); remittances and trade scored beside it, not in it."""
    score = lever_loss(run, record)
    return replace(score, loss=score.growth + score.level)


def _baselines(observed: dict, train: tuple[int, int], test_years: list[int]) -> dict[str, np.ndarray]:
    """Persistence and the training years' linear trend, for the test years."""
    years = np.array([y for y in range(train[0], train[1] + 1) if y in observed], dtype=float)
    values = np.array([observed[int(y)] for y in years])
    slope, intercept = np.polyfit(years, values, 1) if len(years) > 1 else (0.0, values.mean())
    return {"persistence": np.full(len(test_years), values[-1]),
            "trend": intercept + slope * np.array(test_years, dtype=float)}


def dollar_ratio(drivers: dict) -> dict[int, float]:
    """Russia's GDP per head in dollars over Tajikistan's, year by year (the scenario's
    ``russia_dollar_income`` and ``tajikistan_population`` drivers at their mid-year points, and
    calibration/record/relations/dollar_gdp.csv); empty where a driver is missing."""
    if "russia_dollar_income" not in drivers or "tajikistan_population" not in drivers:
        return {}
    wage = {int(m[:4]): v for m, v in drivers["russia_dollar_income"].points.items() if m.endswith("-07")}
    people = {int(m[:4]): v for m, v in drivers["tajikistan_population"].points.items() if m.endswith("-07")}
    gdp = {int(r["year"]): float(r["gdp_current_usd"]) for r in _rows("dollar_gdp.csv") if r["gdp_current_usd"]}
    return {y: wage[y] / (gdp[y] / people[y]) for y in sorted(set(wage) & set(people) & set(gdp))}


def _dollar_ratio_baseline(ratio: dict[int, float], observed: dict, train: tuple[int, int],
                           test_years: list[int]) -> np.ndarray | None:
    """Remittances as a constant times the ratio of the two dollar incomes, the constant (how many
    migrants there are and how much of a wage they send) held at its mean over the last two
    training years: what the data alone say once the exchange rates are known."""
    last = [y for y in (train[1] - 1, train[1]) if y in ratio and y in observed]
    if not last or any(y not in ratio for y in test_years):
        return None
    constant = float(np.mean([observed[y] / ratio[y] for y in last]))
    return constant * np.array([ratio[y] for y in test_years])


def scores_against_baselines(run: LeverRun, record: LeverRecord, ratio: dict[int, float] | None = None) -> dict:
    """Test-year scores of the model's ensemble against persistence and trend: the CRPS (for a
    baseline's single value, its absolute error) of remittances and of each partner's trade share;
    remittances also against the dollar ratio (:func:`_dollar_ratio_baseline`) where ``ratio`` is given."""
    column = {int(y): n for n, y in enumerate(run.years)}
    out: dict = {}
    series = {"remittances": (run.remittances, record.remittances, REMITTANCE_TRAIN, REMITTANCE_TEST),
              "growth": (run.growth, record.growth, GROWTH_TRAIN, GROWTH_TEST),
              "output_log_level": (run.level, record.level, GROWTH_TRAIN, GROWTH_TEST)}
    for code, shares in run.trade.items():
        observed = {y: v for (y, c), v in record.trade.items() if c == code}
        series[f"trade_{code}"] = (shares, observed, TRADE_TRAIN, TRADE_TEST)
    for name, (simulated, observed, train, test) in series.items():
        years = [y for y in range(test[0], test[1] + 1) if y in observed and y in column]
        if not years:
            continue
        truth = np.array([observed[y] for y in years])
        samples = np.stack([simulated[:, column[y]] for y in years])
        crps = crps_ensemble(samples, truth)
        scores: dict = {"model": float(crps.mean()), "years": len(years)}
        errors = {label: np.abs(values - truth) for label, values in _baselines(observed, train, years).items()}
        if name == "remittances" and ratio:
            baseline = _dollar_ratio_baseline(ratio, observed, train, years)
            if baseline is not None:
                errors["dollar_ratio"] = np.abs(baseline - truth)
        for label, error in errors.items():
            scores[label] = float(error.mean())
            scores[f"skill_vs_{label}"] = _skill(scores["model"], scores[label])
            scores[f"skill_vs_{label}_95"] = list(skill_interval(crps, error))
        out[name] = scores
    return out


def china_check(run: LeverRun, record: LeverRecord) -> dict:
    """Rank correlation of the model's yearly change in its debt to China with AidData's yearly commitments, on the
    training and the test years (a check, not a fit), beside the range no association gives: the 2.5% and 97.5%
    quantiles of the same correlation with the commitments' years shuffled (:data:`SHUFFLES` draws, a fixed seed).

    Yearly flows, not the running totals: two series that only rise agree in rank whatever else they say, so the
    cumulative comparison this replaced scored 1.00 in every block and could not fail."""
    column = {int(y): n for n, y in enumerate(run.years)}
    rng = np.random.default_rng(SHUFFLE_SEED)
    out = {}
    for label, (first, last) in (("train", CHINA_TRAIN), ("test", CHINA_TEST)):
        years = [y for y in range(first, last + 1) if y in record.china and y in column and y - 1 in column]
        if len(years) < 3:
            continue
        model = np.array([(run.china_debt[:, column[y]] - run.china_debt[:, column[y - 1]]).mean() for y in years])
        observed = np.array([record.china[y] for y in years])
        shuffled = [_spearman(model, rng.permutation(observed)) for _ in range(SHUFFLES)]
        low, high = np.quantile(shuffled, [0.025, 0.975])
        out[label] = {"spearman": _spearman(model, observed), "years": len(years),
                      "no_association_95": [float(low), float(high)]}
    return out


def migrant_split_check(run: LeverRun, record: LeverRecord) -> dict:
    """Russia's share of Tajikistan's migrants in Russia and Kazakhstan (the ensemble's mean) against UN DESA's
    Tajik-born stocks in the two, on the published years of the training and the test block, beside persistence
    (the last published training year's share carried forward) and the training years' mean (a check, not a fit).
    The stocks count birthplace, not labour migration (calibration/record/relations/README.md), so only the split
    between the hosts is compared, not the numbers."""
    column = {int(y): n for n, y in enumerate(run.years)}
    if set(MIGRANT_HOSTS) - set(run.migrants):
        return {}
    rus, kaz = (run.migrants[host] for host in MIGRANT_HOSTS)
    observed = {year: stock / (stock + record.migrants[(year, "KAZ")]) for (year, host), stock in record.migrants.items()
                if host == "RUS" and (year, "KAZ") in record.migrants}
    out: dict = {}
    train = [year for year in sorted(observed) if MIGRANTS_TRAIN[0] <= year <= MIGRANTS_TRAIN[1]]
    for label, (first, last) in (("train", MIGRANTS_TRAIN), ("test", MIGRANTS_TEST)):
        years = [y for y in sorted(observed) if first <= y <= last and y in column]
        if not years:
            continue
        model = np.array([np.mean(rus[:, column[y]] / np.maximum(rus[:, column[y]] + kaz[:, column[y]], 1e-12))
                          for y in years])
        truth = np.array([observed[y] for y in years])
        out[label] = {"years": years, "observed": truth.round(4).tolist(), "model": model.round(4).tolist(),
                      "mae": float(np.abs(model - truth).mean())}
        if label == "test" and train:
            out[label]["mae_persistence"] = float(np.abs(observed[train[-1]] - truth).mean())
            out[label]["mae_climatology"] = float(np.abs(np.mean([observed[y] for y in train]) - truth).mean())
    return out


def yearly_table(run: LeverRun, record: LeverRecord) -> list[dict]:
    """Per year: the ensemble's median and 90% band of remittances and of real growth against the
    World Bank's."""
    rows = []
    for n, year in enumerate(run.years.tolist()):
        low, mid, high = np.quantile(run.remittances[:, n], [0.05, 0.5, 0.95])
        g_low, g_mid, g_high = np.quantile(run.growth[:, n], [0.05, 0.5, 0.95])
        rows.append({"year": year, "remittances_median": float(mid), "remittances_q05": float(low),
                     "remittances_q95": float(high), "observed": record.remittances.get(year),
                     "growth_median": float(g_mid), "growth_q05": float(g_low), "growth_q95": float(g_high),
                     "growth_observed": record.growth.get(year)})
    return rows


def _spearman(a: np.ndarray, b: np.ndarray) -> float:
    ra, rb = np.argsort(np.argsort(a)), np.argsort(np.argsort(b))
    if ra.std() == 0 or rb.std() == 0:
        return float("nan")
    return float(np.corrcoef(ra, rb)[0, 1])


def _skill(score: float, reference: float) -> float:
    return float("nan") if not reference else 1.0 - score / reference


__all__ = ["LEVER_FREE", "OUTPUT_FREE", "LeverRecord", "LeverRun", "LeverScore", "china_check", "dollar_ratio",
           "migrant_split_check", "lever_loss", "lever_run", "load_record", "output_loss", "scores_against_baselines",
           "yearly_table"]
