"""A whole round through the HTTP interface, role by role, with a competition that exists only
in the tests: the core names no competition and needs no change for a new one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from gms.evaluation.models import Award
from gms.extensions import db
from gms.models import Application, AuditEntry, Competition, OutboxMessage
from gms.services import audit
from gms.tasks import close_due_calls

from .helpers import call_form, created_id, login, make_org, make_user, user_id
from .toy_competition import TOY

pytestmark = [pytest.mark.gms_plugins(), pytest.mark.gms_config(**TOY)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _apply(client, call_id: int, title: str, amount: str, summary: str) -> int:
    r = client.post(f"/calls/{call_id}/apply")
    app_id = created_id(r, r"/applications/(\d+)")
    r = client.post(f"/applications/{app_id}", data={
        "title": title, "requested_amount": amount, "summary": summary, "action": "save"})
    assert r.status_code == 302
    r = client.post(f"/applications/{app_id}/documents",
                    data={"kind": "plan", "file": (__import__("io").BytesIO(PDF), "plan.pdf")},
                    content_type="multipart/form-data")
    assert r.status_code == 302
    r = client.post(f"/applications/{app_id}", data={
        "title": title, "requested_amount": amount, "summary": summary, "action": "submit"})
    assert r.status_code == 302, r.get_data(as_text=True)
    return app_id


def test_toy_competition_full_round(app, client, clock):
    now = clock.set(datetime.now(UTC))
    with app.app_context():
        from gms.services.territories import load_reference

        load_reference()
        org_a, org_b = make_org(soate="41708203814000"), make_org(soate="41708203805000")
        make_user("staff", "staff@x.kg")
        make_user("applicant", "a@x.kg", org_a)
        make_user("applicant", "b@x.kg", org_b)
        for i in (1, 2):
            make_user("commission", f"m{i}@x.kg")

    # staff creates and opens the call
    login(client, "staff@x.kg")
    r = client.post("/staff/calls/new/toy", data=call_form(
        "toy", now - timedelta(hours=1), now + timedelta(days=1), **{"setting-min_summary": "8"}))
    call_id = created_id(r, r"/staff/calls/(\d+)")
    assert client.post(f"/staff/calls/{call_id}/advance", data={"action": "open"}).status_code \
        == 302
    with app.app_context():
        call = db.session.get(Competition, call_id)
        assert call.status == "open" and call.type_version == "7"
        assert [c["key"] for c in call.frozen_sheet["criteria"]] == ["impact", "cost"]
        assert {r["code"] for r in call.frozen_rules} == {
            "toy.summary", "core.applicant_kind", "core.territory"}
        assert call.settings["min_summary"] == 8

    # two applicants apply; the short summary is refused with the rule's reason, draft kept
    login(client, "a@x.kg")
    r = client.post(f"/calls/{call_id}/apply")
    draft = created_id(r, r"/applications/(\d+)")
    r = client.post(f"/applications/{draft}", data={
        "title": "Short", "requested_amount": "100", "summary": "tiny", "action": "submit"})
    assert r.status_code == 422
    assert "at least 8 characters" in r.get_data(as_text=True)
    assert 'value="tiny"' in r.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Application, draft).answers["summary"] == "tiny"
    app_a = _apply(client, call_id, "Water for Kara-Suu", "400000", "A long enough summary")
    login(client, "b@x.kg")
    app_b = _apply(client, call_id, "Lights", "300000", "Another long summary")

    # the deadline passes: the scheduled task closes the call, exactly once
    clock.advance(days=1, minutes=1)
    with app.app_context():
        close_due_calls.delay()
        close_due_calls.delay()
        assert db.session.get(Competition, call_id).status == "closed"
        assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "call.close")) == 1

    # screening and evaluation
    login(client, "staff@x.kg")
    client.post(f"/staff/calls/{call_id}/advance", data={"action": "start_screening"})
    for app_id in (app_a, app_b):
        client.post(f"/staff/applications/{app_id}/screen", data={"decision": "eligible"})
    client.post(f"/staff/calls/{call_id}/advance", data={"action": "start_evaluation"})
    with app.app_context():
        members = [user_id("m1@x.kg"), user_id("m2@x.kg")]
    for app_id in (app_a, app_b):
        r = client.post(f"/staff/applications/{app_id}/assign",
                        data={"reviewers": [str(m) for m in members]})
        assert r.status_code == 302
    with app.app_context():
        from gms.evaluation.models import Assignment

        assignments = {(a.application_id, a.reviewer_id): a.id
                       for a in db.session.scalars(select(Assignment))}
    scores = {app_a: ("8.5", "na"), app_b: ("5", "3")}
    for i, member in enumerate(members, start=1):
        login(client, f"m{i}@x.kg")
        for app_id, (impact, cost) in scores.items():
            # the declaration comes first: it names the applicant and its title, but shows
            # nothing of the content or the score sheet before it is made
            page = client.get(f"/review/{assignments[(app_id, member)]}").get_data(as_text=True)
            title = "Water for Kara-Suu" if app_id == app_a else "Lights"
            assert "Declaration of conflict of interest" in page and title in page
            assert 'name="score-impact"' not in page
            client.post(f"/review/{assignments[(app_id, member)]}/declare",
                        data={"conflict": "no"})
            r = client.post(f"/review/{assignments[(app_id, member)]}", data={
                "score-impact": impact, "score-cost": cost, "action": "submit"})
            assert r.status_code == 302, r.get_data(as_text=True)

    # decision within the envelope (1,000,000): both fit; A ranks first
    login(client, "staff@x.kg")
    assert "Water for Kara-Suu" in client.get(f"/staff/calls/{call_id}/ranking").get_data(
        as_text=True)
    client.post(f"/staff/calls/{call_id}/advance", data={"action": "decide"})
    client.post(f"/staff/calls/{call_id}/advance", data={"action": "publish"})
    with app.app_context():
        call = db.session.get(Competition, call_id)
        assert call.status == "published"
        awards = {a.application_id: a for a in db.session.scalars(select(Award))}
        # A: impact 8.5 of 10 (x2), cost N/A → rescaled to the whole sheet: 17/20 * 25
        assert awards[app_a].score == pytest.approx(21.25)
        assert awards[app_a].rank == 1 and awards[app_a].outcome == "funded"
        assert awards[app_b].outcome == "funded"
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 2
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.sent_at.is_(None))) == 0
        assert audit.verify() is None
        actions = set(db.session.scalars(select(AuditEntry.action)))
        assert {"call.created", "call.open", "call.close", "call.start_screening",
                "application.submitted", "application.screened", "assignment.created",
                "review.submitted", "awards.decided", "call.publish"} <= actions

    # the results are public
    client.post("/logout")
    page = client.get(f"/calls/{call_id}/results").get_data(as_text=True)
    assert "Water for Kara-Suu" in page and "Lights" in page
