"""Security headers on every page, and log-ins that expire."""

from __future__ import annotations

import pytest

from .helpers import login, make_user

pytestmark = pytest.mark.gms_plugins()


def test_every_page_carries_the_security_headers(client):
    for url in ("/", "/login", "/no-such-page"):
        r = client.get(url)
        csp = r.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-eval" not in csp and "script-src 'self' 'unsafe-inline'" not in csp
        assert r.headers["X-Frame-Options"] == "DENY"
        assert r.headers["X-Content-Type-Options"] == "nosniff"


def test_login_cookie_expires_after_a_working_day(app, client):
    with app.app_context():
        make_user("staff", "s@x.kg")
    r = login(client, "s@x.kg")
    cookie = r.headers["Set-Cookie"]
    assert "Expires=" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert app.permanent_session_lifetime.total_seconds() == 12 * 3600
