"""Each preview competition (registered, to be completed by the next issue) works end to end:
a call is created, applied to, scored and decided. One parametrised test, not a copy per
plugin."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from gms.extensions import db
from gms.models import Application, Assignment, Award, Competition, Organisation, Territory, User

PREVIEWS = ["pilot_selection"]
pytestmark = pytest.mark.gms_plugins(*PREVIEWS)


@pytest.mark.parametrize("KEY", PREVIEWS)
def test_type_contract(app, KEY):
    ctype = app.extensions["gms.registry"][KEY]
    assert "(preview)" in str(ctype.label)
    assert ctype.version == "0.1"
    from gms.competition import CompetitionInfo

    sheet = ctype.scoring_sheet(CompetitionInfo(id=None, type_key=KEY))
    assert len(sheet.criteria) == 3
    for c in sheet.criteria:
        assert (c.scale.min, c.scale.max) == (0, 5)
        assert set(c.label) == {"ky", "ru", "en"} and all(c.label.values())
    form_cls = ctype.application_form(CompetitionInfo(id=None, type_key=KEY))
    assert all(hasattr(form_cls, name) for name in ("title", "requested_amount", "summary"))


@pytest.mark.parametrize("KEY", PREVIEWS)
def test_end_to_end(app, client, login, clock, make_user, territories, KEY):
    from gms.services import applications as apps
    from gms.services import calls, evaluation

    now = clock.now
    with app.app_context():
        t = db.session.get(Territory, "41706226822000")  # Kyzyl-Suu AA, Osh oblast
        org = Organisation(kind="municipality", name=t.display_name,
                           territory_code=t.soate_code, oblast=t.oblast)
        db.session.add(org)
        db.session.commit()
        org_id, oblast = org.id, t.oblast
    staff = make_user("staff", locale="en")
    applicant = make_user("applicant", org_id, locale="en")
    member = make_user("commission", locale="en")
    with app.app_context():
        call = calls.create_call(KEY, {
            "title": {"en": "Preview call"}, "description": {}, "oblasts": [oblast],
            "opens_at": now - timedelta(days=1), "deadline_at": now + timedelta(days=1),
            "budget": Decimal(100000), "max_awards": 1, "max_grant": None, "settings": {}})
        calls.advance(call, "open", now=now, actor_id=staff.id)
        call_id = call.id

    login(client, applicant)
    r = client.post(f"/calls/{call_id}/apply")
    app_id = int(r.headers["Location"].rstrip("/").split("/")[-1])
    assert client.get(f"/applications/{app_id}").status_code == 200
    r = client.post(f"/applications/{app_id}", data={
        "title": "Open budget hearings", "requested_amount": "50000",
        "summary": "Three hearings, 140 residents, 12 proposals adopted.", "action": "submit"})
    assert r.status_code == 302, r.get_data(as_text=True)
    assert "Three hearings" in client.get(f"/applications/{app_id}/view").get_data(
        as_text=True)

    later = clock.advance(days=2)
    with app.app_context():
        call = db.session.get(Competition, call_id)
        staff_row = db.session.get(User, staff.id)
        application = db.session.get(Application, app_id)
        assert application.requested_amount == Decimal(50000)
        calls.close_due_calls(later)
        calls.advance(call, "start_screening", now=later, actor_id=staff.id)
        apps.screen(application, eligible=True, reason="", staff=staff_row, now=later)
        calls.advance(call, "start_evaluation", now=later, actor_id=staff.id)
        evaluation.assign(application, [member.id], staff_row)
        assignment = db.session.scalar(select(Assignment))
        sheet = calls.sheet_for(call)
        scores = {c.key: Decimal(4) for c in sheet.criteria}
        assert evaluation.save_review(assignment, scores, {}, "", submit=True, now=later) == {}
        calls.advance(call, "decide", now=later, actor_id=staff.id)
        award = db.session.scalar(select(Award))
        assert (award.application_id, award.outcome) == (app_id, "funded")
        assert award.score == sheet.max_total * 4 / 5
