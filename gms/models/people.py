"""Territories, organisations and user accounts."""

from __future__ import annotations

from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import Date, ForeignKey, Index, String, Text, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gms.extensions import db
from gms.timeutil import utcnow

from .types import UTCDateTime

ROLES = ("applicant", "commission", "staff", "finance", "admin")
ORG_KINDS = ("municipality", "ngo", "initiative_group")
#: the bodies a commission member (or programme staff) comes from
AGENCIES = ("government_office", "ministry_of_finance", "state_agency", "lsg_union",
            "programme")


class Territory(db.Model):
    """A local unit (aiyl aimak or town) of the national SOATE classifier, with validity."""

    __tablename__ = "territories"
    soate_code: Mapped[str] = mapped_column(String(14), primary_key=True)
    name_ru: Mapped[str] = mapped_column(String(200))
    #: Kyrgyz and English names with their type words; the district and oblast in Kyrgyz
    name_ky: Mapped[str | None] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    rayon: Mapped[str] = mapped_column(String(200))
    rayon_ky: Mapped[str | None] = mapped_column(String(200))
    oblast: Mapped[str] = mapped_column(String(100), index=True)
    oblast_ky: Mapped[str | None] = mapped_column(String(100))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(100))

    @property
    def display_name(self) -> str:
        """Name with collapsed whitespace and the district, as names repeat across rayons."""
        name = " ".join(self.name_ru.split())
        rayon = " ".join(self.rayon.split()).replace("районрайон", "район")
        return f"{name} ({rayon})"


class Organisation(db.Model):
    """An applicant organisation: municipality, NGO or initiative group."""

    __tablename__ = "organisations"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(300))
    territory_code: Mapped[str | None] = mapped_column(ForeignKey("territories.soate_code"))
    oblast: Mapped[str | None] = mapped_column(String(100), index=True)
    tax_id: Mapped[str | None] = mapped_column(String(30))
    address: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    territory: Mapped[Territory | None] = relationship()


class User(UserMixin, db.Model):
    """A person with one role; applicants belong to an organisation."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(20), default="applicant")
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"),
                                                        index=True)
    locale: Mapped[str | None] = mapped_column(String(5))
    #: for programme staff, finance and commission members: the body they come from
    agency: Mapped[str | None] = mapped_column(String(30))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # two-factor log-in (TOTP, RFC 6238): the base32 secret, when it was confirmed, and the
    # last time step accepted, so that a code is never accepted twice
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    totp_last_step: Mapped[int | None]
    # False only for a self-registered account until it opens the link e-mailed to it;
    # accounts made by an administrator or the demo (and every row from before) count as
    # confirmed
    email_confirmed: Mapped[bool] = mapped_column(default=True, server_default=true())

    organisation: Mapped[Organisation | None] = relationship()

    @property
    def has_two_factor(self) -> bool:
        """True once the user has confirmed an authenticator app."""
        return self.totp_confirmed_at is not None

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    def has_role(self, *roles: str) -> bool:
        """True for any of ``roles``; administrators have every role."""
        return self.role in roles or self.role == "admin"


class RecoveryCode(db.Model):
    """A one-time code (stored hashed) that replaces the authenticator app once."""

    __tablename__ = "recovery_codes"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(300))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class MembershipRequest(db.Model):
    """A registered person asking to join an organisation that already has members (a
    municipality): they become a member only once a member of it, or programme staff,
    approves. ``status``: pending, approved or declined."""

    __tablename__ = "membership_requests"
    __table_args__ = (Index("ix_membership_requests_organisation_id_status",
                            "organisation_id", "status"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    status: Mapped[str] = mapped_column(String(20), default="pending")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    organisation: Mapped[Organisation] = relationship()
