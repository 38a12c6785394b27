"""The small-grants reports: co-financing by source, applications by issue area."""

from __future__ import annotations

from decimal import Decimal

from plugins.small_grants.competition import SmallGrantsCompetition
from plugins.small_grants.tests.factories import make_competition, make_info


def build(key, applications):
    competition = make_competition()
    report = {r.key: r for r in SmallGrantsCompetition().reports(competition)}[key]
    return report.build(competition, applications)


def test_report_keys():
    keys = [r.key for r in SmallGrantsCompetition().reports(make_competition())]
    assert keys == ["small_grants.cofinancing", "small_grants.issue_areas"]


def test_cofinancing_sums_sources_across_applications():
    second = make_info(requested_amount="500000", budget_lines=[
        {"item": "Фонари", "unit": "шт", "quantity": "50", "unit_cost": "10000",
         "source": "grant"},
        {"item": "Монтаж", "unit": "услуга", "quantity": "1", "unit_cost": "50000",
         "source": "local_budget"},
        {"item": "Взнос жителей", "unit": "сом", "quantity": "1", "unit_cost": "25000",
         "source": "community_cash"},
    ])
    header, rows = build("small_grants.cofinancing", [make_info(), second])
    assert len(header) == 4
    by_label = {row[0]: row[1:] for row in rows}
    assert by_label["Grant (this programme)"] == [Decimal("1450000.00"), Decimal("84.06"), 2]
    assert by_label["Local budget"][0] == Decimal("150000.00")
    assert by_label["Local budget"][2] == 2
    assert by_label["Community contribution in cash"][2] == 1
    assert by_label["Other donors and funds"] == [Decimal("0.00"), Decimal("0.00"), 0]
    assert rows[-1] == ["Total", Decimal("1725000.00"), Decimal("100.00"), 2]


def test_issue_areas_counts_and_sums():
    apps = [make_info(), make_info(issue_area="street_lighting", requested_amount="400000"),
            make_info(requested_amount="100000"), make_info(issue_area=None)]
    header, rows = build("small_grants.issue_areas", apps)
    assert len(header) == 3
    assert rows == [
        ["Drinking water supply", 2, Decimal("1050000.00")],
        ["Street lighting", 1, Decimal("400000.00")],
        ["Not stated", 1, Decimal("950000.00")],
        ["Total", 4, Decimal("2400000.00")],
    ]


def test_reports_build_on_an_empty_call():
    for key in ("small_grants.cofinancing", "small_grants.issue_areas"):
        header, rows = build(key, [])
        assert header and rows[-1][0] == "Total"
