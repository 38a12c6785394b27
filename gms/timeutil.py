"""Time: instants are stored in UTC and shown and enforced in the programme's time zone."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import current_app


def utcnow() -> datetime:
    """The current instant, timezone-aware UTC. Tests patch ``gms.timeutil.utcnow``."""
    return datetime.now(UTC)


def local_zone() -> ZoneInfo:
    """The zone times are shown and entered in (``TIMEZONE``, default Asia/Bishkek)."""
    return ZoneInfo(current_app.config.get("TIMEZONE", "Asia/Bishkek"))


def to_local(value: datetime | None) -> datetime | None:
    """A UTC instant as local wall-clock time."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(local_zone())


def from_local(value: datetime | None) -> datetime | None:
    """A naive local wall-clock time (as typed in a form) as a UTC instant."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=local_zone())
    return value.astimezone(UTC)
