"""Demo data of pilot selection, added through ``gms_demo_data``: the open call (with one
municipality's draft) and a completed selection in Osh oblast — six letters of interest, one
found ineligible at screening, three verification visits, three members' scores, three pilots
selected and the results published, so the memoranda can be downloaded.

Municipalities are real units of the SOATE 2021 list (Osh oblast); people, figures, villages,
groups and projects are invented. Every step looks for what it would create first, so loading
twice changes nothing.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from flask_babel import force_locale
from sqlalchemy import select

from gms.demo import DOMAIN, KYZYL_SUU, PASSWORD, Demo
from gms.evaluation.models import Assignment
from gms.extensions import db
from gms.models import User

OPEN_CALL = "Selection of pilot municipalities (demo)"
DONE_CALL = "Selection of pilot municipalities of Osh oblast: completed round (demo)"

PAPAN = "41706226842000"  # Papan aiyl aimak, Kara-Suu rayon
NOOKAT = "41706242600010"  # the town of Nookat
GULCHA = "41706207814000"  # Gulcha aiyl aimak, Alay rayon
KULATOV = "41706242813000"  # Kulatov aiyl aimak, Nookat rayon
MADY = "41706226826000"  # Mady aiyl aimak, Kara-Suu rayon

# e-mail, name, language of the applicant users this plugin adds (the core has Kyzyl-Suu's)
APPLICANTS = {
    PAPAN: (f"pilot-papan@{DOMAIN}", "Садыров Улукбек", "ru"),
    NOOKAT: (f"pilot-nookat@{DOMAIN}", "Юлдашева Дилноза", "ru"),
    GULCHA: (f"pilot-gulcha@{DOMAIN}", "Абдыкалыков Мирлан", "ky"),
    KULATOV: (f"pilot-kulatov@{DOMAIN}", "Турсунов Бахтияр", "ru"),
    MADY: (f"pilot-mady@{DOMAIN}", "Эргешова Гүлмира", "ru"),
}

DESCRIPTION = {
    "ky": "Ош облусунун айылдык аймактары жана чакан шаарлары Долбоордун пилоттук өнөктөшү "
          "болууга чакырылат. Акча берилбейт: кызматташтык тууралуу меморандум, кеңештер жана "
          "окутуулар.",
    "ru": "Айылные аймаки и малые города Ошской области приглашаются стать пилотными "
          "партнёрами проекта. Денежных грантов нет: меморандум о сотрудничестве, консультации "
          "и обучение.",
    "en": "Aiyl aimaks and small towns of Osh oblast are invited to become pilot partners. No "
          "money: a memorandum of cooperation, advice and training.",
}


def load(demo: Demo) -> None:
    """Add both calls (once); ``gms demo`` has migrated every enabled plugin's branch."""
    _completed_round(demo)
    _open_call(demo)


def _open_call(demo: Demo) -> None:
    """The open call; one municipality has started its letter of interest."""
    from gms.services import applications as apps

    today = demo.local_day(demo.now)
    call, created = demo.call("pilot_selection", {
        "title": {"ky": "Пилоттук муниципалитеттерди тандоо (демо)",
                  "ru": "Отбор пилотных муниципалитетов (демо)", "en": OPEN_CALL},
        "description": DESCRIPTION, "oblasts": ["Ошская область"],
        "opens_at": demo.at(today - timedelta(days=3), 9),
        "deadline_at": demo.at(today + timedelta(days=21), 17),
        "budget": Decimal(0), "max_awards": 12})
    if not created:
        return
    user = _applicant(KULATOV)
    application = apps.start_application(call, user, demo.now)
    answers = _kulatov(demo.local_day(call.opens_at))
    answers["title"] = "Письмо о заинтересованности Кулатовского айылного аймака (2-я попытка)"
    answers["letter"]["joint_decision_number"] = ""
    apps.save_draft(application, answers, user, demo.now)


