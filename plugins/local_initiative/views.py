"""The plugin's pages under ``/p/local_initiative`` and the helpers its templates use.

* ``/calls/<id>``: the terms of a call of either variant (public once the call is open):
  the organiser, its regulation, financing types, cap, partial financing, the public hearing;
  or the contest's places, nominations and the NGO configuration.
* ``/calls/<id>/documents``: diplomas and certificates of a published contest (staff who
  manage the call).
* ``/applications/<id>/award.pdf``: the diploma or certificate of an entry, for the entry's
  organisation and the staff who manage the call; 404 for everyone else.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Blueprint, Response, abort, render_template, url_for
from flask_login import current_user
from sqlalchemy import and_, or_, select

from gms.competition import FUNDED, RESERVE
from gms.competition.budget import ZERO
from gms.evaluation.models import Award
from gms.extensions import db
from gms.formatting import label_of
from gms.models import Application, Competition
from gms.models import calls as C
from gms.services.common import competition_info, registry
from gms.services.contract import document_kinds_for
from gms.timeutil import to_local
from gms.web.access import managed_call, roles_required
from gms.web.pagination import paginate

from . import budget
from .awards import parse_place_reason
from .choices import (
    APPLICANT_ROLES,
    BUDGET_SOURCES,
    CO_APPLICANT_KINDS,
    FINANCING_TYPES,
    ISSUE_AREAS,
    PARTIES,
    RESOURCE_KINDS,
)
from .competition import CONTEST_KEY, MUNICIPAL_KEY, PLUGIN
from .diplomas import AwardFacts, kind_of, pdf_for, roman
from .rules import co_applicants
from .terms import contest_terms, municipal_terms

bp = Blueprint(PLUGIN, __name__)
KEYS = (CONTEST_KEY, MUNICIPAL_KEY)


# ------------------------------------------------------------------------------ access


def may_download(user, application: Application) -> bool:
    """The entry's own organisation, the staff who manage its call, administrators."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.role == "admin":
        return True
    if user.role in ("staff", "finance"):
        return user.organisation_id is None or (
            user.organisation_id == application.competition.organiser_id)
    if user.role == "applicant":
        return user.organisation_id is not None and (
            user.organisation_id == application.organisation_id)
    return False


def facts_for(application: Application, award: Award | None) -> AwardFacts | None:
    """The facts of the entry's diploma or certificate; ``None`` when it has neither (not a
    published contest, or no place and not a finalist)."""
    call = application.competition
    if award is None or call.type_key != CONTEST_KEY or call.status != C.PUBLISHED:
        return None
    kind = kind_of(award.outcome, award.reason)
    if kind is None:
        return None
    terms = contest_terms(competition_info(call))
    parsed = parse_place_reason(award.reason)
    nomination = None
    if parsed and parsed[0] and parsed[0] <= len(terms.nominations):
        nomination = terms.nominations[parsed[0] - 1]
    return AwardFacts(
        kind=kind, call_title=call.title_text, applicant=application.organisation.name,
        entry_title=application.title, number=application.number or str(application.id),
        published_on=to_local(call.published_at).date() if call.published_at else None,
        place=parsed[1] if parsed else None, nomination=nomination, amount=award.amount,
        in_equipment=terms.prizes_in_equipment,
        co_applicants=tuple(str(p.get("name")).strip()
                            for p in co_applicants(application.answers or {})),
        organiser=call.organiser.name if call.organiser_id else None)


def _award(application: Application) -> Award | None:
    return db.session.scalar(select(Award).where(Award.application_id == application.id))


# ------------------------------------------------------------------------------- pages


@bp.route("/calls/<int:call_id>")
def terms(call_id: int):
    call = db.session.get(Competition, call_id)
    if call is None or call.type_key not in KEYS or call.status == C.DRAFT:
        abort(404)
    info = competition_info(call)
    ctype = registry()[call.type_key]
    return render_template(f"{PLUGIN}/terms.html", call=call, ctype=ctype,
                           variant=ctype.variant, terms=ctype.terms(info),
                           kinds=document_kinds_for(call))


