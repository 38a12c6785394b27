"""Two-factor log-in (TOTP + recovery codes) and the limit on failed log-ins."""

from __future__ import annotations

import re
import time
import uuid

import pyotp
import pytest
from sqlalchemy import select

from gms.extensions import db
from gms.models import AuditEntry, User
from gms.services import signed_links, two_factor

REQUIRED = ["staff", "commission", "finance", "admin"]
pytestmark = pytest.mark.gms_config(TWO_FACTOR_ROLES=REQUIRED, BABEL_DEFAULT_LOCALE="en")


def _password_step(client, user, expect=302):
    r = client.post("/login", data={"email": user.email, "password": user.plain_password})
    assert r.status_code == expect, r.get_data(as_text=True)[:2000]
    return r


def _enrolment_path(app, user) -> str:
    """The path of the newest set-up link e-mailed to ``user``."""
    from urllib.parse import urlsplit

    from gms.models import OutboxMessage

    with app.app_context():
        body = db.session.scalars(select(OutboxMessage.body).where(
            OutboxMessage.recipient == user.email).order_by(OutboxMessage.id.desc())).first()
    return urlsplit(re.search(r"http\S+/two-factor/enrol/\S+", body).group(0)).path


def _secret_on_page(client, user=None) -> str:
    """Open the e-mailed set-up link (after the password step, which sends it) in
    ``client``; the secret that the set-up page then shows."""
    if user is not None:
        page = client.get("/login/two-factor").get_data(as_text=True)
        assert "<svg" not in page and "We sent you a link" in page
        assert client.post(_enrolment_path(client.application, user)).status_code == 302
    page = client.get("/two-factor/setup").get_data(as_text=True)
    assert "<svg" in page  # the QR code, inline
    return re.search(r'id="totp-secret">([A-Z2-7]+)<', page).group(1)


def _enrol(client, user) -> tuple[str, list[str]]:
    r = _password_step(client, user)
    assert r.headers["Location"].endswith("/login/two-factor")
    secret = _secret_on_page(client, user)
    r = client.post("/two-factor/setup", data={"code": pyotp.TOTP(secret).now()})
    assert r.status_code == 200
    codes = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", r.get_data(as_text=True))
    return secret, codes


def _actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_staff_must_set_up_a_second_factor_at_first_log_in(app, client, make_user):
    staff = make_user("staff")
    r = _password_step(client, staff)
    assert r.headers["Location"].endswith("/login/two-factor")
    # the password alone opens nothing
    assert client.get("/staff/").status_code == 302
    secret = _secret_on_page(client, staff)
    r = client.post("/two-factor/setup", data={"code": "000000"})
    assert r.status_code == 200 and "That code is not right" in r.get_data(as_text=True)
    assert client.get("/staff/").status_code == 302
    r = client.post("/two-factor/setup", data={"code": pyotp.TOTP(secret).now()})
    codes = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", r.get_data(as_text=True))
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get("/staff/").status_code == 200
    assert {"user.two_factor_enabled", "user.login"} <= set(_actions(app))
    with app.app_context():
        user = db.session.get(User, staff.id)
        assert user.has_two_factor and user.totp_secret == secret


