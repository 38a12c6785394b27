"""Demo data of the small-grants competition: round 1 closed and scored, waiting for the
commission's decision, and round 2 open with one municipality's draft. Added through the
``gms_demo_data`` hook; every step checks what exists, so loading twice changes nothing."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from gms.demo import AK_TAL, BOROLDOI, KYZYL_SUU, ONBIR_JYLGA, Demo
from gms.extensions import db
from gms.models import Assignment

ROUND_1 = "Small Grants Programme: round 1 (demo)"
ROUND_2 = "Small Grants Programme: round 2 (demo)"


def load(demo: Demo) -> None:
    """Add both rounds (once)."""
    _closed_round(demo)
    _open_round(demo)


def _closed_round(demo: Demo) -> None:
    """Round 1: closed a month ago; four applications submitted, screened and scored by three
    members; the call waits in evaluation for the decision."""
    from gms.services import applications as apps
    from gms.services import calls, evaluation

    staff, members, applicants, now = demo.staff, demo.members, demo.applicants, demo.now
    deadline = demo.at(demo.local_day(now) - timedelta(days=30), 17)
    opens = demo.at(demo.local_day(deadline) - timedelta(days=90), 9)
    call, created = demo.call("small_grants", {
        "title": {"ky": "Чакан гранттар программасы: 1-раунд",
                  "ru": "Программа малых грантов: 1-й раунд", "en": ROUND_1},
        "description": _SMALL_GRANTS_DESCRIPTION,
        "oblasts": list(demo.oblasts), "opens_at": opens, "deadline_at": deadline,
        "budget": Decimal(3000000), "max_grant": Decimal(1000000)})
    if not created:
        return
    opened = Demo.local_day(opens)
    submitted = []
    for i, (code, spec) in enumerate(_ROUND_1_APPLICATIONS.items()):
        user = applicants[code]
        when = deadline - timedelta(days=12 - 3 * i, hours=2)
        answers = spec["answers"](opened)
        application = apps.start_application(call, user, when)
        apps.save_draft(application, answers, user, when)
        demo.documents(application, spec["documents"], user)
        apps.submit(application, answers, user, when + timedelta(minutes=20))
        submitted.append((application, spec))

    calls.advance(call, "close", now=deadline + timedelta(minutes=1), actor_id=staff.id)
    calls.advance(call, "start_screening", now=deadline + timedelta(days=1), actor_id=staff.id)
    for application, spec in submitted:
        apps.screen(application, eligible=True, reason=spec.get("screening", ""), staff=staff,
                    now=deadline + timedelta(days=2))
    calls.advance(call, "start_evaluation", now=deadline + timedelta(days=5), actor_id=staff.id)
    sheet = calls.sheet_for(call)
    for application, _spec in submitted:
        evaluation.assign(application, [m.id for m in members], staff)
    for n, (application, spec) in enumerate(submitted):
        for k, assignment in enumerate(db.session.scalars(
                select(Assignment).where(Assignment.application_id == application.id)
                .order_by(Assignment.reviewer_id))):
            scores, comments = _review(sheet, spec["scores"], offset=(k - 1) * Decimal("0.5"))
            errors = evaluation.save_review(
                assignment, scores, comments, spec["comment"], submit=True,
                now=deadline + timedelta(days=10 + n, hours=k))
            if errors:
                raise RuntimeError(f"demo review rejected: {errors}")


def _review(sheet, base: dict, offset: Decimal) -> tuple[dict, dict]:
    """One member's scores: the base profile moved by ``offset`` on the two big criteria."""
    scores, comments = {}, {}
    for c in sheet.criteria:
        value = Decimal(str(base[c.key]))
        if c.key in ("community_priority", "budget"):
            value = min(max(value + offset, Decimal(0)), Decimal(str(c.scale.max)))
        scores[c.key] = value
        if c.comment_required(value):
            comments[c.key] = _LOW_SCORE_COMMENTS.get(c.key, "Оценка снижена, см. заключение.")
    return scores, comments


def _open_round(demo: Demo) -> None:
    """Round 2: open for six more weeks; one municipality has a draft with one document."""
    from gms.services import applications as apps

    applicants, now = demo.applicants, demo.now
    opens = demo.at(demo.local_day(now) - timedelta(days=7), 9)
    deadline = demo.at(demo.local_day(now) + timedelta(days=42), 17)
    call, created = demo.call("small_grants", {
        "title": {"ky": "Чакан гранттар программасы: 2-раунд",
                  "ru": "Программа малых грантов: 2-й раунд", "en": ROUND_2},
        "description": _SMALL_GRANTS_DESCRIPTION,
        "oblasts": list(demo.oblasts), "opens_at": opens, "deadline_at": deadline,
        "budget": Decimal(35000000), "max_grant": Decimal(1000000)})
    if not created:
        return
    user = applicants[BOROLDOI[0]]
    application = apps.start_application(call, user, now)
    apps.save_draft(application, _lighting_draft(Demo.local_day(opens)), user, now)
    demo.documents(application, ("council_resolution",), user)


