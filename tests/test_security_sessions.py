"""Issue 15, findings 5, 8 and 14 (one code, four sessions): setting up a second factor needs
a one-time link e-mailed to the account (the password alone is not enough), a pending secret
belongs to one browser and dies with the confirmation, a TOTP code is accepted once even by
concurrent sessions, and log-ins are ended on the server (log-out, password reset, "log out
everywhere", deactivation), so that a copied cookie stops working."""

from __future__ import annotations

import re
import threading
import time
from datetime import timedelta
from urllib.parse import urlsplit

import pyotp
import pytest
from sqlalchemy import select, update

from gms.cli import main
from gms.extensions import db
from gms.models import AuditEntry, OutboxMessage, TwoFactorEnrolment, User, UserSession
from gms.services import signed_links, two_factor
from gms.timeutil import utcnow

REQUIRED = ["staff", "commission", "finance", "admin"]
pytestmark = pytest.mark.gms_config(TWO_FACTOR_ROLES=REQUIRED, BABEL_DEFAULT_LOCALE="en")


def _password_step(client, user) -> None:
    r = client.post("/login", data={"email": user.email, "password": user.plain_password})
    assert r.status_code == 302, r.get_data(as_text=True)[:1000]


def _links(app, user) -> list[str]:
    """The paths of the set-up links e-mailed to ``user``, oldest first."""
    with app.app_context():
        bodies = db.session.scalars(select(OutboxMessage.body).where(
            OutboxMessage.recipient == user.email).order_by(OutboxMessage.id)).all()
    return [urlsplit(m.group(0)).path for body in bodies
            for m in [re.search(r"http\S+/two-factor/enrol/\S+", body)] if m]


def _secret(page: str) -> str | None:
    found = re.search(r'id="totp-secret">([A-Z2-7]+)<', page)
    return found.group(1) if found else None


def _claim(client, path: str) -> str:
    """Open a set-up link in ``client``: the secret its set-up page shows."""
    assert client.get(path).status_code == 200  # a look (a mail scanner) uses nothing up
    r = client.post(path)
    assert r.status_code == 302 and r.headers["Location"].endswith("/two-factor/setup")
    secret = _secret(client.get("/two-factor/setup").get_data(as_text=True))
    assert secret
    return secret


def _enrolled(app, make_user, role="staff") -> tuple[User, str]:
    """A user of ``role`` with a confirmed authenticator; returns it and the secret."""
    secret = pyotp.random_base32()
    return make_user(role, totp_secret=secret, totp_confirmed_at=utcnow()), secret


def _actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


# ------------------------------------------------------ finding 5: who may set up the factor


