"""Registration, log-in (with a second factor where required), log-out, password reset and
the account's security page."""

from __future__ import annotations

import time
from urllib.parse import unquote, urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_login import current_user, login_required, login_user, logout_user

from gms.extensions import db
from gms.forms import (
    CodeForm,
    Form,
    LoginForm,
    RegisterForm,
    ResetForm,
    ResetRequestForm,
    TwoFactorForm,
)
from gms.i18n import _, local_datetime, ngettext
from gms.models import TwoFactorEnrolment, User
from gms.services import accounts, audit, sessions, throttle, two_factor
from gms.services.common import ServiceError, commit
from gms.services.territories import municipality_choices

from .access import flashing_errors

bp = Blueprint("auth", __name__)

#: seconds between a right password and the second factor before one must start again
PENDING_SECONDS = 600


def _unsafe_char(char: str) -> bool:
    """Characters a browser drops from a URL (tab, CR, LF and the other controls) or reads
    as ``/`` (the backslash)."""
    return char == "\\" or ord(char) < 0x20 or 0x7F <= ord(char) <= 0x9F


def _safe_next(target: str | None) -> str:
    """``target`` when it is a path on this site (``/calls/3?tab=2``), else the start page.

    Browsers drop tabs and line breaks from a URL and read ``\\`` as ``/``, so ``/%09/evil``
    and ``/\\evil`` would lead to ``//evil``, another site; such targets, and any with a
    scheme or a host, as sent or percent-decoded once more, go to the start page. Never
    raises (a line break in a ``Location`` header would be a 500)."""
    fallback = url_for("public.index")
    if not isinstance(target, str) or not target.startswith("/") or len(target) > 2000:
        return fallback
    for form in (target, unquote(target)):
        if any(_unsafe_char(c) for c in form) or form.startswith("//"):
            return fallback
        parts = urlsplit(form)
        if parts.scheme or parts.netloc:
            return fallback
    return target


def _refused(refusal: throttle.Refusal) -> str:
    """The message for a refused log-in: in seconds for a short wait, else the time of day
    in Bishkek."""
    seconds = refusal.seconds_left()
    if seconds < 120:
        return ngettext("Too many failed log-ins for this account or from this network. Try "
                        "again in %(num)d second.",
                        "Too many failed log-ins for this account or from this network. Try "
                        "again in %(num)d seconds.", seconds)
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
            return render_template("auth/login.html", form=form), 429, {
                "Retry-After": str(refusal.seconds_left())}
        if user is not None and two_factor.required_for(user):
            session["pending_user"], session["pending_at"] = user.id, time.time()
            target = request.args.get("next")
            session["pending_next"] = _safe_next(target) if target else None
            return redirect(url_for("auth.two_factor_login"))
        if user is not None:
            throttle.login_succeeded(email, address)
            return _finish_login(user)
    return render_template("auth/login.html", form=form), status


def _pending_user() -> User | None:
    """The user who typed the right password in the last ten minutes, if any."""
    if time.time() - session.get("pending_at", 0) > PENDING_SECONDS:
        return None
    return db.session.get(User, session.get("pending_user") or 0)


#: the key of the Flask session that names the enrolment this browser claimed: its id and
#: the random key whose hash the enrolment row holds (the secret itself stays on the server)
ENROLMENT = "two_factor_enrolment"


def _own_enrolment() -> TwoFactorEnrolment | None:
    return two_factor.pending(session.get(ENROLMENT))


@bp.route("/login/two-factor", methods=["GET", "POST"])
def two_factor_login():
    user = _pending_user()
    if user is None or not user.active:
        flash(_("Please log in again."), "info")
        return redirect(url_for("auth.login"))
    if not user.has_two_factor:
        return _link_sent(user)
    form = CodeForm()
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


def _link_sent(user: User):
    """The password is right but no authenticator is set up: the password alone does not
    let anyone set one up. A one-time link goes to the account's e-mail address (once per
    password step; again on request, a few times an hour at most)."""
    form = Form()
    status = 200
    step = [user.id, session.get("pending_at")]  # this password step
    if session.get("two_factor_link_for") != step:
        session["two_factor_link_for"] = step
        with flashing_errors():
            two_factor.issue_link(user)
    elif form.validate_on_submit():
        try:
            two_factor.issue_link(user)
        except ServiceError as exc:
            flash(exc.message, "error")
            status = exc.status
        else:
            flash(_("We sent you a new link."), "success")
            return redirect(url_for("auth.two_factor_login"))
    return render_template("auth/two_factor_link_sent.html", form=form), status


@bp.route("/two-factor/enrol/<token>", methods=["GET", "POST"])
def enrol_link(token: str):
    """The e-mailed (or operator's) link: a button, so that a mail scanner opening the link
    does not use it up; pressing it claims the link for this browser only."""
    form = Form()
    try:
        user = two_factor.check_link(token)
    except ServiceError as exc:
        return render_template("auth/enrol_link.html", form=None, error=exc.message)
    if form.validate_on_submit():
        try:
            enrolment, key = two_factor.claim_link(token)
        except ServiceError as exc:
            return render_template("auth/enrol_link.html", form=None, error=exc.message)
        session[ENROLMENT] = [enrolment.id, key]
        return redirect(url_for("auth.two_factor_setup"))
    return render_template("auth/enrol_link.html", form=form, email=user.email, error=None)


