"""Limits on failed log-ins and on password-reset e-mails (the ``limits`` library, which
Flask-Limiter is built on).

Failed log-ins slow down, they never lock an account: after ``LOGIN_FREE_FAILURES``
failures for one account from one client address, each further attempt from there must
wait ``LOGIN_DELAY_SECONDS``, doubling with every further failure up to
``LOGIN_MAX_DELAY_SECONDS``. Failures are counted three ways:

* per account and address: the guesser waits, the owner at another address does not;
* per account over every address, with a much higher allowance
  (``LOGIN_FREE_FAILURES_PER_ACCOUNT``): past it the account is under a spread-out attack,
  and every address that fails on it waits the account's delay after its own failure, while
  an address without failures on the account (the owner's) is not held back;
* per address over every account (``LOGIN_FREE_FAILURES_PER_ADDRESS``): one address
  guessing many accounts.

A series of failures is forgotten ``LOGIN_FAILURES_FORGOTTEN_AFTER`` seconds after it began.
Only failures count: a person who types the right password is never slowed down.

Counters live in ``RATELIMIT_STORAGE_URI``: ``memory://`` for one process (the embedded
profile), ``redis://…`` in production so that every gunicorn worker shares them. When that
storage cannot be reached the counting goes on in each process (see
:class:`FailSafeStorage`): log-in and password reset keep working, with their limits.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import Flask, current_app
from limits import parse
from limits.errors import StorageError
from limits.storage import MemoryStorage, MovingWindowSupport, Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

log = logging.getLogger(__name__)

#: seconds for which an unreachable counter storage is not asked again
RETRY_STORAGE_SECONDS = 30
#: seconds a connection to the counters' Redis may take, and each command on it
REDIS_TIMEOUT_SECONDS = 1


@dataclass(frozen=True)
class Refusal:
    """Log-ins are refused for this key until ``until`` (UTC)."""

    until: datetime

    def seconds_left(self) -> int:
        """Whole seconds until the next attempt is allowed (at least 1)."""
        return max(1, math.ceil((self.until - datetime.now(UTC)).total_seconds()))


class FailSafeStorage(Storage, MovingWindowSupport):
    """The shared counters' storage (Redis), and counters in this process standing in for it
    while it cannot be reached.

    Why not refuse log-ins instead (a 503)? A counter store that is down must neither open the
    door to guessing nor shut the owners out (finance on a payment day). Falling back keeps
    every password check and every limit; only the counts are per process for a while (at
    most the number of gunicorn workers times the allowance, still slowed down exponentially),
    and the outage is logged as an error. The storage is asked again after
    :data:`RETRY_STORAGE_SECONDS`.
    """

    STORAGE_SCHEME = None

    def __init__(self, primary: Storage) -> None:
        super().__init__()
        self.primary = primary
        self.fallback = MemoryStorage()
        self._down_until = 0.0

    @property
    def base_exceptions(self) -> tuple[type[Exception], ...]:
        return ()

    def _call(self, name: str, *args):
        if time.monotonic() >= self._down_until:
            try:
                return getattr(self.primary, name)(*args)
            except (StorageError, OSError) as exc:
                self._down_until = time.monotonic() + RETRY_STORAGE_SECONDS
                log.error("the log-in counters' storage is unreachable (%s): counting in this "
                          "process for the next %d s", exc, RETRY_STORAGE_SECONDS)
        return getattr(self.fallback, name)(*args)

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        return self._call("incr", key, expiry, amount)

    def get(self, key: str) -> int:
        return self._call("get", key)

    def get_expiry(self, key: str) -> float:
        return self._call("get_expiry", key)

    def check(self) -> bool:
        return self._call("check")

    def reset(self) -> int | None:
        return self._call("reset")

    def clear(self, key: str) -> None:
        return self._call("clear", key)

    def acquire_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        return self._call("acquire_entry", key, limit, expiry, amount)

    def get_moving_window(self, key: str, limit: int, expiry: int) -> tuple[float, int]:
        return self._call("get_moving_window", key, limit, expiry)


def init_app(app: Flask) -> None:
    """Connect the counters' storage once, at start-up: building it lazily in the first
    requests raced between threads (while the Redis client was still being imported)."""
    uri = app.config["RATELIMIT_STORAGE_URI"]
    if uri.startswith("memory://"):
        storage: Storage = storage_from_string(uri)
    else:
        options = {"key_prefix": app.config["RATELIMIT_KEY_PREFIX"],
                   "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
                   "socket_timeout": REDIS_TIMEOUT_SECONDS} \
            if uri.startswith(("redis://", "rediss://")) else {}
        storage = FailSafeStorage(storage_from_string(uri, wrap_exceptions=True, **options))
    app.extensions["gms.throttle"] = MovingWindowRateLimiter(storage)


def _limiter() -> MovingWindowRateLimiter:
    return current_app.extensions["gms.throttle"]


def _storage() -> Storage:
    return _limiter().storage


def _keys(email: str, address: str | None) -> dict[str, str]:
    account, address = email.strip().lower(), address or "-"
    return {"pair": f"login-failures/pair/{account}/{address}",
            "account": f"login-failures/account/{account}",
            "address": f"login-failures/address/{address}",
            "pair_wait": f"login-wait/pair/{account}/{address}",
            "address_wait": f"login-wait/address/{address}"}


def delay_after(failures: int, free: int) -> int:
    """Seconds the next attempt waits after ``failures`` failures, of which ``free`` cost
    nothing: ``LOGIN_DELAY_SECONDS`` after the first one too many, doubling with each
    further failure, at most ``LOGIN_MAX_DELAY_SECONDS``."""
    if failures < free:
        return 0
    cfg = current_app.config
    first, cap = int(cfg["LOGIN_DELAY_SECONDS"]), int(cfg["LOGIN_MAX_DELAY_SECONDS"])
    return min(cap, first * 2 ** min(failures - free, 40))


def _wait(key: str, seconds: int) -> None:
    """Make ``key`` exist for ``seconds`` from now (0: leave it as it is)."""
    if seconds > 0:
        storage = _storage()
        storage.clear(key)
        storage.incr(key, seconds)


def login_refused(email: str, address: str | None) -> Refusal | None:
    """A :class:`Refusal` while this address must wait before trying this account again."""
    storage, keys = _storage(), _keys(email, address)
    ends = [storage.get_expiry(keys[k]) for k in ("pair_wait", "address_wait")
            if storage.get(keys[k]) > 0]
    if not ends:
        return None
    return Refusal(datetime.fromtimestamp(max(max(ends), time.time() + 1), UTC))


def login_failed(email: str, address: str | None) -> Refusal | None:
    """Count a failed log-in (a wrong password or second-factor code); the
    :class:`Refusal` that it causes, if the next attempt must wait."""
    cfg, storage, keys = current_app.config, _storage(), _keys(email, address)
    forget = int(cfg["LOGIN_FAILURES_FORGOTTEN_AFTER"])
    pair, account, from_address = (storage.incr(keys[k], forget)
                                   for k in ("pair", "account", "address"))
    _wait(keys["pair_wait"], max(delay_after(pair, cfg["LOGIN_FREE_FAILURES"]),
                                 delay_after(account, cfg["LOGIN_FREE_FAILURES_PER_ACCOUNT"])))
    _wait(keys["address_wait"], delay_after(from_address,
                                            cfg["LOGIN_FREE_FAILURES_PER_ADDRESS"]))
    return login_refused(email, address)


def login_succeeded(email: str, address: str | None) -> None:
    """Forget the failures of this account from this address (the owner is back)."""
    storage, keys = _storage(), _keys(email, address)
    for key in ("pair", "pair_wait"):
        storage.clear(keys[key])


def clear(email: str, address: str | None = None) -> None:
    """Forget an account's failures over every address, and from ``address`` (after a
    password reset)."""
    storage, keys = _storage(), _keys(email, address)
    storage.clear(keys["account"])
    if address is not None:
        login_succeeded(email, address)


def reset_allowed(email: str) -> bool:
    """Count a password-reset request; False once the account had its share this hour (so
    nobody can flood a mailbox through the reset form)."""
    item = parse(current_app.config["RESET_REQUESTS_PER_ACCOUNT"])
    return _limiter().hit(item, "reset:account:" + email.strip().lower())


def registration_refused(address: str | None) -> Refusal | None:
    """Count a registration from this client address; a :class:`Refusal` (until when) once
    the address had its share (``REGISTRATIONS_PER_ADDRESS``), so nobody can make accounts
    in bulk."""
    item = parse(current_app.config["REGISTRATIONS_PER_ADDRESS"])
    key = "register:address:" + (address or "-")
    limiter = _limiter()
    if limiter.hit(item, key):
        return None
    return Refusal(datetime.fromtimestamp(limiter.get_window_stats(item, key).reset_time, UTC))
