"""After the decision: declined awards and the reserve list, appeals."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from gms.competition import (
    FUNDED,
    RESERVE,
    AwardDecision,
    RankedApplication,
    Vacancy,
    first_that_fits,
)
from gms.extensions import db
from gms.i18n import _
from gms.models import Appeal, Application, Award, Competition, User
from gms.models import calls as C

from . import audit, notify
from .common import ServiceError, commit, competition_info, competition_type


def decline_award(award: Award, reason: str, staff: User) -> Award | None:
    """Record that a funded applicant declined (or the award was cancelled) and promote from
    the reserve list whom the competition's award policy names (its ``promote``; without
    one, the first in rank order whose amount fits what is free). Returns the promoted
    award, if any."""
    call = db.session.get(Competition, award.competition_id)
    if call.status not in (C.DECIDED, C.PUBLISHED):
        raise ServiceError(_("Awards are declined after the decision."), 409)
    if award.outcome != FUNDED:
        raise ServiceError(_("Only a funded award can be declined."), 409)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Give the reason the award was declined or cancelled."))
    freed, vacated = award.amount, award.reason or ""
    award.outcome, award.amount, award.reason = "declined", Decimal(0), "declined"
    if call.status == C.PUBLISHED:
        award.application.status = "withdrawn"
    audit.record("award.declined", award, {"application_id": award.application_id,
                                           "amount": str(freed), "reason": reason},
                 actor_id=staff.id)
    db.session.flush()
    decision = _promotion(call, Decimal(freed), vacated)
    promoted = None
    if decision is not None:
        promoted = db.session.scalar(select(Award).where(
            Award.competition_id == call.id, Award.application_id == decision.application_id,
            Award.outcome == RESERVE))
    if promoted is not None:
        promoted.outcome, promoted.amount = FUNDED, decision.amount
        promoted.reason = decision.reason or "promoted"
        if call.status == C.PUBLISHED:
            promoted.application.status = FUNDED
            notify.send(key=f"promoted:{promoted.id}",
                        recipient=promoted.application.created_by.email,
                        subject=_("Your application was selected from the reserve list"),
                        body=_("Your application %(number)s moved from the reserve list "
                               "to a grant.", number=promoted.application.number))
        audit.record("award.promoted", promoted, {
            "application_id": promoted.application_id, "amount": str(promoted.amount),
            "reason": promoted.reason, "replaces": award.application_id}, actor_id=staff.id)
    commit()
    return promoted


def _promotion(call: Competition, amount: Decimal, reason: str) -> AwardDecision | None:
    """The award policy's choice, among the call's reserve list, for a vacated award of
    ``amount`` and ``reason``: three queries, whatever the list's length."""
    funded = dict(db.session.execute(
        select(Application.organisation_id, func.count()).join(
            Award, Award.application_id == Application.id)
        .where(Award.competition_id == call.id, Award.outcome == FUNDED)
        .group_by(Application.organisation_id)).all())
    used = db.session.scalar(select(func.coalesce(func.sum(Award.amount), 0)).where(
        Award.competition_id == call.id, Award.outcome == FUNDED))
    vacancy = Vacancy(amount, reason, Decimal(call.budget) - Decimal(used), funded)
    reserve = [RankedApplication(aid, org, score, Decimal(requested or 0), rank)
               for aid, org, score, requested, rank in db.session.execute(
                   select(Award.application_id, Application.organisation_id, Award.score,
                          Application.requested_amount, Award.rank)
                   .join(Application, Application.id == Award.application_id)
                   .where(Award.competition_id == call.id, Award.outcome == RESERVE)
                   .order_by(Award.rank, Award.id))]
    policy = competition_type(call).award_policy(competition_info(call))
    promote = getattr(policy, "promote", None)
    if promote is None:  # a plugin's policy without one
        return first_that_fits(vacancy, reserve, max_grant=call.max_grant)
    return promote(vacancy, reserve)


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
