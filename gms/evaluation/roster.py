"""The commission of a call: who may sit on it, its roster and roles, and its settings."""

from __future__ import annotations

from sqlalchemy import select

from gms.extensions import db
from gms.i18n import _
from gms.models import Competition, User
from gms.services import audit
from gms.services.common import ServiceError, commit

from .models import COMMISSION_ROLES, SCORING_ROLES, CommissionMember

#: the roles that propose a consensus
CONSENSUS_ROLES = ("rapporteur", "chair")


def pool_condition(call: Competition):
    """Users who may sit on the call's commission: the organising municipality's commission
    members for its own calls, the programme's (no organisation) otherwise."""
    base = User.role == "commission"
    if call.organiser_id:
        return base & (User.organisation_id == call.organiser_id)
    return base & User.organisation_id.is_(None)


def roster(call: Competition) -> list[CommissionMember]:
    return db.session.scalars(select(CommissionMember).where(
        CommissionMember.competition_id == call.id)
        .options(db.joinedload(CommissionMember.user)).order_by(CommissionMember.id)).all()


def scoring_members(call: Competition) -> list[int]:
    """Ids of the members who score: the roster's chair, members and rapporteurs; a call
    without a roster uses its whole pool."""
    rows = roster(call)
    if rows:
        return [r.user_id for r in rows if r.role in SCORING_ROLES]
    return list(db.session.scalars(select(User.id).where(pool_condition(call),
                                                         User.active.is_(True))))


def set_member(call: Competition, user_id: int, role: str | None, staff: User) -> None:
    """Add a member with ``role``, change the role, or (``role=None``) remove the member."""
    user = db.session.scalar(select(User).where(User.id == user_id, pool_condition(call)))
    if user is None:
        raise ServiceError(_("Choose members of this call's commission only."))
    row = db.session.scalar(select(CommissionMember).where(
        CommissionMember.competition_id == call.id, CommissionMember.user_id == user_id))
    if role is None:
        if row is not None:
            db.session.delete(row)
            audit.record("commission.member_removed", call, {"user_id": user_id},
                         actor_id=staff.id)
    elif role not in COMMISSION_ROLES:
        raise ServiceError(_("Unknown commission role."))
    else:
        if role == "chair":
            for other in roster(call):
                if other.role == "chair" and other.user_id != user_id:
                    raise ServiceError(_("The commission already has a chair."))
        if row is None:
            db.session.add(CommissionMember(competition_id=call.id, user_id=user_id, role=role))
        else:
            row.role = role
        audit.record("commission.member_set", call, {"user_id": user_id, "role": role},
                     actor_id=staff.id)
    commit()


def role_of(call: Competition, user_id: int) -> str | None:
    return db.session.scalar(select(CommissionMember.role).where(
        CommissionMember.competition_id == call.id, CommissionMember.user_id == user_id))


def set_quorum(call: Competition, quorum: int | None, per_application: int | None,
               divergence_limit, appeal_days: int | None, staff: User) -> None:
    """The commission's quorum, evaluators per application, divergence limit, appeal days."""
    call.quorum, call.evaluators_per_application = quorum, per_application
    call.divergence_limit, call.appeal_days = divergence_limit, appeal_days
    audit.record("commission.settings", call, {
        "quorum": quorum, "evaluators_per_application": per_application,
        "divergence_limit": str(divergence_limit) if divergence_limit is not None else None,
        "appeal_days": appeal_days}, actor_id=staff.id)
    commit()
