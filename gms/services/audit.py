"""The append-only, hash-chained audit log."""

from __future__ import annotations

import hashlib
import json

from flask_login import current_user
from sqlalchemy import event, insert, select, text
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

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

    ``obj`` is the changed row; its table name and id are recorded. The entry is chained and
    inserted when the transaction commits (:func:`_chain_on_commit`), under a lock held only
    for the commit itself, so that concurrent writers wait for one another's commit, not for
    one another's whole request.
    """
    if obj is not None and getattr(obj, "id", None) is None:
        db.session.flush()
    if actor_id is None and getattr(current_user, "is_authenticated", False):
        actor_id = current_user.id
    entry = AuditEntry(
        at=utcnow(), actor_id=actor_id, action=action,
        object_type=object_type or (obj.__tablename__ if obj is not None else "system"),
        object_id=getattr(obj, "id", None), payload=payload or {})
    session = db.session()
    transaction = session.get_transaction() or session.begin()
    pending = session.info.get(_PENDING)
    if pending is None or pending[0] is not transaction:  # a rolled-back one's are dropped
        pending = session.info[_PENDING] = (transaction, [])
    pending[1].append(entry)
    return entry


_PENDING = "gms.audit.pending"


# built once (building a statement costs more CPU than running it)
_TABLE = AuditEntry.__table__
_LOCK = text("SELECT pg_advisory_xact_lock(7301)")
_LAST_HASH = select(_TABLE.c.hash).order_by(_TABLE.c.id.desc()).limit(1)
_INSERT = insert(_TABLE).returning(_TABLE.c.id, sort_by_parameter_order=True)
_COLUMNS = tuple(c.key for c in _TABLE.columns if c.key != "id")


@event.listens_for(Session, "before_commit")
def _chain_on_commit(session: Session) -> None:
    """Insert the transaction's entries, each chained to the one before: ids are taken under
    the lock (PostgreSQL: an advisory lock; SQLite: its single writer), so id order is chain
    order."""
    transaction, pending = session.info.pop(_PENDING, (None, []))
    if not pending or transaction is not session.get_transaction():
        return
    session.flush()  # the transaction's own writes first, outside the lock
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        conn.execute(_LOCK)
    prev = conn.execute(_LAST_HASH).scalar()
    for entry in pending:
        entry.prev_hash = prev or GENESIS
        entry.hash = prev = _digest(entry.prev_hash, entry)
    # a Core INSERT in chain order (the ORM's unit of work costs more than the write)
    ids = conn.execute(_INSERT, [{c: getattr(e, c) for c in _COLUMNS}
                                 for e in pending]).scalars().all()
    for entry, ident in zip(pending, ids, strict=True):
        set_committed_value(entry, "id", ident)


@event.listens_for(Session, "after_soft_rollback")
def _forget_on_rollback(session: Session, _transaction) -> None:
    session.info.pop(_PENDING, None)


def verify() -> int | None:
    """Return the id of the first entry whose chain is broken, or ``None`` when intact."""
    prev = GENESIS
    for entry in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).yield_per(500):
        if entry.prev_hash != prev or entry.hash != _digest(prev, entry):
            return entry.id
        prev = entry.hash
    return None
