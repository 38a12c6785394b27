"""Demo data of both variants, added through ``gms_demo_data``; loading twice changes nothing.

* The contest: the open call (its English title is kept from the preview) with two
  nominations, and last year's contest, published, with diplomas and certificates.
* Ak-Tal aiyl aimak (At-Bashy rayon, Naryn oblast; SOATE 41704220808000) runs its own calls
  under its local regulation, with its own staff member and commission: one open, one
  published with a partially financed initiative.

Municipality names are real units of the SOATE 2021 list; people, groups, initiatives,
figures and the resolution number are invented for the demo.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from gms.demo import AK_TAL, BOROLDOI, DOMAIN, KYZYL_SUU, ONBIR_JYLGA, Demo
from gms.evaluation.models import Assignment
from gms.extensions import db
from gms.models import Competition, Organisation, Territory, User

from .competition import CONTEST_KEY, MUNICIPAL_KEY

OPEN_CONTEST = "Local initiative contest (demo)"
PAST_CONTEST = "Local initiative contest 2025 (demo)"
OPEN_MUNICIPAL = "Ak-Tal aiyl aimak: local initiatives 2026 (demo)"
PAST_MUNICIPAL = "Ak-Tal aiyl aimak: local initiatives 2025 (demo)"
REGULATION = "Ак-Тал айылдык кеңешинин 2019-жылдын 20-декабрындагы №41 токтому"


def load(demo: Demo) -> None:
    """Add the contest calls, then Ak-Tal's people and calls (each once)."""
    _open_contest(demo)
    _past_contest(demo, _contest_entrants(demo))
    ak_tal = _ak_tal_people(demo)
    _open_municipal(demo, ak_tal)
    _past_municipal(demo, ak_tal)


# ------------------------------------------------------------------------------ helpers


def _organisation(kind: str, name: str, code: str | None) -> Organisation:
    """A demo NGO or initiative group (created once), registered in SOATE unit ``code``."""
    org = db.session.scalar(select(Organisation).where(Organisation.kind == kind,
                                                       Organisation.name == name))
    if org is None:
        t = db.session.get(Territory, code) if code else None
        org = Organisation(kind=kind, name=name, territory_code=t.soate_code if t else None,
                           oblast=t.oblast if t else None)
        db.session.add(org)
        db.session.commit()
    return org


def _applicant(demo: Demo, email: str, name: str, locale: str, kind: str, org_name: str,
               code: str | None) -> User:
    org = _organisation(kind, org_name, code)
    return demo.user("applicant", f"{email}@{DOMAIN}", name, locale, organisation_id=org.id)


def _submit(call: Competition, user: User, answers: dict, documents, demo: Demo, when):
    from gms.services import applications as apps

    application = apps.start_application(call, user, when)
    apps.save_draft(application, answers, user, when)
    demo.documents(application, documents, user)
    apps.submit(application, answers, user, when + timedelta(minutes=15))
    return application


def _decide(call: Competition, staff: User, members: list[User], entries, scores_of,
            comment_of, at) -> None:
    """Close, screen, assign, score, decide and publish a call, as its staff would."""
    from gms.evaluation import assignment as assignment_service
    from gms.evaluation import declarations, lifecycle, scoring
    from gms.services import applications as apps
    from gms.services import contract

    lifecycle.advance(call, "close", now=call.deadline_at + timedelta(minutes=1), actor_id=staff.id)
    lifecycle.advance(call, "start_screening", now=at(1), actor_id=staff.id)
    for application in entries:
        apps.screen(application, eligible=True, reason="", staff=staff, now=at(2))
    lifecycle.advance(call, "start_evaluation", now=at(4), actor_id=staff.id)
    for application in entries:
        _clear_detected_conflicts(application, members, staff, at(4))
        assignment_service.assign(application, [m.id for m in members], staff)
    sheet = contract.sheet_for(call)
    for n, application in enumerate(entries):
        for k, assignment in enumerate(db.session.scalars(
                select(Assignment).where(Assignment.application_id == application.id)
                .order_by(Assignment.reviewer_id))):
            # each member first declares no conflict of interest, then scores
            declarations.declare(assignment, conflict=False, reason="", now=at(5))
            scores = _spread(sheet, scores_of(n), member=k)
            errors = scoring.save_review(assignment, scores, {}, comment_of(n),
                                            submit=True, now=at(6 + n))
            if errors:
                raise RuntimeError(f"demo review rejected: {errors}")
    lifecycle.advance(call, "decide", now=at(12), actor_id=staff.id)
    lifecycle.advance(call, "publish", now=at(14), actor_id=staff.id)


