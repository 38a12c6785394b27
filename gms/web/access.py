"""Access control: log-in loading, role checks, object-level checks, error pages."""

from __future__ import annotations

from contextlib import contextmanager
from functools import wraps

from flask import (
    Flask,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from gms.evaluation import conflicts, declarations
from gms.evaluation.models import Assignment
from gms.extensions import db, login_manager
from gms.i18n import _l
from gms.models import Application, Competition, Organisation, User
from gms.services import sessions
from gms.services.common import ServiceError

CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; "
       "frame-ancestors 'none'")


def roles_required(*roles: str):
    """Allow only logged-in users with one of ``roles`` (administrators always)."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def get_or_404(model, ident):
    obj = db.session.get(model, ident)
    if obj is None:
        abort(404)
    return obj


# built once: every applicant page loads its application this way
_OWN_APPLICATION = select(Application).options(
    joinedload(Application.competition),
    joinedload(Application.organisation).joinedload(Organisation.territory)).where(
    Application.id == bindparam("application_id"),
    Application.organisation_id == bindparam("organisation_id"))


def own_application(application_id: int) -> Application:
    """An application of the current applicant's organisation, with its call, organisation
    and territory; 404 for anyone else's, so ids cannot be probed."""
    if current_user.organisation_id is None:
        abort(404)
    app = db.session.execute(_OWN_APPLICATION, {
        "application_id": application_id,
        "organisation_id": current_user.organisation_id}).unique().scalar_one_or_none()
    if app is None:
        abort(404)
    return app


def _organiser_scope() -> int | None:
    """The organisation whose calls the current staff member manages; ``None`` for
    programme staff and administrators, who manage every call."""
    if current_user.role == "admin":
        return None
    return current_user.organisation_id


def scope_calls(query):
    """Restrict a SELECT over calls to those the current staff member manages."""
    org = _organiser_scope()
    return query if org is None else query.where(Competition.organiser_id == org)


def managed_call(call_id: int) -> Competition:
    """A call the current staff member manages; 404 otherwise."""
    call = db.session.get(Competition, call_id)
    org = _organiser_scope()
    if call is None or (org is not None and call.organiser_id != org):
        abort(404)
    return call


def managed_application(application_id: int) -> Application:
    """A submitted application of a call the current staff member manages; 404 otherwise."""
    application = db.session.get(Application, application_id)
    if application is None:
        abort(404)
    managed_call(application.competition_id)
    return application


def programme_staff_only() -> None:
    """Pages about the whole installation (outbox, audit log) are not for municipal staff."""
    if _organiser_scope() is not None:
        abort(403)


def can_view_application(user: User, application: Application) -> bool:
    """Staff see all; applicants their organisation's; members what is assigned to them.
    A draft is its organisation's alone (the staff pages do not show drafts either)."""
    if not user.is_authenticated:
        return False
    if application.status == "draft" and user.role != "applicant":
        return False
    if user.role == "admin" or (user.role in ("staff", "finance") and (
            user.organisation_id is None
            or application.competition.organiser_id == user.organisation_id)):
        return True
    if user.role == "applicant":
        return application.organisation_id == user.organisation_id
    if user.role == "commission":
        status = db.session.scalar(select(Assignment.status).where(
            Assignment.application_id == application.id, Assignment.reviewer_id == user.id))
        declared = declarations.declaration(application, user.id)
        return (status in ("pending", "submitted") and declared is not None
                and declared.status == "none" and not conflicts.is_blocked(application, user.id))
    return False


@contextmanager
def flashing_errors():
    """Show a refused action (a :class:`ServiceError`) as an error message on the next page;
    the view goes on to its redirect either way."""
    try:
        yield
    except ServiceError as exc:
        flash(exc.message, "error")


def init_app(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to continue.")
    login_manager.login_message_category = "info"

    # a log-in counts only while its server-side session exists (gms.services.sessions)
    login_manager.user_loader(sessions.load_user)
    sessions.connect_signals()

    @app.route("/lang/<code>")
    def set_language(code: str):
        if code in app.config["LANGUAGES"]:
            session["lang"] = code
        target = request.referrer or url_for("public.index")
        if not target.startswith(request.host_url):
            target = url_for("public.index")
        return redirect(target)

    @app.after_request
    def _security_headers(response):
        """Headers every page carries; the CSP allows only this site's scripts."""
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        return response

    @app.errorhandler(ServiceError)
    def _service_error(exc: ServiceError):
        return render_template("error.html", message=exc.message), exc.status

    @app.errorhandler(CSRFError)
    def _csrf_error(exc):
        return render_template("error.html", message=_l(
            "Your session expired or the form was sent twice. Go back, reload the page and "
            "send it again.")), 400

    for code in (400, 403, 404, 405, 413, 500):
        app.register_error_handler(code, _error_page(code))


def _error_page(code: int):
    messages = {
        400: _l("The request could not be understood."),
        403: _l("You do not have access to this page."),
        404: _l("This page does not exist."),
        405: _l("This action is not allowed here."),
        413: _l("The upload is too large: at most %(mb)d MB per file. Nothing was saved. Go "
                "back and choose a smaller file, e.g. a scan at a lower resolution."),
        500: _l("Something went wrong on our side. Nothing you entered was lost; "
                "please try again."),
    }

    def handler(exc):
        if code == 500:
            db.session.rollback()
        message = messages[code]
        if code == 413:
            message = message % {"mb": current_app.config["UPLOAD_MAX_BYTES"] // 2**20}
        return render_template("error.html", message=message, code=code), code

    return handler
