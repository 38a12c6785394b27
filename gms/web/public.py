"""Public pages: calls and published results."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from gms.evaluation.models import Award
from gms.extensions import db
from gms.models import Application, Competition
from gms.models import calls as C
from gms.services.common import registry
from gms.services.contract import sheet_for

from .access import get_or_404
from .pagination import paginate

bp = Blueprint("public", __name__)


@bp.route("/")
def index():
    q = (select(Competition).where(Competition.status != C.DRAFT)
         .order_by((Competition.status == C.OPEN).desc(), Competition.deadline_at.desc()))
    calls = paginate(q)
    return render_template("public/index.html", calls=calls, registry=registry())


@bp.route("/calls/<int:call_id>")
def call(call_id: int):
    c = get_or_404(Competition, call_id)
    if c.status == C.DRAFT:
        abort(404)
    return render_template("public/call.html", call=c, ctype=registry().get(c.type_key),
                           sheet=sheet_for(c) if registry().get(c.type_key) else None)


@bp.route("/calls/<int:call_id>/results")
def results(call_id: int):
    c = get_or_404(Competition, call_id)
    if c.status != C.PUBLISHED:
        abort(404)
    rows = paginate(
        select(Award, Application).join(Application, Application.id == Award.application_id)
        .where(Award.competition_id == c.id, Award.outcome != "not_funded")
        .options(db.joinedload(Application.organisation))
        .order_by(Award.rank), rows=True)
    return render_template("public/results.html", call=c, rows=rows)


@bp.route("/home")
def home():
    """Where a user lands after logging in, by role."""
    if not current_user.is_authenticated:
        return redirect(url_for("public.index"))
    if current_user.role == "applicant":
        return redirect(url_for("applicant.dashboard"))
    if current_user.role == "commission":
        return redirect(url_for("review.assignments"))
    return redirect(url_for("staff.calls"))
