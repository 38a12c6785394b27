"""Issue 15, findings 2, 7, 13 and two of 14: links from the configured base address only
(never the Host header) and foreign hosts refused; no open redirect after log-in or after
the second factor; log-in and reset without a 500 when Redis is down; failed log-ins that
slow the guesser down without locking the owner out; no-store on signed-in pages; a pinned
lock file of the dependencies."""

from __future__ import annotations

import importlib.util
import re
import tomllib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pyotp
import pytest
from flask import url_for
from sqlalchemy import select

from gms.extensions import db
from gms.models import AuditEntry, OutboxMessage, User

ROOT = Path(__file__).resolve().parents[1]
BASE = "https://grants.example.kg"
ATTACKER = {"REMOTE_ADDR": "203.0.113.5"}
OWNER = {"REMOTE_ADDR": "198.51.100.7"}
pytestmark = pytest.mark.gms_config(BABEL_DEFAULT_LOCALE="en")


def _outbox(app) -> list[OutboxMessage]:
    with app.app_context():
        return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def _client(app, environ: dict):
    """A test client whose requests come from the address in ``environ``."""
    client = app.test_client()
    client.environ_base.update(environ)
    return client


def _wrong(client, user, expect=None):
    r = client.post("/login", data={"email": user.email, "password": "not the password"})
    if expect is not None:
        assert r.status_code == expect, r.get_data(as_text=True)[:500]
    return r


def _right(client, user):
    return client.post("/login", data={"email": user.email, "password": user.plain_password})


# ------------------------------------------------------- finding 2: links from BASE_URL


@pytest.mark.gms_config(BASE_URL=BASE)
def test_reset_link_uses_the_base_url_not_the_host_header(app, client, make_user):
    user = make_user("applicant")
    r = client.post("/reset", data={"email": user.email}, headers={"Host": "evil.example"})
    assert r.status_code == 302
    (mail,) = _outbox(app)
    links = re.findall(r"\S+/reset/\S+", mail.body)
    assert links and all(link.startswith(BASE + "/reset/") for link in links), mail.body
    assert "evil.example" not in mail.body


def test_without_a_configured_base_url_tests_use_localhost_not_the_host(app, client,
                                                                        make_user):
    user = make_user("applicant")
    client.post("/reset", data={"email": user.email}, headers={"Host": "evil.example"})
    (mail,) = _outbox(app)
    assert "http://localhost/reset/" in mail.body and "evil.example" not in mail.body


@pytest.mark.gms_config(BASE_URL=BASE + "/")
def test_external_urls_in_a_request_and_outside_one_start_with_base_url(app):
    with app.test_request_context("/", base_url="http://evil.example"):
        assert url_for("auth.login", _external=True) == BASE + "/login"
        assert url_for("auth.login") == "/login"  # links inside the site stay relative
        assert url_for("auth.login", _external=True, _scheme="http") == \
            "http://grants.example.kg/login"
    with app.app_context():  # a Celery task, a gms command
        assert url_for("auth.login") == BASE + "/login"
        assert url_for("auth.reset_password", token="t", _anchor="x") == \
            BASE + "/reset/t#x"


@pytest.mark.gms_config(BASE_URL=BASE, TRUSTED_HOSTS=["grants.example.kg"])
def test_a_foreign_host_gets_400_not_a_page(app, client):
    for host in ("evil.example", "grants.example.kg.evil.example"):
        r = client.get("/login", headers={"Host": host})
        assert r.status_code == 400, host
        assert "evil.example" not in r.get_data(as_text=True)
        r = client.post("/reset", data={"email": "x@example.org"}, headers={"Host": host})
        assert r.status_code == 400
    assert _outbox(app) == []
    assert client.get("/login", headers={"Host": "grants.example.kg"}).status_code == 200


def _production_env(monkeypatch):
    monkeypatch.setenv("GMS_DATABASE_URL", "postgresql://gms@db.example.org:5432/gms")
    monkeypatch.setenv("GMS_BROKER_URL", "redis://127.0.0.1:6379/9")
    monkeypatch.setenv("GMS_SECRET_KEY", "s" * 64)
    monkeypatch.setenv("GMS_AUDIT_HMAC_KEY", "a" * 64)


