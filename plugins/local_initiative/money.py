"""Reading numbers and money tables from stored answers (pure Python, never raises).

Answers come from JSON: numbers may be strings, numbers or missing, and a draft may be half
filled. Both variants keep money in table rows: the contest's resources by party and the
municipal budget lines by source.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from gms.answers import to_decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

def filled(value: Any) -> bool:
    return value is not None and str(value).strip() != ""


def rows(answers: Mapping[str, Any], name: str, keys: Iterable[str]) -> list[Mapping[str, Any]]:
    """The rows of table ``name`` with at least one of ``keys`` filled in (spare rows and
    anything that is not a mapping are left out)."""
    keys = tuple(keys)
    return [row for row in (answers.get(name) or [])
            if isinstance(row, Mapping) and any(filled(row.get(k)) for k in keys)]


def amount(quantity: Any, unit_cost: Any) -> Decimal:
    """Quantity × unit cost, to the tyiyn; missing numbers count as zero."""
    q = to_decimal(quantity) or Decimal(0)
    c = to_decimal(unit_cost) or Decimal(0)
    return (q * c).quantize(CENT, rounding=ROUND_HALF_UP)


def percent(part: Decimal, whole: Decimal) -> Decimal | None:
    """``part`` as a percentage of ``whole`` (two decimals); ``None`` when ``whole`` is 0."""
    if whole <= 0:
        return None
    return (part * 100 / whole).quantize(CENT, rounding=ROUND_HALF_UP)


def kgs(value: Decimal) -> str:
    """An amount in KGS in the current locale (``10 000 сом``); plain text outside the app."""
    from flask import has_app_context

    if has_app_context():
        from gms.i18n import money

        return money(value)
    whole = value == value.to_integral_value()
    text = f"{value:,.0f}" if whole else f"{value:,.2f}"
    return text.replace(",", "\u00a0") + "\u00a0KGS"


def number(value: Decimal) -> str:
    """A percentage or quantity without trailing zeros in the current locale."""
    from flask import has_app_context

    value = Decimal(value).quantize(CENT)
    if has_app_context():
        from flask_babel import format_decimal

        return format_decimal(value, format="#,##0.##")
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
