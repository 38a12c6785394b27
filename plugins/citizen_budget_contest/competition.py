"""The citizen budget contest type: real participation of citizens in the budget process."""

from __future__ import annotations

from collections.abc import Sequence

from gms.answers import reports_reading_tables
from gms.competition import (
    ApplicationInfo,
    CompetitionInfo,
    CompetitionType,
    ReportDefinition,
    SettingField,
    Spec,
    fixed_amount,
    out_of_points,
    prizes_by_place,
)

from . import edition, reports, rules
from .anonymity import texts_of, villages
from .choices import DOCUMENT_LABELS, MINUTES
from .forms import CitizenBudgetForm
from .i18n import _l

KEY = "citizen_budget_contest"

# The three directions of the Municipal Budget Transparency Index (domain README 3.4),
# 100 points: (key, points, label, guidance).
RUBRIC: tuple[tuple[str, int, dict, dict], ...] = (
    ("budget_information", 30, {
        "ky": "Бюджеттик маалымат: курамы, толуктугу, түшүнүктүүлүгү",
        "ru": "Бюджетная информация: состав, полнота, понятность",
        "en": "Budget information: composition, completeness, clarity",
    }, {
        "ky": "Жарандарга берилген маалымат: бюджеттин долбоору жана аткарылышы, кирешелер "
              "жана чыгашалар беренелер боюнча, жөнөкөй тилдеги жарандардын бюджети, "
              "таблицалар жана диаграммалар, өзгөрүүлөрдүн түшүндүрмөсү. Жогорку балл: "
              "долбоордун жана аткарылыштын толук сандары ар ким окуй ала турган жарандардын "
              "бюджетинде. Төмөн балл: сандар жок, же кеңештин техникалык таблицалары гана.",
        "ru": "Информация для граждан: проект бюджета и его исполнение, доходы и расходы по "
              "статьям, гражданский бюджет простым языком, таблицы и диаграммы, пояснения "
              "изменений. Высокий балл: полные цифры проекта и исполнения в гражданском "
              "бюджете, понятном каждому. Низкий балл: цифр нет или есть только технические "
              "таблицы кенеша.",
        "en": "What citizens were given: the draft budget and its execution, revenues and "
              "expenditures by article, a citizens' budget in plain language, tables and "
              "charts, explanations of the changes. High: complete figures for the draft and "
              "the execution in a citizens' budget anyone can read. Low: figures missing, or "
              "only the council's technical tables.",
    }),
    ("accessibility", 30, {
        "ky": "Маалыматтын жеткиликтүүлүгү: жарыялоо, мөөнөтү, жарыяланышы",
        "ru": "Доступность информации: объявление, сроки, публикация",
        "en": "Accessibility: announcement, lead time, publication",
    }, {
        "ky": "Угуулар кантип жарыяланган (жарыя тактасы, сайт, радио, гезит, социалдык "
              "тармактар, ар бир айылда), канча күн мурун, бюджет кайда жарыяланган жана "
              "угуудан кийин жеткиликтүүбү. Жогорку балл: бир нече жол менен алдын ала "
              "жарыяланган, бюджет тактада жана интернетте. Төмөн балл: кечиктирип же бир "
              "гана жол менен жарыяланган.",
        "ru": "Как объявлены слушания (доска объявлений, сайт, радио, газета, социальные "
              "сети, в каждом селе), за сколько дней, где опубликован бюджет и доступен ли он "
              "после слушаний. Высокий балл: объявлено заранее несколькими способами, бюджет "
              "на доске и в интернете. Низкий балл: объявлено поздно или одним способом.",
        "en": "How the hearings were announced (board, website, radio, newspaper, social "
              "media, in every village), how many days ahead, where the budget is published "
              "and whether it stays available after the hearing. High: announced well ahead "
              "in several ways, budget on the board and online. Low: announced late, or in "
              "one way only.",
    }),
    ("participation", 40, {
        "ky": "Жарандардын катышуусу: катышуучулар, аялдардын үлүшү, суроолор, сунуштар",
        "ru": "Участие граждан: участники, доля женщин, вопросы, предложения",
        "en": "Participation: participants, women's share, questions, proposals",
    }, {
        "ky": "Калктын санына карата катышуучулар, аялдардын үлүшү, берилген суроолор, "
              "келип түшкөн сунуштар жана алардын канчасы кандай сумма менен бюджетке "
              "кабыл алынган, натыйжада эмне өзгөргөн. Жогорку балл: ар бир айылдан көп "
              "катышуучу, аялдар жетиштүү, сунуштар бюджетке акчасы менен кирген. Төмөн "
              "балл: аз катышуучу менен расмий угуу, бир да сунуш кабыл алынган эмес.",
        "ru": "Участники относительно численности населения, доля женщин, заданные вопросы, "
              "поступившие предложения и сколько из них принято в бюджет и на какую сумму, "
              "что изменилось в результате. Высокий балл: много участников из каждого села, "
              "женщины представлены достаточно, предложения вошли в бюджет с деньгами. "
              "Низкий балл: формальные слушания с малым числом участников, ни одно "
              "предложение не принято.",
        "en": "Participants against the population, the share of women, questions raised, "
              "proposals received and how many were adopted into the budget with what "
              "amounts, what changed as a result. High: many participants from every "
              "village, women well represented, proposals adopted with money in the budget. "
              "Low: a formal hearing with few participants and no proposal adopted.",
    }),
)

