"""The plugin's pages (blueprint ``citizen_budget_contest`` at ``/p/citizen_budget_contest``)
and the helpers its templates use.

- ``/applications/<id>/certificate.pdf``: a winner's prize certificate, after publication, for
  the winning municipality's members and the staff who manage the call; 404 for anyone else.
- ``/calls/<id>/prizes``: staff see the places, prizes and their planned use once the awards
  are decided; the reserve list a page at a time (``?page=``), ``?format=csv`` every row.
"""

from __future__ import annotations

import re
from decimal import Decimal

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import Select, func, select

from gms.documents import render_pdf
from gms.evaluation.models import Award
from gms.extensions import db
from gms.models import Application, Competition, Organisation, User
from gms.models import calls as C
from gms.services import exports
from gms.services.common import competition_info, identity_hidden
from gms.web.access import can_view_application, managed_call, roles_required
from gms.web.pagination import Page, paginate

from . import edition, prizes
from .anonymity import masker, texts_of, villages
from .choices import CITIZENS_BUDGET, PRIZE_USES, SUBJECTS
from .competition import KEY
from .hearings import hearings, totals
from .i18n import _

bp = Blueprint(KEY, __name__)

FUNDED = "funded"
RESERVE = "reserve"
CHOICES = {"subject": SUBJECTS, "citizens_budget": CITIZENS_BUDGET, "prize_use": PRIZE_USES}


# ------------------------------------------------------------------------------- access


