"""Applicants' claims that a commission member has a conflict of interest (issue 16, item 3).

Before the call's deadline, an applicant names a member of the call's commission it considers
conflicted on its application, with a reason. Staff decide each claim (uphold or dismiss, with
a reason, who and when recorded); an upheld claim recuses the member from the application
exactly as the member's own declared conflict does (:func:`recuse_on_claim`). Every
step is audited. The commission's roster is public to the applicants for this purpose, as
commissions are in Kyrgyz practice; members never see the claims.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from gms.extensions import db
from gms.i18n import _, _l, local_datetime, ngettext
from gms.models import Application, Competition, User
from gms.models import applications as A
from gms.models import calls as C
from gms.services import audit
from gms.services.common import ServiceError, commit
from gms.services.staff_accounts import AGENCY_LABELS

from .consensus import withdraw_consensus
from .models import Assignment, Conflict, ConflictClaim
from .roster import scoring_members

PENDING, UPHELD, DISMISSED = "pending", "upheld", "dismissed"
#: a claim's status as the applicant and staff read it
STATUS_NAMES = {PENDING: _l("waiting for the programme's decision"),
                UPHELD: _l("upheld: the member is recused from this application"),
                DISMISSED: _l("dismissed")}
#: the longest reason or decision kept
MAX_TEXT = 5000


def claimable_members(call: Competition) -> list[User]:
    """The members an applicant may name: the call's scoring members (its roster's chair,
    members and rapporteurs; the whole pool for a call without a roster), by name."""
    ids = scoring_members(call)
    if not ids:
        return []
    return db.session.scalars(select(User).where(User.id.in_(ids), User.active.is_(True))
                              .order_by(User.name, User.id)).all()


def claims_of(application: Application) -> list[ConflictClaim]:
    """The application's claims, oldest first, with the members named."""
    return db.session.scalars(select(ConflictClaim).where(
        ConflictClaim.application_id == application.id)
        .options(db.joinedload(ConflictClaim.member)).order_by(ConflictClaim.id)).all()


def may_file(application: Application, now: datetime) -> bool:
    """Whether the applicant may still name a member: before the call's deadline, on an
    application neither withdrawn nor decided."""
    return (application.status in (A.DRAFT, A.SUBMITTED)
            and application.competition.accepts_submissions(now))


def ensure_open(application: Application, now: datetime) -> None:
    """Refuse (409, saying when the deadline was) a claim :func:`may_file` does not allow."""
    if not may_file(application, now):
        raise ServiceError(_("Conflict-of-interest claims are accepted only before the "
                             "deadline (%(when)s, Bishkek time), on an application that is "
                             "not withdrawn.",
                             when=local_datetime(application.competition.deadline_at)), 409)


def member_label(user: User) -> str:
    """A member as the applicant reads them: name and the body they come from."""
    agency = AGENCY_LABELS.get(user.agency or "")
    return f"{user.name} — {agency}" if agency else user.name


def file_claim(application: Application, member_id: int | None, reason: str, user: User,
               now: datetime) -> ConflictClaim:
    """The applicant names ``member_id`` as conflicted on ``application``, with a reason.

    Refused after the deadline (409, saying when it was), for a person not on the call's
    commission, without a reason, or when the same member is already named and the claim is
    waiting or upheld (409). Audited."""
    call = application.competition
    ensure_open(application, now)
    members = {u.id for u in claimable_members(call)}
    if member_id is None or member_id not in members:
        raise ServiceError(_("Choose a member of this call's commission."))
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Explain why you consider this member conflicted."))
    open_claim = db.session.scalar(select(func.count()).select_from(ConflictClaim).where(
        ConflictClaim.application_id == application.id, ConflictClaim.member_id == member_id,
        ConflictClaim.status.in_((PENDING, UPHELD))))
    if open_claim:
        raise ServiceError(_("You have already named this member; the programme decides "
                             "that claim."), 409)
    claim = ConflictClaim(application_id=application.id, member_id=member_id,
                          reason=reason[:MAX_TEXT], filed_by_id=user.id, filed_at=now,
                          status=PENDING)
    db.session.add(claim)
    db.session.flush()
    audit.record("conflict_claim.filed", claim, {
        "application_id": application.id, "member_id": member_id, "reason": claim.reason},
        actor_id=user.id)
    commit()
    return claim