def _completed_round(demo: Demo) -> None:
    """Closed three months ago; screened, visited, scored, decided and published."""
    from gms.evaluation import assignment as assignment_service
    from gms.evaluation import declarations, lifecycle, scoring
    from gms.services import applications as apps

    from . import visits

    staff, now = demo.staff, demo.now
    deadline = demo.at(demo.local_day(now) - timedelta(days=90), 17, 30)
    opens = demo.at(demo.local_day(deadline) - timedelta(days=30), 9)
    call, created = demo.call("pilot_selection", {
        "title": {"ky": "Ош облусунун пилоттук муниципалитеттерин тандоо (аяктаган, демо)",
                  "ru": "Отбор пилотных муниципалитетов Ошской области (завершён, демо)",
                  "en": DONE_CALL},
        "description": DESCRIPTION, "oblasts": ["Ошская область"], "opens_at": opens,
        "deadline_at": deadline, "budget": Decimal(0), "max_awards": 3})
    if not created:
        return
    opened = demo.local_day(opens)
    submitted = []
    for i, (code, spec) in enumerate(_ROUND.items()):
        user = demo.applicants.get(code) or _applicant(code)
        when = deadline - timedelta(days=10 - i, hours=3)
        answers = spec["answers"](opened)
        application = apps.start_application(call, user, when)
        apps.save_draft(application, answers, user, when)
        demo.documents(application, ("signed_letter", "joint_decision", *spec.get("extra", ())),
                       user)
        with force_locale(user.locale or "ru"):  # the checks are stored in their language
            apps.submit(application, answers, user, when + timedelta(minutes=30))
        submitted.append((application, spec))

    lifecycle.advance(call, "close", now=deadline + timedelta(minutes=1), actor_id=staff.id)
    lifecycle.advance(call, "start_screening", now=deadline + timedelta(days=1), actor_id=staff.id)
    for application, spec in submitted:
        apps.screen(application, eligible=not spec.get("ineligible"),
                    reason=spec.get("ineligible", ""), staff=staff,
                    now=deadline + timedelta(days=2))
    eligible = [(a, s) for a, s in submitted if not s.get("ineligible")]
    picked = [a.id for a, s in eligible if s.get("visit")]
    visits.pick(call, picked, demo.local_day(deadline) + timedelta(days=4), staff)
    for day, (application, spec) in enumerate((a, s) for a, s in eligible if s.get("visit")):
        visits.record(application, verifier_id=staff.id,
                      visited_on=demo.local_day(deadline) + timedelta(days=4 + day),
                      staff=staff, now=deadline + timedelta(days=8), **spec["visit"])

    lifecycle.advance(call, "start_evaluation", now=deadline + timedelta(days=9), actor_id=staff.id)
    for application, _spec in eligible:
        assignment_service.assign(application, [m.id for m in demo.members], staff)
    for n, (application, spec) in enumerate(eligible):
        for k, assignment in enumerate(db.session.scalars(
                select(Assignment).where(Assignment.application_id == application.id)
                .order_by(Assignment.reviewer_id))):
            # each member first declares no conflict of interest, then scores
            declarations.declare(assignment, conflict=False, reason="",
                               now=deadline + timedelta(days=11, hours=k))
            scores, comments = _review(spec["scores"], k)
            errors = scoring.save_review(
                assignment, scores, comments, spec["comment"], submit=True,
                now=deadline + timedelta(days=12 + n, hours=k))
            if errors:
                raise RuntimeError(f"demo review rejected: {errors}")
    lifecycle.advance(call, "decide", now=deadline + timedelta(days=17), actor_id=staff.id)
    lifecycle.advance(call, "publish", now=deadline + timedelta(days=18), actor_id=staff.id)


def _applicant(code: str) -> User:
    from gms.services import accounts, memberships

    email, name, locale = APPLICANTS[code]
    user = accounts.find_user(email)
    if user is None:
        user = accounts.register(
            email=email, name=name, password=PASSWORD, org_kind="municipality", org_name="",
            territory_code=code, locale=locale)
        memberships.vouch(user, by="demo")  # confirmed and admitted: no e-mailed links
    return user


