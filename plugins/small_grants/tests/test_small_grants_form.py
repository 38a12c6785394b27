"""The small-grants application form: sections and tables, validation, answers (stored flat)
and refilling, also from answers stored before the sections and evidence tables existed."""

from __future__ import annotations

import copy

import pytest
from flask import Flask
from flask_babel import Babel
from flask_wtf import FlaskForm
from wtforms import FieldList, FormField
from wtforms import Form as WTForm

from gms.forms import ApplicationForm
from plugins.small_grants.competition import SmallGrantsCompetition
from plugins.small_grants.forms import (
    BudgetLineForm,
    SmallGrantsForm,
    nest_sections,
    section_fields,
)
from plugins.small_grants.tests.factories import ANSWERS, formdata, make_competition

SECTIONS = {
    "municipality": {"head_name", "council_chair_name", "contact_phone", "budget_account"},
    "priority": {"issue_area", "priority_source", "priority_problem", "priority_rank",
                 "priority_votes", "priority_date", "problem_description"},
    "focus_group": {"focus_group_date", "focus_group_participants", "focus_group_women",
                    "focus_group_causes", "focus_group_consequences", "focus_group_solutions",
                    "focus_group_contributions"},
    "council": {"council_resolution_number", "council_resolution_date"},
    "project": {"objectives", "activities", "duration_months", "indicators"},
    "reach": {"beneficiaries", "beneficiaries_women", "villages"},
    "upkeep": {"procurement_plan", "sustainability", "maintenance_responsible",
               "maintenance_source", "maintenance_budget_line", "maintenance_annual_cost",
               "monitoring"},
}
TABLES = {
    "zhmba_sessions": {"village", "date", "age_group", "participants", "women",
                       "facilitators"},
    "vote_tally": {"village", "problem", "votes"},
    "action_plan": {"problem", "activity", "indicator", "deadline", "responsible",
                    "contribution", "source", "amount"},
    "beneficiaries_by_village": {"village", "beneficiaries", "women"},
    "budget_lines": {"item", "unit", "quantity", "unit_cost", "source", "basis"},
}
ORDER = ["title", "requested_amount", "municipality", "priority", "zhmba_sessions",
         "vote_tally", "focus_group", "action_plan", "council", "project", "reach",
         "beneficiaries_by_village", "budget_lines", "upkeep"]
# answers stored by the first version of the form (flat, no evidence tables, no basis)
LEGACY_KEYS = {
    "title", "requested_amount", "head_name", "council_chair_name", "contact_phone",
    "budget_account", "issue_area", "priority_source", "priority_rank", "priority_votes",
    "priority_date", "problem_description", "objectives", "activities", "duration_months",
    "indicators", "beneficiaries", "beneficiaries_women", "villages", "budget_lines",
    "procurement_plan", "sustainability", "monitoring"}


@pytest.fixture
def request_ctx():
    app = Flask(__name__)
    app.config.update(SECRET_KEY="test", WTF_CSRF_ENABLED=False, TESTING=True)
    Babel(app)
    with app.test_request_context(method="POST"):
        yield app


def flat_errors(form) -> dict:
    """Errors by answer key: a section's fields at the top level, tables as they are."""
    out = {}
    for name, errors in form.errors.items():
        if isinstance(form[name], FormField):
            out.update(errors)
        else:
            out[name] = errors
    return out


def post(answers=None, **changes):
    """Form data of ``answers`` with some answers changed (by answer key)."""
    data = formdata(answers)
    fresh = formdata({**(answers or ANSWERS), **changes})
    for key in changes:
        name = next(n for n in fresh if n == key or n.endswith("-" + key))
        data[name] = fresh[name]
    return data


def test_the_type_hands_out_this_form():
    assert SmallGrantsCompetition().application_form(make_competition()) is SmallGrantsForm
    assert issubclass(SmallGrantsForm, ApplicationForm)
    assert issubclass(BudgetLineForm, WTForm) and not issubclass(BudgetLineForm, FlaskForm)


def test_sections_and_tables_in_the_order_of_the_process(request_ctx):
    form = SmallGrantsForm(formdata=None)
    assert [f.name for f in form if f.name != "csrf_token"] == ORDER
    assert {k: set(v) for k, v in section_fields(SmallGrantsForm).items()} == SECTIONS
    for name, keys in SECTIONS.items():
        section = form[name]
        assert isinstance(section, FormField) and section.type == "FormField"
        assert str(section.label.text)  # the <legend>
        assert {f.short_name for f in section} == keys  # no CSRF token inside
    for name, cells in TABLES.items():
        table = form[name]
        assert isinstance(table, FieldList) and str(table.label.text)
        assert set(table.entries[0].form._fields) == cells
    assert len(form.budget_lines.entries) == 6 and len(form.zhmba_sessions.entries) == 3
    # every answer key is in exactly one place
    keys = [k for v in SECTIONS.values() for k in v] + list(TABLES) + ["title",
                                                                     "requested_amount"]
    assert len(keys) == len(set(keys)) and set(keys) == set(ANSWERS)


