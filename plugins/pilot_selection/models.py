"""The plugin's table: verification visits to applicant municipalities.

Imported by ``plugin.py``, so the table is in ``db.metadata`` whenever the plugin is enabled;
created by the plugin's Alembic branch (``migrations/versions``, label ``pilot_selection``).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gms.extensions import db
from gms.models import Application, User
from gms.models.types import UTCDateTime
from gms.timeutil import utcnow

from .choices import PLANNED


class Visit(db.Model):
    """A specialist's visit to an applicant to verify its application; one per application.

    Staff pick the applications to visit (``planned``), then record it (``done``): who
    visited, when, the fixed checklist (``{item: {"answer": "yes"|"no"|"", "notes": str}}``),
    the conclusion and the findings the commission reads beside the application.
    """

    __tablename__ = "pilot_selection_visits"
    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), unique=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competitions.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=PLANNED)
    planned_on: Mapped[date | None] = mapped_column(Date)
    verifier_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    visited_on: Mapped[date | None] = mapped_column(Date)
    checklist: Mapped[dict] = mapped_column(JSON, default=dict)
    conclusion: Mapped[str | None] = mapped_column(String(20))
    findings: Mapped[str | None] = mapped_column(Text)
    picked_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    picked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    application: Mapped[Application] = relationship()
    verifier: Mapped[User | None] = relationship(foreign_keys=[verifier_id])
