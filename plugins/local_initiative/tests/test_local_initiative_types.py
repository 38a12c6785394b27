"""The two competition types: registration, settings, scoring sheets, documents, forms,
reports and the diploma and certificate texts."""

from __future__ import annotations

import copy
import io
from datetime import date
from decimal import Decimal

import pytest
from flask_babel import force_locale
from pypdf import PdfReader

from gms.competition import ScoringSheet
from gms.hooks.manager import build_plugin_manager
from plugins.local_initiative import reports
from plugins.local_initiative.competition import LocalInitiativeContest, MunicipalInitiatives
from plugins.local_initiative.diplomas import CERTIFICATE, DIPLOMA, AwardFacts, kind_of, pdf_for
from plugins.local_initiative.forms import ContestForm, MunicipalForm, contest_form, municipal_form
from plugins.local_initiative.tests.factories import (
    CONTEST_ANSWERS,
    MUNICIPAL_ANSWERS,
    contest_call,
    contest_info,
    formdata,
    municipal_call,
    municipal_info,
)

CONTEST, MUNICIPAL = LocalInitiativeContest(), MunicipalInitiatives()


def test_both_types_register_under_the_plugin():
    _pm, registry, _enabled = build_plugin_manager({"PLUGINS": ["local_initiative"]})
    assert [t.key for t in registry] == ["local_initiative", "local_initiative.municipal"]
    assert registry.plugin_of["local_initiative.municipal"] == "local_initiative"
    assert CONTEST.applicant_kinds == ("municipality", "ngo", "initiative_group")
    assert MUNICIPAL.applicant_kinds == ("ngo", "initiative_group")


def test_settings_and_defaults():
    assert CONTEST.default_settings() == {"place_ratio": "100:80:70", "nominations": "",
                                          "prizes_in_equipment": False, "ngo_only": False}
    ngo = next(f for f in CONTEST.settings_fields() if f.name == "ngo_only")
    assert ngo.kind == "bool" and "rules not documented" in str(ngo.label)
    municipal = MUNICIPAL.default_settings()
    assert municipal["max_per_initiative_kgs"] == 10000
    assert municipal["public_hearing"] is True and municipal["partial_financing"] is True
    assert municipal["min_contribution_percent"] == 0


def test_contest_sheet_five_criteria_zero_to_ten():
    sheet = CONTEST.scoring_sheet(contest_call())
    assert [c.key for c in sheet.criteria] == ["significance", "participation", "partnership",
                                               "results", "sustainability"]
    for c in sheet.criteria:
        assert (c.scale.min, c.scale.max, c.scale.step, c.weight) == (0, 10, 0.5, 1)
        assert set(c.label) == set(c.guidance) == {"ky", "ru", "en"}
        assert all(c.label.values()) and all(c.guidance.values())
    assert sheet.aggregate == "sum" and sheet.max_total == 50
    scores = {c.key: Decimal(8) for c in sheet.criteria}
    assert sheet.total(scores) == 40
    assert sheet.validate({**scores, "results": Decimal("2.5")}, {}) == {
        "results": "comment_required"}
    assert sheet.validate({**scores, "results": Decimal("10.5")}, {}) == {
        "results": "out_of_range"}
    assert ScoringSheet.from_dict(sheet.to_dict()) == sheet


def test_municipal_sheet_the_five_ak_tal_criteria():
    sheet = MUNICIPAL.scoring_sheet(municipal_call())
    assert [c.key for c in sheet.criteria] == ["significance", "participation",
                                               "sustainability", "expenses", "contribution"]
    assert {(c.scale.min, c.scale.max, c.scale.step, c.weight) for c in sheet.criteria} == {
        (0, 5, 1, 1)}
    assert sheet.criterion("contribution").label["ky"] == (
        "Өздүк салым жана/же тартылган каражаттар")
    assert sheet.max_total == 25
    assert sheet.total({c.key: Decimal(4) for c in sheet.criteria}) == 20
    # N/A is not offered; half points are not allowed; a 1 needs a comment
    assert sheet.validate({c.key: Decimal("3.5") for c in sheet.criteria}, {})[
        "significance"] == "bad_step"
    assert sheet.validate({c.key: Decimal(1) for c in sheet.criteria},
                          {c.key: "x" for c in sheet.criteria}) == {}


