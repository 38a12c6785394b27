"""The call form generated from a type's settings: every kind gives its value typed, a bad
value a message of its own with the text typed kept; through the staff pages, a call with
bad settings is refused (422, nothing saved) and shown again as typed."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from markupsafe import escape

from gms.competition import SettingField
from gms.extensions import db
from gms.forms.call_settings import call_form
from gms.hooks import hookimpl
from gms.models import Competition

from .helpers import call_form as call_form_data
from .helpers import login, make_user
from .toy_competition import ToyCompetition, ToyPlugin

FIELDS = (
    SettingField("places", "Places", "int", 3, "How many places", required=True),
    SettingField("share", "Share, percent", "decimal", Decimal("12.5")),
    SettingField("hearings", "Hearings from", "date"),
    SettingField("level", "Level", "choice", "rayon",
                 choices=(("rayon", "Rayon"), ("oblast", "Oblast"))),
    SettingField("prizes", "Prizes, KGS", "list", [Decimal(100)], item="decimal"),
    SettingField("names", "Nominations", "list", item="text"),
    SettingField("equipment", "Prizes as equipment", "bool", False),
    SettingField("regulation", "Regulation", "text"),
)
COMMON = call_form_data("kinds", datetime(2026, 4, 1, 9, tzinfo=UTC),
                        datetime(2026, 5, 1, 17, tzinfo=UTC))
GOOD = {"setting-places": "4", "setting-share": "1 000,50", "setting-hearings": "2026-02-03",
        "setting-level": "oblast", "setting-prizes": "50 000\n\n30000,5",
        "setting-names": "Youth\nWomen", "setting-equipment": "y",
        "setting-regulation": "No. 5"}


class KindsCompetition(ToyCompetition):
    key = "kinds"
    label = "Every kind of setting"

    def settings_fields(self):
        return FIELDS


class KindsPlugin:
    """Registers the type only; its rule is the toy plugin's."""

    @hookimpl
    def gms_register_competition_types(self):
        return [KindsCompetition()]


pytestmark = [pytest.mark.gms_plugins(), pytest.mark.gms_config(
    EXTRA_PLUGINS={"toy": ToyPlugin(), "kinds": KindsPlugin()}, BABEL_DEFAULT_LOCALE="en")]


def _form(app, data: dict):
    with app.test_request_context(method="POST", data=data):
        form = call_form(FIELDS, settings={})
        form.oblasts.choices = [("Чуйская область", "Чуйская область")]
        return form, form.validate()


def test_every_kind_is_given_typed(app):
    form, ok = _form(app, {**COMMON, **GOOD, "opens_at": "2026-04-01T09:00"})
    assert ok, form.errors
    assert form.setting.data == {
        "places": 4, "share": Decimal("1000.50"), "hearings": date(2026, 2, 3),
        "level": "oblast", "prizes": [Decimal(50000), Decimal("30000.5")],
        "names": ["Youth", "Women"], "equipment": True, "regulation": "No. 5"}
    assert form.opens_at.data == datetime(2026, 4, 1, 3, tzinfo=UTC)  # 09:00 in Bishkek


def test_empty_optional_settings_are_empty_and_unsent_ones_keep_their_value(app):
    form, ok = _form(app, {**COMMON, "setting-places": "2", "setting-share": "",
                           "setting-prizes": ""})
    assert ok, form.errors
    assert form.setting.data["share"] is None and form.setting.data["prizes"] == []
    assert form.setting.data["level"] == "rayon"  # not posted: the default
    assert form.setting.data["equipment"] is False  # an unchecked box is not posted


@pytest.mark.parametrize(("name", "typed", "message"), [
    ("places", "", "This field is required."),
    ("places", "2.5", "Enter a whole number"),
    ("places", "１０", "Enter a whole number"),
    ("share", "1e5", "Enter the number with the digits 0–9"),
    ("share", "10000000000000", "Number must be between"),
    ("share", "-5", "Number must be between 0 and"),
    ("places", "-1", "Number must be between 0 and"),
    ("hearings", "03.02.2026", "Enter dates as year, month and day."),
    ("level", "region", "Not a valid choice."),
    ("regulation", "x" * 2001, "Field cannot be longer than 2000 characters."),
])
def test_a_bad_value_has_its_own_message(app, name, typed, message):
    form, ok = _form(app, {**COMMON, **GOOD, f"setting-{name}": typed})
    assert not ok
    field = form.setting[name]
    assert any(message in str(e) for e in field.errors), field.errors
    assert name == "level" or field._value() == typed


