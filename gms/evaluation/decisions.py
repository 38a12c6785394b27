"""The commission's decision: the award policy applied to the ranking; an award declined
and its place given to the reserve list."""

from __future__ import annotations

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
from gms.i18n import _, ngettext
from gms.models import Application, Competition, User
from gms.models import calls as C
from gms.services import audit, notify
from gms.services.common import ServiceError, commit
from gms.services.contract import policy_for

from .conflict_claims import check_none_pending
from .meetings import check_decision_allowed
from .models import Award
from .ranking import ranking


def decide_awards(call: Competition, actor_id: int | None) -> list[Award]:
    """Apply the type's award policy to the ranking and store the decisions (no commit)."""
    check_decision_allowed(call)
    check_none_pending(call)  # an applicant's conflict claim waits: staff decide it first
    rows = ranking(call, texts=False)
    if any(r.needs_consensus for r in rows):
        raise ServiceError(_("Some applications' scores diverge beyond the call's limit: the "
                             "rapporteur or the chair proposes a consensus and a second "
                             "member of the commission confirms it first."), 409)
    pending = sum(r.assigned - r.reviews for r in rows)
    if pending:
        raise ServiceError(ngettext("%(num)d score sheet is not submitted yet.",
                                    "%(num)d score sheets are not submitted yet.", pending), 409)
    if any(r.reviews == 0 for r in rows):
        raise ServiceError(_("Every eligible application needs at least one submitted score "
                             "sheet before the decision."), 409)
    policy = policy_for(call)
    ranked = [RankedApplication(r.application_id, r.organisation_id, r.score,
                                r.requested_amount, r.rank, r.passed_thresholds) for r in rows]
    by_id = {r.application_id: r for r in rows}
    awards = []
    for d in policy.decide(ranked, Decimal(call.budget)):
        award = Award(competition_id=call.id, application_id=d.application_id,
                      outcome=d.outcome, amount=d.amount, rank=d.rank,
                      score=by_id[d.application_id].score, reason=d.reason,
                      decided_by_id=actor_id)
        db.session.add(award)
        awards.append(award)
    db.session.flush()
    audit.record("awards.decided", call, {
        "funded": [a.application_id for a in awards if a.outcome == FUNDED],
        "total": str(sum((a.amount for a in awards), Decimal(0)))}, actor_id=actor_id)
    return awards


def awards_of(call: Competition, application_ids: list[int] | None = None) -> list[Award]:
    """The call's awards in rank order; only those of ``application_ids`` when given."""
    q = select(Award).where(Award.competition_id == call.id).order_by(Award.rank)
    if application_ids is not None:
        if not application_ids:
            return []
        q = q.where(Award.application_id.in_(application_ids))
    return db.session.scalars(q).all()


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
    policy = policy_for(call)
    promote = getattr(policy, "promote", None)
    if promote is None:  # a plugin's policy without one
        return first_that_fits(vacancy, reserve, max_grant=call.max_grant)
    return promote(vacancy, reserve)
