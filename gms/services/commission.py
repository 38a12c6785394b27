"""The commission of a call: roster, conflicts of interest, automatic assignment, declines
and reopened score sheets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from gms.competition.assignment import plan_assignment
from gms.extensions import db
from gms.i18n import _
from gms.models import (
    SCORING_ROLES,
    Application,
    Assignment,
    AssignmentRun,
    CommissionMember,
    Competition,
    Conflict,
    MemberLink,
    Organisation,
    Territory,
    User,
)
from gms.models import applications as A
from gms.models import calls as C

from . import audit
from .common import ServiceError, commit

# ---------------------------------------------------------------------------- roster

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
    elif role not in ("chair", "member", "rapporteur", "observer"):
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


# ------------------------------------------------------------------------- conflicts

@dataclass(frozen=True)
class ConflictHint:
    """A possible conflict found by the rules."""

    application_id: int
    user_id: int
    reason: str


def detect(applications: list[Application], user_ids: list[int]) -> list[ConflictHint]:
    """Possible conflicts: the member's own organisation, the same municipality or rayon
    as the member's organisation, or a link the member recorded. Three queries in all."""
    if not applications or not user_ids:
        return []
    # in a municipality's own call the commission and the applicants share the territory:
    # only the member's own organisation and recorded links count there
    own_call = bool(applications[0].competition.organiser_id)
    users = {u.id: u for u in db.session.scalars(
        select(User).where(User.id.in_(user_ids))
        .options(db.joinedload(User.organisation).joinedload(Organisation.territory)))}
    links: dict[int, set[int]] = {}
    for link in db.session.scalars(select(MemberLink).where(MemberLink.user_id.in_(user_ids))):
        links.setdefault(link.user_id, set()).add(link.organisation_id)
    hints = []
    for app in applications:
        org = app.organisation
        for uid in user_ids:
            user = users.get(uid)
            if user is None:
                continue
            mine = user.organisation
            reason = None
            if mine is not None and mine.id == org.id:
                reason = _("member of the applicant organisation")
            elif org.id in links.get(uid, set()):
                reason = _("a link to the applicant recorded by the member")
            elif own_call:
                reason = None
            elif mine is not None and mine.territory_code and (
                    mine.territory_code == org.territory_code):
                reason = _("same municipality")
            elif (mine is not None and mine.territory is not None and org.territory is not None
                  and mine.territory.rayon == org.territory.rayon):
                reason = _("same rayon")
            if reason:
                hints.append(ConflictHint(app.id, uid, reason))
    return hints


def detect_in_call(call: Competition, user_ids: list[int], limit: int) -> list[ConflictHint]:
    """The first ``limit`` of :func:`detect`'s hints for the call's eligible applications, in
    the same order (application, then member) with the same reasons, found in SQL: one
    query that reads no application it does not report."""
    if not user_ids:
        return []
    from sqlalchemy import case, literal

    org, mine = aliased(Organisation), aliased(Organisation)
    place, home = aliased(Territory), aliased(Territory)
    linked = exists().where(MemberLink.user_id == User.id,
                            MemberLink.organisation_id == org.id)
    own_call = literal(bool(call.organiser_id))
    reason = case(
        (mine.id == org.id, 1), (linked, 2), (own_call, None),
        (and_(mine.territory_code.is_not(None), mine.territory_code == org.territory_code), 3),
        (and_(home.soate_code.is_not(None), place.soate_code.is_not(None),
              home.rayon == place.rayon), 4))
    position = case({uid: i for i, uid in enumerate(user_ids)}, value=User.id)
    rows = db.session.execute(
        select(Application.id, User.id, reason)
        .join(org, org.id == Application.organisation_id)
        .outerjoin(place, place.soate_code == org.territory_code)
        .join(User, User.id.in_(user_ids))
        .outerjoin(mine, mine.id == User.organisation_id)
        .outerjoin(home, home.soate_code == mine.territory_code)
        .where(Application.competition_id == call.id, Application.status == A.ELIGIBLE,
               or_(mine.id == org.id, linked, and_(
                   ~own_call, or_(mine.territory_code == org.territory_code,
                                  home.rayon == place.rayon))))
        .order_by(Application.id, position).limit(limit)).all()
    reasons = {1: _("member of the applicant organisation"),
               2: _("a link to the applicant recorded by the member"),
               3: _("same municipality"), 4: _("same rayon")}
    return [ConflictHint(aid, uid, reasons[code]) for aid, uid, code in rows if code]


