"""Money after the award: the grant (agreement and running totals), its tranches, transfers,
co-financing, reports and the documents attached to them.

Database guarantees (see docs/money.md):

- ``grants.transferred`` is the running total of the grant's transfers, in the grant's
  currency; a CHECK keeps it between 0 and ``grants.amount``, so no sequence of transfers,
  concurrent or not, can pay more than the award. The services lock the grant row
  (``SELECT ... FOR UPDATE``) and add to the column in SQL.
- A grant set in CHF also keeps its ceiling and running totals in KGS (``amount_kgs``: the
  award, which is in KGS; ``transferred_kgs``, ``returned_kgs``), checked the same way, so the
  ledger, which counts in KGS, can never show more transferred than awarded whatever the
  exchange rates; for a grant in KGS they equal ``amount``, ``transferred`` and ``returned``.
- ``transfers`` rows are never updated or deleted: an ORM guard refuses it (:func:`_refuse`),
  and triggers created by the migration refuse it in the database (PostgreSQL and SQLite).
  A mistake is corrected by a reversing entry (``reverses_id``), which a CHECK keeps negative.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from gms.evaluation.models import Award
from gms.extensions import db
from gms.models.types import Money, UTCDateTime
from gms.timeutil import utcnow

UNSIGNED, ACTIVE, CLOSED = "unsigned", "active", "closed"
GRANT_STATUSES = (UNSIGNED, ACTIVE, CLOSED)
CURRENCIES = ("KGS", "CHF")
#: kinds of money record: a payment to the grantee, or unspent money it returned
TRANSFER, RETURN = "transfer", "return"
#: sources of co-financing
SOURCES = ("local_budget", "community_cash", "in_kind", "labour", "other_donors")
PROMISED, ACTUAL = "promised", "actual"
PROGRESS, FINAL = "progress", "final"
#: report states: expected (not sent yet), sent, approved, returned for changes
DUE, SUBMITTED, APPROVED, RETURNED = "due", "submitted", "approved", "returned"
DOCUMENT_KINDS = ("signed_agreement", "photo", "procurement", "monitoring", "other")


class ImmutableRecord(RuntimeError):
    """Raised when code tries to change or delete a money record."""


def _same_as(context, column: str) -> Decimal:
    """The default of a KGS column of a grant inserted without it: the same value in the
    grant's currency (a grant in KGS), or 0."""
    return context.get_current_parameters().get(column) or Decimal(0)


