"""Commands about calls: ``gms close-due-calls`` and the result letters (``gms letters``)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from gms.extensions import db
from gms.models import Competition, LetterJob
from gms.models import calls as C
from gms.services.calls import close_due_calls
from gms.services.letters import progress, resume
from gms.timeutil import utcnow


@click.command("close-due-calls")
@with_appcontext
def close_due_calls_command() -> None:
    """Close calls past their deadline now (the scheduler does this every minute)."""
    click.echo(f"closed {close_due_calls(utcnow())} call(s)")


@click.group("letters")
def letters_group() -> None:
    """Result letters written after a publication."""


@letters_group.command("status")
@with_appcontext
def letters_status_command() -> None:
    """Show, per published call, how many result letters are written and pending."""


    calls = db.session.scalars(select(Competition).where(Competition.id.in_(
        select(LetterJob.competition_id))).order_by(Competition.id)).all()
    for call in calls:
        p = progress(call)
        click.echo(f"call {call.id}: {p.written} written, {p.pending} pending"
                   + (f" ({p.failing} failed, tried again)" if p.failing else ""))
    if not calls:
        click.echo("no result letters")


@letters_group.command("resume")
@click.option("--call", "call_id", type=int,
              help="Only this call's letters; also gives every applicant of the call "
                   "without a letter job one.")
@with_appcontext
def letters_resume_command(call_id: int | None) -> None:
    """Write the result letters left pending, here and now (safe to run any number of times:
    a letter already written is not written or e-mailed again)."""
    if call_id is not None:
        call = db.session.get(Competition, call_id)
        if call is None or call.status != C.PUBLISHED:
            raise click.UsageError(f"call {call_id} is not a published call")
    written = resume(call_id)
    click.echo(f"{written} letters written")