def _records(application_ids: list[int], user_ids: list[int] | None = None) -> list[Conflict]:
    q = select(Conflict).where(Conflict.application_id.in_(application_ids))
    if user_ids is not None:
        q = q.where(Conflict.user_id.in_(user_ids))
    return db.session.scalars(q).all()


#: the sources of a recorded conflict that recuses the member: their own declaration, or an
#: applicant's claim staff upheld (:mod:`gms.services.conflict_claims`)
RECUSING_SOURCES = ("declared", "claim")


def blocked_pairs(applications: list[Application], user_ids: list[int]) -> set[tuple[int, int]]:
    """Pairs that may not be assigned: declared conflicts, upheld claims and detections not
    overridden."""
    records = _records([a.id for a in applications], user_ids)
    overridden = {(r.application_id, r.user_id) for r in records if r.status == "overridden"}
    pairs = {(r.application_id, r.user_id) for r in records
             if r.source in RECUSING_SOURCES and r.status == "conflict"}
    pairs |= {(h.application_id, h.user_id) for h in detect(applications, user_ids)
              if (h.application_id, h.user_id) not in overridden}
    return pairs


def is_blocked(application: Application, user_id: int) -> bool:
    return (application.id, user_id) in blocked_pairs([application], [user_id])


def barred_condition(user: User):
    """An SQL condition on :class:`Application`: a conflict of interest bars ``user`` from
    the application, as :func:`is_blocked` decides (a declared conflict, or one of
    :func:`detect`'s that staff did not override). Built from the user's organisation and its
    territory; it adds no query per row, so a list can filter and paginate by it in SQL."""
    def recorded(source: str, status: str):
        return exists().where(Conflict.application_id == Application.id,
                              Conflict.user_id == user.id, Conflict.source == source,
                              Conflict.status == status)

    # aliases: the subqueries correlate with the application only, whatever the outer query joins
    call, org, place = aliased(Competition), aliased(Organisation), aliased(Territory)
    detected = Application.organisation_id.in_(
        select(MemberLink.organisation_id).where(MemberLink.user_id == user.id))
    mine = user.organisation
    if mine is not None:
        detected = or_(Application.organisation_id == mine.id, detected)
        near = [org.territory_code == mine.territory_code] if mine.territory_code else []
        if mine.territory is not None:
            near.append(org.territory_code.in_(select(place.soate_code).where(
                place.rayon == mine.territory.rayon)))
        if near:  # not in a municipality's own call, where all share the territory
            detected = or_(detected, and_(
                exists().where(call.id == Application.competition_id,
                               call.organiser_id.is_(None)),
                exists().where(org.id == Application.organisation_id, or_(*near))))
    return or_(recorded("declared", "conflict"), recorded("claim", "conflict"),
               and_(detected, ~recorded("detected", "overridden")))


def declared_conflicts(application: Application) -> list[User]:
    """The members recused from the application for a conflict of interest (declared, or
    an applicant's claim staff upheld), by name."""
    return db.session.scalars(select(User).where(User.id.in_(select(Conflict.user_id).where(
        Conflict.application_id == application.id, Conflict.source.in_(RECUSING_SOURCES),
        Conflict.status == "conflict"))).order_by(User.name)).all()


def declaration(application: Application, user_id: int) -> Conflict | None:
    """The member's own declaration on the application, if made."""
    return db.session.scalar(select(Conflict).where(
        Conflict.application_id == application.id, Conflict.user_id == user_id,
        Conflict.source == "declared"))


def declare(assignment: Assignment, *, conflict: bool, reason: str, now: datetime) -> None:
    """The member declares, before seeing the content, whether a conflict exists.

    A conflict recuses the member from this application (the assignment is ``recused``).
    """
    _declare(assignment.application, assignment.reviewer_id, conflict=conflict, reason=reason,
             now=now, assignment=assignment)
    commit()


CONSENSUS_ROLES = ("rapporteur", "chair")


def declare_for_consensus(application: Application, member: User, *, conflict: bool,
                          reason: str, now: datetime) -> None:
    """The call's rapporteur or chair declares, before seeing the score sheets of an
    application, whether a conflict of interest exists: the declaration a consensus needs.

    It is the same declaration as a member's on an assigned application (one per member and
    application, :func:`declaration`): made here, it also answers for the member's assignment
    on it, which a conflict recuses; made there already, nothing is declared here.
    """
    if role_of(application.competition, member.id) not in CONSENSUS_ROLES:
        raise ServiceError(_("Only the rapporteur or the chair records a consensus."), 403)
    assignment = db.session.scalar(select(Assignment).where(
        Assignment.application_id == application.id, Assignment.reviewer_id == member.id,
        Assignment.status.in_(("pending", "submitted"))))
    _declare(application, member.id, conflict=conflict, reason=reason, now=now,
             assignment=assignment, context="consensus")
    commit()