def test_document_kinds():
    assert [k.code for k in CONTEST.document_kinds(contest_call())] == [
        "photos", "support_letters", "publications"]
    ngo = CONTEST.document_kinds(contest_call(settings={"ngo_only": True}))
    assert (ngo[0].code, ngo[0].required) == ("ngo_registration", True)
    kinds = MUNICIPAL.document_kinds(municipal_call())
    assert [k.code for k in kinds if k.required] == [
        "application_letter", "proposal", "implementation_plan", "budget"]
    assert "арыз" in str(kinds[0].label) and "сунуш" in str(kinds[1].label)


def test_requested_amounts():
    contest = CONTEST.requested_amount_rule(contest_call()).build()
    municipal = MUNICIPAL.requested_amount_rule(municipal_call()).build()
    assert contest(CONTEST_ANSWERS) == 0
    assert municipal(MUNICIPAL_ANSWERS) == Decimal(10000)
    assert municipal({"requested_amount": "много"}) is None


# ------------------------------------------------------------------------------- forms


def test_contest_form_round_trip(app_ctx):
    form = ContestForm(formdata=formdata(CONTEST_ANSWERS))
    assert form.validate(), form.errors
    assert form.answers() == CONTEST_ANSWERS
    assert "requested_amount" not in form.answers() and "nomination" not in form.answers()
    refilled = ContestForm.from_answers(CONTEST_ANSWERS)
    assert len(refilled.co_applicants.entries) == 2  # spare rows to type in
    assert refilled.started_on.data == date(2025, 3, 1)


def test_contest_form_checks(app_ctx):
    with force_locale("en"):
        _contest_form_checks()


def _contest_form_checks():
    bad = dict(CONTEST_ANSWERS, women_involved=50, finished_on="2025-01-01",
               co_applicants=[{"name": "ОО", "kind": "", "role": ""}])
    form = ContestForm(formdata=formdata(bad))
    assert not form.validate()
    assert "women_involved" in form.errors and "finished_on" in form.errors
    assert form.errors["co_applicants"][0] == {"kind": ["Fill this in, or clear the whole row."]}


def test_contest_form_with_nominations(app_ctx):
    form_cls = contest_form(("Community", "Partnership"))
    assert form_cls is contest_form(("Community", "Partnership"))  # cached per call terms
    form = form_cls(formdata=formdata(dict(CONTEST_ANSWERS, nomination="2")))
    assert form.validate(), form.errors
    assert form.answers()["nomination"] == "2"
    assert [c[0] for c in form.nomination.choices] == ["", "1", "2"]
    names = [f.name for f in form]
    assert names.index("nomination") < names.index("what_was_done")
    assert not form_cls(formdata=formdata(dict(CONTEST_ANSWERS, nomination="3"))).validate()


def test_municipal_form_round_trip_and_checks(app_ctx):
    with force_locale("en"):
        _municipal_form_round_trip_and_checks()


def _municipal_form_round_trip_and_checks():
    form = MunicipalForm(formdata=formdata(MUNICIPAL_ANSWERS))
    assert form.validate(), form.errors
    assert form.answers() == MUNICIPAL_ANSWERS
    empty = MunicipalForm(formdata=formdata(dict(MUNICIPAL_ANSWERS, plan=[], budget_lines=[
        {"item": "Тор", "unit": "", "quantity": "1", "unit_cost": "", "source": ""}])))
    assert not empty.validate()
    assert empty.errors["plan"] == ["Fill in at least one activity."]
    assert "unit_cost" in empty.errors["budget_lines"][0]


