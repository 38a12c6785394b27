"""The commission: roster, conflicts of interest, reproducible assignment, declines, reopening."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from gms.competition.assignment import plan_assignment
from gms.evaluation import assignment as assignment_service
from gms.evaluation import conflicts, declarations, roster
from gms.evaluation.models import Assignment, AssignmentRun
from gms.extensions import db
from gms.models import Application, AuditEntry, Competition, User
from gms.services.common import ServiceError

from .helpers import declared, login, make_user, toy_round
from .toy_competition import TOY

pytestmark = [pytest.mark.gms_plugins(), pytest.mark.gms_config(**TOY)]


def test_plan_is_balanced_reproducible_and_respects_blocks():
    apps, members = list(range(1, 11)), [7, 8, 9, 10, 11]
    blocked = {(1, 7), (2, 7), (3, 8)}
    plan = plan_assignment(apps, members, 3, seed=42, blocked=blocked)
    assert plan == plan_assignment(apps, members, 3, seed=42, blocked=blocked)
    assert plan != plan_assignment(apps, members, 3, seed=43, blocked=blocked)
    assert not blocked & set(plan)
    per_app = {a: [m for x, m in plan if x == a] for a in apps}
    assert all(len(ms) == 3 == len(set(ms)) for ms in per_app.values())
    load = [sum(1 for _a, m in plan if m == member) for member in members]
    assert max(load) - min(load) <= 1  # 30 assignments over 5 members
    # existing pairs count: only what is missing is added
    more = plan_assignment(apps, members, 4, seed=42, blocked=blocked, existing=plan)
    assert len(more) == 10 and not set(more) & set(plan)


def _call_in_evaluation(app, clock, n=2):
    """A toy call in evaluation with no assignments yet and three programme members."""
    with app.app_context():
        ids = toy_round(n_per_org=n, now=clock())
        db.session.execute(db.delete(Assignment))
        db.session.commit()
        ids["m3"] = make_user("commission", "m3@x.kg").id
    return ids


def test_second_run_with_the_stored_seed_is_identical(app, clock):
    ids = _call_in_evaluation(app, clock)
    with app.app_context():
        call = db.session.get(Competition, ids["call"])
        staff = db.session.get(User, ids["staff"])
        run = assignment_service.auto_assign(call, seed=2026, per_application=2, staff=staff)
        assert len(run.result) == 8  # 4 applications x 2
        assert assignment_service.replay(run) == run.result
        stored = db.session.get(AssignmentRun, run.id)
        assert stored.seed == 2026 and stored.constraints["members"] == sorted(
            [ids["m1"], ids["m2"], ids["m3"]])
        # a second run adds nothing: every application has its evaluators
        again = assignment_service.auto_assign(call, seed=2026, per_application=2, staff=staff)
        assert again.result == []


def test_detected_conflict_blocks_assignment_until_overridden_with_a_reason(app, clock):
    ids = _call_in_evaluation(app, clock)
    with app.app_context():
        app_a = db.session.get(Application, ids["apps_a"][0])
        # a member of the applicant's own organisation
        insider = make_user("commission", "insider@x.kg")
        insider.organisation_id = None
        db.session.commit()
        from gms.evaluation.models import MemberLink

        db.session.add(MemberLink(user_id=insider.id, organisation_id=app_a.organisation_id,
                                  kind="relative"))
        db.session.commit()
        hints = conflicts.detect([app_a], [insider.id])
        assert [h.user_id for h in hints] == [insider.id]
        staff = db.session.get(User, ids["staff"])
        from gms.evaluation import assignment as assignment_service

        with pytest.raises(ServiceError, match="conflict of interest"):
            assignment_service.assign(app_a, [insider.id], staff)
        with pytest.raises(ServiceError, match="written reason"):
            conflicts.override(app_a, insider.id, "  ", staff, clock())
        conflicts.override(app_a, insider.id, "Distant relative, no shared household",
                            staff, clock())
        assert assignment_service.assign(app_a, [insider.id], staff)
        entry = db.session.scalar(select(AuditEntry).where(
            AuditEntry.action == "conflict.overridden"))
        assert entry.payload["reason"] == "Distant relative, no shared household"


def test_member_declares_before_seeing_content_and_conflict_means_403(app, client, clock):
    with app.app_context():
        ids = toy_round(now=clock())
        mine = db.session.scalar(select(Assignment.id).where(
            Assignment.reviewer_id == ids["m1"],
            Assignment.application_id == ids["apps_a"][0]))
        other = db.session.scalar(select(Assignment.id).where(
            Assignment.reviewer_id == ids["m1"],
            Assignment.application_id == ids["apps_b"][0]))
        from gms.services import uploads

        application = db.session.get(Application, ids["apps_a"][0])
        application.status = "draft"
        att = uploads.save_attachment(application, "plan", "plan.pdf", b"%PDF-1.4",
                                      db.session.get(User, ids["a"]))
        application.status = "eligible"
        db.session.commit()
        att_id = att.id
    login(client, "m1@x.kg")
    page = client.get(f"/review/{mine}").get_data(as_text=True)
    # the declaration names the applicant (issue 16: its title), nothing of its content
    assert "Declaration of conflict of interest" in page and "apps_a 0" in page
    assert "plan.pdf" not in page and 'name="score-' not in page
    assert client.get(f"/documents/{att_id}").status_code == 404  # not before declaring
    r = client.post(f"/review/{mine}/declare", data={"conflict": "yes", "reason": ""},
                    follow_redirects=True)
    assert "Describe the conflict" in r.get_data(as_text=True)
    client.post(f"/review/{mine}/declare", data={"conflict": "yes", "reason": "My cousin"})
    assert client.get(f"/review/{mine}").status_code == 403
    assert client.post(f"/review/{mine}", data={"score-impact": "5"}).status_code == 403
    assert client.get(f"/documents/{att_id}").status_code == 404
    with app.app_context():
        assert db.session.get(Assignment, mine).status == "recused"
    # the other application: no conflict, content shown
    client.post(f"/review/{other}/declare", data={"conflict": "no"})
    assert "apps_b 0" in client.get(f"/review/{other}").get_data(as_text=True)


def test_decline_and_reassign_to_someone_else(app, client, clock):
    ids = _call_in_evaluation(app, clock, n=1)
    with app.app_context():
        call = db.session.get(Competition, ids["call"])
        staff = db.session.get(User, ids["staff"])
        assignment_service.auto_assign(call, seed=1, per_application=1, staff=staff)
        first = db.session.scalar(select(Assignment).where(
            Assignment.application_id == ids["apps_a"][0]))
        first_id, member = first.id, db.session.get(User, first.reviewer_id).email
    login(client, member)
    r = client.post(f"/review/{first_id}/decline", data={"reason": ""}, follow_redirects=True)
    assert "Give a reason" in r.get_data(as_text=True)
    client.post(f"/review/{first_id}/decline", data={"reason": "Away on mission"})
    with app.app_context():
        call = db.session.get(Competition, ids["call"])
        assignment_service.auto_assign(call, seed=1, per_application=1,
                               staff=db.session.get(User, ids["staff"]))
        rows = db.session.scalars(select(Assignment).where(
            Assignment.application_id == ids["apps_a"][0])).all()
        assert sorted(a.status for a in rows) == ["declined", "pending"]
        assert len({a.reviewer_id for a in rows}) == 2


def test_only_the_chair_reopens_a_submitted_sheet_with_a_reason(app, clock):
    with app.app_context():
        ids = toy_round(now=clock())
        call = db.session.get(Competition, ids["call"])
        staff = db.session.get(User, ids["staff"])
        from gms.evaluation import scoring

        sheet = db.session.scalar(select(Assignment).where(Assignment.reviewer_id == ids["m1"]))
        scoring.save_review(declared(sheet, clock()), {"impact": 5, "cost": 3}, {}, "",
                               submit=True, now=clock())
        roster.set_member(call, ids["m2"], "chair", staff)
        roster.set_member(call, ids["m1"], "member", staff)
        with pytest.raises(ServiceError, match="commission already has a chair"):
            roster.set_member(call, ids["m1"], "chair", staff)
        m1, m2 = db.session.get(User, ids["m1"]), db.session.get(User, ids["m2"])
        with pytest.raises(ServiceError, match="Only the commission's chair"):
            scoring.reopen(sheet, m1, "typo")
        with pytest.raises(ServiceError, match="reason"):
            scoring.reopen(sheet, m2, "")
        scoring.reopen(sheet, m2, "The member mixed up two criteria")
        assert sheet.status == "pending" and sheet.submitted_at is None
        assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "review.reopened")) == 1


def test_staff_commission_page(app, client, clock):
    ids = _call_in_evaluation(app, clock, n=1)
    login(client, "staff@x.kg")
    call = ids["call"]
    r = client.post(f"/staff/calls/{call}/commission/member",
                    data={"user_id": ids["m1"], "role": "chair"})
    assert r.status_code == 302
    client.post(f"/staff/calls/{call}/commission/member", data={"user_id": ids["m2"],
                                                                 "role": "member"})
    client.post(f"/staff/calls/{call}/commission/settings", data={
        "quorum": "2", "evaluators_per_application": "2", "divergence_limit": "5,5",
        "appeal_days": "10"})
    r = client.post(f"/staff/calls/{call}/commission/assign", data={"seed": "77"},
                    follow_redirects=True)
    assert "4 assignments made" in r.get_data(as_text=True)
    page = client.get(f"/staff/calls/{call}/commission").get_data(as_text=True)
    assert "seed 77" in page
    with app.app_context():
        c = db.session.get(Competition, call)
        assert (c.quorum, c.evaluators_per_application, str(c.divergence_limit),
                c.appeal_days) == (2, 2, "5.50", 10)
        # only the roster's scoring members (m1 chair, m2 member) were assigned, not m3
        assert {a.reviewer_id for a in db.session.scalars(select(Assignment))} == {
            ids["m1"], ids["m2"]}
    r = client.post(f"/staff/calls/{call}/commission/assign", data={"seed": "x"},
                    follow_redirects=True)
    assert "whole number" in r.get_data(as_text=True)


def test_barred_condition_in_sql_decides_as_is_blocked(app, clock):
    """The SQL condition lists filter by bars exactly the applications is_blocked does: own
    organisation, same municipality, same rayon (not in a municipality's own call), a recorded
    link, a declared conflict; a detection staff overrode no longer bars."""
    from gms.evaluation.models import MemberLink

    from .helpers import make_org

    ids = _call_in_evaluation(app, clock)
    with app.app_context():
        a0, a1 = (db.session.get(Application, i) for i in ids["apps_a"])
        b0 = db.session.get(Application, ids["apps_b"][0])
        org_a = a0.organisation
        members = {
            "own": make_user("commission", "own@x.kg", org_a),
            "municipality": make_user("commission", "muni@x.kg", make_org()),
            "rayon": make_user("commission", "rayon@x.kg", make_org(soate="41708203803000")),
            "far": make_user("commission", "far@x.kg", make_org(soate="41702205805000")),
            "link": make_user("commission", "link@x.kg"),
            "declared": db.session.get(User, ids["m3"]),
        }
        db.session.add(MemberLink(user_id=members["link"].id,
                                  organisation_id=b0.organisation_id, kind="board"))
        db.session.commit()
        staff = db.session.get(User, ids["staff"])
        conflicts.override(a1, members["own"].id, "Left the organisation in 2019", staff,
                            clock())
        assignment_service.assign(b0, [ids["m3"]], staff)
        assignment = db.session.scalar(select(Assignment).where(
            Assignment.application_id == b0.id, Assignment.reviewer_id == ids["m3"]))
        declarations.declare(assignment, conflict=True, reason="My cousin chairs it", now=clock())
        all_apps = db.session.scalars(select(Application).order_by(Application.id)).all()

        def compare() -> dict[str, set[int]]:
            barred = {}
            for key, user in members.items():
                in_sql = set(db.session.scalars(select(Application.id).where(
                    conflicts.barred_condition(user))))
                in_python = {x.id for x in all_apps if conflicts.is_blocked(x, user.id)}
                assert in_sql == in_python, key
                barred[key] = in_sql
            return barred

        a_ids, b_ids = set(ids["apps_a"]), set(ids["apps_b"])
        # a and b are municipalities of one rayon; the link is to b (both its applications)
        assert compare() == {"own": {a0.id} | b_ids, "municipality": a_ids | b_ids,
                             "rayon": a_ids | b_ids, "far": set(), "link": b_ids,
                             "declared": {b0.id}}
        # a municipality's own call: only the own organisation and links count
        call = db.session.get(Competition, ids["call"])
        call.organiser_id = make_org(soate="41708203807000").id
        db.session.commit()
        assert compare() == {"own": {a0.id}, "municipality": set(), "rayon": set(),
                             "far": set(), "link": b_ids, "declared": {b0.id}}
