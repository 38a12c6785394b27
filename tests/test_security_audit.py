"""Issue 15, finding 12: the audit log is append-only for the application's database role
(triggers), its chain is keyed (HMAC-SHA256 under AUDIT_HMAC_KEY), its anchors are signed,
and an anchor is written when the worker starts and after each publication."""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import flask_migrate
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from gms.extensions import db
from gms.models import AuditEntry
from gms.services import audit

from .helpers import declared, toy_round
from .test_migrations import empty_database_url  # noqa: F401 - a fixture
from .toy_competition import TOY

pytestmark = [pytest.mark.gms_plugins(), pytest.mark.gms_config(**TOY)]


def as_table_owner() -> None:
    """Do what only the table's owner (or a superuser) can: switch the append-only triggers
    off for the current transaction, as a forger with the owner's password would. PostgreSQL:
    ``session_replication_role`` (superuser only); SQLite: the triggers are dropped (each
    test has its own copy of the database)."""
    conn = db.session.connection()
    if conn.dialect.name == "postgresql":
        conn.execute(text("SET LOCAL session_replication_role = replica"))
    else:
        conn.execute(text("DROP TRIGGER IF EXISTS audit_log_no_update"))
        conn.execute(text("DROP TRIGGER IF EXISTS audit_log_no_delete"))


def _body(prev_hash: str, entry: AuditEntry) -> bytes:
    """What an entry's hash covers (public: it is in the source)."""
    return json.dumps(
        [prev_hash, entry.at.isoformat(), entry.actor_id, entry.action, entry.object_type,
         entry.object_id, entry.payload], sort_keys=True, default=str,
        ensure_ascii=False).encode()


def _plain_sha256(prev_hash: str, entry: AuditEntry) -> str:
    """The chain as it was before it was keyed: anyone can compute it."""
    return hashlib.sha256(_body(prev_hash, entry)).hexdigest()


class _Consumer:
    """What Celery sends worker_ready with: the worker's consumer, with its Celery app."""

    def __init__(self, celery_app):
        self.app = celery_app


def _entries() -> list[AuditEntry]:
    return list(db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id)))


# ------------------------------------------------------------------- append-only (triggers)

@pytest.mark.parametrize("statement", [
    "UPDATE audit_log SET payload = '{\"forged\": true}' WHERE id = 3",
    "DELETE FROM audit_log WHERE id = 3",
    "DELETE FROM audit_log",
])
def test_the_app_cannot_change_or_remove_audit_entries(app, statement):
    """UPDATE and DELETE through the application's own connection are refused by the
    database (SQLite in the plain pass, PostgreSQL in the services pass)."""
    with app.app_context():
        toy_round()
        before = [(e.id, e.hash) for e in _entries()]
        with pytest.raises(DBAPIError, match="append-only"):
            db.session.execute(text(statement))
        db.session.rollback()
        assert [(e.id, e.hash) for e in _entries()] == before and audit.verify() is None


@pytest.mark.services
@pytest.mark.parametrize("statement", [
    "UPDATE audit_log SET action = 'forged'",
    "DELETE FROM audit_log WHERE id >= 2",
    "TRUNCATE audit_log",
    "TRUNCATE users CASCADE",  # reaches audit_log through its foreign key
])
def test_postgresql_refuses_update_delete_and_truncate_of_the_audit_log(app, statement):
    with app.app_context():
        assert db.engine.dialect.name == "postgresql"
        toy_round()
        count = len(_entries())
        with pytest.raises(DBAPIError, match="audit_log is append-only") as error:
            db.session.execute(text(statement))
        assert error.value.orig.sqlstate == "42501"  # insufficient_privilege
        db.session.rollback()
        assert len(_entries()) == count and audit.verify() is None


