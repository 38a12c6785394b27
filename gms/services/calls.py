"""Calls: creation, editing while in draft, and the steps of the life cycle.

draft → open → closed → screening → evaluation → decided → published. Every step is an
explicit staff action (:func:`gms.evaluation.lifecycle.advance`) except closing, which the
scheduled task does at the deadline (:func:`close_due_calls`).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import select, update

from gms.competition import stored_values
from gms.extensions import db
from gms.i18n import _
from gms.models import Competition
from gms.models import calls as C

from . import audit
from .common import ServiceError, commit, competition_info, hooks, registry

EDITABLE = ("title", "description", "oblasts", "opens_at", "deadline_at", "budget",
            "max_awards", "max_grant", "settings")

# status → (action name, next status); "close" is done by the clock
TRANSITIONS = {
    C.DRAFT: ("open", C.OPEN),
    C.OPEN: ("close", C.CLOSED),
    C.CLOSED: ("start_screening", C.SCREENING),
    C.SCREENING: ("start_evaluation", C.EVALUATION),
    C.EVALUATION: ("decide", C.DECIDED),
    C.DECIDED: ("publish", C.PUBLISHED),
}


def _validate(values: dict) -> None:
    if values["deadline_at"] <= values["opens_at"]:
        raise ServiceError(_("The deadline must be after the opening."))
    if Decimal(values["budget"]) < 0:
        raise ServiceError(_("The budget cannot be negative."))
    if not any((values.get("title") or {}).values()):
        raise ServiceError(_("Give the call a title in at least one language."))


def create_call(type_key: str, values: dict, actor_id: int | None = None) -> Competition:
    """Create a draft call of ``type_key`` with the type's default settings (stored as the
    JSON of their kinds)."""
    ctype = registry().get(type_key)
    if ctype is None:
        raise ServiceError(_("Unknown competition type."))
    settings = {**ctype.default_settings(), **values.get("settings", {})}
    values = {**values, "settings": stored_values(ctype.settings_fields(), settings)}
    _validate(values)
    call = Competition(type_key=type_key, status=C.DRAFT, **values)
    db.session.add(call)
    audit.record("call.created", call, {"type": type_key}, actor_id=actor_id)
    commit()
    return call


def update_call(call: Competition, values: dict, actor_id: int | None = None) -> Competition:
    """Edit a call; only drafts may change (settings are frozen once open)."""
    if call.status != C.DRAFT:
        raise ServiceError(_("Only a draft call can be edited."))
    ctype = registry().get(call.type_key)
    if "settings" in values and ctype is not None:
        values = {**values, "settings": stored_values(ctype.settings_fields(),
                                                      values["settings"])}
    merged = {k: getattr(call, k) for k in EDITABLE} | values
    _validate(merged)
    changed = {}
    for key in EDITABLE:
        if key in values and getattr(call, key) != values[key]:
            changed[key] = str(values[key])
            setattr(call, key, values[key])
    audit.record("call.updated", call, {"changed": sorted(changed)}, actor_id=actor_id)
    commit()
    return call


def close_due_calls(now: datetime) -> int:
    """Close open calls past their deadline; returns how many. Running twice is harmless."""
    due = db.session.scalars(select(Competition.id).where(
        Competition.status == C.OPEN, Competition.deadline_at <= now)).all()
    closed = 0
    for call_id in due:
        # compare-and-set, so two schedulers cannot both close (and audit) the same call
        done = db.session.execute(update(Competition).where(
            Competition.id == call_id, Competition.status == C.OPEN
        ).values(status=C.CLOSED)).rowcount
        if not done:
            continue
        call = db.session.get(Competition, call_id)
        audit.record("call.close", call, {"from": C.OPEN, "to": C.CLOSED, "by": "schedule"})
        commit()
        closed += 1
        hooks().gms_competition_status_changed(competition=competition_info(call),
                                               old_status=C.OPEN, new_status=C.CLOSED)
    return closed
