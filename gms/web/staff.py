"""Programme staff: the ``staff`` blueprint (``/staff``), the list of calls, the outbox and
the audit log, and what the staff views share.

The other staff pages are routes of this blueprint in their own modules:
:mod:`.staff_calls` (a call: its form, page, life cycle and reports),
:mod:`.staff_applications` (screening, assignment, claims),
:mod:`.staff_documents` (anonymised copies of documents),
:mod:`.staff_commission` (the commission, its settings and meeting) and
:mod:`.staff_results` (ranking, awards declined, appeals).
"""

from __future__ import annotations

from flask import Blueprint, flash, render_template
from sqlalchemy import func, select

from gms.forms import Form, refuse_unstorable_input
from gms.models import Application, AuditEntry, Competition, OutboxMessage, User
from gms.services.common import registry
from gms.services.tamper_check import latest

from .access import programme_staff_only, roles_required, scope_calls
from .pagination import paginate

bp = Blueprint("staff", __name__, url_prefix="/staff")
bp.before_request(refuse_unstorable_input("staff.call_form"))


def flash_form_errors(form: Form) -> None:
    """Flash each error of a form sent from a page that is shown again after a redirect,
    after the label of its field when it has one."""
    for name, errors in form.errors.items():
        label = form[name].label.text if name in form else ""
        for error in errors:
            flash(f"{label}: {error}" if label else str(error), "error")


@bp.route("/")
@roles_required("staff", "finance")
def calls():
    counts = (select(Application.competition_id, func.count().label("n"))
              .where(Application.submitted_at.is_not(None))
              .group_by(Application.competition_id).subquery())
    q = scope_calls(select(Competition, func.coalesce(counts.c.n, 0))
                    .outerjoin(counts, counts.c.competition_id == Competition.id)
                    .order_by(Competition.created_at.desc(), Competition.id.desc()))
    rows = paginate(q, rows=True)
    return render_template("staff/calls.html", calls=rows, registry=registry())


@bp.route("/outbox")
@roles_required("staff")
def outbox():
    programme_staff_only()
    rows = paginate(select(OutboxMessage).order_by(OutboxMessage.id.desc()))
    return render_template("staff/outbox.html", messages=rows)


@bp.route("/audit")
@roles_required("staff")
def audit_log():
    programme_staff_only()
    q = (select(AuditEntry, User.name).outerjoin(User, User.id == AuditEntry.actor_id)
         .order_by(AuditEntry.id.desc()))
    rows = paginate(q, per_page=50, rows=True)
    return render_template("staff/audit.html", rows=rows, check=latest())
