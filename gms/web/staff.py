"""Programme staff: calls, screening, assignment, ranking, decisions, outbox and audit log."""

from __future__ import annotations

import secrets
from datetime import datetime
from decimal import Decimal, InvalidOperation

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user
from sqlalchemy import func, select

from gms import timeutil
from gms.amounts import parse_decimal, parse_int
from gms.competition import SettingField
from gms.extensions import db
from gms.forms import (
    UNSTORABLE,
    UNSTORABLE_MESSAGE,
    AnonymisedCopyForm,
    ApproveDocumentForm,
    AssignForm,
    CallForm,
    ScreeningForm,
    refuse_unstorable_input,
)
from gms.i18n import STATUS_NAMES, _, ngettext
from gms.models import (
    COMMISSION_ROLES,
    Appeal,
    Application,
    Assignment,
    AssignmentRun,
    Attachment,
    AuditEntry,
    Award,
    Competition,
    Conflict,
    EligibilityCheck,
    Organisation,
    OutboxMessage,
    User,
)
from gms.models import applications as A
from gms.models import calls as C
from gms.services import (
    anonymised_copies,
    commission,
    evaluation,
    exports,
    letters,
    meetings,
    results,
)
from gms.services import applications as apps
from gms.services import calls as calls_service
from gms.services.commission import scoring_members
from gms.services.common import (
    ServiceError,
    application_info,
    competition_info,
    document_names,
    registry,
)
from gms.services.territories import oblasts

from .access import (
    flashing_errors,
    get_or_404,
    managed_application,
    managed_call,
    programme_staff_only,
    roles_required,
    scope_calls,
)
from .pagination import paginate, paginate_with

bp = Blueprint("staff", __name__, url_prefix="/staff")
bp.before_request(refuse_unstorable_input("staff.call_form"))


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


# ----------------------------------------------------------------------------- call form

def _parse_local(value: str) -> datetime:
    """A datetime-local input as a UTC instant; ``ValueError`` for anything else, or for a
    time so near year 1 or 9999 that UTC cannot hold it."""
    try:
        return timeutil.from_local(datetime.fromisoformat(value))
    except OverflowError:
        raise ValueError(value) from None


def _settings_values(fields: list[SettingField], source, errors: list[str]) -> dict:
    out = {}
    for f in fields:
        raw = (source.get(f"setting-{f.name}") or "").strip()
        if f.kind == "bool":
            out[f.name] = raw in ("on", "1", "true")
            continue
        if raw == "":
            out[f.name] = f.default
            continue
        if UNSTORABLE in raw:
            errors.append(f"{f.label}: {UNSTORABLE_MESSAGE}")
            out[f.name] = raw.replace(UNSTORABLE, "")
            continue
        try:
            if f.kind == "int":  # ASCII digits only (not １０００ or 1_000, which int() reads)
                out[f.name] = parse_int(raw)
                if abs(out[f.name]) >= 10**9:  # not a count, a year or a number of months
                    raise ValueError(raw)
            elif f.kind == "decimal":
                value = parse_decimal(raw)
                if not value.is_finite() or value.adjusted() >= 12:  # NaN, 1e999999999
                    raise InvalidOperation(raw)
                out[f.name] = str(value)
            else:
                out[f.name] = raw[:2000]
        except (ValueError, InvalidOperation):
            errors.append(_("%(field)s: enter a number.", field=f.label))
            out[f.name] = raw
    return out


def _call_values(form: CallForm, settings: dict) -> dict:
    return {
        "title": {lang: getattr(form, f"title_{lang}").data or "" for lang in ("ky", "ru", "en")},
        "description": {lang: getattr(form, f"description_{lang}").data or ""
                        for lang in ("ky", "ru", "en")},
        "oblasts": list(form.oblasts.data or []),
        "opens_at": _parse_local(form.opens_at.data),
        "deadline_at": _parse_local(form.deadline_at.data),
        "budget": form.budget.data, "max_awards": form.max_awards.data,
        "max_grant": form.max_grant.data, "settings": settings,
    }


def _local_input(value: datetime) -> str:
    return timeutil.to_local(value).strftime("%Y-%m-%dT%H:%M")