def test_production_needs_base_url_and_trusts_only_its_host(make_app, monkeypatch):
    _production_env(monkeypatch)
    with pytest.raises(RuntimeError, match="BASE_URL must be set in production"):
        make_app({"PLUGINS": []}, test_defaults=False)
    monkeypatch.setenv("GMS_BASE_URL", "ftp://grants.example.kg")
    with pytest.raises(RuntimeError, match="BASE_URL must be an address"):
        make_app({"PLUGINS": []}, test_defaults=False)
    monkeypatch.setenv("GMS_BASE_URL", BASE)
    app = make_app({"PLUGINS": []}, test_defaults=False)
    assert app.config["TRUSTED_HOSTS"] == ["grants.example.kg"]
    client = app.test_client()
    assert client.get("/static/nothing", headers={"Host": "evil.example"}).status_code == 400


# ------------------------------------------------------- finding 7: no open redirect

HOSTILE_NEXT = ["/%09/evil.example", "/%5Cevil.example", "/%5C%5Cevil.example",
                "/%0D%0A/x", "/%0D%0ALocation:%20https://evil.example", "https://evil.example",
                "//evil.example", "/%2F/evil.example", "/%252F%252Fevil.example",
                "%09//evil.example", "/\\evil.example", "javascript:alert(1)"]


def _assert_local(location: str) -> None:
    parts = urlsplit(location)
    assert not parts.scheme and not parts.netloc, location
    assert location.startswith("/") and not location.startswith("//"), location
    assert not any(c in location for c in "\\\t\r\n"), location


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_next_after_log_in_stays_on_the_site(client, make_user, target):
    user = make_user("applicant")
    r = client.post("/login?next=" + target, data={"email": user.email,
                                                   "password": user.plain_password})
    assert r.status_code == 302, r.status_code
    _assert_local(r.headers["Location"])
    assert "evil" not in r.headers["Location"]


def test_a_local_next_is_kept(client, make_user):
    user = make_user("applicant")
    r = client.post("/login?next=/account/security%3Ftab%3D1", data={
        "email": user.email, "password": user.plain_password})
    assert r.headers["Location"] == "/account/security?tab=1"


def _enrolled_staff(app, make_user) -> tuple[User, str]:
    secret = pyotp.random_base32()
    staff = make_user("staff", totp_secret=secret,
                      totp_confirmed_at=datetime.now(UTC) - timedelta(days=1))
    return staff, secret


@pytest.mark.gms_config(TWO_FACTOR_ROLES=["staff"])
@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_next_after_the_second_factor_stays_on_the_site(app, make_user, target):
    staff, secret = _enrolled_staff(app, make_user)
    # the next of the password step, kept in the session for the second factor
    client = app.test_client()
    r = client.post("/login?next=" + target, data={"email": staff.email,
                                                   "password": staff.plain_password})
    assert r.status_code == 302 and r.headers["Location"].endswith("/login/two-factor")
    r = client.post("/login/two-factor", data={"code": pyotp.TOTP(secret).now()})
    assert r.status_code == 302, r.get_data(as_text=True)[:300]
    _assert_local(r.headers["Location"])
    assert "evil" not in r.headers["Location"]


@pytest.mark.gms_config(TWO_FACTOR_ROLES=["staff"])
@pytest.mark.parametrize("target", ["/%09/evil.example", "/%0D%0A/x", "https://evil.example"])
def test_next_on_the_second_factor_page_itself_stays_on_the_site(app, make_user, target):
    staff, secret = _enrolled_staff(app, make_user)
    client = app.test_client()
    r = client.post("/login", data={"email": staff.email, "password": staff.plain_password})
    assert r.status_code == 302
    r = client.post("/login/two-factor?next=" + target,
                    data={"code": pyotp.TOTP(secret).now()})
    assert r.status_code == 302
    _assert_local(r.headers["Location"])


@pytest.mark.gms_config(TWO_FACTOR_ROLES=["staff"])
def test_a_forged_pending_next_in_the_session_is_not_followed(app, make_user):
    staff, secret = _enrolled_staff(app, make_user)
    client = app.test_client()
    client.post("/login", data={"email": staff.email, "password": staff.plain_password})
    with client.session_transaction() as session:
        session["pending_next"] = "/\t/evil.example"
    r = client.post("/login/two-factor", data={"code": pyotp.TOTP(secret).now()})
    assert r.status_code == 302
    _assert_local(r.headers["Location"])


