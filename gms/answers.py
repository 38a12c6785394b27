"""Reading stored answers: numbers and dates as applicants typed them, forgivingly.

Answers are JSON (numbers as text, dates as ISO strings); competition rules read them with
these helpers, which return ``None`` for anything empty or unreadable instead of failing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

#: a number with more digits before the point is nobody's answer (money columns hold less):
#: refusing it keeps the product of two answers, to the tyiyn, within Decimal's 28 digits
#: and ``int()`` from building a giant number out of ``1e999999999``
MAX_DIGITS = 12


def to_decimal(value: Any) -> Decimal | None:
    """``value`` as a finite Decimal (``1 000,50`` too), or ``None`` when empty, not a number,
    or of more than :data:`MAX_DIGITS` digits before the point (``1e999999999``)."""
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
    return result if result.is_finite() and result.adjusted() < MAX_DIGITS else None


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


# ------------------------------------------------------------------------------- tables

def as_rows(value: Any) -> list[Mapping[str, Any]]:
    """A table of the answers as its rows: the mappings of a list; none for anything else."""
    if not isinstance(value, list):
        return []
    return [row for row in value if isinstance(row, Mapping)]


def with_tables(answers: Any, tables: Iterable[str]) -> dict:
    """``answers`` with each of ``tables`` a list of rows (:func:`as_rows`), the shape the
    form stores, so that code walking a table can read whatever answers are stored."""
    data = dict(answers) if isinstance(answers, Mapping) else {}
    for name in tables:
        if name in data:
            data[name] = as_rows(data[name])
    return data


def reading_tables(rules: Iterable, tables: Iterable[str]) -> list:
    """``rules`` (:class:`~gms.competition.EligibilityRule`) whose checks see the answers
    with ``tables`` as lists of rows (:func:`with_tables`)."""
    tables = tuple(tables)
    last: list = [(None, None)]  # the application last checked, with its shaped copy

    def shaped_application(application):
        seen, copy = last[0]  # one read: another thread may replace the pair meanwhile
        if seen is not application:  # the rules check one application after another
            copy = dataclasses.replace(
                application, answers=with_tables(application.answers, tables))
            last[0] = application, copy
        return copy

    def shaped(rule):
        check = rule.check

        def checked(application):
            return check(shaped_application(application))

        return dataclasses.replace(rule, check=checked)

    return [shaped(rule) for rule in rules]


def reports_reading_tables(definitions: Iterable, tables: Iterable[str]) -> list:
    """Report definitions whose ``build`` sees the applications' answers with ``tables`` as
    lists of rows (:func:`with_tables`)."""
    tables = tuple(tables)

    def shaped(definition):
        build = definition.build

        def built(competition, applications):
            return build(competition, [dataclasses.replace(
                a, answers=with_tables(a.answers, tables)) for a in applications])

        return dataclasses.replace(definition, build=built)

    return [shaped(d) for d in definitions]