def _spread(sheet, base, member: int) -> dict:
    """One member's scores: the base profile, one step lower (first member) or higher
    (third member) on every second criterion, kept on the scale."""
    scores = {}
    for i, (criterion, value) in enumerate(zip(sheet.criteria, base, strict=True)):
        step = Decimal(str(criterion.scale.step)) if i % 2 else Decimal(0)
        moved = Decimal(str(value)) + (member - 1) * step
        scores[criterion.key] = min(max(moved, Decimal(str(criterion.scale.min))),
                                    Decimal(str(criterion.scale.max)))
    return scores


def _clear_detected_conflicts(application, members, staff, now) -> None:
    """A municipality's commission sits in the municipality it serves, which the core's
    conflict detection flags ("same municipality"); its staff record why that is expected."""
    try:
        from gms.evaluation import conflicts
    except ImportError:  # a core without conflict detection
        return
    for hint in conflicts.detect([application], [m.id for m in members]):
        db.session.refresh(staff)  # loaded before the override adds its row (autoflush)
        conflicts.override(application, hint.user_id, _OVERRIDE_REASON, staff, now)


_OVERRIDE_REASON = ("Комиссия айыл аймагынын жашоочуларынан түзүлөт: жергиликтүү демилгелерди "
                    "тандоо жөнүндө жобо боюнча өз аймагынын демилгелерин баалайт.")


# ------------------------------------------------------------------------------ contest


def _open_contest(demo: Demo) -> None:
    today = demo.local_day(demo.now)
    call, created = demo.call(CONTEST_KEY, {
        "title": {"ky": "«Жергиликтүү демилге» сынагы (демо)",
                  "ru": "Конкурс «Местная инициатива» (демо)", "en": OPEN_CONTEST},
        "description": _CONTEST_DESCRIPTION,
        "oblasts": list(demo.oblasts), "opens_at": demo.at(today - timedelta(days=3), 9),
        "deadline_at": demo.at(today + timedelta(days=28), 17),
        "budget": Decimal(500000),
        "settings": {"place_ratio": "100:80:70", "nominations": _NOMINATIONS}})
    if not created:
        return
    from gms.services import applications as apps

    user = demo.applicants[KYZYL_SUU[0]]
    draft = apps.start_application(call, user, demo.now)
    answers = _entry_kyzyl_suu_school(today)
    apps.save_draft(draft, answers, user, demo.now)


def _contest_entrants(demo: Demo) -> dict[str, User]:
    """The NGO and initiative groups (one of them a single leader) entering the contest."""
    return {
        "kindergarten": _applicant(demo, "kindergarten.kyzyl-suu", "Гүлзада Абдыкалыкова",
                                   "ky", "initiative_group",
                                   "Гүлзада Абдыкалыкова (балдар бакчасынын башчысы)",
                                   KYZYL_SUU[0]),
        "kemin": _applicant(demo, "green.kemin", "Марат Сыдыков", "ru", "ngo",
                            "ОО «Зелёный Кемин»", BOROLDOI[0]),
        "water": _applicant(demo, "water.onbir-jylga", "Айбек Касымов", "ru",
                            "initiative_group",
                            "Инициативная группа «Таза суу» села Онбир-Джылга",
                            ONBIR_JYLGA[0]),
    }


