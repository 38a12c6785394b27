"""Money tables of both variants (pure Python): the municipal budget lines by source (the
core's budget, asking the local budget) and the contest's resources by party. Spare rows
(nothing filled in) are ignored."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from gms.answers import to_decimal
from gms.competition.budget import ZERO, Budget, table_rows

from .choices import BUDGET_SOURCES, LOCAL_BUDGET

SOURCE_CODES = tuple(code for code, _label in BUDGET_SOURCES)


def read(answers: Mapping[str, Any]) -> Budget:
    """The budget lines of ``answers``, by source; the local budget is what is requested,
    the rest (own contribution and attracted funds) is the contribution."""
    return Budget.of(answers, SOURCE_CODES, LOCAL_BUDGET)


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
            for r in table_rows(answers, "resources", ("description", "value"))]


def resources_by_party(answers: Mapping[str, Any]) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for r in resources(answers):
        out[r.party] = out.get(r.party, ZERO) + r.value
    return out