# ---------------------------------------------------------------------------- content

_SMALL_GRANTS_DESCRIPTION = {
    "ky": "Айыл өкмөттөрү жана шаар мэриялары үчүн 1 000 000 сомго чейинки гранттар: "
          "тургундар ЖМБА сессияларында, коомдук угууларда же элеттик чогулушта тандаган "
          "көйгөйдү чечүүчү долбоорлор. Бир муниципалитеттен эң көп 2 табыштама жана 2 грант; "
          "долбоордун мөөнөтү 12 айга чейин.",
    "ru": "Гранты до 1 000 000 сом айыл окмоту и мэриям городов на проекты по проблемам, "
          "которые жители выбрали приоритетными на сессиях СИНС, общественных слушаниях или "
          "сельских сходах. Не более 2 заявок и 2 грантов от муниципалитета; срок проекта до "
          "12 месяцев.",
    "en": "Grants of up to 1,000,000 KGS to aiyl okmotus and mayor's offices for projects on "
          "problems residents chose as priorities at participatory sessions, public hearings "
          "or village gatherings. At most 2 applications and 2 grants per municipality; "
          "projects last up to 12 months.",
}

_LOW_SCORE_COMMENTS = {
    "cofinancing": "Вклад местного бюджета и жителей менее 4 % бюджета проекта.",
    "community_priority": "Приоритет выбран после объявления конкурса; нужны доказательства.",
}


def _line(item, unit, quantity, unit_cost, source) -> dict:
    return {"item": item, "unit": unit, "quantity": str(quantity), "unit_cost": str(unit_cost),
            "source": source}


def _boroldoi(opened: date) -> dict:
    return {
        "title": "Капитальный ремонт детского сада «Балдаган» в селе Боролдой",
        "requested_amount": "1000000.00",
        "head_name": "Асанов Бакыт Жумабекович",
        "council_chair_name": "Токтосунова Айнура Мукашевна",
        "contact_phone": "+996 3135 5 12 34",
        "budget_account": "4402011100004417",
        "issue_area": "preschool",
        "priority_source": "zhmba",
        "priority_rank": 1,
        "priority_votes": 58,
        "priority_date": (opened - timedelta(days=160)).isoformat(),
        "problem_description": "Здание детского сада построено в 1976 году: протекает кровля, "
                               "окна не держат тепло, зимой группы закрываются. В очереди 64 "
                               "ребёнка, на сессиях СИНС проблема набрала больше всего голосов.",
        "objectives": "Открыть детский сад круглый год на 95 мест; сократить очередь вдвое.",
        "activities": "1-2 мес.: проектно-сметная документация и тендер; 3-6 мес.: кровля, "
                      "окна, отопление; 7 мес.: мебель; 8 мес.: приёмка и открытие.",
        "duration_months": 8,
        "indicators": "420 м² новой кровли; 36 окон; температура в группах не ниже +18 °C; "
                      "95 детей посещают сад зимой.",
        "beneficiaries": 310,
        "beneficiaries_women": 170,
        "villages": "Боролдой",
        "budget_lines": [
            _line("Замена кровли (металлочерепица)", "м²", 420, 1450, "grant"),
            _line("Окна ПВХ с установкой", "шт", 36, 7500, "grant"),
            _line("Мебель для групп (столы, стулья, кроватки)", "компл.", 4, 30250, "grant"),
            _line("Ремонт системы отопления", "услуга", 1, 100000, "local_budget"),
            _line("Демонтаж старой кровли силами жителей (ашар)", "чел.-день", 60, 800,
                  "labour"),
            _line("Доставка материалов транспортом жителей", "рейс", 12, 2500, "in_kind"),
        ],
        "procurement_plan": "Работы и материалы — открытый тендер на портале госзакупок "
                            "(специалист АО сертифицирован); мебель — метод запроса котировок.",
        "sustainability": "Содержание здания и отопление — в местном бюджете (статья 2215); "
                          "родительский комитет отвечает за текущий ремонт.",
        "monitoring": "Группа совместного мониторинга (5 жителей, 3 женщины) и бюджетная "
                      "комиссия кенеша; отчёт на сельском сходе и на доске объявлений.",
    }