def may_download_certificate(user, application: Application) -> bool:
    """Members of the winning municipality, and staff who manage the call."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.role == "applicant":
        return application.organisation_id == user.organisation_id
    if user.has_role("staff", "finance"):
        return can_view_application(user, application)
    return False


def _award(application: Application) -> Award | None:
    return db.session.scalar(select(Award).where(Award.application_id == application.id))


def _prize(award: Award, application: Application) -> prizes.Prize:
    org = application.organisation
    territory = org.territory
    answers = application.answers or {}
    return prizes.Prize(
        application_id=application.id, rank=award.rank, outcome=award.outcome,
        reason=award.reason or "",
        number=application.number or "", municipality=org.name,
        rayon=territory.rayon if territory else "", oblast=org.oblast or "",
        score=award.score, amount=Decimal(award.amount or 0),
        use=str(answers.get("prize_use") or ""),
        use_description=str(answers.get("prize_use_description") or "").strip())


def _awards(call: Competition, *outcomes: str) -> Select:
    """The call's awards of these outcomes with their applications (organisation and
    territory joined in), in rank order."""
    return (select(Award, Application)
            .join(Application, Application.id == Award.application_id)
            .where(Award.competition_id == call.id, Award.outcome.in_(outcomes))
            .options(db.joinedload(Application.organisation)
                     .joinedload(Organisation.territory))
            .order_by(Award.rank, Award.id))


def _prizes(call: Competition) -> list[prizes.Prize]:
    """Every funded and reserve-listed award of the call (the CSV export)."""
    rows = db.session.execute(_awards(call, FUNDED, RESERVE)).all()
    return [_prize(award, application) for award, application in rows]


def _funded(call: Competition) -> list[prizes.Prize]:
    """The funded awards, by place. All of them: never more than the call's places (at most
    ``edition.MAX_PLACES``), since the award policy funds one application per place and a
    declined award promotes at most one reserve entry."""
    rows = db.session.execute(_awards(call, FUNDED)).all()
    return prizes.places([_prize(award, application) for award, application in rows])


def _reserve_page(call: Competition) -> Page:
    """One page (``?page=``) of the reserve list, in rank order, as rows of what the list
    shows (number, municipality, score); the total is counted in SQL."""
    return paginate(
        select(Award.id, Application.number, Organisation.name.label("municipality"),
               Award.score)
        .select_from(Award)
        .join(Application, Application.id == Award.application_id)
        .join(Organisation, Organisation.id == Application.organisation_id)
        .where(Award.competition_id == call.id, Award.outcome == RESERVE)
        .order_by(Award.rank, Award.id), rows=True)


def _use_of_prizes(call: Competition) -> list[tuple[str | None, int, Decimal | None]]:
    """The funded awards counted and summed in SQL per planned use of the prize."""
    # the use read from the answers in a subquery, so that GROUP BY names a column (not the
    # JSON expression again, with a parameter of its own)
    funded = (select(Application.answers["prize_use"].as_string().label("use"),
                     Award.amount)
              .join(Application, Application.id == Award.application_id)
              .where(Award.competition_id == call.id, Award.outcome == FUNDED).subquery())
    return [tuple(row) for row in db.session.execute(
        select(funded.c.use, func.count(), func.sum(funded.c.amount)).group_by(funded.c.use))]


# -------------------------------------------------------------------------------- pages


@bp.route("/applications/<int:application_id>/certificate.pdf")
def certificate(application_id: int):
    application = db.session.get(Application, application_id)
    if application is None:
        abort(404)
    call = application.competition
    if call.type_key != KEY or call.status != C.PUBLISHED:
        abort(404)
    award = _award(application)
    if award is None or award.outcome != FUNDED or not may_download_certificate(
            current_user, application):
        abort(404)
    published = call.published_at
    doc = prizes.certificate(
        _prize(award, application), call.title_text,
        edition.budget_year(competition_info(call)),
        published.astimezone(edition.TIMEZONE).date() if published else None)
    return Response(render_pdf(doc), mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="certificate-{application.number}.pdf"'})


@bp.route("/calls/<int:call_id>/prizes")
@roles_required("staff", "finance")
def prize_report(call_id: int):
    call = managed_call(call_id)
    if call.type_key != KEY:
        abort(404)
    decided = call.status in (C.DECIDED, C.PUBLISHED)
    if request.args.get("format") == "csv":
        # the export holds every row (exports are not paged)
        header, rows = prizes.table(_prizes(call) if decided else [])
        return Response(exports.to_csv(header, rows, bom=False), mimetype=exports.CSV_TYPE,
                        headers={"Content-Disposition":
                                 f'attachment; filename="prizes-{call.id}.csv"'})
    # a constant number of queries whatever the number of awards: the funded places (a
    # handful), the sums per use, and the reserve list's count and one page of it
    lines, awarded, left = prizes.use_summary(_use_of_prizes(call) if decided else [],
                                              Decimal(call.budget or 0))
    return render_template(f"{KEY}/prizes.html", call=call, decided=decided,
                           funded=_funded(call) if decided else [],
                           reserve=_reserve_page(call) if decided else None,
                           lines=lines, awarded=awarded, left=left,
                           published=call.status == C.PUBLISHED)


# ------------------------------------------------------------------------ template helpers


def identity_masker(application, anonymous: bool = False):
    """For the answers template: a function hiding the municipality's names in free text,
    or ``None`` when the viewer may see them (staff, the applicant, members after
    publication)."""
    if application is None:
        return None
    hidden = anonymous or (getattr(current_user, "role", None) == "commission"
                           and identity_hidden(application.competition))
    if not hidden:
        return None
    names, people = identity_of(application)
    return masker(names, _("[name hidden]"), people=people)


#: answers whose key says they hold a person who speaks for the applicant
_PERSON_KEY = re.compile(r"head|contact|signator|leader|person|glava|chief|mayor", re.I)


def identity_of(application) -> tuple[list[str | None], list[str | None]]:
    """What names the applicant: the places (the organisation, its unit in Russian, Kyrgyz
    and English, its rayon, the villages the application itself names) and the people (the
    organisation's accounts, and any answer naming its head or contact)."""
    org = application.organisation
    territory = org.territory if org is not None else None
    names: list[str | None] = [org.name if org is not None else None]
    if territory is not None:
        names += [territory.name_ru, territory.name_ky, territory.name_en, territory.rayon,
                  territory.rayon_ky]
    answers = application.answers or {}
    names += villages([application.title, *texts_of(answers)])
    people: list[str | None] = [application.created_by.name if application.created_by
                                else None]
    if org is not None:
        people += db.session.scalars(select(User.name).where(
            User.organisation_id == org.id)).all()
    people += [text for key, value in answers.items() if _PERSON_KEY.search(str(key))
               for text in texts_of(value)]
    return names, people


def certificate_url(application) -> str | None:
    """The winner's certificate link for those who may download it, else ``None``."""
    if (application is None or application.competition.type_key != KEY
            or application.competition.status != C.PUBLISHED
            or application.status != FUNDED
            or not may_download_certificate(current_user, application)):
        return None
    return url_for(f"{KEY}.certificate", application_id=application.id)


def prizes_url(application) -> str | None:
    """The call's prize page for staff, once the awards are decided."""
    call = getattr(application, "competition", None)
    if (call is None or call.type_key != KEY or call.status not in (C.DECIDED, C.PUBLISHED)
            or not getattr(current_user, "is_authenticated", False)
            or current_user.role not in ("staff", "finance", "admin")):
        return None
    return url_for(f"{KEY}.prize_report", call_id=call.id)


#: what the templates use, added to Jinja by ``gms_app_init``:
#: ``{{ row.subject|label(citizen_budget_choices.subject) }}``; the core's filters do the rest
JINJA_GLOBALS = {
    "citizen_budget_choices": CHOICES,
    "citizen_budget_hearings": hearings, "citizen_budget_totals": totals,
    "citizen_budget_masker": identity_masker,
    "citizen_budget_certificate_url": certificate_url,
    "citizen_budget_prizes_url": prizes_url,
}
