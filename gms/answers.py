"""Reading stored answers: numbers and dates as applicants typed them, forgivingly.

Answers are JSON (numbers as text, dates as ISO strings); competition rules read them with
these helpers, which return ``None`` for anything empty or unreadable instead of failing.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any


def to_decimal(value: Any) -> Decimal | None:
    """``value`` as a finite Decimal (``1 000,50`` too), or ``None`` when empty or not a
    number."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        result = value
    else:
        text = str(value).strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
        if not text:
            return None
        try:
            result = Decimal(text)
        except InvalidOperation:
            return None
    return result if result.is_finite() else None


def to_int(value: Any) -> int | None:
    """``value`` as a whole number, or ``None`` when empty or not a whole number."""
    number = to_decimal(value)
    if number is None or number != number.to_integral_value():
        return None
    return int(number)


def to_date(value: Any) -> date | None:
    """A date from a date, a datetime, ``YYYY-MM-DD`` or ``DD.MM.YYYY``; else ``None``."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        pass
    try:
        return datetime.strptime(text, "%d.%m.%Y").date()
    except ValueError:
        return None
