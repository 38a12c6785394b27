"""The two competition types of the plugin, on one shared base.

* ``local_initiative``: the programme's «Жергиликтүү демилге» / «Местная инициатива» contest
  (domain 3.3 (i)); with the ``ngo_only`` setting it is the special contest for NGOs (3.3 (iii)).
* ``local_initiative.municipal``: a municipality selects and finances local initiatives from
  its own budget under the model regulation (ГАМСУМО order of 05.09.2019 №01-18/84; 3.3 (ii)).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import select

from gms.answers import reports_reading_tables, to_int
from gms.competition import (
    CompetitionInfo,
    CompetitionType,
    DocumentKind,
    ReportDefinition,
    Scale,
    SettingField,
    Spec,
    fixed_amount,
    on_scale,
    policy,
)
from gms.extensions import db
from gms.models import Application

from . import criteria, municipal_rules, reports, rules
from .awards import NominationPrizes, envelope_with_partial
from .choices import DOCUMENT_LABELS, MUNICIPAL_REQUIRED_DOCUMENTS
from .forms import contest_form, municipal_form
from .i18n import _l
from .terms import (
    CONTEST_DEFAULTS,
    MUNICIPAL_DEFAULTS,
    ContestTerms,
    MunicipalTerms,
    contest_terms,
    municipal_terms,
)

PLUGIN = "local_initiative"
CONTEST_KEY = PLUGIN
MUNICIPAL_KEY = f"{PLUGIN}.municipal"


class LocalInitiativeBase(CompetitionType):
    """What both variants share: three reviewers, the documents' labels, the templates'
    panel, and the call's terms."""

    variant: str = ""
    reviewers_per_application = 3
    document_labels = DOCUMENT_LABELS
    templates = {"review_panel": f"{PLUGIN}/panel.html"}

    def terms(self, competition: CompetitionInfo) -> ContestTerms | MunicipalTerms:
        raise NotImplementedError


class LocalInitiativeContest(LocalInitiativeBase):
    """The programme's contest: prizes by place (and nomination) from a prize fund."""

    key = CONTEST_KEY
    label = _l("Local initiative contest")
    description = _l(
        "Community leaders, initiative groups, NGOs, LSG bodies and municipal institutions, "
        "alone or jointly, show how residents and the local self-government solved one local "
        "problem together. Any number of entries, each on one problem. Prizes by place from "
        "the prize fund, diplomas for the places and certificates for the finalists.")
    version = "1"
    variant = "contest"
    applicant_kinds = ("municipality", "ngo", "initiative_group")
    rubric = on_scale(criteria.CONTEST, Scale(0, 10, 0.5), comment_below=3)
    templates = {"application": f"{PLUGIN}/contest_application.html",
                 "review_panel": f"{PLUGIN}/panel.html"}

    def settings_fields(self) -> Sequence[SettingField]:
        d = CONTEST_DEFAULTS
        return (
            SettingField("place_ratio", _l("Places and their shares of the fund"), "text",
                         d["place_ratio"],
                         _l("Prizes of places I, II, III... in this ratio, e.g. 100:80:70. "
                            "With nominations, each nomination gets an equal part of the "
                            "fund, shared by its places in this ratio.")),
            SettingField("nominations", _l("Nominations"), "text", d["nominations"],
                         _l("Names separated by “;”. Empty: one general nomination. Each "
                            "entry competes in the nomination it chooses.")),
            SettingField("prizes_in_equipment", _l("Prizes are given as equipment"), "bool",
                         d["prizes_in_equipment"],
                         _l("Otherwise prizes are paid as money.")),
            SettingField("ngo_only",
                         _l("Special contest for NGOs: only registered NGOs may enter "
                            "(rules not documented)"), "bool", d["ngo_only"],
                         _l("The programme announced a special contest for NGOs without "
                            "rules; this runs the contest for NGOs only, with their "
                            "registration certificate.")),
        )

    def terms(self, competition: CompetitionInfo) -> ContestTerms:
        return contest_terms(competition)

    def eligibility_rules(self, competition: CompetitionInfo) -> Sequence[Spec]:
        return rules.contest_rule_specs(competition)

    def award_policy(self, competition: CompetitionInfo) -> Spec:
        terms = contest_terms(competition)
        return nomination_prizes(places=tuple(terms.places),
                                 nominations=len(terms.nominations),
                                 competition_id=competition.id)

    def application_form(self, competition: CompetitionInfo):
        return contest_form(contest_terms(competition).nominations)

    def document_kinds(self, competition: CompetitionInfo) -> Sequence[DocumentKind]:
        kinds = [self.document("photos"), self.document("support_letters"),
                 self.document("publications")]
        if contest_terms(competition).ngo_only:
            kinds.insert(0, self.document("ngo_registration", required=True))
        return tuple(kinds)

    def requested_amount_rule(self, competition: CompetitionInfo) -> Spec:
        """Nothing is requested: prizes come from the fund."""
        return fixed_amount(Decimal(0))

    def reports(self, competition: CompetitionInfo) -> Sequence[ReportDefinition]:
        return reports_reading_tables(reports.contest_definitions(), rules.TABLES)


