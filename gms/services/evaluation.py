"""Evaluation: assigning commission members, scoring, ranking (in SQL), awards, results."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from itertools import count
from typing import NamedTuple

from sqlalchemy import (
    DateTime,
    Float,
    Numeric,
    and_,
    case,
    cast,
    false,
    func,
    literal,
    null,
    select,
    type_coerce,
)

from gms.competition import FUNDED, AwardDecision, RankedApplication
from gms.extensions import db
from gms.i18n import _, ngettext
from gms.models import (
    Application,
    Assignment,
    Award,
    Competition,
    ConsensusReport,
    ReviewTotals,
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
    Only a member who declared no conflict of interest on the application scores it.
    """
    from .commission import declaration, is_blocked, withdraw_consensus

    if is_blocked(assignment.application, assignment.reviewer_id):
        raise ServiceError(_("A conflict of interest bars you from this application."), 403)
    mine = declaration(assignment.application, assignment.reviewer_id)
    if mine is None or mine.status != "none":
        raise ServiceError(_("Declare first that you have no conflict of interest with this "
                             "application."), 403)
    call = assignment.application.competition
    if call.status != C.EVALUATION:
        raise ServiceError(_("Scoring is closed for this call."), 409)
    if assignment.status == "submitted":
        raise ServiceError(_("This score sheet was submitted and is locked."), 409)
    sheet = sheet_for(call)
    known = {c.key for c in sheet.criteria}
    scores = {k: v for k, v in scores.items() if k in known}  # inputs of no criterion
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
        # a new sheet: the consensus settled the others only, it is proposed again if need be
        withdraw_consensus(assignment.application, assignment.reviewer_id, "review.submitted")
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


class RankingRow(NamedTuple):
    """One ranked application with its aggregates, computed in SQL.

    A named tuple holding the ranking SELECT's row as it comes (a national call ranks
    100,000 applications: building each row is one tuple copy); ``submitted_at`` (aware, in
    UTC) and ``score`` (the consensus, else the mean) are worked out when read."""

    rank: int
    application_id: int
    number: str
    title: str
    organisation_id: int
    organisation: str
    requested_amount: Decimal
    #: the submission instant as stored: naive, in UTC (``submitted_at`` is the aware one)
    submitted_utc: datetime | None
    reviews: int
    assigned: int
    mean: Decimal | None
    spread: Decimal | None
    consensus: Decimal | None
    diverges: bool
    failed_criteria: tuple[str, ...] = ()

    @property
    def submitted_at(self) -> datetime | None:
        at = self.submitted_utc
        return at.replace(tzinfo=UTC) if at is not None else None

    @property
    def score(self) -> Decimal | None:
        """What ranks the application: the consensus score when confirmed where the rules
        call for one (totals diverging beyond the limit, every sheet in), else the mean."""
        return self.mean if self.consensus is None else self.consensus

    @property
    def passed_thresholds(self) -> bool:
        return not self.failed_criteria

    @property
    def needs_consensus(self) -> bool:
        return self.diverges and self.consensus is None


class ConsensusNeeded(NamedTuple):
    """An application whose members' totals diverge beyond its call's limit, no consensus yet."""

    application_id: int
    number: str
    spread: Decimal


#: the ranking SELECT's leading columns: RankingRow's fields but the rank and the failed
#: criteria; the means of the criteria with a threshold follow them
_FIXED = 13


def _exact_decimals() -> bool:
    """PostgreSQL aggregates numerics exactly; SQLite hands back floats, which the columns'
    Numeric(…, 2) type formats to two places on the way out."""
    return db.session.get_bind().dialect.name != "sqlite"


def _two_places(expr):
    """``expr`` rounded half up to 0.01 in SQL, where that is exact (PostgreSQL's numeric);
    SQLite's float is formatted to 0.01 on the way out."""
    return (func.round(expr, 2, type_=Numeric(14, 2)) if _exact_decimals()
            else type_coerce(expr, Numeric(14, 2)))


def _mean():
    """An application's mean submitted total from its review totals: numeric division on
    PostgreSQL (exact to 16 digits or more, like ``avg``), float division on SQLite."""
    total = ReviewTotals.total_sum if _exact_decimals() else cast(ReviewTotals.total_sum, Float)
    return total / func.nullif(ReviewTotals.reviews, 0)


