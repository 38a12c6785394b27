"""Every eligibility rule of both variants passes and fails for the right reason (pure
Python: no app, no database; messages in English, the msgids)."""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest

from gms.competition import build_rules, run_rules
from plugins.local_initiative import rules
from plugins.local_initiative.municipal_rules import municipal_rule_specs
from plugins.local_initiative.tests.factories import (
    AK_TAL,
    CONTEST_ANSWERS,
    MUNICIPAL_ANSWERS,
    contest_call,
    contest_info,
    municipal_call,
    municipal_info,
    organisation,
)


def _rule(rule_list, code):
    matches = [r for r in rule_list if r.code == code]
    assert len(matches) == 1, code
    return matches[0]


def contest_rule(code, competition=None):
    return _rule(build_rules(rules.contest_rule_specs(competition or contest_call())),
                 "local_initiative." + code)


def municipal_rule(code, competition=None):
    return _rule(build_rules(municipal_rule_specs(competition or municipal_call())),
                 "local_initiative.municipal." + code)


# ----------------------------------------------------------------------------- contest


def test_complete_entry_passes_every_contest_rule():
    results = run_rules(build_rules(rules.contest_rule_specs(contest_call())), contest_info())
    assert [r.code for r in results if not r.passed] == []
    assert {r.code for r in results} == {
        "local_initiative." + c for c in ("applicant_role", "co_applicants", "one_problem",
                                          "participation", "consent", "indicators", "photos")}


@pytest.mark.parametrize("role, kind, passed", [
    ("community_leader", "initiative_group", True),   # an individual: a group of one
    ("community_leader", "ngo", False),
    ("initiative_group", "initiative_group", True),
    ("ngo", "ngo", True),
    ("ngo", "municipality", False),
    ("lsg_body", "municipality", True),
    ("lsg_body", "initiative_group", False),
    ("municipal_institution", "municipality", True),
    ("municipal_institution", "initiative_group", True),
    ("municipal_institution", "ngo", False),
])
def test_applicant_role_matches_the_registration(role, kind, passed):
    result = contest_rule("applicant_role")(
        contest_info(org=organisation(kind=kind), applicant_role=role))
    assert result.passed is passed
    if not passed:
        assert "registered as" in result.message


def test_applicant_role_missing():
    result = contest_rule("applicant_role")(contest_info(applicant_role=""))
    assert not result.passed and result.message.startswith("Choose who is applying")


def test_co_applicants_of_a_joint_entry():
    rule = contest_rule("co_applicants")
    partner = {"name": "ОО «Зелёный Кемин»", "kind": "ngo", "role": "модерация"}
    assert rule(contest_info()).message == "The entry is made by the applicant alone."
    joint = rule(contest_info(joint_entry=True, co_applicants=[partner, partner]))
    assert joint.passed and joint.message == "Joint entry with 2 co-applicants."
    assert not rule(contest_info(joint_entry=True, co_applicants=[])).passed
    unmarked = rule(contest_info(joint_entry=False, co_applicants=[partner]))
    assert not unmarked.passed and "mark the entry as joint" in unmarked.message
    nameless = rule(contest_info(joint_entry=True,
                                 co_applicants=[{"name": "", "kind": "ngo", "role": "x"}]))
    assert not nameless.passed and "name and the kind" in nameless.message
    # spare (empty) rows are ignored
    spare = {"name": "", "kind": "", "role": ""}
    assert rule(contest_info(co_applicants=[spare])).passed


@pytest.mark.parametrize("changes, passed", [
    ({}, True),
    ({"issue_area": ""}, False),
    ({"issue_area": "teleportation"}, False),
    ({"problem": "  "}, False),
])
def test_one_problem_per_entry(changes, passed):
    result = contest_rule("one_problem")(contest_info(**changes))
    assert result.passed is passed
    if passed:
        assert "Kindergartens and pre-school education" in result.message
    else:
        assert "separate entries" in result.message


@pytest.mark.parametrize("total, women, passed, text", [
    (46, 31, True, "Residents who took part: 46, of them women: 31."),
    (None, 3, False, "Enter how many residents took part"),
    (0, 0, False, "At least one resident"),
    (10, 11, False, "between zero and the number of people (10)"),
    ("12", "0", True, "of them women: 0"),
])
def test_participation(total, women, passed, text):
    result = contest_rule("participation")(
        contest_info(citizens_involved=total, women_involved=women))
    assert result.passed is passed and text in result.message