@bp.route("/calls/new/<type_key>", methods=["GET", "POST"])
@bp.route("/calls/<int:call_id>/edit", methods=["GET", "POST"])
@roles_required("staff")
def call_form(type_key: str | None = None, call_id: int | None = None):
    call = managed_call(call_id) if call_id else None
    if call is not None:
        type_key = call.type_key
        if call.status != C.DRAFT:
            flash(_("Only a draft call can be edited."), "error")
            return redirect(url_for("staff.call", call_id=call.id))
    ctype = registry().get(type_key or "")
    if ctype is None:
        abort(404)
    form = CallForm()
    form.oblasts.choices = [(o, o) for o in oblasts()]
    fields = list(ctype.settings_fields())
    settings = dict(call.settings) if call else ctype.default_settings()
    status = 200
    if request.method == "POST":
        errors: list[str] = []
        settings = _settings_values(fields, request.form, errors)
        if form.validate() and not errors:
            try:
                values = _call_values(form, settings)
                if call is None:
                    values["organiser_id"] = current_user.organisation_id
                    call = calls_service.create_call(type_key, values, current_user.id)
                else:
                    calls_service.update_call(call, values, current_user.id)
                flash(_("Call saved."), "success")
                return redirect(url_for("staff.call", call_id=call.id))
            except ValueError:
                errors.append(_("Enter dates as day, month, year and time."))
            except ServiceError as exc:
                errors.append(exc.message)
        for e in errors:
            flash(e, "error")
        status = 422
    elif call is not None:
        for lang in ("ky", "ru", "en"):
            getattr(form, f"title_{lang}").data = call.title.get(lang, "")
            getattr(form, f"description_{lang}").data = call.description.get(lang, "")
        form.oblasts.data = call.oblasts
        form.opens_at.data = _local_input(call.opens_at)
        form.deadline_at.data = _local_input(call.deadline_at)
        form.budget.data, form.max_awards.data = call.budget, call.max_awards
        form.max_grant.data = call.max_grant
    return render_template("staff/call_form.html", form=form, ctype=ctype, call=call,
                           fields=fields, settings=settings), status


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
                           ctype=ctype, sheet=calls_service.sheet_for(c) if ctype else None,
                           reports=ctype.reports(competition_info(c)) if ctype else (),
                           letters=letters.progress(c) if c.status == C.PUBLISHED else None,
                           documents_waiting=anonymised_copies.waiting_in_call(c)
                           if anonymised_copies.required(c) and c.status != C.PUBLISHED
                           else None)


@bp.route("/calls/<int:call_id>/advance", methods=["POST"])
@roles_required("staff")
def advance(call_id: int):
    c = managed_call(call_id)
    with flashing_errors():
        calls_service.advance(c, request.form.get("action", ""), now=timeutil.utcnow(),
                              actor_id=current_user.id)
        flash(_("Done: the call is now “%(status)s”.", status=STATUS_NAMES[c.status]), "success")
        if c.status == C.PUBLISHED and (pending := letters.progress(c).pending):
            flash(ngettext("%(num)d result letter is still being written; it will follow "
                           "by e-mail, and this page shows how far the letters are.",
                           "%(num)d result letters are still being written; they will follow "
                           "by e-mail, and this page shows how far the letters are.", pending),
                  "info")
    return redirect(url_for("staff.call", call_id=c.id))


# -------------------------------------------------------------------------- applications

@bp.route("/calls/<int:call_id>/applications")
@roles_required("staff", "finance")
def applications(call_id: int):
    c = managed_call(call_id)
    status = request.args.get("status") or None
    if status not in STATUS_NAMES:  # no such status (a NUL byte would reach the database)
        status = None
    failed = (select(EligibilityCheck.application_id, func.count().label("n"))
              .where(EligibilityCheck.passed.is_(False))
              .group_by(EligibilityCheck.application_id).subquery())
    reviews = (select(Assignment.application_id, func.count().label("n"),
                      func.count(Assignment.submitted_at).label("done"))
               .group_by(Assignment.application_id).subquery())
    q = (select(Application, func.coalesce(failed.c.n, 0), func.coalesce(reviews.c.n, 0),
                func.coalesce(reviews.c.done, 0))
         .outerjoin(failed, failed.c.application_id == Application.id)
         .outerjoin(reviews, reviews.c.application_id == Application.id)
         .where(Application.competition_id == c.id, Application.status != A.DRAFT)
         .options(db.joinedload(Application.organisation))
         .order_by(Application.submitted_at.asc(), Application.id.asc()))
    if status:
        q = q.where(Application.status == status)
    rows = paginate(q, rows=True)
    return render_template("staff/applications.html", call=c, rows=rows, status=status)


