"""The memorandum of cooperation with a selected municipality, as a PDF.

The call (doc 000) says the details of cooperation are set out in a memorandum signed
separately with each selected local self-government body, the joint action plan of its letter
of interest being an integral part of it. :func:`build` makes the document from plain values
in the current locale (pure, testable without the database); :func:`for_application` gathers
the values of a selected application and renders it in the application's language, Kyrgyz
or Russian.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import force_locale
from sqlalchemy import select

from gms.answers import to_date
from gms.competition import FUNDED
from gms.documents import Document, one_line, render_pdf
from gms.evaluation.models import Award
from gms.extensions import db
from gms.formatting import day, label_of
from gms.models import Application, User, translated
from gms.models import calls as C
from gms.timeutil import to_local

from .answers import rows, section, text
from .choices import HEAD_TITLES, PLAN_KINDS
from .i18n import _
from .settings import memorandum_until

LANGUAGES = ("ky", "ru")


@dataclass(frozen=True)
class MemorandumData:
    """What a memorandum says about one selected municipality."""

    number: str
    organisation: str
    municipality: str
    location: str
    head_title: str
    head_name: str
    chair_name: str
    decision_number: str
    decision_date: date | None
    call_title: str
    dated: date | None = None
    until: date | None = None
    plan: Sequence[Mapping[str, Any]] = field(default_factory=tuple)


def data_of(answers: Mapping[str, Any], *, number: str, organisation: str, call_title: str,
            dated: date | None, until: date | None) -> MemorandumData:
    """The memorandum's values from an application's answers; ``organisation`` is the
    registered name of the municipality."""
    letter = section(answers, "letter")
    line = lambda key: one_line(text(letter.get(key)))  # noqa: E731 - names: one line each
    return MemorandumData(
        number=one_line(number), organisation=one_line(organisation),
        municipality=line("municipality_name") or one_line(organisation),
        location=line("municipality_location"),
        head_title=text(letter.get("head_title")), head_name=line("head_name"),
        chair_name=line("council_chair_name"),
        decision_number=line("joint_decision_number"),
        decision_date=to_date(letter.get("joint_decision_date")),
        call_title=one_line(call_title),
        dated=dated, until=until, plan=tuple(rows(answers, "action_plan")))


def _bullets(doc: Document, items) -> None:
    for item in items:
        doc.paragraph("• " + item)


def build(data: MemorandumData) -> Document:
    """The memorandum in the current locale."""
    head = label_of(HEAD_TITLES, data.head_title) or _("Head of the aiyl okmotu or mayor")
    where = f"{data.municipality}, {data.location}" if data.location else data.municipality
    doc = Document(_("Memorandum of cooperation"))
    doc.paragraph(_("No. %(number)s · %(date)s · %(organisation)s", number=data.number,
                    date=day(data.dated), organisation=data.organisation))
    doc.paragraph(_(
        "The Project “Voice of Citizens and Accountability of Local Self-Government: Budget "
        "Process”, funded by the Government of Switzerland and implemented by the Development "
        "Policy Institute (the Project), and the local self-government of %(municipality)s, "
        "represented by the %(head_title)s, %(head)s, and by the chair of the local council, "
        "%(chair)s (the Municipality), selected as a pilot municipality in the call "
        "“%(call)s”, agree to cooperate as follows.",
        municipality=where, head_title=head.lower(), head=data.head_name or "—",
        chair=data.chair_name or "—", call=data.call_title))

    doc.heading(_("1. Purpose"))
    doc.paragraph(_("To make the management of public finances by the local self-government "
                    "more transparent and effective, while substantially raising the "
                    "participation of citizens in its decisions."))

    doc.heading(_("2. The Project will"))
    _bullets(doc, (
        _("help the local self-government and the community build a partnership to identify "
          "their priority problems together;"),
        _("help draw up and carry out a joint action plan to solve the priority problem "
          "identified;"),
        _("help the local self-government plan, allocate and manage its finances better;"),
        _("advise on the local budget, municipal property and legal questions;"),
        _("support public events for residents;"),
        _("train the aiyl okmotu staff and the council deputies in computer literacy and "
          "municipal management;"),
        _("open its contest and grant programmes to the Municipality on a par with other local "
          "self-government bodies;"),
        _("give opportunities to learn from colleagues on site and to share the Municipality's "
          "own good practice."),
    ))

    doc.heading(_("3. The Municipality will"))
    _bullets(doc, (
        _("ensure that the council, the aiyl okmotu staff and residents take part in the "
          "trainings, public events and other activities of the joint action plan;"),
        _("give the Project the information it needs to analyse municipal management and "
          "recommend improvements;"),
        _("keep all information on the local budget open, clear and accessible to citizens, "
          "under the Law “On access to information held by state bodies and local "
          "self-government bodies” of 28 December 2006;"),
        _("organise events that disclose budget information, and take part in republican "
          "events and experience exchanges."),
    ))

    doc.heading(_("4. Joint action plan"))
    doc.paragraph(_("The joint action plan of the letter of interest, adopted with the joint "
                    "decision No. %(number)s of %(date)s, is an integral part of this "
                    "memorandum.", number=data.decision_number or "—",
                    date=day(data.decision_date)))
    doc.table([_("No."), _("Activity"), _("Kind of activity"), _("When"),
               _("Who is responsible")],
              [[i, text(r.get("activity")), label_of(PLAN_KINDS, r.get("kind")),
                text(r.get("timing")), text(r.get("responsible"))]
               for i, r in enumerate(data.plan, start=1)])

    doc.heading(_("5. Term"))
    if data.until:
        doc.paragraph(_("This memorandum takes effect when signed and runs until %(date)s.",
                        date=day(data.until)))
    else:
        doc.paragraph(_("This memorandum takes effect when signed and runs until the end of the "
                        "current phase of the Project."))
    doc.paragraph(_("Cooperation involves no transfer of money between the parties. The "
                    "parties may amend this memorandum, and the joint action plan, by written "
                    "agreement."))
    doc.heading(_("Signatures"))
    doc.paragraph(_("For the Municipality: %(head_title)s %(head)s; chair of the local "
                    "council %(chair)s.", head_title=head, head=data.head_name or "—",
                    chair=data.chair_name or "—"))
    doc.signatures(_("For the Project"), head, _("Chair of the local council"))
    doc.paragraph(_("Seal"))
    return doc


# ----------------------------------------------------------------------------- the app


def is_selected(application: Application) -> bool:
    """The commission's decision selected this application."""
    return db.session.scalar(select(Award.id).where(
        Award.application_id == application.id, Award.outcome == FUNDED)) is not None


def available_to(user: User, application: Application) -> bool:
    """Staff who manage the call, once the pilots are decided; the selected municipality's
    own users, once the results are published."""
    from gms.web.access import can_view_application

    call = application.competition
    if not getattr(user, "is_authenticated", False) or not can_view_application(user,
                                                                                 application):
        return False
    if user.has_role("staff"):
        stages = (C.DECIDED, C.PUBLISHED)
    elif user.role == "applicant":
        stages = (C.PUBLISHED,)
    else:
        return False
    return call.status in stages and is_selected(application)


def language_of(application: Application) -> str:
    return application.language if application.language in LANGUAGES else "ru"


def for_application(application: Application) -> bytes:
    """The PDF of the memorandum with a selected application's municipality."""
    from gms.services.common import competition_info

    call = application.competition
    dated = to_local(call.published_at).date() if call.published_at else None
    with force_locale(language_of(application)):
        data = data_of(application.answers, number=application.number or "",
                       organisation=application.organisation.name,
                       call_title=translated(call.title, language_of(application)),
                       dated=dated, until=memorandum_until(competition_info(call)))
        return render_pdf(build(data))