def _comparable(expr):
    """``expr`` as the row will show it (to 0.01), for comparisons made in SQL."""
    return expr if _exact_decimals() else func.round(expr, 2)


def _ranking_select(call: Competition, texts: bool = True):
    """The ranking's SELECT without its ORDER BY, the ORDER BY, the sheet and the
    thresholded criteria (whose means end each row); without ``texts``, NULL for the
    number, title, organisation name and submission time."""
    from gms.models import Organisation

    sheet = sheet_for(call)
    in_call = Application.competition_id == call.id
    tie_key = tie_break_criterion(call, sheet)
    thresholded = [c for c in sheet.criteria if c.threshold is not None]
    averaged = thresholded + [c for c in sheet.criteria if c.key == tie_key]
    per = None
    if averaged:
        per = (select(Assignment.application_id.label("aid"), *[
            func.avg(case((Score.criterion_key == c.key, Score.value))).label(f"c_{i}")
            for i, c in enumerate(averaged)])
            .join(Score, Score.assignment_id == Assignment.id)
            .join(Application, Application.id == Assignment.application_id)
            .where(Assignment.status == "submitted", in_call,
                   Application.status.in_(RANKED_STATUSES))
            .group_by(Assignment.application_id).subquery())
    crit_cols = [per.c[f"c_{i}"] for i in range(len(averaged))] if per is not None else []
    mean = _mean()
    limit = call.divergence_limit
    if limit is None:
        diverges, consensus = false(), cast(null(), Numeric(8, 2))
    else:
        beyond = _comparable(ReviewTotals.spread) > literal(limit, Numeric(8, 2))
        diverges = case((beyond, True), else_=False)
        # a consensus counts only where the rules call for one, as a commission act:
        # confirmed (the join's condition), the totals diverging beyond the limit, every
        # sheet in
        consensus = case((and_(beyond, ReviewTotals.reviews == ReviewTotals.assigned),
                          ConsensusReport.score))
    score = func.coalesce(consensus, mean)
    number, title, organisation, submitted = (
        # naive: RankingRow.submitted_at adds the zone when read, not 100,000 times
        (Application.number, Application.title, Organisation.name,
         type_coerce(Application.submitted_at, DateTime())) if texts else (null(),) * 4)
    q = (select(Application.id.label("application_id"), number.label("number"),
                title.label("title"), Application.organisation_id.label("organisation_id"),
                organisation.label("organisation"),
                func.coalesce(Application.requested_amount, 0).label("requested_amount"),
                submitted.label("submitted_utc"),
                func.coalesce(ReviewTotals.reviews, 0).label("reviews"),
                func.coalesce(ReviewTotals.assigned, 0).label("assigned"),
                _two_places(mean).label("mean"), ReviewTotals.spread.label("spread"),
                type_coerce(consensus, Numeric(8, 2)).label("consensus"),
                diverges.label("diverges"),
                *[c.label(f"crit_{i}") for i, c in enumerate(crit_cols)])
         .outerjoin(ReviewTotals, ReviewTotals.application_id == Application.id)
         .outerjoin(ConsensusReport, and_(ConsensusReport.application_id == Application.id,
                                          ConsensusReport.status == "confirmed"))
         .where(in_call, Application.status.in_(RANKED_STATUSES)))
    if texts:
        q = q.join(Organisation, Organisation.id == Application.organisation_id)
    if per is not None:
        q = q.outerjoin(per, per.c.aid == Application.id)
    # NULLS LAST rather than a leading "IS NULL" key: same order, and the score stays the
    # first sort key, which PostgreSQL compares by abbreviated keys (a third of the time)
    order = [score.desc().nulls_last()]
    if tie_key:
        order += [crit_cols[-1].desc().nulls_last()]
    order += [Application.requested_amount.asc(), Application.submitted_at.asc(),
              Application.id.asc()]
    return q, order, sheet, thresholded


def ranking_query(call: Competition, texts: bool = True):
    """The SELECT that ranks a call: one round-trip, whatever the number of applications."""
    q, order, sheet, thresholded = _ranking_select(call, texts)
    return q.order_by(*order), sheet, thresholded