def _review(base: dict, member: int) -> tuple[dict, dict]:
    """One member's scores: the base profile, one criterion moved by the member's view."""
    scores = {key: (None if value is None else Decimal(value)) for key, value in base.items()}
    moved = ("joint_activity", "civic_groups", "budget_openness")[member % 3]
    scores[moved] = min(max(scores[moved] + (member - 1), Decimal(0)), Decimal(5))
    comments = {key: "Сведения неполные, см. общий комментарий." for key, value in
                scores.items() if value is not None and value < 2}
    return scores, comments


# ------------------------------------------------------------------------------ content


def _plan(activity, kind, timing, responsible):
    return {"activity": activity, "kind": kind, "timing": timing, "responsible": responsible}


def _village(name, km, population):
    return {"name": name, "distance_km": str(km), "population": population}


def _people(ethnicity, population):
    return {"ethnicity": ethnicity, "population": population}


def _activity(kind, title, initiator, citizens, results, help_needed=""):
    return {"kind": kind, "title": title, "initiator": initiator, "citizens": citizens,
            "results": results, "help_needed": help_needed}


def _group(name, leader, kind, audience, activities, cooperation):
    return {"name": name, "leader": leader, "kind": kind, "audience": audience,
            "activities": activities, "cooperation": cooperation}


def _donor(donor, project, citizens, results, status, contact=""):
    return {"donor": donor, "project": project, "citizens": citizens, "results": results,
            "status": status, "contact": contact}


def _letter(opened: date, **values) -> dict:
    base = {"head_title": "aiyl_okmotu", "declaration_cooperation": True,
            "declaration_action_plan": True, "declaration_open_governance": True,
            "joint_decision_date": (opened + timedelta(days=12)).isoformat(),
            "letter_date": (opened + timedelta(days=14)).isoformat()}
    return {**base, **values}


def _general(**values) -> dict:
    base = {"website": "", "land_notes": "", "municipal_land_ha": None,
            "procurement_specialist": "yes", "procurement_specialist_name": "",
            "procurement_specialist_position": ""}
    return {**base, **values}


def _head(**values) -> dict:
    base = {"q2_interaction_rating": "", "q7_exchange": "no", "q7_exchange_details": ""}
    return {**base, **values}


