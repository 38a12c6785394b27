"""Helpers the application template uses, added to Jinja by ``gms_app_init``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import budget, evidence
from .choices import (
    AGE_GROUPS,
    BUDGET_SOURCES,
    ISSUE_AREAS,
    MAINTENANCE_SOURCES,
    PRIORITY_SOURCES,
    label_of,
)

CHOICES = {
    "issue_area": ISSUE_AREAS,
    "priority_source": PRIORITY_SOURCES,
    "source": BUDGET_SOURCES,
    "age_group": AGE_GROUPS,
    "maintenance_source": MAINTENANCE_SOURCES,
}


def choice_label(code: Any, field: str) -> str:
    """``{{ answers.issue_area|small_grants_choice("issue_area") }}``."""
    return label_of(CHOICES.get(field, ()), code)


def date_text(value: Any) -> str:
    """An ISO date from the answers in the current locale's long format."""
    from gms.answers import to_date

    from .rules import day

    parsed = to_date(value)
    return day(parsed) if parsed else "—"


def number_text(value: Any) -> str:
    """A quantity without trailing zeros: ``2.50`` as ``2.5``, ``100.00`` as ``100``."""
    from flask_babel import format_decimal

    number = budget.to_decimal(value)
    return "—" if number is None else format_decimal(number, format="#,##0.######")


def budget_summary(answers: Mapping[str, Any]) -> dict:
    """Lines with amounts, totals by source, grant, co-financing and its share."""
    totals = budget.totals_by_source(answers)
    return {
        "lines": budget.budget_lines(answers),
        "by_source": [(code, label_of(BUDGET_SOURCES, code), amount)
                      for code, amount in totals.items() if amount],
        "total": budget.budget_total(answers),
        "grant": budget.grant_total(answers),
        "cofinancing": budget.cofinancing_total(answers),
        "cofinancing_percent": budget.cofinancing_percent(answers),
    }


def evidence_summary(answers: Mapping[str, Any]) -> dict:
    """The participatory evidence for the read-only view: the sessions with their totals,
    the vote tally computed (totals, ranks, the five priorities, the chosen problem), the
    focus group, the joint action plan and the beneficiaries by village."""
    held = evidence.sessions(answers)
    votes = evidence.tally(answers)
    actions = evidence.action_plan(answers)
    reach = evidence.beneficiaries_by_village(answers)
    return {
        "sessions": held,
        "sessions_total": evidence.session_headcount(answers),
        "session_villages": evidence.session_villages(held),
        "tally": votes,
        "chosen": votes.find(answers.get("priority_problem")),
        "focus_group": evidence.focus_group(answers),
        "actions": actions,
        "actions_total": evidence.action_plan_total(actions),
        "reach": reach,
        "reach_total": sum((evidence.Headcount(r.beneficiaries, r.women) for r in reach),
                           evidence.NOBODY),
        "upkeep_cost": budget.to_decimal(answers.get("maintenance_annual_cost")),
    }


def init_jinja(app) -> None:
    app.jinja_env.filters["small_grants_choice"] = choice_label
    app.jinja_env.filters["small_grants_date"] = date_text
    app.jinja_env.filters["small_grants_number"] = number_text
    app.jinja_env.globals["small_grants_budget"] = budget_summary
    app.jinja_env.globals["small_grants_evidence"] = evidence_summary