def _past_contest(demo: Demo, entrants: dict[str, User]) -> None:
    """Last year's contest: five entries, three places (120,000 / 96,000 / 84,000 KGS of a
    300,000 KGS fund) and two finalists; published, so diplomas and certificates exist."""
    today = demo.local_day(demo.now)
    deadline = demo.at(today - timedelta(days=120), 17)
    opens = demo.at(demo.local_day(deadline) - timedelta(days=60), 9)
    call, created = demo.call(CONTEST_KEY, {
        "title": {"ky": "«Жергиликтүү демилге» сынагы 2025 (демо)",
                  "ru": "Конкурс «Местная инициатива» 2025 (демо)", "en": PAST_CONTEST},
        "description": _CONTEST_DESCRIPTION, "oblasts": list(demo.oblasts),
        "opens_at": opens, "deadline_at": deadline, "budget": Decimal(300000),
        "settings": {"place_ratio": "100:80:70"}})
    if not created:
        return
    started = demo.local_day(opens) - timedelta(days=300)
    people = [
        (entrants["kindergarten"], _entry_kindergarten(started), ("photos", "support_letters")),
        (demo.applicants[AK_TAL[0]], _entry_ak_tal_lighting(started),
         ("photos", "support_letters", "publications")),
        (entrants["kemin"], _entry_kemin_trees(started), ("photos",)),
        (demo.applicants[BOROLDOI[0]], _entry_boroldoi_hearings(started), ("photos",)),
        (entrants["water"], _entry_onbir_jylga_water(started), ()),
    ]
    entries = [_submit(call, user, answers, documents, demo,
                       opens + timedelta(days=10 + 5 * i))
               for i, (user, answers, documents) in enumerate(people)]
    base = [(9, 9, 8.5, 9, 8.5), (8.5, 8, 9, 8.5, 8), (8, 8.5, 7, 8, 8), (7, 7.5, 8, 6, 7),
            (7, 7, 6, 6.5, 6)]
    comments = ["Яркий пример: один человек объединил родителей и айыл окмоту.",
                "Жарык үчүн тургундар жана айыл өкмөтү чогуу салым кошушту.",
                "Много жителей, измеримые результаты; партнёрство с АО слабее.",
                "Хорошая практика слушаний, но результаты пока скромные.",
                "Полезная инициатива; нужно больше доказательств результатов."]
    _decide(call, demo.staff, demo.members, entries, lambda n: base[n], lambda n: comments[n],
            lambda d: deadline + timedelta(days=d))


# ---------------------------------------------------------------------------- municipal


def _ak_tal_people(demo: Demo) -> dict:
    """Ak-Tal's staff member and commission (a council deputy among them), and the
    residents' groups that apply to its calls."""
    org_id = demo.applicants[AK_TAL[0]].organisation_id
    staff = demo.user("staff", f"ak-tal.staff@{DOMAIN}", "Нурбек Осмонов", "ky",
                      organisation_id=org_id)
    members = [demo.user("commission", f"ak-tal.commission{i}@{DOMAIN}", name, "ky",
                         organisation_id=org_id)
               for i, name in enumerate(("Бермет Жумалиева", "Канат Мамбетов",
                                         "Асель Токтосунова"), start=1)]
    code = AK_TAL[0]
    groups = {
        "youth": _applicant(demo, "ak-tal.youth", "Эрлан Токтобаев", "ky", "initiative_group",
                            "Ак-Тал жаштарынын демилге тобу", code),
        "women": _applicant(demo, "ak-tal.women", "Айнура Бекова", "ky", "ngo",
                            "«Ак-Тал аялдары» коомдук бирикмеси", code),
        "parents": _applicant(demo, "ak-tal.parents", "Чолпон Садыкова", "ky",
                              "initiative_group", "Ак-Тал мектебинин ата-энелер тобу", code),
        # registered without a municipality: the rules warn, the organiser checks
        "elders": _applicant(demo, "ak-tal.elders", "Токтосун Асанов", "ky",
                             "initiative_group", "Ак-Тал аксакалдар кеңеши", None),
    }
    return {"org_id": org_id, "staff": staff, "members": members, "groups": groups}


