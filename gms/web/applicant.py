"""The applicant's pages: dashboard, application form, documents, submission, withdrawal."""

from __future__ import annotations

import io

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select

from gms import timeutil
from gms.evaluation import anonymised_copies, conflict_claims
from gms.evaluation import appeals as appeals_service
from gms.evaluation.models import Appeal
from gms.extensions import db
from gms.forms import (
    AppealForm,
    ApplicationActionForm,
    AttachmentForm,
    ConflictClaimForm,
    refuse_unstorable_input,
)
from gms.i18n import _
from gms.models import Application, Attachment, Competition, EligibilityCheck
from gms.models import applications as A
from gms.models import calls as C
from gms.services import applications as apps
from gms.services import uploads
from gms.services.common import (
    ServiceError,
    competition_info,
    competition_type,
    identity_hidden,
)
from gms.services.contract import document_kinds_for, document_names

from .access import (
    can_view_application,
    flashing_errors,
    get_or_404,
    own_application,
    roles_required,
)
from .pagination import paginate

bp = Blueprint("applicant", __name__)
bp.before_request(refuse_unstorable_input("applicant.edit"))


@bp.route("/my")
@roles_required("applicant")
def dashboard():
    q = (select(Application).where(Application.organisation_id == current_user.organisation_id)
         .options(db.joinedload(Application.competition))
         .order_by(Application.updated_at.desc()))
    mine = paginate(q)
    now = timeutil.utcnow()
    open_calls = db.session.scalars(
        select(Competition).where(Competition.status == C.OPEN, Competition.opens_at <= now,
                                  Competition.deadline_at > now)
        .order_by(Competition.deadline_at).limit(current_app.config["PER_PAGE"])).all()
    return render_template("applicant/dashboard.html", applications=mine, open_calls=open_calls)


@bp.route("/calls/<int:call_id>/apply", methods=["POST"])
@roles_required("applicant")
def start(call_id: int):
    call = get_or_404(Competition, call_id)
    try:
        application = apps.start_application(call, current_user, timeutil.utcnow())
    except ServiceError as exc:
        flash(exc.message, "error")
        return redirect(url_for("public.call", call_id=call_id))
    return redirect(url_for("applicant.edit", application_id=application.id))


def _form_class(application: Application):
    return competition_type(application.competition).application_form(
        competition_info(application.competition))


@bp.route("/applications/<int:application_id>", methods=["GET", "POST"])
@roles_required("applicant")
def edit(application_id: int):
    application = own_application(application_id)
    if application.status != A.DRAFT:
        return redirect(url_for("applicant.view", application_id=application.id))
    form_cls = _form_class(application)
    now = timeutil.utcnow()
    if request.method == "POST":
        form = form_cls()
        submitting = ApplicationActionForm().submitting()
        answers = form.answers()
        storable = form.storable()
        try:
            if not storable:
                flash(_("Some answers contain a character that cannot be stored; nothing was "
                        "saved."), "error")
            elif submitting:
                if not form.validate():
                    apps.save_draft(application, answers, current_user, now)
                    flash(_("Some answers need attention; your draft is saved."), "error")
                else:
                    number = apps.submit(application, answers, current_user, now)
                    flash(_("Your application was submitted. Its number is %(n)s.", n=number),
                          "success")
                    return redirect(url_for("applicant.view", application_id=application_id))
            else:
                apps.save_draft(application, answers, current_user, now)
                flash(_("Draft saved."), "success")
                return redirect(url_for("applicant.edit", application_id=application.id))
        except ServiceError as exc:
            flash(exc.message, "error")
            if application.status != A.DRAFT:  # submitted meanwhile, from another tab
                return redirect(url_for("applicant.view", application_id=application_id))
        status = 422 if submitting or not storable else 200
    else:
        form = form_cls.from_answers(application.answers)
        status = 200
    return render_template(
        "applicant/edit.html", application=application, form=form,
        results=apps.check_eligibility(application, form.answers()),
        documents=_documents(application), kinds=_kinds(application),
        kind_names=_kind_names(application), now=now), status


@bp.route("/applications/<int:application_id>/view")
@roles_required("applicant")
def view(application_id: int):
    return _view_page(own_application(application_id))


def _claim_form(application: Application, submitted: bool = False) -> ConflictClaimForm:
    """The form naming a conflicted member, offering the call's commission (names and the
    bodies they come from: the commission is public to applicants for this purpose); with
    what was posted when ``submitted``."""
    form = ConflictClaimForm() if submitted else ConflictClaimForm(formdata=None)
    members = conflict_claims.claimable_members(application.competition)
    form.member.choices = [("", _("Choose a member…"))] * bool(members) + [
        (u.id, conflict_claims.member_label(u)) for u in members]
    return form


