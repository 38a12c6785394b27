"""Database models of the core, one module per area."""

from .applications import Application, Attachment, EligibilityCheck
from .calls import Competition, translated
from .commission import (
    COMMISSION_ROLES,
    SCORING_ROLES,
    AssignmentRun,
    CommissionMember,
    Conflict,
    Meeting,
    MemberLink,
)
from .evaluation import Appeal, Assignment, Award, ConsensusReport, ReviewTotals, Score
from .money import Contribution, Grant, GrantDocument, GrantReport, Tranche, Transfer
from .people import ORG_KINDS, ROLES, Organisation, RecoveryCode, Territory, User
from .system import AuditEntry, OutboxMessage

__all__ = [
    "Application", "Attachment", "EligibilityCheck", "Competition", "translated", "Assignment",
    "Award", "Score", "ORG_KINDS", "ROLES", "Organisation", "RecoveryCode", "Territory", "User",
    "AuditEntry",
    "OutboxMessage", "COMMISSION_ROLES", "SCORING_ROLES", "AssignmentRun", "CommissionMember",
    "Conflict", "MemberLink", "Appeal", "ConsensusReport", "Meeting", "ReviewTotals",
    "Contribution", "Grant", "GrantDocument", "GrantReport", "Tranche", "Transfer",
]
