"""The plugin inside GMS: registration, settings on the staff call form, anonymous review by
default, the application template slot and the blueprint."""

from __future__ import annotations

from datetime import timedelta

import pytest

from gms.competition import CompetitionInfo
from plugins.citizen_budget_contest.competition import KEY, CitizenBudgetContest
from plugins.citizen_budget_contest.tests.support import NOW, OBLASTS

pytestmark = pytest.mark.gms_plugins("citizen_budget_contest")


def test_registered_type(app):
    ctype = app.extensions["gms.registry"][KEY]
    assert isinstance(ctype, CitizenBudgetContest)
    assert ctype.version == "1" and ctype.applicant_kinds == ("municipality",)
    assert ctype.anonymous_review is True
    assert ctype.templates["application"] == "citizen_budget_contest/application.html"
    assert app.jinja_env.get_template(ctype.templates["application"])
    info = CompetitionInfo(id=None, type_key=KEY)
    assert ctype.requested_amount_rule(info).build()({"requested_amount": "50000"}) is None
    kinds = {k.code: k.required for k in ctype.document_kinds(info)}
    assert kinds["hearing_minutes"] is True
    assert {"participant_lists", "hearing_photos", "announcements"} <= set(kinds)


def test_blueprint_is_mounted(app):
    rules = {r.rule for r in app.url_map.iter_rules() if r.endpoint.startswith(KEY + ".")}
    assert rules == {"/p/citizen_budget_contest/applications/<int:application_id>/certificate.pdf",
                     "/p/citizen_budget_contest/calls/<int:call_id>/prizes"}


def test_default_settings(app):
    ctype = app.extensions["gms.registry"][KEY]
    defaults = ctype.default_settings()
    assert defaults["anonymous_review"] is True
    assert [defaults[f"prize_{n}"] for n in range(1, 6)] == [100000, 80000, 70000, None, None]
    assert defaults["min_women_percent"] == 30
    assert {f.name: f.kind for f in ctype.settings_fields()}["hearings_from"] == "date"


def test_staff_create_a_call_with_the_settings(app, client, login, make_user, clock,
                                              territories):
    from gms.models import Competition
    from gms.services.common import identity_hidden

    clock.set(NOW)
    staff = make_user("staff", locale="en")
    login(client, staff)
    form = client.get(f"/staff/calls/new/{KEY}").get_data(as_text=True)
    for name in ("setting-budget_year", "setting-hearings_from", "setting-prize_1",
                 "setting-prize_5", "setting-min_women_percent", "setting-anonymous_review"):
        assert f'name="{name}"' in form, name
    assert "Prize for place 3, KGS" in form
    local = (NOW + timedelta(hours=6)).strftime("%Y-%m-%dT%H:%M")
    later = (NOW + timedelta(days=30, hours=6)).strftime("%Y-%m-%dT%H:%M")
    r = client.post(f"/staff/calls/new/{KEY}", data={
        "title_en": "Budget 2027", "opens_at": local, "deadline_at": later,
        "budget": "400000", "oblasts": OBLASTS[:1], "setting-budget_year": "2027",
        "setting-hearings_from": "2026-06-15", "setting-hearings_to": "2026-08-20",
        "setting-prize_1": "100000", "setting-prize_2": "80000", "setting-prize_3": "70000",
        "setting-prize_4": "", "setting-min_women_percent": "30",
        "setting-anonymous_review": "on"})
    assert r.status_code == 302, r.get_data(as_text=True)
    call_id = int(r.headers["Location"].rsplit("/", 1)[1])
    with app.app_context():
        from gms.extensions import db

        call = db.session.get(Competition, call_id)
        assert call.settings["budget_year"] == 2027 and call.settings["prize_4"] is None
        assert call.settings["anonymous_review"] is True
        call.status = "evaluation"
        assert identity_hidden(call)
        # a call may switch anonymity off
        call.settings = {**call.settings, "anonymous_review": False}
        assert not identity_hidden(call)


def test_public_call_page_shows_the_sheet(app, client, clock):
    from decimal import Decimal

    from gms.evaluation import lifecycle
    from gms.services import calls

    clock.set(NOW)
    with app.app_context():
        call = calls.create_call(KEY, {
            "title": {"en": "Budget 2027"}, "description": {}, "oblasts": OBLASTS,
            "opens_at": NOW - timedelta(days=1), "deadline_at": NOW + timedelta(days=1),
            "budget": Decimal(400000), "max_awards": None, "max_grant": None, "settings": {}})
        lifecycle.advance(call, "open", now=NOW, actor_id=None)
        call_id = call.id
    page = client.get(f"/calls/{call_id}", headers={"Accept-Language": "en"}).get_data(
        as_text=True)
    assert "Real participation of citizens in the budget process" in page
    assert "Participation: participants, women&#39;s share, questions, proposals" in page
