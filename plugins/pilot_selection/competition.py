"""The pilot-selection competition type: municipalities ask to become pilot partners."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from gms.competition import (
    CompetitionInfo,
    CompetitionType,
    ReportDefinition,
    Scale,
    ScoringSheet,
    SettingField,
    Spec,
    fixed_amount,
    on_scale,
    within_envelope,
)

from . import reports, rules, settings
from .choices import DOCUMENT_LABELS, JOINT_DECISION, SIGNED_LETTER
from .forms import form_for
from .i18n import _l

KEY = "pilot_selection"
VISIT = "visit_findings"
COMMENT_BELOW = 2  # a comment is required for a score of 0 or 1
# The scale is written with floats so its choices read "0.0" … "5.0", as the saved scores do
# (a Numeric(5, 1) column): the score sheet then shows a saved score as selected.

# (key, label, guidance): 0–5 per member, equal weights (domain README 3.1); the visit's
# findings may be marked not applicable
RUBRIC: tuple[tuple[str, dict, dict], ...] = (
    ("commitment", {
        "ky": "Кызыкдарлык жана биргелешкен чечим",
        "ru": "Заинтересованность и совместное решение",
        "en": "Commitment and joint decision",
    }, {
        "ky": "Айыл өкмөтү менен жергиликтүү кеңеш биргелешкен чечим кабыл алганбы, кызыгуу "
              "катына башчы да, кеңештин төрагасы да кол койгонбу? Биргелешкен аракет планы "
              "так жана ишке ашырууга боло турганбы (ким, эмне, качан)? Башчынын өз баасы "
              "(1–2-суроолор) айыл өкмөтү менен кеңештин ортосундагы кызматташтыкты "
              "көрсөтөбү? 5 — бардыгы бар жана ынанымдуу; 0 — биргелешкен чечим же план жок.",
        "ru": "Приняли ли айыл окмоту и местный кенеш совместное решение, подписали ли письмо "
              "о заинтересованности и глава, и председатель кенеша? Конкретен и выполним ли "
              "совместный план действий (кто, что, когда)? Показывает ли самооценка главы "
              "(вопросы 1–2) взаимодействие айыл окмоту и кенеша? 5 — всё есть и убедительно; "
              "0 — нет совместного решения или плана.",
        "en": "Did the aiyl okmotu and the local council adopt a joint decision, and did both "
              "the head and the council chair sign the letter of interest? Is the joint "
              "action plan concrete and feasible (who, what, when)? Does the head's "
              "self-assessment (Q1–Q2) show the executive and the council working together? "
              "5: all there and convincing; 0: no joint decision or plan.",
    }),
    ("joint_activity", {
        "ky": "Жамаат менен биргелешкен иштер же идея (2-бөлүк)",
        "ru": "Совместная деятельность с сообществом или идея (часть 2)",
        "en": "Joint activities with the community, or an idea (Part 2)",
    }, {
        "ky": "Акыркы мезгилде ЖӨБ органдары тургундар, топтор жана уюмдар менен чогуу эмне "
              "кылды: канча жаран катышты, натыйжалар сан менен көрсөтүлгөнбү (сом, км, "
              "бак-дарак)? Жаңы дайындалган башчы үчүн: идея так, жамаатка пайдалуу жана "
              "Долбоордун жардамы так айтылганбы? Идеяны өткөн иштер менен бирдей баалаңыз.",
        "ru": "Что органы МСУ сделали вместе с жителями, группами и организациями за "
              "последний период: сколько граждан участвовало, есть ли результаты в цифрах "
              "(сом, км, деревья)? Для недавно назначенного главы: ясна ли идея, полезна ли "
              "сообществу, понятно ли, какая помощь Проекта нужна? Идею оценивайте наравне с "
              "прошлыми делами.",
        "en": "What did the local self-government do together with residents, groups and "
              "organisations in the period: how many citizens took part, are results given in "
              "figures (som, km, trees)? For a newly appointed head: is the idea clear, useful "
              "to the community, and is the help needed from the Project stated? Score an "
              "idea on a par with past activities.",
    }),
    ("civic_groups", {
        "ky": "Жарандык топтор жана уюмдар (3-бөлүк)",
        "ru": "Гражданские группы и организации (часть 3)",
        "en": "Civic groups and organisations (Part 3)",
    }, {
        "ky": "Аймакта расмий жана расмий эмес топтор, БӨУлар, жарандардын бирикмелери "
              "иштейби; алардын лидерлери жана байланыштары көрсөтүлгөнбү; айыл өкмөтү жана "
              "кеңеш менен кызматташуунун формалары (чогулуштар, биргелешкен иштер, "
              "мониторинг) кандай?",
        "ru": "Работают ли на территории формальные и неформальные группы, НПО, объединения "
              "граждан; указаны ли их лидеры и контакты; какие формы сотрудничества с айыл "
              "окмоту и кенешем (сходы, совместные дела, мониторинг)?",
        "en": "Do formal and informal groups, NGOs and citizens' associations work in the "
              "area; are their leaders and contacts given; how do they cooperate with the "
              "aiyl okmotu and the council (gatherings, joint work, monitoring)?",
    }),
    ("budget_openness", {
        "ky": "Бюджеттин ачыктыгы",
        "ru": "Открытость бюджета",
        "en": "Budget openness",
    }, {
        "ky": "Жергиликтүү бюджет тууралуу маалымат жарандар үчүн ачык жана жеткиликтүүбү "
              "(маалымат тактасы, сайт, угуулар, жарандык бюджет); планда бюджеттик маалыматты "
              "ачыктоо боюнча иш-чаралар барбы; мамлекеттик сатып алуулар боюнча "
              "тастыкталган адис барбы?",
        "ru": "Открыта ли и доступна ли гражданам информация о местном бюджете "
              "(информационная доска, сайт, слушания, гражданский бюджет); есть ли в плане "
              "мероприятия по раскрытию бюджетной информации; есть ли сертифицированный "
              "специалист по госзакупкам?",
        "en": "Is local budget information open and accessible to citizens (information "
              "board, website, hearings, citizens' budget); does the plan include events that "
              "disclose budget information; is there a specialist certified in public "
              "procurement?",
    }),
    (VISIT, {
        "ky": "Текшерүү сапарынын жыйынтыктары",
        "ru": "Результаты проверочного визита",
        "en": "Verification visit findings",
    }, {
        "ky": "Адис жерине барып, табыштамадагы маалыматты тастыктадыбы (текшерүү тизмеси "
              "жана тыянактар арыздын жанында көрсөтүлөт)? Сапар болбосо, «Колдонулбайт» "
              "деп белгилеңиз: бул критерий эсепке алынбайт.",
        "ru": "Подтвердил ли специалист на месте сведения заявки (чек-лист и выводы визита "
              "показаны рядом с заявкой)? Если визита не было, отметьте «Неприменимо»: "
              "критерий не учитывается.",
        "en": "Did the specialist confirm the application on site (the visit's checklist and "
              "findings are shown beside the application)? If there was no visit, mark it "
              "not applicable: the criterion is left out.",
    }),
)


class PilotSelectionCompetition(CompetitionType):
    """Selection of pilot municipalities: no money, a memorandum of cooperation with each."""

    key = KEY
    label = _l("Selection of pilot municipalities")
    description = _l(
        "Aiyl aimaks and small towns apply, jointly with their local council, to become pilot "
        "partners of the programme: a letter of interest with a joint action plan, signed by "
        "the head (mayor) and the council chair, and information on the municipality, its "
        "joint activities with residents, its civic groups and donor projects. Staff may "
        "visit applicants to verify; the commission selects the pilots; each signs a "
        "memorandum of cooperation. No money is awarded.")
    version = "1"
    applicant_kinds = ("municipality",)
    templates = {"application": f"{KEY}/application.html",
                 "review_panel": f"{KEY}/review_panel.html"}
    rubric = on_scale(RUBRIC, Scale(min=0.0, max=5.0, step=1.0), COMMENT_BELOW,
                      not_applicable=(VISIT,))
    reviewers_per_application = 3
    document_labels = DOCUMENT_LABELS
    required_documents = (SIGNED_LETTER, JOINT_DECISION)
    optional_documents = ("activity_evidence", "budget_information")

    # -- settings ---------------------------------------------------------------------
    def settings_fields(self) -> Sequence[SettingField]:
        d = settings.DEFAULTS
        return (
            SettingField("population_date", _l("Population as of (date, YYYY-MM-DD)"), "date",
                         d["population_date"],
                         _l("Empty: 1 January of the year the call opens.")),
            SettingField("activities_months",
                         _l("Joint activities (Part 2) of the last … months"), "int",
                         d["activities_months"]),
            SettingField("donor_period", _l("Donor projects (Part 4) of the years"), "text",
                         d["donor_period"],
                         _l("For example 2014–2017. Empty: the four years up to the year the "
                            "call opens.")),
            SettingField("announcement_date",
                         _l("The list of pilots is announced by (date, YYYY-MM-DD)"), "date",
                         d["announcement_date"], _l("Empty: 18 days after the deadline.")),
            SettingField("memorandum_until",
                         _l("Memoranda of cooperation run until (date, YYYY-MM-DD)"), "date",
                         d["memorandum_until"],
                         _l("Empty: until the end of the current phase of the Project.")),
            SettingField("min_score", _l("Lowest mean score to be selected, of 25"),
                         "decimal", d["min_score"], _l("Empty: no minimum.")),
            SettingField("tie_break_criterion", _l("Criterion that breaks a tie"), "text",
                         d["tie_break_criterion"],
                         _l("The higher mean score of this criterion wins a tie: commitment, "
                            "joint_activity, civic_groups or budget_openness. Empty: none.")),
        )

    # -- judging ----------------------------------------------------------------------
    def scoring_sheet(self, competition: CompetitionInfo) -> ScoringSheet:
        """Five criteria of 0–5 summed (25 points); a criterion marked not applicable (the
        visit, when there was none) is left out and the total rescaled to 25."""
        threshold = settings.min_score(competition)
        return ScoringSheet(criteria=tuple(self.criteria(competition)),
                            overall_threshold=float(threshold) if threshold else None,
                            reviewers_per_application=self.reviewers_per_application)

    def eligibility_rules(self, competition: CompetitionInfo) -> Sequence[Spec]:
        return rules.rule_specs(competition)

    def award_policy(self, competition: CompetitionInfo) -> Spec:
        """The best-scored municipalities become pilots, as many as the call's number of
        awards (all that pass the minimum when it has none), one per municipality; no money
        changes hands, so every amount is 0 and the envelope never binds."""
        return within_envelope(max_awards=competition.max_awards, per_organisation=1,
                               max_grant=Decimal(0))

    # -- applying ---------------------------------------------------------------------
    def application_form(self, competition: CompetitionInfo):
        return form_for(settings.population_date(competition),
                        settings.activities_months(competition),
                        settings.donor_period_text(competition))

    def requested_amount_rule(self, competition: CompetitionInfo) -> Spec:
        """Pilots receive no money."""
        return fixed_amount(Decimal(0))

    # -- reporting --------------------------------------------------------------------
    def reports(self, competition: CompetitionInfo) -> Sequence[ReportDefinition]:
        return reports.definitions()