@bp.route("/applications/<int:application_id>")
@roles_required("staff", "finance")
def application(application_id: int):
    a = managed_application(application_id)
    if a.status == A.DRAFT:
        abort(404)
    checks = db.session.scalars(select(EligibilityCheck).where(
        EligibilityCheck.application_id == a.id).order_by(EligibilityCheck.rule_code)).all()
    documents = db.session.scalars(select(Attachment).where(
        Attachment.application_id == a.id).order_by(Attachment.id)).all()
    assignments = db.session.scalars(select(Assignment).where(
        Assignment.application_id == a.id).options(db.joinedload(Assignment.reviewer))).all()
    ctype = registry().get(a.competition.type_key)
    screening = ScreeningForm(decision="eligible" if a.status != A.INELIGIBLE else "ineligible")
    assign_form = AssignForm()
    assign_form.reviewers.choices = [
        (u.id, u.name) for u in db.session.scalars(
            select(User).where(User.id.in_(scoring_members(a.competition)),
                               User.active.is_(True))
            .order_by(User.name))]
    appeals = db.session.scalars(select(Appeal).where(Appeal.application_id == a.id)
                                 .order_by(Appeal.id)).all()
    # coded review: each document's anonymised copy or "no identity" mark, and the search
    anonymisation = (anonymised_copies.states(a) if anonymised_copies.required(a.competition)
                     and a.competition.status != C.PUBLISHED else None)
    return render_template("staff/application.html", application=a, checks=checks,
                           appeals=appeals,
                           documents=documents, assignments=assignments, screening=screening,
                           assign_form=assign_form, ctype=ctype,
                           kind_names=document_names(ctype, a.competition),
                           anonymisation=anonymisation,
                           copy_form=AnonymisedCopyForm(formdata=None),
                           approve_form=ApproveDocumentForm(formdata=None),
                           **_claims_context(a))


def _claims_context(a: Application) -> dict:
    """The applicant's conflict-of-interest claims on the staff application page."""
    from gms.forms import ClaimDecisionForm
    from gms.services import conflict_claims

    return {"claims": conflict_claims.claims_of(a),
            "claim_status": conflict_claims.STATUS_NAMES,
            "claim_form": ClaimDecisionForm(formdata=None)}


@bp.route("/conflict-claims/<int:claim_id>/decide", methods=["POST"])
@roles_required("staff")
def decide_conflict_claim(claim_id: int):
    """Staff uphold (the member is recused) or dismiss an applicant's claim, with a reason."""
    from gms.forms import ClaimDecisionForm
    from gms.models import ConflictClaim
    from gms.services import conflict_claims

    claim = get_or_404(ConflictClaim, claim_id)
    a = managed_application(claim.application_id)
    if a.status == A.DRAFT:  # not on the staff pages before submission
        abort(404)
    form = ClaimDecisionForm()
    if not form.validate():
        for errors in form.errors.values():
            for error in errors:
                flash(error, "error")
    else:
        uphold = form.decision.data == "uphold"
        with flashing_errors():
            conflict_claims.decide(claim, uphold=uphold, reason=form.reason.data,
                                   staff=current_user, now=timeutil.utcnow())
            flash(_("The claim was upheld: the member is recused from this application.")
                  if uphold else _("The claim was dismissed."), "success")
    return redirect(url_for("staff.application", application_id=a.id) + "#conflict-claims")


@bp.route("/applications/<int:application_id>/screen", methods=["POST"])
@roles_required("staff")
def screen(application_id: int):
    a = managed_application(application_id)
    form = ScreeningForm()
    if form.validate():
        with flashing_errors():
            apps.screen(a, eligible=form.decision.data == "eligible", reason=form.reason.data,
                        staff=current_user, now=timeutil.utcnow())
            flash(_("Screening decision recorded."), "success")
    else:
        for name, errors in form.errors.items():
            for error in errors:
                flash(f"{form[name].label.text}: {error}", "error")
    return redirect(url_for("staff.application", application_id=a.id))


