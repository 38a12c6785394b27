"""The pure competition contract: value types, scoring, eligibility, awards, registry.

Nothing here imports Flask or the database; plugins and their tests use it directly.
"""

from .awards import (
    FUNDED,
    NOT_FUNDED,
    RESERVE,
    AwardDecision,
    PrizesByPlace,
    Vacancy,
    WithinEnvelope,
    first_that_fits,
)
from .base import CompetitionType, DocumentKind, ReportDefinition, SettingField
from .eligibility import EligibilityResult, EligibilityRule, blocking_failures, run_rules
from .info import ApplicationInfo, CompetitionInfo, OrganisationInfo, RankedApplication
from .registry import Registry, RegistryError
from .scoring import Criterion, Scale, ScoringSheet

__all__ = [
    "FUNDED", "NOT_FUNDED", "RESERVE", "AwardDecision", "PrizesByPlace", "Vacancy",
    "WithinEnvelope", "first_that_fits", "CompetitionType",
    "DocumentKind", "ReportDefinition", "SettingField", "EligibilityResult", "EligibilityRule",
    "blocking_failures", "run_rules", "ApplicationInfo", "CompetitionInfo", "OrganisationInfo",
    "RankedApplication", "Registry", "RegistryError", "Criterion", "Scale", "ScoringSheet",
]
