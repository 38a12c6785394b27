"""After the decision: declined awards and the reserve list, appeals."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from gms.competition import FUNDED, RESERVE
from gms.extensions import db
from gms.i18n import _
from gms.models import Appeal, Application, Award, Competition, User
from gms.models import calls as C

from . import audit, notify
from .common import ServiceError, commit


def decline_award(award: Award, reason: str, staff: User) -> Award | None:
    """Record that a funded applicant declined (or the award was cancelled) and promote the
    first application of the reserve list, in rank order, whose amount fits what is free.
    Returns the promoted award, if any."""
    call = db.session.get(Competition, award.competition_id)
    if call.status not in (C.DECIDED, C.PUBLISHED):
        raise ServiceError(_("Awards are declined after the decision."), 409)
    if award.outcome != FUNDED:
        raise ServiceError(_("Only a funded award can be declined."), 409)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Give the reason the award was declined or cancelled."))
    freed = award.amount
    award.outcome, award.amount, award.reason = "declined", Decimal(0), "declined"
    if call.status == C.PUBLISHED:
        award.application.status = "withdrawn"
    audit.record("award.declined", award, {"application_id": award.application_id,
                                           "amount": str(freed), "reason": reason},
                 actor_id=staff.id)
    db.session.flush()
    used = db.session.scalar(select(func.coalesce(func.sum(Award.amount), 0)).where(
        Award.competition_id == call.id, Award.outcome == FUNDED))
    free = Decimal(call.budget) - Decimal(used)
    promoted = None
    for candidate in db.session.scalars(select(Award).where(
            Award.competition_id == call.id, Award.outcome == RESERVE).order_by(Award.rank)):
        amount = Decimal(candidate.application.requested_amount or 0)
        if call.max_grant is not None:
            amount = min(amount, Decimal(call.max_grant))
        if amount <= free:
            candidate.outcome, candidate.amount, candidate.reason = FUNDED, amount, "promoted"
            if call.status == C.PUBLISHED:
                candidate.application.status = FUNDED
                notify.send(key=f"promoted:{candidate.id}",
                            recipient=candidate.application.created_by.email,
                            subject=_("Your application was selected from the reserve list"),
                            body=_("Your application %(number)s moved from the reserve list "
                                   "to a grant.", number=candidate.application.number))
            audit.record("award.promoted", candidate, {
                "application_id": candidate.application_id, "amount": str(amount),
                "replaces": award.application_id}, actor_id=staff.id)
            promoted = candidate
            break
    commit()
    return promoted


def appeal_deadline(call: Competition) -> datetime | None:
    if not call.appeal_days or call.published_at is None:
        return None
    return call.published_at + timedelta(days=call.appeal_days)


def file_appeal(application: Application, user: User, grounds: str, now: datetime) -> Appeal:
    """An applicant files a reasoned appeal within the call's appeal window."""
    call = application.competition
    deadline = appeal_deadline(call)
    if call.status != C.PUBLISHED or deadline is None:
        raise ServiceError(_("This call does not accept appeals."), 409)
    if now > deadline:
        raise ServiceError(_("The appeal window closed on %(when)s.",
                             when=_when(deadline)), 409)
    grounds = (grounds or "").strip()
    if len(grounds) < 20:
        raise ServiceError(_("Explain the grounds of the appeal (at least 20 characters)."))
    if db.session.scalar(select(Appeal.id).where(Appeal.application_id == application.id,
                                                 Appeal.status == "filed")):
        raise ServiceError(_("An appeal on this application is already waiting for a "
                             "decision."), 409)
    appeal = Appeal(application_id=application.id, filed_by_id=user.id, grounds=grounds,
                    filed_at=now)
    db.session.add(appeal)
    audit.record("appeal.filed", appeal, {"application_id": application.id}, actor_id=user.id)
    commit()
    return appeal


def decide_appeal(appeal: Appeal, *, upheld: bool, decision: str, staff: User,
                  now: datetime) -> None:
    """Staff decide an appeal with a written decision, recorded and sent to the applicant."""
    if appeal.status != "filed":
        raise ServiceError(_("This appeal was already decided."), 409)
    decision = (decision or "").strip()
    if not decision:
        raise ServiceError(_("Write the decision on the appeal."))
    appeal.status = "upheld" if upheld else "rejected"
    appeal.decision, appeal.decided_by_id, appeal.decided_at = decision, staff.id, now
    application = db.session.get(Application, appeal.application_id)
    audit.record("appeal.decided", appeal, {"upheld": upheld, "decision": decision},
                 actor_id=staff.id)
    notify.send(key=f"appeal:{appeal.id}", recipient=application.created_by.email,
                subject=_("Decision on your appeal"), body=decision)
    commit()


def _when(value: datetime) -> str:
    from gms.i18n import local_datetime

    return local_datetime(value)
