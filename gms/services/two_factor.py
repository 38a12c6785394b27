"""Two-factor log-in: TOTP codes (RFC 6238, any authenticator app) and one-time recovery
codes. Required for the roles in ``TWO_FACTOR_ROLES``; optional for everyone else."""

from __future__ import annotations

import hashlib
import secrets
import time

import pyotp
import segno
from flask import current_app
from markupsafe import Markup
from sqlalchemy import delete, func, select

from gms.extensions import db
from gms.i18n import _
from gms.models import RecoveryCode, User
from gms.timeutil import utcnow

from . import audit
from .common import ServiceError, commit

STEP = 30  # seconds per code
RECOVERY_CODES = 10
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i


def required_roles() -> list[str]:
    """The roles that must log in with a second factor (``TWO_FACTOR_ROLES``)."""
    return current_app.config["TWO_FACTOR_ROLES"]


def required_for(user: User) -> bool:
    """True when ``user`` must log in with a second factor (by role, or by choice)."""
    return user.has_two_factor or user.role in required_roles()


def new_secret(user: User) -> str:
    """Start (or restart) enrolment: a fresh secret, not active until confirmed."""
    if user.has_two_factor:
        raise ServiceError(_("Two-factor log-in is already set up."), 409)
    user.totp_secret = pyotp.random_base32()
    commit()
    return user.totp_secret


def provisioning_uri(user: User) -> str:
    return pyotp.TOTP(user.totp_secret).provisioning_uri(
        name=user.email, issuer_name=current_app.config["TWO_FACTOR_ISSUER"])


def qr_svg(user: User) -> Markup:
    """The enrolment QR code as inline SVG (no script, no request to another site)."""
    return Markup(segno.make(provisioning_uri(user), error="m").svg_inline(
        scale=4, dark="#1b2631", title=_("QR code for your authenticator app")))


def _matching_step(user: User, code: str, now: float | None = None) -> int | None:
    """The time step whose code equals ``code`` (±1 step for clock drift) at ``now`` (default:
    the clock), if it was not used before: a code is accepted once."""
    now = time.time() if now is None else now
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6 and user.totp_secret):
        return None
    totp = pyotp.TOTP(user.totp_secret)
    current = int(now // STEP)
    for step in (current - 1, current, current + 1):
        if secrets.compare_digest(totp.at(step * STEP), code) and step > (user.totp_last_step
                                                                           or -1):
            return step
    return None


def confirm(user: User, code: str, now: float | None = None) -> list[str]:
    """Finish enrolment with a first code from the app; returns the recovery codes, shown
    once."""
    step = _matching_step(user, code, now)
    if step is None:
        raise ServiceError(_("That code is not right. Check the time on your phone and enter "
                             "the code the app shows now."))
    user.totp_last_step = step
    user.totp_confirmed_at = utcnow()
    codes = _new_recovery_codes(user)
    audit.record("user.two_factor_enabled", user, actor_id=user.id)
    commit()
    return codes


def verify(user: User, code: str, now: float | None = None) -> str | None:
    """Check a second factor at log-in: a current TOTP code or an unused recovery code.
    Returns ``"totp"`` or ``"recovery"``, or ``None`` when wrong (the caller counts the
    failure)."""
    step = _matching_step(user, code, now)
    if step is not None:
        user.totp_last_step = step
        commit()
        return "totp"
    row = db.session.scalar(select(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None),
        RecoveryCode.code_hash == _hash(code)))
    if row is None:
        return None
    row.used_at = utcnow()
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
    phone and the codes, with a reason."""
    if actor is not None and actor.id == user.id and user.role in required_roles():
        raise ServiceError(_("Your role requires two-factor log-in."), 403)
    user.totp_secret = None
    user.totp_confirmed_at = None
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    audit.record("user.two_factor_disabled", user, {"reason": reason},
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