def test_municipal_form_offers_only_the_calls_financing_types(app_ctx):
    assert municipal_form(("co_financing", "completion")) is MunicipalForm
    only = municipal_form(("completion",))
    form = only(formdata=formdata(MUNICIPAL_ANSWERS))
    assert [c[0] for c in form.financing_type.choices] == ["", "completion"]
    assert not form.validate() and "financing_type" in form.errors
    names = [f.name for f in form]
    assert names.index("financing_type") < names.index("proposal")


# ----------------------------------------------------------------------------- reports


def test_reports():
    partner = {"name": "ОО", "kind": "ngo", "role": ""}
    apps = [contest_info(), contest_info(joint_entry=True, co_applicants=[partner],
                                         applicant_role="ngo", citizens_involved=100,
                                         women_involved=60)]
    header, rows = reports.entries_by_role(contest_call(), apps)
    assert len(header) == 6
    assert rows[0] == ["Community leader (an individual)", 1, 0, 46, 31, Decimal("67.39")]
    assert rows[-1] == ["Total", 2, 1, 146, 91, Decimal("62.33")]
    header, rows = reports.financing_by_type(municipal_call(), [
        municipal_info(), municipal_info(financing_type="completion")])
    assert rows[0] == ["Co-financing: the initiative has money, labour or other resources "
                       "and needs more", 1, Decimal(10000), Decimal(12000), Decimal(0),
                       Decimal(22000)]
    assert rows[-1][:2] == ["Total", 2] and rows[-1][5] == Decimal(44000)


# -------------------------------------------------------------------- diplomas (pure)


@pytest.mark.parametrize("outcome, reason, kind", [
    ("funded", "place_1", DIPLOMA), ("funded", "nomination_2.place_3", DIPLOMA),
    ("reserve", "no_place", CERTIFICATE), ("reserve", "envelope", CERTIFICATE),
    ("not_funded", "below_threshold", None), ("funded", "", None),
])
def test_who_gets_a_diploma_or_certificate(outcome, reason, kind):
    assert kind_of(outcome, reason) == kind


def _text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_diploma_and_certificate_texts():
    facts = AwardFacts(kind=DIPLOMA, call_title="«Жергиликтүү демилге» сынагы 2025",
                       applicant="Гүлзада Абдыкалыкова", entry_title="Бала бакчага жай",
                       number="003-00012", published_on=date(2025, 11, 12), place=1,
                       nomination="Жамааттын демилгеси", amount=Decimal(120000),
                       co_applicants=("ОО «Зелёный Кемин»",))
    text = " ".join(_text(pdf_for(facts)).split())
    for expected in ("DIPLOMA", "I place in the nomination “Жамааттын демилгеси”",
                     "Гүлзада Абдыкалыкова", "ОО «Зелёный Кемин»", "Бала бакчага жай",
                     "003-00012", "120 000 KGS", "2025-11-12"):
        assert expected in text, expected
    equipment = AwardFacts(**{**facts.__dict__, "in_equipment": True, "nomination": None,
                              "place": 2})
    text = " ".join(_text(pdf_for(equipment)).split())
    assert "II place" in text and "Prize in equipment to the value of 120 000 KGS" in text
    certificate = AwardFacts(kind=CERTIFICATE, call_title="Contest", applicant="ОО «Таза суу»",
                             entry_title="Арыктар", number="003-00014",
                             published_on=None, organiser="Ак-Талинский айылный аймак")
    text = " ".join(_text(pdf_for(certificate)).split())
    assert "CERTIFICATE" in text and "Finalist of the contest" in text
    assert "reached the final" in text and "Organised by Ак-Талинский айылный аймак" in text


def test_answers_are_not_changed_by_rules():
    before = copy.deepcopy(MUNICIPAL_ANSWERS)
    from gms.competition import build_rules, run_rules
    from plugins.local_initiative.municipal_rules import municipal_rule_specs

    run_rules(build_rules(municipal_rule_specs(municipal_call())), municipal_info())
    assert MUNICIPAL_ANSWERS == before
