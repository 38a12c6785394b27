"""List pages make the same number of queries whatever the number of rows (no N+1)."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import event

from gms.extensions import db

from .helpers import login, toy_round
from .toy_competition import TOY

pytestmark = [pytest.mark.gms_plugins(), pytest.mark.gms_config(**TOY)]


@contextmanager
def count_queries(app):
    with app.app_context():
        engine = db.engine
    seen: list[str] = []

    def before(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", before)


def _pages(ids):
    call = ids["call"]
    return {
        "a@x.kg": ["/my"],
        "m1@x.kg": ["/review/"],
        "staff@x.kg": ["/", "/staff/", f"/staff/calls/{call}/applications",
                       f"/staff/calls/{call}/ranking", "/staff/outbox", "/staff/audit",
                       f"/calls/{call}"],
    }


def _measure(app, client, ids) -> dict[str, int]:
    counts = {}
    for email, urls in _pages(ids).items():
        login(client, email)
        for url in urls:
            with count_queries(app) as seen:
                r = client.get(url)
            assert r.status_code == 200, url
            counts[url] = len(seen)
    return counts


def _grow(ids, k: int) -> None:
    """Add ``k`` more eligible, assigned, scored applications per organisation, and mail."""
    from datetime import UTC, datetime

    from gms.models import Application, Assignment, OutboxMessage

    now = datetime.now(UTC)
    template = db.session.get(Application, ids["apps_a"][0])
    for org_id in (template.organisation_id, db.session.get(
            Application, ids["apps_b"][0]).organisation_id):
        for i in range(k):
            a = Application(competition_id=ids["call"], organisation_id=org_id,
                            status="eligible", title=f"extra {i}", answers={"summary": "x"},
                            requested_amount=1000 + i, created_by_id=ids["a"],
                            submitted_at=now, number=f"X-{org_id}-{i}")
            db.session.add(a)
            db.session.flush()
            db.session.add(Assignment(application_id=a.id, reviewer_id=ids["m1"],
                                      assigned_by_id=ids["staff"], status="submitted",
                                      total=10 + i, submitted_at=now))
            db.session.add(OutboxMessage(key=f"k{org_id}-{i}", recipient="x@x.kg",
                                         subject="s", body="b"))
    db.session.commit()


def test_list_pages_query_count_is_constant(app, client):
    with app.app_context():
        ids = toy_round(n_per_org=1)
    small = _measure(app, client, ids)
    with app.app_context():
        _grow(ids, 30)
    large = _measure(app, client, ids)
    assert large == small, {u: (small[u], large[u]) for u in small if small[u] != large[u]}
    assert max(small.values()) <= 12, small
