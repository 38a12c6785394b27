"""Reading the participatory evidence (pure: no app): the vote tally computed per problem
across villages with shared ranks, the sessions and their headcounts, the focus group, the
joint action plan and the beneficiaries by village."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from plugins.small_grants import evidence
from plugins.small_grants.evidence import (
    Headcount,
    TallyRow,
    competition_ranks,
    compute_tally,
    key_of,
)
from plugins.small_grants.tests.factories import (
    ANSWERS,
    CHOSEN,
    KOK_IRIM_TALLY,
    VILLAGES,
    tally_rows,
)


def kok_irim():
    return evidence.tally({"vote_tally": tally_rows()})


# -- the vote tally -------------------------------------------------------------------------


def test_kok_irim_totals_are_the_sum_of_the_villages():
    t = kok_irim()
    assert [p.votes for p in t.problems] == [63, 45, 40, 36, 36, 32, 30, 16, 8]
    assert [p.problem for p in t.problems] == [row[0] for row in KOK_IRIM_TALLY]
    assert t.villages == VILLAGES
    preschool = t.problems[0]
    assert dict(preschool.by_village) == {"Aral": 11, "Birdik": 52}
    assert dict(t.find("No bridges").by_village) == {"Birdik": 16}  # "—" in Aral
    assert t.village_totals == {"Aral": 139, "Birdik": 167}
    assert t.votes == 306


def test_kok_irim_ranks_ties_share_a_rank():
    t = kok_irim()
    assert [p.rank for p in t.problems] == [1, 2, 3, 4, 4, 6, 7, 8, 9]
    water, lighting = t.find(CHOSEN), t.find("No street lighting")
    assert water.rank == lighting.rank == 4 and water.votes == lighting.votes == 36
    assert t.ties(water) == 2 and t.ties(t.problems[0]) == 1
    # equal totals keep the order of the table: water (Aral) before lighting (Birdik)
    assert t.problems.index(water) < t.problems.index(lighting)


def test_kok_irim_top_five_are_the_priorities():
    t = kok_irim()
    assert [p.problem for p in t.priorities] == [row[0] for row in KOK_IRIM_TALLY[:5]]
    assert t.find("No conditions for developing sport").priority is False  # rank 6


def test_a_tie_across_the_fifth_place_makes_six_priorities():
    rows = [TallyRow("A", name, votes) for name, votes in
            (("p1", 50), ("p2", 40), ("p3", 30), ("p4", 20), ("p5", 10), ("p6", 10), ("p7", 5))]
    t = compute_tally(rows)
    assert [p.rank for p in t.problems] == [1, 2, 3, 4, 5, 5, 7]
    assert len(t.priorities) == 6


def test_merging_similar_problems_changes_the_ranking():
    """Doc 002: counting "information for youth" under culture gives 45 + 30 = 75, which
    outranks pre-school (63). A merge is recorded by naming both rows the same."""
    culture = "No conditions for cultural development"
    rows = [dict(r, problem=culture) if r["problem"] == "Insufficient information for youth"
            else r for r in tally_rows()]
    t = evidence.tally({"vote_tally": rows})
    assert (t.problems[0].problem, t.problems[0].votes) == (culture, 75)
    assert dict(t.problems[0].by_village) == {"Aral": 54, "Birdik": 21}
    assert t.find("No conditions for pre-school education").rank == 2
    assert len(t.problems) == 8


def test_names_match_whatever_the_case_spaces_and_quotes():
    rows = [{"village": "Арал", "problem": "Нет  уличного освещения", "votes": 10},
            {"village": " арал ", "problem": "нет уличного освещения.", "votes": "5"},
            {"village": "Бирдик", "problem": "«Нет уличного освещения»", "votes": 7}]
    t = evidence.tally({"vote_tally": rows})
    assert len(t.problems) == 1
    (p,) = t.problems
    assert p.problem == "Нет  уличного освещения" and p.votes == 22  # first spelling shown
    assert dict(p.by_village) == {"Арал": 15, "Бирдик": 7}
    assert t.find("НЕТ УЛИЧНОГО ОСВЕЩЕНИЯ") is p
    assert t.find("") is None and t.find(None) is None
    assert key_of("  «Нет воды»! ") == "нет воды"


def test_half_filled_and_broken_rows_never_raise():
    rows = [{"village": "", "problem": "", "votes": None},
            {"village": "A", "problem": "", "votes": 40},  # no problem: skipped
            {"village": "A", "problem": "Roads", "votes": "many"},  # counts as 0
            {"village": "A", "problem": "Water", "votes": -3},  # never negative
            "not a row", None]
    t = evidence.tally({"vote_tally": rows})
    assert [(p.problem, p.votes, p.rank) for p in t.problems] == [("Roads", 0, 1),
                                                                  ("Water", 0, 1)]
    assert not evidence.tally({}) and not evidence.tally({"vote_tally": "junk"})


@pytest.mark.parametrize("values, ranks", [
    ([], []), ([5], [1]), ([9, 9, 9], [1, 1, 1]), ([9, 8, 8, 7], [1, 2, 2, 4]),
    ([63, 45, 40, 36, 36, 32], [1, 2, 3, 4, 4, 6])])
def test_competition_ranks(values, ranks):
    assert competition_ranks(values) == ranks


# -- sessions, focus group, headcounts ------------------------------------------------------


def test_sessions_and_their_headcount():
    held = evidence.sessions(ANSWERS)
    assert len(held) == 6
    assert held[0].date == date(2025, 10, 13) and held[0].age_group == "18_35"
    count = evidence.session_headcount(ANSWERS)
    assert (count.participants, count.women, count.men) == (122, 75, 47)
    assert count.women_percent == Decimal("61.48")
    assert count.minority_percent == Decimal("38.52")
    assert evidence.session_villages(held) == ["Aral", "Birdik"]
    assert evidence.missing_age_groups(held, ("18_35", "36_55", "56_plus")) == {}


def test_missing_age_groups_by_village():
    held = evidence.sessions({"zhmba_sessions": [
        {"village": "Aral", "age_group": "18_35", "participants": 20},
        {"village": "aral", "age_group": "56_plus", "participants": 20},
        {"village": "Birdik", "age_group": "36_55", "participants": 20}]})
    assert evidence.missing_age_groups(held, ("18_35", "36_55", "56_plus")) == {
        "Aral": ["36_55"], "Birdik": ["18_35", "56_plus"]}


def test_headcount_of_nobody():
    assert Headcount(0, 0).minority_percent is None
    assert Headcount(10, 10).minority_percent == 0  # no men at all
    assert Headcount(10, 3) + Headcount(10, 7) == Headcount(20, 10)


def test_focus_group():
    fg = evidence.focus_group(ANSWERS)
    assert (fg.date, fg.participants, fg.women, fg.missing_analysis) == (
        date(2025, 10, 24), 22, 12, ())
    assert evidence.focus_group({"focus_group_causes": "  ", "focus_group_date": None}) is None
    partial = evidence.focus_group({"focus_group_date": "2025-10-24"})
    assert partial.participants is None and len(partial.missing_analysis) == 4


def test_action_plan_and_reach():
    actions = evidence.action_plan(ANSWERS)
    assert [a.activity for a in actions] == ["Замена 1,2 км сети", "Грейдирование улиц"]
    assert actions[0].deadline == date(2026, 11, 30) and actions[1].amount is None
    assert evidence.action_plan_total(actions) == Decimal(950000)
    reach = evidence.beneficiaries_by_village(ANSWERS)
    assert [(r.village, r.beneficiaries, r.women) for r in reach] == [
        ("Aral", 1000, 520), ("Birdik", 850, 440)]
