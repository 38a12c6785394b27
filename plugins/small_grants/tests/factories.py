"""Factories for the small-grants tests: complete answers and ApplicationInfo views."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from decimal import Decimal

from werkzeug.datastructures import MultiDict

from gms.competition import ApplicationInfo, CompetitionInfo, OrganisationInfo, typed_values
from plugins.small_grants.competition import SmallGrantsCompetition

OPENS_AT = datetime(2026, 2, 1, 3, 0, tzinfo=UTC)  # 09:00 in Bishkek
DEADLINE_AT = datetime(2026, 4, 15, 11, 0, tzinfo=UTC)  # 17:00 in Bishkek
ALL_DOCUMENTS = frozenset({"council_resolution", "budget_publication", "zhmba_report"})

# The vote tally of Kök-Irim aiyl aimak (domain README §2, doc 002): two villages, nine
# problems, totals 63/45/40/36/36/32/30/16/8, two problems tied at 36 (rank 4).
KOK_IRIM_TALLY = (
    ("No conditions for pre-school education", 11, 52),
    ("No conditions for cultural development", 45, None),
    ("Poor state of local roads", 17, 23),
    ("No access of the population to clean water", 36, None),
    ("No street lighting", None, 36),
    ("No conditions for developing sport", 13, 19),
    ("Insufficient information for youth", 9, 21),
    ("No bridges", None, 16),
    ("Insufficient information on the local budget", 8, None),
)
VILLAGES = ("Aral", "Birdik")
CHOSEN = "No access of the population to clean water"


def tally_rows(table=KOK_IRIM_TALLY, villages=VILLAGES) -> list[dict]:
    """The table as rows of the form's vote tally ("—" cells are left out)."""
    return [{"village": village, "problem": problem, "votes": votes}
            for problem, *counts in table
            for village, votes in zip(villages, counts, strict=True) if votes is not None]


def session(village, day, group, people, women, facilitators=2) -> dict:
    return {"village": village, "date": day, "age_group": group, "participants": people,
            "women": women, "facilitators": facilitators}