def test_consent_to_publication():
    rule = contest_rule("consent")
    assert rule(contest_info()).passed
    assert not rule(contest_info(consent_publish=False)).passed


def test_indicators_and_photos_are_warnings():
    indicators, photos = contest_rule("indicators"), contest_rule("photos")
    assert not indicators.blocking and not photos.blocking
    assert indicators(contest_info()).passed
    vague = indicators(contest_info(results="Жители стали активнее."))
    assert not vague.passed and "with numbers" in vague.message
    assert photos(contest_info()).passed
    assert not photos(contest_info(attachments=set())).passed


def test_nomination_rule_only_with_nominations():
    plain = build_rules(rules.contest_rule_specs(contest_call()))
    assert not any(r.code.endswith("nomination") for r in plain)
    call = contest_call(settings={"nominations": "Community; Partnership with the LSG"})
    rule = contest_rule("nomination", call)
    assert rule.params == {"nominations": ["Community", "Partnership with the LSG"]}
    chosen = rule(contest_info(call, nomination="2"))
    assert chosen.passed and "“Partnership with the LSG”" in chosen.message
    assert not rule(contest_info(call)).passed
    assert "not one of this call's" in rule(contest_info(call, nomination="3")).message


def test_ngo_special_contest():
    plain = build_rules(rules.contest_rule_specs(contest_call()))
    assert not any(r.code.endswith("ngo_only") for r in plain)
    call = contest_call(settings={"ngo_only": True})
    rule = contest_rule("ngo_only", call)
    ngo = organisation(kind="ngo")
    assert rule(contest_info(call, org=ngo, attachments={"ngo_registration"})).passed
    missing = rule(contest_info(call, org=ngo, attachments=set()))
    assert not missing.passed and "certificate of state registration" in missing.message
    group = rule(contest_info(call, attachments={"ngo_registration"}))
    assert not group.passed and "registered NGOs only" in group.message


# --------------------------------------------------------------------------- municipal


def test_complete_application_passes_every_municipal_rule():
    results = run_rules(build_rules(municipal_rule_specs(municipal_call())), municipal_info())
    assert [(r.code, r.message) for r in results if not r.passed] == []
    assert len(results) == 10


def test_call_without_organiser_fails_for_everyone():
    call = municipal_call(organiser=None)
    organiser = municipal_rule("organiser", call)(municipal_info(call))
    assert not organiser.passed and "municipality's own staff" in organiser.message
    assert not municipal_rule("territory", call)(municipal_info(call)).passed
    ok = municipal_rule("organiser")(municipal_info())
    assert ok.passed and "Ак-Талинский айылный аймак" in ok.message


def test_territory_of_the_organiser():
    rule, known = municipal_rule("territory"), municipal_rule("territory_known")
    assert not known.blocking
    assert rule(municipal_info()).passed and known(municipal_info()).passed
    other = municipal_info(org=organisation(territory="41706226822000"))
    result = rule(other)
    assert not result.passed and "registered in another municipality" in result.message
    # no territory given: passes the blocking rule, warns for the organiser to check
    nowhere = municipal_info(org=organisation(territory=None))
    assert rule(nowhere).passed
    warning = known(nowhere)
    assert not warning.passed and "will check" in warning.message


@pytest.mark.parametrize("amount, passed, text", [
    (Decimal(10000), True, "within the maximum of 10\u00a0000\u00a0KGS"),
    (Decimal(10001), False, "more than this call's maximum"),
    (Decimal(0), False, "more than zero"),
])
def test_cap_per_initiative(amount, passed, text):
    result = municipal_rule("cap")(municipal_info(amount=amount))
    assert result.passed is passed and text in result.message


def test_cap_missing_amount_and_lower_call_maximum():
    rule = municipal_rule("cap")
    data = copy.deepcopy(MUNICIPAL_ANSWERS)
    data["requested_amount"] = ""
    from plugins.local_initiative.tests.factories import info

    assert "Enter the amount" in rule(info(data, municipal_call(),
                                           org=organisation(territory=AK_TAL))).message
    # the call's "maximum grant" lowers the cap; an empty setting leaves that one
    call = municipal_call(max_grant=Decimal(5000))
    assert not municipal_rule("cap", call)(municipal_info(call)).passed
    uncapped = municipal_call(settings={"max_per_initiative_kgs": None})
    assert "sets no maximum" in municipal_rule("cap", uncapped)(municipal_info(uncapped)).message