@pytest.mark.services
def test_a_role_granted_as_the_readme_says_runs_gms_but_cannot_touch_the_log(app, make_app):
    """The README's production grants: the app role owns nothing; it writes the log (and
    everything else) but cannot change, remove or empty it, nor switch the triggers off."""
    with app.app_context():
        url = db.engine.url
        role = f"gms_app_{uuid.uuid4().hex[:8]}"
        with db.engine.begin() as conn:
            conn.execute(text(f"CREATE ROLE {role} LOGIN"))
            conn.execute(text(f"GRANT USAGE ON SCHEMA public TO {role}"))
            conn.execute(text(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "
                              f"public TO {role}"))
            conn.execute(text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}"))
            conn.execute(text(f"REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM {role}"))
    as_app = url.set(username=role, password=None)
    try:
        web = make_app({"SQLALCHEMY_DATABASE_URI": as_app.render_as_string(False)})
        with web.app_context():
            toy_round()  # every service works with these grants
            assert audit.verify() is None
            db.engine.dispose()
        engine = create_engine(as_app)
        try:
            for statement, refusal in [
                    ("UPDATE audit_log SET action = 'forged'", "permission denied"),
                    ("DELETE FROM audit_log", "permission denied"),
                    ("TRUNCATE audit_log", "permission denied"),
                    ("ALTER TABLE audit_log DISABLE TRIGGER USER", "must be owner"),
                    ("SET session_replication_role = replica", "permission denied")]:
                with engine.connect() as conn, pytest.raises(DBAPIError, match=refusal):
                    conn.execute(text(statement))
        finally:
            engine.dispose()
    finally:
        with app.app_context(), db.engine.begin() as conn:
            conn.execute(text(f"DROP OWNED BY {role}"))
            conn.execute(text(f"DROP ROLE {role}"))


# ----------------------------------------------------------------------------- keyed chain

def test_a_chain_rebuilt_without_the_key_is_found_with_no_anchor(app, runner):
    """The forger changes entry 3 and recomputes every hash from it on, the way the chain
    used to be computed (plain SHA-256): without the key, verify names entry 3, though no
    anchor was ever written."""
    with app.app_context():
        toy_round()
        assert not Path(app.config["AUDIT_ANCHOR_FILE"]).exists()
        as_table_owner()
        prev = None
        for entry in _entries():
            if entry.id == 3:
                entry.payload = {"eligible": False, "forged": True}
            if entry.id >= 3:
                entry.prev_hash = prev
                entry.hash = _plain_sha256(prev, entry)
            prev = entry.hash
        db.session.commit()
        assert audit.verify() == 3
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and "broken at entry 3" in result.output


def test_a_chain_rebuilt_from_the_start_with_another_key_is_found(app):
    import hmac

    with app.app_context():
        toy_round()
        as_table_owner()
        prev = audit.GENESIS
        for entry in _entries():
            entry.prev_hash = prev
            entry.hash = prev = hmac.new(b"a guessed key", _body(prev, entry),
                                         hashlib.sha256).hexdigest()
        db.session.commit()
        assert audit.verify() == 1


def test_the_chain_is_an_hmac_under_the_configured_key(make_app):
    key = "k" * 40
    app = make_app({"AUDIT_HMAC_KEY": key})
    with app.app_context():
        audit.record("test.keyed")
        db.session.commit()
        entry = _entries()[0]
        import hmac

        assert entry.hash == hmac.new(key.encode(), _body(audit.GENESIS, entry),
                                      hashlib.sha256).hexdigest()
        assert entry.hash != _plain_sha256(audit.GENESIS, entry)
        assert audit.verify() is None
        app.config["AUDIT_HMAC_KEY"] = "another key, as after a change of key"
        assert audit.verify() == entry.id


def test_the_key_is_required_in_production_and_derived_elsewhere(make_app, monkeypatch):
    from gms.app import derived_audit_hmac_key

    production = {"SQLALCHEMY_DATABASE_URI": "postgresql://gms@db.example.org/gms",
                  "BROKER_URL": "redis://127.0.0.1:6379/9", "SECRET_KEY": "s" * 64,
                  "BASE_URL": "https://grants.example.kg", "PLUGINS": []}
    for key in (None, "short", "s" * 64):  # unset, too short, the same as SECRET_KEY
        with pytest.raises(RuntimeError, match="AUDIT_HMAC_KEY must be set in production"):
            make_app({**production, "AUDIT_HMAC_KEY": key}, test_defaults=False)
    app = make_app({**production, "AUDIT_HMAC_KEY": "a" * 64}, test_defaults=False)
    assert app.config["AUDIT_HMAC_KEY"] == "a" * 64
    # development and tests: derived from SECRET_KEY, but not SECRET_KEY itself
    dev = make_app({"SECRET_KEY": "dev-key", "PLUGINS": []}, test_defaults=False)
    assert dev.config["AUDIT_HMAC_KEY"] == derived_audit_hmac_key("dev-key") != "dev-key"
    assert len(dev.config["AUDIT_HMAC_KEY"]) == 64


