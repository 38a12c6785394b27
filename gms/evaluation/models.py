"""The evaluation's tables: the commission of a call and its members' links, conflicts of
interest and applicants' claims, assignment runs and assignments, score sheets and their
totals, consensus reports, the decision meeting, awards and appeals."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gms.extensions import db
from gms.models.applications import Application
from gms.models.people import User
from gms.models.types import Money, UTCDateTime
from gms.timeutil import utcnow

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


class Assignment(db.Model):
    """A commission member assigned to score one application."""

    __tablename__ = "assignments"
    __table_args__ = (UniqueConstraint("application_id", "reviewer_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    assigned_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: pending, submitted, declined (by the member, with a reason) or recused (conflict)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    declined_reason: Mapped[str | None] = mapped_column(Text)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("assignment_runs.id"))
    total: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    comment: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    application: Mapped[Application] = relationship()
    reviewer: Mapped[User] = relationship(foreign_keys=[reviewer_id])


class Score(db.Model):
    """One criterion's score in a review; ``value`` is NULL for "not applicable"."""

    __tablename__ = "scores"
    __table_args__ = (UniqueConstraint("assignment_id", "criterion_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"), index=True)
    criterion_key: Mapped[str] = mapped_column(String(60))
    value: Mapped[Decimal | None] = mapped_column(Numeric(5, 1))
    comment: Mapped[str | None] = mapped_column(Text)


class ReviewTotals(db.Model):
    """An application's score sheets summed up: kept current in each transaction that changes
    its sheets (:mod:`gms.evaluation.review_totals`), so that a ranking reads one row per
    application rather than aggregating every sheet of the call."""

    __tablename__ = "review_totals"
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), primary_key=True,
                                                autoincrement=False)
    #: submitted sheets
    reviews: Mapped[int] = mapped_column(default=0)
    #: pending or submitted sheets
    assigned: Mapped[int] = mapped_column(default=0)
    #: the sum of the submitted totals (NULL with none submitted): exact on every engine, so
    #: the mean (this over ``reviews``) is worked out where it is read
    total_sum: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    #: the highest submitted total less the lowest
    spread: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))


class Award(db.Model):
    """The decision on one ranked application: funded, reserve or not funded."""

    __tablename__ = "awards"
    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competitions.id"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), unique=True)
    outcome: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(Money)
    rank: Mapped[int]
    score: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    reason: Mapped[str] = mapped_column(String(60), default="")
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    application: Mapped[Application] = relationship()


class ConsensusReport(db.Model):
    """The commission's consensus on an application whose members' scores diverge: proposed
    by the rapporteur (or the chair), it is a commission act only once a second member
    confirms it; only a confirmed consensus replaces the mean in the ranking, and the
    commission sees it beside the individual scores."""

    __tablename__ = "consensus_reports"
    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), unique=True)
    #: who proposed it (the rapporteur or the chair)
    rapporteur_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    score: Mapped[Decimal] = mapped_column(Numeric(8, 2))
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: proposed, or confirmed by a second member of the commission
    status: Mapped[str] = mapped_column(String(20), default="proposed",
                                        server_default="proposed")
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    proposer: Mapped[User] = relationship(foreign_keys=[rapporteur_id])
    confirmer: Mapped[User | None] = relationship(foreign_keys=[confirmed_by_id])


class Appeal(db.Model):
    """An applicant's reasoned request against the result, filed within the call's window."""

    __tablename__ = "appeals"
    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    filed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    grounds: Mapped[str] = mapped_column(Text)
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(20), default="filed")  # filed, upheld, rejected
    decision: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