class Grant(db.Model):
    """The money side of one funded award: its agreement, payment plan and running totals.

    ``status`` is ``unsigned`` until the agreement's signature dates and signed scan are
    recorded, then ``active`` (money may be transferred), then ``closed``.
    """

    __tablename__ = "grants"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("transferred >= 0 AND ROUND(transferred, 2) <= ROUND(amount, 2)",
                        name="transferred_within_amount"),
        CheckConstraint("returned >= 0 AND ROUND(returned, 2) <= ROUND(transferred, 2)",
                        name="returned_within_transferred"),
        CheckConstraint("currency IN ('KGS', 'CHF')", name="currency_known"),
        CheckConstraint("transferred_kgs >= 0 AND ROUND(transferred_kgs, 2) <= "
                        "ROUND(amount_kgs, 2)", name="transferred_kgs_within_award"),
        CheckConstraint("returned_kgs >= 0 AND ROUND(returned_kgs, 2) <= "
                        "ROUND(transferred_kgs, 2)", name="returned_kgs_within_transferred"),
        CheckConstraint("currency <> 'KGS' OR amount = amount_kgs", name="kgs_amount_is_award"),
        CheckConstraint("status IN ('unsigned', 'active', 'closed')", name="status_known"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    award_id: Mapped[int] = mapped_column(ForeignKey("awards.id"), unique=True)
    status: Mapped[str] = mapped_column(String(20), default=UNSIGNED, index=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    #: the agreement's language (ky or ru)
    language: Mapped[str] = mapped_column(String(5), default="ru")
    currency: Mapped[str] = mapped_column(String(3), default="KGS")
    #: the ceiling, in ``currency`` (for KGS, the award's amount)
    amount: Mapped[Decimal] = mapped_column(Money)
    #: running totals in ``currency``, kept by the transfer services
    transferred: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    returned: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    #: the ceiling in KGS: the award's amount, whatever the grant's currency (a row written
    #: without it is a grant in KGS: ``amount``)
    amount_kgs: Mapped[Decimal] = mapped_column(Money, default=lambda c: _same_as(c, "amount"))
    #: running totals in KGS (the records' ``amount_kgs``), kept with the ones above
    transferred_kgs: Mapped[Decimal] = mapped_column(
        Money, default=lambda c: _same_as(c, "transferred"))
    returned_kgs: Mapped[Decimal] = mapped_column(
        Money, default=lambda c: _same_as(c, "returned"))
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    #: the grantee's local-budget account (or treasury code), from its application
    #: (``gms_payee_account``), correctable by staff; prefilled on every transfer
    recipient_account: Mapped[str | None] = mapped_column(String(60))
    #: the code of the grantee's treasury office, from its application, correctable by staff
    treasury_code: Mapped[str | None] = mapped_column(String(60))
    opened_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    grantee_signed_on: Mapped[date | None] = mapped_column(Date)
    programme_signed_on: Mapped[date | None] = mapped_column(Date)
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closing_note: Mapped[str | None] = mapped_column(Text)
    #: why the grant closed with less co-financing than the call's minimum
    shortfall_reason: Mapped[str | None] = mapped_column(Text)

    award: Mapped[Award] = relationship()
    tranches: Mapped[list[Tranche]] = relationship(
        back_populates="grant", order_by="Tranche.number", cascade="all, delete-orphan")

    @property
    def signed(self) -> bool:
        return self.status in (ACTIVE, CLOSED)


class Tranche(db.Model):
    """One planned payment: an amount (from a percentage or typed), due on a date or at a
    milestone; with ``requires_report`` it is released only after its report is approved."""

    __tablename__ = "tranches"
    __table_args__ = (
        UniqueConstraint("grant_id", "number"),
        CheckConstraint("amount > 0", name="amount_positive"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    grant_id: Mapped[int] = mapped_column(ForeignKey("grants.id"), index=True)
    number: Mapped[int]
    percent: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    amount: Mapped[Decimal] = mapped_column(Money)
    due_on: Mapped[date | None] = mapped_column(Date)
    milestone: Mapped[str | None] = mapped_column(String(300))
    requires_report: Mapped[bool] = mapped_column(default=False)
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    released_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    grant: Mapped[Grant] = relationship(back_populates="tranches")


class Transfer(db.Model):
    """A money record, never changed: a transfer to the grantee or money it returned, or the
    reversal of one (``reverses_id``, with the opposite amount)."""

    __tablename__ = "transfers"
    __table_args__ = (
        CheckConstraint("kind IN ('transfer', 'return')", name="kind_known"),
        CheckConstraint("(reverses_id IS NULL AND amount_kgs > 0 AND amount > 0) OR "
                        "(reverses_id IS NOT NULL AND amount_kgs < 0 AND amount < 0)",
                        name="sign_matches_reversal"),
        CheckConstraint("exchange_rate IS NULL OR exchange_rate > 0", name="rate_positive"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    grant_id: Mapped[int] = mapped_column(ForeignKey("grants.id"), index=True)
    tranche_id: Mapped[int | None] = mapped_column(ForeignKey("tranches.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default=TRANSFER)
    value_date: Mapped[date] = mapped_column(Date, index=True)
    amount_kgs: Mapped[Decimal] = mapped_column(Money)
    #: KGS per 1 CHF, for a grant set in CHF
    exchange_rate: Mapped[Decimal | None] = mapped_column(Numeric(12, 6))
    #: the amount in the grant's currency (equal to ``amount_kgs`` for a KGS grant)
    amount: Mapped[Decimal] = mapped_column(Money)
    payment_order: Mapped[str] = mapped_column(String(60))
    recipient_account: Mapped[str] = mapped_column(String(60))
    #: the treasury code this record used (none for records made before it was kept)
    treasury_code: Mapped[str | None] = mapped_column(String(60))
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("transfers.id"), unique=True)
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Contribution(db.Model):
    """Co-financing, promised (at the agreement) or actual (during the project), by source."""

    __tablename__ = "contributions"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    grant_id: Mapped[int] = mapped_column(ForeignKey("grants.id"), index=True)
    stage: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(30))
    amount: Mapped[Decimal] = mapped_column(Money)
    note: Mapped[str | None] = mapped_column(String(500))
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class GrantReport(db.Model):
    """A progress or final report, expected from signing (``due``), sent by the grantee,
    approved or returned with comments by staff."""

    __tablename__ = "grant_reports"
    __table_args__ = (CheckConstraint("spent_total >= 0", name="spent_not_negative"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    grant_id: Mapped[int] = mapped_column(ForeignKey("grants.id"), index=True)
    #: the tranche this progress report releases
    tranche_id: Mapped[int | None] = mapped_column(ForeignKey("tranches.id"), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default=DUE, index=True)
    due_on: Mapped[date | None] = mapped_column(Date, index=True)
    narrative: Mapped[str | None] = mapped_column(Text)
    #: rows ``{"line": str, "budgeted": "123.00", "spent": "100.00"}``
    spending: Mapped[list] = mapped_column(JSON, default=list)
    spent_total: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    beneficiaries: Mapped[int | None]
    #: what the community monitoring group found
    monitoring_findings: Mapped[str | None] = mapped_column(Text)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    comment: Mapped[str | None] = mapped_column(Text)
    #: the last day a reminder was sent (one a day at most)
    reminded_on: Mapped[date | None] = mapped_column(Date)

    grant: Mapped[Grant] = relationship()


class GrantDocument(db.Model):
    """A file of a grant (the signed agreement) or of one of its reports (photos,
    procurement documents, the monitoring group's findings), stored under a generated name."""

    __tablename__ = "grant_documents"
    id: Mapped[int] = mapped_column(primary_key=True)
    grant_id: Mapped[int] = mapped_column(ForeignKey("grants.id"), index=True)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("grant_reports.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    filename: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# ------------------------------------------------------------------- the ORM guard on money

def _refuse(mapper, connection, target) -> None:
    raise ImmutableRecord("money records cannot be changed or deleted; record a reversal")


event.listen(Transfer, "before_update", _refuse)
event.listen(Transfer, "before_delete", _refuse)


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk(state) -> None:
    """``update(Transfer)`` and ``delete(Transfer)`` statements are refused as well."""
    if (state.is_update or state.is_delete) and any(
            m.class_ is Transfer for m in state.all_mappers):
        raise ImmutableRecord("money records cannot be changed or deleted; record a reversal")
