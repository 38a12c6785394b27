"""Assigning commission members to applications, by hand or by a reproducible run; a
member's assignments, declines and reminders."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from gms.competition.assignment import plan_assignment
from gms.extensions import db
from gms.i18n import _, local_datetime
from gms.models import Application, Competition, Organisation, User
from gms.models import applications as A
from gms.models import calls as C
from gms.services import audit, notify
from gms.services.common import ServiceError, commit

from .conflicts import blocked_pairs
from .models import Assignment, AssignmentRun
from .roster import scoring_members


def assign(application: Application, reviewer_ids: list[int], staff: User) -> list[Assignment]:
    """Assign commission members to an eligible application (existing ones are kept)."""
    if application.competition.status != C.EVALUATION:
        raise ServiceError(_("Members are assigned while the call is in evaluation."), 409)
    if application.status != A.ELIGIBLE:
        raise ServiceError(_("Only eligible applications are evaluated."), 409)
    allowed = set(scoring_members(application.competition))
    if not set(reviewer_ids) <= allowed:
        raise ServiceError(_("Choose members of this call's commission only."))
    blocked = {m for _a, m in blocked_pairs([application], list(reviewer_ids))}
    if blocked:
        raise ServiceError(_("A conflict of interest blocks this assignment; staff may "
                             "override a detected conflict with a written reason."), 409)
    reviewers = db.session.scalars(select(User).where(User.id.in_(reviewer_ids))).all()
    existing = set(db.session.scalars(select(Assignment.reviewer_id).where(
        Assignment.application_id == application.id)))
    created = []
    for r in reviewers:
        if r.id in existing:
            continue
        a = Assignment(application_id=application.id, reviewer_id=r.id, assigned_by_id=staff.id)
        db.session.add(a)
        audit.record("assignment.created", a,
                     {"application_id": application.id, "reviewer_id": r.id},
                     actor_id=staff.id)
        created.append(a)
    commit()
    return created


def assignments_query(user: User):
    """The member's assignments, with applications and calls loaded, pending first; not
    those the member is recused from (a declared conflict, or an applicant's upheld claim)."""
    return (select(Assignment).where(Assignment.reviewer_id == user.id,
                                     Assignment.status != "recused")
            .join(Application, Application.id == Assignment.application_id)
            .options(db.joinedload(Assignment.application).joinedload(Application.competition))
            .order_by(Assignment.status, Assignment.id.desc()))


def _eligible(call: Competition) -> list[Application]:
    return db.session.scalars(select(Application).where(
        Application.competition_id == call.id, Application.status == A.ELIGIBLE)
        .options(db.joinedload(Application.organisation).joinedload(Organisation.territory))
        .order_by(Application.id)).all()


def auto_assign(call: Competition, *, seed: int, per_application: int | None, staff: User,
                due_at: datetime | None = None) -> AssignmentRun:
    """Assign members to every eligible application, balancing load and respecting
    conflicts and declines; the seed, constraints and result are stored for re-runs."""
    if call.status != C.EVALUATION:
        raise ServiceError(_("Members are assigned while the call is in evaluation."), 409)
    members = scoring_members(call)
    if not members:
        raise ServiceError(_("The commission has no scoring members yet."), 409)
    k = per_application or call.evaluators_per_application or len(members)
    apps = _eligible(call)
    ids = [a.id for a in apps]
    current = db.session.scalars(select(Assignment).where(
        Assignment.application_id.in_(ids))).all() if ids else []
    existing = {(a.application_id, a.reviewer_id) for a in current
                if a.status in ("pending", "submitted")}
    blocked = blocked_pairs(apps, members) | {
        (a.application_id, a.reviewer_id) for a in current
        if a.status in ("declined", "recused")}
    pairs = plan_assignment(ids, members, k, seed, blocked, existing)
    run = AssignmentRun(competition_id=call.id, seed=seed, per_application=k, by_id=staff.id,
                        constraints={"applications": ids, "members": sorted(members),
                                     "blocked": sorted(map(list, blocked)),
                                     "existing": sorted(map(list, existing))},
                        result=[list(p) for p in pairs])
    db.session.add(run)
    db.session.flush()
    for app_id, member in pairs:
        db.session.add(Assignment(application_id=app_id, reviewer_id=member,
                                  assigned_by_id=staff.id, run_id=run.id, due_at=due_at))
    audit.record("assignment.run", run, {"seed": seed, "per_application": k,
                                         "pairs": len(pairs)}, actor_id=staff.id)
    commit()
    return run


def replay(run: AssignmentRun) -> list[list[int]]:
    """The pairs the run's stored seed and constraints give: equal to ``run.result``."""
    c = run.constraints
    return [list(p) for p in plan_assignment(
        c["applications"], c["members"], run.per_application, run.seed,
        {tuple(p) for p in c["blocked"]}, {tuple(p) for p in c["existing"]})]


def decline(assignment: Assignment, reason: str) -> None:
    """The member declines an assignment (before submitting) with a reason."""
    reason = (reason or "").strip()
    if assignment.status != "pending":
        raise ServiceError(_("Only a pending assignment can be declined."), 409)
    if not reason:
        raise ServiceError(_("Give a reason for declining."))
    assignment.status, assignment.declined_reason = "declined", reason
    audit.record("assignment.declined", assignment, {
        "application_id": assignment.application_id, "reason": reason},
        actor_id=assignment.reviewer_id)
    commit()


def send_reminders(now: datetime, within_hours: int = 48) -> int:
    """E-mail members whose pending score sheets are due within ``within_hours`` or overdue;
    one reminder per assignment per day, so running twice sends nothing more."""
    due = db.session.scalars(select(Assignment).where(
        Assignment.status == "pending", Assignment.due_at.is_not(None),
        Assignment.due_at <= now + timedelta(hours=within_hours))
        .options(db.joinedload(Assignment.reviewer), db.joinedload(Assignment.application))
        ).all()
    sent = 0
    for a in due:
        key = f"remind:{a.id}:{now.date().isoformat()}"
        before = db.session.info.get("gms.outbox", []).copy()
        notify.send(key=key, recipient=a.reviewer.email,
                    subject=_("Reminder: a score sheet is due"),
                    body=_("Please score application %(number)s by %(when)s (Bishkek time).",
                           number=a.application.number, when=local_datetime(a.due_at)))
        sent += len(db.session.info.get("gms.outbox", [])) - len(before)
    commit()
    return sent
