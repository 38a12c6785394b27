"""How each member scores a call: to spot a member who scores everything the same."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import and_, case, func, select

from gms.extensions import db
from gms.models import Application, Competition, User

from .models import Assignment


@dataclass(frozen=True)
class MemberStats:
    """One member's scoring on a call: to spot a member who scores everything the same."""

    user_id: int
    name: str
    assigned: int
    submitted: int
    declined: int
    recused: int
    late: int
    mean_total: Decimal | None
    min_total: Decimal | None
    max_total: Decimal | None
    mean_deviation: Decimal | None


def member_stats(call: Competition) -> list[MemberStats]:
    """Per member: sheets, their mean, range, lateness and mean deviation from the other
    members' mean on the same applications — computed in SQL, one query."""
    own = case((Assignment.status == "submitted", Assignment.total))
    app_mean = func.avg(own).over(partition_by=Assignment.application_id)
    app_count = func.count(own).over(partition_by=Assignment.application_id)
    per_sheet = (select(
        Assignment.reviewer_id.label("uid"), Assignment.status.label("status"),
        Assignment.total.label("total"),
        case((and_(Assignment.due_at.is_not(None), Assignment.submitted_at.is_not(None),
                   Assignment.submitted_at > Assignment.due_at), 1), else_=0).label("late"),
        # deviation from the mean of the *other* members' totals on the same application
        case((and_(Assignment.status == "submitted", app_count > 1),
              own - (app_mean * app_count - own) / (app_count - 1))).label("deviation"))
        .join(Application, Application.id == Assignment.application_id)
        .where(Application.competition_id == call.id).subquery())
    submitted = per_sheet.c.status == "submitted"
    rows = db.session.execute(
        select(User.id, User.name, func.count(),
               func.count(case((submitted, 1))),
               func.count(case((per_sheet.c.status == "declined", 1))),
               func.count(case((per_sheet.c.status == "recused", 1))),
               func.sum(per_sheet.c.late),
               func.avg(case((submitted, per_sheet.c.total))),
               func.min(case((submitted, per_sheet.c.total))),
               func.max(case((submitted, per_sheet.c.total))),
               func.avg(case((submitted, per_sheet.c.deviation))))
        .join(per_sheet, per_sheet.c.uid == User.id)
        .group_by(User.id, User.name).order_by(User.name)).all()

    def dec(value):
        return None if value is None else Decimal(value).quantize(Decimal("0.01"))

    return [MemberStats(r[0], r[1], r[2], r[3], r[4], r[5], int(r[6] or 0), dec(r[7]),
                        dec(r[8]), dec(r[9]), dec(r[10])) for r in rows]
