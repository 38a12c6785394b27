"""The audit log append-only and keyed: triggers refuse UPDATE, DELETE and TRUNCATE of
``audit_log``; its chain is re-keyed from plain SHA-256 to HMAC-SHA256 under
``AUDIT_HMAC_KEY``, and the anchor file is converted (and signed) to match.

The re-keying carries every fault over: an entry whose old hash did not match, or whose link
to the one before was broken, stays broken under the key (``gms audit verify`` names the same
first entry before and after), and an anchor whose entry had changed stays lost. The old
anchor file is kept beside the new one as ``<file>.before-hmac``. The key comes from the
application's configuration (``gms db upgrade`` runs inside the app), so set
``AUDIT_HMAC_KEY`` before upgrading and keep it unchanged afterwards.

The table must not be rebuilt by a later SQLite batch migration without re-creating the
triggers (a batch copy drops them).

Revision ID: 4599d273e6b3
Revises: 19a3ebf13605
Create Date: 2026-12-07 21:30:00

"""
import hashlib
import hmac
import json
import os
from datetime import UTC
from pathlib import Path

import sqlalchemy as sa
from alembic import context, op

# revision identifiers, used by Alembic.
revision = '4599d273e6b3'
down_revision = '19a3ebf13605'
branch_labels = None
depends_on = None

GENESIS = "0" * 64

PG_FUNCTION = """
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$"""
PG_TRIGGERS = (
    "CREATE TRIGGER audit_log_append_only_rows BEFORE UPDATE OR DELETE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
    "CREATE TRIGGER audit_log_append_only_truncate BEFORE TRUNCATE ON audit_log "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()",
)
SQLITE_TRIGGERS = tuple(
    f"CREATE TRIGGER audit_log_no_{op_.lower()} BEFORE {op_} ON audit_log BEGIN "
    f"SELECT RAISE(ABORT, 'audit_log is append-only: {op_} refused'); END"
    for op_ in ("UPDATE", "DELETE"))

_LOG = sa.table("audit_log", sa.column("id", sa.Integer), sa.column("at", sa.DateTime),
                sa.column("actor_id", sa.Integer), sa.column("action", sa.String),
                sa.column("object_type", sa.String), sa.column("object_id", sa.Integer),
                sa.column("payload", sa.JSON), sa.column("prev_hash", sa.String),
                sa.column("hash", sa.String))


def _body(prev_hash, row) -> bytes:
    # frozen copy of gms.services.audit._body as of this revision
    at = row.at if row.at.tzinfo is not None else row.at.replace(tzinfo=UTC)
    return json.dumps([prev_hash, at.isoformat(), row.actor_id, row.action, row.object_type,
                       row.object_id, row.payload], sort_keys=True, default=str,
                      ensure_ascii=False).encode()


def _sha256(prev_hash, row) -> str:
    return hashlib.sha256(_body(prev_hash, row)).hexdigest()


def _hmac(key: bytes):
    return lambda prev_hash, row: hmac.new(key, _body(prev_hash, row),
                                           hashlib.sha256).hexdigest()


def _key() -> bytes:
    from flask import current_app

    return str(current_app.config["AUDIT_HMAC_KEY"]).encode()


def _rechain(old, new) -> dict[str, str]:
    """Recompute every entry's hash with ``new`` where ``old`` verifies it; a faulty entry
    keeps its hash (and so stays faulty). Returns old hash → new hash."""
    conn = op.get_bind()
    rows = conn.execute(sa.select(_LOG).order_by(_LOG.c.id)).all()
    mapping = {GENESIS: GENESIS}
    changes = []
    for row in rows:
        prev = mapping.get(row.prev_hash, row.prev_hash)
        valid = hmac.compare_digest(row.hash, old(row.prev_hash, row))
        digest = new(prev, row) if valid else row.hash
        mapping.setdefault(row.hash, digest)
        changes.append({"b_id": row.id, "b_prev": prev, "b_hash": digest})
    statement = (_LOG.update().where(_LOG.c.id == sa.bindparam("b_id"))
                 .values(prev_hash=sa.bindparam("b_prev"), hash=sa.bindparam("b_hash")))
    for start in range(0, len(changes), 1000):
        conn.execute(statement, changes[start:start + 1000])
    return mapping


def _convert_anchors(mapping: dict[str, str], key: bytes | None) -> None:
    """Rewrite the anchor file with the re-keyed hashes (signed when ``key`` is given); an
    anchor whose entry had changed keeps its hash (so it is still reported lost). Only for a
    log that had entries (a new database, as in ``gms restore``, leaves the file alone)."""
    from flask import current_app

    path = Path(current_app.config.get("AUDIT_ANCHOR_FILE") or "")
    if len(mapping) < 2 or not path.name or not path.is_file():
        return
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            row = json.loads(line)
            at, ident, old = str(row["at"]), int(row["id"]), str(row["hash"])
        except (ValueError, KeyError, TypeError):
            lines.append(line)  # gms audit verify names it
            continue
        new = {"at": at, "id": ident, "hash": mapping.get(old, old)}
        if key is not None:
            body = json.dumps(["gms-audit-anchor", at, ident, new["hash"]]).encode()
            new["sig"] = hmac.new(key, body, hashlib.sha256).hexdigest()
        lines.append(json.dumps(new))
    suffix = ".before-hmac" if key is not None else ".hmac"
    kept = path.with_name(path.name + suffix)
    for n in range(2, 1000):
        if not kept.exists():
            break
        kept = path.with_name(f"{path.name}{suffix}.{n}")
    try:
        os.replace(path, kept)
        temporary = path.with_name(path.name + ".converting")
        temporary.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
        os.replace(temporary, path)
    except OSError as exc:
        print(f"audit anchors: {path} could not be converted ({exc}); convert it by hand or "
              "move it aside, or gms audit verify reports it")


def upgrade():
    if not context.is_offline_mode():
        key = _key()
        mapping = _rechain(_sha256, _hmac(key))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
        for statement in PG_TRIGGERS:
            op.execute(statement)
    else:
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)
    if not context.is_offline_mode():
        _convert_anchors(mapping, key)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_log_append_only_truncate ON audit_log")
        op.execute("DROP TRIGGER audit_log_append_only_rows ON audit_log")
        op.execute("DROP FUNCTION audit_log_append_only()")
    else:
        op.execute("DROP TRIGGER audit_log_no_update")
        op.execute("DROP TRIGGER audit_log_no_delete")
    if not context.is_offline_mode():
        mapping = _rechain(_hmac(_key()), _sha256)
        _convert_anchors(mapping, None)
