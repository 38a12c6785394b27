"""Publication of a call's results: outcomes given, result letters queued, then sent."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from gms.competition import FUNDED, AwardDecision
from gms.extensions import db
from gms.i18n import _
from gms.models import Competition
from gms.models import calls as C
from gms.services import audit
from gms.services.common import ServiceError, competition_info, hooks
from gms.services.letters import hand_to_worker, queue_letters

from .decisions import awards_of


def publish_results(call: Competition, now: datetime) -> None:
    """Give each ranked application its outcome, time-stamp publication and add one result
    letter job per applicant, all in the caller's transaction (no commit, nothing sent to the
    broker: :func:`after_publish` does that once the publication is committed)."""
    # the call's row is locked: of two publications at once, the second waits, then refuses
    status = db.session.scalar(select(Competition.status).where(Competition.id == call.id)
                               .with_for_update())
    if status != C.DECIDED:
        raise ServiceError(_("This step is not possible now."), 409)
    for award in awards_of(call):
        award.application.status = award.outcome
    call.published_at = now
    letters = queue_letters(call)
    audit.record("letters.queued", call, {"letters": letters})


def after_publish(call: Competition) -> None:
    """After the publication's commit: hand its result letters to the worker (a broker that
    is down only delays them: the letter jobs are committed and ``gms.resume_letters`` writes
    them), call the awards hook, and anchor the audit log."""
    hand_to_worker(call.id)
    outcome = {a.application_id: a for a in awards_of(call)}
    funded = tuple(a for a in outcome.values() if a.outcome == FUNDED)
    hooks().gms_awards_published(
        competition=competition_info(call),
        awards=tuple(AwardDecision(a.application_id, a.outcome, a.amount, a.rank)
                     for a in funded))
    audit.anchor_now()  # a failure is logged; the periodic gms.audit_anchor catches up