def _municipal_call(demo: Demo, ak_tal: dict, values: dict) -> tuple[Competition, bool]:
    """Ak-Tal's call titled ``values["title"]["en"]``: created by its own staff (so the
    municipality is the organiser) and opened, once."""
    from gms.evaluation import lifecycle
    from gms.services import calls

    for call in db.session.scalars(select(Competition).where(
            Competition.type_key == MUNICIPAL_KEY).order_by(Competition.id)):
        if (call.title or {}).get("en") == values["title"]["en"]:
            return call, False
    staff = ak_tal["staff"]
    call = calls.create_call(MUNICIPAL_KEY, {
        "description": _MUNICIPAL_DESCRIPTION, "max_awards": None, "max_grant": None,
        # the territory is the organiser's (a rule of the type), not a list of oblasts
        "oblasts": [], "organiser_id": ak_tal["org_id"], **values},
        actor_id=staff.id)
    lifecycle.advance(call, "open", now=min(demo.now, call.opens_at + timedelta(hours=1)),
                  actor_id=staff.id)
    return call, True


def _open_municipal(demo: Demo, ak_tal: dict) -> None:
    today = demo.local_day(demo.now)
    opens = demo.at(today - timedelta(days=5), 9)
    call, created = _municipal_call(demo, ak_tal, {
        "title": {"ky": "Ак-Тал айыл аймагы: жергиликтүү демилгелер 2026 (демо)",
                  "ru": "Ак-Талинский айылный аймак: местные инициативы 2026 (демо)",
                  "en": OPEN_MUNICIPAL},
        "opens_at": opens, "deadline_at": demo.at(today + timedelta(days=25), 17),
        "budget": Decimal(60000),
        "settings": {"max_per_initiative_kgs": "10000",
                     "implementation_deadline": (today + timedelta(days=120)).isoformat(),
                     "regulation": REGULATION}})
    if not created:
        return
    from gms.services import applications as apps

    user = ak_tal["groups"]["parents"]
    draft = apps.start_application(call, user, demo.now)
    apps.save_draft(draft, _initiative_school_yard(today), user, demo.now)
    demo.documents(draft, ("application_letter", "proposal"), user)


def _past_municipal(demo: Demo, ak_tal: dict) -> None:
    """Last year's call: 30,000 KGS for four initiatives of up to 10,000 KGS; three are
    financed in full and the fourth gets the remaining 2,500 KGS (partial financing)."""
    today = demo.local_day(demo.now)
    deadline = demo.at(today - timedelta(days=200), 17)
    opens = demo.at(demo.local_day(deadline) - timedelta(days=30), 9)
    call, created = _municipal_call(demo, ak_tal, {
        "title": {"ky": "Ак-Тал айыл аймагы: жергиликтүү демилгелер 2025 (демо)",
                  "ru": "Ак-Талинский айылный аймак: местные инициативы 2025 (демо)",
                  "en": PAST_MUNICIPAL},
        "opens_at": opens, "deadline_at": deadline, "budget": Decimal(30000),
        "settings": {"max_per_initiative_kgs": "10000",
                     "implementation_deadline": (demo.local_day(deadline)
                                                 + timedelta(days=90)).isoformat(),
                     "regulation": REGULATION}})
    if not created:
        return
    start = demo.local_day(deadline) + timedelta(days=20)
    groups = ak_tal["groups"]
    documents = ("application_letter", "proposal", "implementation_plan", "budget")
    specs = [
        (groups["youth"], _initiative_sports_ground(start), documents + ("photos",)),
        (groups["women"], _initiative_sewing(start), documents + ("contribution_evidence",)),
        (groups["elders"], _initiative_bridge(start), documents),
        (groups["parents"], _initiative_school_yard(start, completion=True), documents),
    ]
    entries = [_submit(call, user, answers, docs, demo, opens + timedelta(days=5 + 4 * i))
               for i, (user, answers, docs) in enumerate(specs)]
    base = [(5, 5, 4, 4, 5), (4, 5, 4, 4, 4), (4, 4, 4, 4, 3), (4, 3, 3, 4, 3)]
    comments = ["Жаштар өз эмгеги менен салым кошот.", "Аялдар үчүн пайдалуу, салым ырасталган.",
                "Көпүрө керек; сметаны тактоо зарыл.", "Ата-энелердин салымы аз."]
    _decide(call, ak_tal["staff"], ak_tal["members"], entries, lambda n: base[n],
            lambda n: comments[n], lambda d: deadline + timedelta(days=d))


