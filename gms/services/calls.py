"""Calls: creation, editing while in draft, and the life cycle.

draft → open → closed → screening → evaluation → decided → published. Every step is an
explicit staff action except closing, which the scheduled task does at the deadline.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import select, update

from gms.competition import ScoringSheet
from gms.extensions import db
from gms.i18n import _
from gms.models import Application, Competition
from gms.models import applications as A
from gms.models import calls as C

from . import audit
from .common import ServiceError, commit, competition_info, competition_type, hooks

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
    """Create a draft call of ``type_key`` with the type's default settings."""
    from .common import registry

    ctype = registry().get(type_key)
    if ctype is None:
        raise ServiceError(_("Unknown competition type."))
    values = {**values, "settings": {**ctype.default_settings(), **values.get("settings", {})}}
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


def freeze(call: Competition) -> None:
    """Store the type version, scoring sheet and eligibility rules on the call."""
    ctype = competition_type(call)
    info = competition_info(call)
    sheet: ScoringSheet = ctype.scoring_sheet(info)
    call.type_version = ctype.version
    call.frozen_sheet = sheet.to_dict()
    call.frozen_rules = [
        {"code": r.code, "blocking": r.blocking, "params": dict(r.params)}
        for r in rules_for(call)]


def rules_for(call: Competition):
    """The type's rules plus those contributed by plugins, sorted by code.

    Once the call is open only the frozen rule codes apply.
    """
    ctype = competition_type(call)
    info = competition_info(call)
    rules = list(ctype.eligibility_rules(info))
    for extra in hooks().gms_extra_eligibility_rules(competition=info, competition_type=ctype):
        rules.extend(extra or ())
    if call.frozen_rules is not None:
        frozen = {r["code"]: r for r in call.frozen_rules}
        rules = [r for r in rules if r.code in frozen]
    return sorted(rules, key=lambda r: r.code)


def sheet_for(call: Competition) -> ScoringSheet:
    """The frozen sheet once open; the plugin's current sheet while in draft."""
    if call.frozen_sheet:
        return ScoringSheet.from_dict(call.frozen_sheet)
    return competition_type(call).scoring_sheet(competition_info(call))


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
        pending = db.session.scalar(select(db.func.count()).select_from(Application).where(
            Application.competition_id == call.id, Application.status == A.SUBMITTED))
        if pending:
            raise ServiceError(_("Screen every submitted application first (%(n)d left).",
                                 n=pending), 409)
    elif action in ("decide", "publish"):
        from . import evaluation

        if action == "decide":
            evaluation.decide_awards(call, actor_id=actor_id)
        else:
            evaluation.publish_results(call, now=now)
    call.status = new
    audit.record(f"call.{action}", call, {"from": old, "to": new}, actor_id=actor_id)
    commit()
    hooks().gms_competition_status_changed(competition=competition_info(call), old_status=old,
                                           new_status=new)
    if action == "publish":
        from . import evaluation

        evaluation.after_publish(call)
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