ANSWERS = {
    "title": "Реконструкция водопровода в сёлах Арал и Бирдик",
    "requested_amount": "950000.00",
    "head_name": "Асанов Бакыт Жумабекович",
    "council_chair_name": "Токтогулова Айгүл Сапарбековна",
    "contact_phone": "+996 3135 51234",
    "budget_account": "4402012345678901",
    "issue_area": "water_supply",
    "priority_source": "zhmba",
    "priority_problem": CHOSEN,
    "priority_rank": 4,
    "priority_votes": 36,
    "priority_date": "2025-10-14",
    "problem_description": "Водопровод 1968 года, вода подаётся 4 часа в сутки.",
    # 122 participants, 75 of them women, as in Kök-Irim
    "zhmba_sessions": [
        session("Aral", "2025-10-13", "18_35", 20, 12),
        session("Aral", "2025-10-13", "36_55", 22, 14),
        session("Aral", "2025-10-13", "56_plus", 20, 13),
        session("Birdik", "2025-10-14", "18_35", 20, 11),
        session("Birdik", "2025-10-14", "36_55", 20, 13),
        session("Birdik", "2025-10-14", "56_plus", 20, 12),
    ],
    "vote_tally": tally_rows(),
    "focus_group_date": "2025-10-24",
    "focus_group_participants": 22,
    "focus_group_women": 12,
    "focus_group_causes": "Сеть 1968 года не ремонтировалась.",
    "focus_group_consequences": "Вода 4 часа в сутки, болеют дети.",
    "focus_group_solutions": "Заменить 1,2 км сети, передать её МП «Таза суу».",
    "focus_group_contributions": "АО: проект; жители: земляные работы; грант: трубы.",
    "action_plan": [
        {"problem": CHOSEN, "activity": "Замена 1,2 км сети", "indicator": "24 часа воды",
         "deadline": "2026-11-30", "responsible": "Айыл окмоту",
         "contribution": "Жители: земляные работы", "source": "grant", "amount": "950000"},
        {"problem": "Poor state of local roads", "activity": "Грейдирование улиц",
         "indicator": "6 км", "deadline": "2026-06-30", "responsible": "Айыл окмоту",
         "contribution": "", "source": "local_budget", "amount": None},
    ],
    "council_resolution_number": "12-3",
    "council_resolution_date": "2025-11-20",
    "objectives": "Круглосуточная подача питьевой воды для 1 850 жителей.",
    "activities": "1-3 месяц: закупки; 4-8 месяц: замена 1,2 км сети; 9 месяц: приёмка.",
    "duration_months": 9,
    "indicators": "1,2 км новой сети; 420 домохозяйств подключены; 24 часа подачи воды.",
    "beneficiaries": 1850,
    "beneficiaries_women": 960,
    "villages": "Арал, Бирдик",
    "beneficiaries_by_village": [
        {"village": "Aral", "beneficiaries": 1000, "women": 520},
        {"village": "Birdik", "beneficiaries": 850, "women": 440},
    ],
    "budget_lines": [
        {"item": "Труба ПЭ 110 мм", "unit": "м", "quantity": "1200", "unit_cost": "520.00",
         "source": "grant", "basis": ""},
        {"item": "Запорная арматура", "unit": "шт", "quantity": "40", "unit_cost": "3650",
         "source": "grant", "basis": ""},
        {"item": "Строительно-монтажные работы", "unit": "услуга", "quantity": "1",
         "unit_cost": "180000", "source": "grant", "basis": ""},
        {"item": "Проектно-сметная документация", "unit": "услуга", "quantity": "1",
         "unit_cost": "100000", "source": "local_budget", "basis": ""},
        {"item": "Земляные работы силами жителей", "unit": "м", "quantity": "1200",
         "unit_cost": "50", "source": "labour", "basis": "расценка на ручную копку в районе"},
        {"item": "Щебень", "unit": "т", "quantity": "40", "unit_cost": "1000",
         "source": "in_kind", "basis": "цена карьера"},
    ],
    "procurement_plan": "Тендер через портал госзакупок, специалист сертифицирован.",
    "sustainability": "Обслуживает МП «Таза суу», тариф утверждён кенешем.",
    "maintenance_responsible": "МП «Таза суу»",
    "maintenance_source": "tariffs",
    "maintenance_budget_line": "тариф за воду",
    "maintenance_annual_cost": "180000",
    "monitoring": "Группа совместного мониторинга из 7 жителей, отчёт на сходе.",
}
# grant 624,000 + 146,000 + 180,000 = 950,000; co-financing 100,000 + 60,000 + 40,000


def make_competition(**kw) -> CompetitionInfo:
    """A call; ``settings`` (as stored or typed) arrive typed, as the core passes them."""
    settings = typed_values(SmallGrantsCompetition().settings_fields(), kw.pop("settings", {}))
    values = {"id": 1, "type_key": "small_grants", "settings": settings,
              "budget": Decimal(3000000), "opens_at": OPENS_AT, "deadline_at": DEADLINE_AT,
              "oblasts": ("Чуйская область",)}
    values.update(kw)
    return CompetitionInfo(**values)


def make_info(answers=None, *, competition=None, attachments=ALL_DOCUMENTS, others=0,
              **changes) -> ApplicationInfo:
    data = copy.deepcopy(ANSWERS if answers is None else answers)
    data.update(changes)
    raw = data.get("requested_amount")
    amount = Decimal(str(raw)) if raw not in (None, "") else None
    return ApplicationInfo(
        id=7, competition=competition or make_competition(),
        organisation=OrganisationInfo(id=3, kind="municipality", name="Боролдойский АА",
                                      territory_code="41708213808000",
                                      oblast="Чуйская область"),
        answers=data, requested_amount=amount, attachment_kinds=frozenset(attachments),
        other_applications=others)


def formdata(answers=None) -> MultiDict:
    """The answers as the browser posts them: fields of a section as ``section-field``,
    table rows as ``table-N-field``."""
    from plugins.small_grants.forms import SmallGrantsForm, section_fields

    answers = copy.deepcopy(ANSWERS if answers is None else answers)
    section_of = {key: name for name, keys in section_fields(SmallGrantsForm).items()
                  for key in keys}
    data = MultiDict()
    for key, value in answers.items():
        if isinstance(value, list):
            for i, row in enumerate(value):
                for name, cell in row.items():
                    data.add(f"{key}-{i}-{name}", "" if cell is None else str(cell))
        else:
            name = f"{section_of[key]}-{key}" if key in section_of else key
            data.add(name, "" if value is None else str(value))
    return data
