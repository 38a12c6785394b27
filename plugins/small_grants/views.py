"""Helpers the application template uses, added to Jinja by ``gms_app_init``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import budget
from .choices import BUDGET_SOURCES, ISSUE_AREAS, PRIORITY_SOURCES, label_of

CHOICES = {
    "issue_area": ISSUE_AREAS,
    "priority_source": PRIORITY_SOURCES,
    "source": BUDGET_SOURCES,
}


def choice_label(code: Any, field: str) -> str:
    """``{{ answers.issue_area|small_grants_choice("issue_area") }}``."""
    return label_of(CHOICES.get(field, ()), code)


def date_text(value: Any) -> str:
    """An ISO date from the answers in the current locale's long format."""
    from .rules import day, to_date

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


def init_jinja(app) -> None:
    app.jinja_env.filters["small_grants_choice"] = choice_label
    app.jinja_env.filters["small_grants_date"] = date_text
    app.jinja_env.filters["small_grants_number"] = number_text
    app.jinja_env.globals["small_grants_budget"] = budget_summary
