"""Confirming the e-mail address of a new account, and deciding on requests to join an
organisation (its members on their dashboard, programme staff on their own page)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from gms.extensions import db
from gms.forms import MembershipDecisionForm, ResendConfirmationForm
from gms.i18n import _
from gms.models.people import MembershipRequest
from gms.services import memberships
from gms.services.common import commit

from .access import flashing_errors, programme_staff_only, roles_required
from .pagination import paginate

bp = Blueprint("membership", __name__)

#: what an account whose e-mail address is not confirmed yet may open
UNCONFIRMED_MAY_OPEN = frozenset({
    "static", "set_language", "auth.logout", "membership.unconfirmed", "membership.resend",
    "membership.confirm", "membership.check_email"})


@bp.before_app_request
def _confirmed_email_required():
    """An account whose e-mail address is not confirmed sees only the page that asks to
    confirm it (and can have the link sent again)."""
    if (current_user.is_authenticated and not current_user.email_confirmed
            and request.endpoint not in UNCONFIRMED_MAY_OPEN):
        return redirect(url_for("membership.unconfirmed"))
    return None


@bp.app_context_processor
def _membership_helpers() -> dict:
    """For the dashboard's partial: the requests its reader decides on, and their own."""
    return {"membership_requests_to_decide": _to_decide,
            "own_membership_request": _own_request,
            "membership_decision_form": MembershipDecisionForm}


def _to_decide() -> list[MembershipRequest]:
    if not current_user.is_authenticated or current_user.role != "applicant":
        return []
    return memberships.pending_for_organisation(current_user.organisation_id)


def _own_request() -> MembershipRequest | None:
    if not current_user.is_authenticated or current_user.organisation_id is not None:
        return None
    return memberships.latest_request_of(current_user)


@bp.route("/register/check-email")
def check_email():
    """Where every registration ends, whether the address was new or not."""
    return render_template("auth/check_email.html")


@bp.route("/account/confirm")
@login_required
def unconfirmed():
    if current_user.email_confirmed:
        return redirect(url_for("public.home"))
    return render_template("auth/unconfirmed.html", form=ResendConfirmationForm())


@bp.route("/account/confirm/send", methods=["POST"])
@login_required
def resend():
    form = ResendConfirmationForm()
    if form.validate_on_submit() and not current_user.email_confirmed:
        memberships.send_confirmation(current_user._get_current_object())
        commit()
        flash(_("We have sent the link to %(email)s (at most one message every five "
                "minutes).", email=current_user.email), "info")
    return redirect(url_for("membership.unconfirmed"))


@bp.route("/confirm/<token>")
def confirm(token: str):
    with flashing_errors():
        memberships.confirm_email(token)
        flash(_("Your e-mail address is confirmed."), "success")
        if current_user.is_authenticated:
            return redirect(url_for("public.home"))
    return redirect(url_for("auth.login"))


@bp.route("/membership/requests")
@roles_required("staff")
def requests():
    """Programme staff: every request waiting for a decision."""
    programme_staff_only()
    return render_template("auth/membership_requests.html",
                           requests=paginate(memberships.pending_query()),
                           form=MembershipDecisionForm())


@bp.route("/membership/requests/<int:request_id>", methods=["POST"])
@login_required
def decide(request_id: int):
    membership_request = db.session.get(MembershipRequest, request_id)
    user = current_user._get_current_object()
    if membership_request is None or not memberships.may_decide(user, membership_request):
        abort(404)
    form = MembershipDecisionForm()
    if form.validate_on_submit() and (form.approve.data or form.decline.data):
        with flashing_errors():
            memberships.decide(membership_request, bool(form.approve.data), user)
            flash(_("%(name)s is now a member of %(org)s.", name=membership_request.user.name,
                    org=membership_request.organisation.name) if form.approve.data else
                  _("The request of %(name)s was declined.",
                    name=membership_request.user.name), "success")
    if memberships.is_programme_staff(user):
        return redirect(url_for("membership.requests"))
    return redirect(url_for("applicant.dashboard"))
