"""The append-only, hash-chained audit log."""

from __future__ import annotations

import hashlib
import json

from flask_login import current_user
from sqlalchemy import select, text

from gms.extensions import db
from gms.models import AuditEntry
from gms.timeutil import utcnow

GENESIS = "0" * 64


def _digest(prev_hash: str, entry: AuditEntry) -> str:
    body = json.dumps(
        [prev_hash, entry.at.isoformat(), entry.actor_id, entry.action, entry.object_type,
         entry.object_id, entry.payload], sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(body.encode()).hexdigest()


def record(action: str, obj=None, payload: dict | None = None, actor_id: int | None = None,
           object_type: str | None = None) -> AuditEntry:
    """Append an entry in the current transaction (the caller commits).

    ``obj`` is the changed row; its table name and id are recorded.
    """
    if obj is not None and getattr(obj, "id", None) is None:
        db.session.flush()
    if actor_id is None and getattr(current_user, "is_authenticated", False):
        actor_id = current_user.id
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(7301)"))
    prev = db.session.scalar(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1))
    entry = AuditEntry(
        at=utcnow(), actor_id=actor_id, action=action,
        object_type=object_type or (obj.__tablename__ if obj is not None else "system"),
        object_id=getattr(obj, "id", None), payload=payload or {}, prev_hash=prev or GENESIS)
    entry.hash = _digest(entry.prev_hash, entry)
    db.session.add(entry)
    return entry


def verify() -> int | None:
    """Return the id of the first entry whose chain is broken, or ``None`` when intact."""
    prev = GENESIS
    for entry in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).yield_per(500):
        if entry.prev_hash != prev or entry.hash != _digest(prev, entry):
            return entry.id
        prev = entry.hash
    return None
