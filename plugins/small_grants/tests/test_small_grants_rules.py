"""Every small-grants eligibility rule, passing and failing (pure: no app)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from gms.answers import to_decimal
from gms.competition import blocking_failures, build_rules, run_rules
from plugins.small_grants.budget import read
from plugins.small_grants.eligibility import rule_specs
from plugins.small_grants.tests.factories import (
    ANSWERS,
    CHOSEN,
    make_competition,
    make_info,
    session,
    tally_rows,
)

CODES = [
    "small_grants.max_grant", "small_grants.applications_per_organisation",
    "small_grants.duration", "small_grants.priority_evidence",
    "small_grants.council_resolution", "small_grants.budget_publication",
    "small_grants.cofinancing", "small_grants.budget_consistency",
    "small_grants.priority_date", "small_grants.participation", "small_grants.tally",
    "small_grants.tally_rank", "small_grants.gender_balance", "small_grants.sessions",
    "small_grants.focus_group", "small_grants.timeline",
]
WARNINGS = {"small_grants.priority_date", "small_grants.tally_rank",
            "small_grants.gender_balance", "small_grants.sessions", "small_grants.focus_group",
            "small_grants.timeline"}


def result(rule_code, info, competition=None):
    rule = next(r for r in build_rules(rule_specs(competition or info.competition))
                if r.code == rule_code)
    return rule(info)


def test_codes_are_prefixed_and_unique():
    built = build_rules(rule_specs(make_competition()))
    assert [r.code for r in built] == CODES
    assert {r.code for r in built if not r.blocking} == WARNINGS


def test_complete_application_passes_everything():
    results = run_rules(build_rules(rule_specs(make_competition())), make_info())
    assert all(r.passed for r in results), [r.message for r in results if not r.passed]
    assert blocking_failures(results) == []


def test_params_are_json_safe():
    import json

    for rule in build_rules(rule_specs(make_competition(max_grant=Decimal("800000")))):
        json.dumps(dict(rule.params))


def test_budget_arithmetic():
    spent = read(ANSWERS)
    assert spent.requested == Decimal("950000.00")
    assert spent.total == Decimal("1150000.00")
    assert spent.contribution_percent == Decimal("17.39")
    totals = spent.by_source
    assert totals["labour"] == Decimal("60000.00") and totals["other_donors"] == 0


@pytest.mark.parametrize("raw, expected", [
    ("1 000,50", Decimal("1000.50")), (5, Decimal(5)), ("", None), (None, None),
    ("abc", None), ("NaN", None), (True, None)])
def test_to_decimal(raw, expected):
    assert to_decimal(raw) == expected


# -- max grant -------------------------------------------------------------------------


def test_max_grant_passes_at_the_limit():
    r = result("small_grants.max_grant", make_info(requested_amount="1000000"))
    assert r.passed and "1\u00a0000\u00a0000" in r.message


def test_max_grant_fails_above_the_setting():
    r = result("small_grants.max_grant", make_info(requested_amount="1000000.01"))
    assert not r.passed and r.blocking
    assert "more than the maximum grant" in r.message


def test_max_grant_uses_the_lower_of_setting_and_call_cap():
    competition = make_competition(max_grant=Decimal("900000"))
    r = result("small_grants.max_grant", make_info(competition=competition))
    assert not r.passed and "900\u00a0000" in r.message
    competition = make_competition(settings={"max_grant_kgs": "500000"})
    assert not result("small_grants.max_grant", make_info(competition=competition)).passed


@pytest.mark.parametrize("amount", [None, "0"])
def test_max_grant_needs_a_positive_amount(amount):
    r = result("small_grants.max_grant", make_info(requested_amount=amount))
    assert not r.passed


# -- applications per organisation --------------------------------------------------------


def test_second_application_is_allowed():
    r = result("small_grants.applications_per_organisation", make_info(others=1))
    assert r.passed and "application 2 of the 2" in r.message


def test_third_application_is_refused():
    r = result("small_grants.applications_per_organisation", make_info(others=2))
    assert not r.passed and "(2)" in r.message and "Withdraw" in r.message


def test_applications_limit_follows_the_setting():
    competition = make_competition(settings={"max_applications_per_organisation": 1})
    info = make_info(competition=competition, others=1)
    assert not result("small_grants.applications_per_organisation", info).passed


# -- duration ------------------------------------------------------------------------------


def test_duration_within_limit():
    r = result("small_grants.duration", make_info(duration_months=12))
    assert r.passed and "12" in r.message


@pytest.mark.parametrize("months, words", [
    (13, "at most 12 months"), (0, "at least one month"), (None, "Enter the project duration"),
    ("twelve", "Enter the project duration")])
def test_duration_fails(months, words):
    r = result("small_grants.duration", make_info(duration_months=months))
    assert not r.passed and words in r.message


# -- documents -----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["zhmba_report", "hearing_minutes", "gathering_minutes"])
def test_any_priority_evidence_document_passes(kind):
    info = make_info(attachments={"council_resolution", "budget_publication", kind})
    assert result("small_grants.priority_evidence", info).passed


def test_missing_priority_evidence_names_the_documents():
    info = make_info(attachments={"council_resolution", "budget_publication", "vote_tally"})
    r = result("small_grants.priority_evidence", info)
    assert not r.passed
    for words in ("needs assessment", "public hearing", "village gathering"):
        assert words in r.message


def test_council_resolution_required():
    info = make_info(attachments={"budget_publication", "zhmba_report"})
    r = result("small_grants.council_resolution", info)
    assert not r.passed and "resolution" in r.message
    assert result("small_grants.council_resolution", make_info()).passed


def test_budget_publication_required():
    info = make_info(attachments={"council_resolution", "zhmba_report"})
    r = result("small_grants.budget_publication", info)
    assert not r.passed and "budget is public" in r.message
    assert result("small_grants.budget_publication", make_info()).passed


# -- co-financing ------------------------------------------------------------------------


def test_cofinancing_with_no_minimum_passes_and_reports_the_share():
    r = result("small_grants.cofinancing", make_info())
    assert r.passed and "17.39%" in r.message and "no minimum" in r.message


def test_cofinancing_meets_the_minimum():
    competition = make_competition(settings={"min_cofinancing_percent": "15"})
    r = result("small_grants.cofinancing", make_info(competition=competition))
    assert r.passed and "at least the required 15%" in r.message


def test_cofinancing_below_the_minimum():
    competition = make_competition(settings={"min_cofinancing_percent": 20})
    r = result("small_grants.cofinancing", make_info(competition=competition))
    assert not r.passed and r.blocking
    assert "17.39%" in r.message and "at least 20%" in r.message


def test_cofinancing_needs_a_budget_when_a_minimum_is_set():
    competition = make_competition(settings={"min_cofinancing_percent": 10})
    r = result("small_grants.cofinancing", make_info(competition=competition, budget_lines=[]))
    assert not r.passed and "Fill in the budget lines" in r.message


# -- budget consistency --------------------------------------------------------------------


def test_budget_consistent():
    r = result("small_grants.budget_consistency", make_info())
    assert r.passed and "950\u00a0000" in r.message


def test_budget_inconsistent():
    r = result("small_grants.budget_consistency", make_info(requested_amount="960000"))
    assert not r.passed
    assert "950\u00a0000" in r.message and "960\u00a0000" in r.message


def test_budget_empty_rows_are_ignored_and_no_budget_fails():
    rows = [{"item": "", "unit": "", "quantity": None, "unit_cost": None, "source": ""}] * 6
    r = result("small_grants.budget_consistency", make_info(budget_lines=rows))
    assert not r.passed and "Fill in the budget" in r.message


def test_budget_needs_the_requested_amount():
    r = result("small_grants.budget_consistency", make_info(requested_amount=None))
    assert not r.passed and "Enter the requested amount" in r.message


# -- priority date (warning) ---------------------------------------------------------------


def test_priority_chosen_before_the_call_opened():
    r = result("small_grants.priority_date", make_info(priority_date="2026-02-01"))
    assert r.passed


def test_priority_chosen_after_the_call_opened_is_a_warning():
    r = result("small_grants.priority_date", make_info(priority_date="2026-02-02"))
    assert not r.passed and not r.blocking
    assert "after the call opened" in r.message


def test_priority_date_compares_in_bishkek_time():
    # 2026-01-31 20:00 UTC is already 1 February in Bishkek
    competition = make_competition(opens_at=datetime(2026, 1, 31, 20, 0, tzinfo=UTC))
    info = make_info(competition=competition, priority_date="2026-02-01")
    assert result("small_grants.priority_date", info).passed


def test_priority_date_missing():
    r = result("small_grants.priority_date", make_info(priority_date=None))
    assert not r.passed and not r.blocking and "Enter the date" in r.message


# -- participation: ЖМБА sessions or hearing / gathering minutes ---------------------------

HEARING = {"council_resolution", "budget_publication", "hearing_minutes"}
NO_EVIDENCE = dict(zhmba_sessions=[], vote_tally=[], priority_problem="",
                   priority_source="public_hearing", focus_group_date=None,
                   focus_group_participants=None, focus_group_women=None,
                   focus_group_causes="", focus_group_consequences="",
                   focus_group_solutions="", focus_group_contributions="")


def test_participation_by_sessions():
    r = result("small_grants.participation", make_info())
    assert r.passed and r.blocking
    assert "6 ЖМБА sessions, with 122 participants" in r.message


def test_participation_by_one_session_is_singular():
    r = result("small_grants.participation",
               make_info(zhmba_sessions=ANSWERS["zhmba_sessions"][:1]))
    assert r.passed and "1 ЖМБА session, with 20 participants" in r.message


@pytest.mark.parametrize("kind", ["hearing_minutes", "gathering_minutes"])
def test_participation_by_minutes(kind):
    info = make_info(attachments={"council_resolution", kind}, **NO_EVIDENCE)
    r = result("small_grants.participation", info)
    assert r.passed and "public meeting" in r.message


def test_participation_missing():
    # a ЖМБА report alone is not enough: the sessions must be in the table
    info = make_info(attachments={"council_resolution", "budget_publication", "zhmba_report"},
                     **NO_EVIDENCE)
    r = result("small_grants.participation", info)
    assert not r.passed and r.blocking
    assert "record the ЖМБА sessions" in r.message and "minutes" in r.message


# -- the tally shows the chosen problem (blocking) -------------------------------------------


def test_tally_shows_the_chosen_problem():
    r = result("small_grants.tally", make_info())
    assert r.passed and r.blocking
    assert f"“{CHOSEN}” with 36 votes: rank 4 of 9 problems" in r.message


def test_tally_matches_the_name_loosely():
    r = result("small_grants.tally", make_info(priority_problem=f"  «{CHOSEN.upper()}». "))
    assert r.passed


def test_tally_does_not_show_the_chosen_problem():
    r = result("small_grants.tally", make_info(priority_problem="No kindergarten"))
    assert not r.passed and r.blocking
    assert "does not show the problem “No kindergarten”" in r.message


def test_tally_needs_the_chosen_problem_named():
    r = result("small_grants.tally", make_info(priority_problem=""))
    assert not r.passed and "Enter the chosen problem" in r.message


def test_zhmba_priority_needs_a_tally():
    r = result("small_grants.tally", make_info(vote_tally=[]))
    assert not r.passed and "fill in the vote tally" in r.message


def test_no_tally_needed_for_a_hearing():
    r = result("small_grants.tally", make_info(attachments=HEARING, **NO_EVIDENCE))
    assert r.passed and "Public hearing" in r.message


def test_a_hearing_with_a_tally_must_show_the_problem():
    info = make_info(priority_source="public_hearing", priority_problem="Something else")
    assert not result("small_grants.tally", info).passed


# -- rank and votes against the tally (warning) ----------------------------------------------


def test_rank_agrees_with_the_tally():
    r = result("small_grants.tally_rank", make_info())
    assert r.passed and not r.blocking
    assert "rank (4)" in r.message and "among the residents' 5 priorities" in r.message


def test_tied_problem_keeps_the_shared_rank():
    # lighting ties with water at 36: rank 4, not 5
    info = make_info(priority_problem="No street lighting", priority_rank=5)
    r = result("small_grants.tally_rank", info)
    assert not r.passed and not r.blocking
    assert "the tally ranks it 4 (tied problems share a rank), the application says 5" \
        in r.message


def test_rank_disagrees_with_the_tally():
    r = result("small_grants.tally_rank", make_info(priority_rank=1))
    assert not r.passed and "application says 1" in r.message
    assert "Staff will compare it with the session reports" in r.message


def test_votes_disagree_with_the_tally():
    r = result("small_grants.tally_rank", make_info(priority_votes=40))
    assert not r.passed and "gives it 36 votes, the application 40" in r.message
    # no votes stated: nothing to disagree with
    assert result("small_grants.tally_rank", make_info(priority_votes=None)).passed


def test_problem_outside_the_five_priorities():
    info = make_info(priority_problem="No bridges", priority_rank=8, priority_votes=16)
    r = result("small_grants.tally_rank", info)
    assert not r.passed and "with rank 8 it is not among the residents' 5 priorities" \
        in r.message
    assert "ranks it" not in r.message  # the rank itself agrees


def test_rank_with_nothing_to_compare():
    assert result("small_grants.tally_rank", make_info(vote_tally=[])).passed
    assert result("small_grants.tally_rank", make_info(priority_problem="Other")).passed


# -- balance of women and men (warning) ----------------------------------------------------


def test_gender_balance_passes():
    r = result("small_grants.gender_balance", make_info())
    assert r.passed and not r.blocking
    assert "ЖМБА sessions: 75 women of 122 (61.48%)" in r.message
    assert "Focus group: 12 women of 22" in r.message


def test_too_few_men_is_a_warning():
    rows = [dict(row, women=row["participants"] - 2) for row in ANSWERS["zhmba_sessions"]]
    r = result("small_grants.gender_balance", make_info(zhmba_sessions=rows))
    assert not r.passed and not r.blocking
    assert "less than 30%" in r.message and "110 women of 122" in r.message


def test_too_few_women_in_the_focus_group_is_a_warning():
    r = result("small_grants.gender_balance", make_info(focus_group_women=5))
    assert not r.passed and "Focus group: 5 women of 22 (22.73%)" in r.message


def test_gender_balance_threshold_is_a_setting():
    competition = make_competition(settings={"min_minority_sex_percent": 40})
    r = result("small_grants.gender_balance", make_info(competition=competition))
    assert not r.passed and "less than 40%" in r.message  # men are 38.52%
    competition = make_competition(settings={"min_minority_sex_percent": 0})
    assert result("small_grants.gender_balance", make_info(competition=competition)).passed


def test_gender_balance_with_nobody_recorded():
    r = result("small_grants.gender_balance", make_info(attachments=HEARING, **NO_EVIDENCE))
    assert r.passed and "no balance" in r.message


# -- the ЖМБА method (warning) ----------------------------------------------------------------


def test_sessions_follow_the_method():
    r = result("small_grants.sessions", make_info())
    assert r.passed and not r.blocking
    assert "6 sessions in 2 villages" in r.message


def test_sessions_depart_from_the_method():
    rows = [dict(r) for r in ANSWERS["zhmba_sessions"][:5]]  # Birdik lacks 56+
    rows[0]["participants"], rows[0]["women"] = 15, 8
    rows[3]["facilitators"] = 1
    r = result("small_grants.sessions", make_info(zhmba_sessions=rows))
    assert not r.passed and not r.blocking
    assert "fewer than 20 participants: Aral, 18–35" in r.message
    assert "fewer than 2 facilitators: Birdik, 18–35" in r.message
    assert "no session for: Birdik (56 and older)" in r.message


def test_no_sessions_no_method_warning():
    r = result("small_grants.sessions", make_info(attachments=HEARING, **NO_EVIDENCE))
    assert r.passed


# -- the focus group (warning) ---------------------------------------------------------------


def test_focus_group_follows_the_method():
    r = result("small_grants.focus_group", make_info())
    assert r.passed and not r.blocking and "(22 participants)" in r.message


def test_zhmba_priority_without_a_focus_group_is_a_warning():
    empty = {k: NO_EVIDENCE[k] for k in NO_EVIDENCE if k.startswith("focus_group")}
    r = result("small_grants.focus_group", make_info(**empty))
    assert not r.passed and not r.blocking and "Describe the focus group" in r.message
    r = result("small_grants.focus_group", make_info(attachments=HEARING, **NO_EVIDENCE))
    assert r.passed


@pytest.mark.parametrize("change, words", [
    ({"focus_group_participants": 12, "focus_group_women": 6}, "20 to 25 participants"),
    ({"focus_group_participants": 30}, "20 to 25 participants"),
    ({"focus_group_date": None}, "its date is missing"),
    ({"focus_group_date": "2025-10-12"}, "before the ЖМБА sessions"),
    ({"focus_group_date": "2025-10-29"}, "more than 14 days after the last ЖМБА session"),
    ({"focus_group_solutions": ""}, "analysis of the problem is incomplete"),
])
def test_focus_group_departs_from_the_method(change, words):
    r = result("small_grants.focus_group", make_info(**change))
    assert not r.passed and words in r.message


def test_focus_group_on_the_fourteenth_day_is_in_time():
    assert result("small_grants.focus_group", make_info(focus_group_date="2025-10-28")).passed


# -- the order of the dates (warning) ------------------------------------------------------


def test_timeline_in_order():
    r = result("small_grants.timeline", make_info())
    assert r.passed and not r.blocking


def test_sessions_after_the_choice():
    rows = ANSWERS["zhmba_sessions"] + [session("Birdik", "2025-10-20", "18_35", 20, 10)]
    r = result("small_grants.timeline", make_info(zhmba_sessions=rows))
    assert not r.passed and "ЖМБА sessions took place after that date (2025-10-20)" \
        in r.message


def test_resolution_before_the_choice():
    r = result("small_grants.timeline", make_info(council_resolution_date="2025-10-01"))
    assert not r.passed and not r.blocking
    assert "the council resolution is dated 2025-10-01, before it" in r.message


def test_timeline_waits_for_the_priority_date():
    assert result("small_grants.timeline", make_info(priority_date=None)).passed


def test_new_rules_on_an_old_answer_set_never_raise():
    """Answers stored before the evidence tables existed: only what they lack fails."""
    old = {k: v for k, v in ANSWERS.items() if k in (
        "title", "requested_amount", "issue_area", "priority_source", "priority_rank",
        "priority_votes", "priority_date", "duration_months", "budget_lines")}
    results = run_rules(build_rules(rule_specs(make_competition())), make_info(old))
    failed = {r.code for r in results if not r.passed}
    assert failed == {"small_grants.participation", "small_grants.tally",
                      "small_grants.focus_group"}


def test_tally_rows_factory_matches_the_domain_table():
    assert sum(r["votes"] for r in tally_rows()) == 306
