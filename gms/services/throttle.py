"""Limits on failed log-ins, per account and per client address (the ``limits`` library,
which Flask-Limiter is built on).

Counters live in ``RATELIMIT_STORAGE_URI``: ``memory://`` for one process (the embedded
profile), ``redis://…`` in production so that every gunicorn worker shares them. Only
failures count: a person who types the right password is never slowed down.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from flask import Flask, current_app
from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter


@dataclass(frozen=True)
class Refusal:
    """Log-ins are refused for this key until ``until`` (UTC)."""

    until: datetime


def init_app(app: Flask) -> None:
    """Connect the counters' storage once, at start-up: building it lazily in the first
    requests raced between threads (while the Redis client was still being imported)."""
    uri = app.config["RATELIMIT_STORAGE_URI"]
    options = {"key_prefix": app.config["RATELIMIT_KEY_PREFIX"]} \
        if uri.startswith(("redis://", "rediss://")) else {}
    app.extensions["gms.throttle"] = MovingWindowRateLimiter(storage_from_string(uri,
                                                                                 **options))


def _limiter() -> MovingWindowRateLimiter:
    return current_app.extensions["gms.throttle"]


def _checks(email: str, address: str | None) -> list[tuple[RateLimitItem, str]]:
    cfg = current_app.config
    return [(parse(cfg["LOGIN_FAILURES_PER_ACCOUNT"]), "login:account:" + email.strip().lower()),
            (parse(cfg["LOGIN_FAILURES_PER_ADDRESS"]), "login:address:" + (address or "-"))]


def login_refused(email: str, address: str | None) -> Refusal | None:
    """A :class:`Refusal` when too many log-ins failed lately for this account or address."""
    limiter = _limiter()
    for item, key in _checks(email, address):
        if not limiter.test(item, key):
            reset = limiter.get_window_stats(item, key).reset_time
            return Refusal(datetime.fromtimestamp(reset, UTC))
    return None


def login_failed(email: str, address: str | None) -> Refusal | None:
    """Count a failed log-in (a wrong password or second-factor code); the
    :class:`Refusal` that it causes, if this was the failure too many."""
    limiter = _limiter()
    for item, key in _checks(email, address):
        limiter.hit(item, key)
    return login_refused(email, address)


def clear(email: str) -> None:
    """Forget an account's failures (after a password reset)."""
    item, key = _checks(email, None)[0]
    _limiter().clear(item, key)


def reset_allowed(email: str) -> bool:
    """Count a password-reset request; False once the account had its share this hour (so
    nobody can flood a mailbox through the reset form)."""
    item = parse(current_app.config["RESET_REQUESTS_PER_ACCOUNT"])
    return _limiter().hit(item, "reset:account:" + email.strip().lower())