def _ranking_rows(rows, ranks, sheet, thresholded) -> list[RankingRow]:
    """RankingRows from rows of the ranking SELECT and their ranks: one tuple per row, plus
    the threshold checks when the sheet has thresholds."""
    new = tuple.__new__
    overall = (Decimal(str(sheet.overall_threshold))
               if sheet.overall_threshold is not None else None)
    if not thresholded and overall is None:
        if rows and len(rows[0]) != _FIXED:  # a tie-break criterion's mean ends each row
            rows = [row[:_FIXED] for row in rows]
        return [new(RankingRow, (rank, *row, ())) for rank, row in zip(ranks, rows, strict=False)]
    # a criterion's mean comes as a Decimal (PostgreSQL) or a float (SQLite); both compare
    # exactly with a Decimal
    limits = [(c.key, Decimal(str(c.threshold))) for c in thresholded]
    out = []
    append = out.append
    for rank, row in zip(ranks, rows, strict=False):
        failed = tuple(key for (key, limit), v in zip(limits, row[_FIXED:], strict=False)
                       if v is not None and v < limit)
        if overall is not None:
            score = row[9] if row[11] is None else row[11]
            if score is not None and score < overall:
                failed += ("overall",)
        append(new(RankingRow, (rank, *row[:_FIXED], failed)))
    return out


def ranking(call: Competition, *, offset: int = 0, limit: int | None = None,
            texts: bool = True) -> list[RankingRow]:
    """Rank eligible applications by mean review total (or the consensus score), then the
    call's tie-break chain: the named criterion's mean, lower requested amount, earlier
    submission, lower id (which can never tie). ``offset`` and ``limit`` give one page of it,
    ranks counted from the top. Without ``texts`` the rows' ``number``, ``title``,
    ``organisation`` and ``submitted_utc`` are None: a decision on a whole call reads none of
    them, and at 100,000 applications producing, sending and converting them is a fifth of
    the time."""
    q, sheet, thresholded = ranking_query(call, texts)
    if offset:
        q = q.offset(offset)
    if limit is not None:
        q = q.limit(limit)
    db.session.flush()  # as the session's own execute would; its ORM row handling is not needed
    rows = _plain_rows(db.session.connection().execute(q), q)
    return _ranking_rows(rows, count(offset + 1), sheet, thresholded)


def _plain_rows(result, q) -> list:
    """All rows of ``result``: the driver's own tuples when SQLAlchemy would convert none of
    the values (PostgreSQL, for the ranking's column types), otherwise SQLAlchemy's rows
    (SQLite's floats and date strings need converting). 100,000 Row objects cost a tenth of
    a second that the ranking does not need to spend."""
    dialect = db.session.get_bind().dialect
    cursor = result.cursor
    description = cursor.description or ()
    if len(description) == len(q.selected_columns) and not any(
            column.type.dialect_impl(dialect).result_processor(dialect, d[1])
            for column, d in zip(q.selected_columns, description, strict=True)):
        rows = cursor.fetchall()
        result.close()
        return rows
    return result.all()


def ranking_size(call: Competition) -> int:
    """How many applications the call's ranking holds (to paginate it)."""
    return db.session.scalar(select(func.count()).select_from(Application).where(
        Application.competition_id == call.id,
        Application.status.in_(RANKED_STATUSES))) or 0


def ranking_around(call: Competition, application_id: int
                   ) -> tuple[RankingRow | None, RankingRow, RankingRow | None] | None:
    """The application's ranking row with the rows just above and below it (``None`` at
    either end), or ``None`` when it is not ranked: one query, ranks by window function."""
    q, order, sheet, thresholded = _ranking_select(call)
    ranked = q.add_columns(func.row_number().over(order_by=order).label("rank")).cte("ranked")
    at = select(ranked.c.rank).where(ranked.c.application_id == application_id
                                     ).scalar_subquery()
    db.session.flush()
    result = db.session.connection().execute(
        select(ranked).where(ranked.c.rank.between(at - 1, at + 1)).order_by(ranked.c.rank))
    found = result.all()  # the rank ends each row
    rows = _ranking_rows([row[:-1] for row in found], [row[-1] for row in found], sheet,
                         thresholded)
    index = next((i for i, r in enumerate(rows) if r.application_id == application_id), None)
    if index is None:
        return None
    return (rows[index - 1] if index else None, rows[index],
            rows[index + 1] if index + 1 < len(rows) else None)


