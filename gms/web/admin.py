"""Administration: the programme's own accounts (staff, finance, commission members,
administrators), and the invitation link with which a new one chooses a password."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from gms.forms import ResetForm, StaffAccountForm
from gms.i18n import _
from gms.services import staff_accounts
from gms.services.common import ServiceError

from .access import roles_required
from .pagination import paginate

bp = Blueprint("admin", __name__)


@bp.route("/admin/accounts", methods=["GET", "POST"])
@roles_required("admin")
def accounts():
    form = StaffAccountForm()
    form.role.choices = [(k, str(v)) for k, v in staff_accounts.ROLE_LABELS.items()]
    form.agency.choices = [("", _("— none —"))] + [
        (k, str(v)) for k, v in staff_accounts.AGENCY_LABELS.items()]
    status = 200
    if form.validate_on_submit():
        try:
            user = staff_accounts.create(
                email=form.email.data, name=form.name.data, role=form.role.data,
                agency=form.agency.data or None, by=current_user._get_current_object())
        except ServiceError as exc:
            flash(exc.message, "error")
            status = 422
        else:
            flash(_("Account created for %(email)s; an invitation to choose a password was "
                    "sent.", email=user.email), "success")
            return redirect(url_for("admin.accounts"))
    elif form.is_submitted():
        status = 422
    return render_template("admin/accounts.html", form=form,
                           users=paginate(staff_accounts.programme_accounts()),
                           roles=staff_accounts.ROLE_LABELS,
                           agencies=staff_accounts.AGENCY_LABELS), status


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    try:
        user = staff_accounts.invitation_user(token)
    except ServiceError as exc:
        return render_template("error.html", message=exc.message, code=404), 404
    form = ResetForm()
    if form.validate_on_submit():
        staff_accounts.accept_invitation(token, form.password.data)
        flash(_("Your password is set. Log in with it."), "success")
        return redirect(url_for("auth.login"))
    return render_template("admin/invitation.html", form=form, user=user)