def _declare(application: Application, user_id: int, *, conflict: bool, reason: str,
             now: datetime, assignment: Assignment | None, context: str | None = None) -> None:
    """Add the declaration and its audit entry (the caller commits); a conflict recuses
    ``assignment``, the member's assignment on the application if any."""
    reason = (reason or "").strip()
    if declaration(application, user_id) is not None:
        raise ServiceError(_("You have already declared on this application."), 409)
    if conflict and not reason:
        raise ServiceError(_("Describe the conflict of interest."))
    db.session.add(Conflict(application_id=application.id, user_id=user_id,
                            source="declared", status="conflict" if conflict else "none",
                            reason=reason, at=now))
    try:  # the same declaration sent twice at once: the second meets the unique key
        db.session.flush()
    except IntegrityError as exc:
        db.session.rollback()
        raise ServiceError(_("You have already declared on this application."), 409) from exc
    if conflict and assignment is not None:
        assignment.status = "recused"
    payload = {"application_id": application.id, "conflict": conflict, "reason": reason}
    if context is not None:
        payload["context"] = context
        if assignment is not None:
            payload["assignment_id"] = assignment.id
    audit.record("conflict.declared", assignment if assignment is not None else application,
                 payload, actor_id=user_id)


def recuse_on_claim(application: Application, user_id: int, reason: str, staff: User,
                    now: datetime) -> bool:
    """Recuse a member from the application because staff upheld an applicant's claim of a
    conflict of interest, exactly as the member's own declared conflict would: a recorded
    conflict (``source="claim"``) bars them from it (403 on the score sheet, 404 on the
    documents, no assignment, no consensus) and their assignment on it, pending or
    submitted, is ``recused``; a consensus that settled a sheet so removed is withdrawn.
    Audited; the caller commits. Returns whether an assignment was recused."""
    row = db.session.scalar(select(Conflict).where(
        Conflict.application_id == application.id, Conflict.user_id == user_id,
        Conflict.source == "claim"))
    if row is None:
        row = Conflict(application_id=application.id, user_id=user_id, source="claim",
                       status="conflict", reason=reason, at=now, decided_by_id=staff.id)
        db.session.add(row)
        db.session.flush()
    sheet = db.session.scalar(select(Assignment).where(
        Assignment.application_id == application.id, Assignment.reviewer_id == user_id,
        Assignment.status.in_(("pending", "submitted"))))
    was = sheet.status if sheet is not None else None
    if sheet is not None:
        sheet.status = "recused"
    audit.record("conflict.recused_on_claim", row, {
        "application_id": application.id, "user_id": user_id, "reason": reason,
        "assignment_id": sheet.id if sheet is not None else None, "sheet_was": was},
        actor_id=staff.id)
    if was == "submitted":  # the sheets a consensus settled changed
        withdraw_consensus(application, staff.id, "conflict.recused_on_claim")
    return sheet is not None


def override(application: Application, user_id: int, reason: str, staff: User,
             now: datetime) -> None:
    """Staff clear a detected conflict, only with a written reason (logged)."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("A written reason is required to override a detected conflict."))
    if not any(h.user_id == user_id for h in detect([application], [user_id])):
        raise ServiceError(_("No conflict was detected for this member."), 409)
    row = db.session.scalar(select(Conflict).where(
        Conflict.application_id == application.id, Conflict.user_id == user_id,
        Conflict.source == "detected"))
    if row is None:
        row = Conflict(application_id=application.id, user_id=user_id, source="detected",
                       status="overridden", reason=reason)
        db.session.add(row)
    row.status, row.reason, row.decided_by_id, row.at = "overridden", reason, staff.id, now
    audit.record("conflict.overridden", application, {"user_id": user_id, "reason": reason},
                 actor_id=staff.id)
    commit()


# ------------------------------------------------------------------------ assignment

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


def reopen(assignment: Assignment, chair: User, reason: str) -> None:
    """The commission's chair reopens a submitted score sheet, with a reason."""
    call = assignment.application.competition
    if role_of(call, chair.id) != "chair":
        raise ServiceError(_("Only the commission's chair can reopen a score sheet."), 403)
    # a chair a conflict of interest bars from the application (declared, or detected and
    # not overridden) takes no part in it: not even through another member's sheet
    if is_blocked(assignment.application, chair.id):
        raise ServiceError(_("A conflict of interest bars you from this application."), 403)
    if call.status != C.EVALUATION or assignment.status != "submitted":
        raise ServiceError(_("Only a submitted score sheet can be reopened, during "
                             "evaluation."), 409)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Give a reason for reopening."))
    assignment.status, assignment.submitted_at = "pending", None
    audit.record("review.reopened", assignment, {
        "application_id": assignment.application_id, "reviewer_id": assignment.reviewer_id,
        "reason": reason}, actor_id=chair.id)
    # the sheets the consensus settled are no longer all in: it is proposed again once they are
    withdraw_consensus(assignment.application, chair.id, "review.reopened")
    commit()


