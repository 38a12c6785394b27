"""Every pilot-selection eligibility rule, passing and failing (pure: no app)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from gms.competition import blocking_failures, build_rules, run_rules
from plugins.pilot_selection import rules
from plugins.pilot_selection.tests.factories import answers, make_competition, make_info

CODES = [
    "pilot_selection.local_unit", "pilot_selection.one_letter", "pilot_selection.interest",
    "pilot_selection.joint_decision", "pilot_selection.signed_letter",
    "pilot_selection.action_plan", "pilot_selection.joint_activities",
    "pilot_selection.civic_groups", "pilot_selection.population",
]


def result(code, info):
    rule = next(r for r in build_rules(rules.rule_specs(info.competition)) if r.code == code)
    return rule(info)


def test_codes_are_prefixed_unique_and_blocking_but_the_population_warning():
    built = build_rules(rules.rule_specs(make_competition()))
    assert [r.code for r in built] == CODES
    blocking = {r.code: r.blocking for r in built}
    assert blocking.pop("pilot_selection.population") is False
    assert all(blocking.values())
    for rule in built:
        json.dumps(dict(rule.params))


def test_a_complete_application_passes_every_rule():
    results = run_rules(build_rules(rules.rule_specs(make_competition())), make_info())
    assert all(r.passed for r in results), [r.message for r in results if not r.passed]
    assert blocking_failures(results) == []


def test_local_unit():
    assert result("pilot_selection.local_unit", make_info()).passed
    from plugins.pilot_selection.tests.factories import organisation

    town = organisation(name="Ноокат (Ноокатский район)", territory_kind="town_or_pgt")
    assert result("pilot_selection.local_unit", make_info(org=town)).passed
    nowhere = organisation(territory_code=None, territory_kind=None)
    r = result("pilot_selection.local_unit", make_info(org=nowhere))
    assert not r.passed and "aiyl aimak or a small town" in r.message


def test_one_letter_per_municipality():
    assert result("pilot_selection.one_letter", make_info(others=0)).passed
    r = result("pilot_selection.one_letter", make_info(others=1))
    assert not r.passed and "already submitted a letter of interest" in r.message


def test_interest_needs_both_signatories_and_every_declaration():
    assert "Criterion 1" in result("pilot_selection.interest", make_info()).message
    r = result("pilot_selection.interest", make_info(letter__declaration_open_governance=False,
                                                     letter__council_chair_name=""))
    assert not r.passed
    assert "chair of the local council" in r.message
    assert "open governance and open budget information" in r.message
    r = result("pilot_selection.interest", make_info(letter__declaration_cooperation="y",
                                                     letter__declaration_action_plan=None))
    assert not r.passed and "joint action plan" in r.message
    assert "are ready to cooperate" not in r.message  # "y" counts as ticked


def test_joint_decision_number_date_deadline_and_document():
    r = result("pilot_selection.joint_decision", make_info())
    assert r.passed and "14/2" in r.message and "2017-03-15" in r.message
    r = result("pilot_selection.joint_decision", make_info(letter__joint_decision_number=""))
    assert not r.passed and "number and the date" in r.message
    r = result("pilot_selection.joint_decision", make_info(letter__joint_decision_date="soon"))
    assert not r.passed and "number and the date" in r.message
    # adopted on deadline day is fine; the day after is not
    on_time = make_info(letter__joint_decision_date="2017-03-28")
    assert result("pilot_selection.joint_decision", on_time).passed
    late = make_info(letter__joint_decision_date="2017-03-29")
    r = result("pilot_selection.joint_decision", late)
    assert not r.passed and "after the deadline" in r.message
    r = result("pilot_selection.joint_decision", make_info(attachments={"signed_letter"}))
    assert not r.passed and r.message.startswith("Attach the joint decision No. 14/2")


def test_signed_letter_scan():
    assert result("pilot_selection.signed_letter", make_info()).passed
    r = result("pilot_selection.signed_letter", make_info(attachments={"joint_decision"}))
    assert not r.passed and "signed by the head (mayor) and by the chair" in r.message


def test_action_plan():
    r = result("pilot_selection.action_plan", make_info())
    assert r.passed and "2 activities" in r.message
    empty_rows = [{"activity": " ", "kind": "trainings", "timing": "", "responsible": ""}]
    r = result("pilot_selection.action_plan", make_info(action_plan=empty_rows))
    assert not r.passed and "Add the joint action plan" in r.message


IDEA = {"kind": "idea", "title": "Водопровод для Кара-Шыбака", "initiator": "АО",
        "citizens": 300, "results": "", "help_needed": "Смета и сход жителей"}


def test_joint_activities_past_activities_pass():
    r = result("pilot_selection.joint_activities", make_info())
    assert r.passed and "1 joint activity of the last 12 months" in r.message
    months = make_competition(settings={"activities_months": 24})
    r = result("pilot_selection.joint_activities", make_info(competition=months))
    assert "last 24 months" in r.message


def test_joint_activities_an_idea_never_fails_and_says_why():
    info = make_info(joint_activities=[IDEA], head_newly_appointed=True)
    r = result("pilot_selection.joint_activities", info)
    assert r.passed and r.blocking
    assert "no past joint activity" in r.message and "newly appointed heads" in r.message
    # even without the newly-appointed box: the commission judges the idea
    assert result("pilot_selection.joint_activities", make_info(joint_activities=[IDEA])).passed
    both = make_info(joint_activities=[*answers()["joint_activities"], IDEA])
    r = result("pilot_selection.joint_activities", both)
    assert r.passed and "1 joint activity and 1 idea" in r.message


def test_joint_activities_fail_without_activity_or_idea():
    r = result("pilot_selection.joint_activities", make_info(joint_activities=[]))
    assert not r.passed and "A newly appointed head may describe an idea" in r.message
    r = result("pilot_selection.joint_activities",
               make_info(joint_activities=[], head_newly_appointed=True))
    assert not r.passed and "as a newly appointed head, describe in Part 2 an idea" in r.message


def test_civic_groups():
    r = result("pilot_selection.civic_groups", make_info())
    assert r.passed and "Criterion 3: 1 group" in r.message
    r = result("pilot_selection.civic_groups", make_info(civic_groups=[]))
    assert not r.passed and "formal and informal groups" in r.message


def test_population_warns_when_breakdowns_do_not_add_up():
    assert result("pilot_selection.population", make_info()).passed
    info = make_info(general__population_total=21000)
    r = result("pilot_selection.population", info)
    assert not r.passed and not r.blocking
    assert "by village adds up to 21480, but the total is 21000" in r.message
    assert "by sex adds up to 21480" in r.message
    assert "by ethnicity" in r.message
    # not filled in yet: nothing to compare
    assert result("pilot_selection.population", make_info(general__population_total=None)).passed


@pytest.mark.parametrize("deadline", [None, datetime(2017, 3, 28, 18, 30, tzinfo=UTC)])
def test_joint_decision_deadline_is_the_bishkek_day(deadline):
    # 18:30 UTC on 28 March is 00:30 on 29 March in Bishkek
    competition = make_competition(deadline_at=deadline)
    info = make_info(competition=competition, letter__joint_decision_date="2017-03-29")
    assert result("pilot_selection.joint_decision", info).passed