# --------------------------------------------------------------------------- signed anchors

def _rewrite_anchor(path: Path, **changes) -> None:
    lines = path.read_text().splitlines()
    row = json.loads(lines[-1])
    row.update(changes)
    lines[-1] = json.dumps(row)
    path.write_text("\n".join(lines) + "\n")


def test_an_edited_anchor_file_is_reported(app, runner, clock):
    """The forger cuts the newest entries off the log and edits the anchor to name the new
    last entry: the anchor's signature no longer matches."""
    with app.app_context():
        toy_round()
        mark = audit.anchor(clock())
        assert mark.sig and audit.read_anchors() == [mark]
        path = Path(app.config["AUDIT_ANCHOR_FILE"])
        assert json.loads(path.read_text())["sig"] == mark.sig
        as_table_owner()
        db.session.execute(text(f"DELETE FROM audit_log WHERE id >= {mark.id - 1}"))
        db.session.commit()
        newest = _entries()[-1]
        assert audit.verify() is None  # the chain alone cannot show a cut end
        _rewrite_anchor(path, id=newest.id, hash=newest.hash)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "audit-anchors.jsonl:1: the anchor's signature does not match" in result.output


def test_an_unsigned_or_re_signed_anchor_is_reported(app, runner, clock):
    with app.app_context():
        toy_round()
        mark = audit.anchor(clock())
        path = Path(app.config["AUDIT_ANCHOR_FILE"])
        _rewrite_anchor(path, sig=None)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and "audit-anchors.jsonl:1: the anchor is not signed" in (
        result.output)
    # signed with a key the forger made up
    with app.app_context():
        app.config["AUDIT_HMAC_KEY"], real = "made-up key", app.config["AUDIT_HMAC_KEY"]
        forged = audit._signature(mark.at, mark.id, mark.hash)
        app.config["AUDIT_HMAC_KEY"] = real
        _rewrite_anchor(path, sig=forged)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and "signature does not match" in result.output
    with app.app_context():
        _rewrite_anchor(path, sig="подпись")  # any text: a clear message, no traceback
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and "signature does not match" in result.output
    with app.app_context():
        _rewrite_anchor(path, sig=mark.sig)
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0


# ------------------------------------------------------------------ anchors at start, publish

def test_an_anchor_is_written_when_a_worker_becomes_ready(app):
    """Celery's worker_ready signal (what `celery worker` sends once it is up) anchors the
    log at once, not an hour later; a log with nothing new is not anchored twice."""
    from celery.signals import worker_ready

    consumer = _Consumer(app.extensions["celery"])
    with app.app_context():
        toy_round()
        newest = _entries()[-1]
    worker_ready.send(sender=consumer)
    with app.app_context():
        assert [(a.id, a.hash) for a in audit.read_anchors()] == [(newest.id, newest.hash)]
    worker_ready.send(sender=consumer)
    with app.app_context():
        assert len(audit.read_anchors()) == 1


def test_a_failed_start_up_anchor_is_logged_not_raised(app, tmp_path, caplog):
    from celery.signals import worker_ready

    app.config["AUDIT_ANCHOR_FILE"] = str(tmp_path / "a-file" / "anchors.jsonl")
    (tmp_path / "a-file").write_text("a file where a folder should be")
    with app.app_context():
        toy_round()
    worker_ready.send(sender=_Consumer(app.extensions["celery"]))
    assert "the anchor could not be written" in caplog.text


@pytest.mark.services
def test_a_real_worker_anchors_the_log_when_it_starts(app, tmp_path):
    from gms.testing.services import start_worker

    with app.app_context():
        toy_round()
        newest = _entries()[-1]
    queue = f"gms-test-{uuid.uuid4().hex[:12]}"
    (tmp_path / "worker").mkdir()
    with start_worker(tmp_path / "worker", queue) as worker:
        path = tmp_path / "worker" / "audit-anchors.jsonl"
        assert path.exists(), worker.log()[-3000:]
        with app.app_context():
            anchors = audit.read_anchors(path)  # signed with the same key
        assert [(a.id, a.hash) for a in anchors] == [(newest.id, newest.hash)]


