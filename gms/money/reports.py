"""Grantees' progress and final reports: drafted and sent by the grantee, approved or returned
with comments by staff, with the community monitoring group's findings; reminders before the
due dates (Celery beat task ``gms.report_reminders``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from celery import shared_task
from flask_babel import force_locale, format_date
from sqlalchemy import select

from gms.evaluation.models import Award
from gms.extensions import db
from gms.i18n import _
from gms.models import Application, User
from gms.services import audit, notify
from gms.services.common import ServiceError, commit
from gms.timeutil import to_local, utcnow

from . import files as grant_files
from . import models as M
from .agreements import CENT
from .models import Grant, GrantDocument, GrantReport

#: reminders start this many days before a report's due date
REMIND_DAYS = 7
MAX_LINES = 30
#: the largest total spent a report holds (a money column: 14 digits, 2 after the point)
MAX_TOTAL = Decimal("999999999999.99")
REPORT_FILE_KINDS = ("photo", "procurement", "monitoring", "other")


@dataclass(frozen=True)
class SpendingLine:
    line: str
    budgeted: Decimal | None
    spent: Decimal


def reports_of(grant: Grant) -> list[GrantReport]:
    return list(db.session.scalars(select(GrantReport).where(GrantReport.grant_id == grant.id)
                                   .order_by(GrantReport.kind.desc(), GrantReport.id)))


def documents_of(report: GrantReport) -> list[GrantDocument]:
    return list(db.session.scalars(select(GrantDocument).where(
        GrantDocument.report_id == report.id).order_by(GrantDocument.id)))


def _grantee(report: GrantReport) -> User:
    return report.grant.award.application.created_by


def save(report: GrantReport, *, narrative: str, lines: list[SpendingLine],
         beneficiaries: int | None, monitoring_findings: str,
         files: list[tuple[str, str, bytes]], user: User, submit: bool) -> None:
    """Save the grantee's report (a draft, or sent to staff with ``submit``), with files
    given as ``(kind, filename, bytes)``."""
    if report.grant.status != M.ACTIVE:
        raise ServiceError(_("Reports are sent while the grant is active."), 409)
    if report.status not in (M.DUE, M.RETURNED):
        raise ServiceError(_("This report was sent and cannot be changed now."), 409)
    if len(lines) > MAX_LINES:
        raise ServiceError(_("At most %(n)d budget lines.", n=MAX_LINES))
    for row in lines:
        if not row.line.strip() or row.spent < 0 or (row.budgeted is not None
                                                     and row.budgeted < 0):
            raise ServiceError(_("Each budget line needs a name and amounts of zero or more."))
    if beneficiaries is not None and beneficiaries < 0:
        raise ServiceError(_("The number of beneficiaries cannot be negative."))
    if sum((r.spent.quantize(CENT, ROUND_HALF_UP) for r in lines), Decimal(0)) > MAX_TOTAL:
        raise ServiceError(_("The amounts spent add up to more than %(max)s: check them.",
                             max=MAX_TOTAL))
    narrative = (narrative or "").strip()
    if submit and not narrative:
        raise ServiceError(_("Describe what was done before sending the report."))
    stored: list[GrantDocument] = []
    try:
        for kind, filename, data in files:
            if kind not in REPORT_FILE_KINDS:
                raise ServiceError(_("Choose what kind of document this is."))
            stored.append(grant_files.store(report.grant, kind, filename, data, user,
                                                report_id=report.id))
        report.narrative = narrative[:50000] or None
        report.spending = [{"line": r.line.strip()[:300],
                            "budgeted": str(r.budgeted) if r.budgeted is not None else None,
                            "spent": str(r.spent.quantize(CENT, ROUND_HALF_UP))}
                           for r in lines]
        report.spent_total = sum((r.spent.quantize(CENT, ROUND_HALF_UP) for r in lines),
                                 Decimal(0))
        report.beneficiaries = beneficiaries
        report.monitoring_findings = (monitoring_findings or "").strip()[:20000] or None
        if submit:
            report.status, report.submitted_at, report.submitted_by_id = (
                M.SUBMITTED, utcnow(), user.id)
        db.session.flush()
        audit.record("report.submitted" if submit else "report.saved", report, {
            "grant_id": report.grant_id, "kind": report.kind,
            "spent_total": str(report.spent_total), "files": [d.sha256 for d in stored]},
            actor_id=user.id)
        commit()
    except Exception:
        db.session.rollback()
        grant_files.discard(stored)
        raise


def attach_monitoring(report: GrantReport, *, findings: str, filename: str, data: bytes,
                      staff: User) -> None:
    """Staff attach the community monitoring group's findings (text, a file or both)."""
    findings = (findings or "").strip()
    if not findings and not data:
        raise ServiceError(_("Write the findings or attach their file."))
    stored: list[GrantDocument] = []
    try:
        if data:
            stored.append(grant_files.store(report.grant, "monitoring", filename, data,
                                                staff, report_id=report.id))
        if findings:
            report.monitoring_findings = "\n\n".join(
                x for x in (report.monitoring_findings, findings) if x)[:20000]
        db.session.flush()
        audit.record("report.monitoring", report, {"grant_id": report.grant_id,
                                                   "files": [d.sha256 for d in stored]},
                     actor_id=staff.id)
        commit()
    except Exception:
        db.session.rollback()
        grant_files.discard(stored)
        raise


