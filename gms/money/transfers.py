"""Money records: tranche releases, transfers, reversals, returns of unspent money, closing.

Every change of money takes the grant's row lock first (``SELECT ... FOR UPDATE``), checks
against the running totals, adds to them in SQL (``transferred = transferred + x``) and lets
the grant's CHECK constraints refuse anything beyond the award. The totals are kept both in
the grant's currency and in KGS (a grant set in CHF is paid in KGS at a rate within the
configured band, and never more KGS than its award). Two finance officers recording at the
same moment are serialised by the lock, and the database refuses an overpayment even if a
code path forgot it. Transfer rows are never changed: a mistake is reversed.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from gms.competition import FUNDED
from gms.competition.payee import clean
from gms.extensions import db
from gms.i18n import _
from gms.models import User
from gms.services import audit
from gms.services.common import ServiceError, commit
from gms.timeutil import utcnow

from . import models as M
from . import rates
from .agreements import (
    CENT,
    amount_text,
    cofinancing,
    minimum_cofinancing,
    plausible_date,
    today,
)
from .models import Grant, GrantReport, Tranche, Transfer

#: exchange rates are stored with 6 digits before and after the point (``Numeric(12, 6)``)
MIN_RATE, MAX_RATE = Decimal("0.000001"), Decimal(10) ** 6


def lock_grant(grant_id: int) -> Grant:
    """The grant, re-read and locked for the rest of the transaction (PostgreSQL; SQLite
    serialises writers by itself)."""
    grant = db.session.get(Grant, grant_id, with_for_update=True, populate_existing=True)
    if grant is None:
        raise ServiceError(_("This grant does not exist."), 404)
    return grant


def _check_active(grant: Grant) -> None:
    if grant.status == M.UNSIGNED:
        raise ServiceError(_("The agreement is not signed yet: an unsigned award cannot "
                             "receive money."), 409)
    if grant.status != M.ACTIVE:
        raise ServiceError(_("The grant is closed."), 409)
    if grant.award.outcome != FUNDED:
        raise ServiceError(_("The award is no longer funded."), 409)


def _text(value: str | None, message: str, limit: int = 60) -> str:
    value = " ".join((value or "").split())
    if not value:
        raise ServiceError(message)
    return value[:limit]


def _value_date(value: date | None, grant: Grant) -> date:
    """A payment's date: given, not in the future (in the programme's time zone), and not
    before the year the grant's agreement was signed (nor before 2000)."""
    if value is None:
        raise ServiceError(_("Give the date of the payment."))
    if value > today():
        raise ServiceError(_("The payment date cannot be in the future."))
    signed = [d for d in (grant.grantee_signed_on, grant.programme_signed_on) if d is not None]
    return plausible_date(value, date(min(signed).year, 1, 1) if signed else date.min)


def _in_grant_currency(grant: Grant, amount_kgs: Decimal, rate: Decimal | None
                       ) -> tuple[Decimal, Decimal | None]:
    if grant.currency == "KGS":
        if rate is not None:
            raise ServiceError(_("An exchange rate is given only for a grant set in CHF."))
        return amount_kgs, None
    if rate is None:
        raise ServiceError(_("Give the exchange rate (KGS for 1 CHF) of this transfer."))
    rates.check_rate(rate)  # within the configured band, or refused naming it
    if not MIN_RATE <= rate < MAX_RATE:  # what the column holds, whatever the band says
        raise ServiceError(_("Give the exchange rate (KGS for 1 CHF) of this transfer."))
    amount = (amount_kgs / rate).quantize(CENT, ROUND_HALF_UP)
    if amount <= 0:  # less than a centime at this rate
        raise ServiceError(_("The amount must be more than zero."))
    return amount, rate


def _tyiyn(amount: Decimal | None) -> Decimal | None:
    """An amount as it is stored, to the tyiyn: checks see what is written (``1e-30`` is 0)."""
    return None if amount is None else Decimal(amount).quantize(CENT, ROUND_HALF_UP)