def test_each_bad_item_of_a_list_is_named_by_its_line(app):
    typed = "100\nabc\n\n1_000"
    form, ok = _form(app, {**COMMON, **GOOD, "setting-prizes": typed})
    assert not ok
    errors = form.setting.prizes.errors
    assert len(errors) == 2
    assert errors[0].startswith("Line 2, “abc”: Enter the number with the digits 0–9")
    assert errors[1].startswith("Line 4, “1_000”:")
    assert form.setting.prizes._value() == typed


def _staff(client):
    with client.application.app_context():
        make_user("staff", "staff@kinds.kg")
    login(client, "staff@kinds.kg")


def test_the_call_page_renders_every_kind(app, client):
    _staff(client)
    body = client.get("/staff/calls/new/kinds").get_data(as_text=True)
    assert 'type="date"' in body and 'name="setting-hearings"' in body
    assert re.search(r'<select[^>]*name="setting-level"', body)
    assert re.search(r'<textarea[^>]*name="setting-prizes"[^>]*>\s*100</textarea>', body)
    assert re.search(r'<input[^>]*name="setting-equipment"[^>]*type="checkbox"', body)
    assert 'aria-describedby="setting-places-help"' in body and "How many places" in body


def test_bad_settings_are_refused_and_shown_again_as_typed(app, client, territories):
    _staff(client)
    bad = {**COMMON, **GOOD, "setting-places": "two", "setting-prizes": "100\nlots",
           "title_en": "My kinds call"}
    r = client.post("/staff/calls/new/kinds", data=bad)
    body = r.get_data(as_text=True)
    assert r.status_code == 422
    assert 'id="error-summary"' in body and 'href="#setting-places"' in body
    assert "Line 2, “lots”" in body
    assert 'aria-invalid="true"' in body
    assert 'value="two"' in body and "100\nlots</textarea>" in body
    assert 'value="My kinds call"' in body and 'value="1 000,50"' in body
    with app.app_context():
        assert db.session.query(Competition).count() == 0


def test_a_call_is_created_and_edited_with_typed_settings(app, client, territories):
    _staff(client)
    r = client.post("/staff/calls/new/kinds", data={**COMMON, **GOOD})
    assert r.status_code == 302, r.get_data(as_text=True)
    call_id = int(r.headers["Location"].rstrip("/").split("/")[-1])
    with app.app_context():
        settings = db.session.get(Competition, call_id).settings
    assert settings["places"] == 4 and settings["hearings"] == "2026-02-03"
    assert settings["prizes"] == ["50000", "30000.5"] and settings["equipment"] is True

    page = client.get(f"/staff/calls/{call_id}/edit").get_data(as_text=True)
    assert 'value="2026-02-03"' in page and str(escape("30000.5")) in page
    r = client.post(f"/staff/calls/{call_id}/edit",
                    data={**COMMON, **GOOD, "setting-hearings": "2026-13-01"})
    assert r.status_code == 422
    assert 'value="2026-13-01"' in r.get_data(as_text=True)
    r = client.post(f"/staff/calls/{call_id}/edit",
                    data={**COMMON, **GOOD, "setting-places": "7"})
    assert r.status_code == 302
    with app.app_context():
        call = db.session.get(Competition, call_id)
        assert call.settings["places"] == 7
        assert call.deadline_at - call.opens_at == timedelta(days=30, hours=8)


def test_a_deadline_before_the_opening_is_marked_with_the_other_errors(app):
    form, ok = _form(app, {**COMMON, **GOOD, "opens_at": "2027-03-01T09:00",
                           "deadline_at": "2027-02-01T18:00", "setting-share": "-5"})
    assert not ok
    assert form.deadline_at.errors == ["The deadline must be after the opening."]
    assert form.setting["share"].errors
