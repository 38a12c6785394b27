"""Issue 15, finding 6: result letters were lost when the worker died (the letters task was
acknowledged on start: 20 of 90 written, never resumed) or when the broker was down
(publishing answered 500 after committing; no letter was ever written; publishing could not
be repeated).

Publishing now writes one letter job per applicant in the publication's own transaction
(the outbox pattern); the letters task (acknowledged late) and the periodic
``gms.resume_letters`` write them one per transaction. The SQLite tests run Celery eagerly;
those marked ``services`` use PostgreSQL, Redis and real worker processes, one of them killed
with SIGKILL half-way through the letters.
"""

from __future__ import annotations

import hashlib
import os
import signal
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import create_engine, func, select, text

from gms.evaluation.models import Award
from gms.extensions import db
from gms.models import Application, Attachment, AuditEntry, Competition, LetterJob, OutboxMessage
from gms.testing.services import forget_queue, start_worker
from gms.testing.support import broker_url, sqlalchemy_url
from gms.testing.users import login

APPLICANTS = 12
#: a broker nobody listens on: publishing to it fails at once (connection refused)
DEAD_BROKER = {"BROKER_URL": "redis://127.0.0.1:1/0", "RATELIMIT_STORAGE_URI": "memory://"}


def _decided_call(make_user, n: int = APPLICANTS) -> tuple[int, SimpleNamespace, list[int]]:
    """A small-grants call in "decided" with ``n`` submitted applications of ``n``
    organisations, each with its award (funded, reserve, not funded): ready to publish.
    Returns the call's id, the staff member (e-mail and password, to log in) and the
    applications' ids."""
    from gms.services.contract import freeze

    now = datetime.now(UTC)
    staff = make_user("staff")
    call = Competition(type_key="small_grants", status="decided",
                       title={"en": "Letters call", "ru": "Письма"}, description={},
                       oblasts=[], opens_at=now - timedelta(days=40),
                       deadline_at=now - timedelta(days=20), budget=Decimal("1000000"),
                       appeal_days=14)
    db.session.add(call)
    db.session.flush()
    freeze(call)
    ids = []
    for i in range(n):
        user = make_user("applicant")
        application = Application(
            competition_id=call.id, organisation_id=user.organisation_id,
            number=f"L-{uuid.uuid4().hex[:8]}", status="eligible", title=f"Project {i}",
            answers={}, language="ru", requested_amount=Decimal("50000"),
            created_by_id=user.id, submitted_at=now - timedelta(days=21))
        db.session.add(application)
        db.session.flush()
        outcome = "funded" if i < n // 2 else ("reserve" if i == n // 2 else "not_funded")
        db.session.add(Award(competition_id=call.id, application_id=application.id,
                             outcome=outcome, rank=i + 1, score=Decimal(90 - i),
                             amount=Decimal("50000") if outcome == "funded" else Decimal(0),
                             reason="", decided_by_id=staff.id, decided_at=now))
        ids.append(application.id)
    staff_login = SimpleNamespace(email=staff.email, plain_password=staff.plain_password)
    db.session.commit()
    return call.id, staff_login, ids


def _publish(client, call_id: int):
    return client.post(f"/staff/calls/{call_id}/advance",
                       data={"action": "publish", "confirm": "y"})


def _as_staff(client, staff: SimpleNamespace) -> None:
    login(client, staff)
    client.get("/lang/en")  # the pages in English, whatever the catalogs say


def _letters_per_application(call_id: int) -> Counter:
    return Counter(db.session.scalars(select(Attachment.application_id).join(
        Application, Application.id == Attachment.application_id).where(
        Application.competition_id == call_id, Attachment.kind == "result_letter")))


def _mails_per_key(call_id: int) -> Counter:
    return Counter(db.session.scalars(select(OutboxMessage.key).where(
        OutboxMessage.key.like(f"result:{call_id}:%"))))


def _pending(call_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(LetterJob).where(
        LetterJob.competition_id == call_id, LetterJob.done_at.is_(None)))


def _assert_one_letter_each(call_id: int, app_ids: list[int]) -> None:
    """Every applicant has exactly one stored letter, one e-mail, and a finished job."""
    letters = _letters_per_application(call_id)
    assert set(letters) == set(app_ids) and set(letters.values()) == {1}, letters
    mails = _mails_per_key(call_id)
    assert set(mails) == {f"result:{call_id}:{a}" for a in app_ids}, mails
    assert set(mails.values()) == {1}, mails
    jobs = db.session.scalars(select(LetterJob).where(LetterJob.competition_id == call_id)).all()
    assert sorted(j.application_id for j in jobs) == sorted(app_ids)
    assert all(j.done_at is not None and j.attachment_id for j in jobs)


