"""Voting positions in the UN General Assembly, year by year: ideal points, the agenda, contested votes.

Three derived tables for the voting model (``sim/record/voting.py``), built from the same raw data
as ``unga_agreement.csv`` (Voeten's roll calls, outside the repository):

* ``unga_ideal_points.csv`` — ``year, country, ideal``: each state's position on the Assembly's first
  dimension in that calendar year, for Tajikistan and the 19 partners of the agreement table.
  Estimated from *every* member's votes of the year: the agreement of each pair of members (Voeten's
  index over the roll calls both voted on), classical multidimensional scaling of 1 - agreement, first
  coordinate, standardised across the year's members (mean 0, sd 1) and signed so that the United
  States is positive. Members with fewer than ``max(10, 20%)`` of the year's votes are left out.
  This is a one-dimensional cousin of Bailey, Strezhnev and Voeten's dynamic ideal points ("Estimating
  Dynamic State Preferences from United Nations Voting Data", Journal of Conflict Resolution 61(2),
  2017); it has no bridging votes, so positions are comparable within a year and only roughly across
  years (each year's scale is the spread of that year's members).
* ``unga_agenda.csv`` — ``year, roll_calls, alpha, beta, r2``: the year's agenda as a line through
  all member pairs, agreement ~ alpha + beta * |ideal_i - ideal_j|. ``alpha`` is how much everyone
  agrees at equal positions, ``beta`` (negative) how divisive the year's roll calls are.
* ``unga_contested.csv`` — ``year, n, with_russia, against_russia, abstain, absent, score``: Tajikistan
  on the roll calls where alignment with Russia is at stake: those on Ukraine, Crimea and Georgia
  (``CONTESTED_PATTERN`` in the description, or resolution 68/262 of 27 March 2014, "Territorial
  integrity of Ukraine", which the data files under another description), and human-rights
  resolutions (issue code ``hr``) on which Russia voted no, which are in practice the resolutions on
  named countries. ``score`` = with + 0.5 (abstain + absent): an absence on a recorded vote, like an
  abstention, is taken as a hedge (Tajikistan was absent on 68/262). Years in which Tajikistan cast
  no recorded vote at all (2001) are a gap in the data, not absences, and have no row.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from unga_table import ALPHA2_TO_ALPHA3, VOTE_SCORE, DataError

#: A member's votes in a year must reach this share of the year's roll calls (and at least 10).
MIN_SHARE = 0.2
MIN_VOTES = 10
CONTESTED_PATTERN = re.compile(r"CRIMEA|SEVASTOPOL|UKRAINE|GEORGIA|ABKHAZIA", re.IGNORECASE)
CONTESTED_RESOLUTIONS = ("R/68/262",)
IDEAL_COLUMNS = ["year", "country", "ideal"]
AGENDA_COLUMNS = ["year", "roll_calls", "alpha", "beta", "r2"]
CONTESTED_COLUMNS = ["year", "n", "with_russia", "against_russia", "abstain", "absent", "score"]


def _with_years(votes: pd.DataFrame, rollcalls: pd.DataFrame) -> pd.DataFrame:
    years = pd.DataFrame({"rcid": rollcalls["rcid"], "year": pd.to_datetime(rollcalls["date"]).dt.year})
    scored = votes.assign(score=votes["vote"].map(VOTE_SCORE)).merge(years, on="rcid", how="left")
    if scored["year"].isna().any():
        raise DataError(f"votes: roll call {scored['rcid'][scored['year'].isna()].iloc[0]} not in rollcalls")
    return scored


def pairwise_agreement(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Voeten's agreement of every pair of rows of ``matrix`` (states x roll calls, NaN = no vote).

    Returns ``(agreement, shared)``: the mean of 1 - |a - b| over the roll calls both voted on, and
    how many those are. Votes take only the values 0, 0.5 and 1, so the sums are three matrix products.
    """
    voted = ~np.isnan(matrix)
    shared = voted.astype(float) @ voted.T.astype(float)
    no, abstain, yes = ((matrix == level) & voted for level in (0.0, 0.5, 1.0))
    no, abstain, yes = (m.astype(float) for m in (no, abstain, yes))
    same = no @ no.T + abstain @ abstain.T + yes @ yes.T
    half = abstain @ (no + yes).T + (no + yes) @ abstain.T
    return (same + 0.5 * half) / np.maximum(shared, 1.0), shared