def test_later_log_ins_need_a_fresh_code_and_a_code_works_once(app, make_user):
    staff = make_user("staff")
    secret, _codes = _enrol(app.test_client(), staff)
    client = app.test_client()
    _password_step(client, staff)
    page = client.get("/login/two-factor").get_data(as_text=True)
    assert "<svg" not in page  # enrolled: no new QR code to steal
    with app.app_context():  # the time step the enrolment's code used (the clock may have
        step = db.session.get(User, staff.id).totp_last_step  # moved on to the next since)
    # the enrolment already used that step's code: it is not accepted a second time
    r = client.post("/login/two-factor", data={"code": pyotp.TOTP(secret).at(step * 30)})
    assert r.status_code == 401
    # the next period's code (clock drift of one step is allowed) logs in
    r = client.post("/login/two-factor",
                    data={"code": pyotp.TOTP(secret).at(max(step + 1, time.time() // 30) * 30)})
    assert r.status_code == 302 and client.get("/staff/").status_code == 200


def test_a_recovery_code_replaces_the_phone_once(app, make_user):
    staff = make_user("finance")
    _secret, codes = _enrol(app.test_client(), staff)
    client = app.test_client()
    _password_step(client, staff)
    r = client.post("/login/two-factor", data={"code": codes[3].upper()},
                    follow_redirects=True)
    assert "You used a recovery code: 9 left" in r.get_data(as_text=True)
    other = app.test_client()
    _password_step(other, staff)
    assert other.post("/login/two-factor", data={"code": codes[3]}).status_code == 401
    assert "user.recovery_code_used" in _actions(app)


def test_recovery_codes_can_be_renewed_and_the_old_ones_stop_working(app, make_user):
    staff = make_user("staff")
    secret, old = _enrol(client := app.test_client(), staff)
    r = client.post("/account/security",
                    data={"code": pyotp.TOTP(secret).at(time.time() + 30), "action": "codes"})
    new = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", r.get_data(as_text=True))
    assert len(new) == 10 and not set(new) & set(old)
    other = app.test_client()
    _password_step(other, staff)
    assert other.post("/login/two-factor", data={"code": old[0]}).status_code == 401
    assert other.post("/login/two-factor", data={"code": new[0]}).status_code == 302


def test_staff_cannot_switch_it_off_but_an_applicant_may_choose_it(app, make_user):
    staff = make_user("staff")
    secret, _codes = _enrol(client := app.test_client(), staff)
    page = client.get("/account/security").get_data(as_text=True)
    assert "Your role requires two-factor log-in" in page and 'value="disable"' not in page
    r = client.post("/account/security", follow_redirects=True, data={
        "code": pyotp.TOTP(secret).at(time.time() + 30), "action": "disable"})
    assert "Your role requires two-factor log-in" in r.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, staff.id).has_two_factor

    applicant = make_user("applicant")
    client = app.test_client()
    r = _password_step(client, applicant)
    assert "/login/two-factor" not in r.headers["Location"]  # not required for applicants
    page = client.get("/account/security").get_data(as_text=True)
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page).group(1)
    client.post("/account/security", data={"code": pyotp.TOTP(secret).now()})
    assert client.get("/my").status_code == 200  # still logged in
    other = app.test_client()
    r = _password_step(other, applicant)
    assert r.headers["Location"].endswith("/login/two-factor")  # chosen: now required
    r = client.post("/account/security", data={
        "code": pyotp.TOTP(secret).at(time.time() + 30), "action": "disable"})
    with app.app_context():
        assert not db.session.get(User, applicant.id).has_two_factor
    assert "user.two_factor_disabled" in _actions(app)


def test_a_log_in_without_the_second_factor_does_not_count(app, client, make_user):
    """A session from before the role required it (or forged without the flag) is ended."""
    staff = make_user("staff")
    with client.session_transaction() as session:
        session["_user_id"] = str(staff.id)
        session["_fresh"] = True
    r = client.get("/staff/")
    assert r.status_code == 302 and "/login" in r.headers["Location"]
    assert client.get("/staff/").status_code == 302  # and it stays logged out


def test_the_password_step_expires(app, client, make_user):
    staff = make_user("staff")
    _password_step(client, staff)
    with client.session_transaction() as session:
        session["pending_at"] -= 11 * 60
    r = client.get("/login/two-factor")
    assert r.status_code == 302 and r.headers["Location"].endswith("/login")


def test_codes_by_time_step():
    user = User(totp_secret=pyotp.random_base32(), totp_last_step=None)
    now = 1_800_000_000.0
    totp = pyotp.TOTP(user.totp_secret)
    assert two_factor._matching_step(user, totp.at(now), now) == int(now // 30)
    assert two_factor._matching_step(user, totp.at(now - 30), now) == int(now // 30) - 1
    assert two_factor._matching_step(user, totp.at(now - 90), now) is None  # too old
    assert two_factor._matching_step(user, " ".join(totp.at(now)), now) is not None
    assert two_factor._matching_step(user, "abcdef", now) is None
    user.totp_last_step = int(now // 30)
    assert two_factor._matching_step(user, totp.at(now), now) is None  # used already


# ------------------------------------------------------------------ failed log-in limits


def test_after_five_wrong_passwords_this_address_waits_for_this_account(app, client,
                                                                         make_user):
    user = make_user("applicant")
    for _n in range(4):
        r = client.post("/login", data={"email": user.email, "password": "wrong password!"})
        assert r.status_code == 401 and "Wrong e-mail or password" in r.get_data(as_text=True)
    r = client.post("/login", data={"email": user.email, "password": "wrong password!"})
    assert r.status_code == 429
    assert "Too many failed log-ins" in r.get_data(as_text=True)
    # now even the right password is refused from here, with the wait (a few seconds, which
    # double with each further failure; tests/test_security_web.py has the rest)
    r = client.post("/login", data={"email": user.email.upper(),
                                    "password": user.plain_password})
    assert r.status_code == 429 and "Try again in" in r.get_data(as_text=True)
    assert "user.login_refused" in _actions(app)
    # another account from the same address is not locked
    other = make_user("applicant")
    assert client.post("/login", data={"email": other.email,
                                       "password": other.plain_password}).status_code == 302


@pytest.mark.gms_config(LOGIN_FREE_FAILURES_PER_ADDRESS=3)
def test_one_address_guessing_many_accounts_is_slowed_down(app, client, make_user):
    for _n in range(3):
        client.post("/login", data={"email": f"{uuid.uuid4().hex}@x.kg", "password": "guess"})
    user = make_user("applicant")
    r = client.post("/login", data={"email": user.email, "password": user.plain_password})
    assert r.status_code == 429


def test_wrong_second_factor_codes_count_as_failed_log_ins(app, make_user):
    staff = make_user("staff")
    _enrol(app.test_client(), staff)
    client = app.test_client()
    _password_step(client, staff)
    statuses = [client.post("/login/two-factor", data={"code": f"{n:06d}"}).status_code
                for n in range(5)]
    assert statuses == [401, 401, 401, 401, 429]


def test_a_password_reset_lifts_the_lock(app, client, make_user):
    from gms.services import throttle

    user = make_user("applicant")
    for _n in range(5):
        client.post("/login", data={"email": user.email, "password": "wrong password!"})
    with app.test_request_context():
        assert throttle.login_refused(user.email, "127.0.0.1") is not None
        token = signed_links.sign("password-reset",
            {"id": user.id, "h": db.session.get(User, user.id).password_hash[-12:]})
    r = client.post(f"/reset/{token}", data={"password": "a new password", "confirm":
                                             "a new password"})
    assert r.status_code == 302
    assert client.post("/login", data={"email": user.email,
                                       "password": "a new password"}).status_code == 302


@pytest.mark.services
def test_failures_are_shared_by_all_workers_through_redis(make_app, make_user):
    """Two app instances (two gunicorn workers) share the counters in Redis."""
    from gms.testing.support import broker_url

    prefix = f"test-{uuid.uuid4().hex}"
    config = {"RATELIMIT_STORAGE_URI": broker_url(), "RATELIMIT_KEY_PREFIX": prefix}
    first, second = make_app(config), make_app(config)
    user = make_user("applicant")
    for _n in range(5):
        first.test_client().post("/login", data={"email": user.email, "password": "wrong!!"})
    r = second.test_client().post("/login", data={"email": user.email,
                                                  "password": user.plain_password})
    assert r.status_code == 429


def test_reset_e_mails_are_limited_per_account(app, client, make_user):
    from gms.models import OutboxMessage
    from gms.services import throttle

    user = make_user("applicant")
    with app.test_request_context():
        assert [throttle.reset_allowed(user.email.upper()) for _n in range(4)] == [
            True, True, True, False]
    r = client.post("/reset", data={"email": user.email})
    assert r.status_code == 302  # the same answer as ever, but nothing is sent
    with app.app_context():
        assert db.session.scalars(select(OutboxMessage)).all() == []
    other = make_user("applicant")
    client.post("/reset", data={"email": other.email})  # another account is not affected
    with app.app_context():
        assert len(db.session.scalars(select(OutboxMessage)).all()) == 1
