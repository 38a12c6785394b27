"""Read-only views of calls, organisations and applications handed to competition logic.

Plugins receive these frozen dataclasses, never ORM rows, so their rules stay pure Python.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class OrganisationInfo:
    """An organisation: the applicant, or the municipality organising its own call."""

    id: int | None
    kind: str
    name: str
    territory_code: str | None = None
    oblast: str | None = None
    rayon: str | None = None
    territory_kind: str | None = None


@dataclass(frozen=True)
class CompetitionInfo:
    """A call as the competition logic sees it; ``organiser`` is set for a call a
    municipality runs itself."""

    id: int | None
    type_key: str
    settings: Mapping[str, Any] = field(default_factory=dict)
    budget: Decimal = Decimal(0)
    max_awards: int | None = None
    max_grant: Decimal | None = None
    oblasts: tuple[str, ...] = ()
    opens_at: datetime | None = None
    deadline_at: datetime | None = None
    organiser: OrganisationInfo | None = None


@dataclass(frozen=True)
class ApplicationInfo:
    """An application with everything eligibility rules may look at.

    ``attachment_kinds`` lists the kinds of uploaded documents; ``other_applications``
    counts the organisation's other submitted applications in the same call.
    """

    id: int | None
    competition: CompetitionInfo
    organisation: OrganisationInfo
    answers: Mapping[str, Any] = field(default_factory=dict)
    requested_amount: Decimal | None = None
    attachment_kinds: frozenset[str] = frozenset()
    other_applications: int = 0


@dataclass(frozen=True)
class RankedApplication:
    """One row of a ranking, input of an award policy."""

    application_id: int
    organisation_id: int
    score: Decimal | None
    requested_amount: Decimal
    rank: int
    passed_thresholds: bool = True