def test_choices(request_ctx):
    form = SmallGrantsForm(formdata=None)
    priority, upkeep = form.priority.form, form.upkeep.form
    assert {c for c, _l in priority.issue_area.choices} >= {
        "water_supply", "sewerage", "local_roads", "street_lighting", "waste", "parks", "sport",
        "libraries_culture", "leisure", "youth", "public_transport", "heritage", "preschool"}
    assert {c for c, _l in priority.priority_source.choices} == {
        "", "zhmba", "public_hearing", "village_gathering"}
    assert {c for c, _l in form.budget_lines.entries[0].form.source.choices} == {
        "", "grant", "local_budget", "community_cash", "in_kind", "labour", "other_donors"}
    assert {c for c, _l in form.zhmba_sessions.entries[0].form.age_group.choices} == {
        "", "18_35", "36_55", "56_plus"}
    assert {c for c, _l in upkeep.maintenance_source.choices} == {
        "", "local_budget", "tariffs", "community", "other"}


def test_field_names_in_the_page(request_ctx):
    form = SmallGrantsForm(formdata=None)
    assert form.municipality.form.head_name.name == "municipality-head_name"
    assert form.upkeep.form.sustainability.id == "upkeep-sustainability"
    assert form.budget_lines.entries[5].form.unit_cost.name == "budget_lines-5-unit_cost"
    assert form.vote_tally.entries[0].form.votes.name == "vote_tally-0-votes"


def test_a_full_submission_validates_and_gives_flat_answers(request_ctx):
    data = formdata()
    for table, cells in TABLES.items():  # the spare rows the browser sends empty
        for name in cells:
            data.add(f"{table}-{len(ANSWERS[table])}-{name}", "")
    form = SmallGrantsForm(formdata=data)
    assert form.validate(), form.errors
    answers = form.answers()
    assert answers == ANSWERS
    assert not set(answers) & set(SECTIONS)  # no section names in the answers
    assert answers["priority_date"] == "2025-10-14"
    assert answers["zhmba_sessions"][0]["date"] == "2025-10-13"
    assert answers["vote_tally"][0] == {"village": "Aral", "problem":
                                        "No conditions for pre-school education", "votes": 11}
    assert answers["action_plan"][1]["amount"] is None


def test_answers_fill_the_form_back_with_spare_rows(request_ctx):
    form = SmallGrantsForm.from_answers(copy.deepcopy(ANSWERS))
    html = "".join(str(field()) for field in form)  # every field renders
    assert 'name="priority-priority_problem"' in html and 'value="Aral"' in html
    assert form.priority.form.priority_problem.data == ANSWERS["priority_problem"]
    assert form.focus_group.form.focus_group_participants.data == 22
    form.validate()
    # only the core's requested_amount (InputRequired) needs typed input
    assert set(form.errors) <= {"requested_amount"}, form.errors
    for table in TABLES:
        assert len(getattr(form, table).entries) >= len(ANSWERS[table]) + 2, table
    # whole som come back without cents; nothing else changes
    lines = [dict(row) for row in ANSWERS["budget_lines"]]
    lines[0]["unit_cost"] = "520"
    assert form.answers() == ANSWERS | {"requested_amount": "950000", "budget_lines": lines}


def test_nesting_moves_section_keys_only():
    nested = nest_sections(SmallGrantsForm, {"title": "T", "head_name": "H", "other": 1,
                                             "vote_tally": []})
    assert nested["municipality"] == {"head_name": "H"} and nested["priority"] == {}
    assert (nested["title"], nested["other"], nested["vote_tally"]) == ("T", 1, [])
    assert "head_name" not in nested


