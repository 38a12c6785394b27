"""The append-only, hash-chained audit log.

Each entry's ``hash`` is an HMAC-SHA256, keyed with ``AUDIT_HMAC_KEY``, of the previous
entry's hash and the entry's fields: whoever changes, removes or inserts an entry must rebuild
every hash after it, which takes the key. The database refuses UPDATE, DELETE and TRUNCATE of
the table (triggers, migration ``4599d273e6b3``), and anchors (the newest entry's id and hash,
signed with the same key) are written outside the database at the worker's start, after each
publication and every ``AUDIT_ANCHOR_EVERY_SECONDS``, so that entries cut off the end show too.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

try:
    import fcntl
except ImportError:  # not on POSIX: anchors are written without a file lock
    fcntl = None

from flask import current_app
from flask_login import current_user
from sqlalchemy import event, insert, inspect, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from gms.extensions import db
from gms.i18n import _
from gms.models import AuditEntry
from gms.timeutil import utcnow

from . import row_digests
from .notify import send

GENESIS = "0" * 64


def _key() -> bytes:
    return str(current_app.config["AUDIT_HMAC_KEY"]).encode()


def _body(prev_hash: str, entry: AuditEntry) -> bytes:
    fields = [prev_hash, entry.at.isoformat(), entry.actor_id, entry.action, entry.object_type,
              entry.object_id, entry.payload]
    digests = getattr(entry, "digests", None)
    if digests:  # the rows' digests (an entry without any hashes as before they existed)
        fields.append(digests)
    return json.dumps(fields, sort_keys=True, default=str, ensure_ascii=False).encode()


def _same(given: str | None, expected: str) -> bool:
    """Constant-time comparison that takes any text (a forged value may be anything)."""
    return hmac.compare_digest(str(given or "").encode(), expected.encode())


def _digest(prev_hash: str, entry: AuditEntry, key: bytes | None = None) -> str:
    """The entry's chained hash: HMAC-SHA256 under ``AUDIT_HMAC_KEY`` (or ``key``)."""
    return hmac.new(key or _key(), _body(prev_hash, entry), hashlib.sha256).hexdigest()


def _links(prev_hash: str, entry, key: bytes) -> bool:
    """Whether ``entry`` (an entry or a row of the log) is chained to ``prev_hash`` with its
    own fields under ``key``."""
    return entry.prev_hash == prev_hash and _same(entry.hash, _digest(prev_hash, entry, key))


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
    if obj is not None and entry.object_type in row_digests.RECORDS:
        # the row may have been written by a Core statement the flush hook does not see
        _touch(session, entry.object_type, entry.object_id, deleted=False)
    return entry


_PENDING = "gms.audit.pending"
#: the records that matter written in the transaction: (transaction, {(table, id): state})
_TOUCHED = "gms.audit.touched"
_NEW, _CHANGED, _DELETED = "new", "changed", "deleted"


#: set in ``session.info`` by a bulk loader that writes its own entries with explicit ids
#: (benchmarks/dataset.py): its rows get no digests (``gms audit baseline`` records them)
BULK_LOAD = "gms.audit.bulk_load"


def _touch(session: Session, table: str, ident: int | None, *, deleted: bool,
           new: bool = False) -> None:
    if ident is None or session.info.get(BULK_LOAD):
        return
    transaction = session.get_transaction()
    touched = session.info.get(_TOUCHED)
    if touched is None or touched[0] is not transaction:
        touched = session.info[_TOUCHED] = (transaction, {})
    rows = touched[1]
    if deleted:
        rows[(table, ident)] = _DELETED
    elif new:
        rows[(table, ident)] = _NEW
    else:
        rows.setdefault((table, ident), _CHANGED)


@event.listens_for(Session, "after_flush")
def _note_written_records(session: Session, _context) -> None:
    """Note the records that matter (:data:`row_digests.RECORDS`) this flush wrote; a score
    marks its sheet. Their digests are taken when the transaction commits."""
    records, children = row_digests.RECORDS, row_digests.CHILDREN
    for group, deleted, new in ((session.new, False, True), (session.dirty, False, False),
                                (session.deleted, True, False)):
        for obj in group:
            table = getattr(obj, "__tablename__", None)
            if table in records:
                _touch(session, table, obj.id, deleted=deleted, new=new)
            elif table in children:
                parent, column = children[table]
                _touch(session, parent, getattr(obj, column, None), deleted=False)


