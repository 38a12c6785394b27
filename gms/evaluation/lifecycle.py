"""A call's life cycle, one staff action at a time.

draft → open → closed → screening → evaluation → decided → published (:data:`TRANSITIONS`).
The steps up to evaluation are the call's own (:mod:`gms.services.calls`,
:mod:`gms.services.contract`); deciding and publishing are the evaluation's
(:mod:`.decisions`, :mod:`.publication`), so this module stands above both.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from gms.extensions import db
from gms.i18n import _
from gms.models import Application, Competition
from gms.models import applications as A
from gms.services import audit
from gms.services.calls import TRANSITIONS
from gms.services.common import ServiceError, commit, competition_info, hooks
from gms.services.contract import freeze

from .decisions import decide_awards
from .publication import after_publish, publish_results


def advance(call: Competition, action: str, *, now: datetime, actor_id: int | None = None
            ) -> Competition:
    """Move ``call`` one step along its life cycle by ``action``."""
    expected = TRANSITIONS.get(call.status)
    if expected is None or expected[0] != action:
        raise ServiceError(_("This step is not possible now."), 409)
    old, new = call.status, expected[1]
    if action == "open":
        freeze(call)
    elif action == "close" and now < call.deadline_at:
        raise ServiceError(_("The call closes by itself at its deadline."), 409)
    elif action == "start_evaluation":
        pending = db.session.scalar(select(func.count()).select_from(Application).where(
            Application.competition_id == call.id, Application.status == A.SUBMITTED))
        if pending:
            raise ServiceError(_("Screen every submitted application first (%(n)d left).",
                                 n=pending), 409)
    elif action == "decide":
        decide_awards(call, actor_id=actor_id)
    elif action == "publish":
        publish_results(call, now=now)
    call.status = new
    audit.record(f"call.{action}", call, {"from": old, "to": new}, actor_id=actor_id)
    commit()
    hooks().gms_competition_status_changed(competition=competition_info(call), old_status=old,
                                           new_status=new)
    if action == "publish":
        after_publish(call)
    return call
