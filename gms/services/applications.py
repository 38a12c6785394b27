"""Applications: start, save drafts, check eligibility live, submit, withdraw, screen."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import bindparam, func, insert, select, update

from gms.competition import EligibilityResult, blocking_failures, run_rules
from gms.extensions import db
from gms.i18n import _, local_datetime
from gms.models import Application, Attachment, Competition, EligibilityCheck, User
from gms.models import applications as A
from gms.models import calls as C

from . import audit
from .common import (
    ServiceError,
    application_info,
    commit,
    competition_type,
    hooks,
)
from .contract import requested_amount_for, rules_for

EDITABLE_STATUSES = (A.DRAFT,)
#: the column's limit (14 digits, 2 after the point)
MAX_AMOUNT = Decimal("999999999999.99")


def start_application(call: Competition, user: User, now: datetime) -> Application:
    """Create a draft for the user's organisation."""
    if user.organisation is None:
        raise ServiceError(_("Only members of an applicant organisation can apply."), 403)
    if not call.accepts_submissions(now):
        raise ServiceError(_("This call is not accepting applications."), 409)
    ctype = competition_type(call)
    if user.organisation.kind not in ctype.applicant_kinds:
        raise ServiceError(_("Your organisation cannot apply to this call."), 403)
    application = Application(competition=call, organisation=user.organisation,
                              created_by_id=user.id, answers={}, language=user.locale or "ru",
                              status=A.DRAFT, updated_at=now)
    db.session.add(application)
    audit.record("application.created", application, {"competition_id": call.id},
                 actor_id=user.id)
    commit()
    return application


def _answer_columns(application: Application, answers: dict, now: datetime) -> dict:
    """The application's columns that follow from ``answers``."""
    amount = requested_amount_for(application.competition, answers)
    # a draft keeps whatever was typed, but the column holds only an amount it can hold
    amount = None if amount is None else Decimal(amount)
    if amount is not None and not (amount.is_finite() and 0 <= amount <= MAX_AMOUNT):
        amount = None
    return {"answers": answers, "title": str(answers.get("title") or "")[:300],
            "requested_amount": amount, "updated_at": now}


def _store_answers(application: Application, answers: dict, now: datetime) -> None:
    for name, value in _answer_columns(application, answers, now).items():
        setattr(application, name, value)


def save_draft(application: Application, answers: dict, user: User, now: datetime) -> None:
    """Save whatever was typed; drafts may be incomplete."""
    if application.status not in EDITABLE_STATUSES:
        raise ServiceError(_("A submitted application can no longer be changed."), 409)
    _store_answers(application, answers, now)
    audit.record("application.saved", application, actor_id=user.id)
    commit()


# The statements of the submission, built once: building and caching a statement costs more
# CPU than PostgreSQL spends running it.
_APPLICATIONS, _ATTACHMENTS = Application.__table__, Attachment.__table__
_OTHERS_SUBMITTED = select(func.count()).select_from(_APPLICATIONS).where(
    _APPLICATIONS.c.competition_id == bindparam("call_id"),
    _APPLICATIONS.c.organisation_id == bindparam("organisation_id"),
    _APPLICATIONS.c.id != bindparam("application_id"),
    _APPLICATIONS.c.submitted_at.is_not(None),
    _APPLICATIONS.c.status != A.WITHDRAWN).scalar_subquery()
_FACTS = select(_OTHERS_SUBMITTED, _ATTACHMENTS.c.kind).select_from(
    _APPLICATIONS.outerjoin(_ATTACHMENTS, _ATTACHMENTS.c.application_id == _APPLICATIONS.c.id)
).where(_APPLICATIONS.c.id == bindparam("application_id"))
#: the SET clause is given by the parameters' keys
_SUBMIT_DRAFT = update(_APPLICATIONS).where(
    _APPLICATIONS.c.id == bindparam("application_id"), _APPLICATIONS.c.status == A.DRAFT)
_INSERT_CHECKS = insert(EligibilityCheck.__table__)


def _facts(application: Application) -> tuple[frozenset[str], int]:
    """What the rules read besides the answers, in one query: the kinds of the application's
    documents, and how many other applications its organisation has submitted to the call."""
    rows = db.session.connection().execute(_FACTS, {
        "call_id": application.competition_id, "application_id": application.id,
        "organisation_id": application.organisation_id}).all()
    return frozenset(kind for _n, kind in rows if kind is not None), rows[0][0] if rows else 0


