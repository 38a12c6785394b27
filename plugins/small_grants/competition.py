"""The small-grants competition type: investment grants into local budgets."""

from __future__ import annotations

from collections.abc import Sequence

from gms.answers import reports_reading_tables
from gms.competition import (
    CompetitionInfo,
    CompetitionType,
    ReportDefinition,
    SettingField,
    Spec,
    out_of_points,
    within_envelope,
)

from . import eligibility, reports, rules
from .choices import DOCUMENT_LABELS
from .forms import SmallGrantsForm
from .i18n import _l

KEY = "small_grants"

# (key, points, label, guidance), 100 points in all (domain README 3.2)
RUBRIC: tuple[tuple[str, int, dict, dict], ...] = (
    ("community_priority", 25, {
        "ky": "Жамааттын артыкчылыгы",
        "ru": "Приоритет сообщества",
        "en": "Community priority",
    }, {
        "ky": "Көйгөйдү тургундар өздөрү тандаганбы? Табыштамадагы далилдерди караңыз: ар "
              "бир айылда жана ар бир курак тобунда өткөн ЖМБА сессиялары, добуштардын "
              "жыйынтыгындагы көйгөйдүн орду (эң көп добуш алган бешөө — артыкчылыктар), "
              "фокус-топтун талдоосу, биргелешкен аракеттер планы (БАП) жана кеңештин токтому; "
              "же коомдук угуунун, элеттик чогулуштун протоколу. Жогорку балл: чакыруу "
              "ачылганга чейин тандалган, алдыңкы орундагы көйгөй, бүт чынжыры "
              "документтештирилген. Төмөн балл: далили жок, кызматкерлер түшүндүрө албаган "
              "эскертүүлөр бар же артыкчылык грант үчүн гана аныкталган.",
        "ru": "Выбрали ли проблему сами жители? Смотрите доказательства в заявке: сессии "
              "СИНС (ЖМБА) в каждом селе и каждой возрастной группе, место проблемы в подсчёте "
              "голосов (пять проблем с наибольшим числом голосов — приоритеты), анализ "
              "фокус-группы, совместный план действий (БАП) и постановление кенеша; или "
              "протокол общественных слушаний, сельского схода. Высокий балл — проблема на "
              "первых местах, выбранная до объявления конкурса, вся цепочка задокументирована; "
              "низкий — нет доказательств, есть не снятые сотрудниками предупреждения или "
              "приоритет определён только ради гранта.",
        "en": "Did residents choose this problem themselves? Look at the evidence in the "
              "application: ЖМБА sessions in every village and age group, the problem's rank "
              "in the vote tally (the five with most votes are the priorities), the focus "
              "group's analysis, the joint action plan (БАП) and the council resolution; or "
              "the minutes of a public hearing or village gathering. High: a top-ranked "
              "problem chosen before the call opened, the whole chain documented. Low: no "
              "evidence, warnings the staff could not clear, or a priority set only for this "
              "grant.",
    }),
    ("relevance", 15, {
        "ky": "Актуалдуулугу жана пайда алуучулар",
        "ru": "Актуальность и благополучатели",
        "en": "Relevance and beneficiaries",
    }, {
        "ky": "Долбоор жергиликтүү маанидеги маселени чечеби (мамлекеттик ыйгарым укук "
              "эмес)? Канча тургун, анын ичинде аялдар, канча айыл пайда алат; көйгөй "
              "так сүрөттөлгөнбү.",
        "ru": "Решает ли проект вопрос местного значения (а не делегированное "
              "государственное полномочие)? Сколько жителей, в том числе женщин, и сколько "
              "сёл получат пользу; ясно ли описана проблема.",
        "en": "Does the project solve an issue of local significance (not a delegated state "
              "power)? How many residents, how many women and villages benefit; is the "
              "problem clearly described.",
    }),
    ("feasibility", 15, {
        "ky": "Ишке ашырылышы",
        "ru": "Реализуемость",
        "en": "Feasibility",
    }, {
        "ky": "Иш-чаралар максаттарга жетүүгө алып барабы, 12 айдын ичинде аткарылабы; "
              "мамлекеттик сатып алуулар пландалганбы, тастыкталган адис барбы; "
              "көрсөткүчтөр ченелеби.",
        "ru": "Ведут ли мероприятия к целям, укладываются ли в 12 месяцев; готов ли план "
              "закупок и есть ли сертифицированный специалист; измеримы ли показатели.",
        "en": "Do the activities lead to the objectives within 12 months; is procurement "
              "planned, with a certified specialist; are the indicators measurable.",
    }),
    ("budget", 15, {
        "ky": "Бюджет",
        "ru": "Бюджет",
        "en": "Budget",
    }, {
        "ky": "Чыгашалар негиздүү, толук жана иш-чараларга шайкеш келеби; бирдиктин баасы "
              "рыноктук баага туура келеби; арифметикалык каталар жокпу.",
        "ru": "Обоснованы ли расходы, полны ли они и соответствуют ли мероприятиям; "
              "соответствуют ли цены за единицу рыночным; нет ли арифметических ошибок.",
        "en": "Are the costs justified, complete and matched to the activities; are unit "
              "costs at market prices; is the arithmetic right.",
    }),
    ("cofinancing", 10, {
        "ky": "Кошумча каржылоо",
        "ru": "Софинансирование",
        "en": "Co-financing",
    }, {
        "ky": "Жергиликтүү бюджеттен, жамааттан (акча, буюм, эмгек) жана башка "
              "донорлордон салымдын үлүшү жана анын ишенимдүүлүгү (токтом, бюджеттеги "
              "берене); буюмдай жана эмгек салымдары негизи көрсөтүлүп, акыйкат "
              "бааланганбы.",
        "ru": "Доля вклада местного бюджета, сообщества (деньги, материалы, труд) и других "
              "доноров и его надёжность (постановление, статья в бюджете); оценены ли вклады "
              "материалами и трудом разумно и с указанием основания.",
        "en": "Share of contributions from the local budget, the community (cash, in kind, "
              "labour) and other donors, and how firm they are (resolution, budget article); "
              "are contributions in kind and labour valued reasonably, with the basis given.",
    }),
    ("sustainability", 10, {
        "ky": "Туруктуулук",
        "ru": "Устойчивость",
        "en": "Sustainability",
    }, {
        "ky": "Долбоордон кийин натыйжаны ким жана кандай каражат менен кармайт: "
              "жооптуу орган, тейлөөнүн каржылоо булагы, бюджеттеги беренеси жана жылдык "
              "наркы; тейлөө жергиликтүү бюджетте же тарифте каралганбы.",
        "ru": "Кто и на какие средства будет содержать результат после проекта: "
              "ответственный орган, источник и статья бюджета на содержание, его годовая "
              "стоимость; предусмотрено ли содержание в местном бюджете или тарифе.",
        "en": "Who will maintain the result after the project and with what money: the "
              "responsible body, the source and budget line of upkeep and its yearly cost; is "
              "upkeep planned in the local budget or a tariff.",
    }),
    ("transparency", 10, {
        "ky": "Ачыктык жана мониторинг",
        "ru": "Прозрачность и мониторинг",
        "en": "Transparency and monitoring",
    }, {
        "ky": "Бюджет маалыматы жарыяланганбы; жергиликтүү кеңеш жана тургундар (демилгелүү "
              "топ, БМжБ тобу) мониторинг жүргүзөбү; жыйынтыктар коомчулукка кантип "
              "билдирилет.",
        "ru": "Опубликована ли бюджетная информация; ведут ли мониторинг местный кенеш и "
              "жители (инициативная группа, группа совместного мониторинга); как об итогах "
              "сообщат населению.",
        "en": "Is budget information published; do the council and residents (initiative "
              "group, joint M&E group) monitor the project; how will results be reported "
              "back.",
    }),
)