def _flush_money() -> None:
    """Flush; a CHECK constraint that refuses becomes a :class:`ServiceError`."""
    try:
        db.session.flush()
    except IntegrityError as exc:
        db.session.rollback()
        raise ServiceError(_("The database refused the record: the total would exceed the "
                             "award."), 409) from exc


# ----------------------------------------------------------------------------- tranches

def report_for(tranche: Tranche) -> GrantReport | None:
    return db.session.scalar(select(GrantReport).where(GrantReport.tranche_id == tranche.id))


def _release(grant: Grant, tranche: Tranche, actor: User) -> None:
    """Release ``tranche`` (the grant is locked and active)."""
    if tranche.released_at is not None:
        return
    earlier = [t for t in grant.tranches if t.number < tranche.number and t.released_at is None]
    if earlier:
        raise ServiceError(_("Release tranche %(n)d first.", n=earlier[0].number), 409)
    if tranche.requires_report:
        report = report_for(tranche)
        if report is None or report.status != M.APPROVED:
            raise ServiceError(_("Tranche %(n)d can be released only after its progress report "
                                 "is approved.", n=tranche.number), 409)
    tranche.released_at, tranche.released_by_id = utcnow(), actor.id
    audit.record("tranche.released", tranche, {"grant_id": grant.id, "number": tranche.number,
                                               "amount": str(tranche.amount)},
                 actor_id=actor.id)


def release_tranche(tranche: Tranche, actor: User) -> None:
    """Allow payments of a tranche: the grant is signed, the tranches before it are released,
    and a report-gated tranche has its progress report approved."""
    grant = lock_grant(tranche.grant_id)
    _check_active(grant)
    _release(grant, tranche, actor)
    commit()


# ---------------------------------------------------------------------------- transfers

def record_transfer(grant: Grant, *, tranche_id: int | None, value_date: date | None,
                    amount_kgs: Decimal | None, payment_order: str,
                    recipient_account: str | None, exchange_rate: Decimal | None = None,
                    note: str = "", actor: User, treasury_code: str | None = None) -> Transfer:
    """Record a transfer to the grantee (releasing its tranche if allowed). Refused for an
    unsigned or closed grant, beyond the tranche, and beyond the award. The account and the
    treasury code default to the grant's (from the application, or as staff corrected them);
    the record keeps the ones it used."""
    amount_kgs = _tyiyn(amount_kgs)
    if amount_kgs is None or amount_kgs <= 0:
        raise ServiceError(_("The amount must be more than zero."))
    payment_order = _text(payment_order, _("Give the payment order number."))
    grant = lock_grant(grant.id)
    _check_active(grant)
    value_date = _value_date(value_date, grant)
    account = _text(recipient_account or grant.recipient_account,
                    _("Give the local-budget account or treasury code."))
    treasury = clean(treasury_code) or grant.treasury_code
    amount, rate = _in_grant_currency(grant, amount_kgs, exchange_rate)
    tranche = next((t for t in grant.tranches if t.id == tranche_id), None)
    if tranche is None:
        raise ServiceError(_("Choose the tranche this transfer pays."))
    _release(grant, tranche, actor)
    paid = Decimal(db.session.scalar(select(func.coalesce(func.sum(Transfer.amount), 0)).where(
        Transfer.tranche_id == tranche.id, Transfer.kind == M.TRANSFER)) or 0)
    if paid + amount > Decimal(tranche.amount):
        raise ServiceError(_("Tranche %(n)d is %(amount)s and %(paid)s of it is paid: this "
                             "transfer is too large.", n=tranche.number,
                             amount=amount_text(tranche.amount, grant.currency),
                             paid=amount_text(paid, grant.currency)), 409)
    if Decimal(grant.transferred) + amount > Decimal(grant.amount):
        raise ServiceError(_("The transfers would exceed the award of %(amount)s.",
                             amount=amount_text(grant.amount, grant.currency)), 409)
    if Decimal(grant.transferred_kgs) + amount_kgs > Decimal(grant.amount_kgs):
        raise ServiceError(_("The transfers would exceed the award of %(amount)s: "
                             "%(transferred)s is transferred already.",
                             amount=amount_text(grant.amount_kgs),
                             transferred=amount_text(grant.transferred_kgs)), 409)
    row = Transfer(grant_id=grant.id, tranche_id=tranche.id, kind=M.TRANSFER,
                   value_date=value_date, amount_kgs=amount_kgs, exchange_rate=rate,
                   amount=amount, payment_order=payment_order, recipient_account=account,
                   treasury_code=treasury,
                   note=(note or "").strip()[:2000] or None, recorded_by_id=actor.id,
                   recorded_at=utcnow())
    db.session.add(row)
    grant.transferred = Grant.transferred + amount
    grant.transferred_kgs = Grant.transferred_kgs + amount_kgs
    _flush_money()
    audit.record("transfer.recorded", row, {
        "grant_id": grant.id, "tranche": tranche.number, "amount_kgs": str(amount_kgs),
        "amount": str(amount), "currency": grant.currency, "payment_order": payment_order,
        "value_date": value_date.isoformat(), "recipient_account": account,
        "treasury_code": treasury}, actor_id=actor.id)
    commit()
    return row


