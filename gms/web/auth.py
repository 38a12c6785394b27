"""Registration, log-in (with a second factor where required), log-out, password reset and
the account's security page."""

from __future__ import annotations

import time

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_login import current_user, login_required, login_user, logout_user

from gms.extensions import db
from gms.forms import CodeForm, LoginForm, RegisterForm, ResetForm, ResetRequestForm
from gms.i18n import _, local_datetime
from gms.models import User
from gms.services import accounts, audit, throttle, two_factor
from gms.services.common import ServiceError, commit
from gms.services.territories import municipality_choices

from .access import flashing_errors

bp = Blueprint("auth", __name__)

#: seconds between a right password and the second factor before one must start again
PENDING_SECONDS = 600


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("public.index")


def _refused(refusal: throttle.Refusal) -> str:
    return _("Too many failed log-ins for this account or from this network. Try again after "
             "%(time)s.", time=local_datetime(refusal.until))


def _finish_login(user: User, second_factor: str | None = None):
    """Log ``user`` in for good and go where they were heading."""
    target = session.pop("pending_next", None) or request.args.get("next")
    for key in ("pending_user", "pending_at"):
        session.pop(key, None)
    session.permanent = True  # expires after PERMANENT_SESSION_LIFETIME
    login_user(user)
    session["second_factor"] = bool(second_factor)
    audit.record("user.login", user, {"second_factor": second_factor} if second_factor else {},
                 actor_id=user.id)
    commit()
    return redirect(_safe_next(target) if target else url_for("public.home"))


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        email, address = form.email.data, request.remote_addr
        refusal = throttle.login_refused(email, address)
        user = None if refusal else accounts.authenticate(email, form.password.data)
        if refusal is None and user is None:
            refusal = throttle.login_failed(email, address)
            if refusal is not None and (known := accounts.find_user(email)) is not None:
                audit.record("user.login_refused", known, {"until": refusal.until.isoformat()},
                             actor_id=known.id)
                commit()
            if refusal is None:
                flash(_("Wrong e-mail or password."), "error")
                status = 401
        if refusal is not None:
            flash(_refused(refusal), "error")
            status = 429
        elif user is not None and two_factor.required_for(user):
            session["pending_user"], session["pending_at"] = user.id, time.time()
            session["pending_next"] = request.args.get("next")
            return redirect(url_for("auth.two_factor_login"))
        elif user is not None:
            return _finish_login(user)
    return render_template("auth/login.html", form=form), status


def _pending_user() -> User | None:
    """The user who typed the right password in the last ten minutes, if any."""
    if time.time() - session.get("pending_at", 0) > PENDING_SECONDS:
        return None
    return db.session.get(User, session.get("pending_user") or 0)


@bp.route("/login/two-factor", methods=["GET", "POST"])
def two_factor_login():
    user = _pending_user()
    if user is None or not user.active:
        flash(_("Please log in again."), "info")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if not user.has_two_factor:
        return _enrol(user, form, lambda: _finish_login(user, "totp"))
    status = 200
    if form.validate_on_submit():
        refusal = throttle.login_refused(user.email, request.remote_addr)
        used = None if refusal else two_factor.verify(user, form.code.data)
        if used is not None:
            if used == "recovery":
                flash(_("You used a recovery code: %(n)d left. Make new ones on your account "
                        "page.", n=two_factor.remaining_recovery_codes(user)), "info")
            return _finish_login(user, used)
        refusal = refusal or throttle.login_failed(user.email, request.remote_addr)
        flash(_refused(refusal) if refusal else _("That code is not right."), "error")
        status = 429 if refusal else 401
    return render_template("auth/two_factor.html", form=form), status


def _enrol(user: User, form: CodeForm, finish):
    """Set up an authenticator app: QR code and key, then a first code; shows the recovery
    codes once. ``finish()`` gives the response that the "continue" link leads on to."""
    if not user.totp_secret:
        two_factor.new_secret(user)
    if form.validate_on_submit():
        with flashing_errors():
            codes = two_factor.confirm(user, form.code.data)
            response = finish()
            return render_template("auth/recovery_codes.html", codes=codes,
                                   next=response.location)
    return render_template("auth/two_factor_setup.html", form=form, secret=user.totp_secret,
                           qr=two_factor.qr_svg(user),
                           required=user.role in two_factor.required_roles())


@bp.before_app_request
def _second_factor_required():
    """A log-in from before the role required a second factor (or from before the user set
    one up) does not count: log in again."""
    if (current_user.is_authenticated and two_factor.required_for(current_user)
            and not session.get("second_factor") and request.endpoint not in (
                "static", "auth.login", "auth.logout", "set_language")):
        logout_user()
        flash(_("Please log in again with your second factor."), "info")
        return redirect(url_for("auth.login", next=request.full_path))
    return None


@bp.route("/account/security", methods=["GET", "POST"])
@login_required
def security():
    user = current_user._get_current_object()
    form = CodeForm()
    if not user.has_two_factor:
        def finish():
            session["second_factor"] = True
            return redirect(url_for("auth.security"))
        return _enrol(user, form, finish)
    codes = None
    if form.validate_on_submit():
        with flashing_errors():
            if request.form.get("action") == "disable":
                two_factor.turn_off(user, form.code.data)
                flash(_("Two-factor log-in is off."), "success")
                return redirect(url_for("auth.security"))
            codes = two_factor.regenerate_recovery_codes(user, form.code.data)
    if codes:
        return render_template("auth/recovery_codes.html", codes=codes,
                               next=url_for("auth.security"))
    return render_template("auth/security.html", form=form,
                           remaining=two_factor.remaining_recovery_codes(user),
                           required=user.role in two_factor.required_roles())


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        audit.record("user.logout", current_user._get_current_object())
        commit()
    logout_user()
    lang = session.get("lang")
    session.clear()  # nothing of the log-in (second factor, pending steps) outlives it
    if lang:
        session["lang"] = lang
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
            user = accounts.reset_password(token, form.password.data)
        except ServiceError as exc:
            flash(exc.message, "error")
        else:
            throttle.clear(user.email)
            flash(_("Your password was changed. Log in with the new one."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form)
