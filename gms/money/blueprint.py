"""The finance blueprint (``finance``, ``/finance``, templates in ``templates/finance/``) and
what its views share: the names shown for codes, who may see a grant, and a refused form shown
again.

Roles: ``staff`` prepare and sign agreements and decide on reports; ``finance`` record money
(transfers, reversals, returns, closing); both see the ledger. Grantees (applicants) see their
own grants and send reports. The open-data page and its files are public. The views are in
:mod:`gms.money.ledger_views`, :mod:`gms.money.grant_views` and
:mod:`gms.money.report_views`.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, url_for
from flask_login import current_user

from gms.evaluation.models import Award
from gms.forms import refuse_unstorable_input
from gms.i18n import _l
from gms.web.access import get_or_404, managed_call

from . import models as M
from .agreements import amount_text
from .models import Grant

bp = Blueprint("finance", __name__, url_prefix="/finance", template_folder="templates")
bp.before_request(refuse_unstorable_input())

GRANT_STATUS_NAMES = {M.UNSIGNED: _l("not signed"), M.ACTIVE: _l("active"),
                      M.CLOSED: _l("closed")}
REPORT_STATUS_NAMES = {M.DUE: _l("expected"), M.SUBMITTED: _l("sent"),
                       M.APPROVED: _l("approved"), M.RETURNED: _l("returned for changes")}
REPORT_KIND_NAMES = {M.PROGRESS: _l("Progress report"), M.FINAL: _l("Final report")}
SOURCE_NAMES = {"local_budget": _l("Local budget"), "community_cash": _l("Community cash"),
                "in_kind": _l("In kind"), "labour": _l("Labour"),
                "other_donors": _l("Other donors")}
DOCUMENT_NAMES = {"signed_agreement": _l("Signed agreement"), "photo": _l("Photo"),
                  "procurement": _l("Procurement document"),
                  "monitoring": _l("Monitoring group's findings"), "other": _l("Other")}
COLUMN_NAMES = {"envelope": _l("Envelope"), "awarded": _l("Awarded"), "signed": _l("Signed"),
                "transferred": _l("Transferred"), "cofinanced": _l("Co-financed"),
                "reported": _l("Reported"), "returned": _l("Returned"),
                "available": _l("Available")}


@bp.app_context_processor
def _names():
    return {"GRANT_STATUS_NAMES": GRANT_STATUS_NAMES, "REPORT_STATUS_NAMES": REPORT_STATUS_NAMES,
            "REPORT_KIND_NAMES": REPORT_KIND_NAMES, "SOURCE_NAMES": SOURCE_NAMES,
            "DOCUMENT_NAMES": DOCUMENT_NAMES, "COLUMN_NAMES": COLUMN_NAMES,
            "amount_text": amount_text}


def flash_form_errors(form) -> None:
    """Flash each error of ``form`` after its field's label (a table's cell with its row
    number, as the page labels it: ``Amount 2``)."""
    for field in form:
        if hasattr(field, "entries"):  # a table: its rows' cells
            for number, entry in enumerate(field.entries, start=1):
                for cell in entry.form:
                    for error in cell.errors:
                        flash(f"{cell.label.text} {number}: {error}", "error")
            continue
        for error in field.errors if isinstance(field.errors, list) else ():
            flash(f"{field.label.text}: {error}" if field.label.text else str(error), "error")


def managed_award(award_id: int) -> Award:
    """The award, if the user manages its call (else 403/404)."""
    award = get_or_404(Award, award_id)
    managed_call(award.competition_id)
    return award


def managed_grant(grant_id: int) -> Grant:
    """The grant, if the user manages its call (else 403/404)."""
    grant = get_or_404(Grant, grant_id)
    managed_call(grant.award.competition_id)
    return grant


def grant_visible(grant: Grant) -> None:
    """Staff and finance of the call, or the grantee's own users; 404 for anyone else."""
    if not current_user.is_authenticated:
        abort(404)
    if current_user.has_role("staff", "finance"):
        managed_call(grant.award.competition_id)
        return
    org = current_user.organisation_id
    if (current_user.role != "applicant" or org is None
            or grant.award.application.organisation_id != org):
        abort(404)


def own_grant(grant_id: int) -> Grant:
    """The grant of the user's organisation (else 404)."""
    grant = get_or_404(Grant, grant_id)
    org = current_user.organisation_id
    if org is None or grant.award.application.organisation_id != org:
        abort(404)
    return grant


def back_to_award(award_id: int):
    """The redirect to an award's money page."""
    return redirect(url_for("finance.award", award_id=award_id))
