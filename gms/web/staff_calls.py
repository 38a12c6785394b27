"""Staff pages of a call: its form (common fields and the type's settings, generated from
their declarations), its page, the steps of its life cycle and the type's reports."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from gms import timeutil
from gms.evaluation import anonymised_copies, lifecycle
from gms.extensions import db
from gms.forms.call_settings import call_form as settings_call_form
from gms.forms.staff import AdvanceForm
from gms.i18n import STATUS_NAMES, _, ngettext
from gms.models import Application, Organisation
from gms.models import calls as C
from gms.services import calls as calls_service
from gms.services import exports, letters
from gms.services.common import ServiceError, application_info, competition_info, registry
from gms.services.contract import sheet_for, version_change
from gms.services.territories import oblasts

from .access import flashing_errors, managed_call, roles_required
from .staff import bp, flash_form_errors


@bp.route("/calls/new/<type_key>", methods=["GET", "POST"])
@bp.route("/calls/<int:call_id>/edit", methods=["GET", "POST"])
@roles_required("staff")
def call_form(type_key: str | None = None, call_id: int | None = None):
    """Create or edit a draft call; a refused form is shown again with what was typed and
    the errors listed at the top (422)."""
    call = managed_call(call_id) if call_id else None
    if call is not None:
        type_key = call.type_key
        if call.status != C.DRAFT:
            flash(_("Only a draft call can be edited."), "error")
            return redirect(url_for("staff.call", call_id=call.id))
    ctype = registry().get(type_key or "")
    if ctype is None:
        abort(404)
    fields = ctype.settings_fields()
    form = settings_call_form(fields, call,
                              call.settings if call else ctype.default_settings())
    form.oblasts.choices = [(o, o) for o in oblasts()]
    if request.method != "POST":
        return render_template("staff/call_form.html", form=form, ctype=ctype, call=call)
    errors: list[str] = []
    if form.validate():
        values = {**form.values(), "settings": form.setting.data}
        try:
            if call is None:
                values["organiser_id"] = current_user.organisation_id
                call = calls_service.create_call(type_key, values, current_user.id)
            else:
                calls_service.update_call(call, values, current_user.id)
            flash(_("Call saved."), "success")
            return redirect(url_for("staff.call", call_id=call.id))
        except ServiceError as exc:
            errors.append(exc.message)
    return render_template("staff/call_form.html", form=form, ctype=ctype, call=call,
                           errors=errors), 422


@bp.route("/calls/<int:call_id>")
@roles_required("staff", "finance")
def call(call_id: int):
    c = managed_call(call_id)
    counts = dict(db.session.execute(
        select(Application.status, func.count()).where(Application.competition_id == c.id)
        .group_by(Application.status)).all())
    nxt = calls_service.TRANSITIONS.get(c.status)
    ctype = registry().get(c.type_key)
    return render_template("staff/call.html", call=c, counts=counts, next_action=nxt,
                           ctype=ctype, sheet=sheet_for(c) if ctype else None,
                           version_change=version_change(c),
                           reports=ctype.reports(competition_info(c)) if ctype else (),
                           letters=letters.progress(c) if c.status == C.PUBLISHED else None,
                           documents_waiting=anonymised_copies.waiting_in_call(c)
                           if anonymised_copies.required(c) and c.status != C.PUBLISHED
                           else None)


@bp.route("/calls/<int:call_id>/advance", methods=["POST"])
@roles_required("staff")
def advance(call_id: int):
    c = managed_call(call_id)
    form = AdvanceForm()
    if not form.validate():
        flash_form_errors(form)
        return redirect(url_for("staff.call", call_id=c.id))
    with flashing_errors():
        lifecycle.advance(c, form.action.data, now=timeutil.utcnow(), actor_id=current_user.id)
        flash(_("Done: the call is now “%(status)s”.", status=STATUS_NAMES[c.status]), "success")
        if c.status == C.PUBLISHED and (pending := letters.progress(c).pending):
            flash(ngettext("%(num)d result letter is still being written; it will follow "
                           "by e-mail, and this page shows how far the letters are.",
                           "%(num)d result letters are still being written; they will follow "
                           "by e-mail, and this page shows how far the letters are.", pending),
                  "info")
    return redirect(url_for("staff.call", call_id=c.id))


@bp.route("/calls/<int:call_id>/reports/<key>")
@roles_required("staff", "finance")
def report(call_id: int, key: str):
    c = managed_call(call_id)
    ctype = registry().get(c.type_key)
    definition = next((r for r in ctype.reports(competition_info(c)) if r.key == key), None)
    if definition is None:
        abort(404)
    # the call is not joined in: every row would carry (and decode) its six JSON columns
    # again; ``a.competition`` is the call already in the session
    apps_q = (select(Application).where(Application.competition_id == c.id,
                                        Application.submitted_at.is_not(None))
              .options(db.joinedload(Application.organisation)
                       .joinedload(Organisation.territory)))
    infos = [application_info(a) for a in db.session.scalars(apps_q).unique()]
    header, rows = definition.build(competition_info(c), infos)
    if request.args.get("format") == "csv":
        return Response(exports.to_csv(header, rows, bom=False), mimetype=exports.CSV_TYPE,
                        headers={"Content-Disposition":
                                 f'attachment; filename="{key}-{c.id}.csv"'})
    return render_template("staff/report.html", call=c, definition=definition, header=header,
                           rows=rows)
