"""Demo data of the citizen budget contest, added through the ``gms_demo_data`` hook.

- Last year's edition (the budget of the current year), finished: six municipalities of
  Chui, Naryn and Osh recorded their hearings, were scored anonymously by the three demo
  members, got their places and prizes (100,000 / 80,000 / 70,000 KGS), and the results are
  published, so the certificates can be downloaded.
- This year's edition (the budget of next year), open, with one municipality's draft.

Municipalities are real units of the SOATE 2021 list; people, hearings and figures are
invented. Every step looks for what it would create first, so loading twice changes nothing.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from flask import current_app, has_request_context
from sqlalchemy import select

from gms.demo import AK_TAL, BOROLDOI, DOMAIN, KYZYL_SUU, ONBIR_JYLGA, PASSWORD, Demo
from gms.evaluation.models import Assignment
from gms.extensions import db
from gms.models import Territory

from .competition import KEY

OPEN_TITLE = "Real participation of citizens in the budget process (demo)"
PAST_TITLE = "Real participation of citizens in the budget process: last year's edition (demo)"
FUND = Decimal(400000)
PRIZES = {"prize_1": "100000", "prize_2": "80000", "prize_3": "70000"}

# More municipalities for the finished edition: (SOATE code, e-mail, name, language)
EMGEKCHIL = "41704245832000"  # Эмгекчильский АА, Нарынский район
MADY = "41706226826000"  # Мадынский АА, Кара-Сууский район, Ошская область
EXTRA_APPLICANTS = (
    (EMGEKCHIL, f"emgekchil@{DOMAIN}", "Айбек Осмонов", "ky"),
    (MADY, f"mady@{DOMAIN}", "Зарина Юсупова", "ru"),
)


def load(demo: Demo) -> None:
    """Add both editions (once)."""
    applicants = dict(demo.applicants)
    applicants.update(_extra_applicants(demo))
    _past_edition(demo, applicants)
    _open_edition(demo)


# ---------------------------------------------------------------------------- people


def _extra_applicants(demo: Demo) -> dict:
    """The applicant users of the extra municipalities (created once, listed every time)."""
    from gms.services import accounts, memberships

    out = {}
    for code, email, name, locale in EXTRA_APPLICANTS:
        user = accounts.find_user(email)
        if user is None:
            territory = db.session.get(Territory, code)
            if territory is None:  # another reference list: leave this one out
                continue
            user = accounts.register(email=email, name=name, password=PASSWORD,
                                     org_kind="municipality", org_name="",
                                     territory_code=code, locale=locale)
            memberships.vouch(user, by="demo")  # confirmed and admitted: no e-mailed links
        demo.extra_logins.append(("applicant", email))
        out[code] = user
    return out


# --------------------------------------------------------------------------- editions


def _publish(call, now, staff_id) -> None:
    """Publish the results; the letters link to the results page, which needs a request."""
    from gms.evaluation import lifecycle

    if has_request_context():
        lifecycle.advance(call, "publish", now=now, actor_id=staff_id)
        return
    with current_app.test_request_context("/"):
        lifecycle.advance(call, "publish", now=now, actor_id=staff_id)


def _past_edition(demo: Demo, applicants: dict) -> None:
    from gms.evaluation import assignment as assignment_service
    from gms.evaluation import declarations, lifecycle, meetings, roster, scoring
    from gms.services import applications as apps
    from gms.services import contract

    staff, members = demo.staff, demo.members
    year = demo.local_day(demo.now).year  # the budget of this year, drafted last year
    opens = demo.at(date(year - 1, 8, 1), 9)
    deadline = demo.at(date(year - 1, 9, 15), 17)
    call, created = demo.call(KEY, {
        "title": {"ky": f"{year}-жылдын бюджетин түзүүдө жарандардын реалдуу катышуусу (демо)",
                  "ru": f"Реальное участие граждан в формировании местного бюджета на {year} "
                        "год (демо)",
                  "en": PAST_TITLE},
        "description": _description(year, date(year - 1, 6, 15), date(year - 1, 8, 20)),
        "oblasts": list(demo.oblasts), "opens_at": opens, "deadline_at": deadline,
        "budget": FUND,
        "settings": {"budget_year": year, "hearings_from": f"{year - 1}-06-15",
                     "hearings_to": f"{year - 1}-08-20", **PRIZES}})
    if not created:
        return
    entries = [(code, spec) for code, spec in _ENTRIES.items() if code in applicants]
    submitted = []
    for i, (code, spec) in enumerate(entries):
        user = applicants[code]
        when = deadline - timedelta(days=20 - 3 * i, hours=3)
        answers = spec["answers"](year)
        application = apps.start_application(call, user, when)
        apps.save_draft(application, answers, user, when)
        demo.documents(application, spec["documents"], user)
        apps.submit(application, answers, user, when + timedelta(minutes=30))
        submitted.append((application, spec))

    lifecycle.advance(call, "close", now=deadline + timedelta(minutes=1), actor_id=staff.id)
    lifecycle.advance(call, "start_screening", now=deadline + timedelta(days=1), actor_id=staff.id)
    for application, spec in submitted:
        apps.screen(application, eligible=True, reason=spec.get("screening", ""), staff=staff,
                    now=deadline + timedelta(days=2))
    lifecycle.advance(call, "start_evaluation", now=deadline + timedelta(days=5), actor_id=staff.id)
    # the commission: the first demo member chairs it; members see codes only
    for k, member in enumerate(members):
        roster.set_member(call, member.id, "chair" if k == 0 else "member", staff)
    sheet = contract.sheet_for(call)
    for application, _spec in submitted:
        assignment_service.assign(application, [m.id for m in members], staff)
    for n, (application, spec) in enumerate(submitted):
        for k, assignment in enumerate(db.session.scalars(
                select(Assignment).where(Assignment.application_id == application.id)
                .order_by(Assignment.reviewer_id))):
            when = deadline + timedelta(days=8 + n, hours=k)
            declarations.declare(assignment, conflict=False, reason="", now=when)
            scores, comments = _review(sheet, spec["scores"], offset=(k - 1) * Decimal("0.5"))
            errors = scoring.save_review(assignment, scores, comments, spec["comment"],
                                            submit=True, now=when + timedelta(minutes=40))
            if errors:
                raise RuntimeError(f"demo review rejected: {errors}")
    meetings.record_meeting(
        call, held_at=deadline + timedelta(days=19), attendee_ids=[m.id for m in members],
        votes_for=len(members), votes_against=0, abstained=0,
        notes="Решение о призах принято единогласно.", staff=staff)
    lifecycle.advance(call, "decide", now=deadline + timedelta(days=20), actor_id=staff.id)
    _publish(call, deadline + timedelta(days=30), staff.id)


def _review(sheet, base: dict, offset: Decimal) -> tuple[dict, dict]:
    """One member's scores: the base profile moved by ``offset`` on participation."""
    scores, comments = {}, {}
    for c in sheet.criteria:
        value = Decimal(str(base[c.key]))
        if c.key == "participation":
            value = min(max(value + offset, Decimal(0)), Decimal(str(c.scale.max)))
        scores[c.key] = value
        if c.comment_required(value):
            comments[c.key] = _LOW_SCORE_COMMENTS[c.key]
    return scores, comments


