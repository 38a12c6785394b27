"""Citizen budget contest (preview): real participation of citizens in the budget process."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from gms.competition import CompetitionInfo, CompetitionType, Criterion, Scale
from gms.forms import ApplicationForm, DataRequired, Length, TextAreaField
from gms.i18n import _l


class CitizenBudgetForm(ApplicationForm):
    summary = TextAreaField(
        _l("Summary: your public hearings on the draft budget, who took part, which "
           "proposals were adopted"),
        validators=[DataRequired(), Length(max=10000)])


# The three directions of the Municipal Budget Transparency Index, 30 + 30 + 40 points:
# each is scored 0–5 and weighted 6, 6 and 8.
CRITERIA = (
    Criterion("budget_information", {
        "ky": "Бюджеттик маалыматтын курамы, толуктугу жана түшүнүктүүлүгү",
        "ru": "Состав, полнота и понятность бюджетной информации",
        "en": "Budget information: composition, completeness, clarity",
    }, Scale(0, 5, 1), weight=6, guidance={
        "ky": "Бюджеттин долбоору жана аткарылышы тууралуу маалымат толук жана жөнөкөй "
              "тилде берилгенби (жарандардын бюджети).",
        "ru": "Полна ли и понятна ли информация о проекте и исполнении бюджета "
              "(гражданский бюджет).",
        "en": "Is the information on the draft and execution complete and in plain language "
              "(citizens' budget).",
    }),
    Criterion("accessibility", {
        "ky": "Бюджеттик маалыматтын жеткиликтүүлүгү",
        "ru": "Доступность бюджетной информации",
        "en": "Accessibility of budget information",
    }, Scale(0, 5, 1), weight=6, guidance={
        "ky": "Угуулар кантип жана качан жарыяланган, маалымат кайда жарыяланган.",
        "ru": "Как и когда объявлены слушания, где опубликована информация.",
        "en": "How and how early the hearings were announced; where the information was "
              "published.",
    }),
    Criterion("participation", {
        "ky": "Жарандардын бюджеттик процесске катышуусу",
        "ru": "Участие граждан в бюджетном процессе",
        "en": "Citizen participation in the budget process",
    }, Scale(0, 5, 1), weight=8, guidance={
        "ky": "Катышуучулар, аялдардын үлүшү, суроолор, келип түшкөн жана кабыл алынган "
              "сунуштар.",
        "ru": "Участники, доля женщин, вопросы, поступившие и принятые предложения.",
        "en": "Participants, share of women, questions, proposals received and adopted.",
    }),
)


@dataclass
class CitizenBudgetContest(CompetitionType):
    """Contest of LSG bodies on public budget hearings."""

    key: str = "citizen_budget_contest"
    label: Any = _l("Real participation of citizens in the budget process (preview)")
    description: Any = _l(
        "Executive LSG bodies that held public hearings on their draft local budget compete "
        "for prizes. Preview: the hearing records, coded review and prizes by place come in "
        "a later version.")
    version: str = "0.1"
    applicant_kinds: tuple[str, ...] = ("municipality",)

    def criteria(self, competition: CompetitionInfo) -> Sequence[Criterion]:
        return CRITERIA

    def application_form(self, competition: CompetitionInfo):
        return CitizenBudgetForm
