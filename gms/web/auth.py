"""Registration, log-in, log-out and password reset."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_login import current_user, login_user, logout_user

from gms.forms import LoginForm, RegisterForm, ResetForm, ResetRequestForm
from gms.i18n import _
from gms.services import accounts, audit
from gms.services.common import ServiceError, commit
from gms.services.territories import municipality_choices

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("public.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is None:
            flash(_("Wrong e-mail or password."), "error")
        else:
            session.permanent = True  # expires after PERMANENT_SESSION_LIFETIME
            login_user(user)
            audit.record("user.login", user, actor_id=user.id)
            commit()
            return redirect(_safe_next(request.args.get("next")) if request.args.get("next")
                            else url_for("public.home"))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        audit.record("user.logout", current_user._get_current_object())
        commit()
    logout_user()
    return redirect(url_for("public.index"))


@bp.route("/register", methods=["GET", "POST"])
def register():
    form = RegisterForm()
    form.territory_code.choices = [("", _("— choose —"))] + municipality_choices()
    if form.validate_on_submit():
        try:
            user = accounts.register(
                email=form.email.data, name=form.name.data, password=form.password.data,
                org_kind=form.org_kind.data, org_name=form.org_name.data or "",
                territory_code=form.territory_code.data or None, locale=str(get_locale()))
        except ServiceError as exc:
            flash(exc.message, "error")
        else:
            session.permanent = True  # expires after PERMANENT_SESSION_LIFETIME
            login_user(user)
            flash(_("Welcome! Your account is ready."), "success")
            return redirect(url_for("applicant.dashboard"))
    return render_template("auth/register.html", form=form)


@bp.route("/reset", methods=["GET", "POST"])
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        accounts.request_password_reset(form.email.data)
        flash(_("If this address has an account, we have sent it a link."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_request.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    form = ResetForm()
    if form.validate_on_submit():
        try:
            accounts.reset_password(token, form.password.data)
        except ServiceError as exc:
            flash(exc.message, "error")
        else:
            flash(_("Your password was changed. Log in with the new one."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form)
