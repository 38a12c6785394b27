"""Pilot selection (preview): a municipality asks to become a pilot partner."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from gms.competition import CompetitionInfo, CompetitionType, Criterion, Scale
from gms.forms import ApplicationForm, DataRequired, Length, TextAreaField
from gms.i18n import _l


class PilotSelectionForm(ApplicationForm):
    summary = TextAreaField(
        _l("Summary: why your municipality wants to be a pilot, joint activities with "
           "residents and the help you need"),
        validators=[DataRequired(), Length(max=10000)])


CRITERIA = (
    Criterion("commitment", {
        "ky": "Кызыкдарлык жана биргелешкен чечим",
        "ru": "Заинтересованность и совместное решение",
        "en": "Commitment and joint decision",
    }, Scale(0, 5, 1), guidance={
        "ky": "Айыл өкмөтү менен жергиликтүү кеңештин биргелешкен чечими жана кызыгуу каты.",
        "ru": "Совместное решение айыл окмоту и местного кенеша, письмо о "
              "заинтересованности.",
        "en": "Joint decision of the aiyl okmotu and the local council; letter of interest.",
    }),
    Criterion("joint_activity", {
        "ky": "Жамаат менен биргелешкен иштер же идея",
        "ru": "Совместная деятельность с сообществом или идея",
        "en": "Joint activities with the community, or an idea",
    }, Scale(0, 5, 1), guidance={
        "ky": "Акыркы 12 айдагы биргелешкен иштер же жаңы башчынын идеясы жана керектүү жардам.",
        "ru": "Совместные мероприятия за последние 12 месяцев или идея нового главы и "
              "нужная помощь.",
        "en": "Joint activities in the last 12 months, or a new head's idea and the help "
              "needed.",
    }),
    Criterion("civic_groups", {
        "ky": "Жарандык топтор жана уюмдар",
        "ru": "Гражданские группы и организации",
        "en": "Civic groups and organisations",
    }, Scale(0, 5, 1), guidance={
        "ky": "Аймакта иштеген БӨУлар, расмий жана расмий эмес топтор, алар менен "
              "кызматташуу.",
        "ru": "НПО, формальные и неформальные группы на территории и сотрудничество с ними.",
        "en": "NGOs, formal and informal groups in the area, and cooperation with them.",
    }),
)


@dataclass
class PilotSelectionCompetition(CompetitionType):
    """Selection of pilot municipalities; no money, a memorandum of cooperation."""

    key: str = "pilot_selection"
    label: Any = _l("Pilot municipality selection (preview)")
    description: Any = _l(
        "Aiyl aimaks and small towns apply to become pilot partners of the programme. "
        "Preview: the full letter of interest and evidence forms come in a later version.")
    version: str = "0.1"
    applicant_kinds: tuple[str, ...] = ("municipality",)

    def criteria(self, competition: CompetitionInfo) -> Sequence[Criterion]:
        return CRITERIA

    def application_form(self, competition: CompetitionInfo):
        return PilotSelectionForm