def _kyzyl_suu(opened: date) -> dict:
    return {
        "title": "Кызыл-Суу айылдык аймагынын кызыгуу каты",
        "letter": _letter(
            opened, municipality_name="Кызыл-Суу айылдык аймагы",
            municipality_location="Кара-Суу району, Ош облусу",
            head_name="Маматов Алмазбек Турсунбаевич",
            council_chair_name="Маматова Жыпар Абдылдаевна", joint_decision_number="14/2",
            contact_mobile="+996 770 41 22 18", contact_phone_fax="(03232) 4 30 17",
            postal_address="723100, Ош облусу, Кара-Суу району, Кызыл-Суу айылы, "
                           "Ленин көчөсү 12"),
        "action_plan": [
            _plan("Бюджеттик комиссиянын депутаттары жана АӨ адистери үчүн бюджеттик процесс "
                  "боюнча тренинг", "trainings", "Апрель–май", "АӨнүн финансы бөлүмү"),
            _plan("Жергиликтүү бюджеттин долбоору боюнча коомдук угуулар жана жарандык бюджет",
                  "budget_disclosure", "Октябрь–ноябрь", "Айыл өкмөтүнүн башчысы, кеңештин "
                  "бюджеттик комиссиясы"),
            _plan("Долбоорго бюджеттин аткарылышы жана муниципалдык менчик тууралуу "
                  "маалымат берүү", "information", "Ар чейрек сайын", "Башкы бухгалтер"),
            _plan("Ноокат шаары менен тажрыйба алмашуу сапары", "experience_exchange",
                  "Сентябрь", "Кеңештин төрагасы"),
        ],
        "general": _general(
            email="kyzylsuu.ao@mail.kg", website="kyzyl-suu.kg", area_ha="12450",
            land_agricultural_ha="9800", land_pastures_ha="6100",
            land_non_agricultural_ha="2650",
            municipal_property="Маданият үйү, 2 бала бакча, ичүүчү суу түйүнү (18 км), "
                               "базар, 3 спорт аянтчасы",
            municipal_land_ha="420", own_revenue_kgs="14250000",
            equalisation_grant_kgs="3100000", distance_rayon_km="18", distance_oblast_km="32",
            distance_capital_km="640", villages_count=3, population_total=21480,
            population_women=10950, population_men=10530,
            procurement_specialist_name="Токтосунова Айзада",
            procurement_specialist_position="мамлекеттик сатып алуулар боюнча адис"),
        "villages": [_village("Кызыл-Суу", 0, 11200), _village("Ак-Терек", 6, 6180),
                     _village("Жаңы-Турмуш", 11, 4100)],
        "ethnic_groups": [_people("кыргыздар", 15620), _people("өзбектер", 5480),
                          _people("башкалар", 380)],
        "head": _head(
            q1_council_rating="4", q1_explanation="Депутаттар сессияларга үзгүлтүксүз "
            "катышат, бюджеттик комиссия жылына төрт жолу отурум өткөрөт.",
            q2_interaction_rating="4", q2_explanation="Бюджеттин долбоору кеңеш менен "
            "биргелешип даярдалат; айрым маселелерде пикир келишпестик болот.",
            q3_deputies_rating="4", q4_village_head_rating="5", q5_population_rating="4",
            urgent_problems=["Ичүүчү суунун жетишсиздиги", "Мектептин ашыкча толуусу",
                             "Ички жолдордун начар абалы", "Көчө жарыгынын жоктугу",
                             "Жаштардын жумушсуздугу"],
            q7_exchange="yes", q7_exchange_details="2024-жылы Араван районунун Нурабад "
            "айылдык аймагына барып, жарандык бюджет боюнча тажрыйба алмаштык."),
        "head_newly_appointed": False,
        "joint_activities": [
            _activity("past", "Ак-Терек айылында суу түтүгүн оңдоо (ашар)", "Айыл өкмөтү, "
                      "жамааттык суу колдонуучулар бирикмеси", 140,
                      "2,4 км түтүк алмаштырылды; 310 үй бүлө таза сууга жетти; 180 000 сом"),
            _activity("past", "Мектептин короосуна бак отургузуу", "Жаштар комитети", 65,
                      "450 түп бак; 1,2 га аянт"),
            _activity("past", "Бюджет боюнча коомдук угуу", "Жергиликтүү кеңеш", 96,
                      "14 сунуш бюджетке киргизилди"),
        ],
        "civic_groups": [
            _group("«Ак-Терек» суу колдонуучулар бирикмеси", "Абдыкеримов Т., 0770 12 34 56",
                   "formal", "Фермерлер, 620 үй бүлө", "Сугат суусун бөлүштүрүү, арыктарды "
                   "тазалоо", "Ашарлар, бюджеттик угууларга катышуу"),
            _group("Аялдар кеңеши", "Сейитова Г., 0555 98 76 54", "informal",
                   "Айылдын аялдары", "Үй-бүлөлүк зомбулукка каршы иш, майрамдар",
                   "Кеңештин социалдык комиссиясы менен чогуу"),
            _group("Жаштар комитети", "Исаков Б., 0700 11 22 33", "informal", "Жаштар",
                   "Спорт, бак отургузуу", "АӨ ишемби күнкү ашарларды чогуу уюштурат"),
        ],
        "donor_projects": [
            _donor("ARIS", "Айылдарды өнүктүрүү долбоору: суу түйүнү", 2100,
                   "Суу түйүнү курулду; 18 км түтүк", "completed", "Бакиров Н., 0312 62 01 02"),
            _donor("UNICEF", "Бала бакчага даярдык топтору", 120, "2 топ ачылды", "ongoing"),
        ],
    }


