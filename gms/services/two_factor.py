"""Two-factor log-in: TOTP codes (RFC 6238, any authenticator app) and one-time recovery
codes. Required for the roles in ``TWO_FACTOR_ROLES``; optional for everyone else.

Setting up an authenticator is never possible with the password alone. At the first log-in
of a role that requires it, the password step e-mails a one-time link to the account's
address (or an operator issues one: ``gms users two-factor-link``); the browser that opens
it *claims* it and only that browser sees the new secret. From the account's security page,
a person who is fully logged in sets it up in the same way without a link. A pending secret
lives in a :class:`~gms.models.TwoFactorEnrolment` row bound to one browser session, never
on the user row; confirming a first code moves it to the user and discards every other
enrolment of the user. A code is accepted once: the last time step used is stored per user
and moved forward atomically, so two sessions cannot both use one code.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from datetime import timedelta

import pyotp
import segno
from flask import current_app, url_for
from markupsafe import Markup
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm.attributes import set_committed_value

from gms.extensions import db
from gms.i18n import _, ngettext
from gms.models import RecoveryCode, TwoFactorEnrolment, User
from gms.timeutil import utcnow

from . import audit, notify, sessions, signed_links
from .common import ServiceError, commit

STEP = 30  # seconds per code
RECOVERY_CODES = 10
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i
#: how long a browser that claimed an enrolment has to scan the code and confirm it
SETUP_SECONDS = 30 * 60
#: the longest an operator's link may last (the signature's own limit)
LINK_MAX_AGE_CAP = 7 * 24 * 3600
_SALT = "two-factor-enrolment"


def required_roles() -> list[str]:
    """The roles that must log in with a second factor (``TWO_FACTOR_ROLES``)."""
    return current_app.config["TWO_FACTOR_ROLES"]


def required_for(user: User) -> bool:
    """True when ``user`` must log in with a second factor (by role, or by choice)."""
    return user.has_two_factor or user.role in required_roles()


# ---------------------------------------------------------------------------- enrolment


def _sha(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _links_sent_lately(user: User) -> int:
    return db.session.scalar(select(func.count()).select_from(TwoFactorEnrolment).where(
        TwoFactorEnrolment.user_id == user.id, TwoFactorEnrolment.issued_by == "email",
        TwoFactorEnrolment.created_at > utcnow() - timedelta(hours=1))) or 0


def issue_link(user: User, *, operator: str | None = None, max_age: int | None = None) -> str:
    """E-mail ``user`` a signed, expiring, one-time link to set up an authenticator; returns
    the link. Without ``operator`` it answers a log-in's password step and is limited to
    ``TWO_FACTOR_LINKS_PER_HOUR`` per account; an operator's link (``gms users``) lasts
    ``max_age`` seconds (at most a week)."""
    if user.has_two_factor:
        raise ServiceError(_("Two-factor log-in is already set up."), 409)
    if operator is None and _links_sent_lately(user) >= current_app.config[
            "TWO_FACTOR_LINKS_PER_HOUR"]:
        raise ServiceError(_("We have sent several links in the last hour. Use the newest "
                             "one, or ask for another later."), 429)
    max_age = min(max_age or current_app.config["TWO_FACTOR_LINK_MAX_AGE"], LINK_MAX_AGE_CAP)
    nonce = secrets.token_urlsafe(24)
    now = utcnow()
    # links that expired unused (older than the hour the limit looks at) are cleared away
    db.session.execute(delete(TwoFactorEnrolment).where(
        TwoFactorEnrolment.user_id == user.id, TwoFactorEnrolment.expires_at <= now,
        TwoFactorEnrolment.created_at <= now - timedelta(hours=1)))
    row = TwoFactorEnrolment(user_id=user.id, issued_by="operator" if operator else "email",
                             token_hash=_sha(nonce), created_at=now,
                             expires_at=now + timedelta(seconds=max_age))
    db.session.add(row)
    db.session.flush()
    link = url_for("auth.enrol_link", _external=True,
                   token=signed_links.sign(_SALT, {"id": row.id, "n": nonce}))
    hours = max(1, round(max_age / 3600))
    notify.send(
        key=f"two-factor-link:{user.id}:{row.token_hash[:24]}", recipient=user.email,
        subject=_("Set up two-factor log-in for GMS"),
        body=ngettext(
            "To set up the authenticator app for your GMS account, open this link within "
            "%(num)d hour; it works once:\n%(link)s\n\nIf you did not just log in to GMS, "
            "someone else knows your password: ignore this link and change your password.",
            "To set up the authenticator app for your GMS account, open this link within "
            "%(num)d hours; it works once:\n%(link)s\n\nIf you did not just log in to GMS, "
            "someone else knows your password: ignore this link and change your password.",
            hours, link=link))
    audit.record("user.two_factor_link_sent", user,
                 {"by": operator or "log-in", "expires_at": row.expires_at.isoformat()},
                 actor_id=None if operator else user.id)
    commit()
    return link


def _linked_enrolment(token: str) -> TwoFactorEnrolment:
    """The unclaimed, unexpired enrolment that ``token`` names, else a :class:`ServiceError`."""
    invalid = ServiceError(_("This link is not valid, or it was used already. Log in again "
                             "to get a new one."))
    data = signed_links.read(_SALT, token, max_age=LINK_MAX_AGE_CAP, invalid=invalid.message,
                             expired=_("This link has expired. Log in again to get a new one."))
    if not isinstance(data.get("n"), str):
        raise invalid
    row = db.session.get(TwoFactorEnrolment, data.get("id") or 0)
    if row is None or row.token_hash is None or not secrets.compare_digest(
            row.token_hash, _sha(data["n"])) or row.claimed_at is not None:
        raise invalid
    if row.expires_at <= utcnow():
        raise ServiceError(_("This link has expired. Log in again to get a new one."))
    user = db.session.get(User, row.user_id)
    if user is None or not user.active or user.has_two_factor:
        raise invalid
    return row


def check_link(token: str) -> User:
    """The person whom an enrolment link (not yet used) was sent to; a
    :class:`ServiceError` when it is not valid, used or expired."""
    return db.session.get(User, _linked_enrolment(token).user_id)


def claim_link(token: str) -> tuple[TwoFactorEnrolment, str]:
    """Use an enrolment link, once: a new secret for the browser that opened it. Returns
    the enrolment and the random key that browser keeps (its session) to see it again."""
    row = _linked_enrolment(token)
    key, now = secrets.token_urlsafe(32), utcnow()
    claimed = db.session.execute(
        update(TwoFactorEnrolment).where(TwoFactorEnrolment.id == row.id,
                                         TwoFactorEnrolment.claimed_at.is_(None))
        .values(claimed_at=now, session_key_hash=_sha(key), secret=pyotp.random_base32(),
                expires_at=now + timedelta(seconds=SETUP_SECONDS))
        .execution_options(synchronize_session=False))
    if claimed.rowcount != 1:  # another browser was quicker
        db.session.rollback()
        raise ServiceError(_("This link is not valid, or it was used already. Log in again "
                             "to get a new one."))
    user = db.session.get(User, row.user_id)
    audit.record("user.two_factor_link_used", user, {"enrolment_id": row.id},
                 actor_id=user.id)
    commit()
    db.session.refresh(row)
    return row, key


def start_enrolment(user: User) -> tuple[TwoFactorEnrolment, str]:
    """A fully logged-in person sets up an authenticator from the security page: a new
    secret for this browser only. Returns the enrolment and the key the session keeps."""
    if user.has_two_factor:
        raise ServiceError(_("Two-factor log-in is already set up."), 409)
    now = utcnow()
    db.session.execute(delete(TwoFactorEnrolment).where(
        TwoFactorEnrolment.user_id == user.id, TwoFactorEnrolment.expires_at <= now))
    key = secrets.token_urlsafe(32)
    row = TwoFactorEnrolment(user_id=user.id, issued_by="session", created_at=now,
                             claimed_at=now, session_key_hash=_sha(key),
                             secret=pyotp.random_base32(),
                             expires_at=now + timedelta(seconds=SETUP_SECONDS))
    db.session.add(row)
    commit()
    return row, key


def pending(ref) -> TwoFactorEnrolment | None:
    """The enrolment this browser claimed (``ref``: ``[id, key]`` from its session), while
    it is unexpired and its user has no authenticator yet."""
    if not (isinstance(ref, list | tuple) and len(ref) == 2 and isinstance(ref[0], int)
            and isinstance(ref[1], str)):
        return None
    row = db.session.get(TwoFactorEnrolment, ref[0])
    if (row is None or row.session_key_hash is None or row.secret is None
            or not secrets.compare_digest(row.session_key_hash, _sha(ref[1]))
            or row.expires_at <= utcnow()):
        return None
    user = db.session.get(User, row.user_id)
    if user is None or not user.active or user.has_two_factor:
        return None
    return row


def provisioning_uri(email: str, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(
        name=email, issuer_name=current_app.config["TWO_FACTOR_ISSUER"])


def qr_svg(email: str, secret: str) -> Markup:
    """The enrolment QR code as inline SVG (no script, no request to another site)."""
    return Markup(segno.make(provisioning_uri(email, secret), error="m").svg_inline(
        scale=4, dark="#1b2631", title=_("QR code for your authenticator app")))


def confirm(enrolment: TwoFactorEnrolment, code: str, now: float | None = None) -> list[str]:
    """Finish enrolment with a first code from the app: the enrolment's secret becomes the
    user's, and every pending enrolment of the user (other links, other browsers) is
    discarded. Returns the recovery codes, shown once."""
    user = db.session.get(User, enrolment.user_id)
    step = _step_of(enrolment.secret, code, now, after=None)
    if step is None:
        raise ServiceError(_("That code is not right. Check the time on your phone and enter "
                             "the code the app shows now."))
    done = db.session.execute(
        update(User).where(User.id == user.id, User.totp_confirmed_at.is_(None))
        .values(totp_secret=enrolment.secret, totp_last_step=step,
                totp_confirmed_at=utcnow())
        .execution_options(synchronize_session=False))
    if done.rowcount != 1:
        db.session.rollback()
        raise ServiceError(_("Two-factor log-in is already set up."), 409)
    db.session.execute(delete(TwoFactorEnrolment).where(
        TwoFactorEnrolment.user_id == user.id))
    db.session.refresh(user)
    codes = _new_recovery_codes(user)
    audit.record("user.two_factor_enabled", user, actor_id=user.id)
    commit()
    return codes


# ---------------------------------------------------------------------------- log-in


def _step_of(secret: str | None, code: str, now: float | None, after: int | None) -> int | None:
    """The time step whose code equals ``code`` (±1 step for clock drift) at ``now``
    (default: the clock), later than ``after``."""
    now = time.time() if now is None else now
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6 and secret):
        return None
    totp = pyotp.TOTP(secret)
    current = int(now // STEP)
    for step in (current - 1, current, current + 1):
        if secrets.compare_digest(totp.at(step * STEP), code) and step > (
                after if after is not None else -1):
            return step
    return None


def _matching_step(user: User, code: str, now: float | None = None) -> int | None:
    """The time step whose code equals ``code`` at ``now``, if it was not used before (as
    far as ``user`` shows: :func:`_use_step` decides for good)."""
    return _step_of(user.totp_secret, code, now, after=user.totp_last_step)


def _use_step(user: User, step: int) -> bool:
    """Mark ``step`` used, in one UPDATE that succeeds only while the stored last step is
    older: of two sessions sending the same code at once, one wins."""
    moved = db.session.execute(
        update(User).where(User.id == user.id, or_(User.totp_last_step.is_(None),
                                                   User.totp_last_step < step))
        .values(totp_last_step=step).execution_options(synchronize_session=False))
    if moved.rowcount != 1:
        return False
    set_committed_value(user, "totp_last_step", step)
    return True


def verify(user: User, code: str, now: float | None = None) -> str | None:
    """Check a second factor at log-in: a current TOTP code or an unused recovery code,
    each accepted once. Returns ``"totp"`` or ``"recovery"``, or ``None`` when wrong or
    used already (the caller counts the failure)."""
    step = _matching_step(user, code, now)
    if step is not None and _use_step(user, step):
        commit()
        return "totp"
    used = db.session.execute(
        update(RecoveryCode).where(
            RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None),
            RecoveryCode.code_hash == _hash(code))
        .values(used_at=utcnow()).execution_options(synchronize_session=False))
    if used.rowcount != 1:
        return None
    audit.record("user.recovery_code_used", user, actor_id=user.id)
    commit()
    return "recovery"


def remaining_recovery_codes(user: User) -> int:
    """How many unused recovery codes ``user`` has left."""
    return db.session.scalar(select(func.count()).select_from(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))) or 0


def regenerate_recovery_codes(user: User, code: str) -> list[str]:
    """New recovery codes (the old ones stop working); needs a current code from the app."""
    if verify(user, code) != "totp":
        raise ServiceError(_("That code is not right. Enter the code your app shows now."))
    codes = _new_recovery_codes(user)
    audit.record("user.recovery_codes_renewed", user, actor_id=user.id)
    commit()
    return codes


def turn_off(user: User, code: str) -> None:
    """The user switches the second factor off, proving it with a current code."""
    if verify(user, code) is None:
        raise ServiceError(_("That code is not right."))
    disable(user, actor=user)


def disable(user: User, actor: User | None, reason: str = "") -> None:
    """Switch the second factor off: by the user (only if the role does not require it), or
    by an operator (``actor`` None: ``gms users reset-two-factor``) for someone who lost the
    phone and the codes, with a reason. An operator's reset also ends every log-in of the
    user (whoever has the phone may be logged in)."""
    if actor is not None and actor.id == user.id and user.role in required_roles():
        raise ServiceError(_("Your role requires two-factor log-in."), 403)
    user.totp_secret = None
    user.totp_confirmed_at = None
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.execute(delete(TwoFactorEnrolment).where(
        TwoFactorEnrolment.user_id == user.id))
    payload: dict = {"reason": reason}
    if actor is None:
        payload["sessions_ended"] = sessions.end_all(user)
    audit.record("user.two_factor_disabled", user, payload,
                 actor_id=actor.id if actor else None)
    commit()


def _hash(code: str) -> str:
    normal = "".join(ch for ch in code.lower() if ch.isalnum())
    return hashlib.sha256(normal.encode()).hexdigest()


def _new_recovery_codes(user: User) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _n in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_ALPHABET) for _i in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
        db.session.add(RecoveryCode(user_id=user.id, code_hash=_hash(raw)))
    return codes