# ---------------------------------------------------------------------------- content

_NOMINATIONS = ("Жамааттын эң мыкты демилгеси / Лучшая инициатива сообщества; "
                "ЖӨБ менен эң мыкты өнөктөштүк / Лучшее партнёрство с органами МСУ")

_CONTEST_DESCRIPTION = {
    "ky": "Жарандардын катышуусунун жана жамааттын ЖӨБ органдары менен кызматташуусунун эң "
          "мыкты үлгүлөрү. Жамааттын лидерлери, демилгелүү топтор, БӨУлар, ЖӨБ органдары "
          "жана муниципалдык мекемелер өз алдынча же биргелешип катыша алышат; ар бир "
          "табыштама бир гана көйгөй боюнча.",
    "ru": "Лучшие примеры участия граждан и сотрудничества сообщества с органами МСУ. "
          "Участвуют лидеры сообществ, инициативные группы, НКО, органы МСУ и муниципальные "
          "учреждения, самостоятельно или совместно; каждая заявка — об одной проблеме.",
    "en": "The best examples of citizen participation and of communities working with their "
          "LSG bodies. Community leaders, initiative groups, NGOs, LSG bodies and municipal "
          "institutions take part alone or jointly; each entry is about one problem.",
}

_MUNICIPAL_DESCRIPTION = {
    "ky": "Ак-Тал айыл өкмөтү жергиликтүү бюджеттен жашоочулардын демилгелерин тандап, "
          "каржылайт: кошумча каржылоо же аягына чыгаруу, бир демилгеге 10 000 сомго чейин. "
          "Арыз, сунуш, ишке ашыруу планы жана бюджет талап кылынат. Чечимге чейин коомдук "
          "угуу өтөт.",
    "ru": "Ак-Талинский айыл окмоту отбирает и финансирует из местного бюджета инициативы "
          "жителей: софинансирование или завершение, до 10 000 сом на инициативу. Нужны "
          "заявление, предложение, план реализации и бюджет. До решения проводятся "
          "общественные слушания.",
    "en": "Ak-Tal aiyl okmotu selects and finances residents' initiatives from the local "
          "budget: co-financing or completion, up to 10,000 KGS per initiative. An "
          "application, a proposal, an implementation plan and a budget are required. A "
          "public hearing is held before the decision.",
}


def _resource(party, kind, description, value) -> dict:
    return {"party": party, "kind": kind, "description": description, "value": str(value)}


def _entry(**values) -> dict:
    base = {"joint_entry": False, "co_applicants": [], "village": "", "finished_on": None,
            "sustainability": "", "consent_publish": True}
    return {**base, **values}


def _entry_kindergarten(started: date) -> dict:
    return _entry(
        title="Бала бакчага жай: ата-энелер менен айыл өкмөтү бирге",
        applicant_role="community_leader",
        applicant_details="Абдыкалыкова Гүлзада, «Айгөлек» балдар бакчасынын башчысы",
        contact_phone="+996 3232 5 14 22", municipality="Кызыл-Суу айыл аймагы",
        village="Кызыл-Суу", issue_area="preschool",
        problem="Айылда 120 бала бала бакчага кезекте турган, бир гана топ иштеген.",
        what_was_done="Ата-энелер бош турган имаратты ашар менен оңдоп, айыл өкмөтү жылытууну "
                      "жана жыгач эмеректи берди; экинчи жана үчүнчү топтор ачылды.",
        started_on=started.isoformat(), finished_on=(started + timedelta(days=150)).isoformat(),
        who_did_it="Бала бакчанын башчысы — уюштуруучу; 46 ата-эне — эмгек жана каражат; "
                   "айыл өкмөтү — жылытуу; айылдык кеңеш — бюджетке өзгөртүү.",
        citizens_involved=46, women_involved=31,
        lsg_cooperation="Айылдык кеңеш бюджетке 180 000 сом жылытуу үчүн киргизди; айыл "
                        "өкмөтү имаратты бала бакчага өткөрүп берди.",
        results="2 жаңы топ, 50 орун; кезек 120 баладан 70ке кыскарды; 3 тарбиячы жумушка "
                "алынды.",
        resources=[_resource("community", "labour", "Ашар: оңдоо иштери", 60000),
                   _resource("community", "cash", "Ата-энелердин акчасы", 45000),
                   _resource("lsg", "cash", "Жылытуу системасы", 180000)],
        sustainability="Бала бакча жергиликтүү бюджеттен каржыланат; ата-энелер комитети "
                       "жыл сайын оңдоого жардам берет.")


