"""The comparison metrics on hand-made cases."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.months import parse_month
from sim.record.compare import Period, comparison_table, event_scores, event_tally, fact_scores, reproduced_rows
from sim.record.items import Check, Mechanism, RecordEvent, StylizedFact
from sim.record.matching import Targets

P = [Period("independence", parse_month("1992-01"), parse_month("1992-12")),
     Period("civil_war", parse_month("1993-01"), parse_month("1993-12"))]


def rec(id, date, actor, target, type, precision="month", lever=None):
    return RecordEvent(id=id, date=date, precision=precision, actor=actor, target=target, type=type,
                       summary="s", source="public: test", lever=lever)


def sim_events(rows):
    return pd.DataFrame(rows, columns=["replicate", "month", "actor", "target", "type", "rule"]).assign(
        month=lambda d: d["month"].map(parse_month))


def test_recall_and_precision_within_the_window():
    record = (rec("E001", "1992-03", "RUS", "TJK", "aid"),
              rec("E002", "1992-10", "TJK", "RUS", "treaty"),
              rec("E003", "1993-06", "UZB", "TJK", "pressure"))
    events = sim_events([
        (0, "1992-05", "RUS", "TJK", "aid", "R1"),       # 2 months late: inside +/-3
        (0, "1992-10", "RUS", "TJK", "treaty", "R2"),    # treaties have no direction
        (0, "1993-01", "UZB", "TJK", "pressure", "R3"),  # 5 months early: outside +/-3
        (0, "1993-06", "UZB", "TJK", "aid", "R4"),       # wrong type
        (1, "1992-09", "RUS", "TJK", "aid", "R1"),       # 6 months late: outside
    ])
    rows = event_scores(events, record, P, 2, {"RUS", "TJK", "UZB"}, set(), window=3)
    by = rows.set_index(["period", "replicate"])
    assert by.loc[("independence", 0), "recall_hits"] == 2 and by.loc[("independence", 0), "recall_n"] == 2
    assert by.loc[("civil_war", 0), "recall_hits"] == 0 and by.loc[("civil_war", 0), "recall_n"] == 1
    assert by.loc[("independence", 0), "precision_hits"] == 2 and by.loc[("independence", 0), "precision_n"] == 2
    assert by.loc[("civil_war", 0), "precision_hits"] == 0 and by.loc[("civil_war", 0), "precision_n"] == 2
    assert by.loc[("independence", 1), "recall_hits"] == 0 and by.loc[("independence", 1), "precision_n"] == 1
    table = comparison_table(rows, pd.DataFrame(columns=["period", "fact", "passed", "window", "statement"]), P, 3)
    recall_all = table.query("period == 'all' and metric == 'event_recall'")["value"].iloc[0]
    assert np.isclose(recall_all, (2 / 3 + 0 / 3) / 2)


def test_each_record_event_says_in_how_many_replicates_it_is_reproduced_and_they_add_up_to_the_recall():
    """The per-event view of the same matching: E001 is reproduced in replicate 0 only (replicate 1's aid
    comes too late), E002 in both (a treaty either way round, one of them twice), E003 in neither (wrong
    type, or outside the window); each period's events' shares average to its recall."""
    record = (rec("E001", "1992-03", "RUS", "TJK", "aid"),
              rec("E002", "1992-10", "TJK", "RUS", "treaty"),
              rec("E003", "1993-06", "UZB", "TJK", "pressure"))
    events = sim_events([
        (0, "1992-05", "RUS", "TJK", "aid", "R1"),
        (0, "1992-10", "RUS", "TJK", "treaty", "R2"),
        (0, "1992-11", "TJK", "RUS", "treaty", "R2"),
        (0, "1993-01", "UZB", "TJK", "pressure", "R3"),
        (1, "1993-06", "UZB", "TJK", "aid", "R4"),
        (1, "1992-09", "RUS", "TJK", "aid", "R1"),
        (1, "1993-01", "RUS", "TJK", "treaty", "R2"),
    ])
    actors = {"RUS", "TJK", "UZB"}
    targets = Targets.of(record, P, actors, set(), window=3)
    scores, hits = event_tally(events, targets, 2)
    assert dict(zip(targets.ids, hits)) == {"E001": 1, "E002": 2, "E003": 0}
    assert scores.equals(event_scores(events, record, P, 2, actors, set(), window=3))
    rows = reproduced_rows(targets, hits, 2, record)
    assert list(rows["id"]) == ["E001", "E002", "E003"] and list(rows["share"]) == [0.5, 1.0, 0.0]
    table = comparison_table(scores, pd.DataFrame(columns=["period", "fact", "passed", "window", "statement"]), P, 3,
                             reproduced=rows)
    for period in ("independence", "civil_war"):
        block = table[table["period"] == period].set_index("metric")["value"]
        assert np.isclose(block[block.index.str.startswith("event:")].mean(), block["event_recall"])
    assert not table.query("period == 'all'")["metric"].str.startswith("event:").any()


def test_a_squeeze_reproduces_only_a_record_squeeze_of_its_own_lever():
    """R65 squeezes migration, R82 security, R29 (a border closure) no lever: each pressure event
    reproduces, and is borne out by, only the record's pressure on the same subject."""
    record = (rec("E001", "1992-03", "RUS", "TJK", "pressure", lever="migration"),
              rec("E002", "1992-09", "RUS", "TJK", "pressure", lever="security"),
              rec("E003", "1993-06", "UZB", "TJK", "pressure"))
    events = sim_events([
        (0, "1992-03", "RUS", "TJK", "pressure", "R65"),  # the migrant squeeze: E001's lever
        (1, "1992-03", "RUS", "TJK", "pressure", "R82"),  # the funding stop: not E001's lever
        (1, "1992-09", "RUS", "TJK", "pressure", "R65"),  # a migrant squeeze: not E002's lever
        (0, "1993-06", "UZB", "TJK", "pressure", "R69"),  # a gas cut-off: E003 squeezed no lever
        (1, "1993-06", "UZB", "TJK", "pressure", "R29"),  # a border closure: E003's kind
    ])
    rows = event_scores(events, record, P, 2, {"RUS", "TJK", "UZB"}, set(), window=1)
    by = rows.set_index(["period", "replicate"])
    assert by.loc[("independence", 0), ["recall_hits", "precision_hits", "precision_n"]].tolist() == [1, 1, 1]
    assert by.loc[("independence", 1), ["recall_hits", "precision_hits", "precision_n"]].tolist() == [0, 0, 2]
    assert by.loc[("civil_war", 0), ["recall_hits", "precision_hits"]].tolist() == [0, 0]
    assert by.loc[("civil_war", 1), ["recall_hits", "precision_hits"]].tolist() == [1, 1]


