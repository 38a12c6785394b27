"""A draft is submitted once: the status changes by ``UPDATE ... WHERE status = 'draft'``, so a
second submission of the same draft (a double click, two tabs) is refused, not applied twice.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from gms.extensions import db
from gms.models import Application, AuditEntry, Competition, EligibilityCheck, User
from gms.services import applications as apps
from gms.services import audit
from gms.services.common import ServiceError

from .helpers import toy_round
from .toy_competition import TOY

pytestmark = [pytest.mark.gms_plugins(), pytest.mark.gms_config(**TOY)]

ANSWERS = {"title": "Second try", "requested_amount": "1000", "summary": "long enough summary"}


def _draft(app) -> tuple[int, int]:
    """A draft of applicant a in an open toy call: (application id, user id)."""
    with app.app_context():
        ids = toy_round(n_per_org=0, status="open")
        user = db.session.get(User, ids["a"])
        draft = apps.start_application(db.session.get(Competition, ids["call"]), user,
                                       datetime.now(UTC))
        return draft.id, user.id


def _written(app, app_id: int) -> tuple[int, int, str]:
    """Eligibility checks and "submitted" audit entries of the application, and its status."""
    with app.app_context():
        checks = db.session.scalar(select(func.count()).select_from(EligibilityCheck).where(
            EligibilityCheck.application_id == app_id))
        entries = db.session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "application.submitted", AuditEntry.object_id == app_id))
        return checks, entries, db.session.get(Application, app_id).status


def test_a_submission_on_a_stale_draft_is_refused_and_writes_nothing(app):
    app_id, user_id = _draft(app)
    with app.test_request_context():
        application = db.session.get(Application, app_id)
        user = db.session.get(User, user_id)
        assert application.status == "draft"
        # meanwhile another request submitted it (its own connection, committed)
        with db.engine.begin() as other:
            other.execute(update(Application.__table__).where(
                Application.__table__.c.id == app_id).values(status="submitted",
                                                             number="won-elsewhere"))
        with pytest.raises(ServiceError) as refused:
            apps.submit(application, ANSWERS, user, datetime.now(UTC))
        assert refused.value.status == 409
        assert "already submitted" in refused.value.message
    checks, entries, status = _written(app, app_id)
    assert (checks, entries, status) == (0, 0, "submitted")
    with app.app_context():
        assert db.session.get(Application, app_id).number == "won-elsewhere"
        assert audit.verify() is None


def test_submit_returns_the_number_and_the_hook_gets_the_checked_answers(app):
    seen = []

    class Listener:
        from gms.hooks import hookimpl

        @hookimpl
        def gms_application_status_changed(self, application, old_status, new_status):
            seen.append((application.id, application.answers["title"], old_status,
                         new_status))

    app.extensions["gms.plugins"].register(Listener(), "listener")
    app_id, user_id = _draft(app)
    with app.test_request_context():
        application = db.session.get(Application, app_id)
        number = apps.submit(application, ANSWERS, db.session.get(User, user_id),
                             datetime.now(UTC))
        assert number == f"{application.competition_id:03d}-{app_id:05d}"
    assert seen == [(app_id, "Second try", "draft", "submitted")]
    checks, entries, status = _written(app, app_id)
    assert checks >= 1 and entries == 1 and status == "submitted"


@pytest.mark.services
def test_two_submissions_of_one_draft_at_once_submit_it_once(app):
    """PostgreSQL: both requests read the draft, then both submit; the second UPDATE waits for
    the first to commit, finds the status changed and is refused."""
    app_id, user_id = _draft(app)
    with app.app_context():
        assert db.engine.dialect.name == "postgresql"
    barrier = threading.Barrier(2, timeout=20)
    results: list[str] = []

    def request() -> None:
        with app.test_request_context():
            try:
                application = db.session.get(Application, app_id)
                user = db.session.get(User, user_id)
                assert application.status == "draft"
                barrier.wait()
                results.append(apps.submit(application, ANSWERS, user,
                                           datetime.now(UTC) + timedelta(seconds=1)))
            except ServiceError as exc:
                results.append(exc.message)
            except Exception as exc:  # noqa: BLE001 - reported by the assertion below
                results.append(f"unexpected {exc!r}")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=request) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not any(t.is_alive() for t in threads)
    numbers = [r for r in results if r.endswith(f"-{app_id:05d}")]
    assert len(numbers) == 1, results
    assert any("already submitted" in r for r in results), results
    checks, entries, status = _written(app, app_id)
    assert entries == 1 and status == "submitted" and checks >= 1
    with app.app_context():
        assert audit.verify() is None
