"""The money page of one award (``finance/grant.html``) with its forms, and the way every
form on it is handled: validated, passed to a service, and on success a message and back to
the page; a refused form or action shows the page again (422) with what was typed."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, render_template
from sqlalchemy import func, select

from gms.evaluation.models import Award
from gms.extensions import db
from gms.services.common import ServiceError

from . import agreements, rates
from . import models as M
from . import reports as grant_reports
from .blueprint import back_to_award, flash_form_errors
from .forms import (
    CloseForm,
    ContributionForm,
    OpenGrantForm,
    PayeeForm,
    PlanForm,
    ReverseForm,
    SignForm,
    TermsForm,
    TransferForm,
    pad_rows,
)
from .models import Contribution, Grant, GrantDocument, Transfer

#: empty rows a table (payment plan, spending) offers beyond its filled ones
SPARE_ROWS = 2


def grant_context(grant: Grant) -> dict:
    """What the staff's and the grantee's pages of a grant show: tranches and what each was
    paid, money records, co-financing, reports and their files."""
    paid = dict(db.session.execute(
        select(Transfer.tranche_id, func.sum(Transfer.amount)).where(
            Transfer.grant_id == grant.id, Transfer.kind == M.TRANSFER)
        .group_by(Transfer.tranche_id)).all())
    records = db.session.scalars(select(Transfer).where(Transfer.grant_id == grant.id)
                                 .order_by(Transfer.value_date, Transfer.id)).all()
    contributions = db.session.scalars(select(Contribution).where(
        Contribution.grant_id == grant.id).order_by(Contribution.id)).all()
    reports = grant_reports.reports_of(grant)
    documents = db.session.scalars(select(GrantDocument).where(
        GrantDocument.grant_id == grant.id).order_by(GrantDocument.id)).all()
    promised, promised_share = agreements.cofinancing(grant, M.PROMISED)
    actual, actual_share = agreements.cofinancing(grant, M.ACTUAL)
    return {
        "tranches": list(grant.tranches), "paid": paid, "records": records,
        "reversed": {r.reverses_id for r in records if r.reverses_id},
        "contributions": contributions, "reports": reports,
        "report_documents": {r.id: [d for d in documents if d.report_id == r.id]
                             for r in reports},
        "scan": agreements.signed_scan(grant),
        "cofinancing": {"promised": promised, "promised_share": promised_share,
                        "actual": actual, "actual_share": actual_share,
                        "minimum": agreements.minimum_cofinancing(grant)},
        "today": agreements.today(),
        "rate_band": rates.band_text(),
        "chf_range": rates.chf_range(grant.award.amount),
    }


def _forms(grant: Grant) -> dict:
    """The page's forms as they first show: the grant's values, today's date."""
    today = agreements.today()
    plan_form = PlanForm(formdata=None, data={"tranches": [
        {"percent": t.percent, "due_on": t.due_on, "milestone": t.milestone or "",
         "requires_report": t.requires_report} for t in grant.tranches]})
    pad_rows(plan_form.tranches, len(grant.tranches) + SPARE_ROWS)
    return {
        "payee_form": PayeeForm(formdata=None, obj=grant),
        "terms_form": TermsForm(formdata=None, data={
            "language": grant.language, "currency": grant.currency,
            "amount": grant.amount if grant.currency == "CHF" else None,
            "starts_on": grant.starts_on, "ends_on": grant.ends_on}),
        "plan_form": plan_form,
        "sign_form": SignForm(formdata=None),
        "contribution_form": ContributionForm(formdata=None),
        "transfer_form": TransferForm(formdata=None, data={
            "value_date": today, "recipient_account": grant.recipient_account,
            "treasury_code": grant.treasury_code}),
        "reverse_form": ReverseForm(formdata=None, data={"value_date": today}),
        "reverse_id": None,
        "close_form": CloseForm(formdata=None, data={"value_date": today}),
    }


def award_page(award: Award, status: int = 200, **shown):
    """The award's money page; ``shown`` replaces forms (a refused one, as typed)."""
    grant = agreements.grant_of(award)
    context = {"award": award, "application": award.application,
               "call": award.application.competition, "grant": grant,
               "open_form": OpenGrantForm(formdata=None)}
    if grant is not None:
        context.update(grant_context(grant))
        context.update(_forms(grant))
    context.update(shown)
    return render_template("finance/grant.html", **context), status


def act(award: Award, form, action: Callable[[], object],
        done: str | Callable[[object], str], **shown):
    """Validate ``form`` and run ``action``: on success flash ``done`` (or ``done`` of what
    the action returned) and go back to the award's page; a refused form or action flashes
    why and shows the page again with ``form`` as typed (``shown`` names it, e.g.
    ``transfer_form=form``)."""
    if form.validate():
        try:
            result = action()
        except ServiceError as exc:
            db.session.rollback()  # the page shows what is stored
            flash(exc.message, "error")
        else:
            flash(done(result) if callable(done) else done, "success")
            return back_to_award(award.id)
    else:
        flash_form_errors(form)
    return award_page(award, 422, **shown)
