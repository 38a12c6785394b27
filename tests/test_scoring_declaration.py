"""An evaluator scores only what is assigned and declared free of conflict: the service
itself (not only the score page) refuses scores from a member who has not declared "no
conflict of interest" on the application, or who declared one (and so is recused)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from sqlalchemy import func, select

from gms.evaluation import conflicts, declarations, scoring
from gms.evaluation.models import Assignment, Score
from gms.extensions import db
from gms.models import AuditEntry
from gms.services.common import ServiceError

from .helpers import toy_round
from .toy_competition import TOY

pytestmark = [pytest.mark.gms_plugins(), pytest.mark.gms_config(**TOY)]

SCORES = {"impact": D("6"), "cost": D("3")}


def _sheet(application_id: int, member_id: int) -> Assignment:
    return db.session.scalar(select(Assignment).where(
        Assignment.application_id == application_id, Assignment.reviewer_id == member_id))


def _state(sheet: Assignment) -> tuple:
    """What a refused save must leave unchanged: the sheet, its scores and the audit log."""
    db.session.expire_all()
    scores = db.session.scalar(select(func.count()).select_from(Score).where(
        Score.assignment_id == sheet.id))
    audit = db.session.scalar(select(func.count()).select_from(AuditEntry))
    return (sheet.status, sheet.total, sheet.comment, sheet.submitted_at, scores, audit)


@pytest.mark.parametrize("submit", [False, True])
def test_a_member_who_has_not_declared_cannot_score(app, clock, submit):
    with app.app_context():
        ids = toy_round(now=clock())
        sheet = _sheet(ids["apps_a"][0], ids["m1"])
        before = _state(sheet)
        assert before[0] == "pending" and before[4] == 0
        with pytest.raises(ServiceError, match="Declare first") as exc:
            scoring.save_review(sheet, SCORES, {}, "Fine.", submit=submit, now=clock())
        assert exc.value.status == 403
        db.session.rollback()
        assert _state(sheet) == before
        assert not db.session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action.in_(("review.saved", "review.submitted"))))


def test_a_recused_member_cannot_score(app, clock):
    with app.app_context():
        ids = toy_round(now=clock())
        sheet = _sheet(ids["apps_a"][0], ids["m1"])
        declarations.declare(sheet, conflict=True, reason="My brother chairs the applicant",
                           now=clock())
        assert sheet.status == "recused"
        before = _state(sheet)
        with pytest.raises(ServiceError, match="conflict of interest") as exc:
            scoring.save_review(sheet, SCORES, {}, "", submit=True, now=clock())
        assert exc.value.status == 403
        db.session.rollback()
        assert _state(sheet) == before and before[4] == 0


def test_a_member_who_declared_no_conflict_scores(app, clock):
    with app.app_context():
        ids = toy_round(now=clock())
        sheet = _sheet(ids["apps_a"][0], ids["m1"])
        declarations.declare(sheet, conflict=False, reason="", now=clock())
        assert scoring.save_review(sheet, SCORES, {}, "Fine.", submit=True,
                                      now=clock()) == {}
        db.session.expire_all()
        assert sheet.status == "submitted" and sheet.total is not None
        assert {s.criterion_key: s.value for s in db.session.scalars(
            select(Score).where(Score.assignment_id == sheet.id))} == SCORES
        # the member's declaration covers only that application: another one still refuses
        other = _sheet(ids["apps_b"][0], ids["m1"])
        with pytest.raises(ServiceError, match="Declare first"):
            scoring.save_review(other, SCORES, {}, "", submit=True, now=clock())


def test_a_conflict_detected_after_the_assignment_bars_scoring_until_overridden(app, clock):
    """The member declared no conflict, then recorded a link to the applicant: the detected
    conflict refuses the scores (nothing written) until staff override it with a reason."""
    from gms.evaluation.models import MemberLink
    from gms.models import Application, User

    with app.app_context():
        ids = toy_round(now=clock())
        sheet = _sheet(ids["apps_a"][0], ids["m1"])
        declarations.declare(sheet, conflict=False, reason="", now=clock())
        application = db.session.get(Application, ids["apps_a"][0])
        db.session.add(MemberLink(user_id=ids["m1"], organisation_id=application.organisation_id,
                                  kind="relative"))
        db.session.commit()
        before = _state(sheet)
        with pytest.raises(ServiceError, match="conflict of interest") as exc:
            scoring.save_review(sheet, SCORES, {}, "", submit=True, now=clock())
        assert exc.value.status == 403
        db.session.rollback()
        assert _state(sheet) == before
        conflicts.override(application, ids["m1"], "A cousin twice removed",
                            db.session.get(User, ids["staff"]), clock())
        assert scoring.save_review(sheet, SCORES, {}, "", submit=True, now=clock()) == {}
