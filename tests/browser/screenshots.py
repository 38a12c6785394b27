"""Screenshots of the main pages for docs/screenshots/, taken in headless chromium.

Run ``.venv/bin/python -m tests.browser.screenshots`` from the repository root. It runs this
file through pytest (so it uses the same fixtures as the journeys: a migrated test database,
the demo data at a frozen clock, a live server and Debian's chromium) and writes:

    calls.png, application-form.png, application-form-mobile.png, score-sheet.png,
    staff-call.png, ranking.png, results.png, finance-dashboard.png, finance-grant.png,
    two-factor-setup.png, prize-report.png, visits.png, diplomas.png,
    call-settings-errors.png, call-settings-errors-mobile.png

The file is not named ``test_*.py``, so the normal test suite never rewrites the images.
Extra pytest arguments pass through, e.g. ``-k plugin_pages`` takes only the plugins' pages.
Pages are in Russian, the interface's default language; ``GMS_SCREENSHOTS_DIR`` writes
elsewhere.
"""

from __future__ import annotations

import os
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(os.environ.get("GMS_SCREENSHOTS_DIR") or ROOT / "docs" / "screenshots")

pytestmark = pytest.mark.browser


def _shoot(page, name: str, full_page: bool = True) -> None:
    """Save ``page``; a full-page shot first grows the viewport to the whole page, so the
    sticky bar of the application form sits at the form's end, not over a field."""
    OUT.mkdir(parents=True, exist_ok=True)
    page.wait_for_load_state("networkidle")
    size = page.viewport_size
    if full_page:
        height = page.evaluate("document.documentElement.scrollHeight")
        page.set_viewport_size({"width": size["width"], "height": max(height, size["height"])})
    try:
        page.screenshot(path=str(OUT / name), full_page=full_page, animations="disabled")
    finally:
        page.set_viewport_size(size)


@pytest.fixture
def fourth_member(app, demo):
    """A fourth commission member, assigned to the best application of round 1, who has
    scored part of it (so the sheet is open and the running total shows)."""
    from gms.evaluation import assignment as assignment_service
    from gms.evaluation import declarations, ranking, scoring
    from gms.extensions import db
    from gms.models import Application, Competition, User
    from gms.services import accounts
    from gms.testing import PASSWORD

    with app.app_context():
        call = next(c for c in db.session.scalars(select(Competition))
                    if c.title.get("en") == "Small Grants Programme: round 1 (demo)")
        best = ranking.ranking(call)[0]
        application = db.session.get(Application, best.application_id)
        staff = db.session.scalar(select(User).where(User.role == "staff"))
        member = User(email="commission4@demo.gms.kg", name="Асель Бекова", role="commission",
                      locale="ru", password_hash=accounts.hash_password(PASSWORD))
        db.session.add(member)
        db.session.commit()
        (assignment,) = assignment_service.assign(application, [member.id], staff)
        # the member declared no conflict of interest before starting the sheet
        declarations.declare(assignment, conflict=False, reason="", now=call.deadline_at)
        scoring.save_review(
            assignment, {"community_priority": Decimal("22.5"), "relevance": Decimal("13"),
                         "feasibility": Decimal("12")}, {}, "", submit=False,
            now=call.deadline_at)
        return {"email": member.email, "password": PASSWORD, "assignment": assignment.id}


def test_screenshots(app, demo, fourth_member, live_server, page, new_page):
    from .support import DEMO_PASSWORD, log_in

    base = live_server

    # the public list of calls
    page.goto(base + "/")
    _shoot(page, "calls.png")

    # an applicant's draft with its eligibility list, on a desktop and on a phone
    log_in(page, base, "applicant1@demo.gms.kg", DEMO_PASSWORD)
    page.locator("tbody a").first.click()
    page.locator(".rules").wait_for()
    _shoot(page, "application-form.png")
    phone = new_page(width=390, height=844)
    log_in(phone, base, "applicant1@demo.gms.kg", DEMO_PASSWORD)
    phone.goto(page.url)
    phone.locator(".rules").wait_for()
    _shoot(phone, "application-form-mobile.png")

    # a commission member's score sheet, half filled in
    member = new_page()
    log_in(member, base, fourth_member["email"], fourth_member["password"])
    member.goto(f"{base}/review/{fourth_member['assignment']}")
    member.locator("#score-budget").select_option("12.5")
    member.locator("#score-cofinancing").select_option("7.5")
    _shoot(member, "score-sheet.png")
    member.locator("#score-sustainability").select_option("8.0")
    member.locator("#score-transparency").select_option("7.5")
    member.locator("#score-form button[value=submit]").click()  # so the ranking shows 4/4
    member.locator("#score-form select:disabled").first.wait_for()

    # staff: the call in evaluation, the decision, the ranking, the published results
    staff = new_page()
    log_in(staff, base, "staff@demo.gms.kg", DEMO_PASSWORD)
    staff.get_by_role("link", name="Программа малых грантов: 1-й раунд").click()
    _shoot(staff, "staff-call.png")
    staff.locator("form[action$='/advance'] button").click()  # decide the awards
    staff.locator("a[href$='/ranking']").click()
    _shoot(staff, "ranking.png")
    staff.locator("h1 a").click()
    staff.locator("form[action$='/advance'] button").click()  # publish the results
    visitor = new_page()
    visitor.goto(staff.url.replace("/staff/calls/", "/calls/") + "/results")
    _shoot(visitor, "results.png")

    # finance: the demo's money (gms.demo.money), the ledger and dashboard, a grant
    # that ran its whole course (70 % paid, progress report approved, 30 % paid, closed)
    from gms.demo import money as money_demo
    from gms.extensions import db
    from gms.money.models import Grant

    with app.app_context():
        money_demo.load()
        award_id = next(g.award_id for g in db.session.scalars(
            select(Grant).where(Grant.status == "closed").order_by(Grant.id))
            if len(g.tranches) > 1)
    finance = new_page()
    log_in(finance, base, "finance@demo.gms.kg", DEMO_PASSWORD)
    finance.goto(base + "/finance/")
    _shoot(finance, "finance-dashboard.png")
    finance.goto(f"{base}/finance/awards/{award_id}")
    _shoot(finance, "finance-grant.png")

    for name in ("calls", "application-form", "application-form-mobile", "score-sheet",
                 "staff-call", "ranking", "results", "finance-dashboard", "finance-grant"):
        assert (OUT / f"{name}.png").stat().st_size > 10_000, name


