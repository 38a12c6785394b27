"""Server-side log-in sessions and second-factor enrolments in progress."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from gms.extensions import db
from gms.timeutil import utcnow

from .types import UTCDateTime


class UserSession(db.Model):
    """One log-in on one browser. The browser's (signed) session cookie holds a random key;
    this row holds its SHA-256 hash. Deleting the row ends the log-in, whoever holds the
    cookie: at log-out, a password reset, "log out everywhere" and deactivation."""

    __tablename__ = "user_sessions"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 hex of the key
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TwoFactorEnrolment(db.Model):
    """Setting up an authenticator app, from a one-time link (e-mailed after the password
    step, or issued by an operator) or from the account's security page.

    An e-mailed link is *claimed* once, by one browser session, which then holds a random key
    whose hash is ``session_key_hash``. The pending secret lives here, never on the user
    row, so no other session can see it; confirming a code moves it to the user and deletes
    every enrolment of the user."""

    __tablename__ = "two_factor_enrolments"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    issued_by: Mapped[str] = mapped_column(String(20))  # "email", "operator" or "session"
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    session_key_hash: Mapped[str | None] = mapped_column(String(64))
    secret: Mapped[str | None] = mapped_column(String(64))
