"""Every eligibility rule of the contest, passing and failing, as pure Python (no app)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from gms.competition import build_rules
from plugins.citizen_budget_contest import rules
from plugins.citizen_budget_contest.tests.factories import (
    ANSWERS,
    EXECUTION_HEARING,
    make_competition,
    make_info,
    with_hearings,
)

PREFIX = "citizen_budget_contest."


def _rule(code, competition=None):
    competition = competition or make_competition()
    found = [r for r in build_rules(rules.rule_specs(competition)) if r.code == PREFIX + code]
    assert len(found) == 1, code
    return found[0]


def _run(code, info, competition=None):
    return _rule(code, competition or info.competition)(info)


def test_codes_and_blocking():
    built = {r.code: r.blocking for r in build_rules(rules.rule_specs(make_competition()))}
    assert built == {
        PREFIX + "hearing_in_window": True, PREFIX + "hearing_records": True,
        PREFIX + "minutes": True, PREFIX + "women_share": False,
        PREFIX + "proposals_adopted": True, PREFIX + "one_per_edition": True,
        PREFIX + "prize_use": True}


def test_complete_application_passes_every_rule():
    info = make_info()
    for rule in build_rules(rules.rule_specs(info.competition)):
        result = rule(info)
        assert result.passed, (rule.code, result.message)


# ------------------------------------------------------------------ hearing in the window


def test_hearing_in_window_passes_with_one_draft_hearing_inside():
    result = _run("hearing_in_window", make_info())
    assert result.passed
    assert result.message == ("1 public hearing on the draft budget for 2027 was held between "
                              "2026-06-15 and 2026-08-20.")


@pytest.mark.parametrize("held_on", ["2026-06-15", "2026-08-20"])
def test_window_includes_both_ends(held_on):
    assert _run("hearing_in_window", make_info(with_hearings({"held_on": held_on}))).passed


@pytest.mark.parametrize("held_on", ["2026-06-14", "2026-08-21", "2025-07-10", ""])
def test_hearing_outside_the_window_fails(held_on):
    result = _run("hearing_in_window", make_info(with_hearings({"held_on": held_on})))
    assert not result.passed and result.blocking
    assert "None of the hearings you recorded" in result.message


def test_only_execution_hearings_fail():
    result = _run("hearing_in_window", make_info(with_hearings(
        {"subject": "execution"}, EXECUTION_HEARING)))
    assert not result.passed
    assert "on the execution of the budget" in result.message


def test_no_hearings_fails_with_the_dates_to_meet():
    result = _run("hearing_in_window", make_info(hearings=[]))
    assert not result.passed
    assert result.message == ("Record your public hearings: at least one on the draft local "
                              "budget for 2027, held between 2026-06-15 and 2026-08-20.")


def test_default_window_is_the_year_before_the_budget_year_up_to_the_deadline():
    competition = make_competition(settings={"budget_year": None, "hearings_from": "",
                                             "hearings_to": ""})
    rule = _rule("hearing_in_window", competition)
    # the budget year is the year after opening (2026 → 2027); the window runs from
    # 1 January 2026 to the deadline, 15 September 2026
    assert rule.params == {"year": 2027, "start": "2026-01-01", "end": "2026-09-15"}
    assert rule(make_info(with_hearings({"held_on": "2026-09-15"}),
                          competition=competition)).passed
    assert not rule(make_info(with_hearings({"held_on": "2026-09-16"}),
                              competition=competition)).passed
    assert not rule(make_info(with_hearings({"held_on": "2025-12-31"}),
                              competition=competition)).passed


def test_window_dates_may_be_typed_day_first():
    competition = make_competition(settings={"hearings_from": "01.07.2026",
                                             "hearings_to": "31.07.2026"})
    assert _rule("hearing_in_window", competition).params["start"] == "2026-07-01"
    assert _run("hearing_in_window", make_info(competition=competition)).passed
    assert not _run("hearing_in_window", make_info(
        with_hearings({"held_on": "2026-08-02"}), competition=competition)).passed


def test_two_qualifying_hearings_are_counted():
    info = make_info(with_hearings({}, {"held_on": "2026-08-01", "place": "Школа"}))
    assert _run("hearing_in_window", info).message.startswith("2 public hearings")


# ----------------------------------------------------------------------- hearing records


def test_records_complete():
    result = _run("hearing_records", make_info())
    assert result.passed and result.message == "The records of all 2 hearings are complete."


def test_records_name_the_incomplete_hearings():
    info = make_info(with_hearings({}, {"place": "", "women": None}, {"participants": ""}))
    result = _run("hearing_records", info)
    assert not result.passed
    assert result.message.startswith("Complete the record of hearing 2, 3:")


def test_records_refuse_more_women_than_participants():
    result = _run("hearing_records", make_info(with_hearings({"women": 125})))
    assert not result.passed
    assert result.message == "Hearing 1: there cannot be more women than participants."


def test_records_refuse_an_announcement_after_the_hearing():
    result = _run("hearing_records", make_info(with_hearings({"announced_on": "2026-07-11"})))
    assert not result.passed and "announcement date is after the hearing" in result.message


def test_records_need_a_hearing():
    result = _run("hearing_records", make_info(hearings=[{}, {"place": ""}]))
    assert not result.passed and result.message == "Record at least one public hearing."


# ------------------------------------------------------------------------------ minutes


def test_minutes_attached():
    assert _run("minutes", make_info(attachments={"hearing_minutes"})).passed


def test_minutes_missing():
    result = _run("minutes", make_info(attachments={"hearing_photos", "participant_lists"}))
    assert not result.passed and result.blocking
    assert "Attach the minutes (протокол) of each hearing" in result.message


# -------------------------------------------------------------------------- women share


def test_women_share_at_or_above_the_minimum_passes():
    # 58 + 31 women of 124 + 86 participants = 42.4 %
    result = _run("women_share", make_info())
    assert result.passed
    assert result.message == ("Women were 42.4% of the participants (89 of 210), at least the "
                              "30% the call expects.")


def test_women_share_below_the_minimum_warns_without_blocking():
    info = make_info(with_hearings({"participants": 100, "women": 25}))
    result = _run("women_share", info)
    assert not result.passed and not result.blocking
    assert "Women were 25% of the participants (25 of 100); the call expects at least 30%" \
        in result.message


def test_women_share_minimum_is_a_setting():
    competition = make_competition(settings={"min_women_percent": "20"})
    info = make_info(with_hearings({"participants": 100, "women": 25}), competition=competition)
    assert _run("women_share", info).passed
    assert _rule("women_share", competition).params == {"min_women_percent": "20"}


def test_women_share_exactly_the_minimum_passes():
    assert _run("women_share", make_info(with_hearings({"participants": 10, "women": 3}))).passed


def test_women_share_without_participants():
    result = _run("women_share", make_info(hearings=[]))
    assert not result.passed
    assert result.message == "Enter the number of participants and of women for each hearing."


# -------------------------------------------------------------------- proposals adopted


def test_adopted_at_most_received_passes_with_totals():
    result = _run("proposals_adopted", make_info())
    assert result.passed
    assert result.message == ("Citizens made 13 proposals at the hearings; 8 (61.5%) were "
                              "adopted into the budget, for 570\u00a0000\u00a0KGS.")


def test_adopted_equal_to_received_passes():
    info = make_info(with_hearings({"proposals_received": 5, "proposals_adopted": 5}))
    assert _run("proposals_adopted", info).passed


def test_more_adopted_than_received_fails_naming_the_hearing():
    info = make_info(with_hearings({}, {"proposals_received": 3, "proposals_adopted": 4}))
    result = _run("proposals_adopted", info)
    assert not result.passed and result.blocking
    assert result.message.startswith("Hearing 2: more proposals adopted than received.")


def test_adopted_without_any_received_fails():
    info = make_info(with_hearings({"proposals_received": None, "proposals_adopted": 1}))
    assert not _run("proposals_adopted", info).passed


def test_no_proposals_at_all_passes():
    info = make_info(with_hearings({"proposals_received": 0, "proposals_adopted": 0,
                                    "adopted_amount": ""}))
    result = _run("proposals_adopted", info)
    assert result.passed and "No citizens' proposals" in result.message


# ---------------------------------------------------------------------- one per edition


def test_first_application_of_the_edition_passes():
    result = _run("one_per_edition", make_info(others=0))
    assert result.passed and "(budget 2027)" in result.message


def test_second_application_of_the_same_lsg_fails():
    result = _run("one_per_edition", make_info(others=1))
    assert not result.passed and result.blocking
    assert "already submitted an application to this edition" in result.message


# ---------------------------------------------------------------------------- prize use


@pytest.mark.parametrize("use", ["equipment", "public_events"])
def test_prize_use_equipment_or_public_events(use):
    assert _run("prize_use", make_info(prize_use=use)).passed


@pytest.mark.parametrize("use", ["", None, "salaries", "bonuses"])
def test_prize_use_anything_else_fails(use):
    result = _run("prize_use", make_info(prize_use=use))
    assert not result.passed
    assert "Prize money may not be spent on anything else" in result.message


def test_prize_use_needs_a_description():
    result = _run("prize_use", make_info(prize_use_description="Проектор"))
    assert not result.passed
    assert "Describe what the prize will buy" in result.message


# ------------------------------------------------------------------------------ settings


def test_budget_year_defaults_to_the_year_after_opening():
    from plugins.citizen_budget_contest import edition

    competition = make_competition(settings={"budget_year": None},
                                   opens_at=datetime(2025, 12, 31, 19, 0, tzinfo=UTC))
    # 31 Dec 19:00 UTC is already 1 January 2026 in Bishkek
    assert edition.budget_year(competition) == 2027
    assert edition.budget_year(make_competition(settings={"budget_year": "2019"})) == 2019


def test_rules_are_frozen_with_json_safe_params():
    import json

    for rule in build_rules(rules.rule_specs(make_competition())):
        json.dumps(dict(rule.params))


def test_messages_are_translated_in_the_app(app_ctx):
    from flask_babel import force_locale

    info = make_info(hearings=[], answers=dict(ANSWERS))
    with force_locale("ru"):
        message = _run("hearing_in_window", info).message
    assert message.startswith("Внесите")
    assert "15 июня 2026" in message and "2027" in message
