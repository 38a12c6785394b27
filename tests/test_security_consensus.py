"""Issue 15, findings 3 and 9: a consensus is a commission act where the rules call for one,
not one person's number; a chair barred by a conflict of interest reopens no sheet.

Finding 3: a chair or rapporteur could record a consensus on any application of the call (no
divergence, no submitted sheet, even a draft) and it replaced the mean at once: an application
scored 15/100 by its member took first prize. Now a consensus is refused (409, nothing
written) unless the totals diverge beyond the call's limit with every assigned sheet
submitted; its score lies between the lowest and the highest total; it is proposed, and ranks
the application only once a second commission member confirms it.

Finding 9: a chair who declared a conflict on an application reopened another member's sheet
on it. Now 403, the sheet stays submitted, nothing is written.
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from sqlalchemy import func, select

from gms.evaluation import (
    assignment,
    conflicts,
    consensus,
    declarations,
    lifecycle,
    ranking,
    roster,
    scoring,
)
from gms.evaluation.models import Assignment, Award, ConsensusReport, MemberLink
from gms.extensions import db
from gms.models import Application, AuditEntry, Competition, User
from gms.services.common import ServiceError

from .helpers import login, make_user, toy_round
from .toy_competition import TOY

pytestmark = [pytest.mark.gms_plugins(), pytest.mark.gms_config(**TOY)]


def _sheet(application_id: int, member_id: int, impact, cost, now, *,
           submit: bool = True) -> None:
    """The member's sheet on the application (total 2 × impact + cost, of 25)."""
    a = db.session.scalar(select(Assignment).where(Assignment.application_id == application_id,
                                                   Assignment.reviewer_id == member_id))
    if declarations.declaration(a.application, member_id) is None:
        declarations.declare(a, conflict=False, reason="", now=now)
    assert scoring.save_review(a, {"impact": D(str(impact)), "cost": D(cost)}, {}, "",
                                  submit=submit, now=now) == {}


@pytest.fixture
def world(app, clock):
    """A toy call in evaluation (divergence limit 5): m1 and m2 are members assigned to A's
    and B's first applications, m3 the rapporteur and m4 the chair (assigned nothing, both
    declared free of conflict on both applications). Nothing is scored yet."""
    with app.app_context():
        ids = toy_round(now=clock())
        call = db.session.get(Competition, ids["call"])
        call.divergence_limit = D(5)
        db.session.commit()
        staff = db.session.get(User, ids["staff"])
        ids["target"], ids["other"] = ids["apps_a"][0], ids["apps_b"][0]
        for app_id in (ids["target"], ids["other"]):
            assignment.assign(db.session.get(Application, app_id), [ids["m2"]], staff)
        ids["m3"] = make_user("commission", "m3@x.kg").id
        ids["m4"] = make_user("commission", "m4@x.kg").id
        for key, role in (("m1", "member"), ("m2", "member"), ("m3", "rapporteur"),
                          ("m4", "chair")):
            roster.set_member(call, ids[key], role, staff)
        for key in ("m3", "m4"):
            for app_id in (ids["target"], ids["other"]):
                declarations.declare_for_consensus(
                    db.session.get(Application, app_id), db.session.get(User, ids[key]),
                    conflict=False, reason="", now=clock())
    return ids


def _state() -> tuple:
    """Consensus reports and audit entries (log-ins left out), and the sheets' statuses."""
    return (db.session.scalar(select(func.count()).select_from(ConsensusReport)),
            db.session.scalar(select(func.count()).select_from(AuditEntry).where(
                ~AuditEntry.action.startswith("user."))),
            tuple(db.session.scalars(select(Assignment.status).order_by(Assignment.id))))


def _rows(ids) -> dict:
    call = db.session.get(Competition, ids["call"])
    return {r.application_id: r for r in ranking.ranking(call)}


def _propose(app, client, ids, score: str, who: str = "m3@x.kg"):
    """POST a consensus on the target as ``who``; checks that a refusal wrote nothing."""
    with app.app_context():
        before = _state()
    login(client, who)
    r = client.post(f"/review/consensus/{ids['target']}",
                    data={"score": score, "text": "The commission agreed."})
    if r.status_code != 302:
        with app.app_context():
            assert _state() == before
    return r


# ------------------------------------------------------------------- where the rules call