def test_an_anchor_is_written_after_the_results_are_published(app, clock):
    from gms.evaluation import lifecycle, scoring
    from gms.evaluation.models import Assignment
    from gms.models import Competition

    with app.app_context():
        ids = toy_round(now=clock())
        later = clock() + timedelta(hours=3)
        for assignment in db.session.scalars(db.select(Assignment)).all():
            scoring.save_review(declared(assignment, later),
                                   {"impact": Decimal(6), "cost": 2}, {}, "", submit=True,
                                   now=later)
        call = db.session.get(Competition, ids["call"])
        with app.test_request_context():
            lifecycle.advance(call, "decide", now=later, actor_id=ids["staff"])
            assert audit.read_anchors() == []  # deciding is not publishing
            lifecycle.advance(call, "publish", now=later, actor_id=ids["staff"])
        published = db.session.scalar(db.select(AuditEntry).where(
            AuditEntry.action == "call.publish"))
        anchors = audit.read_anchors()
        assert anchors and anchors[-1].id >= published.id


# ------------------------------------------------------------------ the re-keying migration

def test_the_migration_re_keys_an_old_chain_and_keeps_its_faults(
        make_app, tmp_path, empty_database_url):  # noqa: F811 - the fixture imported above
    """A log chained with plain SHA-256 (before this revision), one entry of it tampered with,
    and its anchor file: after the upgrade the chain is keyed, verify names the same entry,
    and the anchors are signed and still match (the one of a changed entry stays lost)."""
    from gms.app import derived_audit_hmac_key

    anchors = tmp_path / "anchors.jsonl"
    app = make_app({"SQLALCHEMY_DATABASE_URI": empty_database_url,
                    "AUDIT_ANCHOR_FILE": str(anchors), "PLUGINS": []})
    with app.app_context():
        flask_migrate.upgrade(revision="d4dfc11edd3d")  # the revision before
        prev, lines = audit.GENESIS, []
        for i in range(1, 7):
            entry = AuditEntry(id=i, at=audit.utcnow(), actor_id=None, action=f"old.{i}",
                               object_type="system", object_id=None, payload={"i": i})
            entry.prev_hash, entry.hash = prev, _plain_sha256(prev, entry)
            prev = entry.hash
            db.session.add(entry)
            lines.append(json.dumps({"at": "2026-12-01T10:00:00", "id": i, "hash": prev}))
        db.session.commit()
        anchors.write_text(f"{lines[1]}\n{lines[4]}\n")  # entries 2 and 5 anchored
        # entry 3 changed (the chain shows it); entry 5 forged and the chain rebuilt from it
        # (only the anchor shows it)
        db.session.execute(text("UPDATE audit_log SET payload = '{\"i\": 99}' WHERE id = 3"))
        prev = None
        for entry in _entries():
            if entry.id == 5:
                entry.payload = {"i": "forged"}
            if entry.id >= 5:
                entry.prev_hash, entry.hash = prev, _plain_sha256(prev, entry)
            prev = entry.hash
        db.session.commit()
        flask_migrate.upgrade(revision="4599d273e6b3")
        assert app.config["AUDIT_HMAC_KEY"] == derived_audit_hmac_key("test-secret-key")
        entries = _entries()
        assert not any(e.hash == _plain_sha256(e.prev_hash, e) for e in entries)
        assert audit.verify() == 3  # the changed entry is still the first fault
        converted = audit.read_anchors()  # signed now
        assert [a.id for a in converted] == [2, 5]
        assert converted[0].hash == entries[1].hash  # entry 2's anchor follows its new hash
        assert audit.lost_anchor(converted) == converted[1]  # entry 5's forgery is still seen
        assert (anchors.with_name("anchors.jsonl.before-hmac").read_text()
                == f"{lines[1]}\n{lines[4]}\n")
        with pytest.raises(DBAPIError, match="append-only"):
            db.session.execute(text("DELETE FROM audit_log"))
        db.session.rollback()
        # and back: the plain chain again, the same fault
        flask_migrate.downgrade(revision="d4dfc11edd3d")
        entries = _entries()
        assert [e.hash == _plain_sha256(e.prev_hash, e) for e in entries] == [
            True, True, False, True, True, True]
        db.session.execute(text("DELETE FROM audit_log WHERE id = 6"))  # no trigger now
        db.session.commit()
