"""The 100-point small-grants scoring sheet (pure: no app)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from gms.competition import ScoringSheet
from plugins.small_grants.competition import SmallGrantsCompetition
from plugins.small_grants.tests.factories import make_competition

POINTS = {"community_priority": 25, "relevance": 15, "feasibility": 15, "budget": 15,
          "cofinancing": 10, "sustainability": 10, "transparency": 10}


@pytest.fixture
def sheet() -> ScoringSheet:
    return SmallGrantsCompetition().scoring_sheet(make_competition())


def test_rubric(sheet):
    assert {c.key: c.scale.max for c in sheet.criteria} == POINTS
    assert sheet.aggregate == "sum" and sheet.max_total == 100
    assert sheet.reviewers_per_application == 3
    for c in sheet.criteria:
        assert (c.scale.min, c.scale.step, c.weight) == (0, 0.5, 1)
        assert c.comment_below == c.scale.max * 0.4
        for text in (c.label, c.guidance):
            assert set(text) == {"ky", "ru", "en"} and all(v.strip() for v in text.values())
        assert c.guidance["ky"] != c.guidance["ru"]


def test_total_of_full_marks_and_of_a_mixed_review(sheet):
    assert sheet.total(POINTS) == Decimal("100.00")
    scores = {"community_priority": 20, "relevance": 12.5, "feasibility": 11, "budget": 9,
              "cofinancing": 6, "sustainability": 7.5, "transparency": 8}
    assert sheet.total(scores) == Decimal("74.00")


def test_not_applicable_is_left_out_and_the_total_rescaled(sheet):
    scores = {k: v / 2 for k, v in POINTS.items()} | {"cofinancing": None}
    # 45 of the 90 applicable points, rescaled to 100
    assert sheet.total(scores) == Decimal("50.00")
    assert sheet.total(dict.fromkeys(POINTS)) is None


def test_half_points_only(sheet):
    assert sheet.validate(POINTS | {"budget": 12.5}, {}) == {}
    assert sheet.validate(POINTS | {"budget": 12.25}, {}) == {"budget": "bad_step"}
    assert sheet.validate(POINTS | {"budget": 16}, {}) == {"budget": "out_of_range"}
    assert sheet.validate({k: v for k, v in POINTS.items() if k != "budget"}, {}) == {
        "budget": "required"}


def test_comment_required_below_forty_percent(sheet):
    low = POINTS | {"community_priority": 9.5, "cofinancing": 3.5}
    assert sheet.validate(low, {}) == {"community_priority": "comment_required",
                                       "cofinancing": "comment_required"}
    comments = {"community_priority": "Нет протокола ЖМБА.", "cofinancing": "Только 2 %."}
    assert sheet.validate(low, comments) == {}
    # exactly 40% needs no comment
    assert sheet.validate(POINTS | {"community_priority": 10, "cofinancing": 4}, {}) == {}


def test_sheet_survives_freezing(sheet):
    assert ScoringSheet.from_dict(sheet.to_dict()) == sheet
