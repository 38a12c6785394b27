"""Local initiative (preview): examples of citizen participation and community–LSG work."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from gms.competition import CompetitionInfo, CompetitionType, Criterion, Scale
from gms.forms import ApplicationForm, DataRequired, Length, TextAreaField
from gms.i18n import _l


class LocalInitiativeForm(ApplicationForm):
    summary = TextAreaField(
        _l("Summary: the one problem, what was done, by whom, with which results"),
        validators=[DataRequired(), Length(max=10000)])


CRITERIA = (
    Criterion("significance", {
        "ky": "Жашоо деңгээли үчүн маанилүүлүгү",
        "ru": "Значимость для жизни населения",
        "en": "Significance for residents' living standards",
    }, Scale(0, 5, 1), guidance={
        "ky": "Демилге жергиликтүү маанидеги маселени канчалык чечет.",
        "ru": "Насколько инициатива решает вопрос местного значения.",
        "en": "How far the initiative solves an issue of local significance.",
    }),
    Criterion("participation", {
        "ky": "Жарандардын катышуусу",
        "ru": "Участие граждан",
        "en": "Citizen participation",
    }, Scale(0, 5, 1), guidance={
        "ky": "Канча тургун, анын ичинде аялдар, катышты жана эмнеге салым кошту.",
        "ru": "Сколько жителей, в том числе женщин, участвовали и чем помогли.",
        "en": "How many residents, including women, took part and what they contributed.",
    }),
    Criterion("partnership", {
        "ky": "ЖӨБ органдары менен өнөктөштүк",
        "ru": "Партнёрство с органами МСУ",
        "en": "Partnership with the LSG bodies",
    }, Scale(0, 5, 1), guidance={
        "ky": "Айыл өкмөтү жана жергиликтүү кеңеш менен кызматташуу, алардын салымы.",
        "ru": "Сотрудничество с айыл окмоту и местным кенешем, их вклад.",
        "en": "Cooperation with the aiyl okmotu and the local council, and their contribution.",
    }),
)


@dataclass
class LocalInitiativeCompetition(CompetitionType):
    """The programme's contest for local initiatives."""

    key: str = "local_initiative"
    label: Any = _l("Local initiative contest (preview)")
    description: Any = _l(
        "Community leaders, initiative groups, NGOs and LSG bodies show how residents and "
        "the local self-government solved a local problem together. Preview: the full "
        "application and prizes by place come in a later version.")
    version: str = "0.1"
    applicant_kinds: tuple[str, ...] = ("municipality", "ngo", "initiative_group")

    def criteria(self, competition: CompetitionInfo) -> Sequence[Criterion]:
        return CRITERIA

    def application_form(self, competition: CompetitionInfo):
        return LocalInitiativeForm
