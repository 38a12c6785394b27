"""Staff pages of a call's results: the ranking, why an application ranks where it does,
awards declined (the reserve list moves up) and decisions on appeals."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from gms import timeutil
from gms.evaluation import appeals as appeals_service
from gms.evaluation import decisions, scoring
from gms.evaluation import ranking as ranking_service
from gms.evaluation.models import Appeal, Award
from gms.extensions import db
from gms.forms.staff import AppealDecisionForm, DeclineAwardForm
from gms.i18n import _
from gms.models import calls as C
from gms.services.contract import sheet_for

from .access import flashing_errors, get_or_404, managed_application, managed_call, roles_required
from .pagination import paginate_with
from .staff import bp, flash_form_errors


@bp.route("/calls/<int:call_id>/ranking")
@roles_required("staff")
def ranking(call_id: int):
    c = managed_call(call_id)
    if c.status not in (C.EVALUATION, C.DECIDED, C.PUBLISHED):
        flash(_("The ranking is available from the evaluation stage."), "info")
        return redirect(url_for("staff.call", call_id=c.id))
    rows = paginate_with(ranking_service.ranking_size(c), lambda offset, limit:
                         ranking_service.ranking(c, offset=offset, limit=limit))
    awards = {a.application_id: a for a in decisions.awards_of(
        c, [r.application_id for r in rows.items])}
    return render_template("staff/ranking.html", call=c, rows=rows, awards=awards,
                           tie_breaks=ranking_service.tie_breaks(c))


@bp.route("/awards/<int:award_id>/decline", methods=["POST"])
@roles_required("staff")
def decline_award(award_id: int):
    award = get_or_404(Award, award_id)
    managed_call(award.competition_id)
    form = DeclineAwardForm()
    if not form.validate():
        flash_form_errors(form)
        return redirect(url_for("staff.ranking", call_id=award.competition_id))
    with flashing_errors():
        promoted = decisions.decline_award(award, form.reason.data or "", current_user)
        flash(_("Recorded. Promoted from the reserve list: %(n)s.",
                n=promoted.application.number) if promoted else
              _("Recorded. No application of the reserve list fits the money freed."),
              "success")
    return redirect(url_for("staff.ranking", call_id=award.competition_id))


@bp.route("/appeals/<int:appeal_id>/decide", methods=["POST"])
@roles_required("staff")
def decide_appeal(appeal_id: int):
    appeal = get_or_404(Appeal, appeal_id)
    a = managed_application(appeal.application_id)
    form = AppealDecisionForm()
    if not form.validate():
        flash_form_errors(form)
        return redirect(url_for("staff.application", application_id=a.id))
    with flashing_errors():
        appeals_service.decide_appeal(appeal, upheld=form.upheld.data == "yes",
                                      decision=form.decision.data or "",
                                      staff=current_user, now=timeutil.utcnow())
        flash(_("The decision on the appeal was recorded and sent."), "success")
    return redirect(url_for("staff.application", application_id=a.id))


@bp.route("/applications/<int:application_id>/why")
@roles_required("staff")
def why_rank(application_id: int):
    a = managed_application(application_id)
    c = a.competition
    around = ranking_service.ranking_around(c, a.id)
    if around is None:
        flash(_("This application is not ranked."), "info")
        return redirect(url_for("staff.application", application_id=a.id))
    above, row, below = around
    means = scoring.criterion_means(a)
    award = db.session.scalar(select(Award).where(Award.application_id == a.id))
    return render_template(
        "staff/why.html", application=a, call=c, row=row, above=above, below=below,
        means=means, sheet=sheet_for(c), award=award,
        tie_breaks=ranking_service.tie_breaks(c))