def _return_row(grant: Grant, *, value_date: date, amount_kgs: Decimal, payment_order: str,
                exchange_rate: Decimal | None, note: str, actor: User) -> Transfer:
    amount, rate = _in_grant_currency(grant, amount_kgs, exchange_rate)
    if Decimal(grant.returned) + amount > Decimal(grant.transferred):
        raise ServiceError(_("More cannot be returned than was transferred (%(amount)s).",
                             amount=amount_text(grant.transferred, grant.currency)), 409)
    if Decimal(grant.returned_kgs) + amount_kgs > Decimal(grant.transferred_kgs):
        raise ServiceError(_("More cannot be returned than was transferred (%(amount)s).",
                             amount=amount_text(grant.transferred_kgs)), 409)
    row = Transfer(grant_id=grant.id, kind=M.RETURN, value_date=value_date,
                   amount_kgs=amount_kgs, exchange_rate=rate, amount=amount,
                   payment_order=payment_order,
                   recipient_account=grant.recipient_account or "—",
                   treasury_code=grant.treasury_code,
                   note=(note or "").strip()[:2000] or None, recorded_by_id=actor.id,
                   recorded_at=utcnow())
    db.session.add(row)
    grant.returned = Grant.returned + amount
    grant.returned_kgs = Grant.returned_kgs + amount_kgs
    _flush_money()
    audit.record("transfer.returned", row, {
        "grant_id": grant.id, "amount_kgs": str(amount_kgs), "amount": str(amount),
        "payment_order": payment_order, "value_date": value_date.isoformat()},
        actor_id=actor.id)
    return row


