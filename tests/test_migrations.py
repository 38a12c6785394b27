"""The Alembic migrations build exactly the schema the models describe.

A model change without a migration fails here. To add the migration:

    python3 dev.py migration "what changed"

(see gms/migrations/README). Runs on SQLite, and on PostgreSQL when GMS_TEST_DATABASE_URL is
set (in a schema of its own, so the session's test database is left alone).
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from urllib.parse import quote

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text

from gms.extensions import db
from gms.testing.support import sqlalchemy_url


@pytest.fixture
def empty_database_url(tmp_path):
    """An empty database: a new SQLite file, or a new PostgreSQL schema."""
    url = os.environ.get("GMS_TEST_DATABASE_URL")
    if not url:
        yield "sqlite:///" + str(tmp_path / "empty.sqlite3")
        return
    schema = f"gms_migrations_{uuid.uuid4().hex[:8]}"
    admin = create_engine(sqlalchemy_url(url))
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in url else "?"
    try:
        yield f"{url}{sep}options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture
def migration_app(make_app, empty_database_url):
    # every in-repo plugin is enabled, so tables a plugin declares are compared too
    return make_app({"SQLALCHEMY_DATABASE_URI": empty_database_url})


def _differences(app) -> list:
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def _tables(app) -> set[str]:
    with app.app_context():
        return set(inspect(db.engine).get_table_names())


def test_upgrade_from_empty_matches_the_models(migration_app):
    assert _tables(migration_app) == set()
    with migration_app.app_context():
        flask_migrate.upgrade(revision="heads")
    assert {t.name for t in db.metadata.sorted_tables} <= _tables(migration_app)
    differences = _differences(migration_app)
    assert differences == [], (
        "the models and the migrations differ; add a migration with\n"
        '    python3 dev.py migration "what changed"\n' + "\n".join(map(str, differences)))


def test_downgrade_to_base_and_up_again(migration_app):
    with migration_app.app_context():
        flask_migrate.upgrade(revision="heads")
        flask_migrate.downgrade(revision="base")
    assert _tables(migration_app) <= {"alembic_version"}
    with migration_app.app_context():
        flask_migrate.upgrade(revision="heads")
    assert _differences(migration_app) == []


def test_one_head_per_branch(app):
    """The core has one head; each plugin with tables has one branch of its own, labelled with
    its name, that starts from a core revision."""
    with app.app_context():
        config = app.extensions["migrate"].migrate.get_config()
    script = ScriptDirectory.from_config(config)
    heads = [script.get_revision(h) for h in script.get_heads()]
    core = Path(app.root_path) / "migrations"
    in_core = [h for h in heads if Path(h.path).is_relative_to(core)]
    assert len(in_core) == 1, f"several core migration heads, merge them: {in_core}"
    for head in heads:
        if head in in_core:
            continue
        plugin = Path(head.path).parents[2].name
        labels = set().union(*(script.get_revision(r.revision).branch_labels
                               for r in script.iterate_revisions(head.revision, "base")))
        assert plugin in labels, f"{head.path}: its branch must be labelled {plugin!r}"
