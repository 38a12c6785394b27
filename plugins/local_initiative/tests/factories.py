"""Factories for the local-initiative tests: complete answers of both variants, read-only
views of calls and applications, and answers as a browser posts them."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from decimal import Decimal

from werkzeug.datastructures import MultiDict

from gms.competition import ApplicationInfo, CompetitionInfo, OrganisationInfo, typed_values
from plugins.local_initiative.competition import LocalInitiativeContest, MunicipalInitiatives

OPENS_AT = datetime(2026, 2, 1, 3, 0, tzinfo=UTC)  # 09:00 in Bishkek
DEADLINE_AT = datetime(2026, 4, 15, 11, 0, tzinfo=UTC)  # 17:00 in Bishkek
AK_TAL = "41704220808000"
KYZYL_SUU = "41706226822000"

AK_TAL_ORG = OrganisationInfo(id=50, kind="municipality",
                              name="Ак-Талинский айылный аймак (Ат-Башынский район)",
                              territory_code=AK_TAL, oblast="Нарынская область",
                              rayon="Ат-Башынский район", territory_kind="aiyl_aimak")

CONTEST_ANSWERS = {
    "title": "Бала бакчага жай: ата-энелер менен айыл өкмөтү бирге",
    "contact_phone": "+996 3232 5 14 22",
    "issue_area": "preschool",
    "problem": "120 бала бала бакчага кезекте турган.",
    "applicant_role": "community_leader",
    "applicant_details": "Абдыкалыкова Гүлзада, балдар бакчасынын башчысы",
    "joint_entry": False,
    "co_applicants": [],
    "municipality": "Кызыл-Суу айыл аймагы",
    "village": "Кызыл-Суу",
    "what_was_done": "Ата-энелер имаратты оңдоп, айыл өкмөтү жылытууну берди.",
    "started_on": "2025-03-01",
    "finished_on": "2025-08-01",
    "who_did_it": "Башчы, 46 ата-эне, айыл өкмөтү.",
    "citizens_involved": 46,
    "women_involved": 31,
    "lsg_cooperation": "Кеңеш бюджетке 180 000 сом киргизди.",
    "results": "2 жаңы топ, 50 орун.",
    "resources": [
        {"party": "community", "kind": "labour", "description": "Ашар", "value": "60000"},
        {"party": "lsg", "kind": "cash", "description": "Жылытуу", "value": "180000"},
    ],
    "sustainability": "Жергиликтүү бюджеттен каржыланат.",
    "consent_publish": True,
}

MUNICIPAL_ANSWERS = {
    "title": "Жаштар үчүн спорт аянтча",
    "contact_phone": "+996 700 12 34 56",
    "issue_area": "sport",
    "problem": "Жаштардын машыгуучу жери жок.",
    "financing_type": "co_financing",
    "leader_name": "Токтобаев Эрлан",
    "address": "Ак-Тал айылы, мектептин жанында",
    "initiators": "Жаштардын демилге тобу, 15 киши",
    "proposal": "Волейбол торун жана 2 турникти орнотобуз.",
    "achieved": "",
    "beneficiaries": 400,
    "beneficiaries_women": 180,
    "plan": [
        {"activity": "Аянтты тегиздөө", "starts_on": "2026-05-01", "ends_on": "2026-05-10",
         "responsible": "Эрлан Токтобаев"},
        {"activity": "Орнотуу", "starts_on": "2026-05-11", "ends_on": "2026-05-25",
         "responsible": "Жаштар тобу"},
    ],
    "budget_lines": [
        {"item": "Волейбол тору", "unit": "комплект", "quantity": "1", "unit_cost": "6000",
         "source": "local_budget"},
        {"item": "Турник", "unit": "даана", "quantity": "2", "unit_cost": "2000",
         "source": "local_budget"},
        {"item": "Жаштардын эмгеги", "unit": "киши-күн", "quantity": "30", "unit_cost": "400",
         "source": "own_labour"},
    ],
    "requested_amount": "10000.00",
    "sustainability": "Жаштар тобу аянтты кармайт.",
}
# local budget 6,000 + 4,000 = 10,000; own labour 12,000; contribution 54.55 %

MUNICIPAL_DOCUMENTS = frozenset({"application_letter", "proposal", "implementation_plan",
                                 "budget"})


def _typed(ctype, kw: dict) -> dict:
    """``kw["settings"]`` (as stored or typed) typed, as the core passes them."""
    return typed_values(ctype.settings_fields(), kw.pop("settings", {}))


def contest_call(**kw) -> CompetitionInfo:
    """A contest call; its ``settings`` arrive typed."""
    values = {"id": 1, "type_key": "local_initiative",
              "settings": _typed(LocalInitiativeContest(), kw),
              "budget": Decimal(300000), "opens_at": OPENS_AT, "deadline_at": DEADLINE_AT,
              "oblasts": ("Ошская область",)}
    values.update(kw)
    return CompetitionInfo(**values)


def municipal_call(**kw) -> CompetitionInfo:
    """A municipality's call; its ``settings`` arrive typed."""
    values = {"id": 2, "type_key": "local_initiative.municipal",
              "settings": _typed(MunicipalInitiatives(), kw),
              "budget": Decimal(30000), "opens_at": OPENS_AT, "deadline_at": DEADLINE_AT,
              "organiser": AK_TAL_ORG}
    values.update(kw)
    return CompetitionInfo(**values)


def organisation(kind="initiative_group", territory=KYZYL_SUU, **kw) -> OrganisationInfo:
    values = {"id": 7, "kind": kind, "name": "Тестовая организация",
              "territory_code": territory, "oblast": "Ошская область" if territory else None}
    values.update(kw)
    return OrganisationInfo(**values)


def info(answers, competition, *, org=None, attachments=frozenset(), amount=None,
         **changes) -> ApplicationInfo:
    data = copy.deepcopy(answers)
    data.update(changes)
    if amount is None:
        raw = data.get("requested_amount")
        amount = Decimal(str(raw)) if raw not in (None, "") else None
    return ApplicationInfo(id=11, competition=competition, organisation=org or organisation(),
                           answers=data, requested_amount=amount,
                           attachment_kinds=frozenset(attachments))


def contest_info(competition=None, **kw) -> ApplicationInfo:
    kw.setdefault("attachments", {"photos"})
    return info(CONTEST_ANSWERS, competition or contest_call(), **kw)


def municipal_info(competition=None, **kw) -> ApplicationInfo:
    kw.setdefault("attachments", MUNICIPAL_DOCUMENTS)
    kw.setdefault("org", organisation(territory=AK_TAL))
    return info(MUNICIPAL_ANSWERS, competition or municipal_call(), **kw)


def formdata(answers) -> MultiDict:
    """The answers as the browser posts them: tables as ``name-N-field``, ticked boxes as
    ``y``, unticked ones left out."""
    data = MultiDict()
    for key, value in copy.deepcopy(answers).items():
        if isinstance(value, list):
            for i, row in enumerate(value):
                for name, cell in row.items():
                    data.add(f"{key}-{i}-{name}", "" if cell is None else str(cell))
        elif isinstance(value, bool):
            if value:
                data.add(key, "y")
        else:
            data.add(key, "" if value is None else str(value))
    return data
