"""Calls run by a municipality are managed only by its own staff; anonymous review hides
the applicant from commission members until publication."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from gms.evaluation.models import Assignment
from gms.extensions import db
from gms.models import Application, Competition, Organisation

from .helpers import call_form, login, make_org, make_user, toy_round
from .toy_competition import TOY

pytestmark = [pytest.mark.gms_plugins(), pytest.mark.gms_config(**TOY)]


def test_municipal_staff_manage_only_their_own_calls(app, client, clock):
    now = clock()
    with app.app_context():
        ids = toy_round(status="open", now=now)  # a programme call
        org = db.session.get(Organisation, db.session.get(Application, ids["apps_a"][0])
                             .organisation_id)
        make_user("staff", "ao@x.kg", org)
        make_user("staff", "other-ao@x.kg", make_org(soate="41708203819000"))
        org_id = org.id
    login(client, "ao@x.kg")
    r = client.post("/staff/calls/new/toy", data=call_form(
        "toy", now - timedelta(hours=1), now + timedelta(days=3), title_en="Our own call"))
    own = int(r.headers["Location"].rsplit("/", 1)[1])
    with app.app_context():
        assert db.session.get(Competition, own).organiser_id == org_id
    listing = client.get("/staff/").get_data(as_text=True)
    assert "Our own call" in listing and "Toy call" not in listing
    assert client.get(f"/staff/calls/{ids['call']}").status_code == 404
    assert client.get(f"/staff/applications/{ids['apps_a'][0]}").status_code == 404
    assert client.post(f"/staff/calls/{ids['call']}/advance",
                       data={"action": "start_screening"}).status_code == 404
    assert client.get("/staff/outbox").status_code == 403
    assert client.get("/staff/audit").status_code == 403
    assert client.get(f"/staff/calls/{own}").status_code == 200
    # another municipality's staff cannot see it; programme staff see both
    login(client, "other-ao@x.kg")
    assert client.get(f"/staff/calls/{own}").status_code == 404
    login(client, "staff@x.kg")
    listing = client.get("/staff/").get_data(as_text=True)
    assert "Our own call" in listing and "Toy call" in listing


def test_anonymous_review_hides_the_applicant_until_publication(app, client, clock):
    with app.app_context():
        ids = toy_round(now=clock())
        call = db.session.get(Competition, ids["call"])
        call.settings = {**call.settings, "anonymous_review": True}
        application = db.session.get(Application, ids["apps_a"][0])
        name, title = application.organisation.name, application.title
        application.status = "draft"
        db.session.commit()
        from gms.models import User
        from gms.services import uploads

        att = uploads.save_attachment(application, "plan", f"{name} plan.pdf", b"%PDF-1.4",
                                      db.session.get(User, ids["a"]))
        application.status = "eligible"
        db.session.commit()
        att_id = att.id
        mine = db.session.scalar(select(Assignment.id).where(
            Assignment.application_id == application.id))
    login(client, "m1@x.kg")
    client.post(f"/review/{mine}/declare", data={"conflict": "no"})
    pages = [client.get("/review/").get_data(as_text=True),
             client.get(f"/review/{mine}").get_data(as_text=True)]
    for page in pages:
        assert name not in page and title not in page
        assert application.number in page
    # the original is not given before staff approve a copy or mark it as naming nobody
    # (issue 16); once marked, it comes under a neutral name
    assert client.get(f"/documents/{att_id}").status_code == 404
    with app.app_context():
        from gms.evaluation import anonymised_copies
        from gms.models import Attachment

        anonymised_copies.mark_no_identity(db.session.get(Attachment, att_id),
                                           db.session.get(Application, application.id),
                                           db.session.get(User, ids["staff"]))
    download = client.get(f"/documents/{att_id}")
    assert download.status_code == 200
    assert name not in download.headers["Content-Disposition"]
    # after publication the names are shown
    with app.app_context():
        call = db.session.get(Competition, ids["call"])
        call.status = "published"
        db.session.commit()
    assert name in client.get(f"/review/{mine}").get_data(as_text=True)
