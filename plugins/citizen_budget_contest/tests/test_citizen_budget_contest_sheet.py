"""The scoring sheet: 100 points on the three MBTI directions, half points, guidance in
Kyrgyz, Russian and English, comments for low scores; frozen and read back unchanged."""

from __future__ import annotations

from decimal import Decimal

from gms.competition import ScoringSheet
from plugins.citizen_budget_contest.competition import CitizenBudgetContest
from plugins.citizen_budget_contest.tests.factories import make_competition


def _sheet():
    return CitizenBudgetContest().scoring_sheet(make_competition())


def test_three_directions_for_100_points():
    sheet = _sheet()
    assert [(c.key, c.scale.max) for c in sheet.criteria] == [
        ("budget_information", 30), ("accessibility", 30), ("participation", 40)]
    assert sheet.max_total == Decimal(100) and sheet.aggregate == "sum"
    assert sheet.reviewers_per_application == 3


def test_half_points_and_no_not_applicable():
    for c in _sheet().criteria:
        assert c.scale.min == 0 and c.scale.step == 0.5 and not c.scale.allow_na
        assert c.scale.validate(Decimal("12.5")) is None
        assert c.scale.validate(Decimal("12.25")) == "bad_step"
        assert c.scale.validate(None) == "required"
        assert c.weight == 1


def test_labels_and_guidance_in_three_languages():
    for c in _sheet().criteria:
        for text in (c.label, c.guidance):
            assert set(text) == {"ky", "ru", "en"} and all(v.strip() for v in text.values())
    guidance = {c.key: c.guidance["en"] for c in _sheet().criteria}
    assert "citizens' budget" in guidance["budget_information"]
    assert "announced" in guidance["accessibility"]
    assert "share of women" in guidance["participation"]
    assert "proposals received" in guidance["participation"]


def test_low_scores_need_a_comment():
    sheet = _sheet()
    scores = {"budget_information": Decimal(11.5), "accessibility": Decimal(12),
              "participation": Decimal(16)}
    assert sheet.validate(scores, {}) == {"budget_information": "comment_required"}
    assert sheet.validate(scores, {"budget_information": "Нет гражданского бюджета"}) == {}
    assert sheet.total(scores) == Decimal("39.50")


def test_total_and_freeze_round_trip():
    sheet = _sheet()
    scores = {"budget_information": Decimal(27), "accessibility": Decimal("26.5"),
              "participation": Decimal(36)}
    assert sheet.total(scores) == Decimal("89.50")
    assert ScoringSheet.from_dict(sheet.to_dict()) == sheet
