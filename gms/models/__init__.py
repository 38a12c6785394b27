"""Database models of the core, one module per area. The evaluation's and the money's tables
live in their domain packages (:mod:`gms.evaluation.models`, :mod:`gms.money.models`)."""

from .applications import AnonymisedCopy, Application, Attachment, EligibilityCheck
from .calls import Competition, translated
from .letters import LetterJob
from .log_ins import TwoFactorEnrolment, UserSession
from .people import AGENCIES, ORG_KINDS, ROLES, Organisation, RecoveryCode, Territory, User
from .system import AuditEntry, IntegrityCheck, OutboxMessage

__all__ = [
    "AnonymisedCopy", "Application", "Attachment", "EligibilityCheck", "Competition",
    "translated", "AGENCIES", "ORG_KINDS", "ROLES", "Organisation", "RecoveryCode",
    "Territory", "User",
    "AuditEntry", "IntegrityCheck",
    "OutboxMessage",
    "LetterJob",
    "TwoFactorEnrolment", "UserSession",
]
