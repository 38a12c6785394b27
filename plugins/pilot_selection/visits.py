"""Verification visits: staff pick applicants to visit and record what the specialist found.

Every change is validated here, written to the audit log and committed, like the core's
services. Visits happen between the deadline and the decision (the call closed, in screening
or in evaluation), to applications that were submitted and not found ineligible.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import defer

from gms.extensions import db
from gms.models import Application, Competition, User
from gms.models import applications as A
from gms.models import calls as C
from gms.services import audit
from gms.services.common import ServiceError, commit

from .choices import CHECK_ANSWERS, CHECKLIST_CODES, CONCLUSIONS, DONE, PLANNED
from .i18n import _
from .models import Visit
from .settings import TIMEZONE

VISIT_STAGES = (C.CLOSED, C.SCREENING, C.EVALUATION)
VISITABLE = (A.SUBMITTED, A.ELIGIBLE)


def visit_for(application_id: int) -> Visit | None:
    return db.session.scalar(select(Visit).where(Visit.application_id == application_id))


def visits_by_application(competition_id: int) -> dict[int, Visit]:
    """The call's visits by application id, verifiers loaded."""
    return {v.application_id: v for v in db.session.scalars(
        select(Visit).where(Visit.competition_id == competition_id)
        .options(db.joinedload(Visit.verifier)))}


def _listed(call: Competition):
    """The call's applications the visits page lists: submitted (not drafts or withdrawn)."""
    return (Application.competition_id == call.id, Application.submitted_at.is_not(None),
            Application.status != A.WITHDRAWN)


def call_summary(call: Competition) -> dict[str, int]:
    """The whole call's counts, in one aggregate query: the applications listed, their
    visits planned and done, and those without a visit."""
    total, planned, done = db.session.execute(
        select(func.count(Application.id),
               func.count(case((Visit.status == PLANNED, Visit.id))),
               func.count(case((Visit.status == DONE, Visit.id))))
        .select_from(Application)
        .outerjoin(Visit, Visit.application_id == Application.id)
        .where(*_listed(call))).one()
    return {"applications": total, "planned": planned, "done": done,
            "none": total - planned - done}


def call_rows(call: Competition, offset: int, limit: int
              ) -> list[tuple[Application, Visit | None]]:
    """A slice (in the order of submission) of the call's listed applications with their
    visits, municipalities and verifiers (not the answers, which the page does not show):
    one query."""
    return [tuple(row) for row in db.session.execute(
        select(Application, Visit)
        .outerjoin(Visit, Visit.application_id == Application.id)
        .where(*_listed(call))
        .options(defer(Application.answers), db.joinedload(Application.organisation),
                 db.joinedload(Visit.verifier))
        .order_by(Application.submitted_at, Application.id)
        .offset(offset).limit(limit)).unique().all()]


def verifiers(call: Competition) -> list[User]:
    """Who may be recorded as the verifier: active staff of the programme, or of the
    municipality that runs the call."""
    scope = (User.organisation_id == call.organiser_id if call.organiser_id
             else User.organisation_id.is_(None))
    return db.session.scalars(select(User).where(
        User.role.in_(("staff", "admin")), User.active.is_(True), scope)
        .order_by(User.name)).all()


def _check_stage(call: Competition) -> None:
    if call.status not in VISIT_STAGES:
        raise ServiceError(_("Verification visits are planned and recorded after the deadline "
                             "and before the decision."), 409)


def _check_visitable(application: Application) -> None:
    if application.status not in VISITABLE:
        raise ServiceError(_("Only submitted applications that are not found ineligible are "
                             "visited."), 409)


def pick(call: Competition, application_ids: Iterable[int], planned_on: date | None,
         staff: User) -> list[Visit]:
    """Plan visits to the given applications of ``call``; those already picked are kept."""
    _check_stage(call)
    ids = sorted(set(application_ids))
    if not ids:
        raise ServiceError(_("Choose the applicants to visit."))
    apps = db.session.scalars(select(Application).where(
        Application.id.in_(ids), Application.competition_id == call.id)).all()
    if len(apps) != len(ids):
        raise ServiceError(_("Choose applications of this call only."), 404)
    existing = {v.application_id for v in db.session.scalars(
        select(Visit).where(Visit.application_id.in_(ids)))}
    created = []
    for application in apps:
        _check_visitable(application)
        if application.id in existing:
            continue
        visit = Visit(application_id=application.id, competition_id=call.id, status=PLANNED,
                      planned_on=planned_on, picked_by_id=staff.id, checklist={})
        db.session.add(visit)
        audit.record("pilot_selection.visit_planned", visit, {
            "application_id": application.id,
            "planned_on": planned_on.isoformat() if planned_on else None}, actor_id=staff.id)
        created.append(visit)
    commit()
    return created


def cancel(visit: Visit, staff: User) -> None:
    """Drop a planned visit that has not taken place."""
    _check_stage(visit.application.competition)
    if visit.status != PLANNED:
        raise ServiceError(_("A visit that took place cannot be cancelled; correct its record "
                             "instead."), 409)
    audit.record("pilot_selection.visit_cancelled", visit,
                 {"application_id": visit.application_id}, actor_id=staff.id)
    db.session.delete(visit)
    commit()


def clean_checklist(values: Mapping[str, Mapping]) -> dict[str, dict]:
    """The fixed checklist from submitted values: every item, answer yes/no or empty."""
    allowed = {code for code, _label in CHECK_ANSWERS}
    out = {}
    for code in CHECKLIST_CODES:
        item = values.get(code) or {}
        answer = str(item.get("answer") or "")
        out[code] = {"answer": answer if answer in allowed else "",
                     "notes": str(item.get("notes") or "").strip()[:2000]}
    return out


def record(application: Application, *, verifier_id: int, visited_on: date,
           checklist: Mapping[str, Mapping], conclusion: str, findings: str, staff: User,
           now: datetime) -> Visit:
    """Record (or correct) the visit to ``application``: who, when, the checklist, the
    conclusion and the findings. A visit that was not picked first is picked now."""
    call = application.competition
    _check_stage(call)
    _check_visitable(application)
    if verifier_id not in {u.id for u in verifiers(call)}:
        raise ServiceError(_("Choose the verifier among the programme's staff."))
    if visited_on > now.astimezone(TIMEZONE).date():
        raise ServiceError(_("The date of the visit cannot be in the future."))
    if conclusion not in {code for code, _label in CONCLUSIONS}:
        raise ServiceError(_("Choose the conclusion of the visit."))
    findings = (findings or "").strip()
    if not findings:
        raise ServiceError(_("Write the findings of the visit for the commission."))
    items = clean_checklist(checklist)
    visit = visit_for(application.id)
    corrected = visit is not None and visit.status == DONE
    if visit is None:
        visit = Visit(application_id=application.id, competition_id=call.id,
                      picked_by_id=staff.id, picked_at=now)
        db.session.add(visit)
    visit.status = DONE
    visit.verifier_id = verifier_id
    visit.visited_on = visited_on
    visit.checklist = items
    visit.conclusion = conclusion
    visit.findings = findings[:20000]
    visit.recorded_by_id = staff.id
    visit.recorded_at = now
    audit.record("pilot_selection.visit_recorded", visit, {
        "application_id": application.id, "verifier_id": verifier_id,
        "visited_on": visited_on.isoformat(), "conclusion": conclusion,
        "checklist": {code: item["answer"] for code, item in items.items()},
        "findings": visit.findings, "corrected": corrected}, actor_id=staff.id)
    commit()
    return visit
