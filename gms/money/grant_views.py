"""An award's money page and the agreement: preparing it, its terms, the grantee's account,
the payment plan, the PDF, the signature, co-financing and the grant's files."""

from __future__ import annotations

from flask import Response, abort, request, send_file
from flask_login import current_user

from gms.extensions import db
from gms.i18n import _
from gms.web.access import get_or_404, roles_required

from . import agreement_pdf as pdf
from . import agreements, files, payees
from .blueprint import bp, grant_visible, managed_award, managed_grant
from .forms import (
    ContributionForm,
    OpenGrantForm,
    PayeeForm,
    PlanForm,
    SignForm,
    TermsForm,
    pad_rows,
    upload,
)
from .grant_page import SPARE_ROWS, act, award_page
from .models import Grant, GrantDocument


@bp.route("/awards/<int:award_id>")
@roles_required("staff", "finance")
def award(award_id: int):
    return award_page(managed_award(award_id))


@bp.route("/awards/<int:award_id>/open", methods=["POST"])
@roles_required("staff")
def open_grant(award_id: int):
    a = managed_award(award_id)
    form = OpenGrantForm()
    return act(a, form, lambda: agreements.open_grant(a, current_user,
                                                      language=form.language.data),
               _("The agreement is prepared with the call's payment plan."), open_form=form)


@bp.route("/grants/<int:grant_id>/terms", methods=["POST"])
@roles_required("staff")
def terms(grant_id: int):
    grant = managed_grant(grant_id)
    form = TermsForm()

    def action():
        agreements.set_terms(
            grant, current_user, language=form.language.data, currency=form.currency.data,
            amount=form.amount.data, starts_on=form.starts_on.data, ends_on=form.ends_on.data,
            recipient_account=form.recipient_account.data)

    return act(grant.award, form, action, _("The agreement's terms are saved."),
               terms_form=form)


@bp.route("/grants/<int:grant_id>/payee", methods=["POST"])
@roles_required("staff")
def payee(grant_id: int):
    """Staff correct the grantee's account and treasury code (audited, at any time)."""
    grant = managed_grant(grant_id)
    form = PayeeForm()
    return act(grant.award, form, lambda: payees.correct(
        grant, account=form.recipient_account.data, treasury_code=form.treasury_code.data,
        actor=current_user),
        lambda changed: _("The account and treasury code are corrected.") if changed else
        _("The account and treasury code are as they were."), payee_form=form)


@bp.route("/grants/<int:grant_id>/plan", methods=["POST"])
@roles_required("staff")
def plan(grant_id: int):
    grant = managed_grant(grant_id)
    form = PlanForm()
    pad_rows(form.tranches, len(form.tranches.entries) + SPARE_ROWS)
    return act(grant.award, form, lambda: agreements.set_plan(grant, form.specs(), current_user),
               _("The payment plan is saved."), plan_form=form)


@bp.route("/grants/<int:grant_id>/agreement.pdf")
def agreement_pdf(grant_id: int):
    grant = get_or_404(Grant, grant_id)
    grant_visible(grant)
    lang = request.args.get("lang") or grant.language
    if lang not in agreements.AGREEMENT_LANGUAGES:
        abort(404)
    return Response(pdf.agreement_pdf(grant, lang), mimetype="application/pdf",
                    headers={"Content-Disposition":
                             f'attachment; filename="{grant.number}-{lang}.pdf"'})


@bp.route("/grants/<int:grant_id>/sign", methods=["POST"])
@roles_required("staff")
def sign(grant_id: int):
    grant = managed_grant(grant_id)
    form = SignForm()

    def action():
        filename, data = upload(form.scan)
        agreements.sign(grant, grantee_signed_on=form.grantee_signed_on.data,
                        programme_signed_on=form.programme_signed_on.data, filename=filename,
                        data=data, actor=current_user)

    return act(grant.award, form, action,
               _("The signature is recorded: the grant is active and can receive money."),
               sign_form=form)


@bp.route("/grants/<int:grant_id>/contributions", methods=["POST"])
@roles_required("staff", "finance")
def contribution(grant_id: int):
    grant = managed_grant(grant_id)
    form = ContributionForm()

    def action():
        agreements.add_contribution(
            grant, stage=form.stage.data, source=form.source.data, amount=form.amount.data,
            note=form.note.data or "", actor=current_user)

    return act(grant.award, form, action, _("The contribution is recorded."),
               contribution_form=form)


@bp.route("/documents/<int:document_id>")
def document(document_id: int):
    doc = get_or_404(GrantDocument, document_id)
    grant_visible(db.session.get(Grant, doc.grant_id))
    path = files.path_of(doc)
    if not path.exists():
        abort(404)
    return send_file(path, mimetype=doc.content_type, as_attachment=True,
                     download_name=doc.filename)