def needing_consensus(calls: list[Competition], limit: int, exclude=None
                      ) -> list[tuple[Competition, ConsensusNeeded]]:
    """Up to ``limit`` ranked applications of ``calls`` whose spread exceeds their call's
    divergence limit, every assigned sheet submitted, and that have no confirmed consensus
    yet (none, or one proposed and waiting for a second member), call by call in ranking
    order (one query, whatever the number of calls), but for those the SQL condition
    ``exclude`` on :class:`Application` holds for."""
    if not calls:
        return []
    by_id = {c.id: c for c in calls}
    q = (select(Application.competition_id, Application.id, Application.number,
                ReviewTotals.spread)
         .join(ReviewTotals, ReviewTotals.application_id == Application.id)
         .join(Competition, Competition.id == Application.competition_id)
         .outerjoin(ConsensusReport, and_(ConsensusReport.application_id == Application.id,
                                          ConsensusReport.status == "confirmed"))
         # the calls again on the outer rows: without it PostgreSQL misjudges the anti-join
         # with consensus_reports and loops over every application (9 s at 20,000)
         .where(Application.competition_id.in_(list(by_id)), ConsensusReport.id.is_(None),
                Application.status.in_(RANKED_STATUSES),
                Competition.divergence_limit.is_not(None),
                ReviewTotals.reviews == ReviewTotals.assigned,
                _comparable(ReviewTotals.spread) > Competition.divergence_limit)
         .order_by(Application.competition_id, _mean().desc(),
                   Application.requested_amount, Application.submitted_at, Application.id)
         .limit(limit))
    if exclude is not None:
        q = q.where(~exclude)
    rows = db.session.execute(q).all()
    return [(by_id[cid], ConsensusNeeded(aid, number, spread))
            for cid, aid, number, spread in rows]


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
    from .conflict_claims import check_none_pending
    from .meetings import check_decision_allowed

    check_decision_allowed(call)
    check_none_pending(call)  # an applicant's conflict claim waits: staff decide it first
    rows = ranking(call, texts=False)
    if any(r.needs_consensus for r in rows):
        raise ServiceError(_("Some applications' scores diverge beyond the call's limit: the "
                             "rapporteur or the chair proposes a consensus and a second "
                             "member of the commission confirms it first."), 409)
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


def awards_of(call: Competition, application_ids: list[int] | None = None) -> list[Award]:
    """The call's awards in rank order; only those of ``application_ids`` when given."""
    q = select(Award).where(Award.competition_id == call.id).order_by(Award.rank)
    if application_ids is not None:
        if not application_ids:
            return []
        q = q.where(Award.application_id.in_(application_ids))
    return db.session.scalars(q).all()


def publish_results(call: Competition, now: datetime) -> None:
    """Give each ranked application its outcome, time-stamp publication and add one result
    letter job per applicant, all in the caller's transaction (no commit, nothing sent to the
    broker: :func:`after_publish` does that once the publication is committed)."""
    from .letters import queue_letters

    # the call's row is locked: of two publications at once, the second waits, then refuses
    status = db.session.scalar(select(Competition.status).where(Competition.id == call.id)
                               .with_for_update())
    if status != C.DECIDED:
        raise ServiceError(_("This step is not possible now."), 409)
    for award in awards_of(call):
        award.application.status = award.outcome
    call.published_at = now
    letters = queue_letters(call)
    audit.record("letters.queued", call, {"letters": letters})


def after_publish(call: Competition) -> None:
    """After the publication's commit: hand its result letters to the worker (a broker that
    is down only delays them: the letter jobs are committed and ``gms.resume_letters`` writes
    them), call the awards hook, and anchor the audit log."""
    from .letters import hand_to_worker

    hand_to_worker(call.id)
    outcome = {a.application_id: a for a in awards_of(call)}
    funded = tuple(a for a in outcome.values() if a.outcome == FUNDED)
    hooks().gms_awards_published(
        competition=competition_info(call),
        awards=tuple(AwardDecision(a.application_id, a.outcome, a.amount, a.rank)
                     for a in funded))
    audit.anchor_now()  # a failure is logged; the periodic gms.audit_anchor catches up


def assignments_query(user: User):
    """The member's assignments, with applications and calls loaded, pending first; not
    those the member is recused from (a declared conflict, or an applicant's upheld claim)."""
    return (select(Assignment).where(Assignment.reviewer_id == user.id,
                                     Assignment.status != "recused")
            .join(Application, Application.id == Assignment.application_id)
            .options(db.joinedload(Assignment.application).joinedload(Application.competition))
            .order_by(Assignment.status, Assignment.id.desc()))

