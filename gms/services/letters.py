"""Result letters: a PDF per applicant with the evaluation summary, stored and e-mailed after
publication through the outbox pattern: publishing writes one :class:`LetterJob` per applicant
in its own transaction; the ``gms.result_letters`` task (acknowledged late) and the periodic
``gms.resume_letters`` write them one by one, each letter in a transaction of its own."""

from __future__ import annotations

import hashlib
import logging
import os
import uuid
from pathlib import Path
from typing import NamedTuple

from flask import current_app, url_for
from flask_babel import force_locale
from sqlalchemy import case, func, select

from gms.competition import FUNDED, RESERVE
from gms.documents import Document, one_line, render_pdf
from gms.evaluation.appeals import appeal_deadline
from gms.evaluation.models import Award, ConsensusReport
from gms.evaluation.scoring import criterion_means
from gms.extensions import db
from gms.i18n import _, local_datetime, money, number
from gms.models import Application, Attachment, Competition, LetterJob
from gms.models import calls as C
from gms.timeutil import utcnow

from . import audit, notify
from .common import commit
from .contract import sheet_for

KIND = "result_letter"
log = logging.getLogger(__name__)


def letter_pdf(application: Application, award: Award | None, lang: str) -> bytes:
    """The result letter of one application in ``lang``: outcome, scores per criterion and
    the commission's consensus text (as the call's settings allow), the appeal window."""
    call: Competition = application.competition
    show_scores = (call.settings or {}).get("letters_show_scores", True)
    with force_locale(lang):
        doc = Document(_("Results of the call: %(title)s", title=call.title.get(lang)
                         or call.title_text))
        doc.paragraph(f"{one_line(application.organisation.name)} — {application.number}: "
                      f"{one_line(application.title)}")  # names and titles on one line
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
                ConsensusReport.application_id == application.id,
                ConsensusReport.status == "confirmed"))  # a proposal is no conclusion
            if consensus:
                doc.heading(_("The commission's conclusion"))
                doc.paragraph(consensus)
        deadline = appeal_deadline(call)
        if deadline is not None:
            doc.paragraph(_("You may appeal against the result until %(when)s (Bishkek time).",
                            when=local_datetime(deadline)))
        doc.signatures(_("Programme staff"))
        return render_pdf(doc)


def queue_letters(call: Competition) -> int:
    """Add a letter job for every submitted application of ``call`` that has none yet, in
    the current transaction (the caller commits: with the publication, so both happen or
    neither). Returns how many were added; a second call adds nothing."""
    have = set(db.session.scalars(select(LetterJob.application_id).where(
        LetterJob.competition_id == call.id)))
    added = 0
    for application_id in db.session.scalars(select(Application.id).where(
            Application.competition_id == call.id, Application.submitted_at.is_not(None))
            .order_by(Application.id)).all():
        if application_id not in have:
            db.session.add(LetterJob(competition_id=call.id, application_id=application_id,
                                     stored_name=uuid.uuid4().hex))
            added += 1
    db.session.flush()
    return added


def hand_to_worker(call_id: int) -> bool:
    """After the commit: queue the ``gms.result_letters`` task of a call. A broker that is
    down loses nothing (the letter jobs are committed and ``gms.resume_letters`` picks them
    up); the caller learns ``False`` instead of an exception."""
    task = current_app.extensions["celery"].tasks["gms.result_letters"]
    try:
        task.delay(call_id)
    except Exception:  # noqa: BLE001 - broker unreachable, or an eager run that failed
        log.warning("could not hand the letters of call %s to the worker; "
                    "gms.resume_letters will write them", call_id, exc_info=True)
        return False
    return True


class LetterProgress(NamedTuple):
    """How far the letters of a call are: written, still pending, pending after a failure."""

    written: int
    pending: int
    failing: int


def progress(call: Competition) -> LetterProgress:
    """The letters of ``call`` written and pending (one query)."""
    written, pending, failing = db.session.execute(select(
        func.count(LetterJob.done_at),
        func.count(case((LetterJob.done_at.is_(None), 1))),
        func.count(case((LetterJob.done_at.is_(None) & LetterJob.error.is_not(None), 1))),
    ).where(LetterJob.competition_id == call.id)).one()
    return LetterProgress(written, pending, failing)


