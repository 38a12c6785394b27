"""The competition-type contract every plugin implements.

A plugin defines one subclass of :class:`CompetitionType` per competition it offers and
hands instances to the core through the ``gms_register_competition_types`` hook. The core
never names a competition: it looks the type up by ``competition.type_key`` and calls the
methods below.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .contract import Spec, answer_field, within_envelope
from .info import ApplicationInfo, CompetitionInfo
from .scoring import Criterion, ScoringSheet
from .settings import SettingField


@dataclass(frozen=True)
class DocumentKind:
    """A kind of document an applicant uploads (e.g. a council resolution)."""

    code: str
    label: Any
    required: bool = False


@dataclass(frozen=True)
class ReportDefinition:
    """A report on a call: ``build(competition, applications)`` returns ``(header, rows)``."""

    key: str
    label: Any
    build: Callable[[CompetitionInfo, Sequence[ApplicationInfo]], tuple[list, list[list]]]


class CompetitionType:
    """Base class of competition types; subclasses override what differs.

    Class attributes: ``key`` (equals the plugin name, or ``<plugin>.<variant>``), ``label``,
    ``description``, ``version`` (bump it when criteria or rules change), ``applicant_kinds``
    (organisation kinds allowed to apply), ``anonymous_review`` and ``templates``: template
    names by slot — ``"application"`` (read-only view of the answers, variable ``answers``)
    and ``"review_panel"`` (an extra panel beside the answers on the staff and commission
    pages, variables ``application`` and ``call``).

    What most types declare rather than compute: ``rubric`` (the criteria, e.g. from
    :func:`~gms.competition.scoring.out_of_points`), ``reviewers_per_application``,
    ``document_labels`` (label by document code) with ``required_documents`` and
    ``optional_documents`` (codes). The default methods read them; override a method when
    the call's settings change the answer.
    """

    key: str = ""
    label: Any = ""
    description: Any = ""
    version: str = "1"
    applicant_kinds: tuple[str, ...] = ("municipality", "ngo", "initiative_group")
    templates: Mapping[str, str] = {}
    #: commission members see a code instead of the applicant until results are published
    #: (a call may override it with a setting named ``anonymous_review``)
    anonymous_review: bool = False
    rubric: Sequence[Criterion] = ()
    reviewers_per_application: int = 2
    document_labels: Mapping[str, Any] = {}
    required_documents: tuple[str, ...] = ()
    optional_documents: tuple[str, ...] = ()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.key} v{self.version}>"

    # -- settings ---------------------------------------------------------------------
    def settings_fields(self) -> Sequence[SettingField]:
        """The settings a call of this type offers, with defaults."""
        return ()

    def default_settings(self) -> dict[str, Any]:
        """Default values of :meth:`settings_fields`."""
        return {f.name: f.default for f in self.settings_fields()}

    # -- judging ----------------------------------------------------------------------
    def criteria(self, competition: CompetitionInfo) -> Sequence[Criterion]:
        """The scored criteria: the :attr:`rubric` unless overridden."""
        if not self.rubric:
            raise NotImplementedError(f"{type(self).__name__} declares no rubric")
        return tuple(self.rubric)

    def scoring_sheet(self, competition: CompetitionInfo) -> ScoringSheet:
        """Criteria with aggregation and thresholds; frozen on the call when it opens.
        The default sums the criteria, each application read by
        :attr:`reviewers_per_application` members."""
        return ScoringSheet(criteria=tuple(self.criteria(competition)),
                            reviewers_per_application=self.reviewers_per_application)

    def eligibility_rules(self, competition: CompetitionInfo) -> Sequence[Spec]:
        """Specs of the rules (from :func:`gms.competition.rule` factories) configured from
        the call's settings; frozen when the call opens, then run live on the form and again
        at submission and screening."""
        return ()

    def award_policy(self, competition: CompetitionInfo) -> Spec:
        """The spec of the award policy, frozen when the call opens; defaults to funding
        within the envelope (``core.within_envelope``)."""
        return within_envelope(max_awards=competition.max_awards,
                               max_grant=competition.max_grant)

    # -- applying ---------------------------------------------------------------------
    def application_form(self, competition: CompetitionInfo):
        """A WTForms form class (subclass of ``gms.forms.ApplicationForm``)."""
        raise NotImplementedError

    def document(self, code: str, required: bool = False) -> DocumentKind:
        """The document kind ``code``, labelled from :attr:`document_labels`."""
        return DocumentKind(code, self.document_labels[code], required)

    def document_kinds(self, competition: CompetitionInfo) -> Sequence[DocumentKind]:
        """Documents applicants upload; a call freezes their codes and ``required`` flags
        when it opens, and looks their labels up here by code (the code when gone). The
        default: :attr:`required_documents`, then :attr:`optional_documents` ("other" is
        offered by the core for every competition)."""
        return (*(self.document(code, required=True) for code in self.required_documents),
                *(self.document(code) for code in self.optional_documents))

    def identity_names(self, application: ApplicationInfo) -> Sequence[str]:
        """Names, besides the organisation's, its unit's and its rayon's, that identify the
        applicant (villages its answers name...): searched for in its documents before staff
        approve their anonymised copies under coded review."""
        return ()

    def requested_amount_rule(self, competition: CompetitionInfo) -> Spec:
        """The spec of how the requested amount is read from the answers, frozen when the
        call opens; defaults to the answer ``requested_amount`` (``core.answer_field``)."""
        return answer_field(field="requested_amount")

    # -- money ------------------------------------------------------------------------
    def payment_plan(self, competition: CompetitionInfo) -> Sequence[tuple[Decimal, bool]]:
        """The default tranches of an award of this call, as ``(percent, requires_report)``
        pairs in payment order; the percentages add up to 100.

        Staff may change a grant's plan (amounts, dates or milestones) until its agreement is
        signed. A tranche with ``requires_report`` is released only after the grantee's
        progress report for it is approved. The default is one transfer of the whole award
        (a prize, say). Read the split from the call's settings rather than fixing it, e.g.
        70 % and 30 % after an approved progress report::

            first = Decimal(competition.settings.get("first_tranche_percent") or 70)
            return [(first, False), (Decimal(100) - first, True)]

        The agreement itself is rendered from the template named by ``templates["agreement"]``
        when the type gives one (see docs/money.md), else from the core's grant agreement.
        """
        return [(Decimal(100), False)]

    # -- reporting --------------------------------------------------------------------
    def reports(self, competition: CompetitionInfo) -> Sequence[ReportDefinition]:
        """Reports offered on the call's report page."""
        return ()