@bp.route("/two-factor/setup", methods=["GET", "POST"])
def two_factor_setup():
    """Set up the authenticator of the enrolment this browser claimed from a link; then
    log in (if this browser also passed the password step) or go to the log-in page."""
    enrolment = _own_enrolment()
    if enrolment is None:
        flash(_("Open the link we e-mailed you to set up two-factor log-in, or log in to get "
                "a new one."), "info")
        return redirect(url_for("auth.login"))
    user = db.session.get(User, enrolment.user_id)

    def finish():
        session.pop(ENROLMENT, None)
        if current_user.is_authenticated and current_user.id == user.id:
            session["second_factor"] = True  # set up from the security page
            return redirect(url_for("auth.security"))
        pending = _pending_user()
        if pending is not None and pending.id == user.id:
            return _finish_login(user, "totp")
        return redirect(url_for("auth.login"))

    return _enrol(enrolment, user, CodeForm(), finish)


def _enrol(enrolment: TwoFactorEnrolment, user: User, form: CodeForm, finish, **page):
    """Set up an authenticator app: QR code and key, then a first code; shows the recovery
    codes once. ``finish()`` gives the response that the "continue" link leads on to."""
    if form.validate_on_submit():
        with flashing_errors():
            codes = two_factor.confirm(enrolment, form.code.data)
            response = finish()
            return render_template("auth/recovery_codes.html", codes=codes,
                                   next=response.location)
    return render_template("auth/two_factor_setup.html", form=form, secret=enrolment.secret,
                           qr=two_factor.qr_svg(user.email, enrolment.secret),
                           required=user.role in two_factor.required_roles(), **page)


def _end_login() -> None:
    """Log out this browser: its server-side session too; keeps only the language."""
    sessions.end_current()
    commit()
    logout_user()
    lang = session.get("lang")
    session.clear()  # nothing of the log-in (second factor, pending steps) outlives it
    if lang:
        session["lang"] = lang


@bp.before_app_request
def _second_factor_required():
    """A log-in from before the role required a second factor (or from before the user set
    one up) does not count: log in again."""
    if (current_user.is_authenticated and two_factor.required_for(current_user)
            and not session.get("second_factor") and request.endpoint not in (
                "static", "auth.login", "auth.logout", "set_language")):
        _end_login()
        flash(_("Please log in again with your second factor."), "info")
        return redirect(url_for("auth.login", next=request.full_path))
    return None


@bp.route("/account/security", methods=["GET", "POST"])
@login_required
def security():
    user = current_user._get_current_object()
    everywhere = Form()
    if not user.has_two_factor:
        form = CodeForm()
        enrolment = _own_enrolment()
        if enrolment is None or enrolment.user_id != user.id:
            enrolment, key = two_factor.start_enrolment(user)
            session[ENROLMENT] = [enrolment.id, key]

        def finish():
            session.pop(ENROLMENT, None)
            session["second_factor"] = True
            return redirect(url_for("auth.security"))
        return _enrol(enrolment, user, form, finish, everywhere=everywhere,
                      sessions_open=sessions.active_count(user))
    form = TwoFactorForm()
    codes = None
    if form.validate_on_submit():
        with flashing_errors():
            if form.action.data == "disable":
                two_factor.turn_off(user, form.code.data)
                flash(_("Two-factor log-in is off."), "success")
                return redirect(url_for("auth.security"))
            codes = two_factor.regenerate_recovery_codes(user, form.code.data)
    if codes:
        return render_template("auth/recovery_codes.html", codes=codes,
                               next=url_for("auth.security"))
    return render_template("auth/security.html", form=form, everywhere=everywhere,
                           sessions_open=sessions.active_count(user),
                           remaining=two_factor.remaining_recovery_codes(user),
                           required=user.role in two_factor.required_roles())


@bp.route("/account/log-out-everywhere", methods=["POST"])
@login_required
def log_out_everywhere():
    """End every log-in of this account, on every device, this one included (audited)."""
    form = Form()
    if not form.validate_on_submit():
        return redirect(url_for("auth.security"))
    sessions.log_out_everywhere(current_user._get_current_object())
    _end_login()
    flash(_("You were logged out on every device."), "success")
    return redirect(url_for("auth.login"))


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        audit.record("user.logout", current_user._get_current_object())
    _end_login()
    return redirect(url_for("public.index"))


@bp.route("/register", methods=["GET", "POST"])
def register():
    form = RegisterForm()
    form.territory_code.choices = [("", _("— choose —"))] + municipality_choices(
        str(get_locale()))
    if form.validate_on_submit():
        refusal = throttle.registration_refused(request.remote_addr)
        if refusal is not None:
            flash(_("Too many accounts were registered from this network. Try again after "
                    "%(time)s.", time=local_datetime(refusal.until)), "error")
            return render_template("auth/register.html", form=form), 429
        try:
            accounts.register(
                email=form.email.data, name=form.name.data, password=form.password.data,
                org_kind=form.org_kind.data, org_name=form.org_name.data or "",
                territory_code=form.territory_code.data or None, locale=str(get_locale()))
        except ServiceError as exc:
            flash(exc.message, "error")
        else:
            # the same answer whether the address was new or had an account already
            return redirect(url_for("membership.check_email"))
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
            throttle.clear(user.email, request.remote_addr)
            flash(_("Your password was changed. Log in with the new one."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form)
