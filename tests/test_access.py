"""Object-level access: applicants see only their organisation's data, members only what is
assigned to them; ids cannot be guessed."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from gms.evaluation.models import Assignment
from gms.extensions import db
from gms.models import Attachment

from .helpers import login, toy_round
from .toy_competition import TOY

pytestmark = [pytest.mark.gms_plugins(), pytest.mark.gms_config(**TOY)]
PDF = b"%PDF-1.4\n%%EOF\n"


def test_applicant_cannot_read_or_change_another_organisations_application(app, client):
    with app.app_context():
        ids = toy_round(status="open")
    other = ids["apps_b"][0]
    login(client, "a@x.kg")
    assert client.get(f"/applications/{other}").status_code == 404
    assert client.get(f"/applications/{other}/view").status_code == 404
    assert client.post(f"/applications/{other}", data={"title": "x", "action": "save"}
                       ).status_code == 404
    assert client.post(f"/applications/{other}/withdraw").status_code == 404
    assert client.post(f"/applications/{other}/documents", data={
        "kind": "plan", "file": (io.BytesIO(PDF), "x.pdf")},
        content_type="multipart/form-data").status_code == 404
    # guessing ids beyond the last one looks the same as someone else's
    assert client.get(f"/applications/{other + 1000}").status_code == 404
    # own application is readable
    assert client.get(f"/applications/{ids['apps_a'][0]}/view").status_code == 200
    # staff pages are closed to applicants
    assert client.get("/staff/").status_code == 403
    assert client.get(f"/staff/applications/{other}").status_code == 403


def test_documents_are_served_only_to_those_allowed(app, client):
    with app.app_context():
        ids = toy_round(status="open")
        from gms.models import Application, User
        from gms.services import uploads

        b_user = db.session.get(User, ids["b"])
        application = db.session.get(Application, ids["apps_b"][0])
        application.status = "draft"  # documents are added to drafts
        att = uploads.save_attachment(application, "plan", "../../etc/plan.pdf", PDF, b_user)
        att_id = att.id
        assert att.filename == "plan.pdf"
    login(client, "a@x.kg")
    assert client.get(f"/documents/{att_id}").status_code == 404
    login(client, "b@x.kg")
    r = client.get(f"/documents/{att_id}")
    assert r.status_code == 200 and r.data == PDF
    assert r.headers["Content-Disposition"].startswith("attachment")
    client.post("/logout")
    assert client.get(f"/documents/{att_id}").status_code == 404


def test_member_sees_only_assigned_applications(app, client):
    with app.app_context():
        ids = toy_round()
        mine = db.session.scalar(select(Assignment.id).where(Assignment.reviewer_id == ids["m1"]))
        att = db.session.scalar(select(Attachment.id))
    assert att is None  # no document in this round
    login(client, "m2@x.kg")
    assert "Nothing is assigned" in client.get("/review/").get_data(as_text=True)
    assert client.get(f"/review/{mine}").status_code == 404
    assert client.post(f"/review/{mine}", data={"score-impact": "5", "action": "submit"}
                       ).status_code == 404
    assert client.get(f"/staff/applications/{ids['apps_a'][0]}").status_code == 403
    assert client.get(f"/applications/{ids['apps_a'][0]}/view").status_code == 403
    login(client, "m1@x.kg")
    assert client.get(f"/review/{mine}").status_code == 200


def test_anonymous_is_sent_to_log_in(app, client):
    for url in ("/my", "/review/", "/staff/", "/staff/outbox", "/staff/audit"):
        r = client.get(url)
        assert r.status_code == 302 and "/login" in r.headers["Location"], url
