"""Money records, by finance officers: releasing a tranche, transfers, reversals, returned
money and closing a grant."""

from __future__ import annotations

from flask import flash
from flask_login import current_user

from gms.i18n import _
from gms.web.access import flashing_errors, get_or_404, roles_required

from . import transfers as money
from .blueprint import back_to_award, bp, managed_grant
from .forms import CloseForm, ReturnForm, ReverseForm, TransferForm
from .grant_page import act
from .models import Tranche, Transfer


@bp.route("/tranches/<int:tranche_id>/release", methods=["POST"])
@roles_required("finance")
def release(tranche_id: int):
    tranche = get_or_404(Tranche, tranche_id)
    grant = managed_grant(tranche.grant_id)
    with flashing_errors():
        money.release_tranche(tranche, current_user)
        flash(_("Tranche %(n)d is released for payment.", n=tranche.number), "success")
    return back_to_award(grant.award_id)


@bp.route("/grants/<int:grant_id>/transfers", methods=["POST"])
@roles_required("finance")
def record_transfer(grant_id: int):
    grant = managed_grant(grant_id)
    form = TransferForm()

    def action():
        money.record_transfer(
            grant, tranche_id=form.tranche_id.data, value_date=form.value_date.data,
            amount_kgs=form.amount_kgs.data, payment_order=form.payment_order.data or "",
            recipient_account=form.recipient_account.data,
            treasury_code=form.treasury_code.data, exchange_rate=form.exchange_rate.data,
            note=form.note.data or "", actor=current_user)

    return act(grant.award, form, action, _("The transfer is recorded."), transfer_form=form)


@bp.route("/transfers/<int:transfer_id>/reverse", methods=["POST"])
@roles_required("finance")
def reverse(transfer_id: int):
    record = get_or_404(Transfer, transfer_id)
    grant = managed_grant(record.grant_id)
    form = ReverseForm()

    def action():
        money.reverse(record, value_date=form.value_date.data,
                      payment_order=form.payment_order.data or "",
                      reason=form.reason.data or "", actor=current_user)

    return act(grant.award, form, action, _("The reversing entry is recorded."),
               reverse_form=form, reverse_id=record.id)


@bp.route("/grants/<int:grant_id>/returns", methods=["POST"])
@roles_required("finance")
def record_return(grant_id: int):
    grant = managed_grant(grant_id)
    form = ReturnForm()

    def action():
        money.record_return(grant, value_date=form.value_date.data,
                            amount_kgs=form.amount_kgs.data,
                            payment_order=form.payment_order.data or "",
                            exchange_rate=form.exchange_rate.data,
                            note=form.note.data or "", actor=current_user)

    return act(grant.award, form, action, _("The returned money is recorded."))


@bp.route("/grants/<int:grant_id>/close", methods=["POST"])
@roles_required("finance")
def close(grant_id: int):
    grant = managed_grant(grant_id)
    form = CloseForm()

    def action():
        money.close(grant, returned_kgs=form.returned_kgs.data,
                    value_date=form.value_date.data,
                    payment_order=form.payment_order.data or "",
                    exchange_rate=form.exchange_rate.data, note=form.note.data or "",
                    shortfall_reason=form.shortfall_reason.data or "", actor=current_user)

    return act(grant.award, form, action, _("The grant is closed."), close_form=form)