def _demo_call(type_key: str, title_en: str) -> int:
    """The id of the demo call of ``type_key`` whose English title is ``title_en``."""
    from gms.extensions import db
    from gms.models import Competition

    return next(c.id for c in db.session.scalars(
        select(Competition).where(Competition.type_key == type_key).order_by(Competition.id))
        if (c.title or {}).get("en") == title_en)


def test_plugin_pages(app, demo, live_server, new_page):
    """The plugins' staff lists of a finished call, as the programme's staff member sees them:
    prize-report.png (the citizen budget contest's places, use of prizes and reserve list),
    visits.png (pilot selection's verification visits), diplomas.png (the local initiative
    contest's diplomas and certificates)."""
    from flask import url_for

    from plugins.citizen_budget_contest.competition import KEY as BUDGET_KEY
    from plugins.citizen_budget_contest.demo import PAST_TITLE
    from plugins.local_initiative.competition import CONTEST_KEY
    from plugins.local_initiative.demo import PAST_CONTEST
    from plugins.pilot_selection.demo import DONE_CALL

    from .support import DEMO_PASSWORD, log_in

    with app.test_request_context():
        urls = {
            "prize-report": url_for("citizen_budget_contest.prize_report",
                                    call_id=_demo_call(BUDGET_KEY, PAST_TITLE)),
            "visits": url_for("pilot_selection.call_visits",
                              call_id=_demo_call("pilot_selection", DONE_CALL)),
            "diplomas": url_for("local_initiative.documents",
                                call_id=_demo_call(CONTEST_KEY, PAST_CONTEST)),
        }
    staff = new_page()
    log_in(staff, live_server, "staff@demo.gms.kg", DEMO_PASSWORD)
    for name, url in urls.items():
        response = staff.goto(live_server + url)
        assert response is not None and response.ok, (name, url)
        staff.locator("main table tbody tr").first.wait_for()
        _shoot(staff, f"{name}.png")
        assert (OUT / f"{name}.png").stat().st_size > 10_000, name


@pytest.mark.gms_config(TWO_FACTOR_ROLES=["staff", "commission", "finance", "admin"])
def test_two_factor_screenshot(app, make_user, live_server, page):
    """two-factor-setup.png: the first log-in of a commission member (QR code and key)."""
    from .support import open_set_up_link

    member = make_user("commission", email="commission@demo.gms.kg")
    page.goto(live_server + "/login")
    page.locator("main input[name=email]").fill(member.email)
    page.locator("main input[name=password]").fill(member.plain_password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/login/two-factor")
    open_set_up_link(app, page, live_server, member)  # the e-mailed link
    _shoot(page, "two-factor-setup.png")


def main() -> int:
    os.chdir(ROOT)
    return pytest.main([str(Path(__file__).resolve()), "-q", "-p", "no:cacheprovider",
                        *sys.argv[1:]])


if __name__ == "__main__":
    sys.exit(main())



def test_call_settings_screenshots(app, demo, live_server, new_page):
    """call-settings-errors.png and call-settings-errors-mobile.png: a new citizen budget
    contest refused by the generated settings form (a negative prize, the deadline before the
    opening), on a desktop and on a 360 px phone: the error summary at the top,
    each message under its field, everything typed kept."""
    from .support import DEMO_PASSWORD, log_in

    for name, size in (("call-settings-errors", (1366, 768)),
                       ("call-settings-errors-mobile", (360, 740))):
        staff = new_page(*size)
        log_in(staff, live_server, "staff@demo.gms.kg", DEMO_PASSWORD)
        staff.goto(live_server + "/staff/calls/new/citizen_budget_contest")
        staff.locator("input[name='title_ru']").fill("Конкурс «Бюджет для граждан» 2027")
        staff.locator("input[name='budget']").fill("500000")
        staff.locator("input[name='opens_at']").fill("2027-03-01T09:00")
        staff.locator("input[name='deadline_at']").fill("2027-02-01T18:00")
        staff.locator("input[name='setting-prize_1']").fill("-5")
        staff.locator("main form button[type=submit]").last.click()
        staff.locator("#error-summary").wait_for()
        assert staff.locator("input[name='setting-prize_1']").input_value() == "-5"
        _shoot(staff, f"{name}.png")
        assert (OUT / f"{name}.png").stat().st_size > 10_000, name
