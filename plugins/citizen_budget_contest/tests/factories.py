"""Factories for the contest's tests: complete answers, calls and ApplicationInfo views."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from decimal import Decimal

from werkzeug.datastructures import MultiDict

from gms.competition import ApplicationInfo, CompetitionInfo
from gms.testing import factories
from gms.testing.factories import application_info, competition_info, organisation_info
from plugins.citizen_budget_contest.competition import CitizenBudgetContest

OPENS_AT = datetime(2026, 8, 1, 3, 0, tzinfo=UTC)  # 09:00 in Bishkek
DEADLINE_AT = datetime(2026, 9, 15, 11, 0, tzinfo=UTC)  # 17:00 in Bishkek
SETTINGS = {"budget_year": 2027, "hearings_from": "2026-06-15", "hearings_to": "2026-08-20"}
ALL_DOCUMENTS = frozenset({"hearing_minutes", "participant_lists", "hearing_photos"})
BOROLDOI = "41708213808000"  # Боролдойский айылный аймак, Кеминский район, Чуйская область

DRAFT_HEARING = {
    "held_on": "2026-07-10", "place": "Дом культуры села Боролдой", "subject": "draft",
    "announced_on": "2026-06-25",
    "announced_how": "Доска объявлений в каждом селе, сайт и WhatsApp-группы Боролдойского АО",
    "participants": 124, "women": 58, "questions": 17, "proposals_received": 9,
    "proposals_adopted": 6, "adopted_amount": "420000"}
EXECUTION_HEARING = {
    "held_on": "2026-03-20", "place": "Зал заседаний айыл окмоту", "subject": "execution",
    "announced_on": "2026-03-06", "announced_how": "Доска объявлений, объявление в мечети",
    "participants": 86, "women": 31, "questions": 12, "proposals_received": 4,
    "proposals_adopted": 2, "adopted_amount": "150000"}

ANSWERS = {
    "title": "Бюджет, который выбрали жители",
    "hearings": [DRAFT_HEARING, EXECUTION_HEARING],
    "questions_summary": "Ремонт водопровода в верхней части села Боролдой, освещение улиц, "
                         "подвоз детей в школу зимой.",
    "adopted_summary": "Статья 2811: ремонт водопровода, 300 000 сом; статья 2211: освещение "
                       "двух улиц, 120 000 сом.",
    "citizens_budget": "draft_and_execution",
    "budget_publication": "Гражданский бюджет на доске объявлений в каждом селе и на сайте "
                          "айыл окмоту; выпуск в районной газете «Кемин».",
    "changes": "Жители впервые выбрали статьи расходов; кенеш утвердил 6 предложений.",
    "prize_use": "equipment",
    "prize_use_description": "Проектор, экран и звуковая система для проведения слушаний в "
                             "сёлах.",
}


def make_competition(**kw) -> CompetitionInfo:
    settings = kw.pop("settings", {})
    values = {"budget": Decimal(400000), "opens_at": OPENS_AT, "deadline_at": DEADLINE_AT,
              "oblasts": ("Чуйская область",), **kw}
    return competition_info(CitizenBudgetContest(),
                            settings={**SETTINGS, **settings}, **values)


def make_info(answers=None, *, competition=None, attachments=ALL_DOCUMENTS, others=0,
              **changes) -> ApplicationInfo:
    data = copy.deepcopy(ANSWERS if answers is None else answers)
    data.update(changes)
    return application_info(
        competition or make_competition(), data, attachments=attachments, others=others,
        organisation=organisation_info(name="Боролдойский айылный аймак (Кеминский район)",
                                       territory_code=BOROLDOI, oblast="Чуйская область",
                                       rayon="Кеминский район", territory_kind="aiyl_aimak"))


def with_hearings(*rows, **changes) -> dict:
    """The answers with these hearing rows (each a dict of changes to the draft hearing)."""
    data = copy.deepcopy(ANSWERS)
    data["hearings"] = [{**DRAFT_HEARING, **row} for row in rows]
    data.update(changes)
    return data


def formdata(answers=None) -> MultiDict:
    """The answers (default: complete) as the browser posts them (hearing rows as
    ``hearings-N-field``)."""
    return factories.formdata(copy.deepcopy(ANSWERS if answers is None else answers))
