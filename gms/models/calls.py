"""Calls for proposals (competitions) and their life cycle."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from flask_babel import get_locale
from sqlalchemy import JSON, ForeignKey, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gms.extensions import db
from gms.timeutil import utcnow

from .types import Money, UTCDateTime

DRAFT, OPEN, CLOSED, SCREENING, EVALUATION, DECIDED, PUBLISHED = (
    "draft", "open", "closed", "screening", "evaluation", "decided", "published")
STATUSES = (DRAFT, OPEN, CLOSED, SCREENING, EVALUATION, DECIDED, PUBLISHED)


def translated(value: dict | None, lang: str | None = None) -> str:
    """Pick the text for ``lang`` (default: the current locale) from a ``{lang: text}`` map."""
    if not value:
        return ""
    lang = lang or str(get_locale() or "ru")
    for key in (lang, "ru", "ky", "en"):
        if value.get(key):
            return value[key]
    return next(iter(value.values()), "")


class Competition(db.Model):
    """A call of one competition type, with its frozen scoring sheet and rules."""

    __tablename__ = "competitions"
    id: Mapped[int] = mapped_column(primary_key=True)
    type_key: Mapped[str] = mapped_column(String(80), index=True)
    type_version: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default=DRAFT, index=True)
    title: Mapped[dict] = mapped_column(JSON)
    description: Mapped[dict] = mapped_column(JSON, default=dict)
    oblasts: Mapped[list] = mapped_column(JSON, default=list)
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    deadline_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    budget: Mapped[Decimal] = mapped_column(Money)
    max_awards: Mapped[int | None]
    max_grant: Mapped[Decimal | None] = mapped_column(Money)
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
    #: the municipality that runs this call with its own budget and commission; ``None`` for
    #: the programme's calls
    organiser_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    organiser = relationship("Organisation")
    quorum: Mapped[int | None]
    #: independent evaluators per application; ``None`` means every scoring member
    evaluators_per_application: Mapped[int | None]
    #: scores of one application further apart than this (max − min total) need consensus
    divergence_limit: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    appeal_days: Mapped[int | None]
    frozen_sheet: Mapped[dict | None] = mapped_column(JSON)
    #: ``{code, params, blocking}`` per eligibility rule, frozen at opening
    frozen_rules: Mapped[list | None] = mapped_column(JSON)
    #: ``{"policy": {kind, params}, "requested_amount": {kind, params}, "documents":
    #: [{code, required}]}``, frozen at opening (see gms/services/contract.py)
    frozen_contract: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def title_text(self) -> str:
        return translated(self.title)

    @property
    def description_text(self) -> str:
        return translated(self.description)

    def accepts_submissions(self, now: datetime) -> bool:
        """Open and before the deadline on the server's clock."""
        return self.status == OPEN and self.opens_at <= now < self.deadline_at
