"""The commission members' pages: their assignments, declarations, score sheets and the
consensus (blueprint ``review``, its templates in this package's ``templates/review/``)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from gms import timeutil
from gms.extensions import db
from gms.forms import (
    UNSTORABLE_MESSAGE,
    ConsensusConfirmForm,
    DeclarationForm,
    refuse_unstorable_input,
)
from gms.i18n import _, _l
from gms.models import Application, Competition
from gms.services.common import ServiceError, competition_type, identity_hidden
from gms.services.contract import document_names, sheet_for
from gms.web.access import flashing_errors, roles_required
from gms.web.pagination import paginate

from .anonymised_copies import for_members
from .assignment import assignments_query
from .assignment import decline as decline_assignment
from .conflicts import barred_condition, declared_conflicts, is_blocked
from .consensus import (
    confirm_consensus,
    consensus_bounds,
    consensus_of,
    may_confirm_consensus,
    needing_consensus,
    record_consensus,
)
from .declarations import declaration, declare_for_consensus
from .declarations import declare as declare_on_assignment
from .forms import ConsensusForm, ReasonForm, score_sheet_form
from .models import SCORING_ROLES, Assignment, CommissionMember
from .roster import CONSENSUS_ROLES, role_of
from .scoring import criterion_means, save_review, scores_of
from .scoring import reopen as reopen_sheet

bp = Blueprint("review", __name__, url_prefix="/review", template_folder="templates")
bp.before_request(refuse_unstorable_input("review.score", "review.consensus"))

CONFLICT_DECLARED = _l("You declared a conflict of interest with this application, so you do "
                       "not see its score sheets and cannot record its consensus: the chair "
                       "or another rapporteur records it.")
RECUSAL_RECORDED = _l("Your declaration of a conflict of interest was recorded; you are "
                      "recused from this application.")
RECUSAL_NEXT = _l("What happens next: you no longer see its documents or score sheets and it "
                  "leaves your list; the programme's staff see your declaration and may "
                  "assign another member in your place. Nothing more is asked of you.")


@bp.route("/")
@roles_required("commission")
def assignments():
    rows = paginate(assignments_query(current_user))
    return render_template("review/list.html", assignments=rows, hidden=identity_hidden,
                           consensus=consensus_needed(current_user))


def _mine(assignment_id: int) -> Assignment:
    a = db.session.get(Assignment, assignment_id)
    if a is None or a.reviewer_id != current_user.id:
        abort(404)
    return a


def _declaration_page(a: Assignment, form: DeclarationForm, status: int = 200):
    """The declaration a member makes on an assigned application before seeing it: it names
    the applicant (the code only in a coded-review call) and has no answer chosen."""
    application = a.application
    return render_template("review/declare.html", assignment=a, call=application.competition,
                           application=application, code=application.number, form=form,
                           anonymous=identity_hidden(application.competition)), status


@bp.route("/<int:assignment_id>/declare", methods=["POST"])
@roles_required("commission")
def declare(assignment_id: int):
    """The member's declaration: refused, with what to correct and nothing recorded, without
    an answer (or a conflict without its description); a conflict recorded is confirmed and
    the member returns to their list."""
    a = _mine(assignment_id)
    # recused (or declined), or barred by a conflict: nothing to declare on it
    if a.status in ("recused", "declined") or is_blocked(a.application,
                                                                     a.reviewer_id):
        abort(403)
    return _take_declaration(
        declared=declaration(a.application, a.reviewer_id) is not None,
        back=url_for("review.score", assignment_id=a.id),
        page=lambda form, status: _declaration_page(a, form, status),
        record=lambda conflict, reason: declare_on_assignment(
            a, conflict=conflict, reason=reason, now=timeutil.utcnow()),
        recused_note=RECUSAL_NEXT)


def _take_declaration(*, declared: bool, back: str, page, record, recused_note):
    """A declaration posted before scoring or before a consensus: refused when one is already
    made; the form again (422) without an answer; else recorded with ``record(conflict,
    reason)``, and a conflict sends the member back to their list with ``recused_note``."""
    if declared:
        flash(_("You have already declared on this application."), "error")
        return redirect(back)
    form = DeclarationForm()
    if not form.validate():
        return page(form, 422)
    conflict = form.conflict.data == "yes"
    try:
        record(conflict, form.reason.data or "")
    except ServiceError as exc:
        flash(exc.message, "error")
        return redirect(back)
    if conflict:
        flash(str(RECUSAL_RECORDED), "success")
        flash(str(recused_note), "info")
        return redirect(url_for("review.assignments"))
    return redirect(back)


@bp.route("/<int:assignment_id>/decline", methods=["POST"])
@roles_required("commission")
def decline(assignment_id: int):
    a = _mine(assignment_id)
    try:
        decline_assignment(a, ReasonForm().reason.data or "")
        flash(_("You declined this assignment."), "success")
        return redirect(url_for("review.assignments"))
    except ServiceError as exc:
        flash(exc.message, "error")
    return redirect(url_for("review.score", assignment_id=a.id))


@bp.route("/<int:assignment_id>/reopen/<int:other_id>", methods=["POST"])
@roles_required("commission")
def reopen(assignment_id: int, other_id: int):
    a = _mine(assignment_id)
    other = db.session.get(Assignment, other_id)
    if other is None or other.application_id != a.application_id:
        abort(404)
    # a chair recused from the application, or barred by a conflict, reopens none of it
    if a.status == "recused" or is_blocked(a.application, current_user.id):
        abort(403)
    with flashing_errors():
        reopen_sheet(other, current_user, ReasonForm().reason.data or "")
        flash(_("The score sheet was reopened."), "success")
    return redirect(url_for("review.score", assignment_id=a.id))


@bp.route("/<int:assignment_id>", methods=["GET", "POST"])
@roles_required("commission")
def score(assignment_id: int):
    a = _mine(assignment_id)
    application = a.application
    call = application.competition
    # conflicts first: nothing of the application is shown before the declaration
    if a.status in ("recused", "declined") or is_blocked(application, a.reviewer_id):
        abort(403)
    if declaration(application, a.reviewer_id) is None:
        return _declaration_page(a, DeclarationForm(formdata=None))
    status = 200
    if request.method == "POST":
        form = score_sheet_form(sheet_for(call))
        if form.validate():
            try:
                form.add_errors(save_review(a, form.scores(), form.comments(),
                                            form.comment.data or "", submit=form.submitting,
                                            now=timeutil.utcnow()))
            except ServiceError as exc:
                flash(exc.message, "error")
                status = exc.status
            if status == 200 and not any(field.errors for field in form):
                flash(_("Score sheet submitted.") if form.submitting else _("Scores saved."),
                      "success")
                return redirect(url_for("review.score", assignment_id=a.id))
        if not form.storable():  # shown again below, nothing saved
            flash(str(UNSTORABLE_MESSAGE), "error")
            status = 422
        elif any(field.errors for field in form):
            flash(_("Some scores need attention."), "error")
            status = 422
    else:
        saved = {k: (s.value, s.comment) for k, s in scores_of(a).items()}
        form = score_sheet_form(sheet_for(call), saved, comment=a.comment or "")
    others = []
    if a.status == "submitted":
        others = db.session.scalars(
            select(Assignment).where(Assignment.application_id == application.id,
                                     Assignment.id != a.id, Assignment.status == "submitted")
            .options(db.joinedload(Assignment.reviewer))).all()
    # under coded review, before publication: only the documents staff anonymised
    documents, documents_waiting = for_members(application)
    # the consensus, once the member sees the other sheets: to confirm it when proposed
    report = consensus_of(application) if a.status == "submitted" else None
    return render_template(
        "review/score.html", assignment=a, application=application, call=call,
        sheet=form.sheet, form=form,
        others=others, documents=documents, documents_waiting=documents_waiting,
        ctype=competition_type(call),
        report=report, confirm_form=ConsensusConfirmForm(formdata=None),
        may_confirm=may_confirm_consensus(application, current_user.id, report),
        kind_names=document_names(call),
        is_chair=role_of(call, current_user.id) == "chair",
        anonymous=identity_hidden(call)), status


def _consensus_application(application_id: int) -> tuple[Application, bool]:
    """An application of a call on whose commission the current user is the rapporteur or
    the chair (404 otherwise), that no conflict of interest bars them from (403, saying so),
    and whether they have declared on it (free of conflict, then)."""
    application = db.session.get(Application, application_id)
    if application is None:
        abort(404)
    if role_of(application.competition, current_user.id) not in (
            CONSENSUS_ROLES):
        abort(404)
    mine = declaration(application, current_user.id)
    if mine is not None and mine.status == "conflict":
        raise ServiceError(str(CONFLICT_DECLARED), 403)
    if is_blocked(application, current_user.id):
        raise ServiceError(_("A conflict of interest bars you from this application."), 403)
    return application, mine is not None


@bp.route("/consensus/<int:application_id>", methods=["GET", "POST"])
@roles_required("commission")
def consensus(application_id: int):
    """The rapporteur's (or chair's) page for an application whose scores diverge. Nothing
    of the scores is shown before they declare themselves free of a conflict of interest on
    the application (as a member assigned to it, or here)."""
    application, declared = _consensus_application(application_id)
    call = application.competition
    status = 200
    form = ConsensusForm()
    if request.method == "POST" and not form.storable():  # shown again, not saved
        flash(str(UNSTORABLE_MESSAGE), "error")
    elif request.method == "POST":
        try:  # the service refuses a consensus sent before the declaration
            record_consensus(application, current_user, form.score.data, form.text.data or "",
                             timeutil.utcnow())
            flash(_("The consensus was proposed: it ranks the application once a second "
                    "member of the commission confirms it."), "success")
            return redirect(url_for("review.consensus", application_id=application.id))
        except ServiceError as exc:  # refused: said, nothing written, a 4xx
            flash(exc.message, "error")
            status = exc.status
    if not declared:
        return _consensus_declaration(application, DeclarationForm(formdata=None), status)
    sheets = db.session.scalars(select(Assignment).where(
        Assignment.application_id == application.id, Assignment.status == "submitted")
        .options(db.joinedload(Assignment.reviewer))).all()
    report = consensus_of(application)
    try:  # offered only where the rules call for a consensus
        bounds = consensus_bounds(application)
        refusal = None
    except ServiceError as exc:
        bounds, refusal = None, exc.message
    return render_template("review/consensus.html", application=application, call=call,
                           declared=True, sheets=sheets, report=report, sheet=sheet_for(call),
                           means=criterion_means(application),
                           conflicted=declared_conflicts(application),
                           anonymous=identity_hidden(call), form=form,
                           bounds=bounds, refusal=refusal,
                           confirm_form=ConsensusConfirmForm(formdata=None),
                           may_confirm=may_confirm_consensus(
                               application, current_user.id, report)), status


@bp.route("/consensus/<int:application_id>/confirm", methods=["POST"])
@roles_required("commission")
def consensus_confirm(application_id: int):
    """A second member of the commission confirms the proposed consensus (from the consensus
    page, or from their own score sheet of the application): only then does it count."""
    application = db.session.get(Application, application_id)
    if application is None:
        abort(404)
    role = role_of(application.competition, current_user.id)
    if role in CONSENSUS_ROLES:
        _consensus_application(application_id)  # 403 when a conflict bars them
    elif role in SCORING_ROLES:  # a member sees the proposal on their submitted sheet only
        if db.session.scalar(select(Assignment.id).where(
                Assignment.application_id == application.id,
                Assignment.reviewer_id == current_user.id,
                Assignment.status == "submitted")) is None:
            abort(404)
        if is_blocked(application, current_user.id):
            abort(403)
    else:
        abort(404)
    form = ConsensusConfirmForm()
    if not form.validate_on_submit():
        flash(_("Read the proposed consensus again before confirming."), "error")
    else:
        with flashing_errors():
            confirm_consensus(application, current_user, form.score.data,
                                         timeutil.utcnow())
            flash(_("The consensus was confirmed: it now ranks the application."), "success")
    if role in CONSENSUS_ROLES:
        return redirect(url_for("review.consensus", application_id=application.id))
    mine = db.session.scalar(select(Assignment.id).where(
        Assignment.application_id == application.id,
        Assignment.reviewer_id == current_user.id))
    return redirect(url_for("review.score", assignment_id=mine) if mine is not None
                    else url_for("review.assignments"))


def _consensus_declaration(application: Application, form: DeclarationForm,
                           status: int = 200):
    """The consensus page before the declaration: the declaration form only."""
    call = application.competition
    return render_template("review/consensus.html", application=application, call=call,
                           declared=False, anonymous=identity_hidden(call),
                           declaration_form=form), status


@bp.route("/consensus/<int:application_id>/declare", methods=["POST"])
@roles_required("commission")
def consensus_declare(application_id: int):
    """The rapporteur's (or chair's) declaration of conflict of interest before a consensus."""
    application, declared = _consensus_application(application_id)
    return _take_declaration(
        declared=declared,
        back=url_for("review.consensus", application_id=application.id),
        page=lambda form, status: _consensus_declaration(application, form, status),
        record=lambda conflict, reason: declare_for_consensus(
            application, current_user, conflict=conflict, reason=reason,
            now=timeutil.utcnow()),
        recused_note=CONFLICT_DECLARED)


def consensus_needed(user) -> list:
    """Applications waiting for this rapporteur's or chair's consensus, across their calls,
    but for those a conflict of interest bars them from."""
    calls = db.session.scalars(select(Competition).join(
        CommissionMember, CommissionMember.competition_id == Competition.id).where(
        CommissionMember.user_id == user.id,
        CommissionMember.role.in_(CONSENSUS_ROLES),
        Competition.status == "evaluation")).all()
    # not those a conflict of interest bars this person from: the chair or another
    # rapporteur records them
    return needing_consensus(calls, current_app.config["PER_PAGE"],
                             exclude=barred_condition(user))
