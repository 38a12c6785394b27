"""The contest inside the app: a whole round through HTTP, role by role — applying with the
hearings, the refusals with reasons, screening, coded scoring, prizes by place, publication,
certificates and the reports."""

from __future__ import annotations

import copy
import io

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from gms.evaluation.models import Assignment, Award
from gms.extensions import db
from gms.models import Application
from gms.testing.factories import advance, score
from plugins.citizen_budget_contest.tests.factories import ANSWERS, with_hearings
from plugins.citizen_budget_contest.tests.support import (
    AK_TAL,
    BOROLDOI,
    KYZYL_SUU,
    SCORES,
    apply,
    make_round,
)

pytestmark = pytest.mark.gms_plugins("citizen_budget_contest")


@pytest.fixture
def round_(app, clock, make_user, territories):
    return make_round(app, clock, make_user)


def _answers(**changes):
    data = copy.deepcopy(ANSWERS)
    data.update(changes)
    return data


def test_apply_shows_live_rules_and_refuses_with_reasons(app, client, login, round_):
    call_id = round_["call"]
    login(client, round_["applicants"][BOROLDOI])
    # a draft without minutes and with a hearing outside the dates: the reasons are shown
    late = with_hearings({"held_on": "2026-08-22", "announced_on": "2026-08-10"})
    app_id, r = apply(client, call_id, late, documents=())
    assert r.status_code == 422
    page = r.get_data(as_text=True)
    assert "None of the hearings you recorded is on the draft budget for 2027" in page
    assert "Attach the minutes" in page
    with app.app_context():
        application = db.session.get(Application, app_id)
        assert application.status == "draft"
        assert application.answers["hearings"][0]["held_on"] == "2026-08-22"

    # fixed: the hearing inside the dates, minutes attached
    app_id, r = apply(client, call_id, documents=("hearing_minutes", "hearing_photos"))
    assert r.status_code == 302, r.get_data(as_text=True)
    with app.app_context():
        application = db.session.get(Application, app_id)
        assert application.status == "submitted" and application.answers == ANSWERS
        assert application.requested_amount is None

    html = client.get(f"/applications/{app_id}/view").get_data(as_text=True)
    for text in ("Дом культуры села Боролдой", "Draft local budget", "42.4", "61.5",
                 "Equipment that makes the LSG body more effective", "15 days before"):
        assert text in html, text

    # one application per municipality and edition
    second, r = apply(client, call_id, _answers(title="Вторая заявка"))
    assert r.status_code == 422
    assert "already submitted an application to this edition" in r.get_data(as_text=True)

    # a wrong count: more adopted than received, refused by the form
    login(client, round_["applicants"][AK_TAL])
    bad = with_hearings({"proposals_received": 2, "proposals_adopted": 3})
    _app, r = apply(client, call_id, bad)
    assert r.status_code == 422
    assert "More proposals adopted than received." in r.get_data(as_text=True)


