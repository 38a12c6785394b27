"""Every small-grants eligibility rule, passing and failing (pure: no app)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from gms.competition import blocking_failures, run_rules
from plugins.small_grants import rules
from plugins.small_grants.budget import (
    budget_total,
    cofinancing_percent,
    grant_total,
    to_decimal,
    totals_by_source,
)
from plugins.small_grants.tests.factories import ANSWERS, make_competition, make_info

CODES = [
    "small_grants.max_grant", "small_grants.applications_per_organisation",
    "small_grants.duration", "small_grants.priority_evidence",
    "small_grants.council_resolution", "small_grants.budget_publication",
    "small_grants.cofinancing", "small_grants.budget_consistency",
    "small_grants.priority_date",
]


def result(rule_code, info, competition=None):
    rule = next(r for r in rules.build_rules(competition or info.competition)
                if r.code == rule_code)
    return rule(info)


def test_codes_are_prefixed_and_unique():
    built = rules.build_rules(make_competition())
    assert [r.code for r in built] == CODES
    blocking = {r.code: r.blocking for r in built}
    assert blocking.pop("small_grants.priority_date") is False
    assert all(blocking.values())


def test_complete_application_passes_everything():
    results = run_rules(rules.build_rules(make_competition()), make_info())
    assert all(r.passed for r in results), [r.message for r in results if not r.passed]
    assert blocking_failures(results) == []


def test_params_are_json_safe():
    import json

    for rule in rules.build_rules(make_competition(max_grant=Decimal("800000"))):
        json.dumps(dict(rule.params))


def test_budget_arithmetic():
    assert grant_total(ANSWERS) == Decimal("950000.00")
    assert budget_total(ANSWERS) == Decimal("1150000.00")
    assert cofinancing_percent(ANSWERS) == Decimal("17.39")
    totals = totals_by_source(ANSWERS)
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