def _assert_files_whole(app, call_id: int) -> None:
    """Each letter's file is there, whole (its SHA-256 as recorded), with no orphan or
    half-written file beside it."""
    folder = Path(app.config["UPLOAD_FOLDER"])
    rows = db.session.scalars(select(Attachment).join(
        Application, Application.id == Attachment.application_id).where(
        Application.competition_id == call_id, Attachment.kind == "result_letter")).all()
    for row in rows:
        data = (folder / row.stored_name).read_bytes()
        assert data.startswith(b"%PDF") and hashlib.sha256(data).hexdigest() == row.sha256
    assert sorted(p.name for p in folder.iterdir()) == sorted(r.stored_name for r in rows)


# ----------------------------------------------------------------- eager (SQLite) tests


def test_publishing_queues_one_letter_job_per_applicant_in_its_transaction(
        app, client, make_user):
    with app.app_context():
        call_id, staff, app_ids = _decided_call(make_user, 4)
    _as_staff(client, staff)
    r = _publish(client, call_id)
    assert r.status_code == 302
    with app.app_context():
        assert db.session.get(Competition, call_id).status == "published"
        _assert_one_letter_each(call_id, app_ids)
        _assert_files_whole(app, call_id)
        actions = list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
        assert actions.count("letter.written") == 4 and "letters.queued" in actions
        # the publication and its letter jobs are one transaction, before any letter
        assert actions.index("letters.queued") < actions.index("letter.written")
        # the audit log is anchored once the publication (and its letters) are done
        from gms.services.audit import read_anchors

        newest = db.session.scalar(select(func.max(AuditEntry.id)))
        assert read_anchors()[-1].id == newest
    page = client.get(f"/staff/calls/{call_id}").get_data(as_text=True)
    assert "4 written, 0 pending" in page


def test_publishing_with_the_broker_down_completes_and_the_letters_follow(
        make_app, app, client, make_user, runner):
    """Was: HTTP 500 after the commit, no letter ever, and publishing could not be
    repeated. Now: the publication (and its letter jobs) commits, the staff member is told
    the letters will follow, and ``gms letters resume`` (or the periodic task) writes them."""
    down = make_app(DEAD_BROKER)
    with app.app_context():
        call_id, staff, app_ids = _decided_call(make_user, 3)
    staff_client = down.test_client()
    _as_staff(staff_client, staff)
    started = time.monotonic()
    r = _publish(staff_client, call_id)
    assert r.status_code == 302, r.status_code
    assert time.monotonic() - started < 10
    page = staff_client.get(r.headers["Location"]).get_data(as_text=True)
    assert "3 result letters are still being written" in page
    assert "0 written, 3 pending" in page
    with down.app_context():
        call = db.session.get(Competition, call_id)
        assert call.status == "published" and call.published_at is not None
        assert {a.status for a in db.session.scalars(select(Application).where(
            Application.id.in_(app_ids)))} == {"funded", "reserve", "not_funded"}
        assert _pending(call_id) == 3 and not _letters_per_application(call_id)
    # the broker is back (the eager app): the operator's resume, or the beat's task
    result = runner.invoke(args=["letters", "status"])
    assert f"call {call_id}: 0 written, 3 pending" in result.output
    result = runner.invoke(args=["letters", "resume"])
    assert result.exit_code == 0 and "3 letters written" in result.output, result.output
    with app.app_context():
        _assert_one_letter_each(call_id, app_ids)
        _assert_files_whole(app, call_id)
    assert "3 written, 0 pending" in staff_client.get(
        f"/staff/calls/{call_id}").get_data(as_text=True)


def test_resuming_twice_still_gives_one_letter_per_applicant(make_app, app, make_user,
                                                              runner):
    down = make_app(DEAD_BROKER)
    with app.app_context():
        call_id, staff, app_ids = _decided_call(make_user, 3)
    client = down.test_client()
    _as_staff(client, staff)
    assert _publish(client, call_id).status_code == 302
    with app.app_context():
        # a worker died after writing the first letter's file, before its commit
        first = db.session.scalar(select(LetterJob).where(LetterJob.competition_id == call_id)
                                  .order_by(LetterJob.id).limit(1))
        (Path(app.config["UPLOAD_FOLDER"]) / first.stored_name).write_bytes(b"%PDF-1.4 cut")
    for _n in range(2):
        assert runner.invoke(args=["letters", "resume", "--call", str(call_id)]).exit_code == 0
    with app.app_context():
        from gms.services import letters

        assert letters.resume() == 0
        assert letters.send_result_letters(call_id) == 0
        assert app.extensions["celery"].tasks["gms.resume_letters"].delay().get() == 0
        assert app.extensions["celery"].tasks["gms.result_letters"].delay(call_id).get() == 0
        _assert_one_letter_each(call_id, app_ids)
        _assert_files_whole(app, call_id)  # the cut file was replaced, not left beside
        assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "letter.written")) == 3
        assert letters.progress(db.session.get(Competition, call_id)) == (3, 0, 0)
    bad = runner.invoke(args=["letters", "resume", "--call", "999"])
    assert bad.exit_code != 0 and "not a published call" in bad.output


