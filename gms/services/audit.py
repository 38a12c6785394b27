"""The append-only, hash-chained audit log."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from flask import current_app
from flask_login import current_user
from sqlalchemy import event, insert, select, text
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from gms.extensions import db
from gms.i18n import _
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


# ----------------------------------------------------------------------------- anchors

@dataclass(frozen=True)
class Anchor:
    """The newest audit entry at a moment (UTC, ISO 8601), written outside the database: the
    chain shows an entry changed or removed before its last entry, an anchor one removed
    from the end, up to the anchored entry."""

    at: str
    id: int
    hash: str


def read_anchors(path: Path | str | None = None) -> list[Anchor]:
    """The anchors of ``path`` (default: ``AUDIT_ANCHOR_FILE``), oldest first; none when it
    does not exist. A line that is not an anchor raises ``ValueError`` naming it."""
    path = Path(path or current_app.config["AUDIT_ANCHOR_FILE"])
    if not path.exists():
        return []
    out = []
    with open(path, encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                out.append(Anchor(str(row["at"]), int(row["id"]), str(row["hash"])))
            except (ValueError, KeyError, TypeError) as exc:
                raise ValueError(f"{path}:{number}: not an audit anchor") from exc
    return out


def anchor(now: datetime) -> Anchor | None:
    """Append the newest entry's id and hash to ``AUDIT_ANCHOR_FILE`` (synced to disk) and,
    when ``AUDIT_ANCHOR_EMAIL`` is set, queue them in an e-mail there. Nothing when the log
    is empty or has not grown since the last anchor."""
    newest = db.session.execute(select(AuditEntry.id, AuditEntry.hash)
                                .order_by(AuditEntry.id.desc()).limit(1)).first()
    if newest is None:
        return None
    known = read_anchors()
    if known and known[-1].id == newest.id:
        return None
    mark = Anchor(now.isoformat(timespec="seconds"), newest.id, newest.hash)
    path = Path(current_app.config["AUDIT_ANCHOR_FILE"])
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(asdict(mark)) + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    recipient = current_app.config.get("AUDIT_ANCHOR_EMAIL")
    if recipient:
        from .notify import send

        send(key=f"audit-anchor:{mark.id}:{mark.hash[:16]}", recipient=recipient,
             subject=_("Audit log anchor: entry %(id)d", id=mark.id),
             body=_("At %(at)s UTC the newest entry of the audit log was %(id)d, with the hash "
                    "%(hash)s. Keep this message: with it, \"gms audit verify\" finds any "
                    "entry up to this one that was removed or changed.",
                    at=mark.at, id=mark.id, hash=mark.hash))
        db.session.commit()
    return mark


def lost_anchor(anchors: Sequence[Anchor]) -> Anchor | None:
    """The first of ``anchors`` whose entry is no longer in the log with the anchored hash
    (one query per 500 anchors)."""
    found: dict[int, str] = {}
    for start in range(0, len(anchors), 500):
        ids = [a.id for a in anchors[start:start + 500]]
        found.update(db.session.execute(select(AuditEntry.id, AuditEntry.hash).where(
            AuditEntry.id.in_(ids))).all())
    return next((a for a in anchors if found.get(a.id) != a.hash), None)
