"""The audit log and the e-mail outbox."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from gms.extensions import db
from gms.timeutil import utcnow

from .types import UTCDateTime


class AuditEntry(db.Model):
    """An append-only record of a state change, chained to the previous one by hash."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(80), index=True)
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int | None]
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    #: the rows of the records that matter (:mod:`gms.services.row_digests`) this entry's
    #: transaction wrote, as they stood after it: ``[{"t": table, "id": id, "d": digest,
    #: "c": {column: short digest}}]`` (``"d": null``: the row was deleted); chained.
    #: Deferred: pages listing the log never read it.
    digests: Mapped[list | None] = mapped_column(JSON, deferred=True)


class IntegrityCheck(db.Model):
    """One run of the full tamper check (``gms audit verify``, nightly on the worker): when,
    how long, how many findings and the first few of them, for the audit log page."""

    __tablename__ = "integrity_checks"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    seconds: Mapped[float] = mapped_column(Float, default=0.0)
    findings: Mapped[int] = mapped_column(default=0)
    #: rows written before digests were recorded, with no baseline yet
    not_covered: Mapped[int] = mapped_column(default=0)
    rows_checked: Mapped[int] = mapped_column(default=0)
    #: the first findings, as text lines
    summary: Mapped[list] = mapped_column(JSON, default=list)


class OutboxMessage(db.Model):
    """An e-mail; ``key`` makes queuing idempotent. Staff read the outbox in the UI."""

    __tablename__ = "outbox"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(Text)