@bp.route("/applications/<int:application_id>/assign", methods=["POST"])
@roles_required("staff")
def assign(application_id: int):
    a = managed_application(application_id)
    ids = _form_ids("reviewers")
    if not ids:
        flash(_("Choose at least one commission member."), "error")
    else:
        with flashing_errors():
            created = evaluation.assign(a, ids, current_user)
            flash(ngettext("%(num)d member assigned.", "%(num)d members assigned.",
                           len(created)), "success")
    return redirect(url_for("staff.application", application_id=a.id))


# ------------------------------------------------ anonymised copies of documents (coded review)

def _managed_document(attachment_id: int) -> tuple[Attachment, Application]:
    """A document of a submitted application of a call the current staff member manages."""
    att = get_or_404(Attachment, attachment_id)
    application = managed_application(att.application_id)
    if application.status == A.DRAFT:
        abort(404)
    return att, application


def _back_to_document(att: Attachment):
    return redirect(url_for("staff.application", application_id=att.application_id)
                    + f"#document-{att.id}")


@bp.route("/documents/<int:attachment_id>/anonymised-copy", methods=["POST"])
@roles_required("staff")
def upload_anonymised_copy(attachment_id: int):
    """Staff upload a copy of a document without the applicant's names (coded review)."""
    att, application = _managed_document(attachment_id)
    form = AnonymisedCopyForm()
    if not form.validate():
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "error")
        return _back_to_document(att)
    with flashing_errors():
        copy = anonymised_copies.upload_copy(
            att, application, form.file.data.filename,
            form.file.data.read(current_app.config["UPLOAD_MAX_BYTES"] + 1), current_user)
        if copy.hits and copy.hits.get("hits"):
            flash(_("The copy was uploaded, but its text still names the applicant: see the "
                    "places found below before approving it."), "error")
        else:
            flash(_("The copy was uploaded. Check it and approve it: members see the "
                    "document only then."), "success")
    return _back_to_document(att)


@bp.route("/documents/<int:attachment_id>/anonymised-copy/approve", methods=["POST"])
@roles_required("staff")
def approve_anonymised_copy(attachment_id: int):
    """Staff let commission members see the anonymised copy uploaded."""
    att, application = _managed_document(attachment_id)
    form = ApproveDocumentForm()
    if form.validate():
        with flashing_errors():
            anonymised_copies.approve(att, application, current_user,
                                      confirmed=bool(form.confirm.data))
            flash(_("Approved: commission members now see the anonymised copy."), "success")
    else:
        flash(_("Your session expired or the form was sent twice. Go back, reload the page "
                "and send it again."), "error")
    return _back_to_document(att)


@bp.route("/documents/<int:attachment_id>/no-identity", methods=["POST"])
@roles_required("staff")
def mark_no_identity(attachment_id: int):
    """Staff mark a document as naming nobody: members see it as uploaded (metadata
    stripped, under a neutral name)."""
    att, application = _managed_document(attachment_id)
    form = ApproveDocumentForm()
    if form.validate():
        with flashing_errors():
            anonymised_copies.mark_no_identity(att, application, current_user,
                                               confirmed=bool(form.confirm.data))
            flash(_("Marked as naming nobody: commission members now see the document."),
                  "success")
    else:
        flash(_("Your session expired or the form was sent twice. Go back, reload the page "
                "and send it again."), "error")
    return _back_to_document(att)


@bp.route("/documents/<int:attachment_id>/anonymised-copy/file")
@roles_required("staff", "finance")
def anonymised_copy(attachment_id: int):
    """The anonymised copy as staff uploaded it, to check it before approving."""
    att, _application = _managed_document(attachment_id)
    copy = anonymised_copies.copy_of(att)
    if copy is None or not copy.stored_name or not anonymised_copies.path_of(copy).is_file():
        abort(404)
    return send_file(anonymised_copies.path_of(copy), mimetype=copy.content_type,
                     as_attachment=True, download_name=copy.filename)


# ----------------------------------------------------------------------- ranking, reports

@bp.route("/calls/<int:call_id>/ranking")
@roles_required("staff")
def ranking(call_id: int):
    c = managed_call(call_id)
    if c.status not in (C.EVALUATION, C.DECIDED, C.PUBLISHED):
        flash(_("The ranking is available from the evaluation stage."), "info")
        return redirect(url_for("staff.call", call_id=c.id))
    rows = paginate_with(evaluation.ranking_size(c), lambda offset, limit: evaluation.ranking(
        c, offset=offset, limit=limit))
    awards = {a.application_id: a for a in evaluation.awards_of(
        c, [r.application_id for r in rows.items])}
    return render_template("staff/ranking.html", call=c, rows=rows, awards=awards,
                           tie_breaks=evaluation.tie_breaks(c))


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


