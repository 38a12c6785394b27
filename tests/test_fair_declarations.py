"""Fair conflict-of-interest declarations (issue 16, item 3).

The member's declaration has no answer chosen in advance and refuses one sent without an
answer; it names the applicant (organisation and title; under coded review the code only);
a declared conflict is confirmed and the member returns to their list. Applicants name
members they consider conflicted before the deadline (refused after); staff uphold (the member
is recused, as by a declared conflict) or dismiss each claim; every step is audited.
"""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal as D

import pytest
from sqlalchemy import func, select

from gms.evaluation import assignment, conflict_claims, conflicts, declarations, roster, scoring
from gms.evaluation.models import Assignment, Conflict, ConflictClaim, ReviewTotals
from gms.extensions import db
from gms.models import Application, AuditEntry, Competition, User
from gms.services.common import ServiceError

from .helpers import login, toy_round
from .toy_competition import TOY

pytestmark = [pytest.mark.gms_plugins(), pytest.mark.gms_config(**TOY)]

CONFIRMATION = ("Your declaration of a conflict of interest was recorded; you are recused "
                "from this application.")
NO_ANSWER = "Choose one answer: whether you have a conflict of interest with this applicant"


def _assignment(member_id: int, application_id: int) -> int:
    return db.session.scalar(select(Assignment.id).where(
        Assignment.reviewer_id == member_id, Assignment.application_id == application_id))


def _audit(*actions: str) -> list[AuditEntry]:
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action.in_(actions))
                              .order_by(AuditEntry.id)).all()


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _radios(page: str) -> list[str]:
    return re.findall(r'<input type="radio" name="conflict"[^>]*>', page)


@pytest.fixture
def round_(app, clock):
    """A toy call in evaluation; m1 is assigned to A's and B's applications."""
    with app.app_context():
        ids = toy_round(now=clock())
        application = db.session.get(Application, ids["apps_a"][0])
        ids["org_a"], ids["title_a"] = application.organisation.name, application.title
        ids["number_a"] = application.number
        ids["mine"] = _assignment(ids["m1"], application.id)
    return ids


# --------------------------------------------------------------------- the declaration

def test_the_declaration_has_no_answer_chosen_and_names_the_applicant(client, round_):
    login(client, "m1@x.kg")
    page = client.get(f"/review/{round_['mine']}").get_data(as_text=True)
    assert "Declaration of conflict of interest" in page
    radios = _radios(page)
    assert len(radios) == 2 and not any("checked" in r for r in radios)
    # who the statement "with this applicant" is about: organisation and the title
    assert round_["org_a"] in page and round_["title_a"] in page
    assert round_["number_a"] in page
    assert 'name="score-' not in page  # nothing of the content before declaring


@pytest.mark.parametrize("data", [{}, {"reason": ""}, {"reason": "Nothing to say"},
                                  {"conflict": ""}])
def test_a_declaration_without_an_answer_is_refused_and_nothing_recorded(app, client, round_,
                                                                          data):
    login(client, "m1@x.kg")
    with app.app_context():
        before = (_count(Conflict), _count(AuditEntry))
    r = client.post(f"/review/{round_['mine']}/declare", data=data)
    page = r.get_data(as_text=True)
    assert r.status_code == 422
    assert "Your declaration was not recorded" in page and NO_ANSWER in page
    assert 'role="alert"' in page
    assert not any("checked" in radio for radio in _radios(page))  # still nothing chosen
    with app.app_context():
        assert (_count(Conflict), _count(AuditEntry)) == before
        assert db.session.get(Assignment, round_["mine"]).status == "pending"
    # the sheet still asks for the declaration
    assert 'name="score-' not in client.get(f"/review/{round_['mine']}").get_data(as_text=True)


def test_the_consensus_declaration_refuses_no_answer_too(app, client, round_):
    with app.app_context():
        call = db.session.get(Competition, round_["call"])
        roster.set_member(call, round_["m2"], "rapporteur",
                              db.session.get(User, round_["staff"]))
    login(client, "m2@x.kg")
    with app.app_context():
        before = (_count(Conflict), _count(AuditEntry))
    target = round_["apps_a"][0]
    page = client.get(f"/review/consensus/{target}").get_data(as_text=True)
    assert len(_radios(page)) == 2 and not any("checked" in r for r in _radios(page))
    assert round_["org_a"] in page
    r = client.post(f"/review/consensus/{target}/declare", data={"reason": ""})
    assert r.status_code == 422 and NO_ANSWER in r.get_data(as_text=True)
    with app.app_context():
        assert (_count(Conflict), _count(AuditEntry)) == before


