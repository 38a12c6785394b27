"""The server's clock decides: late submissions are refused, drafts are kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from gms.extensions import db
from gms.models import Application, Competition
from gms.services import calls

from .helpers import login, toy_round
from .toy_competition import TOY

pytestmark = [pytest.mark.gms_plugins(), pytest.mark.gms_config(**TOY)]


def test_late_submission_is_refused_with_a_clear_message(app, client, clock):
    now = clock()
    with app.app_context():
        ids = toy_round(status="open", now=now)
    login(client, "a@x.kg")
    r = client.post(f"/calls/{ids['call']}/apply")
    draft = int(r.headers["Location"].rsplit("/", 1)[1])
    # one second after the deadline, even before the scheduler closed the call
    clock.set(now + timedelta(hours=1, seconds=1))
    r = client.post(f"/applications/{draft}", data={
        "title": "Late", "requested_amount": "10", "summary": "long enough summary",
        "action": "submit"})
    assert r.status_code == 422
    assert "The deadline has passed" in r.get_data(as_text=True)
    with app.app_context():
        a = db.session.get(Application, draft)
        assert a.status == "draft" and a.answers["title"] == "Late"
        assert db.session.get(Competition, ids["call"]).status == "open"
    # withdrawal is also closed after the deadline
    r = client.post(f"/applications/{ids['apps_a'][0]}/withdraw", follow_redirects=True)
    assert "only before the deadline" in r.get_data(as_text=True)


def test_withdraw_before_deadline(app, client, clock):
    with app.app_context():
        ids = toy_round(status="open", now=clock())
    login(client, "a@x.kg")
    client.post(f"/applications/{ids['apps_a'][0]}/withdraw")
    with app.app_context():
        assert db.session.get(Application, ids["apps_a"][0]).status == "withdrawn"


def test_closing_is_automatic_and_safe_to_repeat(app):
    now = datetime.now(UTC)
    with app.app_context():
        ids = toy_round(status="open", now=now)
        assert calls.close_due_calls(now) == 0
        assert calls.close_due_calls(now + timedelta(hours=1)) == 1
        assert calls.close_due_calls(now + timedelta(hours=1)) == 0
        assert db.session.get(Competition, ids["call"]).status == "closed"


def test_deadline_is_entered_and_shown_in_bishkek_time(app, client):
    with app.app_context():
        ids = toy_round(status="open", now=datetime(2026, 3, 28, 5, 30, tzinfo=UTC))
        call = db.session.get(Competition, ids["call"])
        call.deadline_at = datetime(2026, 3, 28, 11, 30, tzinfo=UTC)  # 17:30 in Bishkek
        db.session.commit()
    client.get("/lang/en")
    page = client.get(f"/calls/{ids['call']}").get_data(as_text=True)
    assert "Mar 28, 2026, 5:30\u202fPM" in page