def _info(application: Application, answers: dict | None = None):
    amount = None if answers is None else requested_amount_for(application.competition,
                                                                 answers)
    return application_info(application, answers, *_facts(application),
                            requested_amount=amount)


def check_eligibility(application: Application, answers: dict | None = None
                      ) -> list[EligibilityResult]:
    """Run the call's rules on the application (or on unsaved ``answers``)."""
    return run_rules(rules_for(application.competition), _info(application, answers))


def submit(application: Application, answers: dict, user: User, now: datetime) -> str:
    """Submit once, on the server's clock; return the application's number. Blocking rule
    failures refuse the submission.

    The answers are saved first in every case, so nothing typed is lost. The draft becomes
    submitted by one ``UPDATE ... WHERE status = 'draft'``, so of two submissions of the same
    draft at once (a double click) exactly one succeeds. The status hook gets the
    application as it was checked, without reading it again after the commit.
    """
    call = application.competition
    if application.status != A.DRAFT:
        raise ServiceError(_("This application was already submitted."), 409)
    if not call.accepts_submissions(now):
        _store_answers(application, answers, now)
        commit()
        raise ServiceError(_("The deadline has passed: submissions closed on %(when)s "
                             "(Bishkek time). Your draft is saved.",
                             when=_deadline_text(call)), 409)
    info = _info(application, answers)
    results = run_rules(rules_for(call), info)
    failed = blocking_failures(results)
    if failed:
        _store_answers(application, answers, now)
        commit()
        raise ServiceError(_("The application does not meet the eligibility rules: %(why)s",
                             why="; ".join(r.message for r in failed)))
    number = f"{call.id:03d}-{application.id:05d}"
    # Core statements: the ORM's bookkeeping of these rows costs more than the writes, and
    # the commit expires the application anyway
    conn = db.session.connection()
    changed = conn.execute(_SUBMIT_DRAFT, {
        **_answer_columns(application, answers, now), "status": A.SUBMITTED,
        "submitted_at": now, "number": number, "application_id": application.id}).rowcount
    if changed != 1:
        db.session.rollback()
        raise ServiceError(_("This application was already submitted."), 409)
    if results:
        conn.execute(_INSERT_CHECKS, [
            {"application_id": application.id, "rule_code": r.code, "passed": r.passed,
             "blocking": r.blocking, "message": r.message, "checked_at": now}
            for r in results])
    audit.record("application.submitted", application, {"number": number,
                 "at": now.isoformat()}, actor_id=user.id)
    commit()
    hooks().gms_application_status_changed(application=info, old_status=A.DRAFT,
                                           new_status=A.SUBMITTED)
    return number


def _deadline_text(call: Competition) -> str:
    return local_datetime(call.deadline_at)


def withdraw(application: Application, user: User, now: datetime) -> None:
    """Withdraw a draft or a submitted application before the deadline."""
    if application.status not in (A.DRAFT, A.SUBMITTED):
        raise ServiceError(_("This application can no longer be withdrawn."), 409)
    if not application.competition.accepts_submissions(now):
        raise ServiceError(_("Applications can be withdrawn only before the deadline."), 409)
    old = application.status
    application.status = A.WITHDRAWN
    audit.record("application.withdrawn", application, actor_id=user.id)
    commit()
    _event(application, old, A.WITHDRAWN)


def screen(application: Application, *, eligible: bool, reason: str, staff: User,
           now: datetime) -> None:
    """Record the staff's eligibility decision; a reason is required to reject or override."""
    call = application.competition
    if call.status != C.SCREENING:
        raise ServiceError(_("Screening is possible only while the call is in screening."), 409)
    if application.status not in (A.SUBMITTED, A.ELIGIBLE, A.INELIGIBLE):
        raise ServiceError(_("Only submitted applications are screened."), 409)
    reason = (reason or "").strip()
    automatic = all(c.passed or not c.blocking for c in db.session.scalars(
        select(EligibilityCheck).where(EligibilityCheck.application_id == application.id)))
    if (not eligible or eligible != automatic) and not reason:
        raise ServiceError(_("Give a reason for this decision."))
    old = application.status
    application.status = A.ELIGIBLE if eligible else A.INELIGIBLE
    application.screening_reason = reason or None
    application.screened_by_id = staff.id
    application.screened_at = now
    audit.record("application.screened", application,
                 {"eligible": eligible, "automatic": automatic, "reason": reason},
                 actor_id=staff.id)
    commit()
    _event(application, old, application.status)


def _event(application: Application, old: str, new: str) -> None:
    hooks().gms_application_status_changed(application=application_info(application),
                                           old_status=old, new_status=new)
