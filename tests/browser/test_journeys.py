"""Main journeys in a real browser: an applicant, a commission member, programme staff.

Each journey runs against the live server (a thread serving the test's database) in Debian's
chromium, with the data built through the services (``gms.demo.load()`` or a toy round) at a
frozen clock. The applicant's journey runs in English (chosen with the language switch), the
staff journey in Kyrgyz, the commission member's in the default Russian.
"""

from __future__ import annotations

import functools
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from gms.evaluation.models import Assignment
from gms.extensions import db
from gms.models import Application, Competition

from ..toy_competition import TOY
from .support import DEMO_PASSWORD, log_in, pdf_file

pytestmark = pytest.mark.browser

ROUND_1 = "Small Grants Programme: round 1 (demo)"
ROUND_2 = "Small Grants Programme: round 2 (demo)"


def _call_id(app, title_en: str) -> int:
    with app.app_context():
        for call in db.session.scalars(select(Competition)):
            if call.title.get("en") == title_en:
                return call.id
    raise AssertionError(f"no call titled {title_en!r}")


# ------------------------------------------------------------------------------ applicant

PROJECT = {
    "Number of the council resolution (токтом)": "17-3",
    "Date of the council resolution": "2025-12-05",
    "Body responsible for upkeep after the project": "Municipal enterprise Taza Suu",
    "Project title": "Rehabilitation of the Onbir-Jylga water main",
    "Requested amount, KGS": "900000",
    "Head of the aiyl okmotu or mayor (full name)": "Isakov Marat Toktobekovich",
    "Chair of the local council (full name)": "Kim Elena Viktorovna",
    "Contact telephone": "+996 3133 6 21 05",
    "Local budget account or treasury code": "4402011100005821",
    "Rank of the problem among the residents' priorities (1 = most votes)": "1",
    "Votes the problem received (if votes were counted)": "212",
    "Date residents chose the priority": "2025-11-14",
    "The problem, as residents described it": "The 1968 water main leaks; water runs 4 hours "
                                              "a day.",
    "Objectives": "Drinking water around the clock for 2,650 residents.",
    "Activities and timeline": "Months 1-2: tender; months 3-7: replace 1.5 km of pipe.",
    "Duration, months": "8",
    "Measurable indicators of the result": "1.5 km of new pipe; 420 households; 24 h supply.",
    "Residents who will benefit": "2650",
    "Of them, women": "1370",
    "Villages covered": "Onbir-Jylga",
    "Procurement plan": "One open tender on the public procurement portal.",
    "Sustainability: who will maintain the result, with what money": "The municipal water "
                                                                      "company, from tariffs.",
    "Monitoring by the council and residents": "An initiative group of 7 residents.",
}
SAVED = {**PROJECT, "Requested amount, KGS": "900000"}  # whole som come back without cents
SELECTS = {
    "Issue of local significance the project addresses": "water_supply",
    "Where residents chose this priority": "public_hearing",
    "Upkeep is paid from": "tariffs",
}
# one grant line equal to the requested amount, one co-financing line (local budget)
BUDGET = [
    {"item": "PE pipe 110 mm, laid", "unit": "m", "quantity": "1500", "unit_cost": "600",
     "source": "grant"},
    {"item": "Design and estimate documents", "unit": "service", "quantity": "1",
     "unit_cost": "150000", "source": "local_budget"},
]
DOCUMENTS = {  # kind → file name; the two required kinds and the priority evidence
    "council_resolution": "council-resolution.pdf",
    "budget_publication": "budget-publication.pdf",
    "hearing_minutes": "hearing-minutes.pdf",
}


def _fill_application(page) -> None:
    for label, value in PROJECT.items():
        page.get_by_label(label, exact=True).fill(value)
    for label, value in SELECTS.items():
        page.get_by_label(label, exact=True).select_option(value)
    for i, line in enumerate(BUDGET):
        for name, value in line.items():
            target = page.locator(f'[name="budget_lines-{i}-{name}"]')
            if name == "source":
                target.select_option(value)
            else:
                target.fill(value)