@pytest.mark.parametrize("lever, type_, words", [
    ("gas", "pressure", "lever 'gas': none of migration, energy, security"),
    ("energy", "aid", "only a pressure event squeezes a lever"),
])
def test_a_record_event_names_a_lever_only_for_pressure(lever, type_, words):
    with pytest.raises(ValueError, match=words):
        rec("E001", "1992-03", "UZB", "TJK", type_, lever=lever)


def test_year_dated_events_match_anywhere_in_their_year_and_inputs_are_not_scored():
    record = (rec("E001", "1992", "RUS", "TJK", "military", precision="year"),
              rec("E002", "1992-06", "CHN", "TJK", "treaty"))
    events = sim_events([(0, "1992-12", "RUS", "TJK", "military", "R1"),
                         (0, "1992-06", "CHN", "TJK", "treaty", "scheduled:E002")])
    rows = event_scores(events, record, P, 1, {"RUS", "TJK", "CHN"}, {"E002"}, window=0)
    early = rows[rows["period"] == "independence"].iloc[0]
    assert (early["recall_hits"], early["recall_n"]) == (1, 1)
    assert (early["precision_hits"], early["precision_n"]) == (1, 1)


def fact(kind, **check):
    return StylizedFact(id="SF01", period="independence", statement="s", source="public: test",
                        check=Check(kind=kind, **check), mechanism=Mechanism(summary="a test's", rules=("R10",)))


