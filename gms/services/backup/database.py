"""The database as a backup and a restore see it: one transaction, its tables in foreign-key
order with their columns, its migration revisions and the enabled plugins."""

from __future__ import annotations

import contextlib

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask import current_app

from gms.extensions import db

from .archive_format import SKIPPED_TABLES, BackupError


def engine_name() -> str:
    return db.engine.dialect.name


@contextlib.contextmanager
def transaction(*, write: bool):
    """A connection in one transaction: a consistent read snapshot, or the restore's writes.

    PostgreSQL reads in REPEATABLE READ, READ ONLY. The SQLite driver opens transactions only
    before writes, so the connection runs in autocommit mode and the transaction is explicit
    (``BEGIN`` holds a read snapshot, ``BEGIN IMMEDIATE`` the write lock).
    """
    engine = db.engine
    if engine.dialect.name == "sqlite":
        with engine.connect() as raw:
            conn = raw.execution_options(isolation_level="AUTOCOMMIT")
            conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield conn
            except BaseException:
                conn.exec_driver_sql("ROLLBACK")
                raise
            conn.exec_driver_sql("COMMIT")
        return
    with engine.connect() as raw:
        if write:
            with raw.begin():
                yield raw
            return
        conn = raw.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin() as txn:
            conn.exec_driver_sql("SET TRANSACTION READ ONLY")
            yield conn
            txn.rollback()


def table_columns(inspector, name: str) -> list[tuple[str, object]]:
    """``(column, type)`` of a table as it is in the database, typed by the models when they
    know the table (so UTC instants and JSON read as the application reads them)."""
    model = db.metadata.tables.get(name)
    columns = []
    for info in inspector.get_columns(name):
        col = info["name"]
        type_ = model.c[col].type if model is not None and col in model.c else info["type"]
        columns.append((col, type_))
    return columns


def tables_in_order(inspector) -> list[str]:
    """Every table of the database (``alembic_version`` excepted), parents before children."""
    names = []
    for name, _fks in inspector.get_sorted_table_and_fkc_names():
        if name is not None and name not in SKIPPED_TABLES:
            names.append(name)
    return names


def migration_revisions(conn) -> list[str]:
    if not sa.inspect(conn).has_table("alembic_version"):
        raise BackupError("the database has no schema (no alembic_version table): nothing to "
                          "back up")
    return sorted(conn.scalars(sa.text("SELECT version_num FROM alembic_version")))


def code_heads() -> set[str]:
    config = current_app.extensions["migrate"].migrate.get_config()
    return set(ScriptDirectory.from_config(config).get_heads())


def tables_with_rows(conn) -> list[str]:
    inspector = sa.inspect(conn)
    full = []
    for name in inspector.get_table_names():
        if name in SKIPPED_TABLES:
            continue
        if conn.execute(sa.select(sa.literal(1)).select_from(sa.table(name)).limit(1)).first():
            full.append(name)
    return full


def enabled_plugins() -> dict[str, str]:
    enabled = current_app.extensions.get("gms.enabled_plugins", {})
    return {name: str(getattr(src, "version", "")) for name, src in enabled.items()}
