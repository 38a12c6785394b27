"""Accounts: registration with an organisation (or a request to join one), passwords
(Argon2), password reset."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, url_for
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from gms.extensions import db
from gms.i18n import _
from gms.models import ROLES, Organisation, Territory, User

from . import audit, memberships, notify, sessions, signed_links, throttle
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
             territory_code: str | None, locale: str | None) -> User | None:
    """Create an applicant whose e-mail address is still to be confirmed (a link is e-mailed
    to it), with a new organisation, or, for a municipality whose organisation exists
    already, with a request to join it that one of its members (or programme staff) must
    approve. An address that has an account already gets a notice instead, and ``None`` is
    returned: the visitor is told the same either way."""
    territory = None
    org = None
    if org_kind == "municipality":
        territory = db.session.get(Territory, territory_code or "")
        if territory is None:
            raise ServiceError(_("Choose your municipality from the list."))
        org = db.session.scalar(select(Organisation).where(
            Organisation.territory_code == territory.soate_code,
            Organisation.kind == "municipality"))
    elif not org_name.strip():
        raise ServiceError(_("Enter the name of your organisation."))
    else:
        territory = db.session.get(Territory, territory_code) if territory_code else None
    password_hash = hash_password(password)  # hashed either way: the same time either way
    existing = find_user(email)
    if existing is not None:
        memberships.notice_existing_account(existing)
        commit()
        return None
    joining = org is not None
    if org is None and org_kind == "municipality":
        org = Organisation(kind="municipality", name=territory.display_name,
                           territory_code=territory.soate_code, oblast=territory.oblast)
        db.session.add(org)
    elif org is None:
        org = Organisation(kind=org_kind, name=org_name.strip(),
                           territory_code=territory.soate_code if territory else None,
                           oblast=territory.oblast if territory else None)
        db.session.add(org)
    user = User(email=email.strip().lower(), name=name.strip(), password_hash=password_hash,
                role="applicant", organisation=None if joining else org, locale=locale,
                email_confirmed=False)
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError:  # the same address registered at the same moment
        db.session.rollback()
        if (existing := find_user(email)) is not None:
            memberships.notice_existing_account(existing)
            commit()
        return None
    audit.record("user.registered", user,
                 {"organisation_id": None if joining else org.id, "role": "applicant"},
                 actor_id=user.id)
    if joining:
        memberships.request_membership(user, org)
    memberships.send_confirmation(user)
    commit()
    return user


def request_password_reset(email: str) -> None:
    """E-mail a reset link if the address is known; say nothing either way."""
    user = find_user(email)
    if user is None or not throttle.reset_allowed(user.email):
        return
    token = signed_links.sign_for_user("password-reset", user)
    link = url_for("auth.reset_password", token=token, _external=True)
    notify.send(
        key=f"reset:{user.id}:{token[-16:]}", recipient=user.email,
        subject=_("Password reset for GMS"),
        body=_("To choose a new password, open this link within an hour:\n%(link)s\n\n"
               "If you did not ask for it, ignore this message.", link=link))
    commit()


def reset_password(token: str, password: str) -> User:
    """Set a new password from a reset link; a link works once and for an hour."""
    user = signed_links.read_user("password-reset", token,
                                  max_age=current_app.config["PASSWORD_RESET_MAX_AGE"],
                                  expired=_("This link has expired. Ask for a new one."),
                                  invalid=_("This link is not valid."))
    user.password_hash = hash_password(password)
    # every log-in made with the old password ends (a stolen cookie included)
    ended = sessions.end_all(user)
    audit.record("user.password_reset", user, {"sessions_ended": ended}, actor_id=user.id)
    commit()
    return user


def set_role(user: User, role: str, *, by: str, organisation_id: int | None = None,
             programme: bool = False) -> None:
    """Change what a person may do (a permission change, audited with who made it: ``by``).
    Applicants need an organisation; the other roles keep theirs only as a link, and staff
    who keep one run only that organisation's own calls: ``programme`` drops it, making
    them the programme's (every call, the outbox and audit log, offered as commission)."""
    if role not in ROLES:
        raise ServiceError(_("Unknown role."))
    if role == "applicant" and (programme or (organisation_id or user.organisation_id) is None):
        raise ServiceError(_("An applicant needs an organisation."))
    old = user.role
    user.role = role
    if programme:
        user.organisation_id = None
    elif organisation_id is not None:
        user.organisation_id = organisation_id
    audit.record("user.role_changed", user, {"from": old, "to": role, "by": by,
                                             "organisation_id": user.organisation_id})
    commit()


def set_active(user: User, active: bool, *, by: str) -> None:
    """Block or unblock log-in (a blocked account's sessions end on the server at once)."""
    user.active = active
    payload: dict = {"by": by}
    if not active:
        payload["sessions_ended"] = sessions.end_all(user)
    audit.record("user.activated" if active else "user.deactivated", user, payload)
    commit()
