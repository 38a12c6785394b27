"""The pure competition contract: value types, scoring, eligibility, awards, settings,
factories of rules and policies, registry.

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
from .base import CompetitionType, DocumentKind, ReportDefinition
from .contract import (
    AMOUNT,
    POLICY,
    RULE,
    ContractError,
    Factories,
    Factory,
    Spec,
    amount_rule,
    answer_field,
    build_rules,
    fixed_amount,
    policy,
    prizes_by_place,
    rule,
    within_envelope,
)
from .eligibility import EligibilityResult, EligibilityRule, blocking_failures, run_rules
from .info import ApplicationInfo, CompetitionInfo, OrganisationInfo, RankedApplication
from .registry import Registry, RegistryError
from .scoring import Criterion, Scale, ScoringSheet, on_scale, out_of_points
from .settings import SettingField, stored_values, typed_values

__all__ = [
    "FUNDED", "NOT_FUNDED", "RESERVE", "AwardDecision", "PrizesByPlace", "Vacancy",
    "WithinEnvelope", "first_that_fits", "CompetitionType",
    "DocumentKind", "ReportDefinition", "SettingField", "EligibilityResult", "EligibilityRule",
    "blocking_failures", "run_rules", "ApplicationInfo", "CompetitionInfo", "OrganisationInfo",
    "RankedApplication", "Registry", "RegistryError", "Criterion", "Scale", "ScoringSheet",
    "AMOUNT", "POLICY", "RULE", "ContractError", "Factories", "Factory", "Spec", "amount_rule",
    "answer_field", "build_rules", "fixed_amount", "policy", "prizes_by_place", "rule",
    "within_envelope", "stored_values", "typed_values", "on_scale", "out_of_points",
]
