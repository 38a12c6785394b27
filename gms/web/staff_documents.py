"""Staff pages of the documents of an application under coded review: the anonymised copy
uploaded, approved or downloaded, or the original marked as naming nobody."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, send_file, url_for
from flask_login import current_user

from gms.evaluation import anonymised_copies
from gms.forms import AnonymisedCopyForm, ApproveDocumentForm
from gms.i18n import _
from gms.models import Application, Attachment
from gms.models import applications as A

from .access import flashing_errors, get_or_404, managed_application, roles_required
from .staff import bp


def _managed_document(attachment_id: int) -> tuple[Attachment, Application]:
    """A document of a submitted application of a call the current staff member manages."""
    att = get_or_404(Attachment, attachment_id)
    application = managed_application(att.application_id)
    if application.status == A.DRAFT:
        abort(404)
    return att, application


def _back_to_document(att: Attachment):
    return redirect(url_for("staff.application", application_id=att.application_id)
                    + f"#document-{att.id}")


@bp.route("/documents/<int:attachment_id>/anonymised-copy", methods=["POST"])
@roles_required("staff")
def upload_anonymised_copy(attachment_id: int):
    """Staff upload a copy of a document without the applicant's names (coded review)."""
    att, application = _managed_document(attachment_id)
    form = AnonymisedCopyForm()
    if not form.validate():
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "error")
        return _back_to_document(att)
    with flashing_errors():
        copy = anonymised_copies.upload_copy(
            att, application, form.file.data.filename,
            form.file.data.read(current_app.config["UPLOAD_MAX_BYTES"] + 1), current_user)
        if copy.hits and copy.hits.get("hits"):
            flash(_("The copy was uploaded, but its text still names the applicant: see the "
                    "places found below before approving it."), "error")
        else:
            flash(_("The copy was uploaded. Check it and approve it: members see the "
                    "document only then."), "success")
    return _back_to_document(att)


@bp.route("/documents/<int:attachment_id>/anonymised-copy/approve", methods=["POST"])
@roles_required("staff")
def approve_anonymised_copy(attachment_id: int):
    """Staff let commission members see the anonymised copy uploaded."""
    att, application = _managed_document(attachment_id)
    form = ApproveDocumentForm()
    if form.validate():
        with flashing_errors():
            anonymised_copies.approve(att, application, current_user,
                                      confirmed=bool(form.confirm.data))
            flash(_("Approved: commission members now see the anonymised copy."), "success")
    else:
        flash(_("Your session expired or the form was sent twice. Go back, reload the page "
                "and send it again."), "error")
    return _back_to_document(att)


@bp.route("/documents/<int:attachment_id>/no-identity", methods=["POST"])
@roles_required("staff")
def mark_no_identity(attachment_id: int):
    """Staff mark a document as naming nobody: members see it as uploaded (metadata
    stripped, under a neutral name)."""
    att, application = _managed_document(attachment_id)
    form = ApproveDocumentForm()
    if form.validate():
        with flashing_errors():
            anonymised_copies.mark_no_identity(att, application, current_user,
                                               confirmed=bool(form.confirm.data))
            flash(_("Marked as naming nobody: commission members now see the document."),
                  "success")
    else:
        flash(_("Your session expired or the form was sent twice. Go back, reload the page "
                "and send it again."), "error")
    return _back_to_document(att)


@bp.route("/documents/<int:attachment_id>/anonymised-copy/file")
@roles_required("staff", "finance")
def anonymised_copy(attachment_id: int):
    """The anonymised copy as staff uploaded it, to check it before approving."""
    att, _application = _managed_document(attachment_id)
    copy = anonymised_copies.copy_of(att)
    if copy is None or not copy.stored_name or not anonymised_copies.path_of(copy).is_file():
        abort(404)
    return send_file(anonymised_copies.path_of(copy), mimetype=copy.content_type,
                     as_attachment=True, download_name=copy.filename)


