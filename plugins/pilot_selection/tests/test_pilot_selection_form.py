"""The application form against the call's Annex 1 (letter of interest) and Annex 2 (the
information formats), item by item; validation; answers and refilling."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask
from flask_babel import Babel
from wtforms import FieldList, Form, FormField

from gms.forms import ApplicationForm
from plugins.pilot_selection.competition import PilotSelectionCompetition
from plugins.pilot_selection.forms import PilotSelectionForm, VisitForm, form_for
from plugins.pilot_selection.tests.factories import ANSWERS, answers, formdata, make_competition

# Each item of the documents -> where it is in the application: a form field ("letter.x"), a
# table column ("villages[].name") or an uploaded document ("document:kind").
ANNEX_1 = {
    "1. Aiyl aimak, district, oblast (Osh), or town": [
        "letter.municipality_name", "letter.municipality_location"],
    "2. Full name of the head of the aiyl aimak or the mayor": [
        "letter.head_title", "letter.head_name"],
    "3. Full name of the chair of the local council": ["letter.council_chair_name"],
    "4. Name and location of the aiyl aimak (town)": [
        "letter.municipality_name", "letter.municipality_location"],
    "5. Declaration: wish, opportunity, readiness to cooperate": [
        "letter.declaration_cooperation"],
    "6. Joint action plan, part of the memorandum if selected": [
        "action_plan[].activity", "action_plan[].kind", "action_plan[].timing",
        "action_plan[].responsible", "letter.declaration_action_plan"],
    "7. Confirmation: open governance, budget information open (Law of 28 Dec 2006)": [
        "letter.declaration_open_governance"],
    "8.1 Attachment: general information": ["general"],
    "8.2 Attachment: joint activities of the last 12 months": ["joint_activities"],
    "8.3 Attachment: formal and informal groups": ["civic_groups"],
    "8.4 Attachment: international donors with contacts": ["donor_projects"],
    "9. Signatures of the head (mayor) and of the council chair": [
        "document:signed_letter", "letter.head_name", "letter.council_chair_name"],
    "10. Date; seal": ["letter.letter_date", "document:signed_letter"],
    "11. Contacts: mobile and landline telephones, postal address": [
        "letter.contact_mobile", "letter.contact_phone_fax", "letter.postal_address"],
    "Step 1. Joint decision of the aiyl okmotu and the local council": [
        "letter.joint_decision_number", "letter.joint_decision_date",
        "document:joint_decision"],
}
ANNEX_2_GENERAL = {
    "1. Name of the AA / town": ["letter.municipality_name"],
    "2. Postal address of the aiyl okmotu / mayor's office": ["letter.postal_address"],
    "3. Telephone / fax": ["letter.contact_phone_fax"],
    "4. E-mail; website of the AO / mayor's office / council": [
        "general.email", "general.website"],
    "5. Area of the AA, ha": ["general.area_ha"],
    "6. Agricultural and non-agricultural land, incl. pastures": [
        "general.land_agricultural_ha", "general.land_pastures_ha",
        "general.land_non_agricultural_ha", "general.land_notes"],
    "7. Municipal infrastructure (municipal property), incl. municipal land": [
        "general.municipal_property", "general.municipal_land_ha"],
    "8. Local budget: own revenues": ["general.own_revenue_kgs"],
    "9. Local budget: equalisation grant": ["general.equalisation_grant_kgs"],
    "10. Distance to the rayon centre, the oblast centre, the capital": [
        "general.distance_rayon_km", "general.distance_oblast_km",
        "general.distance_capital_km"],
    "11. Distance from the villages to the central village": [
        "villages[].name", "villages[].distance_km"],
    "12. Number of villages": ["general.villages_count"],
    "13. Population as of 1 January, by village, by sex, by ethnicity": [
        "general.population_total", "villages[].population", "general.population_women",
        "general.population_men", "ethnic_groups[].ethnicity", "ethnic_groups[].population"],
    "14. AO specialist certified in public procurement (name, position)": [
        "general.procurement_specialist", "general.procurement_specialist_name",
        "general.procurement_specialist_position"],
}
HEAD_QUESTIONS = {
    "Q1. Work of the council deputies (5 points), explain": [
        "head.q1_council_rating", "head.q1_explanation"],
    "Q2. Interaction of the AO / mayor's office and the council, explain": [
        "head.q2_interaction_rating", "head.q2_explanation"],
    "Q3. How active and competent are the deputies (5 points)": ["head.q3_deputies_rating"],
    "Q4. How good and active is the village head (5 points)": ["head.q4_village_head_rating"],
    "Q5. How active is the population (5 points)": ["head.q5_population_rating"],
    "Q6. The 5 most important problems to solve without delay": ["head.urgent_problems"],
    "Q7. Experience exchanges organised or attended: where, when, topic": [
        "head.q7_exchange", "head.q7_exchange_details"],
}
PART_2 = {
    "Activity or project": ["joint_activities[].title"],
    "Initiator or implementer": ["joint_activities[].initiator"],
    "Citizens involved": ["joint_activities[].citizens"],
    "Results with quantifiable indicators": ["joint_activities[].results"],
    "Newly appointed heads: an idea and the help needed": [
        "joint_activities[].kind", "joint_activities[].help_needed", "head_newly_appointed"],
}
PART_3 = {
    "Group or organisation, leader's name and contacts": [
        "civic_groups[].name", "civic_groups[].leader"],
    "Formal or informal": ["civic_groups[].kind"],
    "Target audience": ["civic_groups[].audience"],
    "Regular activities": ["civic_groups[].activities"],
    "Forms of cooperation with the aiyl okmotu and the council": [
        "civic_groups[].cooperation"],
}
PART_4 = {
    "Donor organisation": ["donor_projects[].donor"],
    "Project": ["donor_projects[].project"],
    "Citizens involved": ["donor_projects[].citizens"],
    "Results with quantifiable indicators": ["donor_projects[].results"],
    "Status (completed / ongoing)": ["donor_projects[].status"],
    "Contact persons (the heading's; an optional column)": ["donor_projects[].contact"],
}
ANNEXES = {"Annex 1": ANNEX_1, "Annex 2, Part 1": ANNEX_2_GENERAL, "Head's answers":
           HEAD_QUESTIONS, "Part 2": PART_2, "Part 3": PART_3, "Part 4": PART_4}
NOT_IN_THE_ANNEXES = {"title"}  # the core's title of every application


@pytest.fixture
def request_ctx():
    app = Flask(__name__)
    app.config.update(SECRET_KEY="test", WTF_CSRF_ENABLED=False, TESTING=True)
    Babel(app)
    with app.test_request_context(method="POST"):
        yield app


def _resolve(form, path: str):
    """The field at ``path`` ("letter.head_name", "villages[].name"), or a failure."""
    field = form
    for part in path.split("."):
        if isinstance(field, FormField):
            field = field.form
        if part.endswith("[]"):
            table = field[part[:-2]]
            assert isinstance(table, FieldList), f"{path}: {part} is not a table"
            field = table.entries[0].form
        else:
            assert part in field, f"{path}: no field {part!r}"
            field = field[part]
    return field


def _leaves(form, prefix=""):
    """Every answer the form holds, as mapping paths."""
    out = set()
    for field in form:
        name = f"{prefix}{field.short_name}"
        if isinstance(field, FormField):
            out |= _leaves(field.form, name + ".")
        elif isinstance(field, FieldList) and field.entries and isinstance(field.entries[0],
                                                                           FormField):
            out |= _leaves(field.entries[0].form, name + "[].")
        else:
            out.add(name)
    return out


@pytest.mark.parametrize("annex", ANNEXES)
def test_every_item_of_the_annexes_is_in_the_application(request_ctx, annex):
    form = PilotSelectionForm.from_answers({})
    kinds = {k.code for k in PilotSelectionCompetition().document_kinds(make_competition())}
    for item, places in ANNEXES[annex].items():
        assert places, item
        for place in places:
            if place.startswith("document:"):
                assert place.split(":")[1] in kinds, f"{annex} {item}: {place}"
            else:
                _resolve(form, place)


def test_every_answer_comes_from_the_annexes(request_ctx):
    form = PilotSelectionForm.from_answers({})
    mapped = set()
    for table in ANNEXES.values():
        for places in table.values():
            mapped |= {p for p in places if not p.startswith("document:")}
    expanded = set()
    for path in mapped:  # a whole section or table stands for all its fields
        field = _resolve(PilotSelectionForm.from_answers({}), path)
        if isinstance(field, FormField):
            expanded |= {f"{path}.{leaf}" for leaf in _leaves(field.form)}
        elif isinstance(field, FieldList) and field.entries and isinstance(
                field.entries[0], FormField):
            expanded |= {f"{path}[].{leaf}" for leaf in _leaves(field.entries[0].form)}
        else:
            expanded.add(path)
    assert _leaves(form) - NOT_IN_THE_ANNEXES == expanded


def test_the_type_hands_out_a_form_of_this_class(request_ctx):
    cls = PilotSelectionCompetition().application_form(make_competition())
    assert issubclass(cls, PilotSelectionForm) and issubclass(cls, ApplicationForm)
    form = cls.from_answers({})
    assert "requested_amount" not in form  # pilots get no money
    for name in ("letter", "general", "head"):
        assert isinstance(form[name].form, Form)


def test_descriptions_show_the_call_settings(request_ctx):
    competition = make_competition(settings={"activities_months": 18,
                                             "donor_period": "2014–2017"})
    form = PilotSelectionCompetition().application_form(competition).from_answers({})
    assert str(form.general.population_total.description) == "As of January 1, 2017"
    assert "As of January 1, 2017" in str(form.villages.description)
    assert "last 18 months" in str(form.joint_activities.description)
    assert "Projects of 2014–2017" in str(form.donor_projects.description)
    assert [f.short_name for f in form][:3] == ["title", "letter", "action_plan"]
    assert form_for(date(2017, 1, 1), 18, "2014–2017") is type(form)  # cached per settings


def test_tables_have_spare_rows_and_q6_five_lines(request_ctx):
    form = PilotSelectionForm.from_answers(ANSWERS)
    assert len(form.action_plan.entries) == len(ANSWERS["action_plan"]) + 2
    assert len(form.villages.entries) == len(ANSWERS["villages"]) + 2
    assert len(form.joint_activities.entries) == 3
    assert len(form.head.urgent_problems.entries) == 5
    assert "csrf_token" not in form.action_plan.entries[0].form  # rows have no token


def test_a_full_submission_validates_and_gives_back_the_answers(request_ctx):
    data = formdata()
    for i in (2, 3):  # spare rows the browser sends empty
        for cell in ("activity", "kind", "timing", "responsible"):
            data.add(f"action_plan-{i}-{cell}", "")
    form = PilotSelectionForm(formdata=data)
    assert form.validate(), form.errors
    assert form.answers() == ANSWERS
    refilled = PilotSelectionForm.from_answers(form.answers())
    assert refilled.letter.joint_decision_date.data == date(2017, 3, 15)
    assert refilled.general.area_ha.data == 12450


@pytest.mark.parametrize(("change", "where", "message"), [
    ({"letter__head_name": ""}, ("letter", "head_name"), "This field is required."),
    ({"general__email": "not an address"}, ("general", "email"), "Invalid email address."),
    ({"general__population_women": 30000}, ("general", "population_women"),
     "Women cannot outnumber"),
    ({"general__procurement_specialist_name": ""}, ("general", "procurement_specialist_name"),
     "certified specialist"),
    ({"head__q1_council_rating": "6"}, ("head", "q1_council_rating"), "Not a valid choice"),
    ({"head__q7_exchange_details": ""}, ("head", "q7_exchange_details"), "where, when"),
    ({"head__urgent_problems": ["", "", "", "", ""]}, ("head", "urgent_problems"),
     "at least the most urgent problem"),
    ({"action_plan": []}, ("action_plan",), "at least one activity"),
    ({"villages": []}, ("villages",), "List the villages"),
    ({"joint_activities": []}, ("joint_activities",), "or an idea"),
    ({"civic_groups": []}, ("civic_groups",), "at least one group"),
])
def test_what_is_refused(request_ctx, change, where, message):
    form = PilotSelectionForm(formdata=formdata(answers(**change)))
    assert not form.validate()
    errors = form.errors
    for key in where:
        errors = errors[key]
    assert message in str(errors)


def test_q2_rating_distance_zero_and_no_donor_are_fine(request_ctx):
    data = answers(general__distance_rayon_km="0", general__equalisation_grant_kgs="0",
                   donor_projects=[])
    data["head"]["q2_interaction_rating"] = ""
    form = PilotSelectionForm(formdata=formdata(data))
    assert form.validate(), form.errors


def test_a_started_row_must_be_finished_and_ideas_need_the_help(request_ctx):
    data = answers(joint_activities=[
        {"kind": "past", "title": "Субботник", "initiator": "", "citizens": "",
         "results": "", "help_needed": ""},
        {"kind": "idea", "title": "Водопровод", "initiator": "", "citizens": "",
         "results": "", "help_needed": ""},
        {"kind": "", "title": "Что-то", "initiator": "", "citizens": "", "results": "",
         "help_needed": ""}])
    form = PilotSelectionForm(formdata=formdata(data))
    assert not form.validate()
    rows = form.errors["joint_activities"]
    assert set(rows[0]) == {"initiator", "citizens", "results"}
    assert set(rows[1]) == {"help_needed"}
    assert set(rows[2]) == {"kind"}


def test_the_visit_form_has_the_whole_checklist(request_ctx):
    from plugins.pilot_selection.choices import CHECKLIST_CODES

    form = VisitForm(formdata=None)
    assert [answer.short_name for _label, answer, _notes in form.items()] == [
        f"check_{code}" for code in CHECKLIST_CODES]
    assert len(CHECKLIST_CODES) == 9
    assert set(form.checklist()) == set(CHECKLIST_CODES)
