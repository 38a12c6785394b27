"""Confirming a new account's e-mail address, and requests to join an organisation.

A person who registers for a municipality whose organisation already exists does not become
its member: the account gets a pending :class:`MembershipRequest`, shown to the
organisation's members (and to programme staff) once the account's e-mail address is
confirmed. Until one of them approves it, the account has no organisation and sees none of
its applications, documents or grants.
"""

from __future__ import annotations

from flask import current_app, url_for
from flask_babel import force_locale
from sqlalchemy import or_, select, update
from sqlalchemy.orm import joinedload

from gms.extensions import db
from gms.i18n import _
from gms.models import Organisation, User
from gms.models.people import MembershipRequest
from gms.timeutil import utcnow

from . import audit, notify, signed_links
from .common import ServiceError, commit

PENDING, APPROVED, DECLINED = "pending", "approved", "declined"


# ----------------------------------------------------------------------- e-mail confirmation

#: at most one confirmation message per account in this many seconds (the address is
#: whatever the visitor typed: nobody floods a stranger's mailbox with "send again")
RESEND_EVERY_SECONDS = 300


def send_confirmation(user: User) -> None:
    """Queue the e-mail with the link that confirms ``user``'s address (the caller commits),
    at most one every :data:`RESEND_EVERY_SECONDS`. The link names the account and the
    address: it confirms nothing else."""
    token = signed_links.sign("email-confirm", {"id": user.id, "e": user.email})
    link = url_for("membership.confirm", token=token, _external=True)
    days = current_app.config["EMAIL_CONFIRM_MAX_AGE"] // 86400
    window = int(utcnow().timestamp()) // RESEND_EVERY_SECONDS
    notify.send(
        key=f"confirm:{user.id}:{window}", recipient=user.email,
        subject=_("Confirm your e-mail address for GMS"),
        body=_("To confirm your e-mail address and start using your GMS account, open this "
               "link within %(days)d days:\n%(link)s\n\nIf you did not register, ignore this "
               "message.", days=days, link=link))


def confirm_email(token: str) -> User:
    """Confirm the address named by an e-mailed link; once confirmed, the account's request
    to join an organisation (if any) is shown and announced to those who decide on it.
    Opening the link again changes nothing."""
    data = signed_links.read("email-confirm", token,
                             max_age=current_app.config["EMAIL_CONFIRM_MAX_AGE"],
                             expired=_("This link has expired. Log in and ask for a new one."),
                             invalid=_("This link is not valid."))
    user = db.session.get(User, data.get("id"))
    if user is None or user.email != data.get("e"):
        raise ServiceError(_("This link is not valid."))
    if user.email_confirmed:
        return user
    user.email_confirmed = True
    audit.record("user.email_confirmed", user, actor_id=user.id)
    request = pending_request_of(user)
    if request is not None:
        _announce(request)
    commit()
    return user


def notice_existing_account(user: User) -> None:
    """Someone registered with the address of an existing account: tell its owner (at most
    once an hour) instead of telling the visitor that the address is taken."""
    link = url_for("auth.login", _external=True)
    reset = url_for("auth.reset_request", _external=True)
    with force_locale(user.locale or "ru"):
        notify.send(
            key=f"register-existing:{user.id}:{utcnow():%Y%m%d%H}", recipient=user.email,
            subject=_("Someone tried to register with your e-mail address"),
            body=_("Someone tried to register a new GMS account with your e-mail address. "
                   "You already have an account.\n\nIf it was you, log in: %(login)s\nor "
                   "choose a new password: %(reset)s\n\nIf it was not you, ignore this "
                   "message; nothing was changed.", login=link, reset=reset))


# ------------------------------------------------------------------------ membership requests

def request_membership(user: User, organisation: Organisation) -> MembershipRequest:
    """Record ``user``'s wish to join ``organisation`` (the caller commits)."""
    request = MembershipRequest(user_id=user.id, organisation_id=organisation.id,
                                status=PENDING, created_at=utcnow())
    db.session.add(request)
    db.session.flush()
    audit.record("membership.requested", request,
                 {"user_id": user.id, "organisation_id": organisation.id}, actor_id=user.id)
    return request


def pending_request_of(user: User) -> MembershipRequest | None:
    """The account's request still waiting for a decision, if any."""
    return db.session.scalar(select(MembershipRequest).where(
        MembershipRequest.user_id == user.id, MembershipRequest.status == PENDING)
        .order_by(MembershipRequest.id.desc()).limit(1))


def latest_request_of(user: User) -> MembershipRequest | None:
    """The account's latest request (pending or decided), with its organisation."""
    return db.session.scalar(select(MembershipRequest).options(
        joinedload(MembershipRequest.organisation)).where(MembershipRequest.user_id == user.id)
        .order_by(MembershipRequest.id.desc()).limit(1))


def pending_query():
    """Every request shown to those who decide (the programme staff's page): pending, from
    active accounts whose address is confirmed."""
    return (select(MembershipRequest).join(User, User.id == MembershipRequest.user_id)
            .options(joinedload(MembershipRequest.user),
                     joinedload(MembershipRequest.organisation))
            .where(MembershipRequest.status == PENDING, User.active.is_(True),
                   User.email_confirmed.is_(True))
            .order_by(MembershipRequest.created_at, MembershipRequest.id))


