"""Accounts of the programme's own people: staff, finance officers, commission members and
administrators. An administrator creates them (in the app or with ``gms users create``),
without an organisation, each with the body they come from; the person chooses a password
from an invitation link e-mailed to them."""

from __future__ import annotations

import secrets

from flask import url_for
from sqlalchemy import select

from gms.extensions import db
from gms.i18n import _, _l
from gms.models import AGENCIES, User

from . import audit, notify, signed_links
from .accounts import find_user, hash_password
from .common import ServiceError, commit

#: the roles an administrator gives here (applicants register themselves)
PROGRAMME_ROLES = ("staff", "finance", "commission", "admin")
#: an invitation link lasts a week
INVITATION_MAX_AGE = 7 * 24 * 3600

ROLE_LABELS = {"staff": _l("Programme staff"), "finance": _l("Finance officer"),
               "commission": _l("Commission member"), "admin": _l("Administrator")}
AGENCY_LABELS = {"government_office": _l("Government Office"),
                 "ministry_of_finance": _l("Ministry of Finance"),
                 "state_agency": _l("State agency"), "lsg_union": _l("Union of LSG bodies"),
                 "programme": _l("The Project")}
assert set(AGENCY_LABELS) == set(AGENCIES)


def programme_accounts():
    """Every account without an organisation, newest first (a SELECT to paginate)."""
    return (select(User).where(User.organisation_id.is_(None))
            .order_by(User.created_at.desc(), User.id.desc()))


def create(*, email: str, name: str, role: str, agency: str | None, by: User | None,
           password: str | None = None, locale: str | None = None) -> User:
    """Create a programme account with ``role`` and no organisation (audited). Without a
    ``password`` the person is sent an invitation to choose one; with one (the first
    administrator of a new instance, from the command line) it is set at once."""
    if role not in PROGRAMME_ROLES:
        raise ServiceError(_("Unknown role."))
    if agency is not None and agency not in AGENCIES:
        raise ServiceError(_("Unknown agency."))
    if find_user(email):
        raise ServiceError(_("An account with this e-mail already exists."))
    user = User(email=email.strip().lower(), name=name.strip(), role=role, agency=agency,
                organisation_id=None, locale=locale,
                password_hash=hash_password(password or secrets.token_urlsafe(32)))
    db.session.add(user)
    db.session.flush()
    audit.record("user.created", user, {"role": role, "agency": agency,
                                        "by": by.email if by else "cli"},
                 actor_id=by.id if by else None)
    if password is None:
        _invite(user)
    commit()
    return user


def _invite(user: User) -> None:
    token = signed_links.sign_for_user("invitation", user)
    link = url_for("admin.accept_invitation", token=token, _external=True)
    notify.send(
        key=f"invitation:{user.id}:{token[-16:]}", recipient=user.email,
        subject=_("Your GMS account"),
        body=_("An account was made for you in GMS (%(role)s). To choose your password, open "
               "this link within a week:\n%(link)s", role=ROLE_LABELS[user.role], link=link))


def invitation_user(token: str) -> User:
    """The account an invitation link is for; it works until a password is chosen."""
    user = signed_links.read_user(
        "invitation", token, max_age=INVITATION_MAX_AGE,
        expired=_("This link has expired. Ask your administrator for a new one."),
        invalid=_("This link is not valid."))
    if not user.active:
        raise ServiceError(_("This link is not valid."))
    return user


def accept_invitation(token: str, password: str) -> User:
    """Set the invited person's first password (the link then stops working)."""
    user = invitation_user(token)
    user.password_hash = hash_password(password)
    audit.record("user.invitation_accepted", user, actor_id=user.id)
    commit()
    return user
