"""The small-grants reports: co-financing by source, applications by issue area."""

from __future__ import annotations

from decimal import Decimal

from plugins.small_grants.competition import SmallGrantsCompetition
from plugins.small_grants.tests.factories import CHOSEN, make_competition, make_info


def build(key, applications):
    competition = make_competition()
    report = {r.key: r for r in SmallGrantsCompetition().reports(competition)}[key]
    return report.build(competition, applications)


def test_report_keys():
    keys = [r.key for r in SmallGrantsCompetition().reports(make_competition())]
    assert keys == ["small_grants.cofinancing", "small_grants.issue_areas",
                    "small_grants.priorities", "small_grants.participation"]


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


def test_priorities_lists_every_problem_with_its_rank():
    hearing = make_info(vote_tally=[], priority_source="public_hearing")
    header, rows = build("small_grants.priorities", [make_info(), hearing])
    assert len(header) == 7
    assert len(rows) == 9  # the hearing has no tally
    assert [r[3] for r in rows] == [63, 45, 40, 36, 36, 32, 30, 16, 8]
    assert [r[4] for r in rows] == [1, 2, 3, 4, 4, 6, 7, 8, 9]
    assert [r[5] for r in rows] == ["yes"] * 5 + ["no"] * 4
    assert [r[2] for r in rows if r[6] == "yes"] == [CHOSEN]
    assert rows[0][:2] == ["Боролдойский АА", "Реконструкция водопровода в сёлах Арал и Бирдик"]


def test_participation_counts_sessions_people_and_women():
    hearing = make_info(zhmba_sessions=[], priority_source="public_hearing",
                        focus_group_participants=None)
    header, rows = build("small_grants.participation", [make_info(), hearing])
    assert len(header) == 9
    assert rows[0][2:] == ["Participatory needs assessment session (ЖМБА / СИНС)", 6, 2, 122,
                           75, Decimal("61.48"), 22]
    assert rows[1][2:] == ["Public hearing", 0, 0, 0, 0, Decimal("0.00"), 0]
    assert rows[-1] == ["Total", 2, "", 6, 2, 122, 75, Decimal("61.48"), 22]


def test_reports_build_on_an_empty_call():
    for key in ("small_grants.cofinancing", "small_grants.issue_areas",
                "small_grants.participation"):
        header, rows = build(key, [])
        assert header and rows[-1][0] == "Total"
    assert build("small_grants.priorities", [])[1] == []