def _expect_filled(page, values: dict) -> None:
    for label, value in values.items():
        expect(page.get_by_label(label, exact=True)).to_have_value(value)


def test_applicant_prepares_and_submits_an_application(app, demo, live_server, page):
    """An aiyl okmotu applies to the open small-grants call, in English, from log-in to
    submission: the draft is saved, the eligibility list names the missing documents until
    they are uploaded, a failed submission keeps everything typed, the final one is numbered."""
    base = live_server
    page.goto(base + "/")
    page.get_by_role("link", name="English").click()  # the language switch (/lang/en)
    expect(page.get_by_role("heading", level=1)).to_have_text("Calls for proposals")
    page.get_by_role("banner").get_by_role("link", name="Log in").click()
    page.get_by_label("E-mail").fill("applicant3@demo.gms.kg")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My applications")

    # the public list of calls → the open investment-grant call → start an application
    page.get_by_role("banner").get_by_role("link", name="Calls", exact=True).click()
    card = page.locator(".card", has_text=ROUND_2)
    expect(card.locator(".badge")).to_have_text("open")
    card.get_by_role("link", name=ROUND_2).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(ROUND_2)
    page.get_by_role("button", name="Start an application").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("New application")
    expect(page.locator("h1 .badge")).to_have_text("draft")

    # fill in the form and save the draft
    _fill_application(page)
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".flash.success")).to_have_text("Draft saved.")
    expect(page.get_by_role("heading", level=1)).to_contain_text(PROJECT["Project title"])
    _expect_filled(page, SAVED)
    _expect_filled(page, SELECTS)
    expect(page.locator('[name="budget_lines-1-unit_cost"]')).to_have_value("150000")

    # the eligibility check names what is missing: the two required documents and evidence
    failing = page.locator(".rules li.fail")
    expect(failing).to_have_count(4)
    expect(failing.filter(has_text="Show how residents took part")).to_have_count(1)
    expect(failing.filter(has_text="Attach the resolution")).to_have_count(1)
    expect(failing.filter(has_text="Attach proof that your local budget is public")
           ).to_have_count(1)
    expect(failing.filter(has_text="Attach the evidence that residents chose")
           ).to_have_count(1)
    passing = page.locator(".rules li.pass")
    expect(passing.filter(has_text="The requested amount equals the budget lines paid by "
                                   "the grant")).to_have_count(1)
    expect(passing.filter(has_text="Co-financing is 14.29% of the budget")).to_have_count(1)

    # upload the documents through the upload form (buffers, no files on disk)
    documents = page.locator("#documents")
    expect(documents).to_contain_text("No documents yet.")
    for kind, name in DOCUMENTS.items():
        page.get_by_label("Kind of document").select_option(kind)
        page.locator("#documents input[type=file]").set_input_files(pdf_file(name))
        documents.get_by_role("button", name="Upload").click()
        expect(page.locator(".flash.success")).to_have_text("Document added.")
        expect(documents.get_by_role("link", name=name)).to_be_visible()
    expect(page.locator(".rules li.fail, .rules li.warn")).to_have_count(0)
    expect(page.locator(".rules li.pass").filter(has_text="Evidence that residents chose "
                                                          "this priority is attached")
           ).to_have_count(1)

    # a failed submission (a required answer emptied) keeps everything typed, even unsaved
    page.get_by_label("Objectives", exact=True).fill("")
    page.get_by_label("Villages covered", exact=True).fill("Onbir-Jylga, Kara-Jygach")
    page.get_by_role("button", name="Submit application").click()
    expect(page.locator(".flash.error")).to_have_text(
        "Some answers need attention; your draft is saved.")
    objectives = page.locator(".field.has-error", has=page.get_by_label("Objectives",
                                                                       exact=True))
    expect(objectives.locator(".field-error")).to_have_text("This field is required.")
    expect(page.locator(".field.has-error")).to_have_count(1)
    expect(page.locator("h1 .badge")).to_have_text("draft")
    _expect_filled(page, {**SAVED, "Objectives": "",
                          "Villages covered": "Onbir-Jylga, Kara-Jygach"})
    _expect_filled(page, SELECTS)
    expect(page.locator('[name="budget_lines-0-item"]')).to_have_value(BUDGET[0]["item"])
    expect(page.locator('[name="budget_lines-1-source"]')).to_have_value("local_budget")

    # correct it and submit
    page.get_by_label("Objectives", exact=True).fill(PROJECT["Objectives"])
    page.get_by_role("button", name="Submit application").click()
    flash = page.locator(".flash.success")
    expect(flash).to_have_text(re.compile(r"Your application was submitted\. "
                                          r"Its number is \d{3}-\d{5}\."))
    number = re.search(r"\d{3}-\d{5}", flash.inner_text()).group(0)
    expect(page.locator("h1 .badge")).to_have_text("submitted")
    expect(page.locator("dl.kv").first).to_contain_text(number)
    expect(page.get_by_role("heading", level=1)).to_contain_text(PROJECT["Project title"])

    # what was typed is on the read-only page and in the database
    answers_card = page.locator(".card", has=page.get_by_role("heading", name="Answers"))
    for value in ("Isakov Marat Toktobekovich", "Kim Elena Viktorovna", "Drinking water supply",
                  "Public hearing", "Onbir-Jylga, Kara-Jygach", "PE pipe 110 mm, laid",
                  "Design and estimate documents", PROJECT["Objectives"]):
        expect(answers_card).to_contain_text(value)
    for name in DOCUMENTS.values():
        expect(page.get_by_role("link", name=name)).to_be_visible()
    with app.app_context():
        application = db.session.scalar(select(Application).where(
            Application.number == number))
        assert application.status == "submitted"
        assert application.requested_amount == Decimal("900000")
        answers = application.answers
        assert answers["head_name"] == "Isakov Marat Toktobekovich"
        assert answers["issue_area"] == "water_supply"
        assert answers["priority_date"] == "2025-11-14"
        assert answers["villages"] == "Onbir-Jylga, Kara-Jygach"
        assert [(line["item"], line["source"]) for line in answers["budget_lines"]] == [
            (line["item"], line["source"]) for line in BUDGET]