def test_the_password_alone_cannot_set_up_a_second_factor(app, make_user):
    """Someone who knows the password (not the mailbox) gets no secret and cannot enrol;
    the owner sets it up from the e-mailed link."""
    staff = make_user("staff")
    attacker = app.test_client()
    _password_step(attacker, staff)
    page = attacker.get("/login/two-factor").get_data(as_text=True)
    assert "We sent you a link to set up your second factor" in page
    assert "<svg" not in page and _secret(page) is None
    # a code posted here sets up nothing (it asks for the link again); the set-up page is
    # not theirs
    attacker.post("/login/two-factor", data={"code": "123456"})
    assert attacker.get("/two-factor/setup").status_code == 302
    assert attacker.get("/staff/").status_code == 302
    with app.app_context():
        assert db.session.get(User, staff.id).totp_secret is None  # nothing on the user row

    owner = app.test_client()
    _password_step(owner, staff)
    owner.get("/login/two-factor")
    links = _links(app, staff)
    assert len(links) == 3  # each to the account's address, none to the attacker
    secret = _claim(owner, links[-1])
    # the owner's pending secret is seen by the owner's browser only
    for url in ("/login/two-factor", "/two-factor/setup", links[-1]):
        assert secret not in attacker.get(url).get_data(as_text=True)
    assert attacker.post(links[-1]).status_code == 200  # used: refused
    assert "<svg" not in attacker.get("/two-factor/setup").get_data(as_text=True)
    r = owner.post("/two-factor/setup", data={"code": pyotp.TOTP(secret).now()})
    assert len(re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", r.get_data(as_text=True))) \
        == 10
    assert owner.get("/staff/").status_code == 200  # the same browser passed the password
    with app.app_context():
        user = db.session.get(User, staff.id)
        assert user.has_two_factor and user.totp_secret == secret
    assert {"user.two_factor_link_sent", "user.two_factor_link_used",
            "user.two_factor_enabled"} <= set(_actions(app))


def test_a_pending_secret_is_useless_once_another_is_confirmed(app, make_user):
    staff = make_user("commission")
    first, second = app.test_client(), app.test_client()
    _password_step(first, staff)
    first.get("/login/two-factor")
    first.post("/login/two-factor")  # "send the link again"
    old_link, new_link = _links(app, staff)
    old_secret = _claim(second, old_link)  # e.g. opened on another computer
    new_secret = _claim(first, new_link)
    assert old_secret != new_secret
    r = first.post("/two-factor/setup", data={"code": pyotp.TOTP(new_secret).now()})
    assert r.status_code == 200 and "recovery-codes" in r.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(TwoFactorEnrolment)).all() == []
    # the other browser's pending secret confirms nothing and logs nobody in
    later = time.time() + 30
    r = second.post("/two-factor/setup", data={"code": pyotp.TOTP(old_secret).at(later)})
    assert r.status_code == 302 and "/login" in r.headers["Location"]
    third = app.test_client()
    _password_step(third, staff)
    r = third.post("/login/two-factor", data={"code": pyotp.TOTP(old_secret).at(later)})
    assert r.status_code == 401 and third.get("/review/").status_code == 302
    r = third.post("/login/two-factor", data={"code": pyotp.TOTP(new_secret).at(later)})
    assert r.status_code == 302 and third.get("/review/").status_code == 200