# ---------------------------------------------------------------------- outbox and audit

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
    from gms.services.tamper_check import latest

    return render_template("staff/audit.html", rows=rows, check=latest())


# ------------------------------------------------------------------------- commission

@bp.route("/calls/<int:call_id>/commission")
@roles_required("staff")
def commission_page(call_id: int):
    c = managed_call(call_id)
    members = commission.roster(c)
    in_roster = {m.user_id for m in members}
    pool = [u for u in db.session.scalars(select(User).where(
        commission.pool_condition(c), User.active.is_(True)).order_by(User.name))
        if u.id not in in_roster]
    scorers = commission.scoring_members(c)
    # a page of each list, never every application of a national call: the first detected
    # conflicts (in application order), the latest declarations
    per_page = current_app.config["PER_PAGE"]
    hints = commission.detect_in_call(c, scorers, per_page)
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


@bp.route("/calls/<int:call_id>/commission/member", methods=["POST"])
@roles_required("staff")
def commission_member(call_id: int):
    c = managed_call(call_id)
    role = request.form.get("role") or None
    with flashing_errors():
        commission.set_member(c, _form_id("user_id"),
                              None if role == "remove" else role, current_user)
        flash(_("Commission updated."), "success")
    return redirect(url_for("staff.commission_page", call_id=c.id))


#: the largest quorum, number of evaluators or of appeal days a form accepts
MAX_COUNT = 10_000


def _optional_int(name: str, maximum: int = MAX_COUNT) -> int | None:
    """The whole number from 1 to ``maximum`` typed in ``name``; ``None`` when empty or 0;
    ``ValueError`` for anything else (``-1``, ``2.5``, ``²``, a 5,000-digit number)."""
    raw = (request.form.get(name) or "").strip()
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 9 or int(raw) > maximum:
        raise ValueError(name)
    return int(raw) or None


def _form_id(name: str) -> int:
    """A row id typed in ``name`` (0, matching nothing, when it is not one)."""
    raw = (request.form.get(name) or "").strip()
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 9 else 0


def _form_ids(name: str) -> list[int]:
    """The row ids of the checked boxes ``name`` (others left out)."""
    return [int(v) for v in request.form.getlist(name)
            if v.isascii() and v.isdigit() and len(v) <= 9]


@bp.route("/calls/<int:call_id>/commission/settings", methods=["POST"])
@roles_required("staff")
def commission_settings(call_id: int):
    c = managed_call(call_id)
    raw = (request.form.get("divergence_limit") or "").strip().replace(",", ".")
    try:
        limit = Decimal(raw) if raw else None
        if limit is not None:  # what Numeric(8, 2) holds, once rounded to the hundredth
            if not limit.is_finite() or limit < 0 or limit.adjusted() >= 6:
                raise InvalidOperation
            limit = limit.quantize(Decimal("0.01"))
            if limit >= 10**6:
                raise InvalidOperation
    except InvalidOperation:
        flash(_("The divergence limit must be a positive number."), "error")
        return redirect(url_for("staff.commission_page", call_id=c.id))
    try:
        counts = [_optional_int(n) for n in ("quorum", "evaluators_per_application",
                                             "appeal_days")]
    except ValueError:
        flash(_("The quorum, the evaluators per application and the appeal days are whole "
                "numbers from 1 to %(max)d.", max=MAX_COUNT), "error")
        return redirect(url_for("staff.commission_page", call_id=c.id))
    commission.set_quorum(c, counts[0], counts[1], limit, counts[2], current_user)
    flash(_("Commission settings saved."), "success")
    return redirect(url_for("staff.commission_page", call_id=c.id))


