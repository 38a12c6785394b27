"""Diplomas for the contest's places and certificates for its finalists, as PDF.

Who gets what, from the published award of an entry:

* a **diploma** for a place (outcome ``funded`` with a place reason, e.g. ``place_1`` or
  ``nomination_2.place_1``);
* a **certificate** for a finalist: an entry that was evaluated, passed the thresholds and
  got no place (outcome ``reserve``).

:func:`document_for` is pure (it gets the facts as :class:`AwardFacts`); the text is written in
the current language, so the same award prints in Kyrgyz, Russian or English.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from gms.competition import FUNDED, RESERVE
from gms.documents import Document, one_line, render_pdf
from gms.formatting import day, kgs

from .awards import parse_place_reason
from .i18n import _

DIPLOMA, CERTIFICATE = "diploma", "certificate"
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII",
         "XIV", "XV", "XVI", "XVII", "XVIII", "XIX", "XX")


def roman(n: int) -> str:
    return ROMAN[n - 1] if 1 <= n <= len(ROMAN) else str(n)


def kind_of(outcome: str, reason: str) -> str | None:
    """``diploma``, ``certificate`` or ``None`` for an award's outcome and reason."""
    if outcome == FUNDED and parse_place_reason(reason) is not None:
        return DIPLOMA
    if outcome == RESERVE:
        return CERTIFICATE
    return None


@dataclass(frozen=True)
class AwardFacts:
    """What a diploma or certificate states."""

    kind: str
    call_title: str
    applicant: str
    entry_title: str
    number: str
    published_on: date | None
    place: int | None = None
    nomination: str | None = None
    amount: Decimal = Decimal(0)
    in_equipment: bool = False
    co_applicants: tuple[str, ...] = ()
    organiser: str | None = None


def _day(value: date | None) -> str:
    return day(value) if value else "—"


def document_for(facts: AwardFacts) -> Document:
    """The diploma or certificate as a :class:`gms.documents.Document`."""
    if facts.kind == DIPLOMA:
        doc = Document(_("DIPLOMA"))
        place = roman(facts.place or 0)
        doc.heading(_("%(place)s place in the nomination “%(nomination)s”", place=place,
                      nomination=facts.nomination) if facts.nomination else
                    _("%(place)s place", place=place))
    else:
        doc = Document(_("CERTIFICATE"))
        doc.heading(_("Finalist of the contest"))
    # names and titles are one line each: typed line breaks add no lines to the diploma
    doc.paragraph(_("Awarded to %(name)s", name=one_line(facts.applicant)))
    if facts.co_applicants:
        doc.paragraph(_("together with %(names)s",
                        names=", ".join(one_line(n) for n in facts.co_applicants)))
    if facts.kind == DIPLOMA:
        doc.paragraph(_("for the initiative “%(title)s” (entry %(number)s) in the contest "
                        "“%(call)s”.", title=one_line(facts.entry_title),
                        number=one_line(facts.number), call=one_line(facts.call_title)))
        if facts.amount > 0:
            doc.paragraph(_("Prize in equipment to the value of %(amount)s.",
                            amount=kgs(facts.amount)) if facts.in_equipment else
                          _("Prize: %(amount)s.", amount=kgs(facts.amount)))
    else:
        doc.paragraph(_("whose initiative “%(title)s” (entry %(number)s) reached the final "
                        "of the contest “%(call)s”.", title=one_line(facts.entry_title),
                        number=one_line(facts.number), call=one_line(facts.call_title)))
    doc.paragraph(_("Results published on %(date)s.", date=_day(facts.published_on)))
    doc.paragraph(_("Organised by %(name)s.", name=one_line(facts.organiser))
                  if facts.organiser else
                  _("“Voice of Citizens and Accountability of LSG: budget process” programme, "
                    "supported by Switzerland."))
    doc.signatures(_("Chair of the contest commission"), _("On behalf of the organisers"))
    return doc


def pdf_for(facts: AwardFacts) -> bytes:
    return render_pdf(document_for(facts))