def first_dimension(agreement: np.ndarray) -> np.ndarray:
    """Classical scaling of the distances 1 - agreement: the first coordinate, standardised."""
    distance = 1.0 - agreement
    b = -0.5 * distance ** 2
    b = b - b.mean(axis=0) - b.mean(axis=1)[:, None] + b.mean()
    values, vectors = np.linalg.eigh(b)
    x = vectors[:, -1] * np.sqrt(max(values[-1], 0.0))
    return (x - x.mean()) / x.std()


def ideal_points(votes: pd.DataFrame, rollcalls: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(ideal points of Tajikistan and the partners, the agenda)`` for every year with 10+ roll calls."""
    scored = _with_years(votes, rollcalls)
    positions, agenda = [], []
    for year, block in scored.groupby("year", sort=True):
        wide = block.pivot(index="country_code", columns="rcid", values="score")
        roll_calls = wide.shape[1]
        if roll_calls < MIN_VOTES:
            continue
        agreement, shared = pairwise_agreement(wide.to_numpy(dtype=float))
        keep = np.diag(shared) >= max(MIN_VOTES, MIN_SHARE * roll_calls)
        codes = wide.index[keep]
        agreement = agreement[np.ix_(keep, keep)]
        ideal = first_dimension(agreement)
        if "US" in codes and ideal[list(codes).index("US")] < 0:
            ideal = -ideal
        upper = np.triu_indices(len(ideal), 1)
        gap, agree = np.abs(ideal[:, None] - ideal[None, :])[upper], agreement[upper]
        beta, alpha = np.polyfit(gap, agree, 1)
        agenda.append((int(year), roll_calls, alpha, beta, float(np.corrcoef(gap, agree)[0, 1] ** 2)))
        positions += [(int(year), ALPHA2_TO_ALPHA3[c], v) for c, v in zip(codes, ideal) if c in ALPHA2_TO_ALPHA3]
    ideal_table = pd.DataFrame(positions, columns=IDEAL_COLUMNS).sort_values(["year", "country"], ignore_index=True)
    return ideal_table, pd.DataFrame(agenda, columns=AGENDA_COLUMNS)


def contested_table(votes: pd.DataFrame, rollcalls: pd.DataFrame) -> pd.DataFrame:
    """Tajikistan on the roll calls where alignment with Russia is at stake, year by year."""
    calls = rollcalls.assign(year=pd.to_datetime(rollcalls["date"]).dt.year)
    for column in ("short", "issues", "unres"):
        calls[column] = calls[column].fillna("") if column in calls else ""
    russia = votes.loc[votes["country_code"] == "RU", ["rcid", "vote"]].rename(columns={"vote": "russia"})
    tajik = votes.loc[votes["country_code"] == "TJ", ["rcid", "vote"]].rename(columns={"vote": "tajik"})
    calls = calls.merge(russia, on="rcid", how="inner").merge(tajik, on="rcid", how="left")
    own_cause = calls["short"].str.contains(CONTESTED_PATTERN) | calls["unres"].isin(CONTESTED_RESOLUTIONS)
    named_country = calls["issues"].str.contains("hr") & (calls["russia"] == "no")
    voted_at_all = set(calls.loc[calls["tajik"].notna(), "year"])
    contested = calls[(own_cause | named_country) & calls["year"].isin(voted_at_all)]
    rows = []
    for year, block in contested.groupby("year", sort=True):
        n = len(block)
        tajik_vote = block["tajik"]
        with_russia = float((tajik_vote == block["russia"]).mean())
        abstain = float(((tajik_vote == "abstain") & (block["russia"] != "abstain")).mean())
        absent = float(tajik_vote.isna().mean())
        against = 1.0 - with_russia - abstain - absent
        rows.append((int(year), n, with_russia, against, abstain, absent, with_russia + 0.5 * (abstain + absent)))
    return pd.DataFrame(rows, columns=CONTESTED_COLUMNS)
