"""The commission's decision meeting: attendance, quorum and the vote the decision needs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from gms.extensions import db
from gms.i18n import _
from gms.models import Competition, User
from gms.models import calls as C
from gms.services import audit
from gms.services.common import ServiceError, commit

from .models import Meeting
from .roster import roster


def meeting_of(call: Competition) -> Meeting | None:
    return db.session.scalar(select(Meeting).where(Meeting.competition_id == call.id))


def record_meeting(call: Competition, *, held_at: datetime, attendee_ids: list[int],
                   votes_for: int, votes_against: int, abstained: int, notes: str,
                   staff: User) -> Meeting:
    """Record the decision meeting: who attended (roster members only), the vote."""
    if call.status != C.EVALUATION:
        raise ServiceError(_("The decision meeting is recorded during evaluation."), 409)
    members = {m.user_id for m in roster(call)}
    if not members:
        raise ServiceError(_("Set up the commission's members first."), 409)
    attendees = sorted(set(attendee_ids))
    if not set(attendees) <= members:
        raise ServiceError(_("Only members of the commission can attend."))
    if min(votes_for, votes_against, abstained) < 0 or (
            votes_for + votes_against + abstained > len(attendees)):
        raise ServiceError(_("The votes cannot outnumber the members present."))
    meeting = meeting_of(call) or Meeting(competition_id=call.id)
    meeting.held_at, meeting.attendees = held_at, attendees
    meeting.votes_for, meeting.votes_against, meeting.abstained = (
        votes_for, votes_against, abstained)
    meeting.notes, meeting.recorded_by_id = (notes or "").strip(), staff.id
    db.session.add(meeting)
    audit.record("meeting.recorded", call, {
        "attendees": attendees, "for": votes_for, "against": votes_against,
        "abstained": abstained}, actor_id=staff.id)
    commit()
    return meeting


def quorum_met(call: Competition, meeting: Meeting | None) -> bool:
    return meeting is not None and len(meeting.attendees) >= (call.quorum or 1)


def check_decision_allowed(call: Competition) -> None:
    """With a quorum set, the decision needs a recorded meeting that reached it and a
    majority of the votes cast."""
    if not call.quorum:
        return
    meeting = meeting_of(call)
    if not quorum_met(call, meeting):
        raise ServiceError(_("Record the commission's meeting with a quorum of %(n)d members "
                             "before the decision.", n=call.quorum), 409)
    if meeting.votes_for <= meeting.votes_against:
        raise ServiceError(_("The commission's vote did not approve the decision."), 409)