def test_a_failing_letter_stays_pending_with_its_error_and_the_others_are_written(
        make_app, app, make_user):
    down = make_app(DEAD_BROKER)
    with app.app_context():
        call_id, staff, app_ids = _decided_call(make_user, 3)
    client = down.test_client()
    _as_staff(client, staff)
    assert _publish(client, call_id).status_code == 302
    with app.app_context():
        from gms.services import letters

        # a real fault: the second letter's file cannot be written (a directory is there)
        broken = db.session.scalar(select(LetterJob).where(
            LetterJob.application_id == app_ids[1]))
        blocker = Path(app.config["UPLOAD_FOLDER"]) / (broken.stored_name + ".part")
        blocker.mkdir()
        assert letters.resume() == 2
        assert set(_letters_per_application(call_id)) == {app_ids[0], app_ids[2]}
        job = db.session.scalar(select(LetterJob).where(LetterJob.application_id == app_ids[1]))
        assert job.done_at is None and "IsADirectoryError" in job.error and job.attempts == 1
        call = db.session.get(Competition, call_id)
        assert letters.progress(call) == (2, 1, 1)
    assert "1 failed and will be tried again" in client.get(
        f"/staff/calls/{call_id}").get_data(as_text=True)
    blocker.rmdir()
    with app.app_context():
        assert letters.resume() == 1
        _assert_one_letter_each(call_id, app_ids)
        _assert_files_whole(app, call_id)


def test_the_letters_task_is_acknowledged_late_and_resumed_by_the_beat(app):
    tasks = app.extensions["celery"].tasks
    for name in ("gms.result_letters", "gms.resume_letters"):
        assert tasks[name].acks_late and tasks[name].reject_on_worker_lost, name
    schedule = app.extensions["celery"].conf.beat_schedule
    assert schedule["gms.resume_letters"]["task"] == "gms.resume_letters"
    assert schedule["gms.resume_letters"]["schedule"] <= 300


# ---------------------------------------------------- PostgreSQL, Redis, real workers


@pytest.fixture
def queue():
    name = f"gms-letters-{uuid.uuid4().hex[:10]}"
    yield name
    forget_queue(broker_url(), name)


@pytest.fixture
def app_config(app_config, request):
    """The services tests send tasks to their own queue on Redis; a killed worker's task
    comes back after 2 s (the broker's visibility timeout), not an hour."""
    if not request.node.get_closest_marker("services") or not broker_url():
        return app_config
    name = request.getfixturevalue("queue")
    return {**app_config, "BROKER_URL": broker_url(),
            "CELERY": {"task_default_queue": name,
                       "broker_transport_options": {"visibility_timeout": 2}}}


def _worker(tmp_path: Path, queue: str, app, pool: str = "solo"):
    """A worker on this test's queue, writing letters into the test app's upload folder."""
    root = tmp_path / f"worker-{uuid.uuid4().hex[:6]}"
    root.mkdir()
    return start_worker(root, queue, pool=pool, env={
        "GMS_UPLOAD_FOLDER": app.config["UPLOAD_FOLDER"],
        "GMS_CELERY": f'{{"task_default_queue": "{queue}", '
                      f'"broker_transport_options": {{"visibility_timeout": 2}}}}'})


def _wait(check, what: str, worker=None, timeout: float = 45.0):
    deadline = time.monotonic() + timeout
    while not (result := check()):
        if time.monotonic() > deadline:
            pytest.fail(what + ("\n" + worker.log()[-3000:] if worker else ""))
        time.sleep(0.1)
    return result


def _in(app, fn):
    with app.app_context():
        return fn()