def test_financing_types():
    rule = municipal_rule("financing_type")
    assert rule(municipal_info()).passed
    assert not rule(municipal_info(financing_type="")).passed
    # co-financing without any own resource
    local_only = [line for line in MUNICIPAL_ANSWERS["budget_lines"]
                  if line["source"] == "local_budget"]
    bare = rule(municipal_info(budget_lines=local_only))
    assert not bare.passed and "already have money, labour" in bare.message
    # completion needs what was already achieved
    assert not rule(municipal_info(financing_type="completion")).passed
    assert rule(municipal_info(financing_type="completion", achieved="5 орундук")).passed
    # a call that accepts only completion
    call = municipal_call(settings={"allow_co_financing": False})
    refused = municipal_rule("financing_type", call)(municipal_info(call))
    assert not refused.passed and "does not accept" in refused.message
    closed = municipal_call(settings={"allow_co_financing": False, "allow_completion": False})
    assert "accepts no financing type" in municipal_rule("financing_type", closed)(
        municipal_info(closed)).message


def test_minimum_contribution():
    assert "sets no minimum" in municipal_rule("contribution")(municipal_info()).message
    strict = municipal_call(settings={"min_contribution_percent": "60"})
    low = municipal_rule("contribution", strict)(municipal_info(strict))
    assert not low.passed and "54.55%" in low.message and "at least 60%" in low.message
    fair = municipal_call(settings={"min_contribution_percent": "50"})
    assert municipal_rule("contribution", fair)(municipal_info(fair)).passed
    empty = municipal_rule("contribution", strict)(municipal_info(strict, budget_lines=[]))
    assert not empty.passed and "Fill in the budget" in empty.message


def test_budget_matches_the_requested_amount():
    rule = municipal_rule("budget")
    assert rule(municipal_info()).passed
    mismatch = rule(municipal_info(amount=Decimal(9000)))
    assert not mismatch.passed and "Make the two equal" in mismatch.message
    assert not rule(municipal_info(budget_lines=[])).passed


def test_implementation_plan_and_deadline():
    rule = municipal_rule("plan")
    assert rule(municipal_info()).message == "The plan has 2 activities."
    assert not rule(municipal_info(plan=[])).passed
    undated = [{"activity": "Орнотуу", "starts_on": "", "ends_on": "2026-05-01",
                "responsible": "X"}]
    assert "start and an end date" in rule(municipal_info(plan=undated)).message
    backwards = [{"activity": "Орнотуу", "starts_on": "2026-05-10", "ends_on": "2026-05-01",
                  "responsible": "X"}]
    assert "ends before it starts" in rule(municipal_info(plan=backwards)).message
    call = municipal_call(settings={"implementation_deadline": "20.05.2026"})
    late = municipal_rule("plan", call)(municipal_info(call))
    assert not late.passed and "“Орнотуу” ends on 2026-05-25" in late.message
    call = municipal_call(settings={"implementation_deadline": "2026-06-30"})
    assert municipal_rule("plan", call)(municipal_info(call)).passed


def test_beneficiaries():
    rule = municipal_rule("participation")
    assert rule(municipal_info()).message == (
        "Residents who will benefit: 400, of them women: 180.")
    assert not rule(municipal_info(beneficiaries=0)).passed
    assert not rule(municipal_info(beneficiaries_women=401)).passed


def test_required_documents():
    rule = municipal_rule("documents")
    assert rule(municipal_info()).passed
    result = rule(municipal_info(attachments={"application_letter", "budget"}))
    assert not result.passed
    assert "Proposal (сунуш)" in result.message and "Implementation plan" in result.message
    assert "Application (арыз)" not in result.message


def test_rule_parameters_are_json_safe():
    import json

    for rule in (build_rules(rules.contest_rule_specs(contest_call(settings={"nominations": "A;B",
                                                           "ngo_only": True})))
                 + build_rules(municipal_rule_specs(municipal_call()))):
        json.dumps(dict(rule.params))
    assert CONTEST_ANSWERS["consent_publish"] is True
