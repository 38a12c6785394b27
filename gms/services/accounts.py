"""Accounts: registration with an organisation, passwords (Argon2), password reset."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, url_for
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select

from gms.extensions import db
from gms.i18n import _
from gms.models import ROLES, Organisation, Territory, User

from . import audit, notify, throttle
from .common import ServiceError, commit

_hasher = PasswordHasher()
# A hash of a random password, verified against when the e-mail is unknown, so that
# a log-in for an unknown address takes as long as one for a known address.
_DUMMY = _hasher.hash("not a password of anyone")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(user: User | None, password: str) -> bool:
    try:
        return _hasher.verify(user.password_hash if user else _DUMMY, password) and bool(user)
    except (VerificationError, InvalidHashError):
        return False


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def authenticate(email: str, password: str) -> User | None:
    """The active user with this e-mail and password, else ``None``."""
    user = find_user(email)
    if check_password(user, password) and user.active:
        return user
    return None


def register(*, email: str, name: str, password: str, org_kind: str, org_name: str,
             territory_code: str | None, locale: str | None) -> User:
    """Create an applicant with a new organisation (or join a municipality already there)."""
    if find_user(email):
        raise ServiceError(_("An account with this e-mail already exists."))
    territory = None
    if org_kind == "municipality":
        territory = db.session.get(Territory, territory_code or "")
        if territory is None:
            raise ServiceError(_("Choose your municipality from the list."))
        org = db.session.scalar(select(Organisation).where(
            Organisation.territory_code == territory.soate_code,
            Organisation.kind == "municipality"))
        if org is None:
            org = Organisation(kind="municipality", name=territory.display_name,
                               territory_code=territory.soate_code, oblast=territory.oblast)
            db.session.add(org)
    else:
        if not org_name.strip():
            raise ServiceError(_("Enter the name of your organisation."))
        territory = db.session.get(Territory, territory_code) if territory_code else None
        org = Organisation(kind=org_kind, name=org_name.strip(),
                           territory_code=territory.soate_code if territory else None,
                           oblast=territory.oblast if territory else None)
        db.session.add(org)
    user = User(email=email.strip().lower(), name=name.strip(),
                password_hash=hash_password(password), role="applicant", organisation=org,
                locale=locale)
    db.session.add(user)
    db.session.flush()
    audit.record("user.registered", user, {"organisation_id": org.id, "role": "applicant"},
                 actor_id=user.id)
    commit()
    return user


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def request_password_reset(email: str) -> None:
    """E-mail a reset link if the address is known; say nothing either way."""
    user = find_user(email)
    if user is None or not throttle.reset_allowed(user.email):
        return
    token = _serializer().dumps({"id": user.id, "h": user.password_hash[-12:]})
    link = url_for("auth.reset_password", token=token, _external=True)
    notify.send(
        key=f"reset:{user.id}:{token[-16:]}", recipient=user.email,
        subject=_("Password reset for GMS"),
        body=_("To choose a new password, open this link within an hour:\n%(link)s\n\n"
               "If you did not ask for it, ignore this message.", link=link))
    commit()


def reset_password(token: str, password: str) -> User:
    """Set a new password from a reset link; a link works once and for an hour."""
    try:
        data = _serializer().loads(token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"])
    except SignatureExpired as exc:
        raise ServiceError(_("This link has expired. Ask for a new one.")) from exc
    except BadSignature as exc:
        raise ServiceError(_("This link is not valid.")) from exc
    user = db.session.get(User, data.get("id"))
    if user is None or user.password_hash[-12:] != data.get("h"):
        raise ServiceError(_("This link is not valid."))
    user.password_hash = hash_password(password)
    audit.record("user.password_reset", user, actor_id=user.id)
    commit()
    return user


def set_role(user: User, role: str, *, by: str, organisation_id: int | None = None) -> None:
    """Change what a person may do (a permission change, audited with who made it: ``by``).
    Applicants need an organisation; the other roles keep theirs only as a link."""
    if role not in ROLES:
        raise ServiceError(_("Unknown role."))
    if role == "applicant" and (organisation_id or user.organisation_id) is None:
        raise ServiceError(_("An applicant needs an organisation."))
    old = user.role
    user.role = role
    if organisation_id is not None:
        user.organisation_id = organisation_id
    audit.record("user.role_changed", user, {"from": old, "to": role, "by": by,
                                             "organisation_id": user.organisation_id})
    commit()


def set_active(user: User, active: bool, *, by: str) -> None:
    """Block or unblock log-in (a blocked account's sessions end at the next request)."""
    user.active = active
    audit.record("user.activated" if active else "user.deactivated", user, {"by": by})
    commit()
