"""Both variants inside the app, through HTTP, role by role.

* The contest: programme staff create and run the call; entries by an individual leader (an
  initiative group of one), a joint NGO entry and a municipality; three places and a
  finalist; diplomas and the certificate as PDF for the entry's organisation and staff only.
* A municipality's own call: Ak-Tal's staff member creates it (so Ak-Tal is the organiser),
  its residents' groups apply, Ak-Tal's own commission scores, the staff decide with partial
  financing; the staff of another municipality cannot see any of it.
"""

from __future__ import annotations

import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from gms.evaluation.models import Assignment, Award
from gms.extensions import db
from gms.models import Application, Competition, Organisation, Territory
from plugins.local_initiative.tests.factories import (
    AK_TAL,
    CONTEST_ANSWERS,
    KYZYL_SUU,
    MUNICIPAL_ANSWERS,
    formdata,
)

pytestmark = pytest.mark.gms_plugins("local_initiative")

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
BOROLDOI = "41708213808000"


def _org(kind: str, code: str | None, name: str | None = None) -> int:
    t = db.session.get(Territory, code) if code else None
    org = Organisation(kind=kind, name=name or t.display_name,
                       territory_code=t.soate_code if t else None,
                       oblast=t.oblast if t else None)
    db.session.add(org)
    db.session.commit()
    return org.id


def _local(instant) -> str:
    return (instant + timedelta(hours=6)).strftime("%Y-%m-%dT%H:%M")


def _id(response, pattern: str) -> int:
    m = re.search(pattern, response.headers.get("Location", ""))
    assert m, (response.status_code, response.get_data(as_text=True)[:2000])
    return int(m.group(1))


def _ok(response, expect: int = 302):
    assert response.status_code == expect, response.get_data(as_text=True)[:3000]
    return response


def _pdf_text(response) -> str:
    assert response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def _create_call(client, type_key, now, budget, settings, **extra):
    data = {"title_en": f"{type_key} test call", "title_ru": "Конкурс", "title_ky": "Сынак",
            "opens_at": _local(now - timedelta(hours=1)),
            "deadline_at": _local(now + timedelta(days=10)), "budget": str(budget), **extra}
    data.update({f"setting-{k}": v for k, v in settings.items()})
    call_id = _id(client.post(f"/staff/calls/new/{type_key}", data=data), r"/calls/(\d+)$")
    _ok(client.post(f"/staff/calls/{call_id}/advance", data={"action": "open"}))
    return call_id


def _apply(client, call_id, answers, documents, action="submit"):
    app_id = _id(client.post(f"/calls/{call_id}/apply"), r"/applications/(\d+)")
    page = client.get(f"/applications/{app_id}").get_data(as_text=True)
    data = formdata(answers)
    data["action"] = "save"
    _ok(client.post(f"/applications/{app_id}", data=data))
    for kind in documents:
        _ok(client.post(f"/applications/{app_id}/documents",
                        data={"kind": kind, "file": (io.BytesIO(PDF), f"{kind}.pdf")},
                        content_type="multipart/form-data"))
    data["action"] = action
    return app_id, client.post(f"/applications/{app_id}", data=data), page


def _advance(client, call_id, action):
    r = client.post(f"/staff/calls/{call_id}/advance", data={"action": action, "confirm": "on"},
                    follow_redirects=True)
    assert r.status_code == 200 and "flash error" not in r.get_data(as_text=True), (
        action, r.get_data(as_text=True)[:3000])


def _score_all(app, client, login, members, submitted, scores_of):
    with app.app_context():
        assignment_of = {(a.application_id, a.reviewer_id): a.id
                         for a in db.session.scalars(select(Assignment))}
    for member in members:
        login(client, member)
        for n, app_id in enumerate(submitted):
            assignment = assignment_of[(app_id, member.id)]
            client.post(f"/review/{assignment}/declare", data={"conflict": "no"})
            form = {f"score-{k}": str(v) for k, v in scores_of(n).items()}
            _ok(client.post(f"/review/{assignment}", data={**form, "action": "submit"}))


# ----------------------------------------------------------------------------- contest