@event.listens_for(Session, "do_orm_execute")
def _note_bulk_writes(state) -> None:
    """An ``update(Model)`` or ``delete(Model)`` statement of a record that matters (a
    compare-and-set of a call's status, say) names no rows: read which rows its WHERE
    clause matches, before it runs, so that their digests are taken at commit too."""
    if not (state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    name = getattr(table, "name", None)
    records, children = row_digests.RECORDS, row_digests.CHILDREN
    if name in records:
        parent, column = name, table.c.id
    elif name in children:
        parent, column = children[name][0], table.c[children[name][1]]
    else:
        return
    if state.is_update and name in records:
        setting = {getattr(k, "key", k) for k in getattr(state.statement, "_values", None) or ()}
        if setting and setting <= set(row_digests.DERIVED.get(name, ())):
            return  # running totals only: checked against their sources, not digested
    query = select(column)
    if state.statement.whereclause is not None:
        query = query.where(state.statement.whereclause)
    session = state.session
    parameters = state.parameters
    for params in parameters if isinstance(parameters, list) else [parameters or {}]:
        for ident in set(session.execute(query, params).scalars()):
            _touch(session, parent, ident, deleted=False)


def _digests(session: Session, pending: list[AuditEntry], key: bytes) -> None:
    """Attach to the transaction's entries the digests of the records it wrote, read back
    as they now stand (one query per table): a row goes to the last entry about it, or
    else to the transaction's last entry."""
    transaction, rows = session.info.pop(_TOUCHED, (None, {}))
    if not rows or transaction is not session.get_transaction():
        return
    conn = session.connection()
    by_table: dict[str, list[int]] = {}
    for (table, ident), state in rows.items():
        if state != _DELETED:
            by_table.setdefault(table, []).append(ident)
    current = {table: row_digests.read(conn, row_digests.RECORDS[table], ids)
               for table, ids in by_table.items()}
    about = {(e.object_type, e.object_id): e for e in pending}
    for (table, ident), state in sorted(rows.items()):
        values = current.get(table, {}).get(ident)
        item = row_digests.entry_item(key, table, ident, values, new=state == _NEW)
        entry = about.get((table, ident), pending[-1])
        entry.digests = [*(entry.digests or []), item]


# built once (building a statement costs more CPU than running it)
_TABLE = AuditEntry.__table__
_LOCK = text("SELECT pg_advisory_xact_lock(7301)")
_LAST_HASH = select(_TABLE.c.hash).order_by(_TABLE.c.id.desc()).limit(1)
_INSERT = insert(_TABLE).returning(_TABLE.c.id, sort_by_parameter_order=True)
_COLUMNS = tuple(c.key for c in _TABLE.columns if c.key != "id")
_PLAIN_COLUMNS = tuple(c for c in _COLUMNS if c != "digests")


@event.listens_for(Session, "before_commit")
def _chain_on_commit(session: Session) -> None:
    """Insert the transaction's entries, each chained to the one before: ids are taken under
    the lock (PostgreSQL: an advisory lock; SQLite: its single writer), so id order is chain
    order."""
    transaction, pending = session.info.pop(_PENDING, (None, []))
    if not pending or transaction is not session.get_transaction():
        pending = []
        if not (session.new or session.dirty or session.deleted or session.info.get(_TOUCHED)):
            return
    session.flush()  # the transaction's own writes first, outside the lock
    touched = session.info.get(_TOUCHED)
    if not pending:
        if not touched or touched[0] is not session.get_transaction() or not touched[1]:
            session.info.pop(_TOUCHED, None)
            return
        # records written by code that audited nothing: on record all the same, so that the
        # tamper check tells them from a write outside the application
        (table, ident), _state = next(iter(sorted(touched[1].items())))
        actor = current_user.id if getattr(current_user, "is_authenticated", False) else None
        pending = [AuditEntry(at=utcnow(), actor_id=actor, action="records.written",
                              object_type=table, object_id=ident,
                              payload={"rows": len(touched[1])})]
    key = _key()
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        conn.execute(_LOCK)
    # under the lock: a row this transaction only names (not locked by its own write) is read
    # after any transaction chained before it committed, so chain order is the rows' order
    _digests(session, pending, key)
    prev = conn.execute(_LAST_HASH).scalar()
    for entry in pending:
        entry.prev_hash = prev or GENESIS
        entry.hash = prev = _digest(entry.prev_hash, entry, key)
    # a Core INSERT in chain order (the ORM's unit of work costs more than the write)
    # the digests column only when some entry has digests (a database one revision behind
    # can still be written to, as the re-keying migration's test does)
    columns = _COLUMNS if any(e.digests for e in pending) else _PLAIN_COLUMNS
    ids = conn.execute(_INSERT, [{c: getattr(e, c) for c in columns}
                                 for e in pending]).scalars().all()
    for entry, ident in zip(pending, ids, strict=True):
        set_committed_value(entry, "id", ident)


@event.listens_for(Session, "after_soft_rollback")
def _forget_on_rollback(session: Session, _transaction) -> None:
    session.info.pop(_PENDING, None)
    session.info.pop(_TOUCHED, None)


def verify() -> int | None:
    """Return the id of the first entry whose chain is broken (changed, removed before a later
    entry, or chained without ``AUDIT_HMAC_KEY``), or ``None`` when intact."""
    prev = GENESIS
    key = _key()
    conn = db.session.connection()
    columns = [_TABLE.c[c] for c in ("id", *_PLAIN_COLUMNS)]
    if "digests" in {c["name"] for c in inspect(conn).get_columns("audit_log")}:
        columns.append(_TABLE.c.digests)  # a database upgraded to hold the rows' digests
    rows = conn.execute(select(*columns).order_by(_TABLE.c.id)
                        .execution_options(stream_results=True, yield_per=1000))
    for entry in rows:
        if not _links(prev, entry, key):
            return entry.id
        prev = entry.hash
    return None


# ----------------------------------------------------------------------------- anchors

@dataclass(frozen=True)
class Anchor:
    """The newest audit entry at a moment (UTC, ISO 8601), written outside the database: the
    chain shows an entry changed or removed before its last entry, an anchor one removed
    from the end, up to the anchored entry. ``sig`` is an HMAC-SHA256 of the other fields
    under ``AUDIT_HMAC_KEY``: an anchor line edited without the key is refused."""

    at: str
    id: int
    hash: str
    sig: str = ""


def _signature(at: str, ident: int, hash_: str) -> str:
    body = json.dumps(["gms-audit-anchor", at, ident, hash_]).encode()
    return hmac.new(_key(), body, hashlib.sha256).hexdigest()


def read_anchors(path: Path | str | None = None) -> list[Anchor]:
    """The anchors of ``path`` (default: ``AUDIT_ANCHOR_FILE``), oldest first; none when it
    does not exist. A line that is not an anchor, or whose signature does not match (edited,
    or signed with another key), raises ``ValueError`` naming it."""
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
                mark = Anchor(str(row["at"]), int(row["id"]), str(row["hash"]),
                              str(row.get("sig") or ""))
            except (ValueError, KeyError, TypeError, AttributeError) as exc:
                raise ValueError(f"{path}:{number}: not an audit anchor") from exc
            if not mark.sig:
                raise ValueError(f"{path}:{number}: the anchor is not signed (written before "
                                 "the audit log was keyed?): move the file aside")
            if not _same(mark.sig, _signature(mark.at, mark.id, mark.hash)):
                raise ValueError(f"{path}:{number}: the anchor's signature does not match: "
                                 "the line was edited (or signed with another AUDIT_HMAC_KEY)")
            out.append(mark)
    return out


def _last_anchored_id(fh) -> int | None:
    """The id of the file's last line, read leniently (a fault is verify's to report)."""
    last = None
    for line in fh:
        try:
            last = int(json.loads(line)["id"])
        except (ValueError, KeyError, TypeError):
            continue
    return last


def anchor(now: datetime) -> Anchor | None:
    """Append the newest entry's id and hash, signed, to ``AUDIT_ANCHOR_FILE`` (synced to
    disk, under a file lock) and, when ``AUDIT_ANCHOR_EMAIL`` is set, queue them in an e-mail
    there (committing the session: call it after the caller's own commit). Nothing when the
    log is empty or has not grown since the last anchor."""
    newest = db.session.execute(select(AuditEntry.id, AuditEntry.hash)
                                .order_by(AuditEntry.id.desc()).limit(1)).first()
    if newest is None:
        return None
    path = Path(current_app.config["AUDIT_ANCHOR_FILE"])
    path.parent.mkdir(parents=True, exist_ok=True)
    at = now.isoformat(timespec="seconds")
    mark = Anchor(at, newest.id, newest.hash, _signature(at, newest.id, newest.hash))
    with open(path, "a+", encoding="utf-8") as fh:
        if fcntl is not None:
            fcntl.flock(fh, fcntl.LOCK_EX)  # another process anchoring at the same moment
        fh.seek(0)
        if _last_anchored_id(fh) == newest.id:
            return None
        fh.write(json.dumps(asdict(mark)) + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    recipient = current_app.config.get("AUDIT_ANCHOR_EMAIL")
    if recipient:
        send(key=f"audit-anchor:{mark.id}:{mark.hash[:16]}", recipient=recipient,
             subject=_("Audit log anchor: entry %(id)d", id=mark.id),
             body=_("At %(at)s UTC the newest entry of the audit log was %(id)d, with the hash "
                    "%(hash)s. Keep this message: with it, \"gms audit verify\" finds any "
                    "entry up to this one that was removed or changed.",
                    at=mark.at, id=mark.id, hash=mark.hash))
        db.session.commit()
    return mark


def anchor_now() -> Anchor | None:
    """Anchor the log now: at the worker's start and after each publication, besides the
    hourly task. Call it after your transaction is committed. A failure (the anchor file
    cannot be written, the database is unreachable) is logged, not raised: the caller's work
    is done already, and the next anchor catches up."""
    try:
        return anchor(utcnow())
    except (OSError, SQLAlchemyError):
        current_app.logger.exception("audit: the anchor could not be written")
        db.session.rollback()
        return None


def lost_anchor(anchors: Sequence[Anchor]) -> Anchor | None:
    """The first of ``anchors`` whose entry is no longer in the log with the anchored hash
    (one query per 500 anchors)."""
    found: dict[int, str] = {}
    for start in range(0, len(anchors), 500):
        ids = [a.id for a in anchors[start:start + 500]]
        found.update(db.session.execute(select(AuditEntry.id, AuditEntry.hash).where(
            AuditEntry.id.in_(ids))).all())
    return next((a for a in anchors if found.get(a.id) != a.hash), None)