# ------------------------------------------------------- finding 13: Redis down, delays

DEAD_REDIS = "redis://127.0.0.1:9/0"  # nothing listens on the discard port


@pytest.mark.gms_config(RATELIMIT_STORAGE_URI=DEAD_REDIS)
def test_with_redis_down_log_in_and_reset_answer_without_a_500(app, client, make_user):
    user = make_user("applicant")
    r = _wrong(client, user, expect=401)
    assert "Wrong e-mail or password." in r.get_data(as_text=True)
    r = _right(client, user)
    assert r.status_code == 302
    r = client.post("/reset", data={"email": user.email}, follow_redirects=True)
    assert r.status_code == 200
    assert "If this address has an account, we have sent it a link." in r.get_data(
        as_text=True)
    assert len(_outbox(app)) == 1
    # the limits hold meanwhile, counted in this process
    guesser = app.test_client()
    statuses = [_wrong(guesser, user).status_code for _n in range(6)]
    assert statuses == [401, 401, 401, 401, 429, 429]


@pytest.mark.gms_config(RATELIMIT_STORAGE_URI=DEAD_REDIS)
def test_with_redis_down_the_failure_is_logged_once_then_redis_is_left_alone(
        app, make_user, caplog):
    from gms.services import throttle

    storage = app.extensions["gms.throttle"].storage
    assert isinstance(storage, throttle.FailSafeStorage)
    user = make_user("applicant")
    client = app.test_client()
    for _n in range(3):
        _wrong(client, user, expect=401)
    errors = [r for r in caplog.records if r.name == "gms.services.throttle"]
    assert len(errors) == 1 and "unreachable" in errors[0].getMessage()


def test_failures_from_one_address_do_not_keep_the_owner_out(app, make_user):
    user = make_user("applicant")
    guesser = _client(app, ATTACKER)
    statuses = [_wrong(guesser, user).status_code for _n in range(8)]
    assert statuses == [401, 401, 401, 401, 429, 429, 429, 429]
    r = _right(guesser, user)  # the guesser waits, even with the right password
    assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1
    assert "Too many failed log-ins" in r.get_data(as_text=True)
    owner = _client(app, OWNER)
    assert _right(owner, user).status_code == 302
    with app.app_context():
        actions = db.session.scalars(select(AuditEntry.action)).all()
    assert "user.login_refused" in actions


def test_delays_double_and_are_capped(app, make_user):
    from gms.services import throttle

    user = make_user("applicant")
    waits = []
    with app.test_request_context():
        for _n in range(16):
            refusal = throttle.login_failed(user.email, ATTACKER["REMOTE_ADDR"])
            waits.append(None if refusal is None else round(
                (refusal.until - datetime.now(UTC)).total_seconds()))
        assert throttle.login_refused(user.email, OWNER["REMOTE_ADDR"]) is None
    assert waits == [None] * 4 + [2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900, 900]


@pytest.mark.gms_config(LOGIN_FREE_FAILURES_PER_ACCOUNT=6)
def test_a_spread_out_attack_slows_every_failing_address_but_not_the_owner(app, make_user):
    from gms.services import throttle

    user = make_user("applicant")
    with app.test_request_context():
        results = [throttle.login_failed(user.email, f"192.0.2.{n}") for n in range(1, 9)]
        # the account's allowance is used up at the 6th failure: from then on each address
        # that fails waits, after one failure
        assert [r is None for r in results] == [True] * 5 + [False] * 3
        assert throttle.login_refused(user.email, "192.0.2.99") is None
    owner = _client(app, OWNER)
    assert _right(owner, user).status_code == 302


@pytest.mark.gms_config(LOGIN_FREE_FAILURES_PER_ADDRESS=3)
def test_one_address_guessing_many_accounts_waits(app, make_user):
    guesser = _client(app, ATTACKER)
    users = [make_user("applicant") for _n in range(4)]
    statuses = [_wrong(guesser, u).status_code for u in users[:3]]
    assert statuses == [401, 401, 429]
    assert _right(guesser, users[3]).status_code == 429
    assert _right(_client(app, OWNER), users[3]).status_code == 302