def test_under_coded_review_the_declaration_shows_the_code_only(app, client, round_):
    with app.app_context():
        call = db.session.get(Competition, round_["call"])
        call.settings = {**(call.settings or {}), "anonymous_review": True}
        db.session.commit()
    login(client, "m1@x.kg")
    page = client.get(f"/review/{round_['mine']}").get_data(as_text=True)
    assert "Declaration of conflict of interest" in page and round_["number_a"] in page
    assert round_["org_a"] not in page and round_["title_a"] not in page
    r = client.post(f"/review/{round_['mine']}/declare", data={})
    page = r.get_data(as_text=True)
    assert r.status_code == 422
    assert round_["org_a"] not in page and round_["title_a"] not in page


def test_declaring_a_conflict_confirms_the_recusal_and_returns_to_the_list(app, client,
                                                                          round_):
    login(client, "m1@x.kg")
    assert f"/review/{round_['mine']}" in client.get("/review/").get_data(as_text=True)
    r = client.post(f"/review/{round_['mine']}/declare",
                    data={"conflict": "yes", "reason": "My cousin heads this municipality."},
                    follow_redirects=True)
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and r.request.path == "/review/"
    assert CONFIRMATION in page and "What happens next" in page
    assert f"/review/{round_['mine']}\"" not in page  # gone from the list
    with app.app_context():
        assert db.session.get(Assignment, round_["mine"]).status == "recused"
        [entry] = _audit("conflict.declared")
        assert entry.payload["conflict"] is True and entry.actor_id == round_["m1"]
    assert client.get(f"/review/{round_['mine']}").status_code == 403


# ------------------------------------------------------------------- applicants' claims

def test_an_applicant_names_a_member_before_the_deadline_and_is_refused_after(app, client,
                                                                            clock):
    with app.app_context():
        ids = toy_round(status="open", now=clock())
        call = db.session.get(Competition, ids["call"])
        deadline = call.deadline_at
        m1 = db.session.get(User, ids["m1"])
        m1.agency = "ministry_of_finance"
        db.session.commit()
    mine = ids["apps_a"][0]
    login(client, "a@x.kg")
    page = client.get(f"/applications/{mine}/view").get_data(as_text=True)
    # the roster, names and agencies, offered with nobody chosen in advance
    assert "M1 — Ministry of Finance" in page and "M2" in page
    assert re.search(r'<option selected value="">|<option value="" selected>', page)

    # without a member or a reason: refused, nothing recorded
    with app.app_context():
        before = (_count(ConflictClaim), _count(AuditEntry))
    r = client.post(f"/applications/{mine}/conflict-claims", data={"reason": ""})
    body = r.get_data(as_text=True)
    assert r.status_code == 422
    assert "Choose the commission member you consider conflicted." in body
    assert "Explain why you consider this member conflicted." in body
    # someone not on the commission: refused too
    r = client.post(f"/applications/{mine}/conflict-claims",
                    data={"member": str(ids["staff"]), "reason": "Staff, not a member."})
    assert r.status_code == 422
    with app.app_context():
        assert (_count(ConflictClaim), _count(AuditEntry)) == before

    r = client.post(f"/applications/{mine}/conflict-claims",
                    data={"member": str(ids["m1"]), "reason": "He advised our council."},
                    follow_redirects=True)
    body = r.get_data(as_text=True)
    assert r.status_code == 200 and "Your claim was recorded" in body
    assert "He advised our council." in body and "waiting for the programme" in body
    with app.app_context():
        [claim] = db.session.scalars(select(ConflictClaim)).all()
        assert (claim.application_id, claim.member_id, claim.status, claim.filed_by_id) == (
            mine, ids["m1"], "pending", ids["a"])
        [entry] = _audit("conflict_claim.filed")
        assert entry.actor_id == ids["a"] and entry.object_id == claim.id
        assert entry.payload == {"application_id": mine, "member_id": ids["m1"],
                                 "reason": "He advised our council."}
    # the same member again, while the claim waits: refused
    r = client.post(f"/applications/{mine}/conflict-claims",
                    data={"member": str(ids["m1"]), "reason": "Again."})
    assert r.status_code == 409 and "already named this member" in r.get_data(as_text=True)
    # another organisation cannot claim on this application
    login(client, "b@x.kg")
    assert client.post(f"/applications/{mine}/conflict-claims",
                       data={"member": str(ids["m2"]), "reason": "x"}).status_code == 404

    # after the deadline: refused with a message, nothing recorded, no form offered
    clock.set(deadline + timedelta(minutes=1))
    login(client, "a@x.kg")
    with app.app_context():
        before = (_count(ConflictClaim), _count(AuditEntry))
    r = client.post(f"/applications/{mine}/conflict-claims",
                    data={"member": str(ids["m2"]), "reason": "Too late."},
                    follow_redirects=True)
    body = r.get_data(as_text=True)
    assert "accepted only before the deadline" in body
    assert f'action="/applications/{mine}/conflict-claims"' not in body
    with app.app_context():
        assert (_count(ConflictClaim), _count(AuditEntry)) == before