def _open_edition(demo: Demo) -> None:
    """This year's edition: open for five more weeks; one municipality has a draft."""
    from gms.services import applications as apps

    today = demo.local_day(demo.now)
    opens = demo.at(today - timedelta(days=3), 9)
    deadline = demo.at(today + timedelta(days=35), 17)
    start, end = today - timedelta(days=80), Demo.local_day(deadline)
    year = today.year + 1
    call, created = demo.call(KEY, {
        "title": {"ky": "Жарандардын бюджеттик процесске реалдуу катышуусу (демо)",
                  "ru": "Реальное участие граждан в бюджетном процессе (демо)",
                  "en": OPEN_TITLE},
        "description": _description(year, start, end),
        "oblasts": list(demo.oblasts), "opens_at": opens, "deadline_at": deadline,
        "budget": FUND,
        "settings": {"budget_year": year, "hearings_from": start.isoformat(),
                     "hearings_to": end.isoformat(), **PRIZES}})
    if not created:
        return
    user = demo.applicants.get(KYZYL_SUU[0])
    if user is None:
        return
    application = apps.start_application(call, user, demo.now)
    answers = _kyzyl_suu(year)
    held = today - timedelta(days=20)
    answers["hearings"] = [_hearing(held, "Клуб села Кызыл-Суу", "draft", held - timedelta(days=12),
                                    "Доска объявлений, мечеть, группа WhatsApp", 96, 38, 14, 7, 3,
                                    "260000")]
    apps.save_draft(application, answers, user, demo.now)


