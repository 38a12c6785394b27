"""Evaluation: assigning commission members, scoring, ranking (in SQL), awards, results."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import case, func, select

from gms.competition import FUNDED, AwardDecision, RankedApplication
from gms.extensions import db
from gms.i18n import _, ngettext
from gms.models import (
    Application,
    Assignment,
    Award,
    Competition,
    ConsensusReport,
    Score,
    User,
)
from gms.models import applications as A
from gms.models import calls as C

from . import audit
from .calls import sheet_for
from .common import ServiceError, commit, competition_info, competition_type, hooks

RANKED_STATUSES = (A.ELIGIBLE, A.FUNDED, A.RESERVE, A.NOT_FUNDED)


def assign(application: Application, reviewer_ids: list[int], staff: User) -> list[Assignment]:
    """Assign commission members to an eligible application (existing ones are kept)."""
    if application.competition.status != C.EVALUATION:
        raise ServiceError(_("Members are assigned while the call is in evaluation."), 409)
    if application.status != A.ELIGIBLE:
        raise ServiceError(_("Only eligible applications are evaluated."), 409)
    from .commission import blocked_pairs, scoring_members

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


def scores_of(assignment: Assignment) -> dict[str, Score]:
    return {s.criterion_key: s for s in db.session.scalars(
        select(Score).where(Score.assignment_id == assignment.id))}


def save_review(assignment: Assignment, scores: dict[str, Decimal | None],
                comments: dict[str, str], comment: str, *, submit: bool, now: datetime
                ) -> dict[str, str]:
    """Save a member's scores; with ``submit`` they are validated and locked.

    Returns the validation errors by criterion (empty when saved). N/A is ``None``.
    """
    call = assignment.application.competition
    if call.status != C.EVALUATION:
        raise ServiceError(_("Scoring is closed for this call."), 409)
    if assignment.status == "submitted":
        raise ServiceError(_("This score sheet was submitted and is locked."), 409)
    sheet = sheet_for(call)
    errors = sheet.validate(scores, comments) if submit else {
        k: e for k, v in scores.items()
        if v is not None and (e := sheet.criterion(k).scale.validate(v))}
    if errors:
        return errors
    existing = scores_of(assignment)
    for c in sheet.criteria:
        if c.key not in scores:
            continue
        row = existing.get(c.key) or Score(assignment_id=assignment.id, criterion_key=c.key)
        row.value = scores[c.key]
        row.comment = (comments.get(c.key) or "").strip() or None
        db.session.add(row)
    assignment.comment = comment.strip() or None
    assignment.total = sheet.total(scores)
    if submit:
        assignment.status = "submitted"
        assignment.submitted_at = now
        audit.record("review.submitted", assignment,
                     {"application_id": assignment.application_id,
                      "scores": {k: (str(v) if v is not None else None)
                                 for k, v in scores.items()},
                      "total": str(assignment.total)},
                     actor_id=assignment.reviewer_id)
    else:
        audit.record("review.saved", assignment, actor_id=assignment.reviewer_id)
    commit()
    if submit:
        hooks().gms_review_submitted(application_id=assignment.application_id,
                                     reviewer_id=assignment.reviewer_id, total=assignment.total)
    return {}


@dataclass(frozen=True)
class RankingRow:
    """One ranked application with its aggregates, computed in SQL."""

    rank: int
    application_id: int
    number: str
    title: str
    organisation_id: int
    organisation: str
    requested_amount: Decimal
    submitted_at: datetime
    score: Decimal | None
    reviews: int
    assigned: int
    failed_criteria: tuple[str, ...]
    mean: Decimal | None = None
    spread: Decimal | None = None
    consensus: Decimal | None = None
    diverges: bool = False

    @property
    def passed_thresholds(self) -> bool:
        return not self.failed_criteria

    @property
    def needs_consensus(self) -> bool:
        return self.diverges and self.consensus is None


def ranking_query(call: Competition):
    """The SELECT that ranks a call: one round-trip, whatever the number of applications."""
    from gms.models import Organisation

    sheet = sheet_for(call)
    submitted_total = case((Assignment.status == "submitted", Assignment.total))
    totals = (select(Assignment.application_id.label("aid"),
                     func.avg(submitted_total).label("mean"),
                     (func.max(submitted_total) - func.min(submitted_total)).label("spread"),
                     func.count(case((Assignment.status == "submitted", 1))).label("reviews"),
                     func.count(case((Assignment.status.in_(("pending", "submitted")), 1))
                                ).label("assigned"))
              .group_by(Assignment.application_id).subquery())
    tie_key = tie_break_criterion(call, sheet)
    thresholded = [c for c in sheet.criteria if c.threshold is not None]
    averaged = thresholded + [c for c in sheet.criteria if c.key == tie_key]
    per = None
    if averaged:
        per = (select(Assignment.application_id.label("aid"), *[
            func.avg(case((Score.criterion_key == c.key, Score.value))).label(f"c_{i}")
            for i, c in enumerate(averaged)])
            .join(Score, Score.assignment_id == Assignment.id)
            .where(Assignment.status == "submitted")
            .group_by(Assignment.application_id).subquery())
    crit_cols = [per.c[f"c_{i}"] for i in range(len(averaged))] if per is not None else []
    score = func.coalesce(ConsensusReport.score, totals.c.mean)
    order = [score.is_(None), score.desc()]
    if tie_key:
        order += [crit_cols[-1].is_(None), crit_cols[-1].desc()]
    q = (select(Application.id, Application.number, Application.title,
                Application.organisation_id, Organisation.name, Application.requested_amount,
                Application.submitted_at, score, func.coalesce(totals.c.reviews, 0),
                func.coalesce(totals.c.assigned, 0), totals.c.mean, totals.c.spread,
                ConsensusReport.score, *crit_cols)
         .join(Organisation, Organisation.id == Application.organisation_id)
         .outerjoin(totals, totals.c.aid == Application.id)
         .outerjoin(ConsensusReport, ConsensusReport.application_id == Application.id)
         .where(Application.competition_id == call.id,
                Application.status.in_(RANKED_STATUSES))
         .order_by(*order, Application.requested_amount.asc(), Application.submitted_at.asc(),
                   Application.id.asc()))
    if per is not None:
        q = q.outerjoin(per, per.c.aid == Application.id)
    return q, sheet, thresholded


def ranking(call: Competition) -> list[RankingRow]:
    """Rank eligible applications by mean review total, then the call's tie-break chain:
    lower requested amount, earlier submission, lower id (which can never tie)."""
    q, sheet, thresholded = ranking_query(call)
    out = []
    limit = call.divergence_limit
    for i, row in enumerate(db.session.execute(q), start=1):
        score = _money2(row[7])
        failed = [c.key for c, v in zip(thresholded, row[13:], strict=False)
                  if v is not None and Decimal(v) < Decimal(str(c.threshold))]
        if (sheet.overall_threshold is not None and score is not None
                and score < Decimal(str(sheet.overall_threshold))):
            failed.append("overall")
        spread = _money2(row[11])
        out.append(RankingRow(
            i, row[0], row[1], row[2], row[3], row[4], Decimal(row[5] or 0), row[6], score,
            row[8], row[9], tuple(failed), mean=_money2(row[10]), spread=spread,
            consensus=_money2(row[12]),
            diverges=bool(limit is not None and spread is not None and spread > limit)))
    return out


def _money2(value) -> Decimal | None:
    return (Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            if value is not None else None)


def tie_break_criterion(call: Competition, sheet) -> str | None:
    """The criterion named in the call's settings whose higher mean wins a tie, if any."""
    key = (call.settings or {}).get("tie_break_criterion")
    return key if key in {c.key for c in sheet.criteria} else None


