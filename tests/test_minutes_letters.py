"""The decision meeting (quorum, vote), the minutes PDF, and the result letters."""

from __future__ import annotations

import io
from decimal import Decimal as D

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from gms.evaluation import assignment, lifecycle, meetings, roster, scoring
from gms.extensions import db
from gms.models import Application, Attachment, Competition, OutboxMessage, User
from gms.services.common import ServiceError

from .helpers import declared, login, toy_round
from .toy_competition import TOY

pytestmark = [pytest.mark.gms_plugins(), pytest.mark.gms_config(**TOY)]


def _text(pdf: bytes) -> str:
    return " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)


def _scored_round(app, clock):
    with app.app_context():
        ids = toy_round(now=clock())
        call = db.session.get(Competition, ids["call"])
        call.quorum, call.appeal_days = 2, 14
        db.session.commit()
        staff = db.session.get(User, ids["staff"])
        roster.set_member(call, ids["m1"], "chair", staff)
        roster.set_member(call, ids["m2"], "member", staff)
        for app_id in ids["apps_a"] + ids["apps_b"]:
            assignment.assign(db.session.get(Application, app_id), [ids["m2"]], staff)
        from gms.evaluation.models import Assignment

        for a in db.session.scalars(select(Assignment)):
            impact = 8 if a.application_id in ids["apps_a"] else 4
            scoring.save_review(declared(a, clock()), {"impact": D(impact), "cost": 4}, {},
                                   "Solid plan.", submit=True, now=clock())
    return ids


def test_decision_needs_a_meeting_with_quorum_and_a_majority(app, clock):
    ids = _scored_round(app, clock)
    with app.app_context(), app.test_request_context():
        call = db.session.get(Competition, ids["call"])
        staff = db.session.get(User, ids["staff"])
        with pytest.raises(ServiceError, match="quorum of 2"):
            lifecycle.advance(call, "decide", now=clock(), actor_id=staff.id)
        with pytest.raises(ServiceError, match="Only members"):
            meetings.record_meeting(call, held_at=clock(), attendee_ids=[ids["a"]],
                                    votes_for=1, votes_against=0, abstained=0, notes="",
                                    staff=staff)
        meetings.record_meeting(call, held_at=clock(), attendee_ids=[ids["m1"]], votes_for=1,
                                votes_against=0, abstained=0, notes="", staff=staff)
        with pytest.raises(ServiceError, match="quorum"):
            lifecycle.advance(call, "decide", now=clock(), actor_id=staff.id)
        with pytest.raises(ServiceError, match="outnumber"):
            meetings.record_meeting(call, held_at=clock(), attendee_ids=[ids["m1"], ids["m2"]],
                                    votes_for=3, votes_against=0, abstained=0, notes="",
                                    staff=staff)
        meetings.record_meeting(call, held_at=clock(), attendee_ids=[ids["m1"], ids["m2"]],
                                votes_for=1, votes_against=1, abstained=0, notes="",
                                staff=staff)
        with pytest.raises(ServiceError, match="did not approve"):
            lifecycle.advance(call, "decide", now=clock(), actor_id=staff.id)
        meetings.record_meeting(call, held_at=clock(), attendee_ids=[ids["m1"], ids["m2"]],
                                votes_for=2, votes_against=0, abstained=0,
                                notes="Unanimous.", staff=staff)
        lifecycle.advance(call, "decide", now=clock(), actor_id=staff.id)
        assert call.status == "decided"


@pytest.mark.parametrize("lang,words", [
    ("ru", ["Протокол", "Кворум", "Председатель комиссии"]),
    ("ky", ["протоколу", "Кворум", "Комиссиянын төрагасы"]),
])
def test_minutes_pdf_in_the_calls_language(app, client, clock, lang, words):
    ids = _scored_round(app, clock)
    with app.app_context(), app.test_request_context():
        call = db.session.get(Competition, ids["call"])
        staff = db.session.get(User, ids["staff"])
        meetings.record_meeting(call, held_at=clock(), attendee_ids=[ids["m1"], ids["m2"]],
                                votes_for=2, votes_against=0, abstained=0, notes="",
                                staff=staff)
        lifecycle.advance(call, "decide", now=clock(), actor_id=staff.id)
        number_a = db.session.get(Application, ids["apps_a"][0]).number
    login(client, "staff@x.kg")
    r = client.get(f"/staff/calls/{ids['call']}/minutes.pdf?lang={lang}")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    text = _text(r.data)
    for word in words:
        assert word in text, (word, text[:400])
    assert number_a in text


def test_result_letters_are_pdfs_stored_and_emailed_once(app, client, clock):
    ids = _scored_round(app, clock)
    with app.app_context(), app.test_request_context():
        call = db.session.get(Competition, ids["call"])
        staff = db.session.get(User, ids["staff"])
        meetings.record_meeting(call, held_at=clock(), attendee_ids=[ids["m1"], ids["m2"]],
                                votes_for=2, votes_against=0, abstained=0, notes="",
                                staff=staff)
        lifecycle.advance(call, "decide", now=clock(), actor_id=staff.id)
        lifecycle.advance(call, "publish", now=clock(), actor_id=staff.id)
        letters = db.session.scalars(select(Attachment).where(
            Attachment.kind == "result_letter")).all()
        assert len(letters) == 2
        mails = db.session.scalars(select(OutboxMessage)).all()
        assert len(mails) == 2 and all(m.sent_at for m in mails)
        assert all(f"/documents/{a.id}" in " ".join(m.body for m in mails) for a in letters)
        # running the task again adds nothing
        from gms.services.letters import send_result_letters

        assert send_result_letters(ids["call"]) == 0
        assert db.session.scalar(select(db.func.count()).select_from(OutboxMessage)) == 2
        mine = next(a for a in letters if a.application_id == ids["apps_a"][0])
        letter_id = mine.id
    login(client, "a@x.kg")
    r = client.get(f"/documents/{letter_id}")
    assert r.status_code == 200
    text = _text(r.data)
    assert "Your application was selected" in text and "Impact" in text
    assert "appeal" in text
    login(client, "b@x.kg")
    assert client.get(f"/documents/{letter_id}").status_code == 404


@pytest.mark.parametrize("lang,words", [
    ("ru", ["Итоги конкурса", "Ваша заявка отобрана", "Итоги оценки", "Влияние"]),
    ("ky", ["Конкурстун жыйынтыктары", "Табыштамаңыз тандалды", "Баалоонун жыйынтыгы"]),
])
def test_result_letter_in_kyrgyz_and_russian(app, clock, lang, words):
    ids = _scored_round(app, clock)
    with app.app_context(), app.test_request_context():
        call = db.session.get(Competition, ids["call"])
        staff = db.session.get(User, ids["staff"])
        meetings.record_meeting(call, held_at=clock(), attendee_ids=[ids["m1"], ids["m2"]],
                                votes_for=2, votes_against=0, abstained=0, notes="",
                                staff=staff)
        lifecycle.advance(call, "decide", now=clock(), actor_id=staff.id)
        from gms.evaluation.models import Award
        from gms.services.letters import letter_pdf

        application = db.session.get(Application, ids["apps_a"][0])
        award = db.session.scalar(select(Award).where(Award.application_id == application.id))
        text = _text(letter_pdf(application, award, lang))
    for word in words:
        assert word in text, (word, text[:300])
    assert application.number in text
