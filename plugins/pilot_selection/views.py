"""The plugin's pages (blueprint ``pilot_selection``, mounted at ``/p/pilot_selection``) and
the helpers its templates use.

Staff plan and record verification visits; staff and the selected municipality download the
memorandum of cooperation. Views parse the request and call one function of
:mod:`.visits` or :mod:`.memorandum`.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from gms import timeutil
from gms.extensions import login_manager
from gms.formatting import day
from gms.models import Application
from gms.models import applications as A
from gms.services.common import ServiceError, competition_info
from gms.web.access import get_or_404, managed_application, managed_call, roles_required
from gms.web.pagination import paginate_with

from . import memorandum, settings
from . import visits as service
from .choices import (
    ACTIVITY_KINDS,
    CHECK_ANSWERS,
    CHECKLIST,
    CONCLUSIONS,
    GROUP_KINDS,
    HEAD_TITLES,
    PLAN_KINDS,
    PROJECT_STATUSES,
    RATINGS,
    VISIT_STATUSES,
    YES_NO,
)
from .forms import PickForm, VisitForm
from .i18n import _, ngettext

bp = Blueprint("pilot_selection", __name__)


# ------------------------------------------------------------------------------- visits


@bp.route("/calls/<int:call_id>/visits", methods=["GET", "POST"])
@roles_required("staff")
def call_visits(call_id: int):
    """A page of the call's applicants with their visits, and the whole call's counts;
    staff tick those to visit (and return to the same page)."""
    call = managed_call(call_id)
    form = PickForm()
    if request.method == "POST" and form.validate():
        ids = [int(v) for v in form.application.data or ()]
        try:
            created = service.pick(call, ids, form.planned_on.data, current_user)
            flash(ngettext("%(num)d visit planned.", "%(num)d visits planned.", len(created)),
                  "success")
        except ServiceError as exc:
            flash(exc.message, "error")
        return redirect(url_for("pilot_selection.call_visits", call_id=call.id,
                                page=_page_asked()))
    summary = service.call_summary(call)
    rows = paginate_with(summary["applications"],
                         lambda offset, limit: service.call_rows(call, offset, limit))
    return render_template("pilot_selection/visits.html", call=call, form=form, rows=rows,
                           summary=summary, open=call.status in service.VISIT_STAGES,
                           visitable=service.VISITABLE)


@bp.route("/applications/<int:application_id>/visit", methods=["GET", "POST"])
@roles_required("staff")
def visit(application_id: int):
    """Record, or correct, the visit to one applicant."""
    application = _submitted(application_id)
    call = application.competition
    existing = service.visit_for(application.id)
    form = VisitForm() if request.method == "POST" else VisitForm(formdata=None)
    form.verifier_id.choices = [(u.id, u.name) for u in service.verifiers(call)]
    status = 200
    if request.method == "POST":
        if form.validate():
            try:
                service.record(application, verifier_id=form.verifier_id.data,
                               visited_on=form.visited_on.data, checklist=form.checklist(),
                               conclusion=form.conclusion.data, findings=form.findings.data,
                               staff=current_user, now=timeutil.utcnow())
                flash(_("The visit is recorded."), "success")
                return redirect(url_for("pilot_selection.call_visits", call_id=call.id))
            except ServiceError as exc:
                flash(exc.message, "error")
        status = 422
    elif existing is not None and existing.status == "done":
        form.verifier_id.data, form.visited_on.data = existing.verifier_id, existing.visited_on
        form.conclusion.data, form.findings.data = existing.conclusion, existing.findings
        for code, item in (existing.checklist or {}).items():
            if f"check_{code}" in form:
                form[f"check_{code}"].data = item.get("answer", "")
                form[f"notes_{code}"].data = item.get("notes", "")
    else:
        form.verifier_id.data = current_user.id
    return render_template("pilot_selection/visit.html", application=application, call=call,
                           form=form, visit=existing,
                           editable=call.status in service.VISIT_STAGES), status


@bp.route("/applications/<int:application_id>/visit/cancel", methods=["POST"])
@roles_required("staff")
def cancel_visit(application_id: int):
    application = _submitted(application_id)
    existing = service.visit_for(application.id)
    if existing is None:
        abort(404)
    try:
        service.cancel(existing, current_user)
        flash(_("The planned visit is cancelled."), "success")
    except ServiceError as exc:
        flash(exc.message, "error")
    return redirect(url_for("pilot_selection.call_visits", call_id=application.competition_id,
                            page=_page_asked()))


def _page_asked() -> int | None:
    """The page of the visits list a form was posted from (``?page=``), to return to it."""
    page = request.args.get("page", type=int)
    return page if page and page > 1 else None


def _submitted(application_id: int) -> Application:
    """A submitted pilot-selection application of a call the staff member manages."""
    application = managed_application(application_id)
    if application.status == A.DRAFT or application.competition.type_key != "pilot_selection":
        abort(404)
    return application


# --------------------------------------------------------------------------- memorandum


@bp.route("/applications/<int:application_id>/memorandum.pdf")
def memorandum_pdf(application_id: int):
    """The memorandum of a selected municipality: for the staff who manage the call and
    for the municipality's own users; 404 for everyone else."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    application = get_or_404(Application, application_id)
    if (application.competition.type_key != "pilot_selection"
            or not memorandum.available_to(current_user, application)):
        abort(404)
    name = f"memorandum-{application.number or application.id}.pdf"
    return Response(memorandum.for_application(application), mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


# ------------------------------------------------------------------------------ Jinja

CHOICES = {
    "head_title": HEAD_TITLES, "plan_kind": PLAN_KINDS, "rating": RATINGS, "yes_no": YES_NO,
    "activity_kind": ACTIVITY_KINDS, "group_kind": GROUP_KINDS,
    "project_status": PROJECT_STATUSES, "visit_status": VISIT_STATUSES,
    "check": CHECK_ANSWERS, "conclusion": CONCLUSIONS,
}


def visit_of(application: Application):
    return service.visit_for(application.id)


def memorandum_url(application: Application) -> str | None:
    if memorandum.available_to(current_user, application):
        return url_for("pilot_selection.memorandum_pdf", application_id=application.id)
    return None


def call_dates(call) -> dict:
    """The dates a call's settings give, as text: population date, look-back, donor period,
    announcement."""
    info = competition_info(call)
    return {"population_date": day(settings.population_date(info)),
            "months": settings.activities_months(info),
            "donor_period": settings.donor_period_text(info),
            "announcement": day(settings.announcement_date(info))}


#: what the templates use, added to Jinja by ``gms_app_init``:
#: ``{{ row.kind|label(pilot_selection_choices.plan_kind) }}``; the core's filters do the rest
JINJA_GLOBALS = {
    "pilot_selection_choices": CHOICES, "pilot_selection_visit": visit_of,
    "pilot_selection_memorandum_url": memorandum_url, "pilot_selection_checklist": CHECKLIST,
    "pilot_selection_dates": call_dates,
}