class MunicipalInitiatives(LocalInitiativeBase):
    """A municipality's own call: financing local initiatives from the local budget."""

    key = MUNICIPAL_KEY
    label = _l("Local initiatives financed by a municipality (its own call)")
    description = _l(
        "A municipality selects and finances local initiatives of its residents, their "
        "groups and organisations from its own budget under the model regulation (ГАМСУМО "
        "order of 05.09.2019 №01-18/84): co-financing or completion, full or partial "
        "financing up to the call's maximum per initiative, decided by the municipality's "
        "own commission. Created by the municipality's staff.")
    version = "1"
    variant = "municipal"
    applicant_kinds = ("ngo", "initiative_group")
    rubric = on_scale(criteria.MUNICIPAL, Scale(0, 5, 1), comment_below=2)
    required_documents = MUNICIPAL_REQUIRED_DOCUMENTS
    optional_documents = ("contribution_evidence", "photos")
    templates = {"application": f"{PLUGIN}/municipal_application.html",
                 "review_panel": f"{PLUGIN}/panel.html"}

    def settings_fields(self) -> Sequence[SettingField]:
        d = MUNICIPAL_DEFAULTS
        return (
            SettingField("max_per_initiative_kgs", _l("Maximum financing per initiative, KGS"),
                         "decimal", d["max_per_initiative_kgs"]),
            SettingField("allow_co_financing", _l("Accept co-financing"), "bool",
                         d["allow_co_financing"],
                         _l("The initiative has money, labour or other resources and needs "
                            "more.")),
            SettingField("allow_completion", _l("Accept completion"), "bool",
                         d["allow_completion"],
                         _l("Results are achieved; money is needed to continue or finish.")),
            SettingField("partial_financing", _l("Partial financing allowed"), "bool",
                         d["partial_financing"],
                         _l("The first initiative in the ranking that no longer fits in the "
                            "envelope gets what is left of it.")),
            SettingField("public_hearing", _l("Public hearing before the decision"), "bool",
                         d["public_hearing"]),
            SettingField("min_contribution_percent",
                         _l("Minimum own contribution and attracted funds, percent of the "
                            "budget"), "decimal", d["min_contribution_percent"]),
            SettingField("implementation_deadline",
                         _l("Implementation deadline (YYYY-MM-DD; empty: none)"), "date",
                         d["implementation_deadline"]),
            SettingField("regulation",
                         _l("Local regulation: council resolution, number and date"), "text",
                         d["regulation"]),
        )

    def terms(self, competition: CompetitionInfo) -> MunicipalTerms:
        return municipal_terms(competition)

    def eligibility_rules(self, competition: CompetitionInfo) -> Sequence[Spec]:
        return municipal_rules.municipal_rule_specs(competition)

    def award_policy(self, competition: CompetitionInfo) -> Spec:
        terms = municipal_terms(competition)
        return envelope_with_partial(cap=terms.cap, partial=terms.partial_financing,
                                     max_awards=competition.max_awards)

    def application_form(self, competition: CompetitionInfo):
        return municipal_form(municipal_terms(competition).financing_types)

    def reports(self, competition: CompetitionInfo) -> Sequence[ReportDefinition]:
        return reports_reading_tables(reports.municipal_definitions(), rules.TABLES)


class NominationsFromAnswers:
    """``application_id → nomination number`` for a call, read from the stored answers in
    one query on first use (the core's ranking rows carry no answers)."""

    def __init__(self, competition_id: int | None):
        self.competition_id = competition_id
        self._numbers: dict[int, int | None] | None = None

    def __call__(self, application_id: int) -> int | None:
        if self._numbers is None:
            self._numbers = {
                app_id: to_int((answers or {}).get("nomination"))
                for app_id, answers in db.session.execute(select(
                    Application.id, Application.answers).where(
                    Application.competition_id == self.competition_id))}
        return self._numbers.get(application_id)


TYPES = (LocalInitiativeContest, MunicipalInitiatives)


def _nomination_prizes(places: tuple[Decimal, ...], nominations: int = 0,
                      competition_id: int | None = None) -> NominationPrizes:
    """The contest's policy: prizes by place per nomination, each entry's nomination read
    from the answers of the call ``competition_id``."""
    return NominationPrizes(places=places, nominations=nominations,
                            nomination_of=NominationsFromAnswers(competition_id))


nomination_prizes = policy("local_initiative.nomination_prizes", _nomination_prizes)

FACTORIES = (*rules.CONTEST_FACTORIES, *municipal_rules.MUNICIPAL_FACTORIES,
             envelope_with_partial, nomination_prizes)
