"""Applications, their documents and eligibility results."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gms.extensions import db
from gms.timeutil import utcnow

from .calls import Competition
from .people import Organisation, User
from .types import Money, UTCDateTime

DRAFT, SUBMITTED, WITHDRAWN, ELIGIBLE, INELIGIBLE = (
    "draft", "submitted", "withdrawn", "eligible", "ineligible")
FUNDED, RESERVE, NOT_FUNDED = "funded", "reserve", "not_funded"


class Application(db.Model):
    """An organisation's application to a call; answers are validated by the type's form."""

    __tablename__ = "applications"
    #: a call's applications in a status: the ranking, the staff's lists, the counts
    # (competition_id, status) also serves lookups by call alone
    __table_args__ = (Index("ix_applications_competition_id_status", "competition_id", "status"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competitions.id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    number: Mapped[str | None] = mapped_column(String(40), unique=True)
    status: Mapped[str] = mapped_column(String(20), default=DRAFT, index=True)
    title: Mapped[str] = mapped_column(String(300), default="")
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    language: Mapped[str] = mapped_column(String(5), default="ru")
    requested_amount: Mapped[Decimal | None] = mapped_column(Money)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    screening_reason: Mapped[str | None] = mapped_column(Text)
    screened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    screened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    competition: Mapped[Competition] = relationship()
    organisation: Mapped[Organisation] = relationship()
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])


class Attachment(db.Model):
    """An uploaded document, stored outside the web root under a generated name."""

    __tablename__ = "attachments"
    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    kind: Mapped[str] = mapped_column(String(60))
    filename: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AnonymisedCopy(db.Model):
    """What commission members get of one uploaded document under coded review, before
    publication: a copy staff uploaded without the applicant's names (``stored_name`` set),
    or the original itself once staff marked it as naming nobody (``no_identity``). Members
    get it only once ``approved_at`` is set; ``hits`` is the text-layer search for the
    applicant's names that staff saw (``{"readable": bool, "hits": [{page, found,
    snippet}]}``) and ``hits_confirmed`` that they approved despite it."""

    __tablename__ = "anonymised_copies"
    id: Mapped[int] = mapped_column(primary_key=True)
    attachment_id: Mapped[int] = mapped_column(ForeignKey("attachments.id", ondelete="CASCADE"),
                                               unique=True)
    no_identity: Mapped[bool] = mapped_column(default=False)
    filename: Mapped[str | None] = mapped_column(String(255))
    stored_name: Mapped[str | None] = mapped_column(String(80), unique=True)
    content_type: Mapped[str | None] = mapped_column(String(100))
    size: Mapped[int | None]
    sha256: Mapped[str | None] = mapped_column(String(64))
    hits: Mapped[dict | None] = mapped_column(JSON)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hits_confirmed: Mapped[bool] = mapped_column(default=False)

    attachment: Mapped[Attachment] = relationship()
    uploaded_by: Mapped[User] = relationship(foreign_keys=[uploaded_by_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])


class EligibilityCheck(db.Model):
    """A stored result of one eligibility rule, taken at submission."""

    __tablename__ = "eligibility_checks"
    # the unique (application_id, rule_code) also serves lookups by application
    __table_args__ = (UniqueConstraint("application_id", "rule_code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"))
    rule_code: Mapped[str] = mapped_column(String(80))
    passed: Mapped[bool]
    blocking: Mapped[bool]
    message: Mapped[str] = mapped_column(Text)
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
