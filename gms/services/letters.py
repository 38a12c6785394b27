"""Result letters: a PDF per applicant with the evaluation summary, stored and e-mailed by a
Celery task after publication."""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path

from flask import current_app, has_request_context, url_for
from flask_babel import force_locale
from sqlalchemy import select

from gms.competition import FUNDED, RESERVE
from gms.documents import Document, render_pdf
from gms.extensions import db
from gms.i18n import _, local_datetime, money, number
from gms.models import Application, Attachment, Award, Competition, ConsensusReport

from . import notify
from .calls import sheet_for
from .common import commit

KIND = "result_letter"


def external_url(endpoint: str, **values) -> str:
    """An absolute link, also outside a request (in a worker), from ``BASE_URL``."""
    if has_request_context():
        return url_for(endpoint, _external=True, **values)
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        return url_for(endpoint, _external=True, **values)


def letter_pdf(application: Application, award: Award | None, lang: str) -> bytes:
    """The result letter of one application in ``lang``: outcome, scores per criterion and
    the commission's consensus text (as the call's settings allow), the appeal window."""
    from .evaluation import criterion_means
    from .results import appeal_deadline

    call: Competition = application.competition
    show_scores = (call.settings or {}).get("letters_show_scores", True)
    with force_locale(lang):
        doc = Document(_("Results of the call: %(title)s", title=call.title.get(lang)
                         or call.title_text))
        doc.paragraph(f"{application.organisation.name} — {application.number}: "
                      f"{application.title}")
        if award is not None and award.outcome == FUNDED:
            doc.paragraph(_("Your application was selected. The grant is %(amount)s.",
                            amount=money(award.amount)))
        elif award is not None and award.outcome == RESERVE:
            doc.paragraph(_("Your application is on the reserve list, at rank %(rank)d. It "
                            "will be funded if a selected applicant declines.", rank=award.rank))
        elif application.status == "ineligible":
            doc.paragraph(_("Your application did not meet the eligibility rules: %(why)s",
                            why=application.screening_reason or ""))
        else:
            doc.paragraph(_("Your application was not selected this time."))
        if show_scores and award is not None:
            means = criterion_means(application)
            sheet = sheet_for(call)
            doc.heading(_("Evaluation summary"))
            doc.table([_("Criterion"), _("Mean score"), _("Maximum")], [
                [c.label.get(lang) or c.label.get("ru"), number(means.get(c.key)),
                 number(c.scale.max)] for c in sheet.criteria])
            doc.paragraph(_("Total: %(score)s of %(max)s.", score=number(award.score),
                            max=number(sheet.max_total)))
            consensus = db.session.scalar(select(ConsensusReport.text).where(
                ConsensusReport.application_id == application.id))
            if consensus:
                doc.heading(_("The commission's conclusion"))
                doc.paragraph(consensus)
        deadline = appeal_deadline(call)
        if deadline is not None:
            doc.paragraph(_("You may appeal against the result until %(when)s (Bishkek time).",
                            when=local_datetime(deadline)))
        doc.signatures(_("Programme staff"))
        return render_pdf(doc)


def send_result_letters(call_id: int) -> int:
    """Render, store and e-mail the letter of every applicant; safe to run twice (each
    letter is stored once and e-mailed once). Returns how many letters were new."""
    call = db.session.get(Competition, call_id)
    awards = {a.application_id: a for a in db.session.scalars(
        select(Award).where(Award.competition_id == call_id))}
    done = set(db.session.scalars(select(Attachment.application_id).join(
        Application, Application.id == Attachment.application_id).where(
        Application.competition_id == call_id, Attachment.kind == KIND)))
    apps = db.session.scalars(select(Application).where(
        Application.competition_id == call_id, Application.submitted_at.is_not(None))
        .options(db.joinedload(Application.created_by))
        .order_by(Application.id)).all()
    new = 0
    folder = Path(current_app.config["UPLOAD_FOLDER"])
    for application in apps:
        lang = application.created_by.locale or application.language
        if application.id not in done:
            data = letter_pdf(application, awards.get(application.id), lang)
            stored = uuid.uuid4().hex
            (folder / stored).write_bytes(data)
            db.session.add(Attachment(
                application_id=application.id, kind=KIND, stored_name=stored,
                filename=f"{application.number}-result.pdf", content_type="application/pdf",
                size=len(data), sha256=hashlib.sha256(data).hexdigest(),
                uploaded_by_id=application.created_by_id))
            db.session.flush()
            new += 1
        letter = db.session.scalar(select(Attachment).where(
            Attachment.application_id == application.id, Attachment.kind == KIND))
        with force_locale(lang):
            notify.send(
                key=f"result:{call.id}:{application.id}", recipient=application.created_by.email,
                subject=_("Results of the call: %(title)s", title=call.title.get(lang)
                          or call.title_text),
                body=_("The results of the call are published. Your result letter, with the "
                       "evaluation summary: %(link)s", link=external_url(
                           "applicant.download", attachment_id=letter.id)))
        commit()
    return new