# ------------------------------------------------------------------------------ evaluator


@pytest.fixture
def toy_round(app, clock, make_user, territories):
    """A toy call in evaluation (the small-grants rubric has no criterion allowing N/A, the
    toy's "cost" does): one application with a document, two members assigned, the second
    of whom has already submitted his sheet."""
    from datetime import timedelta

    from gms.evaluation import assignment as assignment_service
    from gms.evaluation import lifecycle, scoring
    from gms.models import Organisation
    from gms.services import applications as apps
    from gms.services import calls
    from gms.services.uploads import save_attachment

    from .support import pdf

    now = clock.now
    with app.app_context():
        org = Organisation(kind="municipality", name="Боролдинский айыл аймагы",
                           territory_code="41708213808000", oblast="Чуйская область")
        db.session.add(org)
        db.session.commit()
        staff = make_user("staff", name="Динара Абдыкадырова")
        applicant = make_user("applicant", organisation=org, name="Бакыт Асанов")
        m1 = make_user("commission", name="Айгүл Сапарова")
        m2 = make_user("commission", name="Ольга Петренко")
        call = calls.create_call("toy", {
            "title": {"en": "Toy call", "ru": "Тестовый конкурс", "ky": "Сыноо сынагы"},
            "description": {}, "oblasts": ["Чуйская область"],
            "opens_at": now - timedelta(days=1), "deadline_at": now + timedelta(hours=1),
            "budget": 1000000, "max_awards": None, "max_grant": None, "settings": {}})
        lifecycle.advance(call, "open", now=now - timedelta(hours=2), actor_id=staff.id)
        application = apps.start_application(call, applicant, now)
        save_attachment(application, "plan", "plan-rabot.pdf", pdf("Work plan"), applicant)
        apps.submit(application, {"title": "Ремонт сельской библиотеки",
                                  "requested_amount": "250000",
                                  "summary": "Крыша и окна библиотеки, 1 200 читателей."},
                    applicant, now)
        after = now + timedelta(hours=2)
        calls.close_due_calls(after)
        lifecycle.advance(call, "start_screening", now=after, actor_id=staff.id)
        apps.screen(application, eligible=True, reason="", staff=staff, now=after)
        lifecycle.advance(call, "start_evaluation", now=after, actor_id=staff.id)
        # m1 chairs the commission; scores further apart than 0.5 need a consensus
        from gms.evaluation import declarations, roster

        roster.set_member(call, m1.id, "chair", staff)
        roster.set_member(call, m2.id, "member", staff)
        call.divergence_limit = Decimal("0.5")
        db.session.commit()
        assignment_service.assign(application, [m1.id, m2.id], staff)
        theirs = db.session.scalar(select(Assignment).where(
            Assignment.reviewer_id == m2.id))
        # m2 declares no conflict of interest first, as the score page asks
        declarations.declare(theirs, conflict=False, reason="", now=after)
        errors = scoring.save_review(
            theirs, {"impact": Decimal("7"), "cost": Decimal("3")}, {},
            "Нужная библиотека, смета завышена.", submit=True, now=after)
        assert not errors, errors
        mine = db.session.scalar(select(Assignment).where(Assignment.reviewer_id == m1.id))
        ids = {"email": m1.email, "password": m1.plain_password, "other": m2.name,
               "other_email": m2.email, "other_password": m2.plain_password,
               "other_assignment": theirs.id,
               "number": application.number, "title": application.title,
               "assignment": mine.id, "application": application.id, "call": call.id,
               "staff_email": staff.email, "staff_password": staff.plain_password}
    clock.set(after + timedelta(days=1))  # the members score the next day
    return ids