# ---------------------------------------------------------------------------- content


def _description(year: int, start: date, end: date) -> dict:
    return {
        "ky": f"{year}-жылдын жергиликтүү бюджетинин долбоору боюнча {start:%d.%m.%Y} – "
              f"{end:%d.%m.%Y} аралыгында коомдук угууларды өткөргөн аткаруучу ЖӨБ "
              "органдары үчүн. Сыйлыктар: 100 000, 80 000 жана 70 000 сом; сыйлык "
              "каражаты жабдууларга же коомдук иш-чараларга гана жумшалат.",
        "ru": f"Для исполнительных органов МСУ, которые провели публичные слушания по "
              f"проекту местного бюджета на {year} год с {start:%d.%m.%Y} по {end:%d.%m.%Y}. "
              "Призы: 100 000, 80 000 и 70 000 сом; призовые средства тратятся только на "
              "оборудование или публичные мероприятия.",
        "en": f"For executive LSG bodies that held public hearings on their draft local "
              f"budget for {year} between {start:%d.%m.%Y} and {end:%d.%m.%Y}. Prizes: "
              "100,000, 80,000 and 70,000 KGS, to be spent on equipment or public events "
              "only.",
    }


def _hearing(held: date, place: str, subject: str, announced: date, how: str,
             participants: int, women: int, questions: int, received: int, adopted: int,
             amount: str) -> dict:
    return {"held_on": held.isoformat(), "place": place, "subject": subject,
            "announced_on": announced.isoformat(), "announced_how": how,
            "participants": participants, "women": women, "questions": questions,
            "proposals_received": received, "proposals_adopted": adopted,
            "adopted_amount": amount}


def _boroldoi(year: int) -> dict:
    y = year - 1
    return {
        "title": "Бюджет, который выбрали жители",
        "hearings": [
            _hearing(date(y, 3, 20), "Зал заседаний айыл окмоту", "execution", date(y, 3, 6),
                     "Доска объявлений, объявление в мечети", 86, 31, 12, 4, 2, "150000"),
            _hearing(date(y, 7, 10), "Дом культуры с. Боролдой", "draft", date(y, 6, 25),
                     "Доски объявлений во всех сёлах, сайт АО, WhatsApp-группы", 124, 58, 17,
                     9, 6, "420000"),
            _hearing(date(y, 7, 12), "Школа с. Кайынды", "draft", date(y, 6, 25),
                     "Доски объявлений, классные родительские группы", 71, 40, 9, 5, 3,
                     "180000"),
        ],
        "questions_summary": "Ремонт водопровода в верхней части села, освещение улиц, подвоз "
                             "детей в школу зимой, ремонт моста через арык.",
        "adopted_summary": "Ст. 2811: ремонт водопровода, 300 000 сом; ст. 2211: освещение "
                           "двух улиц, 120 000 сом; ст. 2215: подвоз детей, 180 000 сом.",
        "citizens_budget": "draft_and_execution",
        "budget_publication": "Гражданский бюджет (4 страницы с диаграммами) на досках "
                              "объявлений всех сёл, на сайте айыл окмоту и в районной газете.",
        "changes": "Жители впервые выбрали статьи расходов; кенеш утвердил 9 из 14 "
                   "предложений; отчёт об исполнении теперь публикуется каждый квартал.",
        "prize_use": "equipment",
        "prize_use_description": "Проектор, экран и звуковая система для слушаний и сходов "
                                 "во всех сёлах.",
    }