def tie_breaks(call: Competition) -> list[str]:
    """The call's tie-break chain, in order, as codes the ranking page explains."""
    key = tie_break_criterion(call, sheet_for(call))
    return (["score_desc"] + ([f"criterion_desc:{key}"] if key else [])
            + ["requested_amount_asc", "submitted_at_asc", "id_asc"])


def criterion_means(application: Application) -> dict[str, Decimal | None]:
    """Each criterion's mean over the submitted score sheets (N/A left out), in one query."""
    rows = db.session.execute(
        select(Score.criterion_key, func.avg(Score.value))
        .join(Assignment, Assignment.id == Score.assignment_id)
        .where(Assignment.application_id == application.id, Assignment.status == "submitted")
        .group_by(Score.criterion_key)).all()
    return {key: _money2(value) for key, value in rows}


def decide_awards(call: Competition, actor_id: int | None) -> list[Award]:
    """Apply the type's award policy to the ranking and store the decisions (no commit)."""
    from .meetings import check_decision_allowed

    check_decision_allowed(call)
    rows = ranking(call)
    if any(r.needs_consensus for r in rows):
        raise ServiceError(_("Some applications' scores diverge beyond the call's limit: the "
                             "rapporteur must record a consensus first."), 409)
    pending = sum(r.assigned - r.reviews for r in rows)
    if pending:
        raise ServiceError(ngettext("%(num)d score sheet is not submitted yet.",
                                    "%(num)d score sheets are not submitted yet.", pending), 409)
    if any(r.reviews == 0 for r in rows):
        raise ServiceError(_("Every eligible application needs at least one submitted score "
                             "sheet before the decision."), 409)
    policy = competition_type(call).award_policy(competition_info(call))
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


def awards_of(call: Competition) -> list[Award]:
    return db.session.scalars(select(Award).where(Award.competition_id == call.id)
                              .order_by(Award.rank)).all()


def publish_results(call: Competition, now: datetime) -> None:
    """Give each ranked application its outcome and time-stamp publication (no commit)."""
    for award in awards_of(call):
        award.application.status = award.outcome
    call.published_at = now


def after_publish(call: Competition) -> None:
    """Queue the result letters to every applicant, selected or not; then the awards hook."""
    from flask import current_app

    current_app.extensions["celery"].tasks["gms.result_letters"].delay(call.id)
    outcome = {a.application_id: a for a in awards_of(call)}
    funded = tuple(a for a in outcome.values() if a.outcome == FUNDED)
    hooks().gms_awards_published(
        competition=competition_info(call),
        awards=tuple(AwardDecision(a.application_id, a.outcome, a.amount, a.rank)
                     for a in funded))


def assignments_query(user: User):
    """The member's assignments, with applications and calls loaded, pending first."""
    return (select(Assignment).where(Assignment.reviewer_id == user.id)
            .join(Application, Application.id == Assignment.application_id)
            .options(db.joinedload(Assignment.application).joinedload(Application.competition))
            .order_by(Assignment.status, Assignment.id.desc()))