def _entry_ak_tal_lighting(started: date) -> dict:
    return _entry(
        title="Ак-Тал айылынын көчөлөрүнө жарык: ар бир үйдөн салым",
        applicant_role="lsg_body",
        applicant_details="Ак-Тал айыл өкмөтү, башчысы Токтогулов Нурлан",
        contact_phone="+996 3534 2 11 60", municipality="Ак-Тал айыл аймагы",
        village="Ак-Тал", issue_area="lighting",
        problem="Борбордук көчөлөрдө жарык жок болгондуктан кечинде балдар жана карылар "
                "коркунучта жүрүшкөн.",
        what_was_done="Коомдук угууда тургундар жарыкты биринчи орунга коюшту; ар бир үй "
                      "500 сомдон чогултту, айыл өкмөтү чырактарды сатып алды.",
        started_on=started.isoformat(), finished_on=(started + timedelta(days=90)).isoformat(),
        who_did_it="Айыл өкмөтү — сатып алуу; тургундар — акча жана орнотуу; жаштар — "
                   "мониторинг.",
        citizens_involved=310, women_involved=140,
        lsg_cooperation="Айыл өкмөтү сатып алууну уюштурду, кеңеш жарык үчүн төлөмдү "
                        "бюджетке киргизди.",
        results="48 LED чырак, 3,2 км көчө жарыктандырылды; 310 үй-бүлө 155 000 сом чогултту.",
        resources=[_resource("community", "cash", "Тургундардын салымы", 155000),
                   _resource("lsg", "cash", "Чырактар жана зым", 210000),
                   _resource("community", "labour", "Орнотуу", 30000)],
        sustainability="Электр үчүн төлөм жергиликтүү бюджетте; жаштар тобу бузулган "
                       "чырактарды билдирет.")


def _entry_kemin_trees(started: date) -> dict:
    return _entry(
        title="Зелёная аллея села Боролдой",
        applicant_role="ngo", applicant_details="ОО «Зелёный Кемин», председатель Сыдыков Марат",
        contact_phone="+996 555 31 20 44", municipality="Боролдойский айылный аймак",
        village="Боролдой", issue_area="greenery",
        problem="Вдоль центральной улицы не было деревьев, летом пыль и жара.",
        what_was_done="Жители и школьники высадили аллею, айыл окмоту провёл полив.",
        started_on=started.isoformat(), finished_on=(started + timedelta(days=60)).isoformat(),
        who_did_it="НКО — саженцы и организация; 180 жителей — посадка; АО — полив.",
        citizens_involved=180, women_involved=95,
        lsg_cooperation="Айыл окмоту выделил водовоз и включил уход за аллеей в план "
                        "благоустройства.",
        results="1 200 деревьев на 2,5 км; приживаемость 92 %.",
        resources=[_resource("applicant", "in_kind", "Саженцы", 120000),
                   _resource("community", "labour", "Посадка", 40000),
                   _resource("lsg", "in_kind", "Водовоз и полив", 25000)],
        sustainability="Уход закреплён за школой и жителями улиц; полив — план АО.")