# ------------------------------------------------------------------------- consensus

def consensus_bounds(application: Application) -> tuple[Decimal, Decimal]:
    """The lowest and the highest submitted total of an application that calls for a
    consensus, which a consensus score must lie between.

    A consensus exists only where the rules call for one: the application is eligible, its
    call sets a divergence limit, every assigned member's sheet (neither declined nor
    recused) is submitted (a draft never counts) and the submitted totals lie further apart
    than the limit. Anywhere else it raises a :class:`ServiceError` (409) saying why.
    """
    from gms.i18n import ngettext, number

    call = application.competition
    if application.status != A.ELIGIBLE:
        raise ServiceError(_("Only an application in evaluation can have a consensus."), 409)
    limit = call.divergence_limit
    if limit is None:
        raise ServiceError(_("This call sets no divergence limit: the members' mean ranks "
                             "its applications, with no consensus."), 409)
    sheets = db.session.execute(select(Assignment.status, Assignment.total).where(
        Assignment.application_id == application.id,
        Assignment.status.in_(("pending", "submitted")))).all()
    pending = sum(1 for status, _total in sheets if status != "submitted")
    if pending:
        raise ServiceError(ngettext(
            "%(num)d score sheet of this application is not submitted yet: the consensus "
            "comes once every assigned member's sheet is in.",
            "%(num)d score sheets of this application are not submitted yet: the consensus "
            "comes once every assigned member's sheet is in.", pending), 409)
    totals = [Decimal(total) for status, total in sheets if total is not None]
    if len(totals) < 2 or max(totals) - min(totals) <= Decimal(limit):
        raise ServiceError(_("The members' totals on this application do not diverge beyond "
                             "the call's limit (%(limit)s): their mean ranks it, with no "
                             "consensus.", limit=number(limit)), 409)
    return min(totals), max(totals)


def consensus_of(application: Application, *, lock: bool = False):
    """The application's consensus report (proposed or confirmed), if any; ``lock`` holds
    its row until the transaction ends (PostgreSQL), so that it is not changed meanwhile."""
    from gms.models import ConsensusReport

    q = select(ConsensusReport).where(ConsensusReport.application_id == application.id)
    return db.session.scalar(q.with_for_update() if lock else q)


def _check_free_of_conflict(application: Application, user_id: int) -> None:
    """Refuse (403) a member a conflict of interest bars from the application, or who has
    not declared themselves free of one on it."""
    if is_blocked(application, user_id):
        raise ServiceError(_("A conflict of interest bars you from this application."), 403)
    mine = declaration(application, user_id)
    if mine is None or mine.status != "none":
        raise ServiceError(_("Declare first that you have no conflict of interest with this "
                             "application."), 403)


def record_consensus(application: Application, rapporteur: User, score, text: str,
                     now: datetime) -> None:
    """The rapporteur (or the chair) proposes the consensus score and text of an application
    whose members' scores diverge, once declared free of a conflict of interest on it
    (:func:`declare_for_consensus`, or their declaration as a member assigned to it).

    Only where the rules call for a consensus (:func:`consensus_bounds`), with a score
    between the lowest and the highest submitted total: a consensus settles the members'
    assessments, it does not replace them with a new one (a sheet scored wrongly is reopened
    by the chair). The proposal counts in the ranking once a second member of the commission
    confirms it (:func:`confirm_consensus`); a new proposal replaces the previous one, which
    then needs confirming again."""
    from decimal import InvalidOperation

    from gms.i18n import number
    from gms.models import ConsensusReport

    from .calls import sheet_for

    call = application.competition
    if role_of(call, rapporteur.id) not in CONSENSUS_ROLES:
        raise ServiceError(_("Only the rapporteur or the chair records a consensus."), 403)
    _check_free_of_conflict(application, rapporteur.id)
    if call.status != C.EVALUATION:
        raise ServiceError(_("Consensus is recorded during evaluation."), 409)
    low, high = consensus_bounds(application)
    try:
        value = Decimal(str(score).replace(",", "."))
    except InvalidOperation:
        value = Decimal(-1)
    if not value.is_finite() or not 0 <= value <= sheet_for(call).max_total:
        raise ServiceError(_("The consensus score must be between 0 and %(max)s.",
                             max=sheet_for(call).max_total))
    if not low <= value <= high:
        raise ServiceError(_("The consensus score must lie between the lowest and the highest "
                             "of the members' totals (%(low)s to %(high)s).",
                             low=number(low), high=number(high)))
    text = (text or "").strip()
    if not text:
        raise ServiceError(_("Write the consensus text."))
    row = consensus_of(application, lock=True)
    replaced = None
    if row is None:
        row = ConsensusReport(application_id=application.id)
        db.session.add(row)
    else:
        replaced = {"score": str(row.score), "status": row.status,
                    "proposed_by": row.rapporteur_id}
    row.rapporteur_id, row.score, row.text, row.at = rapporteur.id, value, text, now
    row.status, row.confirmed_by_id, row.confirmed_at = "proposed", None, None
    payload = {"score": str(value), "text": text, "status": "proposed"}
    if replaced is not None:
        payload["replaced"] = replaced
    audit.record("consensus.recorded", application, payload, actor_id=rapporteur.id)
    commit()