def _claim(ids: dict, member: str, clock) -> int:
    """A's waiting claim against ``member`` on A's application, filed before the deadline."""
    claim = ConflictClaim(application_id=ids["apps_a"][0], member_id=ids[member],
                          reason="He advised our council.", filed_by_id=ids["a"],
                          filed_at=clock() - timedelta(hours=3), status="pending")
    db.session.add(claim)
    db.session.commit()
    return claim.id


def test_staff_uphold_a_claim_and_the_member_is_recused(app, client, round_, clock):
    ids = round_
    target = ids["apps_a"][0]
    with app.app_context():
        att_id = _document(target, ids)
        claim_id = _claim(ids, "m1", clock)
        # the decision waits for the claim
        with pytest.raises(ServiceError, match="conflict-of-interest claim"):
            conflict_claims.check_none_pending(db.session.get(Competition, ids["call"]))
    login(client, "m1@x.kg")
    client.post(f"/review/{ids['mine']}/declare", data={"conflict": "no"})
    assert client.get(f"/review/{ids['mine']}").status_code == 200  # before the decision
    assert client.get(f"/documents/{att_id}").status_code == 200

    login(client, "staff@x.kg")
    page = client.get(f"/staff/applications/{target}").get_data(as_text=True)
    assert "He advised our council." in page and f"/staff/conflict-claims/{claim_id}/decide" in page
    # no decision chosen, or no reason: refused, nothing changes
    with app.app_context():
        before = (_count(Conflict), _count(AuditEntry))
    for data in ({"reason": "He did."}, {"decision": "uphold", "reason": ""}):
        r = client.post(f"/staff/conflict-claims/{claim_id}/decide", data=data,
                        follow_redirects=True)
        assert r.status_code == 200
    with app.app_context():
        assert (_count(Conflict), _count(AuditEntry)) == before
        assert db.session.get(ConflictClaim, claim_id).status == "pending"
    r = client.post(f"/staff/conflict-claims/{claim_id}/decide",
                    data={"decision": "uphold", "reason": "He did advise the council."},
                    follow_redirects=True)
    assert "The claim was upheld" in r.get_data(as_text=True)
    with app.app_context():
        claim = db.session.get(ConflictClaim, claim_id)
        assert (claim.status, claim.decision, claim.decided_by_id) == (
            "upheld", "He did advise the council.", ids["staff"])
        assert claim.decided_at is not None
        assert db.session.get(Assignment, ids["mine"]).status == "recused"
        application = db.session.get(Application, target)
        assert conflicts.is_blocked(application, ids["m1"])
        [upheld] = _audit("conflict_claim.upheld")
        assert upheld.actor_id == ids["staff"] and upheld.payload["assignment_recused"] is True
        [recused] = _audit("conflict.recused_on_claim")
        assert recused.payload["assignment_id"] == ids["mine"]
        # decided once only
        with pytest.raises(ServiceError, match="already decided"):
            conflict_claims.decide(claim, uphold=False, reason="Changed",
                                   staff=db.session.get(User, ids["staff"]), now=clock())
    # the member: 403 on the sheet, the application gone from the list
    login(client, "m1@x.kg")
    assert client.get(f"/review/{ids['mine']}").status_code == 403
    assert client.post(f"/review/{ids['mine']}", data={"score-impact": "5"}).status_code == 403
    assert client.get(f"/documents/{att_id}").status_code == 404
    assert client.post(f"/review/{ids['mine']}/declare",
                       data={"conflict": "no"}).status_code == 403
    listing = client.get("/review/").get_data(as_text=True)
    assert f"/review/{ids['mine']}\"" not in listing
    assert f"/review/{_mine_b(app, ids)}\"" in listing  # B's, not claimed, stays
    # the applicant sees the decision
    login(client, "a@x.kg")
    page = client.get(f"/applications/{target}/view").get_data(as_text=True)
    assert "upheld: the member is recused" in page and "He did advise the council." in page