@bp.route("/calls/<int:call_id>/commission/assign", methods=["POST"])
@roles_required("staff")
def commission_assign(call_id: int):
    c = managed_call(call_id)
    seed = request.form.get("seed", type=int)
    if seed is None or not 0 <= seed < 2**31:
        flash(_("The seed must be a whole number."), "error")
        return redirect(url_for("staff.commission_page", call_id=c.id))
    due = None
    if request.form.get("due_at"):
        try:
            due = _parse_local(request.form["due_at"])
        except ValueError:
            flash(_("Enter dates as day, month, year and time."), "error")
            return redirect(url_for("staff.commission_page", call_id=c.id))
    try:
        per_application = _optional_int("per_application")
    except ValueError:
        flash(_("The evaluators per application are a whole number from 1 to %(max)d.",
                max=MAX_COUNT), "error")
        return redirect(url_for("staff.commission_page", call_id=c.id))
    with flashing_errors():
        run = commission.auto_assign(c, seed=seed, due_at=due, staff=current_user,
                                     per_application=per_application)
        flash(ngettext("%(num)d assignment made.", "%(num)d assignments made.",
                       len(run.result)), "success")
    return redirect(url_for("staff.commission_page", call_id=c.id))


@bp.route("/applications/<int:application_id>/override", methods=["POST"])
@roles_required("staff")
def override_conflict(application_id: int):
    a = managed_application(application_id)
    with flashing_errors():
        commission.override(a, _form_id("user_id"),
                            request.form.get("reason", "")[:5000], current_user,
                            timeutil.utcnow())
        flash(_("The detected conflict was overridden; the reason is logged."), "success")
    return redirect(url_for("staff.commission_page", call_id=a.competition_id))


# ------------------------------------------------------------ results, reserve, appeals

@bp.route("/awards/<int:award_id>/decline", methods=["POST"])
@roles_required("staff")
def decline_award(award_id: int):
    award = get_or_404(Award, award_id)
    managed_call(award.competition_id)
    with flashing_errors():
        promoted = results.decline_award(award, request.form.get("reason", "")[:2000],
                                         current_user)
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
    with flashing_errors():
        results.decide_appeal(appeal, upheld=request.form.get("upheld") == "yes",
                              decision=request.form.get("decision", "")[:10000],
                              staff=current_user, now=timeutil.utcnow())
        flash(_("The decision on the appeal was recorded and sent."), "success")
    return redirect(url_for("staff.application", application_id=a.id))


@bp.route("/applications/<int:application_id>/why")
@roles_required("staff")
def why_rank(application_id: int):
    a = managed_application(application_id)
    c = a.competition
    around = evaluation.ranking_around(c, a.id)
    if around is None:
        flash(_("This application is not ranked."), "info")
        return redirect(url_for("staff.application", application_id=a.id))
    above, row, below = around
    means = evaluation.criterion_means(a)
    award = db.session.scalar(select(Award).where(Award.application_id == a.id))
    return render_template(
        "staff/why.html", application=a, call=c, row=row, above=above, below=below,
        means=means, sheet=calls_service.sheet_for(c), award=award,
        tie_breaks=evaluation.tie_breaks(c))


@bp.route("/calls/<int:call_id>/meeting", methods=["POST"])
@roles_required("staff")
def record_meeting(call_id: int):
    c = managed_call(call_id)
    try:
        held = _parse_local(request.form.get("held_at", ""))
    except ValueError:
        flash(_("Enter dates as day, month, year and time."), "error")
        return redirect(url_for("staff.commission_page", call_id=c.id))
    with flashing_errors():
        meetings.record_meeting(
            c, held_at=held, attendee_ids=_form_ids("attendees"),
            votes_for=request.form.get("votes_for", 0, type=int),
            votes_against=request.form.get("votes_against", 0, type=int),
            abstained=request.form.get("abstained", 0, type=int),
            notes=request.form.get("notes", "")[:10000], staff=current_user)
        flash(_("The meeting was recorded."), "success")
    return redirect(url_for("staff.commission_page", call_id=c.id))


@bp.route("/calls/<int:call_id>/minutes.pdf")
@roles_required("staff")
def minutes(call_id: int):
    c = managed_call(call_id)
    if c.status not in (C.DECIDED, C.PUBLISHED):
        abort(404)
    lang = request.args.get("lang") if request.args.get("lang") in ("ky", "ru", "en") else "ru"
    return Response(meetings.minutes_pdf(c, lang), mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="minutes-{c.id}-{lang}.pdf"'})


@bp.route("/calls/<int:call_id>/analytics")
@roles_required("staff")
def analytics(call_id: int):
    c = managed_call(call_id)
    return render_template("staff/analytics.html", call=c, stats=commission.member_stats(c))
