"""The small-grants award policy: envelope, two grants per municipality, reserve list."""

from __future__ import annotations

from decimal import Decimal

from gms.competition import FUNDED, NOT_FUNDED, RESERVE, RankedApplication
from plugins.small_grants.competition import SmallGrantsCompetition
from plugins.small_grants.tests.factories import make_competition


def ranking(*rows):
    """rows: (organisation_id, requested) in rank order, scores falling."""
    return [RankedApplication(application_id=i, organisation_id=org,
                              score=Decimal(90 - i), requested_amount=Decimal(amount),
                              rank=i)
            for i, (org, amount) in enumerate(rows, start=1)]


def outcomes(decisions):
    return [(d.application_id, d.outcome, d.amount, d.reason) for d in decisions]


def policy(**kw):
    return SmallGrantsCompetition().award_policy(make_competition(**kw)).build()


def test_policy_configuration():
    p = policy(max_awards=10, max_grant=Decimal("800000"))
    assert (p.max_awards, p.per_organisation, p.max_grant) == (10, 2, Decimal("800000"))
    p = policy(settings={"max_awards_per_organisation": 1, "max_grant_kgs": 700000})
    assert (p.max_awards, p.per_organisation, p.max_grant) == (None, 1, Decimal("700000"))


def test_funds_best_within_envelope_and_rest_is_reserve():
    decisions = policy().decide(ranking((1, 1000000), (2, 900000), (3, 800000), (4, 1000000)),
                                Decimal(2000000))
    assert outcomes(decisions) == [
        (1, FUNDED, Decimal(1000000), ""),
        (2, FUNDED, Decimal(900000), ""),
        (3, RESERVE, Decimal(0), "envelope"),
        (4, RESERVE, Decimal(0), "envelope"),
    ]


def test_a_cheaper_application_lower_down_still_fits():
    decisions = policy().decide(ranking((1, 1000000), (2, 900000), (3, 100000)),
                                Decimal(1100000))
    assert [d.outcome for d in decisions] == [FUNDED, RESERVE, FUNDED]


def test_at_most_two_grants_per_municipality():
    decisions = policy().decide(ranking((1, 500000), (1, 500000), (1, 500000), (2, 500000)),
                                Decimal(5000000))
    assert outcomes(decisions)[2] == (3, RESERVE, Decimal(0), "per_organisation")
    assert [d.outcome for d in decisions] == [FUNDED, FUNDED, RESERVE, FUNDED]


def test_award_count_limit_and_cap_on_the_amount():
    decisions = policy(max_awards=1, settings={"max_grant_kgs": 600000}).decide(
        ranking((1, 1000000), (2, 300000)), Decimal(5000000))
    assert outcomes(decisions) == [(1, FUNDED, Decimal(600000), ""),
                                   (2, RESERVE, Decimal(0), "award_count")]


def test_unscored_or_below_threshold_never_funded():
    rows = ranking((1, 100000), (2, 100000))
    rows[0] = RankedApplication(1, 1, None, Decimal(100000), 1)
    rows[1] = RankedApplication(2, 2, Decimal(50), Decimal(100000), 2, passed_thresholds=False)
    assert [d.outcome for d in policy().decide(rows, Decimal(10**7))] == [NOT_FUNDED,
                                                                          NOT_FUNDED]


def test_total_stays_within_budget():
    decisions = policy().decide(ranking(*[(i % 4, 990000 - i * 7000) for i in range(12)]),
                                Decimal(5000000))
    assert sum(d.amount for d in decisions) <= 5000000
    assert [d.rank for d in decisions] == list(range(1, 13))
