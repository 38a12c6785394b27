"""The commission's rubric, the scoring sheet and the award policy (pure: no app)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from gms.competition import FUNDED, NOT_FUNDED, RESERVE, RankedApplication, ScoringSheet
from plugins.pilot_selection.competition import PilotSelectionCompetition
from plugins.pilot_selection.tests.factories import make_competition

KEYS = ["commitment", "joint_activity", "civic_groups", "budget_openness", "visit_findings"]
FULL = {k: 5 for k in KEYS}


@pytest.fixture
def sheet() -> ScoringSheet:
    return PilotSelectionCompetition().scoring_sheet(make_competition())


def test_five_criteria_of_zero_to_five_with_equal_weights(sheet):
    assert [c.key for c in sheet.criteria] == KEYS
    assert sheet.aggregate == "sum" and sheet.max_total == 25
    assert sheet.overall_threshold is None and sheet.reviewers_per_application == 3
    for c in sheet.criteria:
        assert (c.scale.min, c.scale.max, c.scale.step, c.weight) == (0, 5, 1, 1)
        assert c.threshold is None and c.comment_below == 2
        for text in (c.label, c.guidance):
            assert set(text) == {"ky", "ru", "en"} and all(v.strip() for v in text.values())
        assert len({c.guidance["ky"], c.guidance["ru"], c.guidance["en"]}) == 3


def test_only_the_visit_may_be_not_applicable(sheet):
    assert {c.key: c.scale.allow_na for c in sheet.criteria} == {
        "commitment": False, "joint_activity": False, "civic_groups": False,
        "budget_openness": False, "visit_findings": True}
    assert sheet.validate({**FULL, "visit_findings": None}, {}) == {}
    assert sheet.validate({**FULL, "commitment": None}, {}) == {"commitment": "required"}


def test_an_omitted_visit_is_left_out_not_counted_as_zero(sheet):
    assert sheet.total(FULL) == Decimal("25.00")
    no_visit = {"commitment": 4, "joint_activity": 3, "civic_groups": 4,
                "budget_openness": 3, "visit_findings": None}
    # 14 of 20 applicable points, rescaled to the full 25
    assert sheet.total(no_visit) == Decimal("17.50")
    assert sheet.total({**no_visit, "visit_findings": 0}) == Decimal("14.00")


def test_low_scores_need_a_comment(sheet):
    scores = {**FULL, "civic_groups": 1}
    assert sheet.validate(scores, {}) == {"civic_groups": "comment_required"}
    assert sheet.validate(scores, {"civic_groups": "Only one group, not active."}) == {}
    assert sheet.validate({**FULL, "civic_groups": 2}, {}) == {}
    assert sheet.validate({**FULL, "civic_groups": 2.5}, {}) == {"civic_groups": "bad_step"}


def test_the_sheet_survives_freezing(sheet):
    assert ScoringSheet.from_dict(sheet.to_dict()) == sheet


def test_a_minimum_score_setting_becomes_the_overall_threshold():
    ctype = PilotSelectionCompetition()
    sheet = ctype.scoring_sheet(make_competition(settings={"min_score": "12.5"}))
    assert sheet.overall_threshold == 12.5
    assert ctype.scoring_sheet(make_competition(settings={"min_score": "0"})
                               ).overall_threshold is None


def ranked(*scores, org=None):
    return [RankedApplication(application_id=i, organisation_id=org or i,
                              score=None if s is None else Decimal(str(s)),
                              requested_amount=Decimal(0), rank=i,
                              passed_thresholds=s is not None and s >= 10)
            for i, s in enumerate(scores, start=1)]


def test_the_best_become_pilots_as_many_as_the_call_allows_with_no_money():
    policy = PilotSelectionCompetition().award_policy(make_competition(max_awards=2)).build()
    decisions = policy.decide(ranked(22, 18, 17.5, 9, None), Decimal(0))
    assert [(d.outcome, d.amount, d.reason) for d in decisions] == [
        (FUNDED, 0, ""), (FUNDED, 0, ""), (RESERVE, 0, "award_count"),
        (NOT_FUNDED, 0, "below_threshold"), (NOT_FUNDED, 0, "below_threshold")]


def test_without_a_number_of_pilots_every_passing_application_is_selected():
    policy = PilotSelectionCompetition().award_policy(make_competition(max_awards=None)).build()
    decisions = policy.decide(ranked(22, 18, 17.5), Decimal(0))
    assert [d.outcome for d in decisions] == [FUNDED] * 3


def test_a_budget_set_by_mistake_pays_nothing_and_one_pilot_per_municipality():
    policy = PilotSelectionCompetition().award_policy(make_competition(max_awards=3)).build()
    decisions = policy.decide(ranked(22, 18, 17.5, org=5), Decimal(1000000))
    assert [(d.outcome, d.amount) for d in decisions] == [
        (FUNDED, 0), (RESERVE, 0), (RESERVE, 0)]
    assert decisions[1].reason == "per_organisation"


def test_no_money_is_ever_requested():
    amount_of = PilotSelectionCompetition().requested_amount_rule(make_competition()).build()
    assert amount_of({"requested_amount": "500000"}) == 0
    assert amount_of({}) == 0