@pytest.mark.gms_plugins()
@pytest.mark.gms_config(**TOY)
def test_member_scores_with_half_points_and_not_applicable(app, toy_round, live_server, page,
                                                            catalog):
    """A commission member (Russian UI) opens an assigned application from "My evaluations",
    reads it and its documents, scores a half point and "not applicable" while the running
    total follows in the page, submits; the sheet locks and the other member's scores appear.
    """
    ru = functools.partial(catalog, "ru")
    assert ru("My evaluations") != "My evaluations"  # the Russian catalog is really used
    log_in(page, live_server, toy_round["email"], toy_round["password"])
    page.get_by_role("banner").get_by_role("link", name=ru("My evaluations")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ru("My evaluations"))
    row = page.locator("tbody tr", has_text=toy_round["number"])
    expect(row.locator(".badge")).to_have_text(ru("to score"))
    row.get_by_role("link", name=toy_round["title"]).click()

    # first the conflict-of-interest declaration, before anything of the application shows
    expect(page.get_by_role("heading", level=2).first).to_have_text(
        ru("Declaration of conflict of interest"))
    expect(page.get_by_text("Крыша и окна библиотеки")).to_have_count(0)
    page.get_by_label(ru("I have no conflict of interest with this applicant.")).check()
    page.get_by_role("button", name=ru("Declare"), exact=True).click()

    # the application and its documents are on the page
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"{toy_round['number']} · {toy_round['title']}")
    expect(page.locator(".card", has_text=ru("Application")).first).to_contain_text(
        "Крыша и окна библиотеки")
    expect(page.get_by_role("link", name="plan-rabot.pdf")).to_be_visible()
    # before submitting, other members' scores are not shown
    expect(page.get_by_text(ru("Other members' scores"))).to_have_count(0)

    # labels in Russian; only the criterion that allows it offers "not applicable"
    impact, cost = page.get_by_label("Влияние"), page.get_by_label("Стоимость")
    na = ru("Not applicable")
    expect(cost.locator("option", has_text=na)).to_have_count(1)
    expect(impact.locator("option", has_text=na)).to_have_count(0)
    expect(impact.locator("option[value='6.5']")).to_have_count(1)  # half points

    # the running total follows the choices (weights, N/A left out and rescaled)
    total = page.locator("#running-total")
    expect(total).to_have_text("—")
    cost.select_option("4")
    expect(total).to_have_text("4")  # impact not scored yet counts 0: 4 of 25
    expect(page.locator("#scored-count")).to_have_text("(1/2)")
    impact.select_option("6.5")
    expect(total).to_have_text("17")  # 6.5×2 + 4 = 17 of 25
    cost.select_option(label=na)
    expect(total).to_have_text("16,25")  # 13 of 20, rescaled to 25, in Russian
    page.get_by_label(ru("Overall comment")).fill("Проект нужен; смета требует уточнения.")

    page.get_by_role("button", name=ru("Submit and lock")).click()
    expect(page.locator(".flash.success")).to_have_text(ru("Score sheet submitted."))
    form = page.locator("#score-form")
    expect(form.locator("h2 .badge")).to_have_text(ru("submitted"))
    expect(form.locator("select:enabled, textarea:enabled")).to_have_count(0)
    expect(form.get_by_role("button")).to_have_count(0)
    expect(impact).to_have_value("6.5")
    expect(cost).to_have_value("na")
    expect(total).to_have_text("16,25")
    others = page.locator(".card", has_text=ru("Other members' scores"))
    expect(others).to_contain_text(toy_round["other"])
    expect(others).to_contain_text("Нужная библиотека, смета завышена.")

    with app.app_context():
        from gms.evaluation.scoring import scores_of

        assignment = db.session.get(Assignment, toy_round["assignment"])
        assert assignment.status == "submitted"
        assert {k: s.value for k, s in scores_of(assignment).items()} == {
            "impact": Decimal("6.5"), "cost": None}
        assert assignment.total == Decimal("16.25")

    # 16.25 against 17: the scores diverge, so the chair records the consensus
    page.get_by_role("banner").get_by_role("link", name=ru("My evaluations")).click()
    consensus = page.locator("h2", has_text=ru("Consensus needed"))
    expect(consensus).to_be_visible()
    page.get_by_role("link", name=ru("Application %(code)s", code=toy_round["number"])).click()
    page.get_by_label(ru("Consensus score (0–%(max)s)", max="25")).fill("16,5")
    page.get_by_label(ru("Consensus text")).fill("Смета уточнена; проект нужен селу.")
    page.get_by_role("button", name=ru("Record the consensus")).click()
    expect(page.locator(".flash.success")).to_have_text(ru(
        "The consensus was proposed: it ranks the application once a second member of the "
        "commission confirms it."))

    # a second member of the commission confirms it from their own score sheet (issue 15)
    page.get_by_role("button", name=ru("Log out")).click()
    log_in(page, live_server, toy_round["other_email"], toy_round["other_password"])
    page.goto(f"{live_server}/review/{toy_round['other_assignment']}")
    page.get_by_role("button", name=ru("Confirm the consensus")).click()
    expect(page.locator(".flash.success")).to_have_text(
        ru("The consensus was confirmed: it now ranks the application."))

    # staff decide: the ranking shows the consensus score
    page.get_by_role("button", name=ru("Log out")).click()
    log_in(page, live_server, toy_round["staff_email"], toy_round["staff_password"])
    page.goto(f"{live_server}/staff/calls/{toy_round['call']}/ranking")
    expect(page.locator("tbody tr").first).to_contain_text("16,5")
    expect(page.locator("tbody tr").first.locator(".badge").first).to_have_text(ru("consensus"))
    page.goto(f"{live_server}/staff/calls/{toy_round['call']}")
    page.locator("input[name=confirm]").check()
    page.get_by_role("button", name=ru("Decide the awards")).click()
    expect(page.locator(".flash.success")).to_be_visible()
    with app.app_context():
        assert db.session.get(Competition, toy_round["call"]).status == "decided"


