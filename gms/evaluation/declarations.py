"""Members' declarations of conflict of interest, made before they see an application."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from gms.extensions import db
from gms.i18n import _
from gms.models import Application, User
from gms.services import audit
from gms.services.common import ServiceError, commit

from .models import Assignment, Conflict
from .roster import CONSENSUS_ROLES, role_of


def declaration(application: Application, user_id: int) -> Conflict | None:
    """The member's own declaration on the application, if made."""
    return db.session.scalar(select(Conflict).where(
        Conflict.application_id == application.id, Conflict.user_id == user_id,
        Conflict.source == "declared"))


def declare(assignment: Assignment, *, conflict: bool, reason: str, now: datetime) -> None:
    """The member declares, before seeing the content, whether a conflict exists.

    A conflict recuses the member from this application (the assignment is ``recused``).
    """
    _declare(assignment.application, assignment.reviewer_id, conflict=conflict, reason=reason,
             now=now, assignment=assignment)
    commit()


def declare_for_consensus(application: Application, member: User, *, conflict: bool,
                          reason: str, now: datetime) -> None:
    """The call's rapporteur or chair declares, before seeing the score sheets of an
    application, whether a conflict of interest exists: the declaration a consensus needs.

    It is the same declaration as a member's on an assigned application (one per member and
    application, :func:`declaration`): made here, it also answers for the member's assignment
    on it, which a conflict recuses; made there already, nothing is declared here.
    """
    if role_of(application.competition, member.id) not in CONSENSUS_ROLES:
        raise ServiceError(_("Only the rapporteur or the chair records a consensus."), 403)
    assignment = db.session.scalar(select(Assignment).where(
        Assignment.application_id == application.id, Assignment.reviewer_id == member.id,
        Assignment.status.in_(("pending", "submitted"))))
    _declare(application, member.id, conflict=conflict, reason=reason, now=now,
             assignment=assignment, context="consensus")
    commit()


def _declare(application: Application, user_id: int, *, conflict: bool, reason: str,
             now: datetime, assignment: Assignment | None, context: str | None = None) -> None:
    """Add the declaration and its audit entry (the caller commits); a conflict recuses
    ``assignment``, the member's assignment on the application if any."""
    reason = (reason or "").strip()
    if declaration(application, user_id) is not None:
        raise ServiceError(_("You have already declared on this application."), 409)
    if conflict and not reason:
        raise ServiceError(_("Describe the conflict of interest."))
    db.session.add(Conflict(application_id=application.id, user_id=user_id,
                            source="declared", status="conflict" if conflict else "none",
                            reason=reason, at=now))
    try:  # the same declaration sent twice at once: the second meets the unique key
        db.session.flush()
    except IntegrityError as exc:
        db.session.rollback()
        raise ServiceError(_("You have already declared on this application."), 409) from exc
    if conflict and assignment is not None:
        assignment.status = "recused"
    payload = {"application_id": application.id, "conflict": conflict, "reason": reason}
    if context is not None:
        payload["context"] = context
        if assignment is not None:
            payload["assignment_id"] = assignment.id
    audit.record("conflict.declared", assignment if assignment is not None else application,
                 payload, actor_id=user_id)