def reverse(transfer: Transfer, *, value_date: date | None, payment_order: str, reason: str,
            actor: User) -> Transfer:
    """Correct a record by a reversing entry with the opposite amount (once per record)."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ServiceError(_("Give the reason for the reversal."))
    payment_order = _text(payment_order, _("Give the payment order number."))
    grant = lock_grant(transfer.grant_id)
    if grant.status != M.ACTIVE:
        raise ServiceError(_("Only the records of an active grant can be reversed."), 409)
    value_date = _value_date(value_date, grant)
    if transfer.reverses_id is not None:
        raise ServiceError(_("A reversal cannot itself be reversed: record the transfer "
                             "again."), 409)
    if db.session.scalar(select(Transfer.id).where(Transfer.reverses_id == transfer.id)):
        raise ServiceError(_("This record is already reversed."), 409)
    row = Transfer(grant_id=grant.id, tranche_id=transfer.tranche_id, kind=transfer.kind,
                   value_date=value_date, amount_kgs=-Decimal(transfer.amount_kgs),
                   exchange_rate=transfer.exchange_rate, amount=-Decimal(transfer.amount),
                   payment_order=payment_order, recipient_account=transfer.recipient_account,
                   treasury_code=transfer.treasury_code, reverses_id=transfer.id,
                   note=reason[:2000], recorded_by_id=actor.id, recorded_at=utcnow())
    db.session.add(row)
    if transfer.kind == M.TRANSFER:
        grant.transferred = Grant.transferred - Decimal(transfer.amount)
        grant.transferred_kgs = Grant.transferred_kgs - Decimal(transfer.amount_kgs)
    else:
        grant.returned = Grant.returned - Decimal(transfer.amount)
        grant.returned_kgs = Grant.returned_kgs - Decimal(transfer.amount_kgs)
    try:
        db.session.flush()
    except IntegrityError as exc:
        db.session.rollback()
        raise ServiceError(_("This transfer cannot be reversed while money returned from it "
                             "is recorded: reverse the return first."), 409) from exc
    audit.record("transfer.reversed", row, {
        "grant_id": grant.id, "reverses": transfer.id, "amount_kgs": str(row.amount_kgs),
        "reason": reason}, actor_id=actor.id)
    commit()
    return row


def record_return(grant: Grant, *, value_date: date | None, amount_kgs: Decimal | None,
                  payment_order: str, exchange_rate: Decimal | None = None, note: str = "",
                  actor: User) -> Transfer:
    """Record unspent money the grantee returned (at most what it received)."""
    amount_kgs = _tyiyn(amount_kgs)
    if amount_kgs is None or amount_kgs <= 0:
        raise ServiceError(_("The amount must be more than zero."))
    payment_order = _text(payment_order, _("Give the payment order number."))
    grant = lock_grant(grant.id)
    if grant.status != M.ACTIVE:
        raise ServiceError(_("Returns are recorded while the grant is active."), 409)
    value_date = _value_date(value_date, grant)
    row = _return_row(grant, value_date=value_date,
                      amount_kgs=Decimal(amount_kgs).quantize(CENT, ROUND_HALF_UP),
                      payment_order=payment_order, exchange_rate=exchange_rate, note=note,
                      actor=actor)
    commit()
    return row


def close(grant: Grant, *, returned_kgs: Decimal | None, value_date: date | None,
          payment_order: str = "", exchange_rate: Decimal | None = None, note: str = "",
          shortfall_reason: str = "", actor: User) -> None:
    """Close an active grant after its final report is approved, recording the unspent money
    returned (if any). With actual co-financing below the call's minimum, a reason is needed.
    What was never transferred goes back to the call's available money."""
    grant = lock_grant(grant.id)
    if grant.status != M.ACTIVE:
        raise ServiceError(_("Only an active grant can be closed."), 409)
    final = db.session.scalar(select(GrantReport).where(GrantReport.grant_id == grant.id,
                                                        GrantReport.kind == M.FINAL))
    if final is None or final.status != M.APPROVED:
        raise ServiceError(_("Approve the final report before closing the grant."), 409)
    minimum = minimum_cofinancing(grant)
    _total, share = cofinancing(grant, M.ACTUAL)
    shortfall_reason = " ".join((shortfall_reason or "").split())
    if minimum > 0 and (share or 0) < minimum and not shortfall_reason:
        raise ServiceError(_("The actual co-financing is %(share)s %% of the project, below the "
                             "call's minimum of %(min)s %%: give the reason to close anyway.",
                             share=share or 0, min=minimum), 409)
    returned_kgs = _tyiyn(returned_kgs)
    if returned_kgs:
        if returned_kgs < 0:
            raise ServiceError(_("The amount must be more than zero."))
        _return_row(grant, value_date=_value_date(value_date, grant),
                    amount_kgs=Decimal(returned_kgs).quantize(CENT, ROUND_HALF_UP),
                    payment_order=_text(payment_order, _("Give the payment order number.")),
                    exchange_rate=exchange_rate, note=note, actor=actor)
    grant.status, grant.closed_at, grant.closed_by_id = M.CLOSED, utcnow(), actor.id
    grant.closing_note = (note or "").strip()[:5000] or None
    grant.shortfall_reason = shortfall_reason[:5000] or None
    db.session.flush()
    db.session.refresh(grant)
    audit.record("grant.closed", grant, {
        "transferred": str(grant.transferred), "returned": str(grant.returned),
        "cofinancing_share": str(share) if share is not None else None,
        "shortfall_reason": grant.shortfall_reason}, actor_id=actor.id)
    commit()
