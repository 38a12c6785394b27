"""Reading the hearings of a contest application (pure Python).

Answers come from JSON, so numbers and dates may be strings, numbers or missing; nothing here
raises on a half-filled draft. A hearing row counts when any of its cells is filled in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from gms.answers import to_date, to_decimal, to_int

from .choices import DRAFT

ROW_FIELDS = ("held_on", "place", "subject", "announced_on", "announced_how", "participants",
              "women", "questions", "proposals_received", "proposals_adopted",
              "adopted_amount")
PERCENT = Decimal("0.1")

def percent(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    """``part`` as a percentage of ``whole`` to one decimal; ``None`` when ``whole`` is 0."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(PERCENT, rounding=ROUND_HALF_UP)


def is_empty_row(row: Mapping[str, Any]) -> bool:
    """True for a hearing row with nothing filled in (the form's spare rows)."""
    return not any(str(row.get(k) if row.get(k) is not None else "").strip()
                   for k in ROW_FIELDS)


@dataclass(frozen=True)
class Hearing:
    """One recorded hearing; ``number`` is its 1-based place among the filled rows."""

    number: int
    held_on: date | None
    place: str
    subject: str
    announced_on: date | None
    announced_how: str
    participants: int | None
    women: int | None
    questions: int | None
    proposals_received: int | None
    proposals_adopted: int | None
    adopted_amount: Decimal | None

    @property
    def on_draft(self) -> bool:
        return self.subject == DRAFT

    @property
    def lead_days(self) -> int | None:
        """Days between the announcement and the hearing."""
        if self.held_on is None or self.announced_on is None:
            return None
        return (self.held_on - self.announced_on).days

    @property
    def women_percent(self) -> Decimal | None:
        if self.participants is None or self.women is None:
            return None
        return percent(self.women, self.participants)

    def missing(self) -> list[str]:
        """Names of the cells a complete record needs but this one lacks."""
        needed = {"held_on": self.held_on, "place": self.place, "subject": self.subject,
                  "participants": self.participants, "women": self.women}
        return [name for name, value in needed.items() if value in (None, "")]


def hearings(answers: Mapping[str, Any]) -> list[Hearing]:
    """The filled-in hearing rows, in the order entered."""
    out = []
    for row in answers.get("hearings") or []:
        if not isinstance(row, Mapping) or is_empty_row(row):
            continue
        out.append(Hearing(
            number=len(out) + 1,
            held_on=to_date(row.get("held_on")),
            place=str(row.get("place") or "").strip(),
            subject=str(row.get("subject") or ""),
            announced_on=to_date(row.get("announced_on")),
            announced_how=str(row.get("announced_how") or "").strip(),
            participants=to_int(row.get("participants")),
            women=to_int(row.get("women")),
            questions=to_int(row.get("questions")),
            proposals_received=to_int(row.get("proposals_received")),
            proposals_adopted=to_int(row.get("proposals_adopted")),
            adopted_amount=to_decimal(row.get("adopted_amount"))))
    return out


@dataclass(frozen=True)
class Totals:
    """Sums over the hearings of one application (missing numbers count as zero)."""

    hearings: int
    on_draft: int
    participants: int
    women: int
    questions: int
    proposals_received: int
    proposals_adopted: int
    adopted_amount: Decimal

    @property
    def women_percent(self) -> Decimal | None:
        return percent(self.women, self.participants)

    @property
    def adopted_percent(self) -> Decimal | None:
        return percent(self.proposals_adopted, self.proposals_received)


def totals(answers: Mapping[str, Any]) -> Totals:
    rows = hearings(answers)
    return Totals(
        hearings=len(rows),
        on_draft=sum(1 for h in rows if h.on_draft),
        participants=sum(h.participants or 0 for h in rows),
        women=sum(h.women or 0 for h in rows),
        questions=sum(h.questions or 0 for h in rows),
        proposals_received=sum(h.proposals_received or 0 for h in rows),
        proposals_adopted=sum(h.proposals_adopted or 0 for h in rows),
        adopted_amount=sum((h.adopted_amount or Decimal(0) for h in rows), Decimal(0)))