def _with_document():
    """In SQL, the awards :func:`kind_of` gives a document: the reserve's certificates and
    the diplomas of the places (reasons made by ``place_reason``)."""
    placed = or_(*(Award.reason.like(prefix + "\\_%", escape="\\")
                   for prefix in ("place", "nomination")))
    return or_(Award.outcome == RESERVE, and_(Award.outcome == FUNDED, placed))


@bp.route("/calls/<int:call_id>/documents")
@roles_required("staff", "finance")
def documents(call_id: int):
    call = managed_call(call_id)
    if call.type_key != CONTEST_KEY or call.status != C.PUBLISHED:
        abort(404)
    page = paginate(
        select(Award, Application).join(Application, Application.id == Award.application_id)
        .where(Award.competition_id == call.id, _with_document())
        .options(db.joinedload(Application.organisation)).order_by(Award.rank), rows=True)
    page.items = [(award, application, kind_of(award.outcome, award.reason))
                  for award, application in page.items]
    return render_template(f"{PLUGIN}/documents.html", call=call, items=page)


@bp.route("/applications/<int:application_id>/award.pdf")
def award_pdf(application_id: int):
    application = db.session.get(Application, application_id)
    if application is None or not may_download(current_user, application):
        abort(404)
    facts = facts_for(application, _award(application))
    if facts is None:
        abort(404)
    name = f"{facts.kind}-{facts.number}.pdf"
    return Response(pdf_for(facts), mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{name}"'})


# ---------------------------------------------------------------------- template helpers

CHOICES = {
    "issue_area": ISSUE_AREAS, "applicant_role": APPLICANT_ROLES,
    "co_applicant_kind": CO_APPLICANT_KINDS, "party": PARTIES, "resource_kind": RESOURCE_KINDS,
    "financing_type": FINANCING_TYPES, "source": BUDGET_SOURCES,
}


def resources_summary(answers: Mapping[str, Any]) -> dict:
    items = budget.resources(answers)
    return {"items": items, "total": sum((r.value for r in items), ZERO),
            "by_party": [(label_of(PARTIES, p), v)
                         for p, v in budget.resources_by_party(answers).items() if v]}


def call_terms(call: Competition):
    """``(variant, terms)`` of a call of this plugin, for the templates."""
    info = competition_info(call)
    if call.type_key == MUNICIPAL_KEY:
        return "municipal", municipal_terms(info)
    return "contest", contest_terms(info)


def award_document(application: Application) -> dict | None:
    """The diploma or certificate link the current user may follow, if any."""
    if not may_download(current_user, application):
        return None
    facts = facts_for(application, _award(application))
    if facts is None:
        return None
    return {"kind": facts.kind, "url": url_for(f"{PLUGIN}.award_pdf",
                                               application_id=application.id)}


def place_text(reason: str, call: Competition) -> str:
    """``"I place"`` or ``"I place in the nomination “…”"`` for an award's reason."""
    from gms.i18n import _

    parsed = parse_place_reason(reason)
    if parsed is None:
        return ""
    nomination, place = parsed
    names = contest_terms(competition_info(call)).nominations
    if nomination and nomination <= len(names):
        return _("%(place)s place in the nomination “%(nomination)s”", place=roman(place),
                 nomination=names[nomination - 1])
    return _("%(place)s place", place=roman(place))


#: what the templates use, added to Jinja by ``gms_app_init``:
#: ``{{ answers.issue_area|label(local_initiative_choices.issue_area) }}``, ``|long_date``...
JINJA_FILTERS = {"local_initiative_roman": roman, "local_initiative_place": place_text}
JINJA_GLOBALS = {
    "local_initiative_choices": CHOICES,
    "local_initiative_budget": budget.read, "local_initiative_resources": resources_summary,
    "local_initiative_terms": call_terms, "local_initiative_award": award_document,
}
