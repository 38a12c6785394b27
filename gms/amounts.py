"""Reading amounts and counts as people type them: ASCII digits only.

``1 000,50``, ``1 000.50``, ``1000`` and ``-5`` are read; thousands may be separated by a
space, a no-break space, a narrow no-break space or a thin space (in groups of three), and
the decimals by a comma or a point. Everything else is refused with a message, including
what Python's ``Decimal()`` and ``int()`` quietly accept: fullwidth (``１０００``) and
Arabic-Indic (``١٠٠``) digits, underscores (``1_000``), exponents (``1e5``), ``NaN`` and
infinities. The forms' number fields (:mod:`gms.forms`) and the finance pages read numbers
through these functions.
"""

from __future__ import annotations

import re
from decimal import Decimal

from gms.i18n import _

#: the characters accepted between groups of three digits
THOUSANDS = " \u00a0\u202f\u2009"
_GROUPED = re.compile(rf"[+-]?[0-9]{{1,3}}(?:[{THOUSANDS}][0-9]{{3}})+(?:[.,][0-9]+)?",
                      re.ASCII)
_PLAIN = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]+)?", re.ASCII)


def parse_decimal(text: str) -> Decimal:
    """The number typed in ``text`` (surrounding blanks ignored); ``ValueError`` with a
    message for the user when it is not written with the digits 0–9 as described above."""
    raw = str(text).strip(THOUSANDS + "\t\r\n")
    if not (_PLAIN.fullmatch(raw) or _GROUPED.fullmatch(raw)):
        raise ValueError(_("Enter the number with the digits 0–9, e.g. 1 000,50: spaces may "
                           "separate the thousands, a comma or a point the decimals."))
    for mark in THOUSANDS:
        raw = raw.replace(mark, "")
    return Decimal(raw.replace(",", "."))


def parse_int(text: str) -> int:
    """The whole number typed in ``text``, read as :func:`parse_decimal` reads it but without
    decimals; ``ValueError`` with a message for the user otherwise."""
    if not any(mark in str(text) for mark in ".,"):
        try:
            return int(parse_decimal(text))
        except ValueError:
            pass
    raise ValueError(_("Enter a whole number with the digits 0–9, e.g. 1 000."))