def _onbir_jylga(opened: date) -> dict:
    return {
        "title": "Реконструкция водопровода села Онбир-Джылга",
        "requested_amount": "950000.00",
        "head_name": "Исаков Марат Токтобекович",
        "council_chair_name": "Ким Елена Викторовна",
        "contact_phone": "+996 3133 6 21 05",
        "budget_account": "4402011100005821",
        "issue_area": "water_supply",
        "priority_source": "public_hearing",
        "priority_rank": 1,
        "priority_votes": None,
        "priority_date": (opened - timedelta(days=210)).isoformat(),
        "problem_description": "Водопровод 1968 года изношен на 80 %, вода подаётся 4 часа в "
                               "сутки; на слушаниях по бюджету жители назвали воду главной "
                               "проблемой.",
        "objectives": "Круглосуточная подача питьевой воды для 2 650 жителей.",
        "activities": "1-2 мес.: тендер; 3-7 мес.: замена 1,2 км магистральной сети и 40 "
                      "колодцев; 8 мес.: промывка, анализ воды, приёмка.",
        "duration_months": 8,
        "indicators": "1,2 км новой сети; 420 домохозяйств; 24 часа подачи воды; потери воды "
                      "с 45 % до 15 %.",
        "beneficiaries": 2650,
        "beneficiaries_women": 1370,
        "villages": "Онбир-Джылга",
        "budget_lines": [
            _line("Труба ПЭ 110 мм", "м", 1200, 520, "grant"),
            _line("Запорная арматура и колодцы", "шт", 40, 3650, "grant"),
            _line("Строительно-монтажные работы", "услуга", 1, 180000, "grant"),
            _line("Проектно-сметная документация и экспертиза", "услуга", 1, 150000,
                  "local_budget"),
            _line("Земляные работы силами жителей", "м", 1200, 50, "labour"),
            _line("Щебень и песок", "т", 40, 1000, "in_kind"),
        ],
        "procurement_plan": "Один тендер на материалы и работы; технический надзор — "
                            "районный отдел строительства.",
        "sustainability": "Сеть передаётся МП «Таза суу»; тариф утверждён кенешем и покрывает "
                          "обслуживание.",
        "monitoring": "Инициативная группа (7 человек) проверяет объёмы; итоги — на "
                      "слушаниях по исполнению бюджета.",
    }


def _ak_tal(opened: date) -> dict:
    return {
        "title": "Ак-Тал айылынын көчөлөрүнө жарык орнотуу",
        "requested_amount": "780000.00",
        "head_name": "Токтогулов Нурлан Асанбекович",
        "council_chair_name": "Осмонова Гүлзат Бекболотовна",
        "contact_phone": "+996 3534 2 11 60",
        "budget_account": "4402011100007702",
        "issue_area": "street_lighting",
        "priority_source": "village_gathering",
        "priority_rank": 2,
        "priority_votes": 36,
        "priority_date": (opened - timedelta(days=95)).isoformat(),
        "problem_description": "Айылдын 9 көчөсүндө жарык жок, кыш мезгилинде балдар "
                               "мектептен караңгыда кайтышат.",
        "objectives": "9 көчөгө 120 LED чырак орнотуу, түнкү коопсуздукту жогорулатуу.",
        "activities": "1-2 ай: сатып алуу; 3-5 ай: зым тартуу жана чырактарды орнотуу; "
                      "6 ай: кабыл алуу.",
        "duration_months": 6,
        "indicators": "120 чырак; 6 км зым; 9 көчө жарыктандырылды.",
        "beneficiaries": 1800,
        "beneficiaries_women": 930,
        "villages": "Ак-Тал",
        "budget_lines": [
            _line("LED көчө чырактары 100 Вт", "даана", 120, 4500, "grant"),
            _line("Өзү көтөрүүчү зым СИП 2х16", "м", 6000, 35, "grant"),
            _line("Орнотуу иштери", "кызмат", 1, 30000, "grant"),
            _line("Электр энергиясы үчүн төлөм (1 жыл)", "жыл", 1, 20000, "local_budget"),
            _line("Тургундардын эмгеги (мамыларды даярдоо)", "киши-күн", 20, 600, "labour"),
        ],
        "procurement_plan": "Мамлекеттик сатып алуулар порталы аркылуу бир тендер.",
        "sustainability": "Электр энергиясы жана оңдоо жергиликтүү бюджеттен төлөнөт.",
        "monitoring": "Айылдык кеңештин депутаттары жана демилгелүү топ; жыйынтык элеттик "
                      "чогулушта.",
    }


