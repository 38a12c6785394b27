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

from .awards import WithinEnvelope
from .eligibility import EligibilityRule
from .info import ApplicationInfo, CompetitionInfo
from .scoring import Criterion, ScoringSheet


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


@dataclass(frozen=True)
class SettingField:
    """A per-call setting the competition declares; ``kind`` is int, decimal, bool or text."""

    name: str
    label: Any
    kind: str = "int"
    default: Any = None
    help: Any = ""


class CompetitionType:
    """Base class of competition types; subclasses override what differs.

    Class attributes: ``key`` (equals the plugin name, or ``<plugin>.<variant>``), ``label``,
    ``description``, ``version`` (bump it when criteria or rules change), ``applicant_kinds``
    (organisation kinds allowed to apply), ``anonymous_review`` and ``templates``: template
    names by slot — ``"application"`` (read-only view of the answers, variable ``answers``)
    and ``"review_panel"`` (an extra panel beside the answers on the staff and commission
    pages, variables ``application`` and ``call``).
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
        """The scored criteria."""
        raise NotImplementedError

    def scoring_sheet(self, competition: CompetitionInfo) -> ScoringSheet:
        """Criteria with aggregation and thresholds; frozen on the call when it opens."""
        return ScoringSheet(criteria=tuple(self.criteria(competition)))

    def eligibility_rules(self, competition: CompetitionInfo) -> Sequence[EligibilityRule]:
        """Rules run live on the form and again at submission and screening."""
        return ()

    def award_policy(self, competition: CompetitionInfo):
        """An object with ``decide(ranking, budget)``; defaults to funding within envelope."""
        return WithinEnvelope(max_awards=competition.max_awards,
                              max_grant=competition.max_grant)

    # -- applying ---------------------------------------------------------------------
    def application_form(self, competition: CompetitionInfo):
        """A WTForms form class (subclass of ``gms.forms.ApplicationForm``)."""
        raise NotImplementedError

    def document_kinds(self, competition: CompetitionInfo) -> Sequence[DocumentKind]:
        """Documents applicants upload."""
        return ()

    def identity_names(self, application: ApplicationInfo) -> Sequence[str]:
        """Names, besides the organisation's, its unit's and its rayon's, that identify the
        applicant (villages its answers name...): searched for in its documents before staff
        approve their anonymised copies under coded review."""
        return ()

    def requested_amount(self, answers: Mapping[str, Any]) -> Decimal | None:
        """The amount requested, read from the answers (``None`` when missing or not a number)."""
        try:
            return Decimal(str(answers["requested_amount"]))
        except (KeyError, ArithmeticError, ValueError):
            return None

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
