"""Factories for the pilot-selection tests: complete answers, ApplicationInfo views, and the
answers as a browser posts them."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from decimal import Decimal

from werkzeug.datastructures import MultiDict

from gms.competition import ApplicationInfo, CompetitionInfo, OrganisationInfo, typed_values
from plugins.pilot_selection.competition import PilotSelectionCompetition

OPENS_AT = datetime(2017, 3, 1, 3, 0, tzinfo=UTC)  # 09:00 in Bishkek
DEADLINE_AT = datetime(2017, 3, 28, 11, 30, tzinfo=UTC)  # 17:30 in Bishkek, as in 2017
KYZYL_SUU = "41706226822000"
ALL_DOCUMENTS = frozenset({"signed_letter", "joint_decision"})

ANSWERS = {
    "title": "Письмо о заинтересованности Кызыл-Сууского айылного аймака",
    "letter": {
        "municipality_name": "Кызыл-Сууский айылный аймак",
        "municipality_location": "Кара-Сууский район, Ошская область",
        "head_title": "aiyl_okmotu",
        "head_name": "Маматов Алмазбек Турсунбаевич",
        "council_chair_name": "Маматова Жыпар Абдылдаевна",
        "joint_decision_number": "14/2",
        "joint_decision_date": "2017-03-15",
        "declaration_cooperation": True,
        "declaration_action_plan": True,
        "declaration_open_governance": True,
        "letter_date": "2017-03-20",
        "contact_mobile": "+996 770 41 22 18",
        "contact_phone_fax": "(03232) 4 30 17",
        "postal_address": "723100, Ошская обл., Кара-Сууский р-н, с. Кызыл-Суу, ул. Ленина 12",
    },
    "action_plan": [
        {"activity": "Тренинг по бюджетному процессу для депутатов и специалистов АО",
         "kind": "trainings", "timing": "апрель–май 2017", "responsible": "Финансовый отдел АО"},
        {"activity": "Общественные слушания по проекту бюджета на 2018 год",
         "kind": "budget_disclosure", "timing": "ноябрь 2017",
         "responsible": "Глава АО, бюджетная комиссия кенеша"},
    ],
    "general": {
        "email": "kyzylsuu.ao@mail.kg",
        "website": "kyzyl-suu.kg",
        "area_ha": "12450",
        "land_agricultural_ha": "9800",
        "land_pastures_ha": "6100",
        "land_non_agricultural_ha": "2650",
        "land_notes": "",
        "municipal_property": "Дом культуры, 2 детских сада, водопровод 18 км, рынок",
        "municipal_land_ha": "420",
        "own_revenue_kgs": "14250000",
        "equalisation_grant_kgs": "3100000",
        "distance_rayon_km": "18",
        "distance_oblast_km": "32",
        "distance_capital_km": "640",
        "villages_count": 3,
        "population_total": 21480,
        "population_women": 10950,
        "population_men": 10530,
        "procurement_specialist": "yes",
        "procurement_specialist_name": "Токтосунова Айзада",
        "procurement_specialist_position": "специалист по госзакупкам",
    },
    "villages": [
        {"name": "Кызыл-Суу", "distance_km": "0", "population": 11200},
        {"name": "Ак-Терек", "distance_km": "6", "population": 6180},
        {"name": "Жаны-Турмуш", "distance_km": "11.5", "population": 4100},
    ],
    "ethnic_groups": [
        {"ethnicity": "кыргызы", "population": 15620},
        {"ethnicity": "узбеки", "population": 5860},
    ],
    "head": {
        "q1_council_rating": "4",
        "q1_explanation": "Депутаты регулярно ходят на сессии, бюджетная комиссия работает.",
        "q2_interaction_rating": "",
        "q2_explanation": "Проект бюджета готовим вместе с кенешем.",
        "q3_deputies_rating": "4",
        "q4_village_head_rating": "5",
        "q5_population_rating": "3",
        "urgent_problems": ["Питьевая вода", "Переполненная школа", "Дороги", "", ""],
        "q7_exchange": "yes",
        "q7_exchange_details": "2016 год, Нурабад, гражданский бюджет.",
    },
    "head_newly_appointed": False,
    "joint_activities": [
        {"kind": "past", "title": "Ремонт водопровода в с. Ак-Терек (ашар)",
         "initiator": "АО и объединение водопользователей", "citizens": 140,
         "results": "2,4 км труб; 310 семей; 180 000 сом", "help_needed": ""},
    ],
    "civic_groups": [
        {"name": "Объединение водопользователей «Ак-Терек»",
         "leader": "Абдыкеримов Т., 0770 12 34 56", "kind": "formal",
         "audience": "Фермеры, 620 семей", "activities": "Распределение поливной воды",
         "cooperation": "Ашары, участие в бюджетных слушаниях"},
    ],
    "donor_projects": [
        {"donor": "ARIS", "project": "Водопровод", "citizens": 2100,
         "results": "18 км сети", "status": "completed", "contact": "Бакиров Н."},
    ],
}


def make_competition(**kw) -> CompetitionInfo:
    """A call; ``settings`` (as stored or typed) arrive typed, as the core passes them."""
    settings = typed_values(PilotSelectionCompetition().settings_fields(),
                            kw.pop("settings", {}))
    values = {"id": 1, "type_key": "pilot_selection", "settings": settings,
              "budget": Decimal(0), "max_awards": 12, "opens_at": OPENS_AT,
              "deadline_at": DEADLINE_AT, "oblasts": ("Ошская область",)}
    values.update(kw)
    return CompetitionInfo(**values)


def organisation(**kw) -> OrganisationInfo:
    values = {"id": 3, "kind": "municipality",
              "name": "Кызыл-Сууский айылный аймак (Кара-Сууский район)",
              "territory_code": KYZYL_SUU, "oblast": "Ошская область",
              "rayon": "Кара-Сууский район", "territory_kind": "aiyl_aimak"}
    values.update(kw)
    return OrganisationInfo(**values)


def answers(**changes) -> dict:
    """A deep copy of :data:`ANSWERS`; ``letter__head_name=...`` changes a section's value."""
    data = copy.deepcopy(ANSWERS)
    for key, value in changes.items():
        if "__" in key:
            part, name = key.split("__")
            data[part][name] = value
        else:
            data[key] = value
    return data


def make_info(data=None, *, competition=None, attachments=ALL_DOCUMENTS, others=0,
              org=None, **changes) -> ApplicationInfo:
    return ApplicationInfo(
        id=7, competition=competition or make_competition(), organisation=org or organisation(),
        answers=answers(**changes) if data is None else data, requested_amount=Decimal(0),
        attachment_kinds=frozenset(attachments), other_applications=others)


def formdata(data=None) -> MultiDict:
    """The answers as the browser posts them: sections as ``letter-head_name``, table rows as
    ``action_plan-0-activity``, ticked boxes as ``y`` (unticked ones are not sent)."""
    out = MultiDict()

    def add(name, value):
        if value is True:
            out.add(name, "y")
        elif value is False or value is None:
            if value is None:
                out.add(name, "")
        else:
            out.add(name, str(value))

    def walk(prefix, value):
        if isinstance(value, dict):
            for key, item in value.items():
                walk(f"{prefix}-{key}" if prefix else key, item)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                walk(f"{prefix}-{i}", item)
        else:
            add(prefix, value)

    walk("", copy.deepcopy(ANSWERS if data is None else data))
    return out


IDEA_ROW = {"kind": "idea", "title": "Водопровод для с. Катта-Талдык", "initiator": "АО",
            "citizens": 300, "results": "", "help_needed": "Смета и сход жителей"}
