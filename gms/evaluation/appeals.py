"""Appeals: an applicant's reasoned request against the result, within the call's window,
and staff's written decision on it."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from gms.extensions import db
from gms.i18n import _, local_datetime
from gms.models import Application, Competition, User
from gms.models import calls as C
from gms.services import audit, notify
from gms.services.common import ServiceError, commit

from .models import Appeal


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
                             when=local_datetime(deadline)), 409)
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