COMMENT_BELOW_PERCENT = 40  # a comment is required for scores under 40% of the maximum


class CitizenBudgetContest(CompetitionType):
    """Prizes for executive LSG bodies that held real public hearings on their budget."""

    key = KEY
    label = _l("Real participation of citizens in the budget process")
    description = _l(
        "A contest of executive LSG bodies (aiyl okmotus and mayor's offices) that involve "
        "citizens in their budget. Each edition is named after the budget year drafted; a "
        "municipality takes part with the public hearings it held on the draft budget within "
        "the call's dates, recorded one by one with their minutes. The commission scores the "
        "three directions of the Municipal Budget Transparency Index and sees only the "
        "application number until the results are published. Prizes go by place from the "
        "prize fund and may buy equipment or pay for public events.")
    version = "1"
    applicant_kinds = ("municipality",)
    anonymous_review = True
    templates = {"application": f"{KEY}/application.html"}
    rubric = out_of_points(RUBRIC, step=0.5, comment_below_percent=COMMENT_BELOW_PERCENT)
    reviewers_per_application = 3
    document_labels = DOCUMENT_LABELS
    required_documents = (MINUTES,)
    optional_documents = ("participant_lists", "hearing_photos", "announcements",
                          "citizens_budget", "budget_extract")

    # -- settings ---------------------------------------------------------------------
    def settings_fields(self) -> Sequence[SettingField]:
        d = edition.DEFAULTS
        places = tuple(
            SettingField(f"prize_{n}", _l("Prize for place %(n)d, KGS", n=n), "decimal",
                         d[f"prize_{n}"],
                         _l("Empty: no such place. Prizes never exceed the prize fund (the "
                            "call's budget); what is not awarded stays unallocated.")
                         if n == 1 else "")
            for n in range(1, edition.MAX_PLACES + 1))
        return (
            SettingField("budget_year", _l("Budget year of this edition"), "int",
                         d["budget_year"],
                         _l("The year whose draft budget the hearings discussed. Empty: the "
                            "year after the call opens.")),
            SettingField("hearings_from", _l("Hearings held from (YYYY-MM-DD)"), "date",
                         d["hearings_from"],
                         _l("Empty: 1 January of the year before the budget year.")),
            SettingField("hearings_to", _l("Hearings held until (YYYY-MM-DD)"), "date",
                         d["hearings_to"], _l("Empty: the call's deadline.")),
            *places,
            SettingField("min_women_percent",
                         _l("Expected share of women among participants, percent"), "decimal",
                         d["min_women_percent"],
                         _l("Below it the application gets a warning, not a refusal.")),
            SettingField("anonymous_review", _l("Anonymous review: members see codes, not "
                                                "municipalities, until publication"), "bool",
                         d["anonymous_review"]),
        )

    # -- judging ----------------------------------------------------------------------
    def eligibility_rules(self, competition: CompetitionInfo) -> Sequence[Spec]:
        return rules.rule_specs(competition)

    def award_policy(self, competition: CompetitionInfo) -> Spec:
        """Prizes by place from the fund (the call's budget); the call's number of awards,
        when set, caps the number of places."""
        places = edition.prize_places(competition.settings)
        if competition.max_awards is not None:
            places = places[:competition.max_awards]
        return prizes_by_place(places=places)

    # -- applying ---------------------------------------------------------------------
    def application_form(self, competition: CompetitionInfo):
        return CitizenBudgetForm

    def identity_names(self, application: ApplicationInfo) -> Sequence[str]:
        """The villages the answers name as such ("с. Боролдой", "Ак-Тал айылынын"): the
        core searches the documents for them too."""
        return villages(texts_of(application.answers))

    def requested_amount_rule(self, competition: CompetitionInfo) -> Spec:
        """Nothing is requested: prizes are fixed by place."""
        return fixed_amount(None)

    # -- reporting --------------------------------------------------------------------
    def reports(self, competition: CompetitionInfo) -> Sequence[ReportDefinition]:
        return reports_reading_tables(reports.definitions(), rules.TABLES)