def _view_page(application: Application, claim_form: ConflictClaimForm | None = None,
               status: int = 200):
    now = timeutil.utcnow()
    may_claim = conflict_claims.may_file(application, now)
    checks = db.session.scalars(select(EligibilityCheck).where(
        EligibilityCheck.application_id == application.id)
        .order_by(EligibilityCheck.rule_code)).all()
    appeals = db.session.scalars(select(Appeal).where(
        Appeal.application_id == application.id).order_by(Appeal.id)).all()
    deadline = appeals_service.appeal_deadline(application.competition)
    return render_template("applicant/view.html", application=application, checks=checks,
                           appeals=appeals, appeal_deadline=deadline,
                           documents=_documents(application), now=now,
                           kind_names=_kind_names(application),
                           ctype=competition_type(application.competition),
                           claims=conflict_claims.claims_of(application), may_claim=may_claim,
                           claim_form=claim_form or (_claim_form(application)
                                                     if may_claim else None),
                           claim_status=conflict_claims.STATUS_NAMES), status


def _documents(application: Application) -> list[Attachment]:
    return db.session.scalars(select(Attachment).where(
        Attachment.application_id == application.id).order_by(Attachment.id)).all()


def _kinds(application: Application):
    return document_kinds_for(application.competition)


def _kind_names(application: Application) -> dict:
    return document_names(application.competition)


def _flash_errors(form) -> None:
    """Each of ``form``'s error messages as a flashed error (its page is another)."""
    for errors in form.errors.values():
        for message in errors:
            flash(message, "error")


@bp.route("/applications/<int:application_id>/documents", methods=["POST"])
@roles_required("applicant")
def upload(application_id: int):
    application = own_application(application_id)
    form = AttachmentForm()
    if not form.validate():
        _flash_errors(form)
    else:
        file = form.file.data
        with flashing_errors():
            uploads.save_attachment(application, form.kind.data, file.filename,
                                    file.read(current_app.config["UPLOAD_MAX_BYTES"] + 1),
                                    current_user)
            flash(_("Document added."), "success")
    return redirect(url_for("applicant.edit", application_id=application.id) + "#documents")


@bp.route("/applications/<int:application_id>/documents/<int:attachment_id>/delete",
          methods=["POST"])
@roles_required("applicant")
def remove_document(application_id: int, attachment_id: int):
    application = own_application(application_id)
    att = get_or_404(Attachment, attachment_id)
    if att.application_id != application.id:
        abort(404)
    with flashing_errors():
        uploads.remove_attachment(att, application, current_user)
        flash(_("Document removed."), "success")
    return redirect(url_for("applicant.edit", application_id=application.id) + "#documents")


@bp.route("/applications/<int:application_id>/withdraw", methods=["POST"])
@roles_required("applicant")
def withdraw(application_id: int):
    application = own_application(application_id)
    with flashing_errors():
        apps.withdraw(application, current_user, timeutil.utcnow())
        flash(_("The application was withdrawn."), "success")
    return redirect(url_for("applicant.view", application_id=application.id))


@bp.route("/documents/<int:attachment_id>")
def download(attachment_id: int):
    att = get_or_404(Attachment, attachment_id)
    application = db.session.get(Application, att.application_id)
    if not can_view_application(current_user, application):
        abort(404)
    if not uploads.path_of(att).is_file():  # lost from the disk: not a server error
        abort(404)
    if current_user.role == "commission" and identity_hidden(application.competition):
        # only what staff approved: the anonymised copy, or the original marked as naming
        # nobody (issue 16), under a neutral name and without the metadata naming the author
        # (issue 15); never the original before publication
        approved = anonymised_copies.member_download(att, application)
        if approved is None:
            abort(404)
        data, name, content_type = approved
        return send_file(io.BytesIO(data), mimetype=content_type, as_attachment=True,
                         download_name=name)
    return send_file(uploads.path_of(att), mimetype=att.content_type, as_attachment=True,
                     download_name=att.filename)


@bp.route("/applications/<int:application_id>/conflict-claims", methods=["POST"])
@roles_required("applicant")
def claim_conflict(application_id: int):
    """The applicant names a commission member it considers conflicted, with a reason,
    before the deadline; after it, refused with a message and nothing recorded."""
    application = own_application(application_id)
    back = url_for("applicant.view", application_id=application.id) + "#conflict-claims"
    now = timeutil.utcnow()
    try:
        conflict_claims.ensure_open(application, now)
    except ServiceError as exc:
        flash(exc.message, "error")
        return redirect(back)
    form = _claim_form(application, submitted=True)
    if not form.validate():
        flash(_("Your claim was not recorded: see what to correct below."), "error")
        return _view_page(application, form, 422)
    try:
        conflict_claims.file_claim(application, form.member.data, form.reason.data,
                                   current_user, now)
    except ServiceError as exc:
        flash(exc.message, "error")
        return _view_page(application, form, exc.status)
    flash(_("Your claim was recorded. The programme's staff decide it; you will see their "
            "decision here."), "success")
    return redirect(back)


@bp.route("/applications/<int:application_id>/appeal", methods=["POST"])
@roles_required("applicant")
def appeal(application_id: int):
    application = own_application(application_id)
    form = AppealForm()
    if not form.validate():
        _flash_errors(form)
    else:
        with flashing_errors():
            appeals_service.file_appeal(application, current_user, form.grounds.data,
                                        timeutil.utcnow())
            flash(_("Your appeal was filed. You will receive the decision by e-mail."),
                  "success")
    return redirect(url_for("applicant.view", application_id=application.id) + "#appeal")
