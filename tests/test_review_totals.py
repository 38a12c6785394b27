"""Each application's review totals (``review_totals``) follow its score sheets, whatever
changes them, and the ranking reads them."""

from __future__ import annotations

import threading
import time
from decimal import Decimal as D

import pytest
from sqlalchemy import select

from gms.evaluation import assignment, ranking, review_totals, scoring
from gms.evaluation.models import Assignment, ReviewTotals
from gms.extensions import db
from gms.models import Application, Competition, User

from .helpers import declared, toy_round
from .toy_competition import TOY

pytestmark = [pytest.mark.gms_plugins(), pytest.mark.gms_config(**TOY)]


def stored(app_id: int) -> tuple | None:
    row = db.session.get(ReviewTotals, app_id, populate_existing=True)
    if row is None:
        return None
    mean = row.total_sum / row.reviews if row.reviews else None
    return row.reviews, row.assigned, mean, row.spread


def from_sheets(app_id: int) -> tuple | None:
    """The totals worked out in Python from the sheets themselves."""
    sheets = db.session.scalars(select(Assignment).where(
        Assignment.application_id == app_id).execution_options(populate_existing=True)).all()
    if not sheets:
        return None
    totals = [s.total for s in sheets if s.status == "submitted"]
    return (len(totals), sum(s.status in ("pending", "submitted") for s in sheets),
            sum(totals) / len(totals) if totals else None,
            max(totals) - min(totals) if totals else None)


def assert_current(app_id: int, expected: tuple | None) -> None:
    got = stored(app_id)
    assert from_sheets(app_id) == expected
    if expected is None:
        assert got is None
        return
    reviews, assigned, mean, spread = got
    assert (reviews, assigned, spread) == expected[:2] + expected[3:]
    assert (mean is None) == (expected[2] is None)
    if mean is not None:
        assert abs(mean - expected[2]) < D("1e-9")


def submit(sheet: Assignment, impact: str, cost: int, now) -> None:
    assert scoring.save_review(declared(sheet, now), {"impact": D(impact), "cost": cost},
                                  {}, "", submit=True, now=now) == {}


def sheet_of(app_id: int, member_id: int) -> Assignment:
    return db.session.scalar(select(Assignment).where(
        Assignment.application_id == app_id, Assignment.reviewer_id == member_id))


def test_totals_follow_assignments_reviews_and_any_change_to_a_sheet(app, clock):
    with app.test_request_context():
        ids = toy_round(now=clock())
        app_id, other_id = ids["apps_a"][0], ids["apps_b"][0]
        assignment.assign(db.session.get(Application, app_id), [ids["m2"]],
                          db.session.get(User, ids["staff"]))
        assert_current(app_id, (0, 2, None, None))
        assert_current(other_id, (0, 1, None, None))

        first, second = sheet_of(app_id, ids["m1"]), sheet_of(app_id, ids["m2"])
        # a draft counts for nothing
        assert scoring.save_review(declared(first, clock()), {"impact": D("4")}, {}, "",
                                      submit=False, now=clock()) == {}
        assert_current(app_id, (0, 2, None, None))
        submit(first, "7", 3, clock())
        assert_current(app_id, (1, 2, first.total, D("0.00")))
        submit(second, "4.5", 1, clock())
        assert second.total != first.total
        assert_current(app_id, (2, 2, (first.total + second.total) / 2,
                                abs(first.total - second.total)))

        # a change the services do not make is caught all the same
        second.status = "declined"
        db.session.commit()
        assert_current(app_id, (1, 1, first.total, D("0.00")))
        db.session.delete(sheet_of(other_id, ids["m1"]))
        db.session.commit()
        assert_current(other_id, None)

        # a rolled-back change leaves the totals as they were
        first.status = "pending"
        db.session.flush()
        assert stored(app_id)[0] == 0  # read inside the transaction: already current
        db.session.rollback()
        assert_current(app_id, (1, 1, first.total, D("0.00")))


def test_the_ranking_reads_the_totals(app, clock):
    with app.test_request_context():
        ids = toy_round(n_per_org=2, now=clock())
        call = db.session.get(Competition, ids["call"])
        for app_id, impact in zip(ids["apps_a"] + ids["apps_b"], ("6", "9", "2", "7.5"),
                                  strict=True):
            submit(sheet_of(app_id, ids["m1"]), impact, 2, clock())
        rows = ranking.ranking(call)
        assert [r.application_id for r in rows] == [
            ids["apps_a"][1], ids["apps_b"][1], ids["apps_a"][0], ids["apps_b"][0]]
        assert [(r.reviews, r.assigned, r.mean) for r in rows] == [
            (1, 1, D("20.00")), (1, 1, D("17.00")), (1, 1, D("14.00")), (1, 1, D("6.00"))]
        # totals rebuilt from the sheets (after a bulk load) rank the same
        review_totals.refresh_all(db.session.connection())
        assert ranking.ranking(call) == rows
        # as the award decision reads it: the same ranks and figures, no texts
        lean = ranking.ranking(call, texts=False)
        assert lean == [r._replace(number=None, title=None, organisation=None,
                                   submitted_utc=None) for r in rows]
        assert all(r.title and r.organisation and r.submitted_at for r in rows)


@pytest.mark.services
def test_two_members_submitting_at_once_both_count(app, clock, monkeypatch):
    """Each member's transaction recomputes the totals; the per-application lock makes the
    second wait for the first's commit and read both sheets. Without it the second would
    read the first's sheet as pending (or collide on the totals' row)."""
    with app.test_request_context():
        assert db.engine.dialect.name == "postgresql"
        ids = toy_round(now=clock())
        app_id = ids["apps_a"][0]
        assignment.assign(db.session.get(Application, app_id), [ids["m2"]],
                          db.session.get(User, ids["staff"]))
        sheets = [sheet_of(app_id, ids["m1"]).id, sheet_of(app_id, ids["m2"]).id]
    both_flushed = threading.Barrier(2, timeout=20)
    refreshed_at: list[float] = []
    refresh = review_totals.refresh

    def refresh_together(connection, application_ids):
        both_flushed.wait()  # each has written its sheet; neither has committed
        refresh(connection, application_ids)
        refreshed_at.append(time.monotonic())
        time.sleep(0.4)  # the first holds the lock a while before committing

    monkeypatch.setattr(review_totals, "refresh", refresh_together)
    errors: list[str] = []

    def member(sheet_id: int, impact: str) -> None:
        with app.test_request_context():
            try:
                submit(db.session.get(Assignment, sheet_id), impact, 2, clock())
            except Exception as exc:  # noqa: BLE001 - reported by the assertion below
                errors.append(repr(exc))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=member, args=(sid, impact))
               for sid, impact in zip(sheets, ("8", "5"), strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not any(t.is_alive() for t in threads)
    assert errors == []
    assert refreshed_at[1] - refreshed_at[0] >= 0.35  # the second waited for the first
    with app.app_context():
        assert_current(app_id, (2, 2, D("15"), D("6.00")))
