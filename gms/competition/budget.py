"""Budget tables of the answers (pure Python, never raises): lines of quantity × unit cost,
each paid by a source, and the share the funder does not pay.

Answers come from JSON, so numbers may be strings, numbers or missing, and a draft may be
half filled: a row counts when its item, quantity or unit cost is filled in, and a missing
number counts as zero.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from gms.answers import to_decimal

__all__ = ["CENT", "ZERO", "Budget", "BudgetLine", "amount", "filled", "is_empty_line",
           "share", "table_rows"]

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
#: the cells that make a budget row count
LINE_KEYS = ("item", "quantity", "unit_cost")


def filled(value: Any) -> bool:
    """True for an answer with something in it (not ``None`` nor blanks)."""
    return value is not None and str(value).strip() != ""


def table_rows(answers: Mapping[str, Any], name: str,
               keys: Iterable[str]) -> list[Mapping[str, Any]]:
    """The rows of table ``name`` with at least one of ``keys`` filled in (spare rows and
    anything that is not a mapping are left out)."""
    keys = tuple(keys)
    return [row for row in (answers.get(name) or [])
            if isinstance(row, Mapping) and any(filled(row.get(k)) for k in keys)]


def is_empty_line(row: Mapping[str, Any]) -> bool:
    """True for a budget row with no item, quantity or unit cost (the form's spare rows)."""
    return not any(filled(row.get(k)) for k in LINE_KEYS)


def amount(quantity: Any, unit_cost: Any) -> Decimal:
    """Quantity × unit cost, to the tyiyn; missing numbers count as zero."""
    q = to_decimal(quantity) or Decimal(0)
    c = to_decimal(unit_cost) or Decimal(0)
    return (q * c).quantize(CENT, rounding=ROUND_HALF_UP)


def share(part: Decimal, whole: Decimal) -> Decimal | None:
    """``part`` as a percentage of ``whole`` (two decimals); ``None`` when ``whole`` is 0."""
    if whole <= 0:
        return None
    return (part * 100 / whole).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class BudgetLine:
    """A filled-in budget row; ``basis`` says how a contribution in kind or labour was
    valued."""

    item: str
    unit: str
    quantity: Decimal
    unit_cost: Decimal
    source: str
    basis: str = ""

    @property
    def amount(self) -> Decimal:
        return amount(self.quantity, self.unit_cost)

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> BudgetLine:
        return cls(item=str(row.get("item") or "").strip(),
                   unit=str(row.get("unit") or "").strip(),
                   quantity=to_decimal(row.get("quantity")) or Decimal(0),
                   unit_cost=to_decimal(row.get("unit_cost")) or Decimal(0),
                   source=str(row.get("source") or ""),
                   basis=str(row.get("basis") or "").strip())


@dataclass(frozen=True)
class Budget:
    """The budget table ``table`` of some answers, paid by ``sources`` (codes); ``funder``
    is the source the application asks money from (the grant, the local budget)."""

    lines: tuple[BudgetLine, ...]
    sources: tuple[str, ...]
    funder: str

    @classmethod
    def of(cls, answers: Mapping[str, Any], sources: Iterable[str], funder: str,
           table: str = "budget_lines") -> Budget:
        """The budget in ``answers``."""
        return cls(tuple(BudgetLine.from_row(r) for r in table_rows(answers, table, LINE_KEYS)),
                   tuple(sources), funder)

    @property
    def by_source(self) -> dict[str, Decimal]:
        """Amount per source: every known source (zero if unused), then any other code."""
        totals = dict.fromkeys(self.sources, ZERO)
        for line in self.lines:
            totals[line.source] = totals.get(line.source, ZERO) + line.amount
        return totals

    def paid_by(self, *sources: str) -> Decimal:
        """What ``sources`` pay together."""
        totals = self.by_source
        return sum((totals.get(code, ZERO) for code in sources), ZERO)

    @property
    def total(self) -> Decimal:
        return sum(self.by_source.values(), ZERO)

    @property
    def requested(self) -> Decimal:
        """What the funder pays."""
        return self.paid_by(self.funder)

    @property
    def contribution(self) -> Decimal:
        """Everything the funder does not pay."""
        return self.total - self.requested

    @property
    def contribution_percent(self) -> Decimal | None:
        """The contribution as a percentage of the whole budget; ``None`` when empty."""
        return share(self.contribution, self.total)