def _entry_boroldoi_hearings(started: date) -> dict:
    return _entry(
        title="Открытые бюджетные слушания в Боролдое",
        applicant_role="lsg_body", applicant_details="Боролдойский айыл окмоту",
        contact_phone="+996 3135 5 12 34", municipality="Боролдойский айылный аймак",
        issue_area="other", joint_entry=True,
        co_applicants=[{"name": "ОО «Зелёный Кемин»", "kind": "ngo",
                        "role": "Приглашение жителей, модерация"}],
        problem="Жители не участвовали в обсуждении местного бюджета.",
        what_was_done="Проведены три слушания по проекту бюджета в трёх сёлах; принято 12 "
                      "предложений жителей.",
        started_on=started.isoformat(),
        who_did_it="АО — подготовка бюджета; НКО — приглашение и модерация.",
        citizens_involved=140, women_involved=66,
        lsg_cooperation="Кенеш рассмотрел все 12 предложений и включил 7 в бюджет.",
        results="3 слушания, 140 участников, 7 предложений на 420 000 сом в бюджете.",
        resources=[_resource("lsg", "cash", "Печать гражданского бюджета", 15000)])


def _entry_onbir_jylga_water(started: date) -> dict:
    return _entry(
        title="Очистка арыков и ремонт водоразборных колонок",
        applicant_role="initiative_group",
        applicant_details="Инициативная группа «Таза суу», 7 человек, руководитель Касымов Айбек",
        contact_phone="+996 700 44 10 21", municipality="Онбир-Джылгинский айылный аймак",
        village="Онбир-Джылга", issue_area="water",
        problem="Колонки на двух улицах не работали, жители носили воду издалека.",
        what_was_done="Группа собрала средства, отремонтировала 6 колонок и очистила арыки.",
        started_on=started.isoformat(), finished_on=(started + timedelta(days=30)).isoformat(),
        who_did_it="Инициативная группа и 60 жителей; АО выделил трубы.",
        citizens_involved=60, women_involved=22,
        lsg_cooperation="Айыл окмоту передал трубы и согласовал работы.",
        results="6 колонок, 1,5 км арыков; 85 домохозяйств с водой рядом с домом.",
        resources=[_resource("community", "cash", "Сбор жителей", 24000),
                   _resource("lsg", "in_kind", "Трубы", 18000)])


def _entry_kyzyl_suu_school(today: date) -> dict:
    answers = _entry_kindergarten(today - timedelta(days=200))
    answers.update(title="Мектептин китепканасы: китеп чогултуу акциясы",
                   applicant_role="lsg_body", applicant_details="Кызыл-Суу айыл өкмөтү",
                   issue_area="culture", results="", resources=[])
    return answers


def _line(item, unit, quantity, unit_cost, source) -> dict:
    return {"item": item, "unit": unit, "quantity": str(quantity), "unit_cost": str(unit_cost),
            "source": source}


def _step(activity, start: date, days: int, length: int, responsible) -> dict:
    return {"activity": activity, "starts_on": (start + timedelta(days=days)).isoformat(),
            "ends_on": (start + timedelta(days=days + length)).isoformat(),
            "responsible": responsible}


def _initiative(**values) -> dict:
    return {"achieved": "", **values}


def _initiative_sports_ground(start: date) -> dict:
    return _initiative(
        title="Жаштар үчүн спорт аянтча", financing_type="co_financing",
        leader_name="Токтобаев Эрлан", contact_phone="+996 700 12 34 56",
        address="Ак-Тал айылы, мектептин жанында",
        initiators="Ак-Тал жаштарынын демилге тобу, 15 киши", issue_area="sport",
        problem="Жаштардын спорт менен машыгуучу жери жок.",
        proposal="Мектептин жанындагы аянтты тегиздеп, волейбол торун жана 2 турникти "
                 "орнотобуз.",
        beneficiaries=400, beneficiaries_women=180,
        plan=[_step("Аянтты тегиздөө", start, 0, 10, "Эрлан Токтобаев"),
              _step("Тор жана турниктерди орнотуу", start, 11, 14, "Жаштар тобу")],
        budget_lines=[_line("Волейбол тору жана мамылар", "комплект", 1, 6000, "local_budget"),
                      _line("Турник", "даана", 2, 2000, "local_budget"),
                      _line("Шагыл (тургундардан)", "тонна", 4, 500, "own_in_kind"),
                      _line("Жаштардын эмгеги", "киши-күн", 30, 400, "own_labour")],
        requested_amount="10000.00",
        sustainability="Жаштар тобу аянтты кармайт, мектеп кароолчусу көзөмөлдөйт.")


