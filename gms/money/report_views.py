"""Reports: staff read them, approve or return them and attach the monitoring group's
findings; grantees see their grants and draft and send their reports."""

from __future__ import annotations

from decimal import Decimal

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from gms.evaluation.models import Award
from gms.extensions import db
from gms.i18n import _
from gms.models import Application
from gms.services.common import ServiceError
from gms.web.access import get_or_404, roles_required
from gms.web.pagination import paginate

from . import reports as grant_reports
from .blueprint import bp, flash_form_errors, managed_grant, own_grant
from .forms import DecisionForm, MonitoringForm, ReportForm, pad_rows, upload
from .grant_page import SPARE_ROWS, grant_context
from .models import Grant, GrantReport

#: rows the spending table offers at least
MIN_ROWS = 3


def _saved(action, done: str) -> bool:
    """Run ``action``; flash ``done``, or why it was refused (and forget what it changed)."""
    try:
        action()
    except ServiceError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return False
    flash(done, "success")
    return True


# --------------------------------------------------------------------------------- staff

def _report_page(r: GrantReport, grant: Grant, status: int = 200, **shown):
    context = {"decide_form": DecisionForm(formdata=None),
               "monitoring_form": MonitoringForm(formdata=None), **shown}
    return render_template("finance/report.html", report=r, grant=grant,
                           documents=grant_reports.documents_of(r), **context), status


@bp.route("/reports/<int:report_id>")
@roles_required("staff", "finance")
def report(report_id: int):
    r = get_or_404(GrantReport, report_id)
    return _report_page(r, managed_grant(r.grant_id))


@bp.route("/reports/<int:report_id>/decide", methods=["POST"])
@roles_required("staff")
def decide_report(report_id: int):
    r = get_or_404(GrantReport, report_id)
    grant = managed_grant(r.grant_id)
    form = DecisionForm()
    if not form.validate():
        flash_form_errors(form)
    else:
        approve = form.decision.data == "approve"
        if _saved(lambda: grant_reports.decide(r, approve=approve, comment=form.comment.data,
                                               staff=current_user),
                  _("The report is approved.") if approve else
                  _("The report is returned to the grantee with your comments.")):
            return redirect(url_for("finance.report", report_id=r.id))
    return _report_page(r, grant, 422, decide_form=form)


@bp.route("/reports/<int:report_id>/monitoring", methods=["POST"])
@roles_required("staff")
def monitoring(report_id: int):
    r = get_or_404(GrantReport, report_id)
    grant = managed_grant(r.grant_id)
    form = MonitoringForm()
    if not form.validate():
        flash_form_errors(form)
    else:
        filename, data = upload(form.file)
        if _saved(lambda: grant_reports.attach_monitoring(
                r, findings=form.findings.data, filename=filename, data=data,
                staff=current_user), _("The monitoring group's findings are attached.")):
            return redirect(url_for("finance.report", report_id=r.id))
    return _report_page(r, grant, 422, monitoring_form=form)


# ------------------------------------------------------------------------------ grantee

@bp.route("/my")
@roles_required("applicant")
def my_grants():
    q = (select(Grant).join(Award, Award.id == Grant.award_id)
         .join(Application, Application.id == Award.application_id)
         .where(Application.organisation_id == current_user.organisation_id)
         .options(db.joinedload(Grant.award).joinedload(Award.application))
         .order_by(Grant.opened_at.desc()))
    return render_template("finance/my_grants.html", grants=paginate(q))


@bp.route("/my/grants/<int:grant_id>")
@roles_required("applicant")
def my_grant(grant_id: int):
    grant = own_grant(grant_id)
    return render_template("finance/my_grant.html", grant=grant, award=grant.award,
                           application=grant.award.application, **grant_context(grant))


def _stored(r: GrantReport) -> ReportForm:
    """The report's form with what is stored."""
    return ReportForm(formdata=None, data={
        "narrative": r.narrative or "", "beneficiaries": r.beneficiaries,
        "monitoring_findings": r.monitoring_findings or "",
        "line": [{"name": row.get("line") or "",
                  "budgeted": Decimal(row["budgeted"]) if row.get("budgeted") else None,
                  "spent": Decimal(row["spent"]) if row.get("spent") else None}
                 for row in r.spending or []]})


@bp.route("/my/reports/<int:report_id>", methods=["GET", "POST"])
@roles_required("applicant")
def my_report(report_id: int):
    r = get_or_404(GrantReport, report_id)
    grant = own_grant(r.grant_id)
    status = 200
    posted = request.method == "POST"
    form = ReportForm() if posted else _stored(r)
    if posted:
        submit = form.action.data == "submit"
        if not form.validate():
            flash_form_errors(form)
        elif _saved(lambda: grant_reports.save(
                r, narrative=form.narrative.data, lines=form.lines(),
                beneficiaries=form.beneficiaries.data,
                monitoring_findings=form.monitoring_findings.data,
                files=form.files(grant_reports.REPORT_FILE_KINDS), user=current_user,
                submit=submit),
                _("The report is sent to the programme.") if submit else
                _("The draft is saved.")):
            return redirect(url_for("finance.my_report", report_id=r.id))
        status = 422
    pad_rows(form.line, max(MIN_ROWS, len(r.spending or []) + SPARE_ROWS,
                            len(form.line.entries)))
    return render_template("finance/report_form.html", report=r, grant=grant, form=form,
                           documents=grant_reports.documents_of(r)), status