def test_fact_checks_on_hand_made_series():
    months = np.arange(P[0].start, P[1].end + 1)
    T = len(months)
    data = {
        ("alignment", "TJK", "RUS"): np.vstack([np.full(T, 0.8), np.full(T, 0.1)]),
        ("alignment", "TJK", "UZB"): np.vstack([np.full(T, 0.1), np.full(T, 0.5)]),
        ("alignment", "TJK", "CHN"): np.vstack([np.linspace(-0.2, 0.4, T), np.zeros(T)]),
        ("alignment", "TJK", "KAZ"): np.zeros((2, T)),
    }
    series = lambda v, a, t: data[(v, a, t)]  # noqa: E731
    events = sim_events([(0, "1992-04", "KAZ", "TJK", "pressure", "R33")])
    facts = (
        fact("closest_partner", actor="TJK", partner="RUS"),
        fact("mean_below", variable="alignment", actor="TJK", target="UZB", threshold=0.2),
        fact("rises", variable="alignment", actor="TJK", target="CHN", min_change=0.1),
        fact("ranks_above", variable="alignment", actor="TJK", target="RUS", other="UZB"),
        fact("event_count_at_least", actor="KAZ", target="TJK", type="pressure", count=1),
    )
    rows = fact_scores(facts, P[:1], months[:12], lambda v, a, t: series(v, a, t)[:, :12], events, 2,
                       {"TJK", "RUS", "UZB", "CHN", "KAZ"})
    assert rows["passed"].tolist() == [0.5, 0.5, 0.5, 0.5, 0.5]


def test_a_change_can_be_read_against_an_earlier_window_and_needs_the_run_to_cover_it():
    """``since``: the window's mean against an earlier window's (SF27 compares 2014-19 with 2005-10,
    as its evidence does), not the window's own first and last months; a run that starts after the
    earlier window does not score the fact, and ``since`` belongs to rises and falls alone."""
    months = np.arange(P[0].start, P[1].end + 1)  # 1992-01 .. the civil-war period's end in P
    T = len(months)
    # replicate 0 falls by 0.2 between the two windows and is flat inside the later one;
    # replicate 1 is flat throughout
    dip = np.where(months < parse_month("1993-01"), 0.8, 0.6)
    data = {("alignment", "TJK", "RUS"): np.vstack([dip, np.full(T, 0.7)])}
    later = StylizedFact(id="SF01", period="civil_war", window=("1993-01", "1993-12"), statement="s",
                         source="public: test", mechanism=Mechanism(summary="a test's", rules=("R10",)),
                         check=Check(kind="falls", variable="alignment", actor="TJK", target="RUS", min_change=0.1,
                                     since=("1992-01", "1992-12")))
    series = lambda v, a, t: data[(v, a, t)]  # noqa: E731
    rows = fact_scores((later,), P, months, series, sim_events([]), 2, {"TJK", "RUS"}, counts=True)
    assert rows["passed"].tolist() == [1]      # replicate 0 only; read within 1993 alone, neither falls
    within = later.model_copy(update={"check": later.check.model_copy(update={"since": None})})
    assert fact_scores((within,), P, months, series, sim_events([]), 2, {"TJK", "RUS"}, counts=True)["passed"].tolist() == [0]
    started_late = months >= parse_month("1992-06")
    assert fact_scores((later,), P, months[started_late], lambda v, a, t: series(v, a, t)[:, started_late],
                       sim_events([]), 2, {"TJK", "RUS"}).empty
    with pytest.raises(ValueError, match="since"):
        Check(kind="mean_above", variable="alignment", actor="TJK", target="RUS", threshold=0.1,
              since=("1992-01", "1992-12"))


def test_a_fact_on_the_levers_state_reads_the_holders_series_from_a_run():
    """SF28 (labour migration to Russia grows to 1999) reads the migrants' stock, a lever series
    recorded as RUS -> TJK, not a dyad of Tajikistan's: its share is what the series itself says."""
    import sim
    from sim.paths import scenarios_dir
    from sim.record.items import load_facts

    result = sim.run(scenarios_dir() / "1997-1999_post_war.yaml", seed=3, replicates=4)
    sf28 = next(f for f in load_facts() if f.id == "SF28")
    migrants = result.series("migrants", "RUS", "TJK")
    assert migrants.shape == (4, len(result.months)) and migrants.min() > 0.0
    low, high = max(parse_month(sf28.window[0]), result.months[0]), parse_month(sf28.window[1])
    first = migrants[:, (result.months >= low) & (result.months < low + 12)].mean(axis=1)
    last = migrants[:, (result.months > high - 12) & (result.months <= high)].mean(axis=1)
    expected = float(np.mean(last - first >= sf28.check.min_change))
    row = result.comparison.query("metric == 'fact:SF28'")
    assert len(row) == 1 and np.isclose(row["value"].iloc[0], expected)