def test_contest_round_with_diplomas(app, client, login, clock, make_user, territories):
    now = clock.now
    with app.app_context():
        leader_org = _org("initiative_group", KYZYL_SUU, "Гүлзада Абдыкалыкова")
        ngo_org = _org("ngo", BOROLDOI, "ОО «Зелёный Кемин»")
        ao_org = _org("municipality", AK_TAL)
        other_org = _org("ngo", BOROLDOI, "ОО «Посторонние»")
    staff = make_user("staff", locale="en")
    leader = make_user("applicant", leader_org, locale="en")
    ngo = make_user("applicant", ngo_org, locale="en")
    ao = make_user("applicant", ao_org, locale="en")
    stranger = make_user("applicant", other_org, locale="en")
    members = [make_user("commission", locale="en") for _i in range(3)]

    login(client, staff)
    call_id = _create_call(client, "local_initiative", now, 300000,
                           {"place_ratio": "100:80:70", "nominations": ""},
                           oblasts=["Ошская область", "Чуйская область",
                                    "Нарынская область"])
    terms = client.get(f"/p/local_initiative/calls/{call_id}").get_data(as_text=True)
    for text in ("Prize fund", "I place: KGS120,000", "II place: KGS96,000",
                 "III place: KGS84,000", "one general nomination"):
        assert text in terms, text

    # an individual community leader (a group of one): complete, with photos
    login(client, leader)
    first, r, page = _apply(client, call_id, CONTEST_ANSWERS, ["photos"])
    assert 'name="co_applicants-1-name"' in page and 'name="requested_amount"' not in page
    _ok(r)
    html = client.get(f"/applications/{first}/view").get_data(as_text=True)
    for text in ("Community leader (an individual)", "Kindergartens and pre-school education",
                 "Residents who took part", "KGS240,000"):
        assert text in html, text

    # a joint NGO entry; first sent without consent: refused with the reason, kept as draft
    login(client, ngo)
    joint = dict(CONTEST_ANSWERS, applicant_role="ngo", title="Зелёная аллея",
                 joint_entry=True, consent_publish=False,
                 co_applicants=[{"name": "Боролдойский айыл окмоту", "kind": "lsg_body",
                                 "role": "полив"}])
    second, r, _page = _apply(client, call_id, joint, ["photos"])
    _ok(r, 422)
    assert "may be published" in r.get_data(as_text=True)
    data = formdata(dict(joint, consent_publish=True))
    data["action"] = "submit"
    _ok(client.post(f"/applications/{second}", data=data))

    # a municipality applying as an NGO is told its role does not match; then as LSG body
    login(client, ao)
    third, r, _page = _apply(client, call_id, dict(CONTEST_ANSWERS, applicant_role="ngo",
                                                   title="Жарык"), [])
    _ok(r, 422)
    assert "registered as" in r.get_data(as_text=True)
    data = formdata(dict(CONTEST_ANSWERS, applicant_role="lsg_body", title="Жарык"))
    data["action"] = "submit"
    _ok(client.post(f"/applications/{third}", data=data))
    with app.app_context():
        assert db.session.get(Application, third).status == "submitted"

    # a fourth entry, which will be the finalist
    login(client, stranger)
    fourth, r, _page = _apply(client, call_id, dict(CONTEST_ANSWERS, applicant_role="ngo",
                                                    title="Арыктар"), [])
    _ok(r)
    submitted = [first, second, third, fourth]

    later = clock.advance(days=11)
    with app.app_context():
        from gms.services.calls import close_due_calls

        assert close_due_calls(later) == 1
    login(client, staff)
    _advance(client, call_id, "start_screening")
    for app_id in submitted:
        _ok(client.post(f"/staff/applications/{app_id}/screen",
                        data={"decision": "eligible"}))
    _advance(client, call_id, "start_evaluation")
    for app_id in submitted:
        _ok(client.post(f"/staff/applications/{app_id}/assign",
                        data={"reviewers": [str(m.id) for m in members]}))
    profiles = [9, 8.5, 8, 6]
    _score_all(app, client, login, members, submitted,
               lambda n: {k: profiles[n] for k in ("significance", "participation",
                                                   "partnership", "results",
                                                   "sustainability")})
    login(client, staff)
    panel = client.get(f"/staff/applications/{first}").get_data(as_text=True)
    assert "Terms of the call" in panel and "KGS120,000" in panel
    _advance(client, call_id, "decide")
    _advance(client, call_id, "publish")

    with app.app_context():
        awards = {a.application_id: a for a in db.session.scalars(select(Award))}
        assert [(awards[i].outcome, awards[i].amount, awards[i].reason) for i in submitted] == [
            ("funded", Decimal(120000), "place_1"), ("funded", Decimal(96000), "place_2"),
            ("funded", Decimal(84000), "place_3"), ("reserve", Decimal(0), "no_place")]
    results = client.get(f"/calls/{call_id}/results").get_data(as_text=True)
    assert "KGS120,000" in results

    # diplomas: staff list them; the winner downloads hers; others get 404
    listing = client.get(f"/p/local_initiative/calls/{call_id}/documents")
    assert listing.status_code == 200 and "I place" in listing.get_data(as_text=True)
    url = f"/p/local_initiative/applications/{first}/award.pdf"
    text = _pdf_text(_ok(client.get(url), 200))
    assert "DIPLOMA" in text and "I place" in text and "KGS120,000" in text
    login(client, leader)
    assert "Download the diploma" in client.get(f"/applications/{first}/view").get_data(
        as_text=True)
    text = _pdf_text(_ok(client.get(url), 200))
    assert "Гүлзада Абдыкалыкова" in text and CONTEST_ANSWERS["title"] in text
    client.get("/lang/ky")
    kyrgyz = _pdf_text(_ok(client.get(url), 200))
    assert "ДИПЛОМ" in kyrgyz and "I орун" in kyrgyz and "120 000 сом" in kyrgyz
    client.get("/lang/en")
    for who in (stranger, ngo, members[0]):
        login(client, who)
        assert client.get(url).status_code == 404
    client.post("/logout")
    assert client.get(url).status_code == 404
    # the finalist gets a certificate; the joint entry's diploma names its co-applicant
    login(client, stranger)
    certificate = _pdf_text(_ok(client.get(
        f"/p/local_initiative/applications/{fourth}/award.pdf"), 200))
    assert "CERTIFICATE" in certificate and "Finalist of the contest" in certificate
    login(client, ngo)
    assert "Боролдойский айыл окмоту" in _pdf_text(_ok(client.get(
        f"/p/local_initiative/applications/{second}/award.pdf"), 200))