def _kyzyl_suu(opened: date) -> dict:
    return {
        "title": "Строительство открытой спортивной площадки в селе Кызыл-Суу",
        "requested_amount": "600000.00",
        "head_name": "Маматов Алмазбек Турсунбаевич",
        "council_chair_name": "Маматова Жыпар Абдылдаевна",
        "contact_phone": "+996 3232 4 30 17",
        "budget_account": "4402011100006390",
        "issue_area": "sport",
        "priority_source": "village_gathering",
        "priority_rank": 1,
        "priority_votes": 112,
        # chosen after the call opened: screening shows the warning
        "priority_date": (opened + timedelta(days=10)).isoformat(),
        "problem_description": "В селе нет ни одной спортивной площадки; молодёжь 1 400 "
                               "человек занимается на пустыре.",
        "objectives": "Площадка 20×30 м для футбола, баскетбола и уличных тренажёров.",
        "activities": "1 мес.: тендер; 2-4 мес.: основание, покрытие, ограждение; "
                      "5 мес.: оборудование и открытие.",
        "duration_months": 5,
        "indicators": "600 м² площадки; 12 секций и турниров в год; 300 подростков в неделю.",
        "beneficiaries": 1400,
        "beneficiaries_women": 610,
        "villages": "Кызыл-Суу",
        "budget_lines": [
            _line("Искусственное покрытие площадки", "м²", 600, 650, "grant"),
            _line("Ограждение (сетка, столбы)", "м", 100, 1200, "grant"),
            _line("Спортивное оборудование (ворота, кольца, тренажёры)", "компл.", 1, 90000,
                  "grant"),
            _line("Подготовка основания (щебень, грейдер)", "услуга", 1, 80000,
                  "local_budget"),
            _line("Вклад фермерского хозяйства «Ата-Журт»", "сом", 1, 50000, "other_donors"),
            _line("Труд жителей (ашар)", "чел.-день", 50, 700, "labour"),
        ],
        "procurement_plan": "Запрос котировок на оборудование, тендер на покрытие.",
        "sustainability": "Площадку содержит молодёжный комитет при АО; освещение и ремонт — "
                          "из местного бюджета.",
        "monitoring": "Молодёжный комитет и депутаты кенеша; фотоотчёт на странице АО.",
    }


def _lighting_draft(opened: date) -> dict:
    answers = _boroldoi(opened)
    answers.update({
        "title": "Уличное освещение центральных улиц села Боролдой",
        "requested_amount": "640000.00",
        "issue_area": "street_lighting",
        "priority_rank": 3,
        "priority_votes": 31,
        "problem_description": "На центральных улицах нет освещения; жители на сессиях СИНС "
                               "поставили проблему на третье место.",
        "objectives": "Осветить 4 км центральных улиц.",
        "activities": "1-2 мес.: тендер; 3-5 мес.: монтаж; 6 мес.: приёмка.",
        "duration_months": 6,
        "indicators": "80 светильников; 4 км улиц освещено.",
        "budget_lines": [
            _line("Светильники LED 100 Вт", "шт", 80, 5000, "grant"),
            _line("Кабель СИП 2х16", "м", 4000, 40, "grant"),
            _line("Монтаж", "услуга", 1, 80000, "grant"),
            _line("Электроэнергия (1 год)", "год", 1, 36000, "local_budget"),
        ],
    })
    return answers


# per municipality: answers, documents, screening note, base scores, overall comment
_ROUND_1_APPLICATIONS = {
    BOROLDOI[0]: {
        "answers": _boroldoi,
        "documents": ("council_resolution", "budget_publication", "zhmba_report",
                      "vote_tally", "joint_action_plan"),
        "scores": {"community_priority": 23, "relevance": 13, "feasibility": 12.5,
                   "budget": 12.5, "cofinancing": 7.5, "sustainability": 8,
                   "transparency": 8},
        "comment": "Приоритет подтверждён протоколами СИНС, бюджет обоснован.",
    },
    ONBIR_JYLGA[0]: {
        "answers": _onbir_jylga,
        "documents": ("council_resolution", "budget_publication", "hearing_minutes"),
        "scores": {"community_priority": 21, "relevance": 12.5, "feasibility": 12,
                   "budget": 12, "cofinancing": 8, "sustainability": 7.5,
                   "transparency": 7.5},
        "comment": "Сильный софинансирующий вклад; проверить смету земляных работ.",
    },
    AK_TAL[0]: {
        "answers": _ak_tal,
        "documents": ("council_resolution", "budget_publication", "gathering_minutes"),
        "scores": {"community_priority": 17, "relevance": 10, "feasibility": 9, "budget": 8,
                   "cofinancing": 3.5, "sustainability": 7, "transparency": 7.5},
        "comment": "Долбоор керектүү, бирок кошумча каржылоо аз.",
    },
    KYZYL_SUU[0]: {
        "answers": _kyzyl_suu,
        "documents": ("council_resolution", "budget_publication", "gathering_minutes"),
        "screening": "Сход проведён после объявления конкурса; протокол и список участников "
                     "проверены, приоритет подтверждён.",
        "scores": {"community_priority": 15, "relevance": 11, "feasibility": 11, "budget": 11,
                   "cofinancing": 6, "sustainability": 7, "transparency": 7},
        "comment": "Хороший охват молодёжи; приоритет определён поздно.",
    },
}

