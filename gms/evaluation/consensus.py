"""The commission's consensus on an application whose members' totals diverge: proposed by
the rapporteur or the chair, confirmed by a second member, withdrawn when the sheets change."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from sqlalchemy import and_, select

from gms.extensions import db
from gms.i18n import _, ngettext, number
from gms.models import Application, Competition, User
from gms.models import applications as A
from gms.models import calls as C
from gms.services import audit
from gms.services.common import ServiceError, commit
from gms.services.contract import sheet_for

from .conflicts import is_blocked
from .declarations import declaration
from .models import SCORING_ROLES, Assignment, ConsensusReport, ReviewTotals
from .ranking import RANKED_STATUSES, comparable, mean_total
from .roster import CONSENSUS_ROLES, role_of


def consensus_bounds(application: Application) -> tuple[Decimal, Decimal]:
    """The lowest and the highest submitted total of an application that calls for a
    consensus, which a consensus score must lie between.

    A consensus exists only where the rules call for one: the application is eligible, its
    call sets a divergence limit, every assigned member's sheet (neither declined nor
    recused) is submitted (a draft never counts) and the submitted totals lie further apart
    than the limit. Anywhere else it raises a :class:`ServiceError` (409) saying why.
    """
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


class ConsensusNeeded(NamedTuple):
    """An application whose members' totals diverge beyond its call's limit, no consensus yet."""

    application_id: int
    number: str
    spread: Decimal


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
                comparable(ReviewTotals.spread) > Competition.divergence_limit)
         .order_by(Application.competition_id, mean_total().desc(),
                   Application.requested_amount, Application.submitted_at, Application.id)
         .limit(limit))
    if exclude is not None:
        q = q.where(~exclude)
    rows = db.session.execute(q).all()
    return [(by_id[cid], ConsensusNeeded(aid, number, spread))
            for cid, aid, number, spread in rows]