# ---------------------------------------------------------------------------------- staff


def test_staff_decides_and_publishes_in_kyrgyz(app, demo, live_server, page, catalog, new_page):
    """Programme staff switch the UI to Kyrgyz, open the call in evaluation and its ranking,
    decide the awards and publish; the public results page lists the funded applications."""
    from flask_babel import force_locale

    from gms.evaluation import ranking
    from gms.i18n import money

    ky = functools.partial(catalog, "ky")
    for msgid in ("Manage calls", "Decide the awards", "Publish the results"):
        assert ky(msgid) not in (msgid, catalog("ru", msgid)), f"{msgid!r} is not in Kyrgyz"
    call_id = _call_id(app, ROUND_1)
    with app.app_context():
        call = db.session.get(Competition, call_id)
        order = [(r.number, r.title, r.requested_amount) for r in ranking.ranking(call)]
        title_ky = call.title["ky"]
    assert len(order) == 4

    log_in(page, live_server, "staff@demo.gms.kg", DEMO_PASSWORD)
    page.get_by_role("banner").locator("a[lang=ky]").click()  # the language switch
    expect(page.locator("html")).to_have_attribute("lang", "ky")
    expect(page.get_by_role("heading", level=1)).to_have_text(ky("Manage calls"))
    page.get_by_role("link", name=title_ky).click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text(title_ky)
    expect(heading.locator(".badge")).to_have_text(ky("evaluation"))

    # the ranking, best first, nothing decided yet
    page.get_by_role("link", name=ky("Ranking"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(ky("Ranking"))
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(4)
    assert [rows.nth(i).locator("td").nth(1).inner_text() for i in range(4)] == [
        number for number, _title, _amount in order]
    expect(rows.locator("td:last-child .badge")).to_have_count(0)

    # decide
    page.get_by_role("heading", level=1).get_by_role("link", name=title_ky).click()
    # the irreversible steps ask for a confirmation first
    page.get_by_role("button", name=ky("Decide the awards")).click()
    expect(page.locator(".flash.success")).to_have_count(0)
    page.locator("input[name=confirm]").check()
    page.get_by_role("button", name=ky("Decide the awards")).click()
    expect(page.locator(".flash.success")).to_have_text(
        ky("Done: the call is now “%(status)s”.", status=ky("decided")))
    expect(page.get_by_role("heading", level=1).locator(".badge")).to_have_text(ky("decided"))
    page.get_by_role("link", name=ky("Ranking"), exact=True).click()
    decisions = page.locator("tbody tr td:last-child .badge")
    expect(decisions).to_have_text([ky("funded")] * 3 + [ky("reserve list")])

    # publish, then read the public results page
    page.get_by_role("heading", level=1).get_by_role("link", name=title_ky).click()
    page.locator("input[name=confirm]").check()
    page.get_by_role("button", name=ky("Publish the results")).click()
    expect(page.get_by_role("heading", level=1).locator(".badge")).to_have_text(
        ky("results published"))
    page.get_by_role("link", name=ky("Public page")).click()
    page.get_by_role("main").get_by_role("link", name=ky("Results")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{ky('Results')}: {title_ky}")
    funded = page.locator("tbody tr", has=page.locator(".badge.funded"))
    expect(funded).to_have_count(3)
    with app.test_request_context(), force_locale("ky"):
        amounts = [money(amount) for _n, _t, amount in order[:3]]
    for i, (_number, title, _amount) in enumerate(order[:3]):
        expect(funded.nth(i)).to_contain_text(title)
        expect(funded.nth(i).locator("td").last).to_have_text(amounts[i])
    expect(page.locator("tbody tr", has=page.locator(".badge.reserve"))).to_contain_text(
        order[3][1])

    # the results are public: a visitor who is not logged in sees them too
    visitor = new_page()
    visitor.goto(page.url)
    expect(visitor.locator("tbody tr", has=visitor.locator(".badge.funded"))).to_have_count(3)
    expect(visitor.get_by_role("banner")).to_contain_text(catalog("ru", "Log in"))
