"""Evaluator analytics and deadline reminders."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal as D

import pytest
from sqlalchemy import func, select

from gms.evaluation import analytics, assignment, scoring
from gms.evaluation.models import Assignment
from gms.extensions import db
from gms.models import Application, Competition, OutboxMessage, User

from .helpers import declared, login, make_user, toy_round
from .toy_competition import TOY

pytestmark = [pytest.mark.gms_plugins(), pytest.mark.gms_config(**TOY)]


def test_member_who_scores_everything_high_stands_out(app, client, clock, query_counter):
    with app.app_context():
        ids = toy_round(n_per_org=2, now=clock())
        staff = db.session.get(User, ids["staff"])
        m3 = make_user("commission", "m3@x.kg")
        apps_ = ids["apps_a"] + ids["apps_b"]
        for app_id in apps_:
            assignment.assign(db.session.get(Application, app_id), [ids["m2"], m3.id], staff)
        for i, app_id in enumerate(apps_):
            for member, impact in ((ids["m1"], 4 + i), (ids["m2"], 3 + i), (m3.id, 10)):
                a = db.session.scalar(select(Assignment).where(
                    Assignment.application_id == app_id, Assignment.reviewer_id == member))
                a.due_at = clock() - timedelta(hours=1) if member == m3.id else None
                scoring.save_review(declared(a, clock()), {"impact": D(impact), "cost": 5},
                                       {}, "", submit=True, now=clock())
        call = db.session.get(Competition, ids["call"])
        with query_counter() as q:
            stats = {s.name: s for s in analytics.member_stats(call)}
        assert q.count == 1
        high = stats["M3"]
        assert high.submitted == 4 and high.min_total == high.max_total == D("25.00")
        assert high.late == 4
        # M3 gives 25 everywhere: 13, 11, 9, 7 above the others' mean
        assert high.mean_deviation == D("10.00")
        assert stats["M1"].mean_deviation == D("-3.50")
        assert stats["M2"].mean_deviation == D("-6.50")
    login(client, "staff@x.kg")
    page = client.get(f"/staff/calls/{ids['call']}/analytics").get_data(as_text=True)
    assert "M3" in page and "+" in page


def test_reminders_once_a_day_for_sheets_due_soon(app, clock):
    with app.app_context():
        toy_round(now=clock())
        rows = db.session.scalars(select(Assignment)).all()
        rows[0].due_at = clock() + timedelta(hours=20)
        rows[1].due_at = clock() + timedelta(days=5)
        db.session.commit()
        assert assignment.send_reminders(clock()) == 1
        assert assignment.send_reminders(clock()) == 0
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1
        clock.advance(days=1)
        assert assignment.send_reminders(clock()) == 1
