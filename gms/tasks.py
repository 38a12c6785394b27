"""Celery integration and the core's background tasks."""

from __future__ import annotations

import hashlib
import smtplib
from datetime import timedelta
from email.message import EmailMessage

from celery import Celery, Task, shared_task
from celery.schedules import crontab
from celery.signals import worker_ready
from flask import Flask, current_app

from gms.evaluation.assignment import send_reminders
from gms.extensions import db
from gms.hooks.namespaces import plugin_periodic_tasks
from gms.models import OutboxMessage
from gms.services import calls
from gms.services.audit import anchor, anchor_now
from gms.services.letters import write_pending
from gms.services.notify import requeue_unsent
from gms.services.tamper_check import run_and_store
from gms.timeutil import utcnow


def celery_init_app(app: Flask) -> Celery:
    """Bind a Celery app to ``app`` (tasks run inside its app context)."""

    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.config_from_object(app.config["CELERY"])
    schedule = {
        "gms.close_due_calls": {"task": "gms.close_due_calls",
                                "schedule": float(app.config["CLOSE_CALLS_EVERY_SECONDS"])},
        "gms.assignment_reminders": {"task": "gms.assignment_reminders", "schedule": 3600.0},
        "gms.report_reminders": {"task": "gms.report_reminders", "schedule": 3600.0},
        "gms.flush_outbox": {"task": "gms.flush_outbox", "schedule": 300.0},
        "gms.resume_letters": {"task": "gms.resume_letters",
                               "schedule": float(app.config["LETTERS_RESUME_EVERY_SECONDS"])},
        "gms.audit_anchor": {"task": "gms.audit_anchor",
                             "schedule": float(app.config["AUDIT_ANCHOR_EVERY_SECONDS"])},
        "gms.tamper_check": {"task": "gms.tamper_check",
                             "schedule": crontab(**_nightly(app.config["TAMPER_CHECK_AT"]))},
    }
    schedule.update(plugin_periodic_tasks(app.extensions["gms.plugins"]))
    celery_app.conf.beat_schedule = schedule
    celery_app.set_default()
    celery_app.flask_app = app  # for the worker's signal handlers
    app.extensions["celery"] = celery_app
    return celery_app


def _nightly(at: str) -> dict[str, str]:
    """``"HH:MM"`` (UTC) as crontab fields."""
    hour, _sep, minute = str(at).partition(":")
    return {"hour": str(int(hour)), "minute": str(int(minute or 0))}


# acks_late + reject_on_worker_lost: a task whose worker is killed goes back to the queue
# (and the outbox sweeper below finds any message left unsent), so delivery survives
# crashes; the row lock and ``sent_at`` make a repeated task send nothing twice.
@shared_task(name="gms.deliver_message", bind=True, max_retries=5, default_retry_delay=30,
             acks_late=True, reject_on_worker_lost=True)
def deliver_message(self, message_id: int) -> bool:
    """Deliver one outbox message; a message already sent is never sent again."""
    # the lock is held until the commit below: a second worker given the same message
    # waits, then finds it sent
    msg = db.session.get(OutboxMessage, message_id, with_for_update=True)
    if msg is None or msg.sent_at is not None:
        db.session.rollback()
        return False
    msg.attempts += 1
    if current_app.config["MAIL_BACKEND"] == "smtp":
        email = EmailMessage()
        email["From"] = current_app.config["MAIL_SENDER"]
        email["To"] = msg.recipient
        email["Subject"] = msg.subject
        # the same Message-ID on every attempt: should a crash fall between the server's
        # acceptance and our commit, mail servers and clients see the resend as a duplicate
        email["Message-ID"] = message_id_of(msg.key)
        email.set_content(msg.body)
        try:
            with smtplib.SMTP(current_app.config["SMTP_HOST"],
                              current_app.config["SMTP_PORT"]) as smtp:
                smtp.send_message(email)
        except OSError as exc:
            msg.error = str(exc)
            db.session.commit()
            raise self.retry(exc=exc) from exc
    msg.sent_at = utcnow()
    db.session.commit()
    return True


def message_id_of(key: str) -> str:
    """A stable RFC 5322 Message-ID for an outbox key."""
    domain = current_app.config["MAIL_SENDER"].rpartition("@")[2] or "gms.localhost"
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@{domain}>"


@shared_task(name="gms.flush_outbox")
def flush_outbox(older_than_seconds: float = 60) -> int:
    """Queue again every message still unsent after ``older_than_seconds`` (a worker died,
    or the broker was down when it was queued). Safe to run any number of times."""
    return requeue_unsent(utcnow() - timedelta(seconds=older_than_seconds))


# The letters of a publication are rows (gms.models.LetterJob) committed with it; this task
# writes them one per transaction. Acknowledged late: a worker killed half-way gets the task
# back (and gms.resume_letters finds the rows anyway); rows done are skipped, so a repeat
# writes no letter twice.
@shared_task(name="gms.result_letters", acks_late=True, reject_on_worker_lost=True)
def result_letters(call_id: int) -> int:
    """Write the pending result letters of a published call; returns how many."""
    return write_pending(call_id)


@shared_task(name="gms.resume_letters", acks_late=True, reject_on_worker_lost=True)
def resume_letters() -> int:
    """Write every result letter still pending (a worker died, the broker was down when the
    results were published, a letter failed); safe to run any number of times."""
    return write_pending()


@shared_task(name="gms.assignment_reminders")
def assignment_reminders() -> int:
    """Remind members of score sheets due soon or overdue (once a day per sheet)."""
    return send_reminders(utcnow())


@shared_task(name="gms.audit_anchor")
def audit_anchor() -> int | None:
    """Anchor the audit log's newest entry outside the database; returns its id."""
    mark = anchor(utcnow())
    return mark.id if mark else None


@worker_ready.connect
def anchor_at_worker_start(sender=None, **_kwargs) -> None:
    """Anchor the audit log as soon as a worker is ready: the log as it stands at start-up
    is on record at once, not only at the first hourly anchor (a failure is logged)."""
    app = getattr(getattr(sender, "app", None), "flask_app", None)
    if app is None:
        return
    with app.app_context():
        anchor_now()


@shared_task(name="gms.close_due_calls")
def close_due_calls() -> int:
    """Close every open call whose deadline has passed; safe to run twice."""
    return calls.close_due_calls(utcnow())


@shared_task(name="gms.tamper_check")
def tamper_check() -> int:
    """The nightly tamper check: the audit chain, the records against their digests and the
    derived totals; the result is stored and any finding e-mailed to the auditor. Returns
    the number of findings."""
    return run_and_store().findings
