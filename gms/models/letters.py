"""Publication work waiting to be done: one row per applicant's result letter."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from gms.extensions import db
from gms.timeutil import utcnow

from .types import UTCDateTime


class LetterJob(db.Model):
    """An applicant's result letter, written in the transaction that publishes the results
    and done later, one row per transaction, by the ``gms.result_letters`` task (the outbox
    pattern). ``done_at`` is empty while the letter is still to be written; the unique
    (call, application) pair makes a repeated publication or resume add nothing."""

    __tablename__ = "letter_jobs"
    __table_args__ = (UniqueConstraint("competition_id", "application_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competitions.id"))
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"))
    #: the file the letter is written to: chosen once, so a retry after a crash overwrites
    #: the half-done file instead of leaving an orphan next to it
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attachment_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id"))
    attempts: Mapped[int] = mapped_column(default=0)
    #: the last failure, for staff (the row stays pending and is tried again)
    error: Mapped[str | None] = mapped_column(Text)
