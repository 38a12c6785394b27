"""Background work that survives faults: a worker killed in the middle of sending, a broker
that is down, jobs run twice. A real Celery worker on Redis and PostgreSQL, and a real SMTP
conversation with a small server in this process (``services``: run by .ci/run)."""

from __future__ import annotations

import os
import signal
import socketserver
import threading
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from gms.extensions import db
from gms.models import Competition, OutboxMessage
from gms.testing.services import forget_queue, start_worker
from gms.testing.support import broker_url

pytestmark = pytest.mark.services


class SMTPServer(socketserver.ThreadingTCPServer):
    """Enough of RFC 5321 for smtplib; records each accepted message's Message-ID. While
    ``stall`` is set, a client that says DATA waits for the go-ahead (354) until it is
    cleared: the moment to kill the worker."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _SMTPHandler)
        self.accepted: list[str] = []
        self.stall = threading.Event()
        self.stalled = threading.Event()  # a client is waiting at DATA

    def __enter__(self):
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.stall.clear()
        self.shutdown()
        self.server_close()


class _SMTPHandler(socketserver.StreamRequestHandler):
    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        server: SMTPServer = self.server
        self.reply("220 test ESMTP")
        while line := self.rfile.readline():
            verb = line.decode(errors="replace").strip().split(" ")[0].upper()
            if verb == "DATA":
                while server.stall.is_set():
                    server.stalled.set()
                    time.sleep(0.05)
                self.reply("354 go ahead")
                lines = []
                while (data := self.rfile.readline()) not in (b".\r\n", b""):
                    lines.append(data.decode(errors="replace"))
                if data == b"":
                    return  # the client died mid-message: nothing accepted
                message_id = next(x.split(":", 1)[1].strip() for x in lines
                                  if x.lower().startswith("message-id:"))
                server.accepted.append(message_id)
                self.reply("250 accepted")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 ok")


@pytest.fixture
def queue():
    name = f"gms-faults-{uuid.uuid4().hex[:10]}"
    yield name

    forget_queue(broker_url(), name)


@pytest.fixture
def app_config(app_config, queue):
    """Tasks go to this test's own queue on Redis; e-mail goes out by SMTP."""
    if not broker_url():
        return app_config
    return {**app_config, "BROKER_URL": broker_url(), "MAIL_BACKEND": "smtp",
            "CELERY": {"task_default_queue": queue,
                       # a killed worker's task comes back after 2 s, not an hour
                       "broker_transport_options": {"visibility_timeout": 2}}}


def _worker(tmp_path, queue, smtp: SMTPServer):
    return start_worker(tmp_path, queue, {
        "GMS_MAIL_BACKEND": "smtp", "GMS_SMTP_HOST": "127.0.0.1",
        "GMS_SMTP_PORT": str(smtp.server_address[1]),
        "GMS_CELERY": f'{{"task_default_queue": "{queue}", '
                      f'"broker_transport_options": {{"visibility_timeout": 2}}}}'})


def _queue_messages(app, n: int) -> list[int]:
    from gms.services import notify
    from gms.services.common import commit

    with app.app_context():
        ids = [notify.send(key=f"fault:{uuid.uuid4().hex}", recipient=f"m{i}@example.org",
                           subject=f"Message {i}", body="Exactly once, please.").id
               for i in range(n)]
        commit()
    return ids


def _wait(check, what: str, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while not (result := check()):
        if time.monotonic() > deadline:
            pytest.fail(what)
        time.sleep(0.1)
    return result


def _unsent(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.sent_at.is_(None)))


def test_a_worker_killed_while_sending_leaves_each_message_sent_exactly_once(
        app, tmp_path, queue):
    with SMTPServer() as smtp:
        smtp.stall.set()
        with _worker(tmp_path, queue, smtp) as first:
            ids = _queue_messages(app, 5)
            _wait(smtp.stalled.is_set, "the worker never reached DATA")
            os.killpg(first.process.pid, signal.SIGKILL)  # mid-conversation, no warning
            first.process.wait(10)
        assert smtp.accepted == []
        smtp.stall.clear()
        with _worker(tmp_path, queue, smtp) as second:
            # the killed task comes back (acks_late); the sweeper queues the rest again,
            # which must not send anything twice either
            with app.app_context():
                from gms.services.notify import requeue_unsent

                requeue_unsent(datetime.now(UTC) + timedelta(seconds=1))
            _wait(lambda: _unsent(app) == 0, "messages left unsent after the restart:\n"
                  + second.log()[-3000:])
            time.sleep(3)  # let any redelivered duplicate run
        counts = Counter(smtp.accepted)
        assert len(counts) == 5 and set(counts.values()) == {1}, counts
        with app.app_context():
            rows = db.session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(ids)))
            assert {r.sent_at is not None for r in rows} == {True}


def test_the_same_task_delivered_twice_sends_once(app, tmp_path, queue):
    with SMTPServer() as smtp, _worker(tmp_path, queue, smtp):
        (message_id,) = _queue_messages(app, 1)
        deliver = app.extensions["celery"].tasks["gms.deliver_message"]
        for _n in range(3):
            deliver.delay(message_id)
        _wait(lambda: _unsent(app) == 0, "not delivered")
        time.sleep(1.5)
        assert len(smtp.accepted) == 1


def test_a_broker_that_is_down_loses_no_message(make_app, app, tmp_path, queue):
    """Submitting works while Redis is unreachable; the sweeper sends it later."""
    down = make_app({"BROKER_URL": "redis://127.0.0.1:1/0", "MAIL_BACKEND": "smtp",
                     "CELERY": {"broker_connection_retry": False,
                                "broker_connection_max_retries": 0,
                                "broker_transport_options": {"max_retries": 0}}})
    (message_id,) = _queue_messages(down, 1)  # no exception reaches the caller
    with SMTPServer() as smtp, _worker(tmp_path, queue, smtp):
        with app.app_context():
            from gms.services.notify import requeue_unsent

            assert requeue_unsent(datetime.now(UTC) + timedelta(seconds=1)) == 1
        _wait(lambda: _unsent(app) == 0, "the swept message was not delivered")
        assert len(smtp.accepted) == 1
    with app.app_context():
        assert db.session.get(OutboxMessage, message_id).sent_at is not None


def test_closing_calls_twice_closes_each_once(app):
    from gms.models import AuditEntry
    from gms.services.calls import close_due_calls

    now = datetime.now(UTC)
    with app.app_context():
        db.session.add(Competition(type_key="small_grants", status="open",
                                   title={"en": "Due"}, budget=Decimal("1000"),
                                   opens_at=now - timedelta(days=3),
                                   deadline_at=now - timedelta(minutes=1)))
        db.session.commit()
        assert close_due_calls(now) == 1
        assert close_due_calls(now) == 0
        assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "call.close")) == 1
