"""Signed, expiring tokens for the links GMS e-mails (password reset, e-mail confirmation,
invitations, second-factor set-up): one place that signs them with the app's secret and
reads them back with a clear message for an expired or forged one."""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from gms.extensions import db
from gms.models import User

from .common import ServiceError

#: how much of the password hash a password-bound token carries
_HASH_TAIL = 12


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    # the purpose is the salt: a token made for one kind of link opens no other kind
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=purpose)


def sign(purpose: str, data: dict) -> str:
    """A URL-safe token carrying ``data`` for links of ``purpose``."""
    return _serializer(purpose).dumps(data)


def read(purpose: str, token: str, *, max_age: int, expired: str, invalid: str) -> dict:
    """The data of a token made by :func:`sign` for ``purpose`` at most ``max_age`` seconds
    ago; a :class:`ServiceError` with ``expired`` when older, ``invalid`` when forged,
    made for another purpose or not a token at all."""
    try:
        data = _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise ServiceError(expired) from exc
    except BadSignature as exc:
        raise ServiceError(invalid) from exc
    if not isinstance(data, dict):
        raise ServiceError(invalid)
    return data


def sign_for_user(purpose: str, user: User) -> str:
    """A token for a link of ``purpose`` to ``user``'s account that stops working once the
    password changes (so a reset or invitation link works once)."""
    return sign(purpose, {"id": user.id, "h": user.password_hash[-_HASH_TAIL:]})


def read_user(purpose: str, token: str, *, max_age: int, expired: str, invalid: str) -> User:
    """The account of a token made by :func:`sign_for_user`; :class:`ServiceError` as
    :func:`read` does, and with ``invalid`` when the password changed since."""
    data = read(purpose, token, max_age=max_age, expired=expired, invalid=invalid)
    user = db.session.get(User, data.get("id"))
    if user is None or user.password_hash[-_HASH_TAIL:] != data.get("h"):
        raise ServiceError(invalid)
    return user
