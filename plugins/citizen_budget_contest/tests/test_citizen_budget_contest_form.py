"""The application form: hearing rows, their checks, and answers stored and read back."""

from __future__ import annotations

import copy

import pytest

from plugins.citizen_budget_contest.forms import CitizenBudgetForm
from plugins.citizen_budget_contest.tests.factories import ANSWERS, formdata, with_hearings

pytestmark = pytest.mark.gms_plugins("citizen_budget_contest")


@pytest.fixture
def ctx(app_ctx):
    from flask_babel import force_locale

    with force_locale("en"):
        yield app_ctx


def _form(answers=None):
    return CitizenBudgetForm(formdata=formdata(answers))


def test_complete_answers_validate_and_round_trip(ctx):
    form = _form()
    assert form.validate(), form.errors
    assert form.answers() == ANSWERS
    again = CitizenBudgetForm.from_answers(form.answers())
    assert again.answers() == ANSWERS
    # two spare rows after the filled ones, for the next hearings
    assert len(again.hearings.entries) == 4


def test_no_requested_amount_field(ctx):
    form = _form()
    assert "requested_amount" not in form._fields
    assert "requested_amount" not in form.answers()


def test_spare_empty_rows_are_dropped(ctx):
    data = formdata()
    for name in ("held_on", "place", "subject"):
        data.add(f"hearings-5-{name}", "")
    form = CitizenBudgetForm(formdata=data)
    assert form.validate(), form.errors
    assert len(form.answers()["hearings"]) == 2


def test_at_least_one_hearing(ctx):
    answers = copy.deepcopy(ANSWERS)
    answers["hearings"] = []
    form = _form(answers)
    assert not form.validate()
    assert "Record at least one public hearing." in form.hearings.errors


def test_a_started_row_must_be_completed(ctx):
    form = _form(with_hearings({}, {"held_on": "2026-07-20", "place": "", "subject": "",
                                    "participants": None, "women": None}))
    assert not form.validate()
    row = form.hearings.entries[1].form
    for field in (row.place, row.subject, row.participants, row.women):
        assert "Fill this in, or clear the whole row." in field.errors


@pytest.mark.parametrize("change, field, message", [
    ({"women": 130}, "women", "More women than participants."),
    ({"proposals_adopted": 10}, "proposals_adopted", "More proposals adopted than received."),
    ({"announced_on": "2026-07-11"}, "announced_on",
     "The announcement must come before the hearing."),
    ({"subject": "budget_party"}, "subject", None),
    ({"participants": -1}, "participants", None),
])
def test_row_checks(ctx, change, field, message):
    form = _form(with_hearings(change))
    assert not form.validate()
    errors = form.hearings.entries[0].form[field].errors
    assert errors and (message is None or message in errors)


@pytest.mark.parametrize("name", ["prize_use", "prize_use_description", "citizens_budget",
                                  "questions_summary", "title"])
def test_required_answers(ctx, name):
    answers = copy.deepcopy(ANSWERS)
    answers[name] = ""
    form = _form(answers)
    assert not form.validate() and form[name].errors


def test_prize_use_is_equipment_or_public_events(ctx):
    codes = [code for code, _label in CitizenBudgetForm.prize_use.kwargs["choices"] if code]
    assert codes == ["equipment", "public_events"]
    answers = dict(copy.deepcopy(ANSWERS), prize_use="salaries")
    assert not _form(answers).validate()
