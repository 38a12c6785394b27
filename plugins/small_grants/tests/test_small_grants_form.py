"""The small-grants application form: fields, validation, answers and refilling."""

from __future__ import annotations

import copy

import pytest
from flask import Flask
from flask_babel import Babel
from flask_wtf import FlaskForm
from wtforms import Form

from gms.forms import ApplicationForm
from plugins.small_grants.competition import SmallGrantsCompetition
from plugins.small_grants.forms import BudgetLineForm, SmallGrantsForm
from plugins.small_grants.tests.factories import ANSWERS, formdata, make_competition

FIELDS = {
    "title", "requested_amount", "head_name", "council_chair_name", "contact_phone",
    "budget_account", "issue_area", "priority_source", "priority_rank", "priority_votes",
    "priority_date", "problem_description", "objectives", "activities", "duration_months",
    "indicators", "beneficiaries", "beneficiaries_women", "villages", "budget_lines",
    "procurement_plan", "sustainability", "monitoring",
}
LINE_FIELDS = {"item", "unit", "quantity", "unit_cost", "source"}


@pytest.fixture
def request_ctx():
    app = Flask(__name__)
    app.config.update(SECRET_KEY="test", WTF_CSRF_ENABLED=False, TESTING=True)
    Babel(app)
    with app.test_request_context(method="POST"):
        yield app


def test_the_type_hands_out_this_form():
    assert SmallGrantsCompetition().application_form(make_competition()) is SmallGrantsForm
    assert issubclass(SmallGrantsForm, ApplicationForm)
    assert issubclass(BudgetLineForm, Form) and not issubclass(BudgetLineForm, FlaskForm)


def test_every_field_is_there(request_ctx):
    form = SmallGrantsForm(formdata=None)
    assert set(form._fields) - {"csrf_token"} == FIELDS
    assert len(form.budget_lines.entries) == 6
    entry = form.budget_lines.entries[0].form
    assert set(entry._fields) == LINE_FIELDS  # no CSRF token in the rows
    assert {c for c, _l in form.issue_area.choices} >= {
        "water_supply", "sewerage", "local_roads", "street_lighting", "waste", "parks", "sport",
        "libraries_culture", "leisure", "youth", "public_transport", "heritage", "preschool"}
    assert {c for c, _l in form.priority_source.choices} == {
        "", "zhmba", "public_hearing", "village_gathering"}
    assert {c for c, _l in entry.source.choices} == {
        "", "grant", "local_budget", "community_cash", "in_kind", "labour", "other_donors"}


def test_a_full_submission_validates_and_gives_the_answers(request_ctx):
    data = formdata()
    for name in LINE_FIELDS:  # spare rows the browser sends empty
        data.add(f"budget_lines-6-{name}", "")
    form = SmallGrantsForm(formdata=data)
    assert form.validate(), form.errors
    answers = form.answers()
    assert answers == ANSWERS | {
        "budget_lines": [row | {"quantity": row["quantity"], "unit_cost": row["unit_cost"]}
                         for row in ANSWERS["budget_lines"]]}
    assert answers["priority_date"] == "2025-10-14"
    assert answers["requested_amount"] == "950000.00"
    assert len(answers["budget_lines"]) == 6  # the empty seventh row is dropped


def test_answers_fill_the_form_back(request_ctx):
    form = SmallGrantsForm(formdata=None, data=copy.deepcopy(ANSWERS))
    for field in form:
        str(field())  # every field renders from stored answers
    form.validate()
    # only the core's requested_amount (InputRequired) needs typed input
    assert set(form.errors) <= {"requested_amount"}, form.errors
    assert form.answers() == ANSWERS
    assert len(form.budget_lines.entries) == 6


def test_optional_votes(request_ctx):
    data = formdata()
    data["priority_votes"] = ""
    form = SmallGrantsForm(formdata=data)
    assert form.validate(), form.errors
    assert form.answers()["priority_votes"] is None


@pytest.mark.parametrize("change, field", [
    ({"issue_area": ""}, "issue_area"),
    ({"issue_area": "tractor"}, "issue_area"),
    ({"priority_rank": "0"}, "priority_rank"),
    ({"priority_votes": "-1"}, "priority_votes"),
    ({"priority_date": "14.10.2025"}, "priority_date"),
    ({"duration_months": ""}, "duration_months"),
    ({"beneficiaries_women": "2000"}, "beneficiaries_women"),
    ({"contact_phone": "call me"}, "contact_phone"),
    ({"head_name": ""}, "head_name"),
    ({"sustainability": ""}, "sustainability"),
    ({"requested_amount": ""}, "requested_amount"),
])
def test_invalid_answers(request_ctx, change, field):
    data = formdata()
    for key, value in change.items():
        data[key] = value
    form = SmallGrantsForm(formdata=data)
    assert not form.validate()
    assert field in form.errors


def test_a_half_filled_budget_line_is_an_error(request_ctx):
    answers = copy.deepcopy(ANSWERS)
    answers["budget_lines"][1] |= {"unit_cost": "", "source": ""}
    form = SmallGrantsForm(formdata=formdata(answers))
    assert not form.validate()
    assert set(form.errors["budget_lines"][1]) == {"unit_cost", "source"}


def test_at_least_one_budget_line(request_ctx):
    answers = copy.deepcopy(ANSWERS) | {"budget_lines": []}
    form = SmallGrantsForm(formdata=formdata(answers))
    assert not form.validate()
    assert "Fill in at least one budget line." in form.errors["budget_lines"]
