"""The commission's decision meeting and its minutes (protocol) as a PDF."""

from __future__ import annotations

from datetime import datetime

from flask_babel import force_locale
from sqlalchemy import select

from gms.competition import FUNDED, RESERVE
from gms.documents import Document, render_pdf
from gms.extensions import db
from gms.i18n import ROLE_NAMES, _, local_datetime, money, number
from gms.models import Competition, Conflict, Meeting, User
from gms.models import calls as C

from . import audit, commission
from .common import ServiceError, commit


def meeting_of(call: Competition) -> Meeting | None:
    return db.session.scalar(select(Meeting).where(Meeting.competition_id == call.id))


def record_meeting(call: Competition, *, held_at: datetime, attendee_ids: list[int],
                   votes_for: int, votes_against: int, abstained: int, notes: str,
                   staff: User) -> Meeting:
    """Record the decision meeting: who attended (roster members only), the vote."""
    if call.status != C.EVALUATION:
        raise ServiceError(_("The decision meeting is recorded during evaluation."), 409)
    members = {m.user_id for m in commission.roster(call)}
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


def minutes_pdf(call: Competition, lang: str) -> bytes:
    """The protocol of the decision, in ``lang``: attendance, quorum, recusals, ranking,
    funded and reserve lists, the vote."""
    from .evaluation import awards_of, ranking

    meeting = meeting_of(call)
    roster = {m.user_id: m for m in commission.roster(call)}
    rows = ranking(call)
    by_app = {r.application_id: r for r in rows}
    recusals = db.session.execute(
        select(Conflict.user_id, Conflict.application_id, Conflict.reason).where(
            Conflict.source.in_(commission.RECUSING_SOURCES), Conflict.status == "conflict",
            Conflict.application_id.in_(list(by_app)))).all()
    ids = set(roster) | {r.user_id for r in recusals}
    names = dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all())
    awards = awards_of(call)
    with force_locale(lang):
        doc = Document(_("Minutes of the commission: %(title)s", title=call.title.get(
            lang) or call.title_text))
        if meeting is not None:
            doc.paragraph(_("Held on %(when)s.", when=local_datetime(meeting.held_at)))
            doc.heading(_("Attendance"))
            doc.table([_("Member"), _("Role")], [
                [names.get(uid, uid), ROLE_NAMES.get(roster[uid].role, roster[uid].role)]
                for uid in meeting.attendees if uid in roster])
            doc.paragraph(_("Quorum: %(present)d present of %(quorum)d required — %(result)s.",
                            present=len(meeting.attendees), quorum=call.quorum or 1,
                            result=_("reached") if quorum_met(call, meeting)
                            else _("not reached")))
        doc.heading(_("Recusals"))
        if recusals:
            doc.table([_("Member"), _("Application"), _("Reason")], [
                [names.get(r.user_id, r.user_id), by_app[r.application_id].number, r.reason]
                for r in recusals])
        else:
            doc.paragraph(_("No member recused."))
        doc.heading(_("Ranking and decision"))
        outcome = {a.application_id: a for a in awards}
        table = []
        for r in rows:
            award = outcome.get(r.application_id)
            table.append([r.rank, r.number, r.organisation, number(r.score),
                          _status_name(award.outcome) if award else "—",
                          money(award.amount) if award and award.outcome == FUNDED else "—"])
        doc.table([_("Rank"), _("Number"), _("Applicant"), _("Score"), _("Decision"),
                   _("Amount")], table)
        funded = [a for a in awards if a.outcome == FUNDED]
        doc.paragraph(_("Funded: %(n)d applications, %(total)s in all.", n=len(funded),
                        total=money(sum((a.amount for a in funded), 0))))
        reserve = [by_app[a.application_id].number for a in awards if a.outcome == RESERVE
                   and a.application_id in by_app]
        doc.paragraph(_("Reserve list, in order: %(list)s.", list=", ".join(reserve) or "—"))
        if meeting is not None:
            doc.heading(_("Vote"))
            doc.paragraph(_("For: %(f)d; against: %(a)d; abstained: %(s)d.",
                            f=meeting.votes_for, a=meeting.votes_against, s=meeting.abstained))
            if meeting.notes:
                doc.paragraph(meeting.notes)
        chair = next((names.get(uid) for uid, m in roster.items() if m.role == "chair"), "")
        doc.signatures(_("Chair of the commission") + (f" ({chair})" if chair else ""),
                       _("Secretary"))
        return render_pdf(doc)


def _status_name(outcome: str) -> str:
    from gms.i18n import STATUS_NAMES

    return str(STATUS_NAMES.get(outcome, outcome))