def test_answers_stored_before_the_sections_fill_the_new_form(request_ctx):
    legacy = {k: copy.deepcopy(v) for k, v in ANSWERS.items() if k in LEGACY_KEYS}
    for row in legacy["budget_lines"]:
        row.pop("basis")
    legacy["budget_lines"] = legacy["budget_lines"][:4]  # no in-kind or labour lines
    form = SmallGrantsForm.from_answers(legacy)
    str(form.municipality())
    assert form.municipality.form.head_name.data == ANSWERS["head_name"]
    assert form.reach.form.beneficiaries.data == 1850
    assert len(form.zhmba_sessions.entries) == 3  # empty tables get their blank rows
    answers = form.answers()
    assert {k: answers[k] for k in legacy if k not in ("requested_amount", "budget_lines")} \
        == {k: v for k, v in legacy.items() if k not in ("requested_amount", "budget_lines")}
    assert [r["item"] for r in answers["budget_lines"]] == [
        r["item"] for r in legacy["budget_lines"]]
    assert answers["zhmba_sessions"] == [] and answers["council_resolution_number"] is None


def test_optional_answers(request_ctx):
    empty = dict(ANSWERS, priority_votes=None, priority_problem="", zhmba_sessions=[],
                 vote_tally=[], action_plan=[], beneficiaries_by_village=[],
                 focus_group_date=None, focus_group_participants=None,
                 focus_group_women=None, focus_group_causes="", focus_group_consequences="",
                 focus_group_solutions="", focus_group_contributions="",
                 maintenance_budget_line="", maintenance_annual_cost=None)
    form = SmallGrantsForm(formdata=formdata(empty))
    assert form.validate(), form.errors
    assert form.answers() == empty


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
    ({"council_resolution_number": ""}, "council_resolution_number"),
    ({"council_resolution_date": ""}, "council_resolution_date"),
    ({"maintenance_responsible": ""}, "maintenance_responsible"),
    ({"maintenance_source": ""}, "maintenance_source"),
    ({"maintenance_source": "sponsor"}, "maintenance_source"),
    ({"maintenance_annual_cost": "-5"}, "maintenance_annual_cost"),
    ({"focus_group_women": "30"}, "focus_group_women"),
    ({"focus_group_participants": "-1"}, "focus_group_participants"),
])
def test_invalid_answers(request_ctx, change, field):
    form = SmallGrantsForm(formdata=post(**change))
    assert not form.validate()
    assert field in flat_errors(form), form.errors


def _rows(table, index, **cells):
    answers = copy.deepcopy(ANSWERS)
    answers[table][index] |= cells
    return answers


@pytest.mark.parametrize("table, cells, errors", [
    ("zhmba_sessions", {"date": "", "age_group": ""}, {"date", "age_group"}),
    ("zhmba_sessions", {"women": 25}, {"women"}),
    ("zhmba_sessions", {"age_group": "children"}, {"age_group"}),
    ("vote_tally", {"votes": None}, {"votes"}),
    ("vote_tally", {"votes": "-2"}, {"votes"}),
    ("action_plan", {"deadline": "", "responsible": ""}, {"deadline", "responsible"}),
    ("beneficiaries_by_village", {"women": 1200}, {"women"}),
    ("budget_lines", {"unit_cost": "", "source": ""}, {"unit_cost", "source"}),
    ("budget_lines", {"basis": ""}, {"basis"}),  # line 5 is labour
])
def test_a_half_filled_or_wrong_row_is_an_error(request_ctx, table, cells, errors):
    index = 4 if table == "budget_lines" else 1
    form = SmallGrantsForm(formdata=formdata(_rows(table, index, **cells)))
    assert not form.validate()
    assert set(form.errors[table][index]) == errors, form.errors


def test_only_valued_contributions_need_a_basis(request_ctx):
    answers = _rows("budget_lines", 3, basis="")  # the local-budget line
    form = SmallGrantsForm(formdata=formdata(answers))
    assert form.validate(), form.errors
    message = "Say how this contribution was valued"
    for source in ("in_kind", "labour"):
        form = SmallGrantsForm(formdata=formdata(_rows("budget_lines", 3, source=source,
                                                       basis="")))
        assert not form.validate()
        assert form.errors["budget_lines"][3]["basis"][0].startswith(message)


def test_at_least_one_budget_line(request_ctx):
    answers = copy.deepcopy(ANSWERS) | {"budget_lines": []}
    form = SmallGrantsForm(formdata=formdata(answers))
    assert not form.validate()
    assert "Fill in at least one budget line." in form.errors["budget_lines"]


def test_villages_must_add_up_to_the_beneficiaries(request_ctx):
    form = SmallGrantsForm(formdata=formdata(_rows("beneficiaries_by_village", 1,
                                                   beneficiaries=800)))
    assert not form.validate()
    (message,) = form.errors["beneficiaries_by_village"]
    assert message == ("The villages add up to 1800 beneficiaries, 960 of them women; the "
                       "totals say 1850 and 960. Make them equal.")
