"""Score sheets: a member's scores saved, submitted and locked; the chair reopens one."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select

from gms.extensions import db
from gms.i18n import _
from gms.models import Application, User
from gms.models import calls as C
from gms.services import audit
from gms.services.common import ServiceError, commit, hooks
from gms.services.contract import sheet_for

from .conflicts import is_blocked
from .consensus import withdraw_consensus
from .declarations import declaration
from .models import Assignment, Score
from .ranking import two_places
from .roster import role_of


def scores_of(assignment: Assignment) -> dict[str, Score]:
    return {s.criterion_key: s for s in db.session.scalars(
        select(Score).where(Score.assignment_id == assignment.id))}


def save_review(assignment: Assignment, scores: dict[str, Decimal | None],
                comments: dict[str, str], comment: str, *, submit: bool, now: datetime
                ) -> dict[str, str]:
    """Save a member's scores; with ``submit`` they are validated and locked.

    Returns the validation errors by criterion (empty when saved). N/A is ``None``.
    Only a member who declared no conflict of interest on the application scores it.
    """
    if is_blocked(assignment.application, assignment.reviewer_id):
        raise ServiceError(_("A conflict of interest bars you from this application."), 403)
    mine = declaration(assignment.application, assignment.reviewer_id)
    if mine is None or mine.status != "none":
        raise ServiceError(_("Declare first that you have no conflict of interest with this "
                             "application."), 403)
    call = assignment.application.competition
    if call.status != C.EVALUATION:
        raise ServiceError(_("Scoring is closed for this call."), 409)
    if assignment.status == "submitted":
        raise ServiceError(_("This score sheet was submitted and is locked."), 409)
    sheet = sheet_for(call)
    known = {c.key for c in sheet.criteria}
    scores = {k: v for k, v in scores.items() if k in known}  # inputs of no criterion
    errors = sheet.validate(scores, comments) if submit else {
        k: e for k, v in scores.items()
        if v is not None and (e := sheet.criterion(k).scale.validate(v))}
    if errors:
        return errors
    existing = scores_of(assignment)
    for c in sheet.criteria:
        if c.key not in scores:
            continue
        row = existing.get(c.key) or Score(assignment_id=assignment.id, criterion_key=c.key)
        row.value = scores[c.key]
        row.comment = (comments.get(c.key) or "").strip() or None
        db.session.add(row)
    assignment.comment = comment.strip() or None
    assignment.total = sheet.total(scores)
    if submit:
        assignment.status = "submitted"
        assignment.submitted_at = now
        # a new sheet: the consensus settled the others only, it is proposed again if need be
        withdraw_consensus(assignment.application, assignment.reviewer_id, "review.submitted")
        audit.record("review.submitted", assignment,
                     {"application_id": assignment.application_id,
                      "scores": {k: (str(v) if v is not None else None)
                                 for k, v in scores.items()},
                      "total": str(assignment.total)},
                     actor_id=assignment.reviewer_id)
    else:
        audit.record("review.saved", assignment, actor_id=assignment.reviewer_id)
    commit()
    if submit:
        hooks().gms_review_submitted(application_id=assignment.application_id,
                                     reviewer_id=assignment.reviewer_id, total=assignment.total)
    return {}


def criterion_means(application: Application) -> dict[str, Decimal | None]:
    """Each criterion's mean over the submitted score sheets (N/A left out), in one query."""
    rows = db.session.execute(
        select(Score.criterion_key, func.avg(Score.value))
        .join(Assignment, Assignment.id == Score.assignment_id)
        .where(Assignment.application_id == application.id, Assignment.status == "submitted")
        .group_by(Score.criterion_key)).all()
    return {key: two_places(value) for key, value in rows}


def reopen(assignment: Assignment, chair: User, reason: str) -> None:
    """The commission's chair reopens a submitted score sheet, with a reason."""
    call = assignment.application.competition
    if role_of(call, chair.id) != "chair":
        raise ServiceError(_("Only the commission's chair can reopen a score sheet."), 403)
    # a chair a conflict of interest bars from the application (declared, or detected and
    # not overridden) takes no part in it: not even through another member's sheet
    if is_blocked(assignment.application, chair.id):
        raise ServiceError(_("A conflict of interest bars you from this application."), 403)
    if call.status != C.EVALUATION or assignment.status != "submitted":
        raise ServiceError(_("Only a submitted score sheet can be reopened, during "
                             "evaluation."), 409)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Give a reason for reopening."))
    assignment.status, assignment.submitted_at = "pending", None
    audit.record("review.reopened", assignment, {
        "application_id": assignment.application_id, "reviewer_id": assignment.reviewer_id,
        "reason": reason}, actor_id=chair.id)
    # the sheets the consensus settled are no longer all in: it is proposed again once they are
    withdraw_consensus(assignment.application, chair.id, "review.reopened")
    commit()


# ------------------------------------------------------------------------- consensus