def _papan(opened: date) -> dict:
    return {
        "title": "Письмо о заинтересованности Папанского айылного аймака",
        "letter": _letter(
            opened, municipality_name="Папанский айылный аймак",
            municipality_location="Кара-Сууский район, Ошская область",
            head_name="Садыров Улукбек Маратович",
            council_chair_name="Жолдошев Канат Айбекович", joint_decision_number="7",
            contact_mobile="+996 555 30 41 52", contact_phone_fax="(03232) 5 11 40",
            postal_address="723115, Ошская обл., Кара-Сууский р-н, с. Папан, ул. Мира 3"),
        "action_plan": [
            _plan("Обучение депутатов и специалистов АО планированию бюджета", "trainings",
                  "II квартал", "Ответственный секретарь АО"),
            _plan("Публикация бюджета на доске объявлений и в WhatsApp-группах сёл",
                  "budget_disclosure", "Ежеквартально", "Главный бухгалтер"),
            _plan("Участие в республиканском форуме МСУ", "republican_events", "Ноябрь",
                  "Глава АО"),
        ],
        "general": _general(
            email="papan.ao@gmail.com", area_ha="8900", land_agricultural_ha="6400",
            land_pastures_ha="3900", land_non_agricultural_ha="2500",
            municipal_property="Дом культуры, водопровод 11 км, здание АО, баня",
            own_revenue_kgs="6800000", equalisation_grant_kgs="4200000",
            distance_rayon_km="35", distance_oblast_km="45", distance_capital_km="655",
            villages_count=2, population_total=9870, population_women=5010,
            population_men=4860, procurement_specialist_name="Мамытова Асель",
            procurement_specialist_position="специалист по госзакупкам"),
        "villages": [_village("Папан", 0, 6420), _village("Катта-Талдык", 8, 3450)],
        "ethnic_groups": [_people("кыргызы", 9410), _people("узбеки", 460)],
        "head": _head(
            q1_council_rating="3", q1_explanation="Половина депутатов активна, остальные "
            "редко бывают на сессиях.", q2_explanation="Совместные заседания проходят раз в "
            "квартал, решения по бюджету согласуются.", q3_deputies_rating="3",
            q4_village_head_rating="4", q5_population_rating="4",
            urgent_problems=["Питьевая вода в с. Катта-Талдык", "Ремонт школы",
                             "Вывоз мусора", "", ""]),
        "head_newly_appointed": False,
        "joint_activities": [
            _activity("past", "Очистка оросительного канала (ашар)", "АО и фермеры", 210,
                      "7 км канала очищено"),
            _activity("past", "Сход по вывозу мусора", "Кенеш", 85,
                      "Утверждён тариф, 2 контейнерные площадки"),
        ],
        "civic_groups": [
            _group("Общественное объединение «Папан-Суу»", "Алимов Р., 0777 45 67 89",
                   "formal", "Водопользователи", "Содержание водопровода",
                   "Договор с АО на обслуживание"),
            _group("Совет аксакалов", "Ташиев М.", "informal", "Жители сёл",
                   "Разрешение споров, сходы", "Участвует в сессиях кенеша"),
        ],
        "donor_projects": [
            _donor("Mercy Corps", "Управление пастбищами", 300, "Пастбищный план на 5 лет",
                   "completed"),
        ],
    }