COMMENT_BELOW_PERCENT = 40  # a comment is required for scores under 40% of the maximum


class SmallGrantsCompetition(CompetitionType):
    """Investment grants to municipalities for projects on residents' priorities."""

    key = KEY
    label = _l("Small grants: investment projects on residents' priorities")
    description = _l(
        "Grants of up to 1,000,000 KGS into the local budget of an aiyl okmotu or mayor's "
        "office, for a project on a problem residents chose as a priority at participatory "
        "sessions (ЖМБА / СИНС), a public hearing or a village gathering. Up to two "
        "applications and two grants per municipality per round; projects last up to 12 "
        "months; the best-scored applications are funded within the envelope.")
    version = "2"
    applicant_kinds = ("municipality",)
    templates = {"application": f"{KEY}/application.html"}
    rubric = out_of_points(RUBRIC, step=0.5, comment_below_percent=COMMENT_BELOW_PERCENT)
    reviewers_per_application = 3
    document_labels = DOCUMENT_LABELS
    required_documents = ("council_resolution", "budget_publication")
    optional_documents = ("zhmba_report", "hearing_minutes", "gathering_minutes",
                          "zhmba_protocol", "vote_tally", "focus_group_report",
                          "joint_action_plan")

    # -- settings ---------------------------------------------------------------------
    def settings_fields(self) -> Sequence[SettingField]:
        d = rules.DEFAULTS
        return (
            SettingField("max_grant_kgs", _l("Maximum grant per project, KGS"), "decimal",
                         d["max_grant_kgs"]),
            SettingField("max_applications_per_organisation",
                         _l("Applications per municipality"), "int",
                         d["max_applications_per_organisation"]),
            SettingField("max_awards_per_organisation", _l("Grants per municipality"), "int",
                         d["max_awards_per_organisation"]),
            SettingField("min_cofinancing_percent",
                         _l("Minimum co-financing, percent of the project budget"), "decimal",
                         d["min_cofinancing_percent"],
                         _l("Share of the budget paid from sources other than the grant.")),
            SettingField("max_duration_months", _l("Maximum project duration, months"), "int",
                         d["max_duration_months"]),
            SettingField("min_minority_sex_percent",
                         _l("Least share of either sex among session participants, percent"),
                         "decimal", d["min_minority_sex_percent"],
                         _l("Below it the application gets a warning, not a refusal.")),
        )

    # -- judging ----------------------------------------------------------------------
    def eligibility_rules(self, competition: CompetitionInfo) -> Sequence[Spec]:
        return eligibility.rule_specs(competition)

    def award_policy(self, competition: CompetitionInfo) -> Spec:
        return within_envelope(
            max_awards=competition.max_awards,
            per_organisation=competition.settings.get(
                "max_awards_per_organisation", rules.DEFAULTS["max_awards_per_organisation"]),
            max_grant=rules.max_grant_limit(competition))

    # -- applying ---------------------------------------------------------------------
    def application_form(self, competition: CompetitionInfo):
        return SmallGrantsForm

    # -- reporting --------------------------------------------------------------------
    def reports(self, competition: CompetitionInfo) -> Sequence[ReportDefinition]:
        return reports_reading_tables(reports.definitions(), rules.TABLES)
