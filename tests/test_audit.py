"""The audit log: every state change lands in it, chained by hashes."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from gms.extensions import db
from gms.services import audit

from .helpers import toy_round
from .toy_competition import TOY

pytestmark = [pytest.mark.gms_plugins(), pytest.mark.gms_config(**TOY)]


def test_changed_row_breaks_the_chain_and_cli_reports_it(app, runner):
    with app.app_context():
        toy_round()
        assert audit.verify() is None
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0
    with app.app_context():
        db.session.execute(text(
            "UPDATE audit_log SET payload = '{\"eligible\": false}' WHERE id = 5"))
        db.session.commit()
        assert audit.verify() == 5
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and "entry 5" in result.output


def test_removed_row_breaks_the_chain(app):
    with app.app_context():
        toy_round()
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
