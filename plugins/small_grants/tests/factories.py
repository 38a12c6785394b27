"""Factories for the small-grants tests: complete answers and ApplicationInfo views."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from decimal import Decimal

from werkzeug.datastructures import MultiDict

from gms.competition import ApplicationInfo, CompetitionInfo, OrganisationInfo
from plugins.small_grants.rules import DEFAULTS

OPENS_AT = datetime(2026, 2, 1, 3, 0, tzinfo=UTC)  # 09:00 in Bishkek
DEADLINE_AT = datetime(2026, 4, 15, 11, 0, tzinfo=UTC)  # 17:00 in Bishkek
ALL_DOCUMENTS = frozenset({"council_resolution", "budget_publication", "zhmba_report"})

ANSWERS = {
    "title": "Реконструкция водопровода в селе Боролдой",
    "requested_amount": "950000.00",
    "head_name": "Асанов Бакыт Жумабекович",
    "council_chair_name": "Токтогулова Айгүл Сапарбековна",
    "contact_phone": "+996 3135 51234",
    "budget_account": "4402012345678901",
    "issue_area": "water_supply",
    "priority_source": "zhmba",
    "priority_rank": 1,
    "priority_votes": 63,
    "priority_date": "2025-10-14",
    "problem_description": "Водопровод 1968 года, вода подаётся 4 часа в сутки.",
    "objectives": "Круглосуточная подача питьевой воды для 1 850 жителей.",
    "activities": "1-3 месяц: закупки; 4-8 месяц: замена 1,2 км сети; 9 месяц: приёмка.",
    "duration_months": 9,
    "indicators": "1,2 км новой сети; 420 домохозяйств подключены; 24 часа подачи воды.",
    "beneficiaries": 1850,
    "beneficiaries_women": 960,
    "villages": "Боролдой",
    "budget_lines": [
        {"item": "Труба ПЭ 110 мм", "unit": "м", "quantity": "1200", "unit_cost": "520.00",
         "source": "grant"},
        {"item": "Запорная арматура", "unit": "шт", "quantity": "40", "unit_cost": "3650",
         "source": "grant"},
        {"item": "Строительно-монтажные работы", "unit": "услуга", "quantity": "1",
         "unit_cost": "180000", "source": "grant"},
        {"item": "Проектно-сметная документация", "unit": "услуга", "quantity": "1",
         "unit_cost": "100000", "source": "local_budget"},
        {"item": "Земляные работы силами жителей", "unit": "м", "quantity": "1200",
         "unit_cost": "50", "source": "labour"},
        {"item": "Щебень", "unit": "т", "quantity": "40", "unit_cost": "1000",
         "source": "in_kind"},
    ],
    "procurement_plan": "Тендер через портал госзакупок, специалист сертифицирован.",
    "sustainability": "Обслуживает МП «Таза суу», тариф утверждён кенешем.",
    "monitoring": "Группа совместного мониторинга из 7 жителей, отчёт на сходе.",
}
# grant 624,000 + 146,000 + 180,000 = 950,000; co-financing 100,000 + 60,000 + 40,000


def make_competition(**kw) -> CompetitionInfo:
    settings = kw.pop("settings", {})
    values = {"id": 1, "type_key": "small_grants", "settings": {**DEFAULTS, **settings},
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
    """The answers as the browser posts them (budget rows as ``budget_lines-N-field``)."""
    answers = copy.deepcopy(ANSWERS if answers is None else answers)
    data = MultiDict()
    for key, value in answers.items():
        if key == "budget_lines":
            for i, row in enumerate(value):
                for name, cell in row.items():
                    data.add(f"budget_lines-{i}-{name}", "" if cell is None else str(cell))
        else:
            data.add(key, "" if value is None else str(value))
    return data