def test_no_consensus_on_an_application_whose_scores_do_not_diverge(app, client, world, clock):
    ids = world
    with app.app_context():
        _sheet(ids["target"], ids["m1"], 9, 5, clock())   # 23
        _sheet(ids["target"], ids["m2"], 8, 4, clock())   # 20: spread 3, limit 5
    login(client, "m3@x.kg")
    assert f"/review/consensus/{ids['target']}" not in client.get("/review/").get_data(
        as_text=True)
    page = client.get(f"/review/consensus/{ids['target']}").get_data(as_text=True)
    assert "do not diverge beyond the call&#39;s limit (5)" in page
    assert "Record the consensus" not in page  # the page does not offer it
    r = _propose(app, client, ids, "21")
    assert r.status_code == 409
    assert "do not diverge beyond the call&#39;s limit (5)" in r.get_data(as_text=True)
    with app.app_context(), pytest.raises(ServiceError, match="do not diverge") as refused:
        consensus.record_consensus(db.session.get(Application, ids["target"]),
                                    db.session.get(User, ids["m3"]), "21", "x", clock())
    assert refused.value.status == 409


def test_no_consensus_while_a_sheet_is_a_draft_or_missing(app, client, world, clock):
    ids = world
    with app.app_context():
        _sheet(ids["target"], ids["m1"], 9.5, 4, clock())             # 23, submitted
        _sheet(ids["target"], ids["m2"], 1.5, 0, clock(), submit=False)  # 3, a draft
    login(client, "m3@x.kg")
    assert f"/review/consensus/{ids['target']}" not in client.get("/review/").get_data(
        as_text=True)
    r = _propose(app, client, ids, "12")
    assert r.status_code == 409
    assert "1 score sheet of this application is not submitted yet" in r.get_data(
        as_text=True)
    # the draft submitted: now the rules call for a consensus
    with app.app_context():
        _sheet(ids["target"], ids["m2"], 1.5, 0, clock())
    assert f"/review/consensus/{ids['target']}" in client.get("/review/").get_data(
        as_text=True)
    assert _propose(app, client, ids, "12").status_code == 302


def test_no_consensus_where_the_call_sets_no_divergence_limit(app, client, world, clock):
    ids = world
    with app.app_context():
        db.session.get(Competition, ids["call"]).divergence_limit = None
        db.session.commit()
        _sheet(ids["target"], ids["m1"], 9.5, 4, clock())
        _sheet(ids["target"], ids["m2"], 1.5, 0, clock())
    r = _propose(app, client, ids, "12")
    assert r.status_code == 409 and "sets no divergence limit" in r.get_data(as_text=True)


def test_the_consensus_lies_between_the_members_totals(app, client, world, clock):
    ids = world
    with app.app_context():
        _sheet(ids["target"], ids["m1"], 9.5, 4, clock())   # 23
        _sheet(ids["target"], ids["m2"], 1.5, 0, clock())   # 3
    for score in ("25", "2.5"):
        r = _propose(app, client, ids, score)
        assert r.status_code == 400
        assert "between the lowest and the highest of the members&#39; totals (3 to 23)" in (
            r.get_data(as_text=True))
    assert _propose(app, client, ids, "23").status_code == 302


# ------------------------------------------------------------------ a commission act

def test_one_persons_consensus_ranks_nothing_until_a_second_member_confirms(
        app, client, world, clock):
    ids = world
    with app.app_context():
        _sheet(ids["target"], ids["m1"], 9.5, 4, clock())   # 23
        _sheet(ids["target"], ids["m2"], 1.5, 0, clock())   # 3: mean 13
        _sheet(ids["other"], ids["m1"], 6, 3, clock())      # 15
        _sheet(ids["other"], ids["m2"], 6, 3, clock())      # 15
    assert _propose(app, client, ids, "21").status_code == 302
    with app.app_context():
        report = db.session.scalar(select(ConsensusReport))
        assert (report.status, report.rapporteur_id, report.score) == (
            "proposed", ids["m3"], D(21))
        rows = _rows(ids)
        # proposed only: the mean ranks it, and the call still waits for a consensus
        assert rows[ids["target"]].score == D(13) and rows[ids["target"]].consensus is None
        assert rows[ids["target"]].needs_consensus
        assert [r.application_id for r in rows.values() if r.rank == 1] == [ids["other"]]
        with app.test_request_context(), pytest.raises(ServiceError, match="consensus"):
            lifecycle.advance(db.session.get(Competition, ids["call"]), "decide", now=clock(),
                          actor_id=ids["staff"])
        db.session.rollback()
        before = _state()
    # the one who proposed it cannot confirm it
    page = client.get(f"/review/consensus/{ids['target']}").get_data(as_text=True)
    assert "Confirm the consensus" not in page and "waits for a second member" in page
    r = client.post(f"/review/consensus/{ids['target']}/confirm", data={"score": "21"},
                    follow_redirects=True)
    assert "not the one who proposed it" in r.get_data(as_text=True)
    # a confirmation of a score other than the one proposed is refused too
    login(client, "m4@x.kg")
    assert "Confirm the consensus" in client.get(
        f"/review/consensus/{ids['target']}").get_data(as_text=True)
    r = client.post(f"/review/consensus/{ids['target']}/confirm", data={"score": "22"},
                    follow_redirects=True)
    assert "changed since you read it" in r.get_data(as_text=True)
    with app.app_context():
        assert _state() == before
        assert db.session.scalar(select(ConsensusReport.status)) == "proposed"
    # the chair confirms: now it ranks the application, and both steps are in the log
    r = client.post(f"/review/consensus/{ids['target']}/confirm", data={"score": "21.00"})
    assert r.status_code == 302
    with app.app_context():
        report = db.session.scalar(select(ConsensusReport))
        assert (report.status, report.confirmed_by_id) == ("confirmed", ids["m4"])
        rows = _rows(ids)
        assert rows[ids["target"]].score == D(21) and rows[ids["target"]].rank == 1
        entries = {e.action: e for e in db.session.scalars(select(AuditEntry).where(
            AuditEntry.action.startswith("consensus.")))}
        assert entries["consensus.recorded"].actor_id == ids["m3"]
        assert entries["consensus.recorded"].payload["status"] == "proposed"
        assert entries["consensus.confirmed"].actor_id == ids["m4"]
        assert entries["consensus.confirmed"].payload["proposed_by"] == ids["m3"]
        with app.test_request_context():
            lifecycle.advance(db.session.get(Competition, ids["call"]), "decide", now=clock(),
                          actor_id=ids["staff"])


