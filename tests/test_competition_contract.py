"""Pure unit tests of the competition contract: scales, sheets, rules, award policy, registry."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from gms.competition import (
    FUNDED,
    NOT_FUNDED,
    RESERVE,
    CompetitionType,
    Criterion,
    RankedApplication,
    Registry,
    RegistryError,
    Scale,
    ScoringSheet,
    WithinEnvelope,
)

SHEET = ScoringSheet((
    Criterion("a", {"en": "A"}, Scale(0, 10, 0.5), weight=2, threshold=4, comment_below=3),
    Criterion("b", {"en": "B"}, Scale(0, 5, 1, allow_na=True)),
))


def test_half_points_only_where_the_scale_allows():
    assert SHEET.validate({"a": D("7.5"), "b": 3}, {}) == {}
    assert SHEET.validate({"a": 7, "b": D("2.5")}, {}) == {"b": "bad_step"}
    assert SHEET.validate({"a": 11, "b": 1}, {}) == {"a": "out_of_range"}
    assert SHEET.validate({"b": 1}, {}) == {"a": "required"}


def test_not_applicable_is_left_out_never_zero():
    assert SHEET.validate({"a": 8, "b": None}, {}) == {}
    # a: 8*2 = 16 of 20; b N/A; rescaled to the 25-point sheet
    assert SHEET.total({"a": 8, "b": None}) == D("20.00")
    assert SHEET.total({"a": 8, "b": 0}) == D("16.00")
    assert SHEET.total({"a": None, "b": None}) is None
    with pytest.raises(KeyError):
        SHEET.criterion("zzz")


def test_na_only_where_allowed_and_comment_required_when_low():
    assert SHEET.validate({"a": None, "b": 1}, {}) == {"a": "required"}
    assert SHEET.validate({"a": D("2.5"), "b": 1}, {}) == {"a": "comment_required"}
    assert SHEET.validate({"a": D("2.5"), "b": 1}, {"a": "weak plan"}) == {}


def test_mean_aggregate_and_thresholds():
    mean = ScoringSheet(SHEET.criteria, aggregate="mean")
    assert mean.total({"a": 8, "b": 2}) == D("6.00")  # (2*8 + 1*2) / 3
    assert mean.max_total == D(10)
    assert SHEET.below_thresholds({"a": D("3.5"), "b": None}) == ["a"]


def test_frozen_sheet_round_trips():
    assert ScoringSheet.from_dict(SHEET.to_dict()) == SHEET


def _row(i, score, amount, org=None, passed=True):
    return RankedApplication(i, org or i, D(score) if score is not None else None, D(amount),
                             i, passed)


def test_within_envelope_greedy_skips_what_does_not_fit():
    ranking = [_row(1, 90, 600), _row(2, 80, 500), _row(3, 70, 300), _row(4, 60, 200)]
    out = WithinEnvelope().decide(ranking, D(1000))
    assert [(d.application_id, d.outcome) for d in out] == [
        (1, FUNDED), (2, RESERVE), (3, FUNDED), (4, RESERVE)]
    assert sum(d.amount for d in out) == D(900)
    strict = WithinEnvelope(greedy=False).decide(ranking, D(1000))
    assert [d.outcome for d in strict] == [FUNDED, RESERVE, RESERVE, RESERVE]


def test_within_envelope_limits_per_organisation_awards_and_grant():
    ranking = [_row(1, 90, 100, org=7), _row(2, 80, 100, org=7), _row(3, 70, 100, org=7),
               _row(4, 60, 100), _row(5, 50, 100, passed=False), _row(6, None, 100)]
    out = WithinEnvelope(per_organisation=2, max_awards=3, max_grant=D(90)).decide(
        ranking, D(10000))
    assert [(d.outcome, d.reason) for d in out] == [
        (FUNDED, ""), (FUNDED, ""), (RESERVE, "per_organisation"), (FUNDED, ""),
        (NOT_FUNDED, "below_threshold"), (NOT_FUNDED, "below_threshold")]
    assert out[0].amount == D(90)


def test_registry_rejects_bad_and_duplicate_keys():
    class T(CompetitionType):
        key = "alpha"

    reg = Registry()
    reg.add("alpha", T())
    with pytest.raises(RegistryError, match="twice"):
        reg.add("alpha", T())
    with pytest.raises(RegistryError, match="start with the plugin name"):
        reg.add("beta", T())
    assert [t.key for t in reg] == ["alpha"] and "alpha" in reg and len(reg) == 1

    class Bad(CompetitionType):
        key = "Bad Key"

    with pytest.raises(RegistryError, match="not a valid name"):
        Registry().add("x", Bad())


def test_prizes_by_place():
    from gms.competition import PrizesByPlace

    policy = PrizesByPlace((D(100000), D(80000), D(70000)))
    ranking = [_row(1, 90, 0), _row(2, 80, 0), _row(3, 70, 0), _row(4, 60, 0),
               _row(5, 50, 0, passed=False)]
    out = policy.decide(ranking, D(400000))
    assert [(d.outcome, d.amount, d.reason) for d in out] == [
        (FUNDED, D(100000), "place_1"), (FUNDED, D(80000), "place_2"),
        (FUNDED, D(70000), "place_3"), (RESERVE, D(0), "no_place"),
        (NOT_FUNDED, D(0), "below_threshold")]
    # a fund too small for the next place stops there
    small = policy.decide(ranking[:3], D(150000))
    assert [d.outcome for d in small] == [FUNDED, RESERVE, RESERVE]


def test_promotion_within_the_envelope_respects_free_money_cap_and_organisation():
    from gms.competition import Vacancy, first_that_fits

    reserve = [_row(5, 70, 900, org=7), _row(6, 60, 800), _row(7, 50, 300)]
    policy = WithinEnvelope(per_organisation=1, max_grant=D(700))

    def promoted(free, funded):
        d = policy.promote(Vacancy(D(500), "", D(free), funded), reserve)
        return d and (d.application_id, d.outcome, d.amount, d.reason)

    # 5 is capped at 700 and fits; with its organisation already funded, 6 (capped) does
    assert promoted(700, {}) == (5, FUNDED, D(700), "promoted")
    assert promoted(700, {7: 1}) == (6, FUNDED, D(700), "promoted")
    assert promoted(400, {}) == (7, FUNDED, D(300), "promoted")  # the cheaper one lower
    assert promoted(200, {}) is None
    # without limits the first that fits, by what it asked
    assert first_that_fits(Vacancy(D(0), "", D(850), {}), reserve).application_id == 6


def test_a_declined_place_goes_with_its_prize_to_the_first_of_the_reserve():
    from gms.competition import PrizesByPlace, Vacancy

    policy = PrizesByPlace((D(100000), D(80000), D(70000)))
    reserve = [_row(4, 60, 0), _row(5, 55, 0)]
    d = policy.promote(Vacancy(D(80000), "place_2", D(130000), {}), reserve)
    assert (d.application_id, d.outcome, d.amount, d.reason) == (4, FUNDED, D(80000),
                                                                 "place_2")
    assert policy.promote(Vacancy(D(80000), "place_2", D(130000), {}), []) is None
    assert policy.promote(Vacancy(D(0), "declined", D(130000), {}), reserve) is None
