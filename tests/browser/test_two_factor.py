"""In Chromium: a commission member sets up two-factor log-in with an authenticator app, saves
the recovery codes, and logs in again with a code; a wrong password five times locks the
account for a while."""

from __future__ import annotations

import time

import pyotp
import pytest

from .support import open_set_up_link

pytestmark = [pytest.mark.browser,
              pytest.mark.gms_config(TWO_FACTOR_ROLES=["staff", "commission", "finance"],
                                     BABEL_DEFAULT_LOCALE="en")]


def _password(page, base: str, user, password: str | None = None) -> None:
    page.goto(base + "/login")
    page.locator("main input[name=email]").fill(user.email)
    page.locator("main input[name=password]").fill(password or user.plain_password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def test_member_sets_up_an_authenticator_and_logs_in_with_it(app, make_user, live_server,
                                                              page, new_page, catalog):
    member = make_user("commission")
    _password(page, live_server, member)
    assert page.url.endswith("/login/two-factor")
    # the password alone shows no secret: a set-up link went to the member's address
    assert page.locator(".qr svg").count() == 0 and page.locator("#link-sent").is_visible()
    open_set_up_link(app, page, live_server, member)
    assert page.locator(".qr svg").is_visible()  # scanned by the phone
    secret = page.locator("#totp-secret").inner_text()
    page.locator("main input[name=code]").fill("123456")
    page.locator("main form button[type=submit]").click()
    assert page.locator(".flash.error").inner_text() == catalog(
        "ru", "That code is not right. Check the time on your phone and enter the code the "
        "app shows now.")  # the browser asks for Russian
    page.locator("main input[name=code]").fill(pyotp.TOTP(secret).now())
    page.locator("main form button[type=submit]").click()
    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    page.get_by_role("link", name=catalog("ru", "I have saved them, continue")).click()
    page.wait_for_load_state()
    assert page.url.endswith("/review/")  # the member's evaluations

    # another day, another browser: password, then the code from the phone
    other = new_page(locale="en-US")
    _password(other, live_server, member)
    assert other.url.endswith("/login/two-factor")
    assert other.locator(".qr svg").count() == 0
    other.locator("main input[name=code]").fill(pyotp.TOTP(secret).at(time.time() + 30))
    other.locator("main form button[type=submit]").click()
    other.wait_for_load_state()
    assert other.url.endswith("/review/")


def test_five_wrong_passwords_slow_the_next_attempt_with_a_clear_message(app, make_user,
                                                                        live_server, page):
    from flask_babel import force_locale, ngettext

    user = make_user("applicant")
    for _n in range(5):
        _password(page, live_server, user, "not my password")
    message = page.locator(".flash.error").inner_text()
    with app.test_request_context(), force_locale("ru"):
        expected = ngettext("Too many failed log-ins for this account or from this network. "
                            "Try again in %(num)d second.",
                            "Too many failed log-ins for this account or from this network. "
                            "Try again in %(num)d seconds.", 2)
    assert message == expected  # the 6th attempt from here waits 2 s, then 4, 8 …
    _password(page, live_server, user)  # even the right one, for those seconds
    assert "/login" in page.url
