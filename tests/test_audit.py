"""The audit log: every state change lands in it, chained by hashes."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from gms.extensions import db
from gms.services import audit

from .helpers import toy_round
from .test_security_audit import as_table_owner
from .toy_competition import TOY

pytestmark = [pytest.mark.gms_plugins(), pytest.mark.gms_config(**TOY)]


def test_changed_row_breaks_the_chain_and_cli_reports_it(app, runner):
    with app.app_context():
        toy_round()
        assert audit.verify() is None
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0
    with app.app_context():
        as_table_owner()  # the app's role cannot (tests/test_security_audit.py)
        db.session.execute(text(
            "UPDATE audit_log SET payload = '{\"eligible\": false}' WHERE id = 5"))
        db.session.commit()
        assert audit.verify() == 5
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and "entry 5" in result.output


def test_removed_row_breaks_the_chain(app):
    with app.app_context():
        toy_round()
        as_table_owner()
        db.session.execute(text("DELETE FROM audit_log WHERE id = 3"))
        db.session.commit()
        assert audit.verify() == 4


def test_an_entry_of_a_rolled_back_transaction_is_never_written(app):
    from gms.models import AuditEntry

    with app.app_context():
        audit.record("test.rolled_back")
        db.session.rollback()
        audit.record("test.kept")
        db.session.commit()
        actions = list(db.session.scalars(db.select(AuditEntry.action)))
        assert actions == ["test.kept"] and audit.verify() is None


@pytest.mark.services
def test_concurrent_writers_keep_one_unbroken_chain(app):
    """Eight threads commit entries at once (PostgreSQL): the chain is taken under a lock at
    commit time, so the id order is the chain order."""
    import threading

    from gms.models import AuditEntry

    errors = []

    def writer(n: int) -> None:
        try:
            with app.app_context():
                for i in range(15):
                    audit.record("test.concurrent", payload={"writer": n, "i": i})
                    db.session.execute(text("SELECT pg_sleep(0.002)"))  # work in between
                    db.session.commit()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(AuditEntry)) == 120
        assert audit.verify() is None


# ----------------------------------------------------------------------------- anchors

def test_entries_removed_from_the_end_are_found_by_the_anchor(app, runner, clock):
    """Deleting the newest entries leaves a valid chain; the anchor written before (in the
    file, and in an e-mail to the auditor) shows the loss."""
    from gms.models import AuditEntry, OutboxMessage

    app.config["AUDIT_ANCHOR_EMAIL"] = "auditor@example.org"
    with app.app_context():
        toy_round()
        newest = db.session.scalar(db.select(db.func.max(AuditEntry.id)))
        mark = audit.anchor(clock())
        assert (mark.id, audit.read_anchors()) == (newest, [mark])
        assert audit.anchor(clock()) is None  # nothing new: no second anchor
        mail = db.session.scalar(db.select(OutboxMessage))
        assert mail.recipient == "auditor@example.org" and mark.hash in mail.body
        audit.record("test.after_the_anchor")
        db.session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "1 anchor(s) checked" in result.output
    with app.app_context():
        # the newest three go, the anchored one among them: the chain alone is still whole
        as_table_owner()
        db.session.execute(text(f"DELETE FROM audit_log WHERE id >= {newest - 1}"))
        db.session.commit()
        assert audit.verify() is None
        assert audit.lost_anchor(audit.read_anchors()) == mark
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and f"lost entry {newest}" in result.output


def test_an_anchored_entry_rewritten_with_a_rebuilt_chain_is_found(app, runner, clock):
    """Someone changes an entry and recomputes every hash after it: the chain verifies,
    the anchored hash no longer matches."""
    from gms.models import AuditEntry

    with app.app_context():
        toy_round()
        mark = audit.anchor(clock())
        as_table_owner()
        prev = audit.GENESIS
        for entry in db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id)):
            if entry.id == 3:
                entry.payload = {"forged": True}
            entry.prev_hash, entry.hash = prev, audit._digest(prev, entry)
            prev = entry.hash
        db.session.commit()
        assert audit.verify() is None and audit.lost_anchor([mark]) == mark


def test_anchor_file_faults_and_the_worker_task(app, runner, tmp_path, clock):
    from gms.tasks import audit_anchor

    bad = tmp_path / "anchors.jsonl"
    with app.app_context():
        sig = audit._signature("2026-11-23T10:00:00", 1, "ab")
    line = {"at": "2026-11-23T10:00:00", "id": 1, "hash": "ab", "sig": sig}
    bad.write_text(json.dumps(line) + "\nnot json\n")
    result = runner.invoke(args=["audit", "verify", "--anchors", str(bad)])
    assert result.exit_code == 1 and "anchors.jsonl:2: not an audit anchor" in result.output
    with app.app_context():
        assert audit_anchor.delay().get() is None  # an empty log: nothing to anchor
        toy_round()
        assert audit_anchor.delay().get() == audit.read_anchors()[-1].id
    assert "gms.audit_anchor" in app.extensions["celery"].conf.beat_schedule
    result = runner.invoke(args=["audit", "anchor"])
    assert result.exit_code == 0 and "nothing new to anchor" in result.output
