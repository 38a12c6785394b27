"""Database models of the core, one module per area."""

from .applications import AnonymisedCopy, Application, Attachment, EligibilityCheck
from .calls import Competition, translated
from .commission import (
    COMMISSION_ROLES,
    SCORING_ROLES,
    AssignmentRun,
    CommissionMember,
    Conflict,
    ConflictClaim,
    Meeting,
    MemberLink,
)
from .evaluation import Appeal, Assignment, Award, ConsensusReport, ReviewTotals, Score
from .letters import LetterJob
from .log_ins import TwoFactorEnrolment, UserSession
from .money import Contribution, Grant, GrantDocument, GrantReport, Tranche, Transfer
from .people import AGENCIES, ORG_KINDS, ROLES, Organisation, RecoveryCode, Territory, User
from .system import AuditEntry, IntegrityCheck, OutboxMessage

__all__ = [
    "AnonymisedCopy", "Application", "Attachment", "EligibilityCheck", "Competition",
    "translated", "Assignment",
    "Award", "Score", "AGENCIES", "ORG_KINDS", "ROLES", "Organisation", "RecoveryCode",
    "Territory", "User",
    "AuditEntry", "IntegrityCheck",
    "OutboxMessage", "COMMISSION_ROLES", "SCORING_ROLES", "AssignmentRun", "CommissionMember",
    "Conflict", "ConflictClaim", "MemberLink", "Appeal", "ConsensusReport", "Meeting",
    "ReviewTotals",
    "Contribution", "Grant", "GrantDocument", "GrantReport", "Tranche", "Transfer",
    "LetterJob",
    "TwoFactorEnrolment", "UserSession",
]