def _nookat(opened: date) -> dict:
    return {
        "title": "Письмо о заинтересованности города Ноокат",
        "letter": _letter(
            opened, municipality_name="город Ноокат", head_title="mayor",
            municipality_location="Ноокатский район, Ошская область",
            head_name="Юлдашева Дилноза Рахимовна",
            council_chair_name="Абдуллаев Шерзод Хамидович", joint_decision_number="22-3",
            contact_mobile="+996 778 20 19 18", contact_phone_fax="(03230) 5 02 11",
            postal_address="723400, г. Ноокат, ул. Ленина 40, мэрия"),
        "action_plan": [
            _plan("Общественные слушания по бюджету города с онлайн-трансляцией",
                  "budget_disclosure", "Октябрь", "Финансовый отдел мэрии"),
            _plan("Обучение депутатов городского кенеша мониторингу бюджета", "trainings",
                  "Май", "Председатель кенеша"),
            _plan("Передача проекту данных об исполнении бюджета и муниципальной "
                  "собственности", "information", "Ежеквартально", "Мэрия"),
        ],
        "general": _general(
            email="nookat.meria@mail.kg", website="nookat.kg", area_ha="2300",
            land_agricultural_ha="900", land_pastures_ha="150",
            land_non_agricultural_ha="1400",
            municipal_property="Рынок, автостанция, 3 детских сада, водоканал",
            own_revenue_kgs="38500000", equalisation_grant_kgs="0",
            distance_rayon_km="0", distance_oblast_km="42", distance_capital_km="660",
            villages_count=1, population_total=17600, population_women=9020,
            population_men=8580, procurement_specialist_name="Каримов Азамат",
            procurement_specialist_position="ведущий специалист по закупкам"),
        "villages": [_village("Ноокат", 0, 17600)],
        "ethnic_groups": [_people("узбеки", 9800), _people("кыргызы", 7500),
                          _people("другие", 300)],
        "head": _head(
            q1_council_rating="4", q1_explanation="Кенеш работает по плану, комиссии "
            "активны.", q2_interaction_rating="4", q2_explanation="Бюджет готовится вместе "
            "с бюджетной комиссией кенеша.", q3_deputies_rating="4",
            q4_village_head_rating="3", q5_population_rating="3",
            urgent_problems=["Канализация", "Пробки у рынка", "Освещение улиц",
                             "Детские сады", "Вывоз мусора"]),
        "head_newly_appointed": False,
        "joint_activities": [
            _activity("past", "Ремонт улицы Навои силами жителей и мэрии", "Мэрия, квартальный "
                      "комитет", 120, "1,1 км дороги; 400 000 сом из бюджета, 150 000 сом "
                      "жителей"),
        ],
        "civic_groups": [
            _group("Квартальные комитеты (12)", "Председатели кварталов", "informal",
                   "Жители кварталов", "Сходы, санитарные дни", "Участвуют в слушаниях"),
            _group("ОО «Ноокат-Инициатива»", "Хасанова З., 0778 11 00 22", "formal",
                   "Женщины и молодёжь", "Тренинги, мониторинг", "Мониторинг закупок"),
        ],
        "donor_projects": [],
    }


