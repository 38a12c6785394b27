"""Formatting helpers for plugin authors: money, percentages, scores, dates, choice labels.

Each works with or without an app context: inside the app it formats in the reader's locale
(``1 000 000 сом``, ``28,6``, ``7 декабря 2026 г.``); outside (a plugin's unit tests, a
script) it gives plain, locale-neutral text (``1 000 000 KGS``, ``28.6``, ``2026-12-07``).
Numbers and dates may also be given as stored answers (``"2.50"``, ``"2026-12-07"``).

In templates the same helpers are Jinja filters (:func:`init_app`): ``{{ code|label(choices)
}}``, ``{{ share|percent }}``, ``{{ total|points }}``, ``{{ answers.quantity|number(6) }}``;
the dates' filters (``{{ answers.start|long_date }}``, ``day``, ``dt``) are :mod:`gms.i18n`'s.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from babel import numbers
from flask import Flask, has_app_context
from flask_babel import get_locale

from gms.answers import to_decimal
from gms.i18n import long_date, money

__all__ = ["kgs", "number", "percent", "points", "day", "label_of", "init_app"]

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


def _decimal(value: Decimal | int | float | str | None, pattern: str, places: str) -> str:
    """``value`` rounded to ``places`` (``"0.01"``), in the locale's digits inside the app;
    ``—`` for none or text that is not a number."""
    value = to_decimal(value) if isinstance(value, str) else value
    if value is None:
        return "—"
    if has_app_context():
        return numbers.format_decimal(Decimal(value).quantize(Decimal(places)), pattern,
                                      locale=str(get_locale()))
    return _plain(Decimal(value), places)


def number(value: Decimal | int | float | str | None, digits: int = 2) -> str:
    """A number without trailing zeros, to ``digits`` decimals: ``2,5`` or ``2.5``."""
    return _decimal(value, "#,##0." + "#" * digits, str(Decimal(1).scaleb(-digits)))


def percent(value: Decimal | int | float | str | None, digits: int = 2) -> str:
    """A percentage's number without trailing zeros, to ``digits`` decimals: ``28,57`` or
    ``28.57`` (``28,6`` with ``digits=1``)."""
    return number(value, digits)


def points(value: Decimal | int | float | str | None) -> str:
    """A score without trailing zeros, to 0.01: ``84,5`` or ``84.5``."""
    return number(value, 2)


#: a date (or a stored ``YYYY-MM-DD``) in the locale's long format, ISO outside the app; ``—``
#: for none (the ``long_date`` filter)
day = long_date


def label_of(choices: Iterable[tuple[Any, Any]], code: Any) -> str:
    """The translated label of ``code`` in ``choices`` (``(value, label)`` pairs); the code
    itself when unknown, ``""`` when empty."""
    for value, label in choices:
        if value == code:
            return str(label)
    return "" if code in (None, "") else str(code)


def init_app(app: Flask) -> None:
    """Register the helpers as Jinja filters: ``label``, ``number``, ``percent``, ``points``
    (``money``, ``num`` and the dates' ``day``, ``long_date`` and ``dt`` come from
    :mod:`gms.i18n`)."""
    app.jinja_env.filters.update(
        label=lambda code, choices: label_of(choices, code), number=number, percent=percent,
        points=points)
