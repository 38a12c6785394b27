"""The commission of a call, conflicts of interest and assignment runs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gms.extensions import db
from gms.timeutil import utcnow

from .people import User
from .types import UTCDateTime

COMMISSION_ROLES = ("chair", "member", "rapporteur", "observer")
SCORING_ROLES = ("chair", "member", "rapporteur")


class CommissionMember(db.Model):
    """A member of a call's commission with a role; observers do not score."""

    __tablename__ = "commission_members"
    __table_args__ = (UniqueConstraint("competition_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competitions.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(String(20), default="member")

    user: Mapped[User] = relationship()


class MemberLink(db.Model):
    """A link a member records to an organisation (relative, staff, board), used to detect
    conflicts of interest."""

    __tablename__ = "member_links"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))  # relative, employment, board, other
    note: Mapped[str | None] = mapped_column(Text)


class Conflict(db.Model):
    """A member's conflict of interest on one application.

    ``source`` is ``declared`` (by the member, before seeing the content) or ``detected``
    (by the rules); ``status`` is ``conflict``, ``none`` (declared free of conflict) or
    ``overridden`` (staff cleared a detection, with a written reason).
    """

    __tablename__ = "conflicts"
    __table_args__ = (UniqueConstraint("application_id", "user_id", "source"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    source: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class ConflictClaim(db.Model):
    """An applicant names a member of the call's commission it considers conflicted on its
    application, with a reason, before the deadline; staff uphold or dismiss it, with a
    reason. An upheld claim recuses the member as a declared conflict does (a
    :class:`Conflict` with ``source="claim"``)."""

    __tablename__ = "conflict_claims"
    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    filed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: pending, upheld or dismissed
    status: Mapped[str] = mapped_column(String(20), default="pending")
    decision: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    member: Mapped[User] = relationship(foreign_keys=[member_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])


class AssignmentRun(db.Model):
    """An automatic assignment: its seed, constraints and result, so it can be re-run."""

    __tablename__ = "assignment_runs"
    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competitions.id"), index=True)
    seed: Mapped[int]
    per_application: Mapped[int]
    constraints: Mapped[dict] = mapped_column(JSON, default=dict)
    result: Mapped[list] = mapped_column(JSON, default=list)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))


class Meeting(db.Model):
    """The commission's decision meeting: attendance, quorum, recusals and the vote."""

    __tablename__ = "meetings"
    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competitions.id"), unique=True)
    held_at: Mapped[datetime] = mapped_column(UTCDateTime)
    attendees: Mapped[list] = mapped_column(JSON, default=list)
    votes_for: Mapped[int] = mapped_column(default=0)
    votes_against: Mapped[int] = mapped_column(default=0)
    abstained: Mapped[int] = mapped_column(default=0)
    notes: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
