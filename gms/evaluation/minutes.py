"""The minutes (protocol) of the commission's decision as a PDF."""

from __future__ import annotations

from flask_babel import force_locale
from sqlalchemy import select

from gms.competition import FUNDED, RESERVE
from gms.documents import Document, render_pdf
from gms.extensions import db
from gms.i18n import ROLE_NAMES, STATUS_NAMES, _, local_datetime, money, number
from gms.models import Competition, User

from .conflicts import RECUSING_SOURCES
from .decisions import awards_of
from .meetings import meeting_of, quorum_met
from .models import Conflict
from .ranking import ranking
from .roster import roster


def minutes_pdf(call: Competition, lang: str) -> bytes:
    """The protocol of the decision, in ``lang``: attendance, quorum, recusals, ranking,
    funded and reserve lists, the vote."""
    meeting = meeting_of(call)
    members = {m.user_id: m for m in roster(call)}
    rows = ranking(call)
    by_app = {r.application_id: r for r in rows}
    recusals = db.session.execute(
        select(Conflict.user_id, Conflict.application_id, Conflict.reason).where(
            Conflict.source.in_(RECUSING_SOURCES), Conflict.status == "conflict",
            Conflict.application_id.in_(list(by_app)))).all()
    ids = set(members) | {r.user_id for r in recusals}
    names = dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all())
    awards = awards_of(call)
    with force_locale(lang):
        doc = Document(_("Minutes of the commission: %(title)s", title=call.title.get(
            lang) or call.title_text))
        if meeting is not None:
            doc.paragraph(_("Held on %(when)s.", when=local_datetime(meeting.held_at)))
            doc.heading(_("Attendance"))
            doc.table([_("Member"), _("Role")], [
                [names.get(uid, uid), ROLE_NAMES.get(members[uid].role, members[uid].role)]
                for uid in meeting.attendees if uid in members])
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
        chair = next((names.get(uid) for uid, m in members.items() if m.role == "chair"), "")
        doc.signatures(_("Chair of the commission") + (f" ({chair})" if chair else ""),
                       _("Secretary"))
        return render_pdf(doc)


def _status_name(outcome: str) -> str:
    return str(STATUS_NAMES.get(outcome, outcome))