def _gulcha(opened: date) -> dict:
    return {
        "title": "Гүлчө айылдык аймагынын кызыгуу каты",
        "letter": _letter(
            opened, municipality_name="Гүлчө айылдык аймагы",
            municipality_location="Алай району, Ош облусу",
            head_name="Абдыкалыков Мирлан Советович",
            council_chair_name="Орозбаева Нургүл Токтобековна", joint_decision_number="3",
            contact_mobile="+996 700 55 66 77", contact_phone_fax="(03234) 2 10 05",
            postal_address="723300, Ош облусу, Алай району, Гүлчө айылы, Борбордук көчө 1"),
        "action_plan": [
            _plan("Жамааттын артыкчылыктуу көйгөйлөрүн биргелешип аныктоо (ЖМБА)",
                  "trainings", "Май–июнь", "Айыл өкмөтүнүн башчысы"),
            _plan("Бюджет тууралуу маалымат тактасын орнотуу", "budget_disclosure", "Июль",
                  "Айыл өкмөтүнүн аппараты"),
        ],
        "general": _general(
            email="gulcha.ao@mail.kg", area_ha="31500", land_agricultural_ha="27000",
            land_pastures_ha="24800", land_non_agricultural_ha="4500",
            municipal_property="Маданият үйү, сууну тазалоочу курулма, мал базар",
            own_revenue_kgs="5200000", equalisation_grant_kgs="6900000",
            distance_rayon_km="52", distance_oblast_km="80", distance_capital_km="700",
            villages_count=2, population_total=13400, population_women=6750,
            population_men=6650, procurement_specialist="no"),
        "villages": [_village("Гүлчө", 0, 10100), _village("Кара-Шыбак", 14, 3300)],
        "ethnic_groups": [_people("кыргыздар", 13350), _people("башкалар", 50)],
        "head": _head(
            q1_council_rating="3", q1_explanation="Кеңеш жаңы шайланды, депутаттардын "
            "тажрыйбасы аз.", q2_explanation="Кызматташуу жаңы башталды.",
            q3_deputies_rating="3", q4_village_head_rating="3", q5_population_rating="4",
            urgent_problems=["Кыштакка жол", "Ичүүчү суу", "Мектептин жылуулугу", "", ""]),
        "head_newly_appointed": True,
        "joint_activities": [
            _activity("idea", "Кара-Шыбак айылына суу түтүгү: тургундар эмгек менен, АӨ "
                      "материал менен катышат", "Айыл өкмөтү", 300,
                      "3 300 тургун таза сууга жетет (күтүлгөн натыйжа)",
                      "Долбоордун сметасын түзүү жана тургундардын чогулушун уюштуруу боюнча "
                      "кеңеш"),
        ],
        "civic_groups": [
            _group("Мал чарбачылар бирикмеси", "Ташбаев А., 0772 33 44 55", "formal",
                   "Малчылар", "Жайыттарды пайдалануу", "Жайыт комитети аркылуу"),
        ],
        "donor_projects": [
            _donor("GIZ", "Жайыт комитеттерин колдоо", 450, "Жайыт планы", "completed"),
        ],
    }


def _kulatov(opened: date) -> dict:
    return {
        "title": "Письмо о заинтересованности Кулатовского айылного аймака",
        "letter": _letter(
            opened, municipality_name="Кулатовский айылный аймак",
            municipality_location="Ноокатский район, Ошская область",
            head_name="Турсунов Бахтияр Алишерович",
            council_chair_name="Эшматов Рустам Каримович", joint_decision_number="11",
            contact_mobile="+996 559 00 11 22", contact_phone_fax="(03230) 3 12 00",
            postal_address="723412, Ноокатский р-н, с. Кулатов, ул. Центральная 5"),
        "action_plan": [
            _plan("Участие депутатов в тренингах проекта", "trainings", "По графику проекта",
                  "Председатель кенеша"),
        ],
        "general": _general(
            email="kulatov.ao@mail.kg", area_ha="6100", land_agricultural_ha="4300",
            land_pastures_ha="1200", land_non_agricultural_ha="1800",
            municipal_property="Здание АО, водопровод 6 км", own_revenue_kgs="4100000",
            equalisation_grant_kgs="3800000", distance_rayon_km="12", distance_oblast_km="50",
            distance_capital_km="665", villages_count=2, population_total=8700,
            population_women=4400, population_men=4300, procurement_specialist="no"),
        "villages": [_village("Кулатов", 0, 5200), _village("Кара-Булак", 5, 3500)],
        "ethnic_groups": [_people("узбеки", 6100), _people("кыргызы", 2600)],
        "head": _head(
            q1_council_rating="3", q1_explanation="Депутаты мало участвуют в жизни сёл.",
            q2_explanation="Взаимодействие формальное.", q3_deputies_rating="2",
            q4_village_head_rating="3", q5_population_rating="3",
            urgent_problems=["Дороги", "Вода", "Мусор", "Школа", "Медпункт"]),
        "head_newly_appointed": False,
        "joint_activities": [
            _activity("past", "Субботник по уборке села", "АО", 60, "Убрано 3 км улиц"),
        ],
        "civic_groups": [
            _group("Махалля-комитет", "Юсупов Ж.", "informal", "Жители махалли",
                   "Сходы", "Участвует в сходах АО"),
        ],
        "donor_projects": [],
    }


