"""Staff pages of a call's commission: its members and settings, assignment by lot,
detected conflicts overridden, the meeting and its minutes, the members' statistics."""

from __future__ import annotations

import secrets

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from gms import timeutil
from gms.evaluation import analytics as analytics_service
from gms.evaluation import assignment, conflicts, meetings, roster
from gms.evaluation import minutes as minutes_service
from gms.evaluation.models import COMMISSION_ROLES, AssignmentRun, Conflict
from gms.extensions import db
from gms.forms.staff import (
    AutoAssignForm,
    CommissionMemberForm,
    CommissionSettingsForm,
    MeetingForm,
    OverrideForm,
)
from gms.i18n import _, ngettext
from gms.models import Application, User
from gms.models import applications as A
from gms.models import calls as C

from .access import flashing_errors, managed_application, managed_call, roles_required
from .staff import bp, flash_form_errors


@bp.route("/calls/<int:call_id>/commission")
@roles_required("staff")
def commission_page(call_id: int):
    c = managed_call(call_id)
    members = roster.roster(c)
    in_roster = {m.user_id for m in members}
    pool = [u for u in db.session.scalars(select(User).where(
        roster.pool_condition(c), User.active.is_(True)).order_by(User.name))
        if u.id not in in_roster]
    scorers = roster.scoring_members(c)
    # a page of each list, never every application of a national call: the first detected
    # conflicts (in application order), the latest declarations
    per_page = current_app.config["PER_PAGE"]
    hints = conflicts.detect_in_call(c, scorers, per_page)
    eligible_ids = select(Application.id).where(Application.competition_id == c.id,
                                                Application.status == A.ELIGIBLE)
    declared = db.session.scalars(select(Conflict).where(
        Conflict.application_id.in_(eligible_ids), Conflict.source == "declared")
        .order_by(Conflict.id.desc()).limit(per_page)).all()
    overridden = set(db.session.execute(select(Conflict.application_id, Conflict.user_id).where(
        Conflict.application_id.in_([h.application_id for h in hints]),
        Conflict.status == "overridden")).all()) if hints else set()
    shown = {h.application_id for h in hints} | {r.application_id for r in declared}
    eligible = db.session.scalars(select(Application).where(
        Application.id.in_(shown))).all() if shown else []
    names = dict(db.session.execute(select(User.id, User.name).where(
        User.id.in_(scorers + [r.user_id for r in declared]))).all())
    runs = db.session.scalars(select(AssignmentRun).where(AssignmentRun.competition_id == c.id)
                              .order_by(AssignmentRun.id.desc()).limit(10)).all()
    return render_template(
        "staff/commission.html", call=c, members=members, pool=pool, hints=hints,
        meeting=meetings.meeting_of(c),
        overridden={tuple(pair) for pair in overridden}, declared=declared,
        applications={a.id: a for a in eligible}, names=names, runs=runs,
        roles=COMMISSION_ROLES, seed=secrets.randbelow(10**6))


def _back_to_commission(call_id: int):
    return redirect(url_for("staff.commission_page", call_id=call_id))


@bp.route("/calls/<int:call_id>/commission/member", methods=["POST"])
@roles_required("staff")
def commission_member(call_id: int):
    c = managed_call(call_id)
    form = CommissionMemberForm()
    if not form.validate():
        flash_form_errors(form)
        return _back_to_commission(c.id)
    role = form.role.data or None
    with flashing_errors():
        roster.set_member(c, form.user_id.data, None if role == "remove" else role,
                          current_user)
        flash(_("Commission updated."), "success")
    return _back_to_commission(c.id)


@bp.route("/calls/<int:call_id>/commission/settings", methods=["POST"])
@roles_required("staff")
def commission_settings(call_id: int):
    c = managed_call(call_id)
    form = CommissionSettingsForm()
    if not form.validate():
        flash_form_errors(form)
        return _back_to_commission(c.id)
    quorum, per_application, appeal_days = form.counts()
    roster.set_quorum(c, quorum, per_application, form.divergence_limit.data, appeal_days,
                      current_user)
    flash(_("Commission settings saved."), "success")
    return _back_to_commission(c.id)


@bp.route("/calls/<int:call_id>/commission/assign", methods=["POST"])
@roles_required("staff")
def commission_assign(call_id: int):
    c = managed_call(call_id)
    form = AutoAssignForm()
    if not form.validate():
        flash_form_errors(form)
        return _back_to_commission(c.id)
    with flashing_errors():
        run = assignment.auto_assign(c, seed=form.seed.data, due_at=form.due_at.data,
                                     staff=current_user,
                                     per_application=form.per_application.data or None)
        flash(ngettext("%(num)d assignment made.", "%(num)d assignments made.",
                       len(run.result)), "success")
    return _back_to_commission(c.id)


@bp.route("/applications/<int:application_id>/override", methods=["POST"])
@roles_required("staff")
def override_conflict(application_id: int):
    a = managed_application(application_id)
    form = OverrideForm()
    if not form.validate():
        flash_form_errors(form)
        return _back_to_commission(a.competition_id)
    with flashing_errors():
        conflicts.override(a, form.user_id.data, form.reason.data or "", current_user,
                           timeutil.utcnow())
        flash(_("The detected conflict was overridden; the reason is logged."), "success")
    return _back_to_commission(a.competition_id)


@bp.route("/calls/<int:call_id>/meeting", methods=["POST"])
@roles_required("staff")
def record_meeting(call_id: int):
    c = managed_call(call_id)
    form = MeetingForm()
    if not form.validate():
        flash_form_errors(form)
        return _back_to_commission(c.id)
    with flashing_errors():
        meetings.record_meeting(
            c, held_at=form.held_at.data, attendee_ids=form.attendees.data or [],
            votes_for=form.votes_for.data or 0, votes_against=form.votes_against.data or 0,
            abstained=form.abstained.data or 0, notes=form.notes.data or "",
            staff=current_user)
        flash(_("The meeting was recorded."), "success")
    return _back_to_commission(c.id)


@bp.route("/calls/<int:call_id>/minutes.pdf")
@roles_required("staff")
def minutes(call_id: int):
    c = managed_call(call_id)
    if c.status not in (C.DECIDED, C.PUBLISHED):
        abort(404)
    lang = request.args.get("lang") if request.args.get("lang") in ("ky", "ru", "en") else "ru"
    return Response(minutes_service.minutes_pdf(c, lang), mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="minutes-{c.id}-{lang}.pdf"'})


@bp.route("/calls/<int:call_id>/analytics")
@roles_required("staff")
def analytics(call_id: int):
    c = managed_call(call_id)
    return render_template("staff/analytics.html", call=c, stats=analytics_service.member_stats(c))
