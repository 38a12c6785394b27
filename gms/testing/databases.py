"""The test databases: migrated SQLite templates copied per test, or one PostgreSQL database.

The schema is built by the migrations only (``flask_migrate.upgrade(revision="heads")``,
never ``create_all``): the core's, and the migration branches of the plugins the test
enables (``PLUGINS``, ``PLUGIN_PATHS`` and ``EXTRA_PLUGINS`` of its configuration, markers
included). SQLite keeps one template per set of plugin migration folders; PostgreSQL
(``GMS_TEST_DATABASE_URL``) is rebuilt when a test needs another set than the last one, and
truncated after each test.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any
from unittest import mock

import flask_migrate
import pytest
from sqlalchemy import Engine, create_engine, text

from gms.hooks.manager import build_plugin_manager, migration_folders
from gms.testing.support import create_app_in, dispose, pg_url, sqlalchemy_url

__all__ = ["migration_key", "migrate", "SQLiteDatabases", "PostgresDatabase", "gms_databases"]

_keys: dict[tuple, tuple[str, ...]] = {}


def _plugins_of(config: Mapping[str, Any] | None) -> dict[str, Any]:
    config = config or {}
    return {"PLUGINS": config.get("PLUGINS"), "PLUGIN_PATHS": config.get("PLUGIN_PATHS") or [],
            "EXTRA_PLUGINS": config.get("EXTRA_PLUGINS") or {}}


def migration_key(config: Mapping[str, Any] | None) -> tuple[str, ...]:
    """The plugin migration folders that the plugins enabled by ``config`` bring (sorted):
    two configurations with the same key share a migrated database."""
    plugins = _plugins_of(config)
    names = plugins["PLUGINS"]
    memo = (None if names is None else tuple(names), tuple(plugins["PLUGIN_PATHS"]),
            tuple((name, id(obj)) for name, obj in plugins["EXTRA_PLUGINS"].items()))
    if memo not in _keys:
        pm, _registry, enabled = build_plugin_manager(plugins)
        _keys[memo] = tuple(sorted(str(folder) for folder in migration_folders(pm, enabled)))
    return _keys[memo]


def migrate(url: str, instance: Path, config: Mapping[str, Any] | None = None) -> None:
    """Bring the database at ``url`` to the newest revision through Flask-Migrate, with the
    plugins of ``config`` enabled so that their migration branches are applied too."""
    hermetic = {k: v for k, v in os.environ.items()
                if not k.startswith("GMS_") or k.startswith("GMS_TEST_")}
    with mock.patch.dict(os.environ, hermetic, clear=True):
        app = create_app_in({"TESTING": True, "SECRET_KEY": "test", **_plugins_of(config),
                             "SQLALCHEMY_DATABASE_URI": url}, instance)
    try:
        with app.app_context():
            flask_migrate.upgrade(revision="heads")
    finally:
        dispose(app)


class SQLiteDatabases:
    """One migrated template file per set of plugin migrations; every test gets a copy."""

    kind = "sqlite"

    def __init__(self, root: Path):
        self.root = root
        self.templates: dict[tuple[str, ...], Path] = {}

    def url_for(self, tmp_path: Path, config: Mapping[str, Any] | None = None) -> str:
        """A fresh copy of the template for ``config``'s plugins, in ``tmp_path``."""
        key = migration_key(config)
        if key not in self.templates:
            template = self.root / f"template-{len(self.templates)}.sqlite3"
            migrate("sqlite:///" + str(template), self.root / "instance", config)
            self.templates[key] = template
        target = tmp_path / "gms.sqlite3"
        shutil.copyfile(self.templates[key], target)
        return "sqlite:///" + str(target)

    def reset(self) -> None:
        """Nothing to do: each test has its own file."""


class PostgresDatabase:
    """The database named by ``GMS_TEST_DATABASE_URL``: rebuilt when the set of plugin
    migrations changes, truncated after each test."""

    kind = "postgresql"

    def __init__(self, url: str, root: Path):
        self.url = url
        self.root = root
        self.key: tuple[str, ...] | None = None
        self.engine: Engine | None = None

    def _engine(self) -> Engine:
        if self.engine is None:
            self.engine = create_engine(sqlalchemy_url(self.url))
        return self.engine

    def url_for(self, tmp_path: Path, config: Mapping[str, Any] | None = None) -> str:
        """The database, migrated for ``config``'s plugins."""
        key = migration_key(config)
        if key != self.key:
            with self._engine().begin() as conn:
                conn.execute(text("SET lock_timeout = '20s'"))
                conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
            self.key = None
            migrate(self.url, self.root / "instance", config)
            self.key = key
        return self.url

    def reset(self) -> None:
        """Empty every table (but ``alembic_version``), restarting the identities."""
        if self.key is None:
            return
        with self._engine().begin() as conn:
            conn.execute(text("SET lock_timeout = '20s'"))
            tables = conn.scalars(text(
                "SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = 'public' "
                "AND tablename <> 'alembic_version'")).all()
            if tables:
                # audit_log's triggers refuse TRUNCATE; the test reset (as the superuser)
                # switches them off for this transaction only. The app role cannot.
                conn.execute(text("SET LOCAL session_replication_role = replica"))
                conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))

    def close(self) -> None:
        if self.engine is not None:
            self.engine.dispose()


@pytest.fixture(scope="session")
def gms_databases(tmp_path_factory) -> Iterator[SQLiteDatabases | PostgresDatabase]:
    """The session's database manager (SQLite templates or PostgreSQL):
    ``gms_databases.url_for(folder, config)`` gives a migrated database for ``config``."""
    root = tmp_path_factory.mktemp("gms-db")
    url = pg_url()
    manager = PostgresDatabase(url, root) if url else SQLiteDatabases(root)
    yield manager
    if isinstance(manager, PostgresDatabase):
        manager.close()