@pytest.mark.gms_config(LOGIN_FREE_FAILURES=1, LOGIN_DELAY_SECONDS=600, TIMEZONE="Asia/Bishkek")
def test_a_long_wait_is_told_in_bishkek_time(app, client, make_user):
    from gms.i18n import local_datetime
    from gms.services import throttle

    user = make_user("applicant")
    r = _wrong(client, user, expect=429)
    with app.test_request_context():
        refusal = throttle.login_refused(user.email, "127.0.0.1")
        when = local_datetime(refusal.until)
    assert "Try again after " + when in r.get_data(as_text=True).replace("\u202f", " ") or \
        "Try again after " + when in r.get_data(as_text=True)
    bishkek = (refusal.until + timedelta(hours=6)).strftime("%-I:%M")
    assert bishkek in when


def test_a_successful_log_in_forgets_the_failures_of_that_address(app, client, make_user):
    user = make_user("applicant")
    for _n in range(4):
        _wrong(client, user, expect=401)
    assert _right(client, user).status_code == 302
    client.post("/logout")
    for _n in range(4):
        _wrong(client, user, expect=401)


# ------------------------------------------------------- finding 14: no-store, lock file


def test_signed_in_pages_and_auth_forms_are_not_stored(app, client, make_user):
    from gms.testing import login

    for url in ("/login", "/reset", "/register"):
        assert client.get(url).headers.get("Cache-Control") == "no-store", url
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")
    user = make_user("applicant")
    login(client, user)
    for url in ("/", "/home", "/applicant/", "/account/security", "/no-such-page"):
        r = client.get(url)
        assert r.headers.get("Cache-Control") == "no-store", (url, r.status_code)


def _dependency_names() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    specs = project["dependencies"] + project["optional-dependencies"]["test"]
    return [re.match(r"[A-Za-z0-9._-]+", spec).group(0) for spec in specs]


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _lock() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, sep, version = line.partition("==")
            assert sep and version, f"not pinned with ==: {line!r}"
            pins[_norm(name.split("[")[0])] = version.strip()
    return pins


def test_the_lock_pins_every_dependency_and_a_safe_gunicorn():
    from packaging.requirements import Requirement

    pins = _lock()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    for spec in project["dependencies"] + project["optional-dependencies"]["test"]:
        requirement = Requirement(spec)
        name = _norm(requirement.name)
        assert name in pins, f"{name} is not in requirements.lock"
        assert requirement.specifier.contains(pins[name], prereleases=True), (spec, pins[name])
    assert "gms" not in pins
    assert Requirement("gunicorn>=23").specifier.contains(pins["gunicorn"])
    assert any(spec.startswith("gunicorn>=23") for spec in project["dependencies"])


def test_dev_py_installs_with_the_lock_and_reinstalls_when_it_changes(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("gms_dev_py", ROOT / "dev.py")
    dev = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(dev)
    assert '"-c", LOCK' in (ROOT / "dev.py").read_text() and dev.LOCK == "requirements.lock"
    for name in ("pyproject.toml", "requirements.lock"):
        (tmp_path / name).write_bytes((ROOT / name).read_bytes())
    monkeypatch.setattr(dev, "ROOT", tmp_path)
    before = dev.wanted_stamp()
    with open(tmp_path / "requirements.lock", "a") as lock:
        lock.write("# changed\n")
    assert dev.wanted_stamp() != before


@pytest.mark.services
def test_delays_are_shared_by_every_worker_through_redis(make_app, make_user):
    """Two app instances (two gunicorn workers) on one Redis: the guesser waits on both,
    the owner at another address gets in on either."""
    import uuid

    from gms.testing.support import broker_url

    config = {"RATELIMIT_STORAGE_URI": broker_url(),
              "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    first, second = make_app(config), make_app(config)
    user = make_user("applicant")
    assert [_wrong(_client(first, ATTACKER), user).status_code for _n in range(5)] == [
        401, 401, 401, 401, 429]
    r = _right(_client(second, ATTACKER), user)
    assert r.status_code == 429 and 1 <= int(r.headers["Retry-After"]) <= 3
    assert _right(_client(second, OWNER), user).status_code == 302