@pytest.mark.services
def test_a_worker_killed_while_writing_letters_leaves_each_applicant_one_letter(
        app, client, make_user, tmp_path, queue):
    with app.app_context():
        call_id, staff, app_ids = _decided_call(make_user)
    _as_staff(client, staff)
    assert _publish(client, call_id).status_code == 302  # the task waits in the queue
    assert _in(app, lambda: _pending(call_id)) == APPLICANTS
    # hold the sixth applicant's row: the worker writes five letters, then waits on it
    # (storing the sixth letter's row needs the lock) with the sixth file already written
    engine = create_engine(sqlalchemy_url(os.environ["GMS_TEST_DATABASE_URL"]))
    holder = engine.connect()
    holder.begin()
    holder.execute(text("SELECT id FROM applications WHERE id = :id FOR UPDATE"),
                   {"id": app_ids[5]})
    try:
        with _worker(tmp_path, queue, app) as first:
            _wait(lambda: _in(app, lambda: sum(_letters_per_application(call_id).values()))
                  == 5, "the worker did not write the first five letters", first)
            time.sleep(0.5)
            os.killpg(first.process.pid, signal.SIGKILL)  # half-way, no warning
            first.process.wait(10)
    finally:
        holder.rollback()
        holder.close()
    with app.app_context():
        assert sum(_letters_per_application(call_id).values()) == 5
        assert _pending(call_id) == APPLICANTS - 5

    def lockable() -> bool:  # the dead worker's database session has ended
        with engine.connect() as conn, conn.begin():
            free = conn.execute(text("SELECT id FROM letter_jobs WHERE done_at IS NULL "
                                     "FOR UPDATE SKIP LOCKED")).all()
            return len(free) == APPLICANTS - 5

    _wait(lockable, "the killed worker's transaction was not rolled back")
    engine.dispose()
    with _worker(tmp_path, queue, app) as second:
        # nothing but the redelivery of the killed, unacknowledged task finishes the job
        _wait(lambda: _in(app, lambda: _pending(call_id) == 0),
              "the killed task was not delivered again", second)
        # the beat's resume and a duplicate task change nothing
        tasks = app.extensions["celery"].tasks
        tasks["gms.resume_letters"].delay()
        tasks["gms.result_letters"].delay(call_id)
        time.sleep(3)
        _wait(lambda: _in(app, lambda: db.session.scalar(
            select(func.count()).select_from(OutboxMessage).where(
                OutboxMessage.sent_at.is_(None))) == 0), "e-mails left unsent", second)
        assert "Traceback" not in second.log(), second.log()[-3000:]
    with app.app_context():
        _assert_one_letter_each(call_id, app_ids)
        _assert_files_whole(app, call_id)


@pytest.mark.services
def test_a_pool_process_killed_while_writing_letters_gives_its_task_back(
        app, client, make_user, tmp_path, queue):
    """As production runs it (a prefork pool): the process writing the letters is killed
    (the OOM killer, an operator), the worker survives. Acknowledged on start, the task was
    gone; acknowledged late and rejected on a lost worker, it is run again at once and the
    letters not yet written are written, each once (no periodic resume here)."""
    with app.app_context():
        call_id, staff, app_ids = _decided_call(make_user)
    _as_staff(client, staff)
    with _worker(tmp_path, queue, app, pool="prefork") as worker:
        assert _publish(client, call_id).status_code == 302
        _wait(lambda: _in(app, lambda: sum(_letters_per_application(call_id).values())) >= 3,
              "the worker did not start writing letters", worker)
        children = Path(f"/proc/{worker.process.pid}/task/{worker.process.pid}/children")
        (child,) = [int(pid) for pid in children.read_text().split()]
        os.kill(child, signal.SIGKILL)
        written = _in(app, lambda: sum(_letters_per_application(call_id).values()))
        assert written < APPLICANTS, "too late: every letter was written before the kill"
        _wait(lambda: _in(app, lambda: _pending(call_id) == 0),
              "the task of the killed process was not run again", worker)
        assert "WorkerLostError" in worker.log()
    with app.app_context():
        _assert_one_letter_each(call_id, app_ids)
        _assert_files_whole(app, call_id)


@pytest.mark.services
def test_publishing_with_the_broker_down_then_the_beat_writes_the_letters(
        make_app, app, make_user, tmp_path, queue):
    down = make_app(DEAD_BROKER)
    with app.app_context():
        call_id, staff, app_ids = _decided_call(make_user, 4)
    client = down.test_client()
    _as_staff(client, staff)
    r = _publish(client, call_id)
    assert r.status_code == 302
    with app.app_context():
        assert db.session.get(Competition, call_id).status == "published"
        assert _pending(call_id) == 4 and not _letters_per_application(call_id)
    with _worker(tmp_path, queue, app) as worker:
        app.extensions["celery"].tasks["gms.resume_letters"].delay()  # what beat sends
        _wait(lambda: _in(app, lambda: _pending(call_id) == 0),
              "the periodic task did not write the pending letters", worker)
    with app.app_context():
        _assert_one_letter_each(call_id, app_ids)
        _assert_files_whole(app, call_id)
