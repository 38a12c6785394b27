"""Pilot selection inside the app: a whole round through HTTP, role by role — with the
verification visit recorded on the plugin's pages and the memorandum of the selected
municipality — and the access rules of the plugin's pages."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from decimal import Decimal

import pypdf
import pytest
from sqlalchemy import select

from gms.evaluation import lifecycle
from gms.evaluation.models import Assignment, Award
from gms.extensions import db
from gms.models import Application, AuditEntry, Competition, Organisation, Territory, User
from gms.services import applications as apps
from gms.services import audit, calls
from gms.services.uploads import save_attachment
from plugins.pilot_selection.models import Visit
from plugins.pilot_selection.settings import TIMEZONE
from plugins.pilot_selection.tests.factories import IDEA_ROW, answers, formdata

pytestmark = pytest.mark.gms_plugins("pilot_selection")

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
KYZYL_SUU, PAPAN = "41706226822000", "41706226842000"  # Kara-Suu rayon, Osh oblast
PLAN_ITEM = "Общественные слушания по проекту бюджета на 2018 год"


def _org(code: str) -> int:
    t = db.session.get(Territory, code)
    org = Organisation(kind="municipality", name=t.display_name, territory_code=code,
                       oblast=t.oblast)
    db.session.add(org)
    db.session.commit()
    return org.id


def _id(response, pattern: str) -> int:
    m = re.search(pattern, response.headers["Location"])
    assert m, response.headers["Location"]
    return int(m.group(1))


def to_local(instant):
    return instant.astimezone(TIMEZONE)


def _local(instant) -> str:
    return to_local(instant).strftime("%Y-%m-%dT%H:%M")


def _ok(response):
    assert response.status_code in (200, 302), response.status_code
    page = response.get_data(as_text=True)
    assert 'class="flash error"' not in page, page
    return page


@pytest.fixture
def people(app, make_user, territories):
    with app.app_context():
        orgs = {"a": _org(KYZYL_SUU), "b": _org(PAPAN)}
    return {
        "staff": make_user("staff", locale="en"),
        # the municipality writes in Russian: its memorandum is in Russian
        "a": make_user("applicant", orgs["a"], locale="ru"),
        "b": make_user("applicant", orgs["b"], locale="en"),
        "members": [make_user("commission", locale="en") for _i in range(2)],
        "orgs": orgs,
    }


def _create_call(client, clock, max_awards="1") -> int:
    now = clock.now
    r = client.post("/staff/calls/new/pilot_selection", data={
        "title_en": "Pilot municipalities 2026", "title_ru": "Пилотные муниципалитеты 2026",
        "opens_at": _local(now - timedelta(days=1)), "deadline_at": _local(now + timedelta(days=7)),
        "oblasts": ["Ошская область"], "budget": "0", "max_awards": max_awards,
        "setting-activities_months": "12", "setting-donor_period": "2022–2025"})
    call_id = _id(r, r"/staff/calls/(\d+)")
    _ok(client.post(f"/staff/calls/{call_id}/advance", data={"action": "open"},
                    follow_redirects=True))
    return call_id


def _apply(client, call_id: int, data: dict, documents=("signed_letter", "joint_decision")):
    app_id = _id(client.post(f"/calls/{call_id}/apply"), r"/applications/(\d+)")
    page = client.get(f"/applications/{app_id}").get_data(as_text=True)
    for name in ("letter-head_name", "action_plan-2-activity", "general-population_total",
                 "head-urgent_problems-4", "joint_activities-2-help_needed",
                 "donor_projects-1-contact"):
        assert f'name="{name}"' in page, name
    posted = formdata(data)
    posted["action"] = "save"
    assert client.post(f"/applications/{app_id}", data=posted).status_code == 302
    for kind in documents:
        r = client.post(f"/applications/{app_id}/documents",
                        data={"kind": kind, "file": (io.BytesIO(PDF), f"{kind}.pdf")},
                        content_type="multipart/form-data")
        assert r.status_code == 302
    posted["action"] = "submit"
    return app_id, client.post(f"/applications/{app_id}", data=posted)


def _pdf_text(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text().split())
                    for p in pypdf.PdfReader(io.BytesIO(data)).pages)


def test_a_whole_round_with_a_visit_and_the_memorandum(app, client, login, clock, people):
    login(client, people["staff"])
    call_id = _create_call(client, clock)
    with app.app_context():
        call = db.session.get(Competition, call_id)
        assert call.status == "open" and call.type_version == "1"
        assert [c["key"] for c in call.frozen_sheet["criteria"]][-1] == "visit_findings"
        assert call.settings["donor_period"] == "2022–2025"

    # Kyzyl-Suu: a complete letter; a missing scan is refused with the rule's reason first
    login(client, people["a"])
    first, r = _apply(client, call_id, answers(), documents=("joint_decision",))
    assert r.status_code == 422  # in Russian, the applicant's language
    assert "подписанного главой (мэром) и председателем" in r.get_data(as_text=True)
    r = client.post(f"/applications/{first}/documents",
                    data={"kind": "signed_letter", "file": (io.BytesIO(PDF), "letter.pdf")},
                    content_type="multipart/form-data")
    posted = formdata(answers())
    posted["action"] = "submit"
    assert client.post(f"/applications/{first}", data=posted).status_code == 302
    view = client.get(f"/applications/{first}/view").get_data(as_text=True)
    for text in (PLAN_ITEM, "Маматова Жыпар Абдылдаевна", "Часть 4", "(2022–2025)",
                 "Список пилотных муниципалитетов будет объявлен до"):
        assert text in view, text

    # Papan: a newly appointed head with only an idea is accepted
    login(client, people["b"])
    idea = answers(joint_activities=[IDEA_ROW], head_newly_appointed=True)
    second, r = _apply(client, call_id, idea)
    assert r.status_code == 302, r.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Application, second).requested_amount == Decimal(0)

    # the deadline passes; screening; staff visit Kyzyl-Suu through the plugin's pages
    later = clock.advance(days=8)
    with app.app_context():
        assert calls.close_due_calls(later) == 1
    login(client, people["staff"])
    _ok(client.post(f"/staff/calls/{call_id}/advance", data={"action": "start_screening"},
                    follow_redirects=True))
    for app_id in (first, second):
        _ok(client.post(f"/staff/applications/{app_id}/screen", data={"decision": "eligible"},
                        follow_redirects=True))
    page = client.get(f"/p/pilot_selection/calls/{call_id}/visits").get_data(as_text=True)
    assert "Кызыл-Сууский айылный аймак" in page and "Папанский айылный аймак" in page
    visit_day = to_local(later).date() - timedelta(days=1)
    _ok(client.post(f"/p/pilot_selection/calls/{call_id}/visits",
                    data={"application": [str(first), str(second)],
                          "planned_on": visit_day.isoformat()}, follow_redirects=True))
    _ok(client.post(f"/p/pilot_selection/applications/{second}/visit/cancel",
                    follow_redirects=True))
    form = client.get(f"/p/pilot_selection/applications/{first}/visit").get_data(as_text=True)
    assert 'name="check_joint_decision_seen"' in form and 'name="notes_council_active"' in form
    _ok(client.post(f"/p/pilot_selection/applications/{first}/visit", data={
        "verifier_id": str(people["staff"].id), "visited_on": visit_day.isoformat(),
        "check_joint_decision_seen": "yes", "check_leaders_met": "yes",
        "check_activities_confirmed": "yes", "check_council_active": "no",
        "notes_council_active": "Only two sessions this year",
        "conclusion": "confirmed", "findings": "Водопровод в Ак-Тереке осмотрен."},
        follow_redirects=True))
    with app.app_context():
        visits = db.session.scalars(select(Visit)).all()
        assert [(v.application_id, v.status, v.conclusion) for v in visits] == [
            (first, "done", "confirmed")]
        assert visits[0].checklist["council_active"] == {
            "answer": "no", "notes": "Only two sessions this year"}
        actions = [a for a in db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id))
                   if a.startswith("pilot_selection.")]
        assert actions == ["pilot_selection.visit_planned", "pilot_selection.visit_planned",
                           "pilot_selection.visit_cancelled", "pilot_selection.visit_recorded"]
    staff_page = client.get(f"/staff/applications/{first}").get_data(as_text=True)
    assert "Водопровод в Ак-Тереке осмотрен." in staff_page
    assert "Only two sessions this year" in staff_page

    # evaluation: two members score; the visit criterion is N/A where nobody went
    _ok(client.post(f"/staff/calls/{call_id}/advance", data={"action": "start_evaluation"},
                    follow_redirects=True))
    members = people["members"]
    for app_id in (first, second):
        _ok(client.post(f"/staff/applications/{app_id}/assign",
                        data={"reviewers": [str(m.id) for m in members]},
                        follow_redirects=True))
    with app.app_context():
        assignment = {(a.application_id, a.reviewer_id): a.id
                      for a in db.session.scalars(select(Assignment))}
    scores = {first: {"commitment": "5", "joint_activity": "4", "civic_groups": "4",
                      "budget_openness": "4", "visit_findings": "5"},
              second: {"commitment": "4", "joint_activity": "3", "civic_groups": "3",
                       "budget_openness": "3", "visit_findings": "na"}}
    for member in members:
        login(client, member)
        for app_id, given in scores.items():
            url = f"/review/{assignment[(app_id, member.id)]}"
            client.post(f"{url}/declare", data={"conflict": "no"})
            page = client.get(url).get_data(as_text=True)
            if app_id == first:
                assert "Водопровод в Ак-Тереке осмотрен." in page
            else:
                assert "No verification visit took place" in page
            # a saved draft of the sheet comes back with its scores selected
            client.post(url, data={**{f"score-{k}": v for k, v in given.items()},
                                   "action": "save"})
            assert 'value="4.0" selected' in client.get(url).get_data(as_text=True)
            r = client.post(url, data={**{f"score-{k}": v for k, v in given.items()},
                                       "action": "submit"})
            assert r.status_code == 302, r.get_data(as_text=True)

    # decision and publication: one pilot
    login(client, people["staff"])
    _ok(client.post(f"/staff/calls/{call_id}/advance", data={"action": "decide"},
                    follow_redirects=True))
    # staff may prepare the memorandum once decided; the municipality waits for publication
    assert client.get(f"/p/pilot_selection/applications/{first}/memorandum.pdf"
                      ).status_code == 200
    login(client, people["a"])
    assert client.get(f"/p/pilot_selection/applications/{first}/memorandum.pdf"
                      ).status_code == 404
    login(client, people["staff"])
    _ok(client.post(f"/staff/calls/{call_id}/advance", data={"action": "publish"},
                    follow_redirects=True))
    with app.app_context():
        awards = {a.application_id: a for a in db.session.scalars(select(Award))}
        assert (awards[first].outcome, awards[first].amount) == ("funded", 0)
        assert awards[first].score == Decimal("22.00")
        assert (awards[second].outcome, awards[second].reason) == ("reserve", "award_count")
        # 13 of 20 applicable points, rescaled to 25
        assert awards[second].score == Decimal("16.25")

    # the selected municipality downloads its memorandum, in Russian, with its plan
    login(client, people["a"])
    view = client.get(f"/applications/{first}/view").get_data(as_text=True)
    assert f"/p/pilot_selection/applications/{first}/memorandum.pdf" in view
    r = client.get(f"/p/pilot_selection/applications/{first}/memorandum.pdf")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    text = _pdf_text(r.data)
    for expected in ("Кызыл-Сууский айылный аймак", PLAN_ITEM, "Меморандум о сотрудничестве",
                     "Маматов Алмазбек Турсунбаевич"):
        assert expected in text, expected

    # another applicant gets nothing, not even for its own (reserve) application
    login(client, people["b"])
    assert client.get(f"/p/pilot_selection/applications/{first}/memorandum.pdf"
                      ).status_code == 404
    assert client.get(f"/p/pilot_selection/applications/{second}/memorandum.pdf"
                      ).status_code == 404
    view = client.get(f"/applications/{second}/view").get_data(as_text=True)
    assert "memorandum.pdf" not in view
    login(client, members[0])
    assert client.get(f"/p/pilot_selection/applications/{first}/memorandum.pdf"
                      ).status_code == 404
    client.post("/logout")
    r = client.get(f"/p/pilot_selection/applications/{first}/memorandum.pdf")
    assert r.status_code == 302 and "/login" in r.headers["Location"]


# --------------------------------------------------------------------- access control


@pytest.fixture
def closed_call(app, clock, people, make_user):
    """A closed call with Kyzyl-Suu's submitted application and Papan's draft."""
    now = clock.now
    with app.app_context():
        call = calls.create_call("pilot_selection", {
            "title": {"en": "Pilots"}, "description": {}, "oblasts": ["Ошская область"],
            "opens_at": now - timedelta(days=10), "deadline_at": now + timedelta(days=1),
            "budget": Decimal(0), "max_awards": 2, "max_grant": None, "settings": {}},
            actor_id=people["staff"].id)
        lifecycle.advance(call, "open", now=now, actor_id=people["staff"].id)
        a = db.session.get(User, people["a"].id)
        submitted = apps.start_application(call, a, now)
        for kind in ("signed_letter", "joint_decision"):
            save_attachment(submitted, kind, f"{kind}.pdf", PDF, a)
        apps.submit(submitted, answers(), a, now)
        draft = apps.start_application(call, db.session.get(User, people["b"].id), now)
        clock.advance(days=2)
        calls.close_due_calls(clock.now)
        ids = {"call": call.id, "submitted": submitted.id, "draft": draft.id}
    return ids


def _pages(ids):
    call, app_id = ids["call"], ids["submitted"]
    return [("get", f"/p/pilot_selection/calls/{call}/visits"),
            ("post", f"/p/pilot_selection/calls/{call}/visits"),
            ("get", f"/p/pilot_selection/applications/{app_id}/visit"),
            ("post", f"/p/pilot_selection/applications/{app_id}/visit"),
            ("post", f"/p/pilot_selection/applications/{app_id}/visit/cancel")]


def test_visit_pages_are_for_staff_only(app, client, login, people, closed_call):
    for method, url in _pages(closed_call):
        r = getattr(client, method)(url)
        assert r.status_code == 302 and "/login" in r.headers["Location"], url
    for who in (people["a"], people["members"][0]):
        login(client, who)
        for method, url in _pages(closed_call):
            assert getattr(client, method)(url).status_code == 403, (who.role, url)
    with app.app_context():
        assert db.session.scalars(select(Visit)).all() == []


def test_staff_of_a_municipality_see_only_the_calls_they_run(app, client, login, people,
                                                            closed_call, make_user):
    municipal = make_user("staff", people["orgs"]["b"], locale="en")
    login(client, municipal)
    for method, url in _pages(closed_call):
        assert getattr(client, method)(url).status_code == 404, url


def test_drafts_other_calls_and_wrong_stages_are_refused(app, client, login, clock, people,
                                                         closed_call):
    login(client, people["staff"])
    assert client.get(f"/p/pilot_selection/applications/{closed_call['draft']}/visit"
                      ).status_code == 404
    assert client.post(f"/p/pilot_selection/applications/{closed_call['submitted']}"
                       "/visit/cancel").status_code == 404  # nothing planned
    # a draft of the call cannot be picked; ids of nothing are refused
    page = client.post(f"/p/pilot_selection/calls/{closed_call['call']}/visits",
                       data={"application": [str(closed_call["draft"])]},
                       follow_redirects=True).get_data(as_text=True)
    assert "Only submitted applications" in page
    page = client.post(f"/p/pilot_selection/calls/{closed_call['call']}/visits",
                       data={"application": ["999"]}, follow_redirects=True
                       ).get_data(as_text=True)
    assert "Choose applications of this call only." in page
    # a visit in the future, or with a commission member as verifier, is refused
    url = f"/p/pilot_selection/applications/{closed_call['submitted']}/visit"
    future = (to_local(clock.now).date() + timedelta(days=3)).isoformat()
    r = client.post(url, data={"verifier_id": str(people["staff"].id), "visited_on": future,
                               "conclusion": "confirmed", "findings": "Seen."})
    assert r.status_code == 422 and "cannot be in the future" in r.get_data(as_text=True)
    r = client.post(url, data={"verifier_id": str(people["members"][0].id),
                               "visited_on": future, "conclusion": "confirmed",
                               "findings": "Seen."})
    assert r.status_code == 422 and "Not a valid choice" in r.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(Visit)).all() == []
        call = db.session.get(Competition, closed_call["call"])
        lifecycle.advance(call, "start_screening", now=clock.now, actor_id=people["staff"].id)
        apps.screen(db.session.get(Application, closed_call["submitted"]), eligible=False,
                    reason="No council decision", staff=db.session.get(User, people["staff"].id),
                    now=clock.now)
    # an ineligible application is not visited
    page = client.post(f"/p/pilot_selection/calls/{closed_call['call']}/visits",
                       data={"application": [str(closed_call["submitted"])]},
                       follow_redirects=True).get_data(as_text=True)
    assert "not found ineligible" in page


def test_no_visit_is_planned_while_the_call_is_open(app, client, login, clock, people):
    login(client, people["staff"])
    call_id = _create_call(client, clock)
    page = client.get(f"/p/pilot_selection/calls/{call_id}/visits").get_data(as_text=True)
    assert "after the deadline and before the decision" in page
    page = client.post(f"/p/pilot_selection/calls/{call_id}/visits",
                       data={"application": ["1"]}, follow_redirects=True
                       ).get_data(as_text=True)
    assert "after the deadline and before the decision" in page


def test_a_recorded_visit_cannot_be_cancelled_but_can_be_corrected(app, client, login, clock,
                                                                    people, closed_call):
    login(client, people["staff"])
    url = f"/p/pilot_selection/applications/{closed_call['submitted']}/visit"
    today = to_local(clock.now).date().isoformat()
    record = {"verifier_id": str(people["staff"].id), "visited_on": today,
              "conclusion": "partly", "findings": "Groups not met."}
    _ok(client.post(url, data=record, follow_redirects=True))
    page = client.post(f"{url}/cancel", follow_redirects=True).get_data(as_text=True)
    assert "cannot be cancelled" in page
    assert "Groups not met." in client.get(url).get_data(as_text=True)  # refilled
    _ok(client.post(url, data={**record, "conclusion": "confirmed",
                               "findings": "Groups met on a second day."},
                    follow_redirects=True))
    with app.app_context():
        visit = db.session.scalar(select(Visit))
        assert (visit.conclusion, visit.findings) == ("confirmed", "Groups met on a second day.")
        corrections = [e.payload["corrected"] for e in db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "pilot_selection.visit_recorded"))]
        assert corrections == [False, True]
        assert audit.verify() is None


def test_the_visits_page_costs_the_same_queries_for_2_and_6_applicants(
        app, client, login, clock, people, closed_call, make_user, query_counter):
    """One query for the whole call's counts, one for the page of applications (with their
    municipalities, visits and verifiers), whatever their number."""
    codes = ["41706226806000", "41706226807000", "41706226812000", "41706226816000"]
    url = f"/p/pilot_selection/calls/{closed_call['call']}/visits"
    login(client, people["staff"])

    def add(code):
        with app.app_context():
            call = db.session.get(Competition, closed_call["call"])
            org = _org(code)
            application = Application(
                competition_id=call.id, organisation_id=org, status="submitted",
                answers=answers(), title="Letter", number=f"X-{code}",
                created_by_id=make_user("applicant", org).id, submitted_at=call.opens_at)
            db.session.add(application)
            db.session.commit()
            return application.id

    ids = [closed_call["submitted"], add(codes[0])]
    client.post(url, data={"application": [str(i) for i in ids]})
    client.get(url)
    with query_counter() as few:
        assert client.get(url).status_code == 200
    ids = [add(code) for code in codes[1:]] + [add("41706226819000")]
    client.post(url, data={"application": [str(i) for i in ids[:2]]})
    with query_counter() as many:
        page = client.get(url).get_data(as_text=True)
    assert page.count('name="application"') == 2  # the unvisited ones can still be ticked
    assert many.count == few.count, str(many)


def _summary(page: str) -> dict[str, int]:
    return {label: int(re.search(rf"<dt>{label}</dt><dd>(\d+)</dd>", page)[1])
            for label in ("Applications", "Visit planned", "Visit done", "No visit")}


def _listed(page: str) -> list[int]:
    return [int(i) for i in re.findall(r'href="/staff/applications/(\d+)"', page)]


@pytest.mark.gms_config(PER_PAGE=3)
def test_the_visits_page_shows_a_page_of_applicants_and_counts_the_whole_call(
        app, client, login, clock, people, closed_call, make_user):
    """7 applicants (a draft and a withdrawn one not counted), 3 a page: each page lists its
    own, the counts are the whole call's, and ticking on page 2 plans and returns there."""
    url = f"/p/pilot_selection/calls/{closed_call['call']}/visits"
    with app.app_context():
        call = db.session.get(Competition, closed_call["call"])
        org = _org("41706226806000")
        author = make_user("applicant", org).id
        added = []
        for i, status in enumerate(["submitted"] * 6 + ["withdrawn"]):
            application = Application(
                competition_id=call.id, organisation_id=org, status=status,
                answers=answers(), title="Letter", number=f"X-{i}", created_by_id=author,
                submitted_at=call.opens_at + timedelta(hours=i))
            db.session.add(application)
            db.session.commit()
            added.append(application.id)
    added, kyzyl_suu = added[:6], closed_call["submitted"]  # submitted last: on page 3
    login(client, people["staff"])
    _ok(client.post(url, data={"application": [str(added[0])]}, follow_redirects=True))
    today = to_local(clock.now).date().isoformat()
    _ok(client.post(f"/p/pilot_selection/applications/{kyzyl_suu}/visit", data={
        "verifier_id": str(people["staff"].id), "visited_on": today,
        "conclusion": "confirmed", "findings": "Seen."}, follow_redirects=True))

    pages = [client.get(url if n == 1 else f"{url}?page={n}").get_data(as_text=True)
             for n in (1, 2, 3)]
    assert [_listed(page) for page in pages] == [added[:3], added[3:], [kyzyl_suu]]
    whole = {"Applications": 7, "Visit planned": 1, "Visit done": 1, "No visit": 5}
    assert [_summary(page) for page in pages] == [whole] * 3
    assert "Page 2 of 3" in pages[1] and f'href="{url}?page=3"' in pages[1]
    assert f'action="{url}?page=2"' in pages[1]  # the ticks are posted back to page 2

    r = client.post(f"{url}?page=2", data={"application": [str(i) for i in added[3:5]]})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"{url}?page=2")
    page = _ok(client.get(r.headers["Location"]))
    assert "2 visits planned." in page and "Page 2 of 3" in page
    assert _listed(page) == added[3:]
    assert _summary(page) == {**whole, "Visit planned": 3, "No visit": 3}
    assert page.count('name="application"') == 1  # only added[5] is left to tick
    with app.app_context():
        assert {(v.application_id, v.status) for v in db.session.scalars(select(Visit))} == {
            (added[0], "planned"), (added[3], "planned"), (added[4], "planned"),
            (kyzyl_suu, "done")}
    # cancelling one of page 2's planned visits also returns to page 2
    cancel = f"/p/pilot_selection/applications/{added[3]}/visit/cancel?page=2"
    assert f'action="{cancel}"' in page
    r = client.post(cancel)
    assert r.status_code == 302 and r.headers["Location"].endswith(f"{url}?page=2")
    assert _summary(client.get(f"{url}?page=2").get_data(as_text=True))["Visit planned"] == 2


@pytest.mark.gms_config(WTF_CSRF_ENABLED=True)
def test_the_forms_carry_their_csrf_token(app, client, login, people, closed_call):
    login(client, people["staff"], via="session")
    url = f"/p/pilot_selection/calls/{closed_call['call']}/visits"
    pick = {"application": [str(closed_call["submitted"])]}
    assert client.post(url, data=pick).status_code == 400
    page = client.get(url).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)[1]
    _ok(client.post(url, data={**pick, "csrf_token": token}, follow_redirects=True))
    page = client.get(url).get_data(as_text=True)
    assert f"/p/pilot_selection/applications/{closed_call['submitted']}/visit/cancel" in page
    with app.app_context():
        assert db.session.scalar(select(Visit)).status == "planned"