def _onbir_jylga(year: int) -> dict:
    y = year - 1
    return {
        "title": "Открытые слушания в каждом селе",
        "hearings": [
            _hearing(date(y, 8, 2), "Сельский клуб", "draft", date(y, 7, 26),
                     "Доска объявлений, сайт района", 92, 33, 11, 6, 3, "210000"),
            _hearing(date(y, 4, 5), "Актовый зал школы", "execution", date(y, 3, 29),
                     "Доска объявлений", 64, 20, 6, 2, 1, "40000"),
        ],
        "questions_summary": "Вывоз мусора, ремонт дороги к кладбищу, спортивная площадка.",
        "adopted_summary": "Вывоз мусора дважды в неделю, 150 000 сом; грейдирование дороги, "
                           "60 000 сом; ремонт крыши клуба, 40 000 сом.",
        "citizens_budget": "draft",
        "budget_publication": "Краткий гражданский бюджет на доске объявлений; таблицы "
                              "бюджета на сайте районной администрации.",
        "changes": "Предложения жителей по вывозу мусора вошли в бюджет и в договор с "
                   "подрядчиком.",
        "prize_use": "public_events",
        "prize_use_description": "Слушания по проекту бюджета в трёх сёлах с раздачей "
                                 "печатного гражданского бюджета и видеотрансляцией.",
    }


def _ak_tal(year: int) -> dict:
    y = year - 1
    return {
        "title": "Бюджетти эл менен бирге түзөбүз",
        "hearings": [
            _hearing(date(y, 6, 28), "Айылдык маданият үйү", "draft", date(y, 6, 14),
                     "Жарыя тактасы, мечит, WhatsApp топтору, райондук радио", 138, 61, 22, 12,
                     7, "385000"),
            _hearing(date(y, 2, 27), "Айыл өкмөтүнүн жыйындар залы", "execution",
                     date(y, 2, 13), "Жарыя тактасы, WhatsApp топтору", 77, 35, 10, 5, 2,
                     "60000"),
        ],
        "questions_summary": "Ичүүчү суу, мектепке чейинки балдар бакчасы, жайыттарга жол.",
        "adopted_summary": "Суу түтүгүн оңдоо 250 000 сом; бала бакчанын жылуулук системасы "
                           "135 000 сом; жайыт жолун тегиздөө 60 000 сом.",
        "citizens_budget": "draft_and_execution",
        "budget_publication": "Жарандардын бюджети кыргыз жана орус тилдеринде жарыя "
                              "тактасында, айыл өкмөтүнүн Facebook баракчасында.",
        "changes": "Сунуштардын жарымынан көбү бюджетке кирди; аткарылышы боюнча отчет "
                   "жылына эки жолу угулат.",
        "prize_use": "equipment",
        "prize_use_description": "Ноутбук, принтер жана жарандардын бюджетин басып чыгаруу "
                                 "үчүн түстүү принтер.",
    }


def _kyzyl_suu(year: int) -> dict:
    y = year - 1
    return {
        "title": "Прозрачный бюджет — доверие жителей",
        "hearings": [
            _hearing(date(y, 7, 20), "Клуб", "draft", date(y, 7, 14),
                     "Доска объявлений", 58, 12, 5, 3, 1, "90000"),
        ],
        "questions_summary": "Арычная сеть, уличное освещение.",
        "adopted_summary": "Очистка арыков, 90 000 сом.",
        "citizens_budget": "none",
        "budget_publication": "Решение кенеша о бюджете на доске объявлений айыл окмоту.",
        "changes": "Одно предложение жителей включено в бюджет.",
        "prize_use": "equipment",
        "prize_use_description": "Информационный стенд и ноутбук для бюджетной комиссии.",
    }