# --------------------------------------------------------------------------- municipal


def test_municipal_round_run_by_the_municipality(app, client, login, clock, make_user,
                                                 territories):
    now = clock.now
    with app.app_context():
        ak_tal = _org("municipality", AK_TAL)
        boroldoi = _org("municipality", BOROLDOI)
        youth_org = _org("initiative_group", AK_TAL, "Ак-Тал жаштарынын демилге тобу")
        women_org = _org("ngo", AK_TAL, "«Ак-Тал аялдары» коомдук бирикмеси")
        elders_org = _org("initiative_group", None, "Ак-Тал аксакалдар кеңеши")
        outsider_org = _org("ngo", BOROLDOI, "ОО «Зелёный Кемин»")
    ak_staff = make_user("staff", ak_tal, locale="en")
    other_staff = make_user("staff", boroldoi, locale="en")
    programme_staff = make_user("staff", locale="en")
    own_members = [make_user("commission", ak_tal, locale="en") for _i in range(3)]
    programme_member = make_user("commission", locale="en")
    youth = make_user("applicant", youth_org, locale="en")
    women = make_user("applicant", women_org, locale="en")
    elders = make_user("applicant", elders_org, locale="en")
    outsider = make_user("applicant", outsider_org, locale="en")

    # Ak-Tal's staff member creates and opens the call: Ak-Tal is the organiser
    login(client, ak_staff)
    call_id = _create_call(client, "local_initiative.municipal", now, 15000, {
        "max_per_initiative_kgs": "10000", "allow_co_financing": "on",
        "allow_completion": "on", "partial_financing": "on", "public_hearing": "on",
        "min_contribution_percent": "0", "implementation_deadline": "2026-12-31",
        "regulation": "Ак-Тал айылдык кеңешинин токтому №41"})
    with app.app_context():
        call = db.session.get(Competition, call_id)
        assert call.organiser_id == ak_tal
        assert call.settings["public_hearing"] is True
    terms = client.get(f"/p/local_initiative/calls/{call_id}").get_data(as_text=True)
    for text in ("Ак-Талинский айылный аймак", "KGS10,000", "Public hearing before the decision",
                 "full or partial", "Ак-Тал айылдык кеңешинин токтому №41",
                 "Application (арыз) signed by the initiator"):
        assert text in terms, text

    documents = ["application_letter", "proposal", "implementation_plan", "budget"]
    login(client, youth)
    first, r, page = _apply(client, call_id, MUNICIPAL_ANSWERS, documents)
    assert 'name="budget_lines-3-unit_cost"' in page and 'name="plan-2-ends_on"' in page
    _ok(r)
    html = client.get(f"/applications/{first}/view").get_data(as_text=True)
    for text in ("Own contribution: labour", "Own contribution and attracted funds",
                 "54.55", "Аянтты тегиздөө"):
        assert text in html, text

    login(client, women)
    second_answers = dict(MUNICIPAL_ANSWERS, title="Тигүү курсу", requested_amount="8000",
                          budget_lines=[
                              {"item": "Тигүү машинасы", "unit": "даана", "quantity": "1",
                               "unit_cost": "8000", "source": "local_budget"},
                              {"item": "Кездеме", "unit": "метр", "quantity": "100",
                               "unit_cost": "60", "source": "own_money"}])
    second, r, _page = _apply(client, call_id, second_answers, documents[:2])
    _ok(r, 422)  # two documents missing
    assert "Implementation plan" in r.get_data(as_text=True)
    for kind in documents[2:]:
        client.post(f"/applications/{second}/documents",
                    data={"kind": kind, "file": (io.BytesIO(PDF), f"{kind}.pdf")},
                    content_type="multipart/form-data")
    data = formdata(second_answers)
    data["action"] = "submit"
    _ok(client.post(f"/applications/{second}", data=data))

    # a group with no municipality on record may submit, with a warning for the organiser
    login(client, elders)
    third, r, _page = _apply(client, call_id, dict(MUNICIPAL_ANSWERS, title="Көпүрө",
                                                   requested_amount="20000"), documents)
    _ok(r, 422)  # over the cap of 10,000 KGS
    assert "more than this call&#39;s maximum" in r.get_data(as_text=True)
    data = formdata(dict(MUNICIPAL_ANSWERS, title="Көпүрө"))
    data["action"] = "submit"
    _ok(client.post(f"/applications/{third}", data=data))

    # an NGO of another municipality is refused
    login(client, outsider)
    _fourth, r, _page = _apply(client, call_id, MUNICIPAL_ANSWERS, documents)
    _ok(r, 422)
    assert "registered in another municipality" in r.get_data(as_text=True)

    # the staff of another municipality see nothing of it; programme staff do
    login(client, other_staff)
    assert "local_initiative.municipal test call" not in client.get("/staff/").get_data(
        as_text=True)
    for path in (f"/staff/calls/{call_id}", f"/staff/calls/{call_id}/applications",
                 f"/staff/applications/{first}"):
        assert client.get(path).status_code == 404, path
    assert client.post(f"/staff/calls/{call_id}/advance",
                       data={"action": "start_screening"}).status_code == 404
    login(client, programme_staff)
    assert client.get(f"/staff/calls/{call_id}").status_code == 200

    later = clock.advance(days=11)
    with app.app_context():
        from gms.services.calls import close_due_calls

        assert close_due_calls(later) == 1
    submitted = [first, second, third]
    login(client, ak_staff)
    _advance(client, call_id, "start_screening")
    page = client.get(f"/staff/applications/{third}").get_data(as_text=True)
    assert "will check that your initiative is in" in page
    for app_id in submitted:
        _ok(client.post(f"/staff/applications/{app_id}/screen",
                        data={"decision": "eligible"}))
    _advance(client, call_id, "start_evaluation")
    # the programme's member is not on this call's commission
    client.post(f"/staff/applications/{first}/assign",
                data={"reviewers": [str(programme_member.id)]})
    with app.app_context():
        assert db.session.scalar(select(Assignment.id)) is None
    for app_id in submitted:
        for member in own_members:  # members of the same municipality, by design
            client.post(f"/staff/applications/{app_id}/override", data={
                "user_id": str(member.id), "reason": "Commission of the organiser."})
        _ok(client.post(f"/staff/applications/{app_id}/assign",
                        data={"reviewers": [str(m.id) for m in own_members]}))
    with app.app_context():
        assert {a.reviewer_id for a in db.session.scalars(select(Assignment))} == {
            m.id for m in own_members}
    profiles = [5, 4, 3]
    _score_all(app, client, login, own_members, submitted,
               lambda n: {k: profiles[n] for k in ("significance", "participation",
                                                   "sustainability", "expenses",
                                                   "contribution")})
    login(client, ak_staff)
    ranking = client.get(f"/staff/calls/{call_id}/ranking").get_data(as_text=True)
    assert ranking.index(">25<") < ranking.index(">20<") < ranking.index(">15<")
    _advance(client, call_id, "decide")
    _advance(client, call_id, "publish")
    with app.app_context():
        awards = {a.application_id: a for a in db.session.scalars(select(Award))}
        # 15,000 KGS: 10,000 in full, then the remaining 5,000 of 8,000 (partial)
        assert [(awards[i].outcome, awards[i].amount, awards[i].reason) for i in submitted] == [
            ("funded", Decimal(10000), ""), ("funded", Decimal(5000), "partial"),
            ("reserve", Decimal(0), "envelope")]
    report = client.get(f"/staff/calls/{call_id}/reports/local_initiative.municipal.financing"
                        "?format=csv").get_data(as_text=True)
    assert "Total,3,28000.00" in report
    # no diplomas in a municipal call; the other municipality still sees nothing
    assert client.get(f"/p/local_initiative/applications/{first}/award.pdf").status_code == 404
    login(client, other_staff)
    assert client.get(f"/staff/calls/{call_id}/ranking").status_code == 404