def test_a_member_confirms_from_their_own_submitted_sheet(app, client, world, clock):
    """The chair proposed: m2, a member who scored the application, confirms it from the
    score sheet page; m1 cannot once a conflict bars them, a member not assigned gets 404."""
    ids = world
    with app.app_context():
        _sheet(ids["target"], ids["m1"], 9.5, 4, clock())
        _sheet(ids["target"], ids["m2"], 1.5, 0, clock())
        sheet = db.session.scalar(select(Assignment.id).where(
            Assignment.application_id == ids["target"], Assignment.reviewer_id == ids["m2"]))
        outsider = make_user("commission", "m5@x.kg")
        roster.set_member(db.session.get(Competition, ids["call"]), outsider.id,
                              "member", db.session.get(User, ids["staff"]))
    assert _propose(app, client, ids, "12", who="m4@x.kg").status_code == 302
    login(client, "m5@x.kg")
    assert client.post(f"/review/consensus/{ids['target']}/confirm",
                       data={"score": "12"}).status_code == 404
    login(client, "m2@x.kg")
    page = client.get(f"/review/{sheet}").get_data(as_text=True)
    assert "Confirm the consensus" in page and "Proposed by M4." in page
    r = client.post(f"/review/consensus/{ids['target']}/confirm", data={"score": "12.00"})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/review/{sheet}")
    with app.app_context():
        assert db.session.scalar(select(ConsensusReport.confirmed_by_id)) == ids["m2"]
        assert _rows(ids)[ids["target"]].score == D(12)


def test_a_reopened_sheet_withdraws_the_consensus(app, client, world, clock):
    ids = world
    with app.app_context():
        _sheet(ids["target"], ids["m1"], 9.5, 4, clock())
        _sheet(ids["target"], ids["m2"], 1.5, 0, clock())
        target = db.session.get(Application, ids["target"])
        consensus.record_consensus(target, db.session.get(User, ids["m3"]), "12", "x",
                                    clock())
        consensus.confirm_consensus(target, db.session.get(User, ids["m4"]), D(12), clock())
        assert _rows(ids)[ids["target"]].score == D(12)
        sheet = db.session.scalar(select(Assignment).where(
            Assignment.application_id == ids["target"], Assignment.reviewer_id == ids["m2"]))
        scoring.reopen(sheet, db.session.get(User, ids["m4"]), "Criteria mixed up")
        assert db.session.scalar(select(func.count()).select_from(ConsensusReport)) == 0
        entry = db.session.scalar(select(AuditEntry).where(
            AuditEntry.action == "consensus.withdrawn"))
        assert entry.payload["status"] == "confirmed" and entry.actor_id == ids["m4"]


def test_a_consensus_row_where_none_is_called_for_never_ranks(app, world, clock):
    """Even a confirmed row written around the service (an old one-person consensus, or
    sheets changed since) counts only where the totals diverge with every sheet in."""
    ids = world
    with app.app_context():
        _sheet(ids["target"], ids["m1"], 1, 1, clock())   # 3
        _sheet(ids["target"], ids["m2"], 1, 0, clock())   # 2: no divergence
        db.session.add(ConsensusReport(application_id=ids["target"], rapporteur_id=ids["m3"],
                                       score=D(25), text="x", status="confirmed",
                                       confirmed_by_id=ids["m4"]))
        db.session.commit()
        row = _rows(ids)[ids["target"]]
        assert row.consensus is None and row.score == D("2.5")


