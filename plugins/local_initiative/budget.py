"""Money tables of both variants (pure Python): the municipal budget lines by source and the
contest's resources by party. Spare rows (nothing filled in) are ignored."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from gms.answers import to_decimal

from .choices import ATTRACTED, BUDGET_SOURCES, LOCAL_BUDGET, OWN_SOURCES
from .money import ZERO, amount, percent, rows

SOURCE_CODES = tuple(code for code, _label in BUDGET_SOURCES)


@dataclass(frozen=True)
class BudgetLine:
    item: str
    unit: str
    quantity: Decimal
    unit_cost: Decimal
    source: str

    @property
    def amount(self) -> Decimal:
        return amount(self.quantity, self.unit_cost)


def budget_lines(answers: Mapping[str, Any]) -> list[BudgetLine]:
    """The filled-in budget lines; missing numbers count as zero."""
    return [BudgetLine(item=str(r.get("item") or "").strip(),
                       unit=str(r.get("unit") or "").strip(),
                       quantity=to_decimal(r.get("quantity")) or Decimal(0),
                       unit_cost=to_decimal(r.get("unit_cost")) or Decimal(0),
                       source=str(r.get("source") or ""))
            for r in rows(answers, "budget_lines", ("item", "quantity", "unit_cost"))]


def totals_by_source(answers: Mapping[str, Any]) -> dict[str, Decimal]:
    """Amount per source: every known source (zero if unused), then any other code."""
    totals = {code: ZERO for code in SOURCE_CODES}
    for line in budget_lines(answers):
        totals[line.source] = totals.get(line.source, ZERO) + line.amount
    return totals


def budget_total(answers: Mapping[str, Any]) -> Decimal:
    return sum(totals_by_source(answers).values(), ZERO)


def local_budget_total(answers: Mapping[str, Any]) -> Decimal:
    """What the initiative asks the municipality for."""
    return totals_by_source(answers)[LOCAL_BUDGET]


def own_total(answers: Mapping[str, Any]) -> Decimal:
    totals = totals_by_source(answers)
    return sum((totals[code] for code in OWN_SOURCES), ZERO)


def attracted_total(answers: Mapping[str, Any]) -> Decimal:
    return totals_by_source(answers)[ATTRACTED]


def contribution_total(answers: Mapping[str, Any]) -> Decimal:
    """Everything the local budget does not pay: own contribution and attracted funds."""
    return budget_total(answers) - local_budget_total(answers)


def contribution_percent(answers: Mapping[str, Any]) -> Decimal | None:
    """The contribution as a percentage of the whole budget; ``None`` when it is empty."""
    return percent(contribution_total(answers), budget_total(answers))


# ----------------------------------------------------------------------------- contest


@dataclass(frozen=True)
class Resource:
    party: str
    kind: str
    description: str
    value: Decimal


def resources(answers: Mapping[str, Any]) -> list[Resource]:
    """The contest entry's resources by party (value in KGS, zero when not valued)."""
    return [Resource(party=str(r.get("party") or ""), kind=str(r.get("kind") or ""),
                     description=str(r.get("description") or "").strip(),
                     value=to_decimal(r.get("value")) or ZERO)
            for r in rows(answers, "resources", ("description", "value"))]


def resources_by_party(answers: Mapping[str, Any]) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for r in resources(answers):
        out[r.party] = out.get(r.party, ZERO) + r.value
    return out
