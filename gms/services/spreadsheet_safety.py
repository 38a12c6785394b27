"""Spreadsheet-safe CSV: cells that a spreadsheet program would run as a formula are written
as text.

A CSV file opened in Excel or LibreOffice Calc turns a cell starting with ``=``, ``+``, ``-``
or ``@`` into a formula (``=HYPERLINK(...)``, ``+cmd|' /C calc'!A0``, ``@SUM(...)``); a tab
or a carriage return in front hides the sign from a careless check. Following OWASP's CSV
injection guidance, such a *text* cell is prefixed with an apostrophe, which the spreadsheet
shows as text. Numbers (``int``, ``float``, ``Decimal``, and text that is exactly a plain
decimal number such as ``-1500.50``) are left alone, so negative amounts stay numbers.

Every CSV GMS writes goes through :func:`writer` (or :func:`safe_row`).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

#: what makes a spreadsheet read a cell as a formula (with the full-width forms some
#: programs normalise, and a line break, which may end up first after a re-import)
TRIGGERS = frozenset("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")
_PLAIN_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def is_dangerous(text: str) -> bool:
    """True when a spreadsheet could read ``text`` as a formula (a plain number is not)."""
    if not text:
        return False
    first = text.lstrip(" ")[:1]
    if first not in TRIGGERS:
        return False
    return not _PLAIN_NUMBER.fullmatch(text)


def safe_cell(value: Any) -> Any:
    """``value`` unchanged when a number, ``""`` for ``None``, else its text, prefixed with
    an apostrophe when it would start a formula."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float | Decimal):
        return value
    text = str(value)
    return "'" + text if is_dangerous(text) else text


def safe_row(row: Iterable[Any]) -> list[Any]:
    """Every cell of ``row`` made safe with :func:`safe_cell`."""
    return [safe_cell(v) for v in row]


class SafeWriter:
    """A :func:`csv.writer` whose rows go through :func:`safe_row`."""

    def __init__(self, stream, **kwargs) -> None:
        self._writer = csv.writer(stream, **kwargs)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow(safe_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(stream, **kwargs) -> SafeWriter:
    """A formula-safe CSV writer on ``stream`` (arguments as :func:`csv.writer`)."""
    return SafeWriter(stream, **kwargs)
