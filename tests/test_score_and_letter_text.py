"""Two leftovers of the money work (issue 16): a score is read with the digits 0–9 only (not
fullwidth ``１０``, which ``Decimal()`` reads), and a result letter prints an organisation's
name and an application's title on one line, whatever line breaks they were typed with."""

from __future__ import annotations

import io
from decimal import Decimal as D
from types import SimpleNamespace

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from gms.evaluation import lifecycle, meetings, roster, scoring
from gms.evaluation import minutes as minutes_service
from gms.evaluation.models import Assignment, Score
from gms.extensions import db
from gms.models import Application, Competition, User
from gms.testing import login

from .helpers import declared, toy_round
from .toy_competition import TOY

pytestmark = [pytest.mark.gms_plugins(), pytest.mark.gms_config(**TOY)]

DIGITS_MESSAGE = "Enter the number with the digits 0–9"


def _sheet(ids) -> int:
    a = db.session.scalar(select(Assignment).where(
        Assignment.application_id == ids["apps_a"][0], Assignment.reviewer_id == ids["m1"]))
    return a.id


def _scores(sheet_id: int) -> dict:
    db.session.expire_all()
    return {s.criterion_key: s.value for s in db.session.scalars(
        select(Score).where(Score.assignment_id == sheet_id))}


@pytest.mark.parametrize("typed", ["１０", "٦", "1e1", "6_0", "NaN", "Infinity", "six"])
def test_a_score_not_written_with_the_digits_0_9_is_refused(app, client, clock, typed):
    with app.app_context():
        ids = toy_round(now=clock())
        sheet = _sheet(ids)
        declared(db.session.get(Assignment, sheet), clock())
    login(client, SimpleNamespace(id=ids["m1"]), via="session")
    r = client.post(f"/review/{sheet}", data={"score-impact": typed, "score-cost": "3",
                                              "action": "save"})
    page = r.get_data(as_text=True)
    assert r.status_code == 422 and DIGITS_MESSAGE in page
    with app.app_context():
        assert _scores(sheet) == {}  # nothing saved, the other score neither


def test_half_points_with_a_comma_or_a_point_and_not_applicable(app, client, clock):
    with app.app_context():
        ids = toy_round(now=clock())
        sheet = _sheet(ids)
        declared(db.session.get(Assignment, sheet), clock())
    login(client, SimpleNamespace(id=ids["m1"]), via="session")
    for impact, expected in (("6,5", D("6.5")), (" 7.5 ", D("7.5"))):
        r = client.post(f"/review/{sheet}", data={"score-impact": impact, "score-cost": "na",
                                                  "action": "save"})
        assert r.status_code == 302, r.get_data(as_text=True)[:500]
        with app.app_context():
            assert _scores(sheet) == {"impact": expected, "cost": None}
    # a number off the scale keeps its own message
    r = client.post(f"/review/{sheet}", data={"score-impact": "11", "action": "save"})
    page = r.get_data(as_text=True)
    assert r.status_code == 422 and "The score is outside the scale." in page
    assert DIGITS_MESSAGE not in page


def _text(pdf: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)


def test_letters_and_minutes_print_names_and_titles_on_one_line(app, clock):
    with app.app_context(), app.test_request_context():
        ids = toy_round(now=clock())
        application = db.session.get(Application, ids["apps_a"][0])
        application.title = "Water\r\nmain\n\n~ for Aral"
        application.organisation.name = "Aral\naiyl okmotu"
        db.session.commit()
        call = db.session.get(Competition, ids["call"])
        staff = db.session.get(User, ids["staff"])
        roster.set_member(call, ids["m1"], "chair", staff)
        for a in db.session.scalars(select(Assignment)):
            scoring.save_review(declared(a, clock()), {"impact": D(8), "cost": 4}, {},
                                   "", submit=True, now=clock())
        meetings.record_meeting(call, held_at=clock(), attendee_ids=[ids["m1"]], votes_for=1,
                                votes_against=0, abstained=0, notes="", staff=staff)
        lifecycle.advance(call, "decide", now=clock(), actor_id=staff.id)
        from gms.evaluation.models import Award
        from gms.services.letters import letter_pdf

        award = db.session.scalar(select(Award).where(Award.application_id == application.id))
        letter = _text(letter_pdf(application, award, "ru"))
        minutes = _text(minutes_service.minutes_pdf(call, "ru"))
        number = application.number
    assert f"Aral aiyl okmotu — {number}: Water main ~ for Aral" in letter, letter[:400]
    assert "Aral aiyl okmotu" in minutes, minutes[:600]