def test_a_link_works_once_and_expires(app, make_user):
    staff = make_user("finance")
    client = app.test_client()
    _password_step(client, staff)
    client.get("/login/two-factor")
    (path,) = _links(app, staff)
    assert "Set up an authenticator app" in client.get(path).get_data(as_text=True)
    _claim(client, path)
    page = app.test_client().post(path).get_data(as_text=True)
    assert "not valid, or it was used already" in page
    assert "not valid" in app.test_client().get(path[:-3] + "abc").get_data(as_text=True)
    # a new link, expired
    client = app.test_client()
    _password_step(client, staff)
    client.get("/login/two-factor")
    path = _links(app, staff)[-1]
    with app.app_context():
        db.session.execute(update(TwoFactorEnrolment).values(
            expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    assert "expired" in client.post(path).get_data(as_text=True)
    assert client.get("/two-factor/setup").status_code == 302


@pytest.mark.gms_config(TWO_FACTOR_LINKS_PER_HOUR=3)
def test_the_link_can_be_sent_again_a_few_times_an_hour(app, make_user):
    staff = make_user("staff")
    client = app.test_client()
    _password_step(client, staff)
    client.get("/login/two-factor")
    client.get("/login/two-factor")  # reloading the page sends nothing more
    assert len(_links(app, staff)) == 1
    for _n in range(2):
        r = client.post("/login/two-factor", follow_redirects=True)
        assert "We sent you a new link" in r.get_data(as_text=True)
    r = client.post("/login/two-factor")
    assert r.status_code == 429 and "several links in the last hour" in r.get_data(as_text=True)
    assert len(_links(app, staff)) == 3


def test_an_operator_issues_a_link_and_a_reset_sends_one(app, runner, make_user):
    staff = make_user("staff")
    result = runner.invoke(main, ["users", "two-factor-link", staff.email, "--show"])
    assert result.exit_code == 0, result.output
    printed = urlsplit(re.search(r"http\S+", result.output).group(0)).path
    assert _links(app, staff) == [printed]
    client = app.test_client()
    secret = _claim(client, printed)
    r = client.post("/two-factor/setup", data={"code": pyotp.TOTP(secret).now()})
    assert r.status_code == 200  # the recovery codes; then log in as usual
    assert client.get("/staff/").status_code == 302
    # enrolled: no link any more
    result = runner.invoke(main, ["users", "two-factor-link", staff.email])
    assert result.exit_code == 1 and "already set up" in result.output
    # reset (phone lost): the log-ins end, a new link goes out
    phone = app.test_client()
    _password_step(phone, staff)
    assert phone.post("/login/two-factor", data={
        "code": pyotp.TOTP(secret).at(time.time() + 30)}).status_code == 302
    assert phone.get("/staff/").status_code == 200
    result = runner.invoke(main, ["users", "reset-two-factor", staff.email, "--reason", "lost"])
    assert result.exit_code == 0, result.output
    assert phone.get("/staff/").status_code == 302
    assert len(_links(app, staff)) == 2


def test_enrolling_from_the_security_page_keeps_the_secret_to_that_browser(app, make_user,
                                                                           login):
    applicant = make_user("applicant")
    mine, other = app.test_client(), app.test_client()
    login(mine, applicant)
    login(other, applicant)
    secret = _secret(mine.get("/account/security").get_data(as_text=True))
    assert secret and secret == _secret(mine.get("/account/security").get_data(as_text=True))
    assert secret not in other.get("/account/security").get_data(as_text=True)
    mine.post("/account/security", data={"code": pyotp.TOTP(secret).now()})
    with app.app_context():
        assert db.session.get(User, applicant.id).totp_secret == secret
        assert db.session.scalars(select(TwoFactorEnrolment)).all() == []
    # the other browser's (older) pending secret is gone with the confirmation
    assert "<svg" not in other.get("/account/security").get_data(as_text=True)


# ------------------------------------------------------- finding 14: a code is accepted once


def test_one_code_is_accepted_by_one_session_only(app, make_user):
    staff, secret = _enrolled(app, make_user)
    clients = [app.test_client() for _n in range(4)]
    for client in clients:
        _password_step(client, staff)
    code = pyotp.TOTP(secret).now()
    statuses = [c.post("/login/two-factor", data={"code": code}).status_code for c in clients]
    assert statuses == [302, 401, 401, 401]


def test_sessions_that_read_the_user_at_once_cannot_both_use_a_code(app, make_user):
    """The race itself: both sessions loaded the user before either used the code (the
    check in Python passed for both); only one UPDATE of the last step succeeds."""
    staff, secret = _enrolled(app, make_user)
    code = pyotp.TOTP(secret).now()
    with app.app_context():
        stale = db.session.get(User, staff.id)
        assert two_factor._matching_step(stale, code) is not None
        with app.app_context():  # another request, its own database session
            assert two_factor.verify(db.session.get(User, staff.id), code) == "totp"
        assert two_factor.verify(stale, code) is None


def test_a_recovery_code_is_used_once_even_by_a_stale_session(app, make_user):
    staff, _secret = _enrolled(app, make_user)
    with app.app_context():
        user = db.session.get(User, staff.id)
        codes = two_factor.regenerate_recovery_codes(
            user, pyotp.TOTP(user.totp_secret).at(time.time() + 30))
        stale = db.session.get(User, staff.id)
        with app.app_context():
            assert two_factor.verify(db.session.get(User, staff.id), codes[0]) == "recovery"
        assert two_factor.verify(stale, codes[0]) is None


@pytest.mark.services
def test_four_concurrent_sessions_one_code(app, make_user):
    """PostgreSQL, four threads posting the same code at the same moment: one log-in."""
    staff, secret = _enrolled(app, make_user)
    clients = [app.test_client() for _n in range(4)]
    for client in clients:
        _password_step(client, staff)
    code = pyotp.TOTP(secret).now()
    barrier, statuses = threading.Barrier(4), []

    def send(client):
        barrier.wait()
        statuses.append(client.post("/login/two-factor", data={"code": code}).status_code)

    threads = [threading.Thread(target=send, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [302, 401, 401, 401]


# ---------------------------------------------------- finding 8: log-ins end on the server


def _copy(client, app):
    """Another browser holding a copy of ``client``'s session cookie."""
    thief = app.test_client()
    cookie = client.get_cookie("session")
    assert cookie is not None
    thief.set_cookie("session", cookie.value)
    return thief


def test_a_cookie_copied_before_log_out_is_refused_after(app, make_user, login):
    user = make_user("applicant")
    client = app.test_client()
    login(client, user)
    thief = _copy(client, app)
    assert thief.get("/my").status_code == 200  # a copy works while the log-in lasts
    client.post("/logout")
    r = thief.get("/my")
    assert r.status_code == 302 and "/login" in r.headers["Location"]
    with app.app_context():
        assert db.session.scalars(select(UserSession)).all() == []


def test_a_cookie_copied_before_a_password_reset_is_refused_after(app, make_user, login):

    user = make_user("applicant")
    client = app.test_client()
    login(client, user)
    thief = _copy(client, app)
    with app.test_request_context():
        token = signed_links.sign("password-reset",
            {"id": user.id, "h": db.session.get(User, user.id).password_hash[-12:]})
    r = app.test_client().post(f"/reset/{token}", data={"password": "a new password",
                                                        "confirm": "a new password"})
    assert r.status_code == 302
    assert thief.get("/my").status_code == 302
    assert client.get("/my").status_code == 302  # the owner logs in again too


def test_log_out_everywhere_ends_every_log_in(app, make_user):
    staff, secret = _enrolled(app, make_user)
    laptop, phone = app.test_client(), app.test_client()
    for client, step in ((laptop, 0), (phone, 1)):
        _password_step(client, staff)
        r = client.post("/login/two-factor", data={
            "code": pyotp.TOTP(secret).at(time.time() + 30 * step)})
        assert r.status_code == 302
    thief = _copy(laptop, app)
    assert thief.get("/staff/").status_code == 200
    page = laptop.get("/account/security").get_data(as_text=True)
    assert "Log out everywhere" in page and "logged in on 2 browsers" in page
    r = laptop.post("/account/log-out-everywhere")
    assert r.status_code == 302 and r.headers["Location"].endswith("/login")
    for client in (laptop, phone, thief):
        assert client.get("/staff/").status_code == 302
    assert "user.logged_out_everywhere" in _actions(app)
    with app.app_context():
        assert db.session.scalars(select(UserSession)).all() == []


def test_a_blocked_account_stays_logged_out_when_unblocked(app, runner, make_user, login):
    user = make_user("applicant")
    client = app.test_client()
    login(client, user)
    assert runner.invoke(main, ["users", "block", user.email]).exit_code == 0
    assert runner.invoke(main, ["users", "block", "--unblock", user.email]).exit_code == 0
    assert client.get("/my").status_code == 302


def test_a_log_in_ends_on_the_server_after_the_session_lifetime(app, make_user, login):
    user = make_user("applicant")
    client = app.test_client()
    login(client, user)
    with app.app_context():
        db.session.execute(update(UserSession).values(
            created_at=utcnow() - app.permanent_session_lifetime - timedelta(seconds=1)))
        db.session.commit()
    assert client.get("/my").status_code == 302


@pytest.mark.gms_config(SESSION_LAST_SEEN_EVERY=60)
def test_last_seen_is_noted_sparingly_and_costs_no_query_otherwise(app, make_user, login,
                                                                   query_counter):
    user = make_user("applicant")
    client = app.test_client()
    login(client, user)
    client.get("/my")
    with query_counter() as fresh:
        assert client.get("/my").status_code == 200
    with app.app_context():
        db.session.execute(update(UserSession).values(
            last_seen_at=utcnow() - timedelta(minutes=5)))
        db.session.commit()
    with query_counter() as stale:
        assert client.get("/my").status_code == 200
    assert stale.count == fresh.count + 1  # the one UPDATE of last_seen_at
    with app.app_context():
        (row,) = db.session.scalars(select(UserSession)).all()
        assert utcnow() - row.last_seen_at < timedelta(minutes=1)
