"""Staff pages of applications: the list of a call's applications, an application's page,
screening, assignment to commission members and the applicant's conflict-of-interest
claims."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from gms import timeutil
from gms.evaluation import anonymised_copies, assignment, conflict_claims
from gms.evaluation.models import Appeal, Assignment, ConflictClaim
from gms.evaluation.roster import scoring_members
from gms.extensions import db
from gms.forms import (
    AnonymisedCopyForm,
    ApproveDocumentForm,
    AssignForm,
    ClaimDecisionForm,
    ScreeningForm,
)
from gms.i18n import STATUS_NAMES, _, ngettext
from gms.models import Application, Attachment, EligibilityCheck, User
from gms.models import applications as A
from gms.models import calls as C
from gms.services import applications as apps
from gms.services.common import registry
from gms.services.contract import document_names

from .access import (
    flashing_errors,
    get_or_404,
    managed_application,
    managed_call,
    roles_required,
)
from .pagination import paginate
from .staff import bp, flash_form_errors


@bp.route("/calls/<int:call_id>/applications")
@roles_required("staff", "finance")
def applications(call_id: int):
    c = managed_call(call_id)
    status = request.args.get("status") or None
    if status not in STATUS_NAMES:  # no such status (a NUL byte would reach the database)
        status = None
    failed = (select(EligibilityCheck.application_id, func.count().label("n"))
              .where(EligibilityCheck.passed.is_(False))
              .group_by(EligibilityCheck.application_id).subquery())
    reviews = (select(Assignment.application_id, func.count().label("n"),
                      func.count(Assignment.submitted_at).label("done"))
               .group_by(Assignment.application_id).subquery())
    q = (select(Application, func.coalesce(failed.c.n, 0), func.coalesce(reviews.c.n, 0),
                func.coalesce(reviews.c.done, 0))
         .outerjoin(failed, failed.c.application_id == Application.id)
         .outerjoin(reviews, reviews.c.application_id == Application.id)
         .where(Application.competition_id == c.id, Application.status != A.DRAFT)
         .options(db.joinedload(Application.organisation))
         .order_by(Application.submitted_at.asc(), Application.id.asc()))
    if status:
        q = q.where(Application.status == status)
    rows = paginate(q, rows=True)
    return render_template("staff/applications.html", call=c, rows=rows, status=status)


def _assign_form(a: Application) -> AssignForm:
    """The assignment form of ``a``: the call's active scoring members to choose from."""
    form = AssignForm()
    form.reviewers.choices = [
        (u.id, u.name) for u in db.session.scalars(
            select(User).where(User.id.in_(scoring_members(a.competition)),
                               User.active.is_(True))
            .order_by(User.name))]
    return form


@bp.route("/applications/<int:application_id>")
@roles_required("staff", "finance")
def application(application_id: int):
    a = managed_application(application_id)
    if a.status == A.DRAFT:
        abort(404)
    checks = db.session.scalars(select(EligibilityCheck).where(
        EligibilityCheck.application_id == a.id).order_by(EligibilityCheck.rule_code)).all()
    documents = db.session.scalars(select(Attachment).where(
        Attachment.application_id == a.id).order_by(Attachment.id)).all()
    assignments = db.session.scalars(select(Assignment).where(
        Assignment.application_id == a.id).options(db.joinedload(Assignment.reviewer))).all()
    ctype = registry().get(a.competition.type_key)
    screening = ScreeningForm(decision="eligible" if a.status != A.INELIGIBLE else "ineligible")
    appeals = db.session.scalars(select(Appeal).where(Appeal.application_id == a.id)
                                 .order_by(Appeal.id)).all()
    # coded review: each document's anonymised copy or "no identity" mark, and the search
    anonymisation = (anonymised_copies.states(a) if anonymised_copies.required(a.competition)
                     and a.competition.status != C.PUBLISHED else None)
    return render_template("staff/application.html", application=a, checks=checks,
                           appeals=appeals,
                           documents=documents, assignments=assignments, screening=screening,
                           assign_form=_assign_form(a), ctype=ctype,
                           kind_names=document_names(a.competition),
                           anonymisation=anonymisation,
                           copy_form=AnonymisedCopyForm(formdata=None),
                           approve_form=ApproveDocumentForm(formdata=None),
                           claims=conflict_claims.claims_of(a),
                           claim_status=conflict_claims.STATUS_NAMES,
                           claim_form=ClaimDecisionForm(formdata=None))


@bp.route("/conflict-claims/<int:claim_id>/decide", methods=["POST"])
@roles_required("staff")
def decide_conflict_claim(claim_id: int):
    """Staff uphold (the member is recused) or dismiss an applicant's claim, with a reason."""
    claim = get_or_404(ConflictClaim, claim_id)
    a = managed_application(claim.application_id)
    if a.status == A.DRAFT:  # not on the staff pages before submission
        abort(404)
    form = ClaimDecisionForm()
    if not form.validate():
        for errors in form.errors.values():
            for error in errors:
                flash(error, "error")
    else:
        uphold = form.decision.data == "uphold"
        with flashing_errors():
            conflict_claims.decide(claim, uphold=uphold, reason=form.reason.data,
                                   staff=current_user, now=timeutil.utcnow())
            flash(_("The claim was upheld: the member is recused from this application.")
                  if uphold else _("The claim was dismissed."), "success")
    return redirect(url_for("staff.application", application_id=a.id) + "#conflict-claims")


@bp.route("/applications/<int:application_id>/screen", methods=["POST"])
@roles_required("staff")
def screen(application_id: int):
    a = managed_application(application_id)
    form = ScreeningForm()
    if form.validate():
        with flashing_errors():
            apps.screen(a, eligible=form.decision.data == "eligible", reason=form.reason.data,
                        staff=current_user, now=timeutil.utcnow())
            flash(_("Screening decision recorded."), "success")
    else:
        flash_form_errors(form)
    return redirect(url_for("staff.application", application_id=a.id))


@bp.route("/applications/<int:application_id>/assign", methods=["POST"])
@roles_required("staff")
def assign(application_id: int):
    a = managed_application(application_id)
    form = _assign_form(a)
    if not form.validate():
        flash_form_errors(form)
    elif not form.reviewers.data:
        flash(_("Choose at least one commission member."), "error")
    else:
        with flashing_errors():
            created = assignment.assign(a, form.reviewers.data, current_user)
            flash(ngettext("%(num)d member assigned.", "%(num)d members assigned.",
                           len(created)), "success")
    return redirect(url_for("staff.application", application_id=a.id))
