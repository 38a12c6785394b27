"""The competition type of the tree-planting micro-grants."""

from collections.abc import Sequence
from decimal import Decimal

from gms.competition import (
    CompetitionInfo,
    CompetitionType,
    Criterion,
    ReportDefinition,
    Scale,
    SettingField,
    Spec,
    within_envelope,
)

from .forms import TreePlantingForm
from .i18n import _l
from .reports import SEEDLINGS
from .rules import cost_per_seedling, enough_seedlings

# The three criteria: (key, label per language).
CRITERIA = (
    ("site", {"ky": "Жер жана дарактардын түрлөрү жергиликтүү шартка ылайыктуу",
              "ru": "Место и породы деревьев подходят местным условиям",
              "en": "The site and the species suit local conditions"}),
    ("community", {"ky": "Тургундардын катышуусу",
                   "ru": "Участие жителей",
                   "en": "Residents take part"}),
    ("care", {"ky": "Отургузгандан кийин сугаруу жана кароо",
              "ru": "Полив и уход после посадки",
              "en": "Watering and care after planting"}),
)


class TreePlanting(CompetitionType):
    """Small grants to plant trees with the residents and care for them for three years."""

    key = "tree_planting"
    label = _l("Community tree-planting micro-grants")
    description = _l("Small grants for municipalities, NGOs and initiative groups that plant "
                     "trees with their residents and care for them afterwards.")
    version = "1"
    applicant_kinds = ("municipality", "ngo", "initiative_group")
    templates = {"application": "tree_planting/application.html"}
    rubric = tuple(Criterion(key, label, Scale(min=0, max=10, step=0.5), threshold=3,
                             comment_below=4)
                   for key, label in CRITERIA)
    reviewers_per_application = 2
    document_labels = {"planting_plan": _l("Planting plan with a map of the site")}
    required_documents = ("planting_plan",)

    def settings_fields(self) -> Sequence[SettingField]:
        return (
            SettingField("min_seedlings", _l("Minimum number of seedlings"), "int", 100,
                         _l("Applications with fewer seedlings cannot be submitted.")),
            SettingField("max_cost_per_seedling", _l("Highest cost per seedling, KGS"),
                         "decimal", Decimal(500),
                         _l("Above it staff see a warning at screening, not a refusal.")),
        )

    def eligibility_rules(self, competition: CompetitionInfo) -> Sequence[Spec]:
        settings = competition.settings
        specs = [enough_seedlings(minimum=settings["min_seedlings"] or 0)]
        if settings["max_cost_per_seedling"] is not None:
            specs.append(cost_per_seedling(limit=settings["max_cost_per_seedling"]))
        return specs

    def award_policy(self, competition: CompetitionInfo) -> Spec:
        return within_envelope(max_awards=competition.max_awards,
                               max_grant=competition.max_grant, per_organisation=1)

    def application_form(self, competition: CompetitionInfo):
        return TreePlantingForm

    def reports(self, competition: CompetitionInfo) -> Sequence[ReportDefinition]:
        return [SEEDLINGS]
