"""Prizes of a decided call: the table of places and their use, and the prize certificate.

Pure Python over :class:`Prize` values (the view reads them from the awards) and over the
sums per use the view adds up in SQL; the certificate is a :class:`gms.documents.Document`,
rendered to PDF with Cyrillic fonts by the core.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from gms.documents import Document, one_line
from gms.formatting import day, kgs, label_of, points

from .choices import PRIZE_USES
from .i18n import _


@dataclass(frozen=True)
class Prize:
    """One awarded (or reserve) application of a contest call."""

    application_id: int
    rank: int
    outcome: str
    reason: str
    number: str
    municipality: str
    rayon: str
    oblast: str
    score: Decimal | None
    amount: Decimal
    use: str
    use_description: str

    @property
    def place(self) -> int | None:
        """The prize place (1, 2, ...) of a funded application, from the award's reason."""
        if self.outcome != "funded":
            return None
        try:
            return int(self.reason.removeprefix("place_"))
        except ValueError:
            return None

    @property
    def use_label(self) -> str:
        return label_of(PRIZE_USES, self.use) or _("Not stated")


def places(prizes: Sequence[Prize]) -> list[Prize]:
    """The funded applications, by place."""
    return sorted((p for p in prizes if p.outcome == "funded"),
                  key=lambda p: (p.place or 10**6, p.rank))


def table(prizes: Sequence[Prize]) -> tuple[list, list[list]]:
    """Header and rows of the prize report (funded, by place; the reserve list after)."""
    header = [_("Place"), _("Number"), _("Municipality"), _("Rayon"), _("Oblast"), _("Score"),
              _("Prize, KGS"), _("Planned use of the prize"), _("What exactly")]
    funded = places(prizes)
    reserve = sorted((p for p in prizes if p.outcome == "reserve"), key=lambda p: p.rank)
    rows = [[p.place or "", p.number, p.municipality, p.rayon, p.oblast, p.score, p.amount,
             p.use_label, p.use_description] for p in funded]
    rows += [[_("Reserve"), p.number, p.municipality, p.rayon, p.oblast, p.score, Decimal(0),
              p.use_label, p.use_description] for p in reserve]
    return header, rows


@dataclass(frozen=True)
class UseLine:
    label: str
    prizes: int
    amount: Decimal


def use_summary(by_use: Iterable[tuple[str | None, int, Decimal | None]], fund: Decimal
                ) -> tuple[list[UseLine], Decimal, Decimal]:
    """Prize money by planned use, the total awarded and what is left of the fund, from the
    funded awards counted and summed per stated use (``(use, prizes, amount)``, one per use,
    as the view's ``GROUP BY`` gives them); a use not in the list counts as not stated."""
    known = dict(PRIZE_USES)
    counts: dict[str, int] = {}
    amounts: dict[str, Decimal] = {}
    for use, n, amount in by_use:
        code = use if use in known else ""
        counts[code] = counts.get(code, 0) + int(n or 0)
        amounts[code] = amounts.get(code, Decimal(0)) + Decimal(amount or 0)
    lines = [UseLine(str(label), counts.get(code, 0), amounts.get(code, Decimal(0)))
             for code, label in [*PRIZE_USES, ("", _("Not stated"))]
             if code or counts.get(code)]
    awarded = sum(amounts.values(), Decimal(0))
    return lines, awarded, Decimal(fund) - awarded


def certificate(prize: Prize, contest: str, budget_year: int | None, published: date | None
                ) -> Document:
    """The prize certificate of one winner, in the current language."""
    doc = Document(_("Prize certificate"))
    doc.paragraph(one_line(contest))  # the contest's title, one line
    doc.heading(prize.municipality)
    if prize.rayon or prize.oblast:
        doc.paragraph(", ".join(x for x in (prize.rayon, prize.oblast) if x))
    if budget_year:
        doc.paragraph(_("is awarded place %(place)s in the contest for the budget of %(year)s, "
                        "with a prize of %(amount)s.", place=prize.place, year=budget_year,
                        amount=kgs(prize.amount)))
    else:
        doc.paragraph(_("is awarded place %(place)s in the contest, with a prize of "
                        "%(amount)s.", place=prize.place, amount=kgs(prize.amount)))
    if prize.score is not None:
        doc.paragraph(_("The commission's score: %(score)s of 100 points.",
                        score=points(prize.score)))
    doc.paragraph(_("Application %(number)s. Results published on %(date)s.",
                    number=prize.number, date=day(published) if published else "—"))
    doc.heading(_("Use of the prize"))
    doc.paragraph(_("The prize is paid as a grant into the local budget. It may buy only "
                    "equipment that makes the LSG body more effective, or pay for public "
                    "events such as budget hearings. Report the purchase or the event "
                    "(invoice, photos) to the programme within three months; any other use "
                    "is reported to the programme."))
    doc.table([_("Planned use of the prize"), _("What exactly")],
              [[prize.use_label, prize.use_description or "—"]])
    doc.signatures(_("Programme manager"), _("Chair of the commission"))
    return doc