def _document(application_id: int, ids: dict) -> int:
    """A document of the application, uploaded while it was a draft."""
    from gms.services import uploads

    application = db.session.get(Application, application_id)
    status, application.status = application.status, "draft"
    att = uploads.save_attachment(application, "plan", "plan.pdf", b"%PDF-1.4",
                                  db.session.get(User, ids["a"]))
    application.status = status
    db.session.commit()
    return att.id


def _mine_b(app, ids) -> int:
    with app.app_context():
        return _assignment(ids["m1"], ids["apps_b"][0])


def test_staff_dismiss_a_claim_and_nothing_changes(app, client, round_, clock):
    ids = round_
    with app.app_context():
        claim_id = _claim(ids, "m1", clock)
    login(client, "m1@x.kg")
    client.post(f"/review/{ids['mine']}/declare", data={"conflict": "no"})
    login(client, "staff@x.kg")
    r = client.post(f"/staff/conflict-claims/{claim_id}/decide",
                    data={"decision": "dismiss", "reason": "No link was found."},
                    follow_redirects=True)
    assert "The claim was dismissed." in r.get_data(as_text=True)
    with app.app_context():
        claim = db.session.get(ConflictClaim, claim_id)
        assert (claim.status, claim.decision, claim.decided_by_id) == (
            "dismissed", "No link was found.", ids["staff"])
        assert db.session.get(Assignment, ids["mine"]).status == "pending"
        assert not db.session.scalar(select(func.count()).select_from(Conflict).where(
            Conflict.source == "claim"))
        [entry] = _audit("conflict_claim.dismissed")
        assert entry.payload["reason"] == "No link was found."
        assert not _audit("conflict.recused_on_claim")
        conflict_claims.check_none_pending(db.session.get(Competition, ids["call"]))
    login(client, "m1@x.kg")
    assert client.get(f"/review/{ids['mine']}").status_code == 200
    assert f"/review/{ids['mine']}\"" in client.get("/review/").get_data(as_text=True)
    login(client, "a@x.kg")
    page = client.get(f"/applications/{ids['apps_a'][0]}/view").get_data(as_text=True)
    assert "dismissed" in page and "No link was found." in page


def test_an_upheld_claim_takes_a_submitted_sheet_out_of_the_totals(app, round_, clock):
    ids = round_
    with app.app_context():
        target = db.session.get(Application, ids["apps_a"][0])
        staff = db.session.get(User, ids["staff"])
        assignment.assign(target, [ids["m2"]], staff)
        for member, impact in (("m1", 9), ("m2", 5)):
            sheet = db.session.get(Assignment, _assignment(ids[member], target.id))
            declarations.declare(sheet, conflict=False, reason="", now=clock())
            assert scoring.save_review(sheet, {"impact": D(impact), "cost": D(3)}, {}, "Ok",
                                          submit=True, now=clock()) == {}
        totals = db.session.get(ReviewTotals, target.id)
        assert totals.reviews == 2
        claim = db.session.get(ConflictClaim, _claim(ids, "m1", clock))
        conflict_claims.decide(claim, uphold=True, reason="Confirmed.", staff=staff,
                               now=clock())
        db.session.expire_all()
        totals = db.session.get(ReviewTotals, target.id)
        assert totals.reviews == 1 and D(totals.total_sum) == D(13)
        assert db.session.get(Assignment, ids["mine"]).status == "recused"


def test_an_upheld_claim_on_an_unassigned_member_blocks_assigning_them(app, round_, clock):
    ids = round_
    with app.app_context():
        staff = db.session.get(User, ids["staff"])
        claim = db.session.get(ConflictClaim, _claim(ids, "m2", clock))
        conflict_claims.decide(claim, uphold=True, reason="Confirmed.", staff=staff,
                               now=clock())
        target = db.session.get(Application, ids["apps_a"][0])
        with pytest.raises(ServiceError, match="conflict of interest blocks"):
            assignment.assign(target, [ids["m2"]], staff)
        [entry] = _audit("conflict_claim.upheld")
        assert entry.payload["assignment_recused"] is False
