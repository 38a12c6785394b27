"""Terms read from settings, prizes by place and nomination, partial financing and the cap
(pure Python)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from gms.competition import FUNDED, NOT_FUNDED, RESERVE, RankedApplication
from plugins.local_initiative.awards import (
    EnvelopeWithPartial,
    NominationPrizes,
    parse_place_reason,
    place_reason,
)
from plugins.local_initiative.competition import LocalInitiativeContest, MunicipalInitiatives
from plugins.local_initiative.terms import (
    contest_terms,
    municipal_terms,
    parse_nominations,
    parse_ratio,
    split_fund,
)
from plugins.local_initiative.tests.factories import contest_call, municipal_call


def ranked(*rows):
    """``(score, requested)`` per row, best first; ``None`` score = below threshold."""
    return [RankedApplication(application_id=i, organisation_id=100 + i,
                              score=None if score is None else Decimal(score),
                              requested_amount=Decimal(amount), rank=i,
                              passed_thresholds=score is not None)
            for i, (score, amount) in enumerate(rows, start=1)]


def outcomes(decisions):
    return [(d.application_id, d.outcome, d.amount, d.reason) for d in decisions]


# ------------------------------------------------------------------------------- terms


@pytest.mark.parametrize("text, ratio", [
    ("100:80:70", (100, 80, 70)),
    (" 3 / 2 / 1 ", (3, 2, 1)),
    ("50", (50,)),
    ("", None), ("100:0:70", None), ("сто:восемьдесят", None), ("1:" * 25 + "1", None),
])
def test_parse_ratio(text, ratio):
    parsed = parse_ratio(text)
    assert parsed == (None if ratio is None else tuple(Decimal(r) for r in ratio))


def test_parse_nominations():
    assert parse_nominations(" Best  community ;\nPartnership;; Best community ") == (
        "Best community", "Partnership")
    assert parse_nominations("") == ()


def test_split_fund_in_the_ratio_of_places():
    assert split_fund(Decimal(300000), (100, 80, 70)) == (120000, 96000, 84000)
    assert split_fund(Decimal(250000), (100, 80, 70)) == (100000, 80000, 70000)
    # whole som, never more than the fund
    places = split_fund(Decimal(100000), (Decimal(1), Decimal(1), Decimal(1)))
    assert places == (33333, 33333, 33333)
    assert split_fund(Decimal(0), (Decimal(1),)) == (0,)


def test_contest_terms_defaults_and_nominations():
    terms = contest_terms(contest_call())
    assert terms.places == (120000, 96000, 84000) and terms.ratio_valid
    assert terms.nominations == () and not terms.ngo_only and not terms.prizes_in_equipment
    two = contest_terms(contest_call(budget=Decimal(500000), settings={
        "nominations": "A; B", "place_ratio": "100:80:70", "prizes_in_equipment": True}))
    assert two.nomination_fund == 250000 and two.places == (100000, 80000, 70000)
    assert two.allocated == 500000 and two.prizes_in_equipment
    bad = contest_terms(contest_call(settings={"place_ratio": "first:second"}))
    assert not bad.ratio_valid and bad.places == (120000, 96000, 84000)


def test_municipal_terms_defaults():
    terms = municipal_terms(municipal_call())
    assert terms.cap == Decimal(10000)
    assert terms.financing_types == ("co_financing", "completion")
    assert terms.partial_financing and terms.public_hearing
    assert terms.min_contribution_percent == 0 and terms.implementation_deadline is None
    odd = municipal_terms(municipal_call(settings={
        "implementation_deadline": "soon", "allow_completion": False,
        "partial_financing": False, "public_hearing": False, "regulation": "  №62  от 27.11 "}))
    assert odd.implementation_deadline is None
    assert odd.financing_types == ("co_financing",) and not odd.partial_financing
    assert not odd.public_hearing and odd.regulation == "№62 от 27.11"


def test_place_reasons_round_trip():
    assert place_reason(1) == "place_1" and place_reason(3, 2) == "nomination_2.place_3"
    assert parse_place_reason("place_2") == (None, 2)
    assert parse_place_reason("nomination_2.place_3") == (2, 3)
    for other in ("", "partial", "no_place", "nomination_x.place_1", "place_"):
        assert parse_place_reason(other) is None


# ----------------------------------------------------------------------------- contest


def test_places_in_the_ratio_of_the_fund():
    policy = LocalInitiativeContest().award_policy(contest_call()).build()
    decisions = policy.decide(ranked((45, 0), (44, 0), (40, 0), (38, 0), (None, 0)),
                              Decimal(300000))
    assert outcomes(decisions) == [
        (1, FUNDED, 120000, "place_1"), (2, FUNDED, 96000, "place_2"),
        (3, FUNDED, 84000, "place_3"), (4, RESERVE, 0, "no_place"),
        (5, NOT_FUNDED, 0, "below_threshold")]


def test_places_within_each_nomination():
    nomination = {1: 1, 2: 2, 3: 1, 4: 2, 5: 1, 6: None}
    policy = NominationPrizes(places=(Decimal(100000), Decimal(80000)), nominations=2,
                              nomination_of=nomination.get)
    decisions = policy.decide(ranked((45, 0), (44, 0), (40, 0), (38, 0), (30, 0), (29, 0)),
                              Decimal(360000))
    assert outcomes(decisions) == [
        (1, FUNDED, 100000, "nomination_1.place_1"),
        (2, FUNDED, 100000, "nomination_2.place_1"),
        (3, FUNDED, 80000, "nomination_1.place_2"),
        (4, FUNDED, 80000, "nomination_2.place_2"),
        (5, RESERVE, 0, "no_place"),
        (6, RESERVE, 0, "no_nomination")]
    assert [d.rank for d in decisions] == [1, 2, 3, 4, 5, 6]


def test_a_place_is_never_paid_beyond_the_nominations_share():
    policy = NominationPrizes(places=(Decimal(100000), Decimal(80000)), nominations=2,
                              nomination_of={1: 1, 2: 1}.get)
    decisions = policy.decide(ranked((45, 0), (44, 0)), Decimal(300000))  # 150,000 each
    assert outcomes(decisions) == [(1, FUNDED, 100000, "nomination_1.place_1"),
                                   (2, RESERVE, 0, "envelope")]


# --------------------------------------------------------------------------- municipal


def test_full_financing_within_the_envelope_and_cap():
    call = municipal_call(settings={"partial_financing": False}, budget=Decimal(30000))
    policy = MunicipalInitiatives().award_policy(call).build()
    decisions = policy.decide(ranked((23, 12000), (21, 9500), (19, 8000), (17, 7000),
                                     (15, 3000)), Decimal(30000))
    # capped at 10,000; the fourth does not fit (2,500 left), the cheaper fifth does
    assert outcomes(decisions) == [
        (1, FUNDED, 10000, ""), (2, FUNDED, 9500, ""), (3, FUNDED, 8000, ""),
        (4, RESERVE, 0, "envelope"), (5, RESERVE, 0, "envelope")]


def test_partial_financing_gives_the_rest_of_the_envelope():
    policy = MunicipalInitiatives().award_policy(municipal_call()).build()
    decisions = policy.decide(ranked((23, 10000), (21, 9500), (19, 8000), (17, 7000),
                                     (15, 3000), (None, 1000)), Decimal(30000))
    assert outcomes(decisions) == [
        (1, FUNDED, 10000, ""), (2, FUNDED, 9500, ""), (3, FUNDED, 8000, ""),
        (4, FUNDED, 2500, "partial"), (5, RESERVE, 0, "envelope"),
        (6, NOT_FUNDED, 0, "below_threshold")]


def test_partial_financing_edge_cases():
    policy = EnvelopeWithPartial(cap=Decimal(10000), partial=True, max_awards=2)
    decisions = policy.decide(ranked((5, 4000), (4, 0), (3, 4000), (2, 4000)), Decimal(6000))
    assert outcomes(decisions) == [
        (1, FUNDED, 4000, ""), (2, NOT_FUNDED, 0, "nothing_requested"),
        (3, FUNDED, 2000, "partial"), (4, RESERVE, 0, "award_count")]
    exact = EnvelopeWithPartial(cap=None, partial=True).decide(
        ranked((5, 5000), (4, 5000), (3, 100)), Decimal(10000))
    assert outcomes(exact) == [(1, FUNDED, 5000, ""), (2, FUNDED, 5000, ""),
                               (3, RESERVE, 0, "envelope")]


def test_a_declined_place_goes_to_the_first_reserve_of_its_nomination():
    from gms.competition import Vacancy

    nomination = {4: 1, 5: 2, 6: None}
    policy = NominationPrizes(places=(Decimal(100000), Decimal(80000)), nominations=2,
                              nomination_of=nomination.get)
    reserve = ranked((45, 0), (44, 0), (40, 0), (38, 0), (30, 0), (29, 0))[3:]
    vacancy = Vacancy(Decimal(80000), "nomination_2.place_2", Decimal(80000), {})
    assert outcomes([policy.promote(vacancy, reserve)]) == [
        (5, FUNDED, 80000, "nomination_2.place_2")]
    assert policy.promote(vacancy, reserve[:1]) is None  # nobody else in nomination 2
    # without nominations, the core's places
    general = NominationPrizes(places=(Decimal(100000),))
    assert outcomes([general.promote(Vacancy(Decimal(100000), "place_1", Decimal(100000),
                                             {}), reserve)]) == [(4, FUNDED, 100000,
                                                                  "place_1")]


def test_a_vacated_award_with_partial_financing_gives_what_is_free():
    from gms.competition import Vacancy

    policy = EnvelopeWithPartial(cap=Decimal(10000), partial=True)
    reserve = ranked((5, 0), (4, 12000), (3, 3000))[1:]
    assert outcomes([policy.promote(Vacancy(Decimal(9000), "", Decimal(11000), {}),
                                    reserve)]) == [(2, FUNDED, 10000, "promoted")]
    assert outcomes([policy.promote(Vacancy(Decimal(6000), "", Decimal(6000), {}),
                                    reserve)]) == [(2, FUNDED, 6000, "partial")]
    full = EnvelopeWithPartial(cap=Decimal(10000), partial=False)
    assert outcomes([full.promote(Vacancy(Decimal(6000), "", Decimal(6000), {}),
                                  reserve)]) == [(3, FUNDED, 3000, "promoted")]
