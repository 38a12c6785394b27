"""The browser fixtures: Debian's chromium through Playwright against a live server."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from gms.extensions import db
from gms.models import User

pytestmark = [pytest.mark.browser, pytest.mark.gms_plugins()]

PAGE = """<!doctype html><title>probe</title>
<p id="users">{users}</p><button onclick="this.textContent='clicked'">click me</button>"""


def test_live_server_and_page(app, make_user, live_server, page):
    @app.get("/_test/probe")
    def probe():
        # the app's CSP forbids inline scripts; this probe page allows its own
        return PAGE.format(users=db.session.scalar(select(func.count()).select_from(User))), {
            "Content-Security-Policy": "script-src 'unsafe-inline'"}

    make_user("staff")
    page.goto(f"{live_server}/_test/probe")
    assert page.title() == "probe"
    assert page.text_content("#users") == "1"  # the server thread sees the test's database
    page.click("text=click me")
    assert page.text_content("button") == "clicked"
