"""Reading the budget table of a small-grants application (pure Python).

Answers come from JSON, so numbers may be strings, numbers or missing; nothing here raises on
a half-filled draft. A row counts when its item, quantity or unit cost is filled in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from gms.answers import to_decimal

from .choices import GRANT, SOURCE_CODES

CENT = Decimal("0.01")

def is_empty_row(row: Mapping[str, Any]) -> bool:
    """True for a row with no item, quantity or unit cost (the form's spare rows)."""
    return not any(str(row.get(k) if row.get(k) is not None else "").strip()
                   for k in ("item", "quantity", "unit_cost"))


@dataclass(frozen=True)
class BudgetLine:
    item: str
    unit: str
    quantity: Decimal
    unit_cost: Decimal
    source: str
    basis: str = ""  # how a contribution in kind or labour was valued

    @property
    def amount(self) -> Decimal:
        return (self.quantity * self.unit_cost).quantize(CENT, rounding=ROUND_HALF_UP)


def budget_lines(answers: Mapping[str, Any]) -> list[BudgetLine]:
    """The filled-in budget rows; missing numbers count as zero."""
    rows = answers.get("budget_lines") or []
    out = []
    for row in rows:
        if not isinstance(row, Mapping) or is_empty_row(row):
            continue
        out.append(BudgetLine(
            item=str(row.get("item") or "").strip(),
            unit=str(row.get("unit") or "").strip(),
            quantity=to_decimal(row.get("quantity")) or Decimal(0),
            unit_cost=to_decimal(row.get("unit_cost")) or Decimal(0),
            source=str(row.get("source") or ""),
            basis=str(row.get("basis") or "").strip()))
    return out


def totals_by_source(answers: Mapping[str, Any]) -> dict[str, Decimal]:
    """Amount per funding source: every known source (zero if unused), then any other code."""
    totals = {code: Decimal("0.00") for code in SOURCE_CODES}
    for line in budget_lines(answers):
        totals[line.source] = totals.get(line.source, Decimal("0.00")) + line.amount
    return totals


def grant_total(answers: Mapping[str, Any]) -> Decimal:
    return totals_by_source(answers)[GRANT]


def budget_total(answers: Mapping[str, Any]) -> Decimal:
    return sum(totals_by_source(answers).values(), Decimal("0.00"))


def cofinancing_total(answers: Mapping[str, Any]) -> Decimal:
    """Everything in the budget that the grant does not pay for."""
    return budget_total(answers) - grant_total(answers)


def cofinancing_percent(answers: Mapping[str, Any]) -> Decimal | None:
    """Co-financing as a percentage of the whole budget (two decimals); ``None`` if empty."""
    total = budget_total(answers)
    if total <= 0:
        return None
    return (cofinancing_total(answers) * 100 / total).quantize(CENT, rounding=ROUND_HALF_UP)
