"""The consensus page and its recording: nothing of an application's scores for a rapporteur or
chair before they declare themselves free of a conflict of interest on it; a declared conflict
bars both the page and the recording; every declaration lands in the audit log."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from sqlalchemy import func, select

from gms.evaluation import assignment as assignment_service
from gms.evaluation import conflicts as conflicts_service
from gms.evaluation import consensus, declarations, roster, scoring
from gms.evaluation.models import Assignment, Conflict, ConsensusReport
from gms.extensions import db
from gms.models import Application, AuditEntry, Competition, User
from gms.services.common import ServiceError

from .helpers import login, make_user, toy_round
from .toy_competition import TOY

pytestmark = [pytest.mark.gms_plugins(), pytest.mark.gms_config(**TOY)]

#: what the score sheets of the diverging application show once one may see them: the two
#: totals (2 × impact + cost), the members' comments and the impact criterion's mean
SECRETS = ('<td class="num">23</td>', '<td class="num">3</td>',
           "The budget is padded by the consultant", "Strong support from the village",
           "Impact: 5.5 / 10")
DECLARATION = "Declaration of conflict of interest"


def _sheet(application_id: int, member_id: int, impact, cost, comment: str, now) -> None:
    a = db.session.scalar(select(Assignment).where(Assignment.application_id == application_id,
                                                   Assignment.reviewer_id == member_id))
    declarations.declare(a, conflict=False, reason="", now=now)
    assert scoring.save_review(a, {"impact": D(str(impact)), "cost": D(cost)}, {}, comment,
                                  submit=True, now=now) == {}


@pytest.fixture
def world(app, clock):
    """A toy call in evaluation: m1 and m2 scored A's first application far apart (23 and 3
    of 25, limit 5), so it waits for a consensus. m3 is the rapporteur and m4 the chair, both
    assigned nothing and declared nothing; m2 is a plain member."""
    with app.app_context():
        ids = toy_round(now=clock())
        call = db.session.get(Competition, ids["call"])
        call.divergence_limit = D(5)
        db.session.commit()
        staff = db.session.get(User, ids["staff"])
        target = db.session.get(Application, ids["apps_a"][0])
        assignment_service.assign(target, [ids["m2"]], staff)
        _sheet(target.id, ids["m1"], 9.5, 4, "Strong support from the village", clock())
        _sheet(target.id, ids["m2"], 1.5, 0, "The budget is padded by the consultant", clock())
        ids["m3"] = make_user("commission", "m3@x.kg").id
        ids["m4"] = make_user("commission", "m4@x.kg").id
        for key, role in (("m1", "member"), ("m2", "member"), ("m3", "rapporteur"),
                          ("m4", "chair")):
            roster.set_member(call, ids[key], role, staff)
        ids["target"] = target.id
    return ids


def _counts() -> tuple[int, int, int]:
    """Declarations, consensus reports and audit entries (log-ins left out)."""
    return tuple(db.session.scalar(select(func.count()).select_from(model).where(*where))
                 for model, where in ((Conflict, ()), (ConsensusReport, ()),
                                      (AuditEntry, (~AuditEntry.action.startswith("user."),))))


def _page(client, ids) -> str:
    r = client.get(f"/review/consensus/{ids['target']}")
    assert r.status_code == 200, r.status_code
    return r.get_data(as_text=True)


def _shows_scores(body: str) -> bool:
    present = [s for s in SECRETS if s in body]
    assert present in ([], list(SECRETS)), present  # all or nothing
    return bool(present)


def _declarations(ids, user: str) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "conflict.declared", AuditEntry.actor_id == ids[user])))


# ---------------------------------------------------------------------------- the page

def test_undeclared_rapporteur_sees_no_scores_and_cannot_record(app, client, world):
    ids = world
    login(client, "m3@x.kg")
    # the list offers the application: the declaration is made on its page
    assert f"/review/consensus/{ids['target']}" in client.get("/review/").get_data(
        as_text=True)
    body = _page(client, ids)
    assert DECLARATION in body and not _shows_scores(body)
    assert "Individual score sheets" not in body and 'name="score"' not in body
    with app.app_context():
        before = _counts()
    r = client.post(f"/review/consensus/{ids['target']}",
                    data={"score": "12", "text": "Agreed without declaring."})
    body = r.get_data(as_text=True)
    assert r.status_code == 403
    assert "Declare first that you have no conflict of interest" in body
    assert DECLARATION in body and not _shows_scores(body)
    with app.app_context():
        assert _counts() == before  # no consensus, no declaration, no audit entry


def test_after_declaring_no_conflict_the_rapporteur_sees_the_sheets_and_records(
        app, client, world):
    ids = world
    login(client, "m3@x.kg")
    with app.app_context():
        conflicts, reports, entries = _counts()
    r = client.post(f"/review/consensus/{ids['target']}/declare", data={"conflict": "no"})
    assert r.status_code == 302
    assert r.headers["Location"].endswith(f"/review/consensus/{ids['target']}")
    with app.app_context():
        assert _counts() == (conflicts + 1, reports, entries + 1)
        row = declarations.declaration(db.session.get(Application, ids["target"]), ids["m3"])
        assert (row.status, row.source, row.reason) == ("none", "declared", "")
        [entry] = _declarations(ids, "m3")
        assert (entry.object_type, entry.object_id) == ("applications", ids["target"])
        assert entry.payload == {"application_id": ids["target"], "conflict": False,
                                 "reason": "", "context": "consensus"}
    body = _page(client, ids)
    assert _shows_scores(body) and DECLARATION not in body
    r = client.post(f"/review/consensus/{ids['target']}",
                    data={"score": "12,5", "text": "Budget unclear; impact strong."})
    assert r.status_code == 302
    with app.app_context():
        report = db.session.scalar(select(ConsensusReport))
        assert (report.application_id, report.rapporteur_id, report.score) == (
            ids["target"], ids["m3"], D("12.5"))
        assert db.session.scalar(select(AuditEntry).where(
            AuditEntry.action == "consensus.recorded")).actor_id == ids["m3"]
    # declared once: a second declaration is refused, nothing written
    with app.app_context():
        before = _counts()
    r = client.post(f"/review/consensus/{ids['target']}/declare",
                    data={"conflict": "yes", "reason": "Changed my mind"}, follow_redirects=True)
    assert "already declared" in r.get_data(as_text=True)
    with app.app_context():
        assert _counts() == before


def test_declared_conflict_bars_the_page_and_the_recording(app, client, world):
    ids = world
    login(client, "m3@x.kg")
    with app.app_context():
        before = _counts()
    r = client.post(f"/review/consensus/{ids['target']}/declare",
                    data={"conflict": "yes", "reason": ""}, follow_redirects=True)
    assert "Describe the conflict of interest." in r.get_data(as_text=True)
    with app.app_context():
        assert _counts() == before
    r = client.post(f"/review/consensus/{ids['target']}/declare",
                    data={"conflict": "yes", "reason": "My brother chairs the applicant"},
                    follow_redirects=True)
    body = r.get_data(as_text=True)
    assert r.request.path == "/review/"
    assert "the chair or another rapporteur records it" in body
    # no longer offered to m3: a conflict bars them from it
    assert f"/review/consensus/{ids['target']}" not in body
    with app.app_context():
        [entry] = _declarations(ids, "m3")
        assert entry.payload["conflict"] is True
        assert entry.payload["reason"] == "My brother chairs the applicant"
        assert declarations.declaration(db.session.get(Application, ids["target"]),
                                      ids["m3"]).status == "conflict"
        after_declaring = _counts()
    r = client.get(f"/review/consensus/{ids['target']}")
    body = r.get_data(as_text=True)
    assert r.status_code == 403 and not _shows_scores(body)
    assert "You declared a conflict of interest with this application" in body
    r = client.post(f"/review/consensus/{ids['target']}",
                    data={"score": "12", "text": "Recorded anyway."})
    assert r.status_code == 403 and not _shows_scores(r.get_data(as_text=True))
    r = client.post(f"/review/consensus/{ids['target']}/declare", data={"conflict": "no"})
    assert r.status_code == 403
    with app.app_context():
        assert _counts() == after_declaring

    # the chair declares, sees who is conflicted, and records the consensus instead
    login(client, "m4@x.kg")
    assert f"/review/consensus/{ids['target']}" in client.get("/review/").get_data(
        as_text=True)
    assert not _shows_scores(_page(client, ids))
    client.post(f"/review/consensus/{ids['target']}/declare", data={"conflict": "no"})
    body = _page(client, ids)
    assert _shows_scores(body)
    assert "Members who declared a conflict of interest with this application" in body
    assert "M3" in body  # make_user names m3@x.kg "M3"
    r = client.post(f"/review/consensus/{ids['target']}",
                    data={"score": "14", "text": "The chair records it."})
    assert r.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(ConsensusReport.rapporteur_id)) == ids["m4"]


def test_an_assigned_members_declaration_counts(app, client, world):
    """m1, made rapporteur, declared on the application as its assigned member: the consensus
    page shows the sheets at once."""
    ids = world
    with app.app_context():
        call = db.session.get(Competition, ids["call"])
        roster.set_member(call, ids["m1"], "rapporteur", db.session.get(User, ids["staff"]))
    login(client, "m1@x.kg")
    body = _page(client, ids)
    assert _shows_scores(body) and DECLARATION not in body


def test_a_conflict_declared_for_the_consensus_recuses_the_pending_assignment(
        app, client, world):
    """The chair is assigned B's application too but has not declared: declaring a conflict on
    its consensus page is the one declaration, and recuses the assignment."""
    ids = world
    with app.app_context():
        other = db.session.get(Application, ids["apps_b"][0])
        [assignment] = assignment_service.assign(other, [ids["m4"]],
                                                 db.session.get(User, ids["staff"]))
        assignment_id, other_id = assignment.id, other.id
    login(client, "m4@x.kg")
    assert DECLARATION in client.get(f"/review/{assignment_id}").get_data(as_text=True)
    client.post(f"/review/consensus/{other_id}/declare",
                data={"conflict": "yes", "reason": "I advised them on the budget"})
    assert client.get(f"/review/{assignment_id}").status_code == 403
    assert client.get(f"/review/consensus/{other_id}").status_code == 403
    with app.app_context():
        assert db.session.get(Assignment, assignment_id).status == "recused"
        [entry] = _declarations(ids, "m4")
        assert (entry.object_type, entry.object_id) == ("assignments", assignment_id)
        assert entry.payload["assignment_id"] == assignment_id


def test_members_and_outsiders_get_404(app, client, world):
    ids = world
    with app.app_context():
        before = _counts()
    for email in ("m2@x.kg", "m1@x.kg"):  # plain members, one of them assigned
        login(client, email)
        assert client.get(f"/review/consensus/{ids['target']}").status_code == 404
        assert client.post(f"/review/consensus/{ids['target']}/declare",
                           data={"conflict": "no"}).status_code == 404
    with app.app_context():
        assert _counts() == before


# ------------------------------------------------------------------------- the service

def test_the_service_refuses_a_consensus_before_the_declaration(app, world, clock):
    ids = world
    with app.app_context():
        target = db.session.get(Application, ids["target"])
        m3 = db.session.get(User, ids["m3"])
        before = _counts()
        with pytest.raises(ServiceError, match="Declare first") as refused:
            consensus.record_consensus(target, m3, "12", "Agreed.", clock())
        assert refused.value.status == 403
        db.session.rollback()
        assert _counts() == before
        # a plain member cannot declare for a consensus
        with pytest.raises(ServiceError, match="Only the rapporteur") as refused:
            declarations.declare_for_consensus(target, db.session.get(User, ids["m2"]),
                                             conflict=False, reason="", now=clock())
        assert refused.value.status == 403
        db.session.rollback()
        assert _counts() == before
        # a declared conflict: refused as well
        declarations.declare_for_consensus(target, m3, conflict=True, reason="Relative",
                                         now=clock())
        assert _counts() == (before[0] + 1, before[1], before[2] + 1)
        with pytest.raises(ServiceError, match="conflict of interest bars"):
            consensus.record_consensus(target, m3, "12", "Agreed.", clock())
        db.session.rollback()
        # the chair, declared free of conflict, may
        m4 = db.session.get(User, ids["m4"])
        declarations.declare_for_consensus(target, m4, conflict=False, reason="", now=clock())
        consensus.record_consensus(target, m4, "12", "Agreed.", clock())
        assert db.session.scalar(select(ConsensusReport.score)) == D(12)


def test_a_declaration_sent_twice_at_once_is_refused_not_an_error(app, world, clock,
                                                                   monkeypatch):
    """Two requests both pass the "declared already?" check; the second insert meets the
    unique key and is refused (409), with nothing of it written."""
    ids = world
    with app.app_context():
        target = db.session.get(Application, ids["target"])
        m3 = db.session.get(User, ids["m3"])
        declarations.declare_for_consensus(target, m3, conflict=False, reason="", now=clock())
        before = _counts()
        monkeypatch.setattr(declarations, "declaration", lambda *_a: None)
        with pytest.raises(ServiceError, match="already declared") as refused:
            declarations.declare_for_consensus(db.session.get(Application, ids["target"]),
                                             db.session.get(User, ids["m3"]),
                                             conflict=True, reason="Second thoughts",
                                             now=clock())
        assert refused.value.status == 409
        monkeypatch.undo()
        assert _counts() == before


def test_the_waiting_list_skips_barred_applications_before_its_limit(app, client, world,
                                                                      clock):
    """Two applications wait for a consensus; the rapporteur's recorded link to the first
    one's applicant bars it. With room for one row, the list shows the second (filtering
    after the limit showed nothing), and the page lists the second only."""
    from gms.evaluation.models import MemberLink

    ids = world
    with app.app_context():
        other = db.session.get(Application, ids["apps_b"][0])
        assignment_service.assign(other, [ids["m2"]], db.session.get(User, ids["staff"]))
        _sheet(other.id, ids["m1"], 9.5, 4, "Good", clock())
        _sheet(other.id, ids["m2"], 1.5, 0, "Weak", clock())
        target = db.session.get(Application, ids["target"])
        calls = [target.competition]
        m3 = db.session.get(User, ids["m3"])
        assert [r.application_id for _c, r in consensus.needing_consensus(calls, 1)] == [
            target.id]
        db.session.add(MemberLink(user_id=m3.id, organisation_id=target.organisation_id,
                                  kind="employment"))
        db.session.commit()
        assert [r.application_id for _c, r in consensus.needing_consensus(
            calls, 1, exclude=conflicts_service.barred_condition(m3))] == [other.id]
        numbers = target.number, other.number
    login(client, "m3@x.kg")
    body = client.get("/review/").get_data(as_text=True)
    assert numbers[1] in body and numbers[0] not in body
    login(client, "m4@x.kg")  # the chair has no link: both
    body = client.get("/review/").get_data(as_text=True)
    assert numbers[0] in body and numbers[1] in body