def decide(report: GrantReport, *, approve: bool, comment: str, staff: User) -> None:
    """Approve a sent report, or return it to the grantee with comments (required)."""
    if report.status != M.SUBMITTED:
        raise ServiceError(_("Only a sent report can be approved or returned."), 409)
    comment = (comment or "").strip()
    if not approve and not comment:
        raise ServiceError(_("Say what the grantee must change."))
    report.status = M.APPROVED if approve else M.RETURNED
    report.comment = comment[:20000] or None
    report.decided_at, report.decided_by_id = utcnow(), staff.id
    audit.record("report.approved" if approve else "report.returned", report, {
        "grant_id": report.grant_id, "comment": report.comment}, actor_id=staff.id)
    grantee = _grantee(report)
    number = report.grant.award.application.number
    with force_locale(grantee.locale or "ru"):
        if approve:
            subject = _("Your report on grant %(number)s was approved", number=number)
            body = _("Staff approved your report on grant %(number)s.", number=number)
        else:
            subject = _("Your report on grant %(number)s needs changes", number=number)
            body = _("Staff returned your report on grant %(number)s with comments: "
                     "%(comment)s", number=number, comment=comment)
        notify.send(key=f"report:{report.id}:{report.status}:{report.decided_at.isoformat()}",
                    recipient=grantee.email, subject=subject, body=body)
    commit()


def send_reminders(now: datetime, days: int = REMIND_DAYS) -> int:
    """E-mail grantees whose reports are due within ``days`` or overdue and not yet approved
    or sent; one reminder per report per day, so running twice sends nothing more."""
    today = to_local(now).date()
    due = db.session.execute(
        select(GrantReport, Application.number, User.email, User.locale)
        .join(Grant, Grant.id == GrantReport.grant_id)
        .join(Award, Award.id == Grant.award_id)
        .join(Application, Application.id == Award.application_id)
        .join(User, User.id == Application.created_by_id)
        .where(Grant.status == M.ACTIVE, GrantReport.status.in_([M.DUE, M.RETURNED]),
               GrantReport.due_on.is_not(None),
               GrantReport.due_on <= today + timedelta(days=days))
        .order_by(GrantReport.id)).all()
    sent = 0
    for report, number, email, locale in due:
        if report.reminded_on == today:
            continue
        with force_locale(locale or "ru"):
            if report.due_on < today:
                subject = _("A report on grant %(number)s is overdue", number=number)
            else:
                subject = _("Reminder: a report on grant %(number)s is due", number=number)
            when = format_date(report.due_on, "long")
            if report.kind == M.FINAL:
                body = _("Please send the final report on grant %(number)s by %(date)s.",
                         number=number, date=when)
            else:
                body = _("Please send the progress report on grant %(number)s by %(date)s.",
                         number=number, date=when)
            notify.send(key=f"report-reminder:{report.id}:{today.isoformat()}",
                        recipient=email, subject=subject, body=body)
        report.reminded_on = today
        sent += 1
    commit()
    return sent


@shared_task(name="gms.report_reminders")
def report_reminders() -> int:
    """Remind grantees of reports due within a week or overdue (once a day per report)."""
    return send_reminders(utcnow())
