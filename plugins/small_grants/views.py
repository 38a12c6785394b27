"""Helpers the application template uses, added to Jinja by ``gms_app_init``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gms.answers import to_decimal

from . import budget, evidence
from .choices import AGE_GROUPS, BUDGET_SOURCES, ISSUE_AREAS, MAINTENANCE_SOURCES, PRIORITY_SOURCES

CHOICES = {
    "issue_area": ISSUE_AREAS,
    "priority_source": PRIORITY_SOURCES,
    "source": BUDGET_SOURCES,
    "age_group": AGE_GROUPS,
    "maintenance_source": MAINTENANCE_SOURCES,
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
        "upkeep_cost": to_decimal(answers.get("maintenance_annual_cost")),
    }


#: what the templates use, added to Jinja by ``gms_app_init``:
#: ``{{ code|label(small_grants_choices.issue_area) }}``; the core's filters do the rest
JINJA_GLOBALS = {
    "small_grants_choices": CHOICES,
    "small_grants_budget": budget.read,
    "small_grants_evidence": evidence_summary,
}