# ---------------------------------------------------------------- the issue's reproduction

def test_issue_case_a_low_scored_application_cannot_take_first_prize(app, client, clock):
    """The issue's case: an application scored 15/100 by its one member took first prize by
    the rapporteur's consensus. Here 3/25 (against another's 20/25), no divergence."""
    with app.app_context():
        ids = toy_round(now=clock())
        call = db.session.get(Competition, ids["call"])
        call.budget = D(1000)  # one prize
        db.session.commit()
        low, high = ids["apps_a"][0], ids["apps_b"][0]
        _sheet(low, ids["m1"], 1, 1, clock())    # 3 of 25
        _sheet(high, ids["m1"], 8, 4, clock())   # 20 of 25
        staff = db.session.get(User, ids["staff"])
        roster.set_member(call, ids["m2"], "rapporteur", staff)
        declarations.declare_for_consensus(db.session.get(Application, low),
                                         db.session.get(User, ids["m2"]), conflict=False,
                                         reason="", now=clock())
        before = _state()
    login(client, "m2@x.kg")
    r = client.post(f"/review/consensus/{low}", data={"score": "25", "text": "Best one."})
    assert r.status_code == 409
    with app.app_context():
        assert _state() == before
        call = db.session.get(Competition, ids["call"])
        with app.test_request_context():
            lifecycle.advance(call, "decide", now=clock(), actor_id=ids["staff"])
        first = db.session.scalar(select(Award).where(Award.rank == 1))
        assert (first.application_id, first.outcome) == (high, "funded")
        assert db.session.scalar(select(Award.outcome).where(
            Award.application_id == low)) != "funded"


# -------------------------------------------------------------------- finding 9: reopen

def _chair_world(app, clock, *, conflict: str) -> dict:
    """m2 chairs, is assigned to the target, and is barred from it by ``conflict``
    ("declared": a declared conflict; "detected": a recorded link to the applicant); m1's
    sheet on it is submitted."""
    with app.app_context():
        ids = toy_round(now=clock())
        call = db.session.get(Competition, ids["call"])
        staff = db.session.get(User, ids["staff"])
        target = db.session.get(Application, ids["apps_a"][0])
        _sheet(target.id, ids["m1"], 5, 3, clock())
        roster.set_member(call, ids["m2"], "chair", staff)
        roster.set_member(call, ids["m1"], "member", staff)
        [chair_sheet] = assignment.assign(target, [ids["m2"]], staff)
        if conflict == "declared":
            declarations.declare(chair_sheet, conflict=True, reason="My sister runs it",
                               now=clock())
        else:
            db.session.add(MemberLink(user_id=ids["m2"], organisation_id=target.organisation_id,
                                      kind="relative"))
            db.session.commit()
        ids["chair_sheet"] = chair_sheet.id
        ids["member_sheet"] = db.session.scalar(select(Assignment.id).where(
            Assignment.application_id == target.id, Assignment.reviewer_id == ids["m1"]))
        ids["target"] = target.id
    return ids


@pytest.mark.parametrize("conflict", ["declared", "detected"])
def test_a_conflicted_chair_cannot_reopen_a_members_sheet(app, client, clock, conflict):
    ids = _chair_world(app, clock, conflict=conflict)
    with app.app_context():
        before = _state()
    login(client, "m2@x.kg")
    r = client.post(f"/review/{ids['chair_sheet']}/reopen/{ids['member_sheet']}",
                    data={"reason": "I want it lower"})
    assert r.status_code == 403
    with app.app_context():
        assert _state() == before
        sheet = db.session.get(Assignment, ids["member_sheet"])
        assert sheet.status == "submitted" and sheet.submitted_at is not None
        with pytest.raises(ServiceError, match="conflict of interest bars") as refused:
            scoring.reopen(sheet, db.session.get(User, ids["m2"]), "I want it lower")
        assert refused.value.status == 403
        db.session.rollback()
        assert _state() == before


def test_a_detected_conflict_overridden_by_staff_lets_the_chair_reopen(app, clock):
    ids = _chair_world(app, clock, conflict="detected")
    with app.app_context():
        target = db.session.get(Application, ids["target"])
        conflicts.override(target, ids["m2"], "A distant link, checked",
                            db.session.get(User, ids["staff"]), clock())
        sheet = db.session.get(Assignment, ids["member_sheet"])
        scoring.reopen(sheet, db.session.get(User, ids["m2"]), "Criteria mixed up")
        assert sheet.status == "pending"
        assert db.session.scalar(select(AuditEntry).where(
            AuditEntry.action == "review.reopened")).payload["reason"] == "Criteria mixed up"