def write_pending(call_id: int | None = None) -> int:
    """Write the pending letters (of ``call_id``, or of every call) one by one, each in a
    transaction of its own: the row is locked (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so
    two workers share the work and never write the same letter), the PDF stored, the e-mail
    queued in the outbox, the row marked done, then committed. A worker killed half-way
    leaves the rest pending for the next run; a letter that fails keeps its error and is
    tried again by the next run. Returns how many letters were written now."""
    written = 0
    failed: list[int] = []
    while True:
        query = select(LetterJob).where(LetterJob.done_at.is_(None))
        if call_id is not None:
            query = query.where(LetterJob.competition_id == call_id)
        if failed:
            query = query.where(LetterJob.id.not_in(failed))
        job = db.session.scalar(query.order_by(LetterJob.id).limit(1)
                                .with_for_update(skip_locked=True))
        if job is None:
            db.session.rollback()
            return written
        job_id = job.id
        try:
            _write(job)
            commit()
        except Exception as exc:  # noqa: BLE001 - one bad letter must not stop the others
            db.session.rollback()
            log.exception("result letter job %s failed", job_id)
            failed.append(job_id)
            _record_failure(job_id, exc)
            continue
        written += 1


def _write(job: LetterJob) -> None:
    """Store one letter (unless stored already) and queue its e-mail; mark the job done."""
    application = db.session.get(Application, job.application_id)
    call = db.session.get(Competition, job.competition_id)
    lang = application.created_by.locale or application.language
    letter = db.session.scalar(select(Attachment).where(
        Attachment.application_id == application.id, Attachment.kind == KIND)
        .order_by(Attachment.id).limit(1))
    if letter is None:
        award = db.session.scalar(select(Award).where(
            Award.competition_id == call.id, Award.application_id == application.id))
        data = letter_pdf(application, award, lang)
        _store(job.stored_name, data)
        letter = Attachment(
            application_id=application.id, kind=KIND, stored_name=job.stored_name,
            filename=f"{application.number}-result.pdf", content_type="application/pdf",
            size=len(data), sha256=hashlib.sha256(data).hexdigest(),
            uploaded_by_id=application.created_by_id)
        db.session.add(letter)
        db.session.flush()
    with force_locale(lang):
        # one key per applicant's letter: a repeated run finds the message and sends nothing
        notify.send(
            key=f"result:{call.id}:{application.id}", recipient=application.created_by.email,
            subject=_("Results of the call: %(title)s", title=call.title.get(lang)
                      or call.title_text),
            body=_("The results of the call are published. Your result letter, with the "
                   "evaluation summary: %(link)s", link=url_for(
                       "applicant.download", attachment_id=letter.id, _external=True)))
    job.attempts += 1
    job.attachment_id, job.done_at, job.error = letter.id, utcnow(), None
    audit.record("letter.written", application, {
        "call_id": call.id, "attachment_id": letter.id, "job_id": job.id})


def _store(stored_name: str, data: bytes) -> None:
    """Write a letter's file whole or not at all, under its job's name (a retry after a
    crash replaces the file the crash left)."""
    target = Path(current_app.config["UPLOAD_FOLDER"]) / stored_name
    partial = target.with_name(stored_name + ".part")
    with open(partial, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(partial, target)


def _record_failure(job_id: int, exc: Exception) -> None:
    job = db.session.get(LetterJob, job_id, with_for_update=True)
    if job is not None and job.done_at is None:
        job.attempts += 1
        job.error = f"{type(exc).__name__}: {exc}"[:2000]
    db.session.commit()


def send_result_letters(call_id: int) -> int:
    """Make sure every applicant of a published call has a letter job, then write the
    pending ones; safe to run any number of times (each letter is stored once and e-mailed
    once). Returns how many letters were new."""
    call = db.session.get(Competition, call_id)
    if call is None or call.status != C.PUBLISHED:
        return 0
    if queue_letters(call):
        commit()
    return write_pending(call_id)


def resume(call_id: int | None = None) -> int:
    """Write every letter left pending (by a worker that died, a broker that was down, a
    failure); with ``call_id``, first give any applicant of that call without a letter job
    one. Returns how many letters were written now."""
    if call_id is not None:
        return send_result_letters(call_id)
    return write_pending()
