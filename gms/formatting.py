"""Formatting helpers for plugin authors: money, percentages, scores, dates, choice labels.

Each works with or without an app context: inside the app it formats in the reader's locale
(``1 000 000 сом``, ``28,6``, ``7 декабря 2026 г.``); outside (a plugin's unit tests, a
script) it gives plain, locale-neutral text (``1 000 000 KGS``, ``28.6``, ``2026-12-07``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from babel import numbers
from flask import has_app_context
from flask_babel import format_date, get_locale

from gms.i18n import money

__all__ = ["kgs", "percent", "points", "day", "label_of"]

NBSP = "\u00a0"


def _plain(value: Decimal, places: str) -> str:
    text = f"{Decimal(value).quantize(Decimal(places)):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def kgs(amount: Decimal | int | None) -> str:
    """An amount in KGS: ``1 000 000 сом`` in the app, ``1 000 000 KGS`` outside; ``—`` for
    none."""
    if amount is None:
        return "—"
    if has_app_context():
        return money(amount)
    amount = Decimal(amount)
    whole = amount == amount.to_integral_value()
    text = f"{amount:,.0f}" if whole else f"{amount:,.2f}"
    return text.replace(",", NBSP) + NBSP + "KGS"


def _decimal(value: Decimal | int | float, pattern: str, places: str) -> str:
    """``value`` rounded to ``places`` (``"0.01"``), in the locale's digits inside the app."""
    if has_app_context():
        return numbers.format_decimal(Decimal(value).quantize(Decimal(places)), pattern,
                                      locale=str(get_locale()))
    return _plain(Decimal(value), places)


def percent(value: Decimal | int | float | None, digits: int = 2) -> str:
    """A percentage's number without trailing zeros, to ``digits`` decimals: ``28,57`` or
    ``28.57`` (``28,6`` with ``digits=1``)."""
    if value is None:
        return "—"
    return _decimal(value, "#,##0." + "#" * digits, str(Decimal(1).scaleb(-digits)))


def points(value: Decimal | int | float | None) -> str:
    """A score without trailing zeros, to 0.01: ``84,5`` or ``84.5``."""
    return "—" if value is None else _decimal(value, "#,##0.##", "0.01")


def day(value: date | None) -> str:
    """A date in the locale's long format (ISO outside the app); ``—`` for none."""
    if value is None:
        return "—"
    if has_app_context():
        return format_date(value, "long")
    return value.isoformat()


def label_of(choices: Iterable[tuple[Any, Any]], code: Any) -> str:
    """The translated label of ``code`` in ``choices`` (``(value, label)`` pairs); the code
    itself when unknown, ``""`` when empty."""
    for value, label in choices:
        if value == code:
            return str(label)
    return "" if code in (None, "") else str(code)
