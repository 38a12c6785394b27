"""Server-side log-in sessions, so that a log-in can be ended on the server.

Flask keeps its session in a signed cookie, which cannot be taken back: a copy of it would
work until it expires. So each log-in also gets a row in ``user_sessions``; the cookie holds
a random key (``sid``) and the row its SHA-256 hash. The user loader accepts the cookie only
while the row exists, in the same query that loads the user. Log-out deletes the row; a
password reset, deactivation, an operator's second-factor reset and "log out everywhere"
delete every row of the user.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app, session
from flask_login import user_logged_in
from sqlalchemy import bindparam, delete, func, select, update

from gms.extensions import db
from gms.models import User, UserSession
from gms.timeutil import utcnow

from . import audit
from .common import commit

#: the key of the Flask session that holds this log-in's random key
SESSION_KEY = "sid"

# one query per request: the user, if this browser's log-in still exists
_SESSION_USER = select(User, UserSession.last_seen_at).join(
    UserSession, UserSession.user_id == User.id).where(
    User.id == bindparam("user_id"), User.active.is_(True),
    UserSession.id == bindparam("session_id"), UserSession.created_at > bindparam("since"))


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create(user_id: int) -> str:
    """Add a log-in of ``user_id`` (committed by the caller); returns its random key, which
    only the browser keeps."""
    key = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(UserSession(id=_hash(key), user_id=user_id, created_at=now,
                               last_seen_at=now))
    return key


def start(user: User) -> None:
    """Record a new log-in of ``user`` for this browser and commit it (the user's expired
    log-ins are cleared away at the same time)."""
    end_current()  # a log-in made on top of another replaces it
    db.session.execute(delete(UserSession).where(
        UserSession.user_id == user.id,
        UserSession.created_at <= utcnow() - current_app.permanent_session_lifetime))
    session[SESSION_KEY] = create(user.id)
    commit()


def _on_login(_sender, user: User, **_extra) -> None:
    start(user)


def connect_signals() -> None:
    """Record every log-in (``flask_login.login_user``) as a server-side session."""
    user_logged_in.connect(_on_login)  # the same receiver is connected once


def load_user(user_id: str) -> User | None:
    """Flask-Login's user loader: the active user whose log-in this browser's key belongs
    to, or ``None`` (anonymous) when the log-in was ended or is older than
    ``PERMANENT_SESSION_LIFETIME``. Notes when the log-in was last used, at most every
    ``SESSION_LAST_SEEN_EVERY`` seconds."""
    key = session.get(SESSION_KEY)
    if not (user_id.isdigit() and isinstance(key, str) and key):
        return None
    now, session_id = utcnow(), _hash(key)
    row = db.session.execute(_SESSION_USER, {
        "user_id": int(user_id), "session_id": session_id,
        "since": now - current_app.permanent_session_lifetime}).first()
    if row is None:
        return None
    user, last_seen = row
    every = current_app.config.get("SESSION_LAST_SEEN_EVERY")
    if every and now - last_seen > timedelta(seconds=every):
        # its own short transaction: the request's session (and the user loaded in it)
        # is left as it is
        with db.engine.begin() as conn:
            conn.execute(update(UserSession).where(UserSession.id == session_id)
                         .values(last_seen_at=now))
    return user


def end_current() -> None:
    """End this browser's log-in on the server (committed by the caller)."""
    key = session.pop(SESSION_KEY, None)
    if isinstance(key, str) and key:
        db.session.execute(delete(UserSession).where(UserSession.id == _hash(key)))


def end_all(user: User) -> int:
    """End every log-in of ``user``, on every browser (committed by the caller); returns
    how many there were."""
    result = db.session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    return result.rowcount or 0


def active_count(user: User) -> int:
    """How many log-ins of ``user`` are open (not ended, not expired)."""
    since = utcnow() - current_app.permanent_session_lifetime
    return db.session.scalar(select(func.count()).select_from(UserSession).where(
        UserSession.user_id == user.id, UserSession.created_at > since)) or 0


def log_out_everywhere(user: User) -> int:
    """The user ends all their log-ins, this one included (audited); returns how many."""
    ended = end_all(user)
    session.pop(SESSION_KEY, None)
    audit.record("user.logged_out_everywhere", user, {"sessions": ended}, actor_id=user.id)
    commit()
    return ended