def may_confirm_consensus(application: Application, user_id: int, report) -> bool:
    """Whether the page may offer ``user_id`` to confirm ``report``: a proposal by someone
    else, and the user a scoring member of the commission free of conflict on it (the
    service checks it all again)."""
    if report is None or report.status != "proposed" or report.rapporteur_id == user_id:
        return False
    if role_of(application.competition, user_id) not in SCORING_ROLES:
        return False
    mine = declaration(application, user_id)
    return (mine is not None and mine.status == "none"
            and not is_blocked(application, user_id))


def confirm_consensus(application: Application, member: User, seen_score: Decimal | None,
                      now: datetime) -> None:
    """A second member of the commission confirms the proposed consensus: the chair when the
    rapporteur proposed it, or another scoring member (rapporteur or member) free of a
    conflict of interest on the application and declared so. Only then does its score
    replace the mean in the ranking.

    ``seen_score`` is the score the member saw proposed: a proposal changed since is not
    confirmed. The rules are checked again (the sheets may have changed since the
    proposal)."""
    call = application.competition
    if role_of(call, member.id) not in SCORING_ROLES:
        raise ServiceError(_("Only a member of the call's commission confirms a consensus."),
                           403)
    _check_free_of_conflict(application, member.id)
    if call.status != C.EVALUATION:
        raise ServiceError(_("Consensus is recorded during evaluation."), 409)
    row = consensus_of(application, lock=True)
    if row is None or row.status != "proposed":
        raise ServiceError(_("No proposed consensus waits for confirmation on this "
                             "application."), 409)
    if row.rapporteur_id == member.id:
        raise ServiceError(_("A second member of the commission confirms the consensus, not "
                             "the one who proposed it."), 403)
    if seen_score is None or Decimal(seen_score) != Decimal(row.score):
        raise ServiceError(_("The proposed consensus changed since you read it: read it again "
                             "before confirming."), 409)
    low, high = consensus_bounds(application)
    if not low <= Decimal(row.score) <= high:
        raise ServiceError(_("The members' totals changed since the consensus was proposed: "
                             "it must be proposed again."), 409)
    row.status, row.confirmed_by_id, row.confirmed_at = "confirmed", member.id, now
    audit.record("consensus.confirmed", application, {
        "score": str(row.score), "proposed_by": row.rapporteur_id, "text": row.text},
        actor_id=member.id)
    commit()


def withdraw_consensus(application: Application, actor_id: int | None, why: str) -> None:
    """Remove the application's consensus, proposed or confirmed, when the sheets it settled
    change (a sheet reopened or a new one submitted): audited, the caller commits."""
    row = consensus_of(application)
    if row is None:
        return
    audit.record("consensus.withdrawn", application, {
        "score": str(row.score), "status": row.status, "proposed_by": row.rapporteur_id,
        "confirmed_by": row.confirmed_by_id, "why": why}, actor_id=actor_id)
    db.session.delete(row)


# ------------------------------------------------------------------------- analytics

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
    from sqlalchemy import and_, case, func

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


def send_reminders(now: datetime, within_hours: int = 48) -> int:
    """E-mail members whose pending score sheets are due within ``within_hours`` or overdue;
    one reminder per assignment per day, so running twice sends nothing more."""
    from datetime import timedelta

    from gms.i18n import local_datetime

    from . import notify

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