def _mady(opened: date) -> dict:
    answers = _kulatov(opened)
    answers.update({
        "title": "Письмо о заинтересованности Мадыйского айылного аймака",
        "letter": _letter(
            opened, municipality_name="Мадыйский айылный аймак",
            municipality_location="Кара-Сууский район, Ошская область",
            head_name="Эргешова Гүлмира Садыковна", council_chair_name="Бекмурзаев Т. А.",
            joint_decision_number="5", contact_mobile="+996 777 12 12 12",
            contact_phone_fax="(03232) 6 00 10",
            postal_address="723120, Кара-Сууский р-н, с. Мады, ул. Айтматова 2"),
    })
    return answers


_CHECKED = {code: {"answer": "yes", "notes": ""} for code in (
    "joint_decision_seen", "leaders_met", "general_information", "activities_confirmed",
    "groups_confirmed", "donor_projects_confirmed", "budget_information_open",
    "procurement_specialist", "council_active")}

# per municipality: answers, extra documents, screening, visit, base scores, comment
_ROUND = {
    KYZYL_SUU[0]: {
        "answers": _kyzyl_suu, "extra": ("activity_evidence", "budget_information"),
        "visit": {"checklist": _CHECKED, "conclusion": "confirmed",
                  "findings": "Биргелешкен чечимдин түп нускасы көрүлдү; башчы жана кеңештин "
                              "төрагасы менен жолугушту. Ак-Терек айылындагы суу түтүгү "
                              "текшерилди, бюджет маалымат тактасында илинген."},
        "scores": {"commitment": 5, "joint_activity": 4, "civic_groups": 4,
                   "budget_openness": 4, "visit_findings": 5},
        "comment": "Күчтүү биргелешкен план, сапар маалыматты тастыктады."},
    PAPAN: {
        "answers": _papan,
        "visit": {"checklist": {**_CHECKED, "donor_projects_confirmed": {
                      "answer": "no", "notes": "Документов по проекту Mercy Corps нет"},
                      "council_active": {"answer": "no",
                                         "notes": "Две сессии за полгода"}},
                  "conclusion": "partly",
                  "findings": "Совместное решение и канал подтверждены; по донорскому "
                              "проекту документов не предъявлено, кенеш собирается редко."},
        "scores": {"commitment": 4, "joint_activity": 4, "civic_groups": 3,
                   "budget_openness": 4, "visit_findings": 3},
        "comment": "Хорошая практика ашаров; кенешу нужна поддержка."},
    NOOKAT: {
        "answers": _nookat, "extra": ("budget_information",),
        "scores": {"commitment": 4, "joint_activity": 3, "civic_groups": 4,
                   "budget_openness": 3, "visit_findings": None},
        "comment": "Город с активными квартальными комитетами; визита не было."},
    GULCHA: {
        "answers": _gulcha,
        "visit": {"checklist": {**_CHECKED, "activities_confirmed": {
                      "answer": "", "notes": "Жаңы башчы: идея гана"},
                      "procurement_specialist": {"answer": "no", "notes": ""}},
                  "conclusion": "confirmed",
                  "findings": "Жаңы дайындалган башчы; идея тургундар менен талкууланган, "
                              "Кара-Шыбакта суу маселеси чындап курч."},
        "scores": {"commitment": 4, "joint_activity": 3, "civic_groups": 2,
                   "budget_openness": 3, "visit_findings": 4},
        "comment": "Идея ишенимдүү, бирок жарандык топтор аз."},
    KULATOV: {
        "answers": _kulatov,
        "scores": {"commitment": 3, "joint_activity": 3, "civic_groups": 3,
                   "budget_openness": 2, "visit_findings": None},
        "comment": "План действий слишком общий."},
    MADY: {
        "answers": _mady,
        "ineligible": "Совместное решение подписано только главой АО: кенеш его не "
                      "принимал (копия протокола сессии не содержит вопроса).",
        "scores": {}, "comment": ""},
}
