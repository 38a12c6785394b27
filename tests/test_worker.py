"""A real Celery worker on Redis delivers the outbox and closes calls (PostgreSQL).

Run by .ci/run's second pass (GMS_TEST_DATABASE_URL, GMS_TEST_BROKER_URL); skipped
elsewhere, failed when CI is set without them.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from gms.extensions import db
from gms.models import AuditEntry, Competition, OutboxMessage

pytestmark = pytest.mark.services

TIMEOUT = 20.0


@pytest.fixture
def app_config(app_config, celery_worker_process):
    """Send tasks to the worker instead of running them in the test process."""
    return {**app_config, **celery_worker_process.app_config}


def wait_for(app, check, worker, what: str):
    """Poll ``check()`` (in a fresh transaction each time) until it is truthy."""
    deadline = time.monotonic() + TIMEOUT
    while True:
        with app.app_context():
            result = check()
        if result:
            return result
        if worker.process.poll() is not None:
            pytest.fail(f"the worker died:\n{worker.log()[-3000:]}")
        if time.monotonic() > deadline:
            pytest.fail(f"{what} within {TIMEOUT:.0f} s; worker log:\n{worker.log()[-3000:]}")
        time.sleep(0.2)


def test_the_app_sends_to_the_broker(app):
    conf = app.extensions["celery"].conf
    assert conf.task_always_eager is False
    assert conf.broker_url.startswith("redis://")
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg://")


def test_worker_delivers_an_outbox_message(app, celery_worker_process):
    from gms.services import notify
    from gms.services.common import commit

    with app.app_context():
        msg = notify.send(key="test:worker:1", recipient="someone@example.org",
                          subject="Hello", body="From the worker test.")
        message_id = msg.id
        commit()
        assert db.session.get(OutboxMessage, message_id).sent_at is None

    def sent():
        row = db.session.get(OutboxMessage, message_id)
        return row if row.sent_at is not None else None

    row = wait_for(app, sent, celery_worker_process, "the message was not delivered")
    assert row.attempts == 1
    assert abs(row.sent_at - datetime.now(UTC)) < timedelta(minutes=1)


def test_worker_closes_calls_past_their_deadline(app, celery_worker_process):
    now = datetime.now(UTC)
    with app.app_context():
        due = Competition(type_key="small_grants", status="open", title={"en": "Past due"},
                          budget=Decimal("100000"), opens_at=now - timedelta(days=10),
                          deadline_at=now - timedelta(minutes=5))
        running = Competition(type_key="small_grants", status="open", title={"en": "Open"},
                              budget=Decimal("100000"), opens_at=now - timedelta(days=1),
                              deadline_at=now + timedelta(days=5))
        db.session.add_all([due, running])
        db.session.commit()
        due_id, running_id = due.id, running.id

    app.extensions["celery"].tasks["gms.close_due_calls"].delay()

    def closed():
        return db.session.get(Competition, due_id).status == "closed"

    wait_for(app, closed, celery_worker_process, "the call was not closed")
    with app.app_context():
        assert db.session.get(Competition, running_id).status == "open"
        # the test made both calls behind the services' back: that write is on record as
        # records.written (the tamper evidence); the schedule closed the call once
        actions = db.session.scalars(select(AuditEntry.action).where(
            AuditEntry.object_id == due_id, AuditEntry.object_type == "competitions",
            AuditEntry.action != "records.written")).all()
        assert actions == ["call.close"]
