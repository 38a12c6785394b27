"""The Alembic migrations build exactly the schema the models describe.

A model change without a migration fails here. To add the migration:

    python3 dev.py migration "what changed"

(see gms/migrations/README). Runs on SQLite, and on PostgreSQL when GMS_TEST_DATABASE_URL is
set (in a schema of its own, so the session's test database is left alone).
"""

from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, Table, create_engine, insert, inspect, text

from gms.extensions import db
from gms.models import Competition
from gms.services.contract import policy_for, rules_for
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


# ------------------------------------------------------------ the frozen contract migration

BEFORE_FROZEN_CONTRACT = "41ca1a56d9df"
#: small_grants settings as the old call form stored them (text from the form, "" when empty)
OLD_SETTINGS = {"max_grant_kgs": "1000000", "max_applications_per_organisation": 2,
                "max_awards_per_organisation": "2", "min_cofinancing_percent": "",
                "max_duration_months": "12", "min_minority_sex_percent": "70"}
#: rules as the old freeze wrote them: the live rule's code, blocking and its own params
OLD_FROZEN_RULES = [
    {"code": "small_grants.max_grant", "blocking": True,
     "params": {"max_grant_kgs": "1000000"}},
    {"code": "small_grants.duration", "blocking": True, "params": {"max_duration_months": 12}},
    {"code": "small_grants.council_resolution", "blocking": True, "params": {}},
]


def _insert_calls(app) -> dict[str, int]:
    """An open and a draft small-grants call, stored as before the frozen contract."""
    now = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    common = {"type_key": "small_grants", "title": {"en": "Old call"}, "description": {},
              "oblasts": [], "opens_at": now, "deadline_at": now + timedelta(days=30),
              "budget": Decimal("5000000"), "max_awards": 4, "max_grant": None,
              "settings": OLD_SETTINGS, "created_at": now}
    with app.app_context(), db.engine.begin() as conn:
        competitions = Table("competitions", MetaData(), autoload_with=conn)
        assert "frozen_contract" not in competitions.c
        ids = {}
        for status, frozen in (("open", OLD_FROZEN_RULES), ("draft", None)):
            ids[status] = conn.execute(insert(competitions).values(
                **common, status=status, type_version="2", frozen_rules=frozen,
                frozen_sheet={"criteria": []} if frozen else None)).inserted_primary_key[0]
    return ids


def test_frozen_contract_migration_converts_existing_calls(migration_app):
    with migration_app.app_context():
        flask_migrate.upgrade(revision=BEFORE_FROZEN_CONTRACT)
    ids = _insert_calls(migration_app)
    with migration_app.app_context():
        flask_migrate.upgrade(revision="heads")
        opened = db.session.get(Competition, ids["open"])
        draft = db.session.get(Competition, ids["draft"])
        typed = {"max_grant_kgs": "1000000", "max_applications_per_organisation": 2,
                 "max_awards_per_organisation": 2, "min_cofinancing_percent": None,
                 "max_duration_months": 12, "min_minority_sex_percent": "70"}
        assert opened.settings == typed and draft.settings == typed

        assert draft.frozen_rules is None and draft.frozen_contract is None
        assert draft.frozen_sheet is None and draft.status == "draft"

        assert sorted(r["code"] for r in opened.frozen_rules) == sorted(
            r["code"] for r in OLD_FROZEN_RULES)
        by_code = {r["code"]: r for r in opened.frozen_rules}
        assert by_code["small_grants.max_grant"]["params"] == {"limit": "1000000"}
        assert by_code["small_grants.duration"]["params"] == {"max_months": 12}
        contract = opened.frozen_contract
        assert contract["policy"] == {"kind": "core.within_envelope", "params": {
            "max_awards": 4, "per_organisation": 2, "max_grant": "1000000", "greedy": True}}
        assert contract["requested_amount"]["kind"] == "core.answer_field"
        assert {"code": "council_resolution", "required": True} in contract["documents"]
        assert opened.frozen_sheet == {"criteria": []}  # the old freeze's sheet is kept

        assert [r.code for r in rules_for(opened)] == sorted(by_code)
        assert policy_for(opened).max_grant == Decimal("1000000")
        assert len(rules_for(draft)) > len(OLD_FROZEN_RULES)  # a draft stays live
