"""Reports on a pilot-selection call (pure: no app; visits given as plain objects)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

from plugins.pilot_selection import reports
from plugins.pilot_selection.tests.factories import make_competition, make_info, organisation

IDEA = {"kind": "idea", "title": "Водопровод", "initiator": "АО", "citizens": 300,
        "results": "", "help_needed": "Смета"}


def _applications():
    papan = organisation(id=4, name="Папанский айылный аймак (Кара-Сууский район)")
    nookat = organisation(id=5, name="Ноокат (Ноокатский район)", rayon="Ноокатский  район",
                          territory_kind="town_or_pgt")
    gulcha = organisation(id=6, name="Гульчинский айылный аймак (Алайский район)",
                          rayon="Алайский район")
    first = make_info()
    second = make_info(org=papan, head__q1_council_rating="2", head__q5_population_rating="5",
                       general__population_total=9870)
    second = replace(second, id=8)
    town = make_info(org=nookat, general__population_total=17600,
                     head__q2_interaction_rating="4", donor_projects=[])
    town = replace(town, id=9)
    new_head = make_info(org=gulcha, joint_activities=[IDEA], head_newly_appointed=True,
                         head__q1_council_rating="", general__population_total=13400,
                         civic_groups=[{"name": "Жайыт комитети", "leader": "Ташбаев",
                                        "kind": "informal", "audience": "Малчылар",
                                        "activities": "Жайыт", "cooperation": "Чогулуш"}])
    new_head = replace(new_head, id=10)
    return [first, second, town, new_head]


def test_applicants_by_rayon():
    header, rows = reports.by_rayon(make_competition(), _applications())
    assert header[0] == "Rayon" and len(header) == 6
    assert rows == [
        ["Алайский район", 1, 1, 0, 13400, 1],
        ["Кара-Сууский район", 2, 2, 0, 21480 + 9870, 0],
        ["Ноокатский район", 1, 0, 1, 17600, 0],
        ["Total", 4, 3, 1, 21480 + 9870 + 17600 + 13400, 1],
    ]


def test_self_assessment_means_and_spread():
    header, rows = reports.self_assessment(make_competition(), _applications())
    assert header[:3] == ["Question", "Answers", "Mean (1–5)"]
    q1, q2, q3, q4, q5 = rows
    assert q1[1:] == [3, Decimal("3.33"), 0, 1, 0, 2, 0]  # 4, 2, 4; one head did not rate
    assert q2[1:3] == [1, Decimal("4.00")]  # Q2's rating is optional
    assert q5[1:] == [4, Decimal("3.50"), 0, 0, 3, 0, 1]
    empty = reports.self_assessment(make_competition(), [])[1]
    assert all(row[1] == 0 and row[2] is None for row in empty)


def test_evidence_per_applicant():
    header, rows = reports.evidence(make_competition(), _applications())
    assert len(header) == 8
    by_name = {row[0]: row[1:] for row in rows}
    assert by_name["Гульчинский айылный аймак (Алайский район)"] == [2, 0, 1, 0, 0, 1, 1]
    assert by_name["Ноокат (Ноокатский район)"] == [2, 1, 0, 140, 1, 0, 0]
    assert rows[-1] == ["Total", 8, 3, 1, 420, 3, 1, 3]


def test_visits_done_planned_and_missing():
    apps = _applications()
    verifier = SimpleNamespace(name="Динара Абдыкадырова")
    found = {
        7: SimpleNamespace(status="done", verifier=verifier, visited_on=date(2017, 4, 3),
                           conclusion="partly", checklist={
                               "leaders_met": {"answer": "yes", "notes": ""},
                               "groups_confirmed": {"answer": "no", "notes": "one only"},
                               "council_active": {"answer": "", "notes": ""}}),
        8: SimpleNamespace(status="planned", verifier=None, visited_on=None, conclusion=None,
                           checklist={}),
    }
    header, rows = reports.visits(make_competition(), apps, found=found)
    assert header[0] == "Applicant" and len(header) == 6
    by_name = {row[0]: row[1:] for row in rows}
    assert by_name["Кызыл-Сууский айылный аймак (Кара-Сууский район)"] == [
        "visit done", "Динара Абдыкадырова", "2017-04-03", "1 / 2",
        "The information is partly confirmed"]
    assert by_name["Папанский айылный аймак (Кара-Сууский район)"] == [
        "visit planned", "", "", "", ""]
    assert by_name["Ноокат (Ноокатский район)"][0] == "no visit"
    assert rows[-1][:2] == ["Total", "1 done, 1 planned, of 4 applicants"]


def test_report_definitions_are_the_types():
    from plugins.pilot_selection.competition import PilotSelectionCompetition

    keys = [r.key for r in PilotSelectionCompetition().reports(make_competition())]
    assert keys == ["pilot_selection.by_rayon", "pilot_selection.self_assessment",
                    "pilot_selection.evidence", "pilot_selection.visits"]
