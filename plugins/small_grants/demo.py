"""Demo data of the small-grants competition, added through the ``gms_demo_data`` hook:

- round 1: closed and scored by three members, waiting for the commission's decision;
- round 2: open, with one municipality's draft;
- the 2018 round of Osh and Naryn oblasts: finished, results published (funded, reserve and
  an application found ineligible at screening).

Every step checks what exists (the call by its English title, the applicant by e-mail), so
loading twice changes nothing. Municipalities are real units of the SOATE 2021 list; people,
villages, projects and figures are invented.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from gms.demo import AK_TAL, BOROLDOI, DOMAIN, KYZYL_SUU, ONBIR_JYLGA, PASSWORD, Demo
from gms.evaluation.models import Assignment
from gms.extensions import db

ROUND_1 = "Small Grants Programme: round 1 (demo)"
ROUND_2 = "Small Grants Programme: round 2 (demo)"
ROUND_2018 = "Small Grants Programme 2018 (demo)"

# SOATE codes of the 2018 round's other municipalities (Naryn and Osh oblasts)
KOCHKOR = "41704235816000"  # Kochkor aiyl aimak, Kochkor rayon, Naryn oblast
KOK_BEL = "41706242838000"  # Kok-Bel aiyl aimak, Nookat rayon, Osh oblast
UZGEN = "41706255600010"  # the town of Uzgen, Osh oblast (mayor's office)


def load(demo: Demo) -> None:
    """Add the three rounds (once)."""
    _closed_round(demo)
    _open_round(demo)
    _finished_round(demo)


# ------------------------------------------------------------------------------ rounds


def _closed_round(demo: Demo) -> None:
    """Round 1: closed a month ago; four applications submitted, screened and scored by three
    members; the call waits in evaluation for the decision."""
    deadline = demo.at(demo.local_day(demo.now) - timedelta(days=30), 17)
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
    entries = [(demo.applicants[code], spec) for code, spec in _ROUND_1_APPLICATIONS.items()]
    _submit_and_score(demo, call, entries, opened, deadline)


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


def _finished_round(demo: Demo) -> None:
    """The 2018 round of Osh and Naryn oblasts (deadline 15 February 2018, 17:00): five
    applications, one found ineligible at screening, four scored; the decision funds the
    best within the envelope (a cheaper one lower down still fits) and the results are
    published, with a letter to every applicant."""
    from gms.evaluation import lifecycle

    opens, deadline = Demo.at(date(2017, 12, 4), 9), Demo.at(date(2018, 2, 15), 17)
    call, created = demo.call("small_grants", {
        "title": {"ky": "Чакан гранттар программасы 2018", "ru": "Программа малых грантов "
                  "2018", "en": ROUND_2018},
        "description": _DESCRIPTION_2018,
        "oblasts": ["Ошская область", "Нарынская область"], "opens_at": opens,
        "deadline_at": deadline, "budget": Decimal(2600000), "max_grant": Decimal(1000000)})
    if not created:
        return
    entries = []
    for code, spec in _ROUND_2018_APPLICATIONS.items():
        user = demo.applicants.get(code) or _applicant(code, spec["applicant"])
        entries.append((user, spec))
    _submit_and_score(demo, call, entries, Demo.local_day(opens), deadline)
    lifecycle.advance(call, "decide", now=Demo.at(date(2018, 3, 7), 11), actor_id=demo.staff.id)
    lifecycle.advance(call, "publish", now=Demo.at(date(2018, 3, 12), 10), actor_id=demo.staff.id)


def _submit_and_score(demo: Demo, call, entries, opened: date, deadline: datetime) -> None:
    """Submit each application with its documents, close the call, screen (eligible unless
    the spec says otherwise), and have the three members score every eligible one."""
    from gms.evaluation import assignment as assignment_service
    from gms.evaluation import declarations, lifecycle, scoring
    from gms.services import applications as apps
    from gms.services import contract

    staff, members = demo.staff, demo.members
    submitted = []
    for i, (user, spec) in enumerate(entries):
        when = deadline - timedelta(days=3 * (len(entries) - i), hours=2)
        answers = spec["answers"](opened)
        application = apps.start_application(call, user, when)
        apps.save_draft(application, answers, user, when)
        demo.documents(application, spec["documents"], user)
        apps.submit(application, answers, user, when + timedelta(minutes=20))
        submitted.append((application, spec))

    lifecycle.advance(call, "close", now=deadline + timedelta(minutes=1), actor_id=staff.id)
    lifecycle.advance(call, "start_screening", now=deadline + timedelta(days=1), actor_id=staff.id)
    for application, spec in submitted:
        apps.screen(application, eligible=spec.get("eligible", True),
                    reason=spec.get("screening", ""), staff=staff,
                    now=deadline + timedelta(days=2))
    lifecycle.advance(call, "start_evaluation", now=deadline + timedelta(days=5), actor_id=staff.id)
    sheet = contract.sheet_for(call)
    scored = [(a, spec) for a, spec in submitted if spec.get("eligible", True)]
    for application, _spec in scored:
        assignment_service.assign(application, [m.id for m in members], staff)
    for n, (application, spec) in enumerate(scored):
        for k, assignment in enumerate(db.session.scalars(
                select(Assignment).where(Assignment.application_id == application.id)
                .order_by(Assignment.reviewer_id))):
            # each member first declares no conflict of interest, then scores
            declarations.declare(assignment, conflict=False, reason="",
                               now=deadline + timedelta(days=9, hours=k))
            scores, comments = _review(sheet, spec["scores"], offset=(k - 1) * Decimal("0.5"))
            errors = scoring.save_review(
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


def _applicant(code: str, person: tuple[str, str, str]):
    """The applicant user of municipality ``code``, registered once (not printed with the
    demo log-ins; the password is the demo password)."""
    from gms.services import accounts, memberships

    email, name, locale = person
    user = accounts.find_user(email)
    if user is None:
        user = accounts.register(email=email, name=name, password=PASSWORD,
                                 org_kind="municipality", org_name="", territory_code=code,
                                 locale=locale)
        memberships.vouch(user, by="demo")  # confirmed and admitted: no e-mailed links
    return user


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

_DESCRIPTION_2018 = {
    "ky": "Ош жана Нарын облустарынын бардык аткаруу органдары үчүн чакан гранттар: "
          "долбоор тургундардын артыкчылыктуу көйгөйүн чечет, 1 000 000 сомго чейин, "
          "жергиликтүү бюджетке которулат. Ар бир айыл өкмөтү эки табыштама берип, эки "
          "грант утуп алышы мүмкүн. Табыштамалар 2018-жылдын 15-февралы саат 17:00гө чейин.",
    "ru": "Малые гранты для всех исполнительных органов МСУ Ошской и Нарынской областей: "
          "проект решает приоритетную проблему жителей, до 1 000 000 сом, перечисляется в "
          "местный бюджет. Каждый айыл окмоту может подать две заявки и выиграть два гранта. "
          "Приём заявок до 17:00 15 февраля 2018 года.",
    "en": "Small grants for every executive body of local self-government in Osh and Naryn "
          "oblasts: a project on a priority problem of the residents, up to 1,000,000 KGS, "
          "transferred into the local budget. Each aiyl okmotu may submit two applications "
          "and win two grants. Applications until 15 February 2018, 17:00.",
}

_LOW_SCORE_COMMENTS = {
    "cofinancing": "Вклад местного бюджета и жителей менее 4 % бюджета проекта.",
    "community_priority": "Приоритет выбран после объявления конкурса; нужны доказательства.",
}

# Every answer the form stores, with its empty value: the applications below override them.
_EMPTY = {
    "priority_problem": "", "priority_votes": None,
    "zhmba_sessions": [], "vote_tally": [],
    "focus_group_date": None, "focus_group_participants": None, "focus_group_women": None,
    "focus_group_causes": "", "focus_group_consequences": "", "focus_group_solutions": "",
    "focus_group_contributions": "",
    "action_plan": [], "beneficiaries_by_village": [],
    "maintenance_budget_line": "", "maintenance_annual_cost": None,
}


def _answers(**values) -> dict:
    return {**_EMPTY, **values}


def _line(item, unit, quantity, unit_cost, source, basis="") -> dict:
    return {"item": item, "unit": unit, "quantity": str(quantity), "unit_cost": str(unit_cost),
            "source": source, "basis": basis}


def _sessions(*villages: tuple[str, date, tuple[tuple[int, int], ...]]) -> list[dict]:
    """Rows of the sessions table: per village, its day and (participants, women) of the
    18–35, 36–55 and 56+ groups, each led by two facilitators."""
    return [{"village": village, "date": day.isoformat(), "age_group": group,
             "participants": people, "women": women, "facilitators": 2}
            for village, day, counts in villages
            for group, (people, women) in zip(("18_35", "36_55", "56_plus"), counts,
                                              strict=True)]


def _tally(villages: tuple[str, ...], *problems: tuple[str, tuple[int | None, ...]]
           ) -> list[dict]:
    """Rows of the vote tally: per problem, its votes in each village (None: not raised)."""
    return [{"village": village, "problem": problem, "votes": votes}
            for problem, counts in problems
            for village, votes in zip(villages, counts, strict=True) if votes is not None]


def _action(problem, activity, indicator, deadline: date, responsible, contribution, source,
            amount) -> dict:
    return {"problem": problem, "activity": activity, "indicator": indicator,
            "deadline": deadline.isoformat(), "responsible": responsible,
            "contribution": contribution, "source": source,
            "amount": None if amount is None else str(amount)}


def _reach(village, people, women) -> dict:
    return {"village": village, "beneficiaries": people, "women": women}


# -- round 1

_BOROLDOI_PROBLEMS = (
    ("Нет условий для дошкольного образования", (41, 17)),
    ("Плохое состояние местных дорог", (22, 14)),
    ("Нет уличного освещения", (19, 12)),
    ("Нет доступа к чистой питьевой воде", (9, 18)),
    ("Нет условий для занятий спортом", (11, 8)),
    ("Мало информации о местном бюджете", (6, None)),
)


def _boroldoi(opened: date) -> dict:
    chosen = opened - timedelta(days=160)
    return _answers(
        title="Капитальный ремонт детского сада «Балдаган» в селе Боролдой",
        requested_amount="1000000.00",
        head_name="Асанов Бакыт Жумабекович",
        council_chair_name="Токтосунова Айнура Мукашевна",
        contact_phone="+996 3135 5 12 34",
        budget_account="4402011100004417",
        issue_area="preschool",
        priority_source="zhmba",
        priority_problem="Нет условий для дошкольного образования",
        priority_rank=1,
        priority_votes=58,
        priority_date=chosen.isoformat(),
        problem_description="Здание детского сада построено в 1976 году: протекает кровля, "
                            "окна не держат тепло, зимой группы закрываются. В очереди 64 "
                            "ребёнка, на сессиях СИНС проблема набрала больше всего голосов.",
        zhmba_sessions=_sessions(
            ("Боролдой", chosen - timedelta(days=1), ((24, 13), (27, 15), (21, 11))),
            ("Кок-Сай", chosen, ((22, 10), (25, 14), (20, 12)))),
        vote_tally=_tally(("Боролдой", "Кок-Сай"), *_BOROLDOI_PROBLEMS),
        focus_group_date=(chosen + timedelta(days=8)).isoformat(),
        focus_group_participants=22,
        focus_group_women=13,
        focus_group_causes="Здание 1976 года не ремонтировалось; в бюджете АО нет средств на "
                           "капитальный ремонт.",
        focus_group_consequences="Зимой группы закрыты, 64 ребёнка в очереди; матери не "
                                 "могут работать.",
        focus_group_solutions="Ремонт кровли, окон и отопления; новая мебель; открыть ещё одну "
                              "группу.",
        focus_group_contributions="АО: ремонт отопления (100 000 сом); кенеш: статья на "
                                  "содержание; жители: демонтаж кровли и доставка материалов.",
        action_plan=[
            _action("Нет условий для дошкольного образования",
                    "Капитальный ремонт детского сада «Балдаган»", "95 мест круглый год",
                    opened + timedelta(days=240), "Айыл окмоту, инициативная группа",
                    "Жители: труд и транспорт; АО: отопление", "grant", 1000000),
            _action("Плохое состояние местных дорог", "Грейдирование 6 км улиц",
                    "6 км дорог", opened + timedelta(days=120), "Айыл окмоту",
                    "АО: техника; жители: щебень", "local_budget", 180000),
            _action("Нет уличного освещения", "Освещение центральных улиц",
                    "4 км улиц освещено", opened + timedelta(days=400), "Айыл окмоту",
                    "Заявка в следующий раунд малых грантов", "grant", 640000),
        ],
        council_resolution_number="14-2",
        council_resolution_date=(chosen + timedelta(days=45)).isoformat(),
        objectives="Открыть детский сад круглый год на 95 мест; сократить очередь вдвое.",
        activities="1-2 мес.: проектно-сметная документация и тендер; 3-6 мес.: кровля, окна, "
                   "отопление; 7 мес.: мебель; 8 мес.: приёмка и открытие.",
        duration_months=8,
        indicators="420 м² новой кровли; 36 окон; температура в группах не ниже +18 °C; 95 "
                   "детей посещают сад зимой.",
        beneficiaries=310,
        beneficiaries_women=170,
        villages="Боролдой, Кок-Сай",
        beneficiaries_by_village=[_reach("Боролдой", 230, 126), _reach("Кок-Сай", 80, 44)],
        budget_lines=[
            _line("Замена кровли (металлочерепица)", "м²", 420, 1450, "grant"),
            _line("Окна ПВХ с установкой", "шт", 36, 7500, "grant"),
            _line("Мебель для групп (столы, стулья, кроватки)", "компл.", 4, 30250, "grant"),
            _line("Ремонт системы отопления", "услуга", 1, 100000, "local_budget"),
            _line("Демонтаж старой кровли силами жителей (ашар)", "чел.-день", 60, 800,
                  "labour", "дневная оплата подсобного рабочего в районе"),
            _line("Доставка материалов транспортом жителей", "рейс", 12, 2500, "in_kind",
                  "цена рейса грузовика по району"),
        ],
        procurement_plan="Работы и материалы — открытый тендер на портале госзакупок "
                         "(специалист АО сертифицирован); мебель — метод запроса котировок.",
        sustainability="Содержание здания и отопление — в местном бюджете (статья 2215); "
                       "родительский комитет отвечает за текущий ремонт.",
        maintenance_responsible="Айыл окмоту Боролдойского АА; родительский комитет",
        maintenance_source="local_budget",
        maintenance_budget_line="статья 2215 «Содержание зданий»",
        maintenance_annual_cost="120000",
        monitoring="Группа совместного мониторинга (5 жителей, 3 женщины) и бюджетная "
                   "комиссия кенеша; отчёт на сельском сходе и на доске объявлений.",
    )


def _onbir_jylga(opened: date) -> dict:
    chosen = opened - timedelta(days=210)
    return _answers(
        title="Реконструкция водопровода села Онбир-Джылга",
        requested_amount="950000.00",
        head_name="Исаков Марат Токтобекович",
        council_chair_name="Ким Елена Викторовна",
        contact_phone="+996 3133 6 21 05",
        budget_account="4402011100005821",
        issue_area="water_supply",
        priority_source="public_hearing",
        priority_rank=1,
        priority_date=chosen.isoformat(),
        problem_description="Водопровод 1968 года изношен на 80 %, вода подаётся 4 часа в "
                            "сутки; на слушаниях по бюджету жители назвали воду главной "
                            "проблемой.",
        council_resolution_number="7-1",
        council_resolution_date=(chosen + timedelta(days=30)).isoformat(),
        objectives="Круглосуточная подача питьевой воды для 2 650 жителей.",
        activities="1-2 мес.: тендер; 3-7 мес.: замена 1,2 км магистральной сети и 40 "
                   "колодцев; 8 мес.: промывка, анализ воды, приёмка.",
        duration_months=8,
        indicators="1,2 км новой сети; 420 домохозяйств; 24 часа подачи воды; потери воды с "
                   "45 % до 15 %.",
        beneficiaries=2650,
        beneficiaries_women=1370,
        villages="Онбир-Джылга",
        budget_lines=[
            _line("Труба ПЭ 110 мм", "м", 1200, 520, "grant"),
            _line("Запорная арматура и колодцы", "шт", 40, 3650, "grant"),
            _line("Строительно-монтажные работы", "услуга", 1, 180000, "grant"),
            _line("Проектно-сметная документация и экспертиза", "услуга", 1, 150000,
                  "local_budget"),
            _line("Земляные работы силами жителей", "м", 1200, 50, "labour",
                  "расценка на ручную копку траншеи в районе"),
            _line("Щебень и песок", "т", 40, 1000, "in_kind", "цена карьера в Токмоке"),
        ],
        procurement_plan="Один тендер на материалы и работы; технический надзор — районный "
                         "отдел строительства.",
        sustainability="Сеть передаётся МП «Таза суу»; тариф утверждён кенешем и покрывает "
                       "обслуживание.",
        maintenance_responsible="МП «Таза суу»",
        maintenance_source="tariffs",
        maintenance_budget_line="тариф за воду, утверждён кенешем",
        maintenance_annual_cost="210000",
        monitoring="Инициативная группа (7 человек) проверяет объёмы; итоги — на слушаниях по "
                   "исполнению бюджета.",
    )


def _ak_tal(opened: date) -> dict:
    chosen = opened - timedelta(days=95)
    return _answers(
        title="Ак-Тал айылынын көчөлөрүнө жарык орнотуу",
        requested_amount="780000.00",
        head_name="Токтогулов Нурлан Асанбекович",
        council_chair_name="Осмонова Гүлзат Бекболотовна",
        contact_phone="+996 3534 2 11 60",
        budget_account="4402011100007702",
        issue_area="street_lighting",
        priority_source="village_gathering",
        priority_problem="Көчөлөрдө жарык жок",
        priority_rank=2,
        priority_votes=36,
        priority_date=chosen.isoformat(),
        problem_description="Айылдын 9 көчөсүндө жарык жок, кыш мезгилинде балдар мектептен "
                            "караңгыда кайтышат.",
        vote_tally=_tally(("Ак-Тал",), ("Ичүүчү суу жетишсиз", (48,)),
                          ("Көчөлөрдө жарык жок", (36,)), ("Спорт аянтчасы жок", (21,)),
                          ("Таштанды чыгарылбайт", (12,))),
        council_resolution_number="22/3",
        council_resolution_date=(chosen + timedelta(days=20)).isoformat(),
        objectives="9 көчөгө 120 LED чырак орнотуу, түнкү коопсуздукту жогорулатуу.",
        activities="1-2 ай: сатып алуу; 3-5 ай: зым тартуу жана чырактарды орнотуу; 6 ай: "
                   "кабыл алуу.",
        duration_months=6,
        indicators="120 чырак; 6 км зым; 9 көчө жарыктандырылды.",
        beneficiaries=1800,
        beneficiaries_women=930,
        villages="Ак-Тал",
        budget_lines=[
            _line("LED көчө чырактары 100 Вт", "даана", 120, 4500, "grant"),
            _line("Өзү көтөрүүчү зым СИП 2х16", "м", 6000, 35, "grant"),
            _line("Орнотуу иштери", "кызмат", 1, 30000, "grant"),
            _line("Электр энергиясы үчүн төлөм (1 жыл)", "жыл", 1, 20000, "local_budget"),
            _line("Тургундардын эмгеги (мамыларды даярдоо)", "киши-күн", 20, 600, "labour",
                  "райондогу жумушчунун күндүк акысы"),
        ],
        procurement_plan="Мамлекеттик сатып алуулар порталы аркылуу бир тендер.",
        sustainability="Электр энергиясы жана оңдоо жергиликтүү бюджеттен төлөнөт.",
        maintenance_responsible="Ак-Тал айыл өкмөтү",
        maintenance_source="local_budget",
        maintenance_budget_line="Көчөлөрдү жарыктандыруу беренеси",
        maintenance_annual_cost="20000",
        monitoring="Айылдык кеңештин депутаттары жана демилгелүү топ; жыйынтык элеттик "
                   "чогулушта.",
    )


def _kyzyl_suu(opened: date) -> dict:
    # chosen after the call opened: screening shows the warning
    chosen = opened + timedelta(days=10)
    return _answers(
        title="Строительство открытой спортивной площадки в селе Кызыл-Суу",
        requested_amount="600000.00",
        head_name="Маматов Алмазбек Турсунбаевич",
        council_chair_name="Маматова Жыпар Абдылдаевна",
        contact_phone="+996 3232 4 30 17",
        budget_account="4402011100006390",
        issue_area="sport",
        priority_source="village_gathering",
        priority_rank=1,
        priority_votes=112,
        priority_date=chosen.isoformat(),
        problem_description="В селе нет ни одной спортивной площадки; молодёжь 1 400 человек "
                            "занимается на пустыре.",
        council_resolution_number="31",
        council_resolution_date=(chosen + timedelta(days=12)).isoformat(),
        objectives="Площадка 20×30 м для футбола, баскетбола и уличных тренажёров.",
        activities="1 мес.: тендер; 2-4 мес.: основание, покрытие, ограждение; 5 мес.: "
                   "оборудование и открытие.",
        duration_months=5,
        indicators="600 м² площадки; 12 секций и турниров в год; 300 подростков в неделю.",
        beneficiaries=1400,
        beneficiaries_women=610,
        villages="Кызыл-Суу",
        budget_lines=[
            _line("Искусственное покрытие площадки", "м²", 600, 650, "grant"),
            _line("Ограждение (сетка, столбы)", "м", 100, 1200, "grant"),
            _line("Спортивное оборудование (ворота, кольца, тренажёры)", "компл.", 1, 90000,
                  "grant"),
            _line("Подготовка основания (щебень, грейдер)", "услуга", 1, 80000,
                  "local_budget"),
            _line("Вклад фермерского хозяйства «Ата-Журт»", "сом", 1, 50000, "other_donors"),
            _line("Труд жителей (ашар)", "чел.-день", 50, 700, "labour",
                  "дневная оплата разнорабочего в селе"),
        ],
        procurement_plan="Запрос котировок на оборудование, тендер на покрытие.",
        sustainability="Площадку содержит молодёжный комитет при АО; освещение и ремонт — из "
                       "местного бюджета.",
        maintenance_responsible="Молодёжный комитет при айыл окмоту",
        maintenance_source="local_budget",
        monitoring="Молодёжный комитет и депутаты кенеша; фотоотчёт на странице АО.",
    )


def _lighting_draft(opened: date) -> dict:
    answers = _boroldoi(opened)
    answers.update({
        "title": "Уличное освещение центральных улиц села Боролдой",
        "requested_amount": "640000.00",
        "issue_area": "street_lighting",
        "priority_problem": "Нет уличного освещения",
        "priority_rank": 3,
        "priority_votes": 31,
        "problem_description": "На центральных улицах нет освещения; жители на сессиях СИНС "
                               "поставили проблему на третье место.",
        "focus_group_causes": "Старая сеть освещения разобрана в 1990-х; у АО не было средств "
                              "на новую.",
        "focus_group_consequences": "Вечером опасно ходить; дети возвращаются из школы в "
                                    "темноте.",
        "focus_group_solutions": "Светодиодные светильники на 4 км центральных улиц; оплата "
                                 "электроэнергии из местного бюджета.",
        "focus_group_contributions": "АО: электроэнергия (36 000 сом в год); кенеш: статья в "
                                     "бюджете; жители: охрана светильников.",
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
        "maintenance_budget_line": "статья «Уличное освещение»",
        "maintenance_annual_cost": "36000",
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


# -- the 2018 round (Osh and Naryn)

def _kochkor(opened: date) -> dict:
    chosen = date(2017, 10, 12)
    return _answers(
        title="Замена водопроводной сети в сёлах Кочкор и Кызыл-Туу",
        requested_amount="1000000",
        head_name="Джумалиев Эркин Токтосунович",
        council_chair_name="Бейшеева Назира Асылбековна",
        contact_phone="+996 3535 2 14 70",
        budget_account="4402011100009114",
        issue_area="water_supply",
        priority_source="zhmba",
        priority_problem="Нет доступа к чистой питьевой воде",
        priority_rank=1,
        priority_votes=71,
        priority_date=chosen.isoformat(),
        problem_description="Трубы 1972 года прогнили, вода идёт с перебоями и мутная; в "
                            "Кызыл-Туу воду возят в бочках.",
        zhmba_sessions=_sessions(
            ("Кочкор", chosen - timedelta(days=1), ((26, 12), (30, 17), (23, 13))),
            ("Кызыл-Туу", chosen, ((21, 9), (24, 13), (20, 11)))),
        vote_tally=_tally(
            ("Кочкор", "Кызыл-Туу"),
            ("Нет доступа к чистой питьевой воде", (38, 33)),
            ("Плохое состояние местных дорог", (29, 12)),
            ("Нет условий для дошкольного образования", (17, 14)),
            ("Нет уличного освещения", (15, 9)),
            ("Нет условий для занятий спортом", (8, 16)),
            ("Не вывозится мусор", (11, None))),
        focus_group_date=date(2017, 10, 20).isoformat(),
        focus_group_participants=23,
        focus_group_women=11,
        focus_group_causes="Сеть 1972 года не ремонтировалась; нет службы, которая отвечает "
                           "за водопровод.",
        focus_group_consequences="Кишечные инфекции у детей; женщины и дети возят воду; "
                                 "жители платят за привозную воду.",
        focus_group_solutions="Заменить 3,1 км сети, создать МП по водоснабжению, ввести "
                              "тариф.",
        focus_group_contributions="АО: проект и экспертиза; кенеш: тариф и МП; жители: "
                                  "земляные работы; грант: трубы и работы.",
        action_plan=[
            _action("Нет доступа к чистой питьевой воде", "Замена 3,1 км водопроводной сети",
                    "3,1 км сети; 640 домохозяйств", date(2018, 10, 31),
                    "Айыл окмоту, МП «Суу-Булак»", "Грант: трубы; жители: земляные работы",
                    "grant", 1000000),
            _action("Нет доступа к чистой питьевой воде", "Создание МП и утверждение тарифа",
                    "МП создано, тариф утверждён", date(2018, 4, 30), "Айылный кенеш",
                    "Кенеш: решение; АО: штат", "local_budget", 60000),
            _action("Плохое состояние местных дорог", "Ямочный ремонт центральной улицы",
                    "1,5 км дороги", date(2018, 9, 30), "Айыл окмоту",
                    "АО: техника и материалы", "local_budget", 250000),
        ],
        council_resolution_number="5-12",
        council_resolution_date=date(2017, 12, 22).isoformat(),
        objectives="Чистая вода круглосуточно для 640 домохозяйств двух сёл.",
        activities="1-2 мес.: тендер; 3-8 мес.: замена сети; 9 мес.: анализ воды и приёмка.",
        duration_months=9,
        indicators="3,1 км новой сети; 640 домохозяйств; 24 часа подачи; анализ воды в норме.",
        beneficiaries=3350,
        beneficiaries_women=1720,
        villages="Кочкор, Кызыл-Туу",
        beneficiaries_by_village=[_reach("Кочкор", 2400, 1230), _reach("Кызыл-Туу", 950, 490)],
        budget_lines=[
            _line("Труба ПЭ 110 мм", "м", 3100, 240, "grant"),
            _line("Строительно-монтажные работы", "услуга", 1, 256000, "grant"),
            _line("Проект и экспертиза", "услуга", 1, 120000, "local_budget"),
            _line("Земляные работы силами жителей (ашар)", "м", 3100, 60, "labour",
                  "расценка на ручную копку траншеи в районе"),
            _line("Взносы домохозяйств на подключение", "дом", 160, 500, "community_cash"),
        ],
        procurement_plan="Открытый тендер на портале госзакупок; технадзор — районная служба.",
        sustainability="Сеть передаётся МП «Суу-Булак»; тариф покрывает зарплату слесаря и "
                       "ремонт.",
        maintenance_responsible="МП «Суу-Булак» при айыл окмоту",
        maintenance_source="tariffs",
        maintenance_budget_line="тариф 25 сом в месяц с человека",
        maintenance_annual_cost="300000",
        monitoring="Группа совместного мониторинга (6 человек, 3 женщины); отчёт на сходе.",
    )


def _kok_bel(opened: date) -> dict:
    chosen = date(2017, 11, 2)
    return _answers(
        title="Ремонт детского сада «Балажан» в селе Кок-Бел",
        requested_amount="950000",
        head_name="Ташиев Улан Мамасалиевич",
        council_chair_name="Абдыраимова Гулзада Токтогуловна",
        contact_phone="+996 3230 5 33 18",
        budget_account="4402011100008236",
        issue_area="preschool",
        priority_source="zhmba",
        priority_problem="Нет условий для дошкольного образования",
        priority_rank=1,
        priority_votes=66,
        priority_date=chosen.isoformat(),
        problem_description="Детский сад на 40 мест для 230 детей; крыша протекает, отопления "
                            "нет, две группы закрыты.",
        zhmba_sessions=_sessions(
            ("Кок-Бел", chosen - timedelta(days=1), ((25, 15), (28, 16), (22, 10))),
            ("Жаны-Талап", chosen, ((20, 11), (23, 12), (21, 9)))),
        vote_tally=_tally(
            ("Кок-Бел", "Жаны-Талап"),
            ("Нет условий для дошкольного образования", (40, 26)),
            ("Нет поливной воды", (31, 27)),
            ("Нет уличного освещения", (18, 10)),
            ("Плохое состояние местных дорог", (12, 14)),
            ("Нет условий для занятий спортом", (9, 6))),
        focus_group_date=date(2017, 11, 11).isoformat(),
        focus_group_participants=24,
        focus_group_women=14,
        focus_group_causes="Здание не ремонтировалось с 1989 года; мест не хватает.",
        focus_group_consequences="Дети не готовы к школе; матери не могут работать.",
        focus_group_solutions="Ремонт крыши и отопления, открыть две закрытые группы.",
        focus_group_contributions="АО: отопление; родители: мебель и покраска; грант: крыша "
                                  "и окна.",
        action_plan=[
            _action("Нет условий для дошкольного образования", "Ремонт детского сада "
                    "«Балажан»", "80 мест", date(2018, 11, 30), "Айыл окмоту",
                    "Родители: покраска; АО: отопление", "grant", 950000),
            _action("Нет поливной воды", "Очистка 8 км арыков", "8 км арыков",
                    date(2018, 5, 15), "АВП, жители", "Жители: ашар", "labour", 90000),
        ],
        council_resolution_number="18-4",
        council_resolution_date=date(2018, 1, 19).isoformat(),
        objectives="Удвоить число мест в детском саду: 80 детей круглый год.",
        activities="1-2 мес.: тендер; 3-7 мес.: крыша, окна, отопление; 8 мес.: приёмка.",
        duration_months=8,
        indicators="80 мест; 2 группы открыты; +18 °C зимой.",
        beneficiaries=460,
        beneficiaries_women=250,
        villages="Кок-Бел, Жаны-Талап",
        beneficiaries_by_village=[_reach("Кок-Бел", 300, 160), _reach("Жаны-Талап", 160, 90)],
        budget_lines=[
            _line("Ремонт кровли", "м²", 500, 1100, "grant"),
            _line("Окна ПВХ", "шт", 40, 6500, "grant"),
            _line("Строительные работы", "услуга", 1, 140000, "grant"),
            _line("Котёл и радиаторы", "компл.", 1, 160000, "local_budget"),
            _line("Покраска и уборка силами родителей", "чел.-день", 80, 700, "labour",
                  "дневная оплата разнорабочего в районе"),
        ],
        procurement_plan="Тендер на работы и материалы; котёл — запрос котировок.",
        sustainability="Отопление и зарплата персонала — в местном бюджете.",
        maintenance_responsible="Айыл окмоту Кок-Бельского АА",
        maintenance_source="local_budget",
        maintenance_budget_line="статья 2215, детский сад",
        maintenance_annual_cost="150000",
        monitoring="Родительский комитет и депутаты кенеша.",
    )


def _ak_tal_2018(opened: date) -> dict:
    chosen = date(2017, 9, 28)
    return _answers(
        title="Ак-Тал айылында спорт аянтчасын куруу",
        requested_amount="900000",
        head_name="Токтогулов Нурлан Асанбекович",
        council_chair_name="Осмонова Гүлзат Бекболотовна",
        contact_phone="+996 3534 2 11 60",
        budget_account="4402011100007702",
        issue_area="sport",
        priority_source="village_gathering",
        priority_problem="Спорт аянтчасы жок",
        priority_rank=1,
        priority_votes=88,
        priority_date=chosen.isoformat(),
        problem_description="Айылда спорт аянтчасы жок, жаштар жолдо ойношот.",
        vote_tally=_tally(("Ак-Тал",), ("Спорт аянтчасы жок", (88,)),
                          ("Ичүүчү суу жетишсиз", (54,)), ("Көчөлөрдө жарык жок", (47,))),
        council_resolution_number="9/2",
        council_resolution_date=date(2017, 11, 14).isoformat(),
        objectives="30×20 м спорт аянтчасы, жаштар үчүн секциялар.",
        activities="1 ай: тендер; 2-5 ай: курулуш; 6 ай: ачылышы.",
        duration_months=6,
        indicators="600 м² аянтча; жумасына 250 бала.",
        beneficiaries=1500,
        beneficiaries_women=700,
        villages="Ак-Тал",
        budget_lines=[
            _line("Аянтчанын жабуусу", "м²", 600, 1000, "grant"),
            _line("Тосмо жана жабдуулар", "комплект", 1, 300000, "grant"),
            _line("Негизин даярдоо", "кызмат", 1, 70000, "local_budget"),
            _line("Тургундардын эмгеги (ашар)", "киши-күн", 40, 600, "labour",
                  "райондогу жумушчунун күндүк акысы"),
        ],
        procurement_plan="Мамлекеттик сатып алуулар порталы аркылуу тендер.",
        sustainability="Аянтчаны жаштар комитети кармайт; оңдоо жергиликтүү бюджеттен.",
        maintenance_responsible="Айыл өкмөтүнө караштуу жаштар комитети",
        maintenance_source="local_budget",
        maintenance_annual_cost="25000",
        monitoring="Демилгелүү топ жана кеңештин депутаттары.",
    )


def _uzgen(opened: date) -> dict:
    chosen = date(2017, 11, 24)
    return _answers(
        title="Освещение улиц микрорайона Ынтымак города Узген",
        requested_amount="600000",
        head_name="Мамытов Абдимиталип Ормонович",
        council_chair_name="Юлдашева Мухаббат Рахимовна",
        contact_phone="+996 3233 5 02 41",
        budget_account="4402011100009377",
        issue_area="street_lighting",
        priority_source="public_hearing",
        priority_rank=2,
        priority_date=chosen.isoformat(),
        problem_description="В микрорайоне нет освещения; на слушаниях по проекту бюджета "
                            "освещение названо второй проблемой после дорог.",
        council_resolution_number="44-3",
        council_resolution_date=date(2017, 12, 26).isoformat(),
        objectives="Осветить 5 км улиц микрорайона.",
        activities="1-2 мес.: тендер; 3-5 мес.: монтаж; 6 мес.: приёмка.",
        duration_months=6,
        indicators="100 светильников; 5 км улиц.",
        beneficiaries=6200,
        beneficiaries_women=3150,
        villages="Узген, микрорайон Ынтымак",
        budget_lines=[
            _line("Светильники LED", "шт", 100, 4200, "grant"),
            _line("Кабель и монтаж", "услуга", 1, 180000, "grant"),
            _line("Опоры (из запаса мэрии)", "шт", 30, 3000, "in_kind",
                  "балансовая стоимость опор"),
            _line("Электроэнергия (1 год)", "год", 1, 60000, "local_budget"),
        ],
        procurement_plan="Тендер через портал госзакупок.",
        sustainability="Освещение обслуживает МП «Шаар жарыгы» за счёт городского бюджета.",
        maintenance_responsible="МП «Шаар жарыгы» мэрии Узгена",
        maintenance_source="local_budget",
        maintenance_budget_line="статья «Уличное освещение» городского бюджета",
        maintenance_annual_cost="60000",
        monitoring="Квартальные комитеты; отчёт на слушаниях по исполнению бюджета.",
    )


def _kyzyl_suu_2018(opened: date) -> dict:
    chosen = date(2017, 10, 30)
    return _answers(
        title="Мектептин чатырын оңдоо, Кызыл-Суу айылы",
        requested_amount="630000",
        head_name="Маматов Алмазбек Турсунбаевич",
        council_chair_name="Маматова Жыпар Абдылдаевна",
        contact_phone="+996 3232 4 30 17",
        budget_account="4402011100006390",
        issue_area="libraries_culture",
        priority_source="village_gathering",
        priority_rank=1,
        priority_votes=64,
        priority_date=chosen.isoformat(),
        problem_description="Мектептин чатыры агат, класстар суук.",
        council_resolution_number="12",
        council_resolution_date=date(2017, 12, 1).isoformat(),
        objectives="Мектептин чатырын толук алмаштыруу.",
        activities="1 ай: тендер; 2-4 ай: чатыр; 5 ай: кабыл алуу.",
        duration_months=5,
        indicators="900 м² чатыр.",
        beneficiaries=640,
        beneficiaries_women=330,
        villages="Кызыл-Суу",
        budget_lines=[
            _line("Чатырды алмаштыруу", "м²", 900, 700, "grant"),
            _line("Тургундардын эмгеги", "киши-күн", 30, 600, "labour",
                  "райондогу жумушчунун күндүк акысы"),
        ],
        procurement_plan="Мамлекеттик сатып алуулар порталы аркылуу тендер.",
        sustainability="Мектептин имаратын билим берүү бөлүмү кармайт.",
        maintenance_responsible="Райондук билим берүү бөлүмү",
        maintenance_source="other",
        monitoring="Ата-энелер комитети.",
    )


_ROUND_2018_APPLICATIONS = {
    KOCHKOR: {
        "applicant": (f"kochkor2018@{DOMAIN}", "Эркин Джумалиев", "ru"),
        "answers": _kochkor,
        "documents": ("council_resolution", "budget_publication", "zhmba_report",
                      "zhmba_protocol", "vote_tally", "focus_group_report",
                      "joint_action_plan"),
        "scores": {"community_priority": 24, "relevance": 14, "feasibility": 13,
                   "budget": 13, "cofinancing": 8.5, "sustainability": 9,
                   "transparency": 8.5},
        "comment": "Полная цепочка СИНС: сессии, подсчёт голосов, фокус-группа, БАП и "
                   "постановление кенеша.",
    },
    KOK_BEL: {
        "applicant": (f"kokbel2018@{DOMAIN}", "Улан Ташиев", "ru"),
        "answers": _kok_bel,
        "documents": ("council_resolution", "budget_publication", "zhmba_report",
                      "zhmba_protocol", "vote_tally"),
        "scores": {"community_priority": 22, "relevance": 13, "feasibility": 12,
                   "budget": 12.5, "cofinancing": 7, "sustainability": 8,
                   "transparency": 8},
        "comment": "Приоритет подтверждён; нужна смета на мебель.",
    },
    AK_TAL[0]: {
        "answers": _ak_tal_2018,
        "documents": ("council_resolution", "budget_publication", "gathering_minutes"),
        "scores": {"community_priority": 20, "relevance": 12, "feasibility": 11, "budget": 11,
                   "cofinancing": 5, "sustainability": 7, "transparency": 7},
        "comment": "Долбоор жакшы, бирок смета кымбат.",
    },
    UZGEN: {
        "applicant": (f"uzgen2018@{DOMAIN}", "Абдимиталип Мамытов", "ru"),
        "answers": _uzgen,
        "documents": ("council_resolution", "budget_publication", "hearing_minutes"),
        "scores": {"community_priority": 16, "relevance": 11, "feasibility": 11,
                   "budget": 10, "cofinancing": 6, "sustainability": 7, "transparency": 7},
        "comment": "Вторая проблема по итогам слушаний; содержание предусмотрено.",
    },
    KYZYL_SUU[0]: {
        "answers": _kyzyl_suu_2018,
        "documents": ("council_resolution", "budget_publication", "gathering_minutes"),
        "eligible": False,
        "screening": "Ремонт школьного здания — делегированное государственное полномочие "
                     "(образование), а не вопрос местного значения.",
    },
}