def test_a_full_round_to_prizes_and_certificates(app, client, login, clock, round_):
    call_id = round_["call"]
    submitted = {}
    for code, women in ((BOROLDOI, 58), (AK_TAL, 61), (KYZYL_SUU, 20)):
        login(client, round_["applicants"][code])
        answers = with_hearings({"women": women}, {"women": women, "held_on": "2026-07-25",
                                                   "announced_on": "2026-07-15",
                                                   "subject": "execution"})
        app_id, r = apply(client, call_id, answers)
        assert r.status_code == 302, r.get_data(as_text=True)
        submitted[code] = app_id

    later = clock.advance(days=22)
    with app.app_context():
        from gms.services.calls import close_due_calls

        assert close_due_calls(later) == 1
    login(client, round_["staff"])
    advance(client, call_id, "start_screening")
    page = client.get(f"/staff/applications/{submitted[KYZYL_SUU]}").get_data(as_text=True)
    assert "the call expects at least 30%" in page  # the women's share warning
    for app_id in submitted.values():
        client.post(f"/staff/applications/{app_id}/screen", data={"decision": "eligible"})
    advance(client, call_id, "start_evaluation")
    members = round_["members"]
    for app_id in submitted.values():
        client.post(f"/staff/applications/{app_id}/assign",
                    data={"reviewers": [str(m.id) for m in members]})
    with app.app_context():
        assignment_of = {(a.application_id, a.reviewer_id): a.id
                         for a in db.session.scalars(select(Assignment))}
    assert len(assignment_of) == 9

    # members score on the code only: Ak-Tal best, then Boroldoi, then Kyzyl-Suu
    bonus = {AK_TAL: 2, BOROLDOI: 0, KYZYL_SUU: -10}
    for member in members:
        login(client, member)
        listing = client.get("/review/").get_data(as_text=True)
        assert round_["names"][BOROLDOI][0] not in listing
        for code, app_id in submitted.items():
            form = {f"score-{k}": str(v + bonus[code]) for k, v in SCORES.items()}
            form["comment-budget_information"] = "Нет гражданского бюджета"
            r = score(client, assignment_of[(app_id, member.id)], form)
            assert r.status_code == 302, r.get_data(as_text=True)

    login(client, round_["staff"])
    advance(client, call_id, "decide")
    with app.app_context():
        awards = {a.application_id: a for a in db.session.scalars(select(Award))}
    assert [(awards[submitted[c]].outcome, awards[submitted[c]].amount)
            for c in (AK_TAL, BOROLDOI, KYZYL_SUU)] == [
        ("funded", 100000), ("funded", 80000), ("funded", 70000)]

    prizes = client.get(f"/p/citizen_budget_contest/calls/{call_id}/prizes")
    assert prizes.status_code == 200
    html = prizes.get_data(as_text=True)
    assert round_["names"][AK_TAL][0] in html and "KGS150,000" in html  # not allocated
    csv = client.get(f"/p/citizen_budget_contest/calls/{call_id}/prizes?format=csv")
    assert csv.mimetype == "text/csv"
    assert "Equipment that makes the LSG body more effective" in csv.get_data(as_text=True)
    # no certificate before publication, not even for staff
    cert = f"/p/citizen_budget_contest/applications/{submitted[AK_TAL]}/certificate.pdf"
    assert client.get(cert).status_code == 404

    advance(client, call_id, "publish")
    r = client.get(cert)
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(r.data)).pages)
    assert "Ак-Талинский" in text and "100,000" in text
    assert client.get(f"/staff/applications/{submitted[AK_TAL]}").get_data(
        as_text=True).count("certificate.pdf") == 1

    # the winner downloads its own certificate; nobody else does
    login(client, round_["applicants"][AK_TAL])
    assert client.get(cert).status_code == 200
    view = client.get(f"/applications/{submitted[AK_TAL]}/view").get_data(as_text=True)
    assert "Download the prize certificate" in view
    login(client, round_["applicants"][BOROLDOI])
    assert client.get(cert).status_code == 404
    login(client, members[0])
    assert client.get(cert).status_code == 404
    client.post("/logout")
    assert client.get(cert).status_code == 404
    assert client.get("/p/citizen_budget_contest/applications/99999/certificate.pdf"
                      ).status_code == 404

    results = client.get(f"/calls/{call_id}/results").get_data(as_text=True)
    assert round_["names"][AK_TAL][0] in results


def test_reports(app, client, login, round_):
    call_id = round_["call"]
    login(client, round_["applicants"][BOROLDOI])
    assert apply(client, call_id)[1].status_code == 302
    login(client, round_["applicants"][AK_TAL])
    assert apply(client, call_id, _answers(prize_use="public_events"))[1].status_code == 302
    login(client, round_["staff"])
    call_page = client.get(f"/staff/calls/{call_id}").get_data(as_text=True)
    assert "Hearings and participation" in call_page and "Planned use of the prize" in call_page
    r = client.get(f"/staff/calls/{call_id}/reports/citizen_budget_contest.hearings")
    assert r.status_code == 200 and round_["names"][BOROLDOI][0] in r.get_data(as_text=True)
    r = client.get(f"/staff/calls/{call_id}/reports/citizen_budget_contest.hearings"
                   "?format=csv")
    lines = r.get_data(as_text=True).strip().splitlines()
    assert lines[-1] == "Total,4,2,420,178,42.4,58,26,16,61.5,1140000"
    r = client.get(f"/staff/calls/{call_id}/reports/citizen_budget_contest.prize_use"
                   "?format=csv")
    body = r.get_data(as_text=True)
    assert "Equipment that makes the LSG body more effective,1," in body
    assert '"Public events (hearings, meetings with citizens)",1,' in body
    # the prize page waits for the decision
    page = client.get(f"/p/citizen_budget_contest/calls/{call_id}/prizes")
    assert page.status_code == 200
    assert "The prizes are known once the awards are decided." in page.get_data(as_text=True)
    # applicants and members do not get the staff pages
    login(client, round_["members"][0])
    assert client.get(f"/p/citizen_budget_contest/calls/{call_id}/prizes").status_code == 403