def pending_for_organisation(organisation_id: int | None) -> list[MembershipRequest]:
    """The requests to join this organisation that its members decide on."""
    if organisation_id is None:
        return []
    return list(db.session.scalars(pending_query().where(
        MembershipRequest.organisation_id == organisation_id)))


def is_programme_staff(user: User) -> bool:
    """Staff of the programme (no organisation of their own) and administrators."""
    return user.role == "admin" or (user.role == "staff" and user.organisation_id is None)


def _members(organisation_id: int) -> list[User]:
    return list(db.session.scalars(select(User).where(
        User.organisation_id == organisation_id, User.role == "applicant",
        User.active.is_(True), User.email_confirmed.is_(True)).order_by(User.id)))


def may_decide(user: User, request: MembershipRequest) -> bool:
    """An active member of the organisation (with a confirmed address), or programme staff,
    may decide on a request that is shown; nobody on their own."""
    if not (user.is_authenticated and user.active and user.email_confirmed):
        return False
    if user.id == request.user_id:
        return False
    requester = request.user
    if not (requester.active and requester.email_confirmed):
        return False
    if is_programme_staff(user):
        return True
    return user.role == "applicant" and user.organisation_id == request.organisation_id


def _announce(request: MembershipRequest) -> None:
    """E-mail those who decide on a request that it arrived: the organisation's members, or
    programme staff when it has none left."""
    approvers = _members(request.organisation_id)
    endpoint = "applicant.dashboard"
    if not approvers:
        approvers = list(db.session.scalars(select(User).where(
            User.active.is_(True), or_(User.role == "admin", (User.role == "staff")
                                       & User.organisation_id.is_(None))).order_by(User.id)))
        endpoint = "membership.requests"
    requester, org = request.user, request.organisation
    link = url_for(endpoint, _external=True)
    for approver in approvers:
        with force_locale(approver.locale or "ru"):
            notify.send(
                key=f"membership:{request.id}:asked:{approver.id}", recipient=approver.email,
                subject=_("%(name)s asks to join %(org)s on GMS", name=requester.name,
                          org=org.name),
                body=_("%(name)s (%(email)s) registered on GMS and asks to join %(org)s.\n\n"
                       "If you know this person and they work for %(org)s, approve the "
                       "request; otherwise decline it. Until then they see nothing of the "
                       "organisation's applications or grants:\n%(link)s",
                       name=requester.name, email=requester.email, org=org.name, link=link))


def decide(request: MembershipRequest, approve: bool, by: User) -> None:
    """Approve (the requester becomes a member of the organisation) or decline a pending
    request; audited with who decided, and e-mailed to the requester. A request decided
    meanwhile (by someone else, in another tab) is refused."""
    if not may_decide(by, request):
        raise ServiceError(_("You cannot decide on this request."), 403)
    requester = request.user
    if approve and (requester.role != "applicant" or requester.organisation_id is not None):
        raise ServiceError(_("This account already belongs to an organisation."), 409)
    now = utcnow()
    status = APPROVED if approve else DECLINED
    done = db.session.execute(
        update(MembershipRequest).where(MembershipRequest.id == request.id,
                                        MembershipRequest.status == PENDING)
        .values(status=status, decided_at=now, decided_by_id=by.id)
        .execution_options(synchronize_session=False))
    if done.rowcount != 1:
        db.session.rollback()
        raise ServiceError(_("This request was already decided."), 409)
    db.session.refresh(request)
    if approve:
        requester.organisation_id = request.organisation_id
    audit.record(f"membership.{status}", request,
                 {"user_id": requester.id, "organisation_id": request.organisation_id,
                  "by": by.id}, actor_id=by.id)
    org = request.organisation
    with force_locale(requester.locale or "ru"):
        notify.send(
            key=f"membership:{request.id}:{status}", recipient=requester.email,
            subject=_("Your request to join %(org)s on GMS", org=org.name),
            body=(_("Your request to join %(org)s was approved. You now see its applications "
                    "and grants:\n%(link)s", org=org.name,
                    link=url_for("applicant.dashboard", _external=True)) if approve else
                  _("Your request to join %(org)s was declined. If you think this is a "
                    "mistake, contact a member of %(org)s or the programme staff.",
                    org=org.name)))
    commit()


def vouch(user: User, *, by: str) -> None:
    """An operator's act (the demo, a command): count ``user``'s address as confirmed and
    approve their pending request to join, without e-mailed links; audited with ``by``."""
    now = utcnow()
    if not user.email_confirmed:
        user.email_confirmed = True
        audit.record("user.email_confirmed", user, {"by": by}, actor_id=user.id)
    request = pending_request_of(user)
    if request is not None:
        request.status, request.decided_at = APPROVED, now
        if user.organisation_id is None:
            user.organisation_id = request.organisation_id
        audit.record("membership.approved", request,
                     {"user_id": user.id, "organisation_id": request.organisation_id,
                      "by": by})
    commit()