def _emgekchil(year: int) -> dict:
    y = year - 1
    return {
        "title": "Ар бир үн бюджетте",
        "hearings": [
            _hearing(date(y, 7, 5), "Мектептин спорт залы", "draft", date(y, 6, 20),
                     "Жарыя тактасы, райондук гезит, WhatsApp топтору", 104, 52, 15, 8, 4,
                     "230000"),
            _hearing(date(y, 8, 9), "Жайлоодогу чогулуш", "draft", date(y, 7, 30),
                     "Малчылар менен телефон аркылуу, жарыя тактасы", 45, 14, 7, 3, 1,
                     "50000"),
        ],
        "questions_summary": "Мектепке жол, жайыт суусу, көчө жарыгы.",
        "adopted_summary": "Мектепке жолду оңдоо 180 000 сом; көчө жарыгы 50 000 сом; "
                           "жайыттагы суу ичүүчү жай 50 000 сом.",
        "citizens_budget": "draft",
        "budget_publication": "Жарандардын бюджети жарыя тактасында жана мектепте.",
        "changes": "Жайыттагы малчылар биринчи жолу угууга катышты.",
        "prize_use": "public_events",
        "prize_use_description": "Жайлоолордо көчмө угууларды өткөрүү: унаа, үн күчөткүч, "
                                 "басылган материалдар.",
    }


def _mady(year: int) -> dict:
    y = year - 1
    return {
        "title": "Бюджет открыт для всех",
        "hearings": [
            _hearing(date(y, 8, 15), "Здание айыл окмоту", "draft", date(y, 8, 5),
                     "Доска объявлений, Instagram айыл окмоту", 67, 29, 8, 4, 2, "110000"),
        ],
        "questions_summary": "Ремонт медпункта, ограждение школы.",
        "adopted_summary": "Ремонт медпункта, 110 000 сом.",
        "citizens_budget": "execution",
        "budget_publication": "Отчёт об исполнении бюджета в Instagram и на доске объявлений.",
        "changes": "Медпункт отремонтирован по предложению жителей.",
        "prize_use": "equipment",
        "prize_use_description": "Мультимедийный проектор и стулья для зала слушаний.",
    }


_LOW_SCORE_COMMENTS = {
    "budget_information": "Гражданский бюджет не подготовлен, опубликовано только решение "
                          "кенеша.",
    "accessibility": "Объявление за 6 дней и только на доске объявлений.",
    "participation": "Женщин менее 21 %, принято одно предложение.",
}

_DOCUMENTS = ("hearing_minutes", "participant_lists", "hearing_photos", "announcements")

# per municipality: answers, documents, base scores (budget information /30, accessibility
# /30, participation /40), overall comment
_ENTRIES = {
    AK_TAL[0]: {
        "answers": _ak_tal, "documents": (*_DOCUMENTS, "citizens_budget", "budget_extract"),
        "scores": {"budget_information": 27, "accessibility": 26.5, "participation": 36},
        "comment": "Эки тилдеги жарандардын бюджети, катышуу жогору, сунуштар бюджетке кирген.",
    },
    BOROLDOI[0]: {
        "answers": _boroldoi, "documents": (*_DOCUMENTS, "citizens_budget", "budget_extract"),
        "scores": {"budget_information": 26, "accessibility": 25, "participation": 35},
        "comment": "Слушания во всех сёлах, гражданский бюджет для проекта и исполнения.",
    },
    EMGEKCHIL: {
        "answers": _emgekchil, "documents": (*_DOCUMENTS, "citizens_budget"),
        "scores": {"budget_information": 22, "accessibility": 24, "participation": 31.5},
        "comment": "Жайлоодогу угуу — жакшы тажрыйба; аткарылышы боюнча маалымат аз.",
    },
    ONBIR_JYLGA[0]: {
        "answers": _onbir_jylga, "documents": _DOCUMENTS,
        "scores": {"budget_information": 20, "accessibility": 19, "participation": 27},
        "comment": "Хорошая связь с подрядчиком; женщин на слушаниях мало.",
    },
    MADY: {
        "answers": _mady, "documents": ("hearing_minutes", "participant_lists"),
        "scores": {"budget_information": 16, "accessibility": 17.5, "participation": 23},
        "comment": "Одни слушания, информация в социальных сетях.",
    },
    KYZYL_SUU[0]: {
        "answers": _kyzyl_suu, "documents": ("hearing_minutes",),
        "screening": "Доля женщин 20,7 %, ниже ожидаемых 30 %; допущено, комиссия учтёт.",
        "scores": {"budget_information": 10, "accessibility": 11, "participation": 15.5},
        "comment": "Формальные слушания, гражданского бюджета нет.",
    },
}