def decide(claim: ConflictClaim, *, uphold: bool, reason: str, staff: User,
           now: datetime) -> None:
    """Staff uphold or dismiss a waiting claim, with a reason (who and when recorded,
    audited). Upheld, the member is recused from the application as by a declared conflict.
    Refused once the claim is decided (409) and once the commission's decision is taken."""
    application = db.session.get(Application, claim.application_id)
    call = application.competition
    if claim.status != PENDING:
        raise ServiceError(_("This claim was already decided."), 409)
    if call.status in (C.DECIDED, C.PUBLISHED):
        raise ServiceError(_("The commission's decision is taken: claims are decided "
                             "before it."), 409)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Give the reason for the decision on the claim."))
    reason = reason[:MAX_TEXT]
    # one decision per claim, even from two staff at once: the second changes no row
    changed = db.session.execute(
        ConflictClaim.__table__.update()
        .where(ConflictClaim.id == claim.id, ConflictClaim.status == PENDING)
        .values(status=UPHELD if uphold else DISMISSED, decision=reason,
                decided_by_id=staff.id, decided_at=now)).rowcount
    if changed != 1:
        db.session.rollback()
        raise ServiceError(_("This claim was already decided."), 409)
    db.session.expire(claim)
    recused = False
    if uphold:
        recused = recuse_on_claim(application, claim.member_id, reason, staff, now)
    audit.record("conflict_claim.upheld" if uphold else "conflict_claim.dismissed", claim, {
        "application_id": application.id, "member_id": claim.member_id, "reason": reason,
        "assignment_recused": recused}, actor_id=staff.id)
    commit()


def recuse_on_claim(application: Application, user_id: int, reason: str, staff: User,
                    now: datetime) -> bool:
    """Recuse a member from the application because staff upheld an applicant's claim of a
    conflict of interest, exactly as the member's own declared conflict would: a recorded
    conflict (``source="claim"``) bars them from it (403 on the score sheet, 404 on the
    documents, no assignment, no consensus) and their assignment on it, pending or
    submitted, is ``recused``; a consensus that settled a sheet so removed is withdrawn.
    Audited; the caller commits. Returns whether an assignment was recused."""
    row = db.session.scalar(select(Conflict).where(
        Conflict.application_id == application.id, Conflict.user_id == user_id,
        Conflict.source == "claim"))
    if row is None:
        row = Conflict(application_id=application.id, user_id=user_id, source="claim",
                       status="conflict", reason=reason, at=now, decided_by_id=staff.id)
        db.session.add(row)
        db.session.flush()
    sheet = db.session.scalar(select(Assignment).where(
        Assignment.application_id == application.id, Assignment.reviewer_id == user_id,
        Assignment.status.in_(("pending", "submitted"))))
    was = sheet.status if sheet is not None else None
    if sheet is not None:
        sheet.status = "recused"
    audit.record("conflict.recused_on_claim", row, {
        "application_id": application.id, "user_id": user_id, "reason": reason,
        "assignment_id": sheet.id if sheet is not None else None, "sheet_was": was},
        actor_id=staff.id)
    if was == "submitted":  # the sheets a consensus settled changed
        withdraw_consensus(application, staff.id, "conflict.recused_on_claim")
    return sheet is not None


def pending_in(call: Competition) -> int:
    """How many claims on the call's applications wait for a decision."""
    return db.session.scalar(select(func.count()).select_from(ConflictClaim).join(
        Application, Application.id == ConflictClaim.application_id).where(
        Application.competition_id == call.id, ConflictClaim.status == PENDING)) or 0


def check_none_pending(call: Competition) -> None:
    """Refuse (409) the commission's decision while an applicant's claim waits."""
    waiting = pending_in(call)
    if waiting:
        raise ServiceError(ngettext(
            "%(num)d conflict-of-interest claim of an applicant waits for a decision: staff "
            "decide it before the commission's decision.",
            "%(num)d conflict-of-interest claims of applicants wait for a decision: staff "
            "decide them before the commission's decision.", waiting), 409)