def _initiative_sewing(start: date) -> dict:
    return _initiative(
        title="Аялдар үчүн тигүү курсу", financing_type="co_financing",
        leader_name="Бекова Айнура", contact_phone="+996 555 98 76 54",
        address="Ак-Тал айылы, маданият үйү",
        initiators="«Ак-Тал аялдары» коомдук бирикмеси", issue_area="social",
        problem="Жумушсуз аялдардын киреше табуу мүмкүнчүлүгү аз.",
        proposal="Маданият үйүндө 20 аялга 2 айлык тигүү курсун уюштурабыз.",
        beneficiaries=20, beneficiaries_women=20,
        plan=[_step("Тигүү машиналарын сатып алуу", start, 0, 7, "Айнура Бекова"),
              _step("Курс", start, 8, 50, "Бирикменин мүчөлөрү")],
        budget_lines=[_line("Тигүү машинасы", "даана", 1, 9500, "local_budget"),
                      _line("Кездеме", "метр", 100, 60, "own_money"),
                      _line("Донордун жардамы (жип, кайчы)", "комплект", 1, 4000, "attracted")],
        requested_amount="9500.00",
        sustainability="Машиналар бирикмеде калат, курс жыл сайын кайталанат.")


def _initiative_bridge(start: date) -> dict:
    return _initiative(
        title="Арыктын үстүнө жөө көпүрө", financing_type="co_financing",
        leader_name="Асанов Токтосун", contact_phone="+996 777 11 22 33",
        address="Ак-Тал айылы, төмөнкү көчө",
        initiators="Ак-Тал аксакалдар кеңеши жана көчөнүн тургундары", issue_area="roads",
        problem="Балдар мектепке арыктан өтүшөт, жазында суу көп болот.",
        proposal="Темир-бетон жөө көпүрө салабыз.",
        beneficiaries=150, beneficiaries_women=80,
        plan=[_step("Көпүрө салуу", start, 0, 20, "Токтосун Асанов")],
        budget_lines=[_line("Темир-бетон плита", "даана", 2, 4000, "local_budget"),
                      _line("Тургундардын эмгеги", "киши-күн", 10, 400, "own_labour")],
        requested_amount="8000.00",
        sustainability="Көчөнүн тургундары жыл сайын тазалашат.")


def _initiative_school_yard(start: date, completion: bool = False) -> dict:
    return _initiative(
        title="Мектептин короосуна орундуктар жана гүлзар",
        financing_type="completion" if completion else "co_financing",
        leader_name="Садыкова Чолпон", contact_phone="+996 705 55 44 33",
        address="Ак-Тал айылы, мектеп", initiators="Ак-Тал мектебинин ата-энелер тобу",
        issue_area="youth", problem="Мектептин короосунда балдар отура турган жер жок.",
        proposal="Короого 10 орундук коюп, гүлзар жасайбыз.",
        achieved="Ата-энелер 5 орундукту өз каражатына коюшту." if completion else "",
        beneficiaries=320, beneficiaries_women=160,
        plan=[_step("Орундуктарды жасоо", start, 0, 14, "Чолпон Садыкова"),
              _step("Гүлзар", start, 15, 10, "Ата-энелер")],
        budget_lines=[_line("Орундук", "даана", 5, 1400, "local_budget"),
                      _line("Гүл көчөттөрү", "даана", 50, 60, "own_money")],
        requested_amount="7000.00",
        sustainability="Мектеп короону кармайт.")
