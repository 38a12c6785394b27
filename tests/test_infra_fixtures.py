"""The test fixtures themselves (gms.testing.fixtures) behave as documented."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import g
from flask_login import current_user
from sqlalchemy import func, select

import gms.timeutil
from gms.extensions import db
from gms.models import AuditEntry, Organisation, Territory, User
from gms.testing import PASSWORD, fixtures, login
from gms.testing.apps import DEFAULT_NOW
from gms.testing.support import need

pytestmark = pytest.mark.gms_plugins()


def _whoami_route(app):
    @app.get("/_test/whoami")
    def whoami():
        g.marker = "set in a request"
        return str(current_user.id) if current_user.is_authenticated else "anonymous"


@pytest.mark.parametrize("run", [1, 2])
def test_each_test_starts_with_an_empty_migrated_database(app, make_user, run):
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 0
        assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 0
    make_user("staff", email="same@example.org")  # would clash if the database were shared


def test_app_defaults(app):
    assert app.testing
    assert app.config["WTF_CSRF_ENABLED"] is False
    assert "SERVER_NAME" not in app.config or app.config["SERVER_NAME"] is None
    assert app.config["CELERY"]["task_always_eager"] is True
    assert app.config["PLUGINS"] == []
    assert app.instance_path != str(Path.cwd() / "instance")


@pytest.mark.gms_config(WTF_CSRF_ENABLED=True, PER_PAGE=3)
def test_gms_config_marker(app):
    assert app.config["WTF_CSRF_ENABLED"] is True
    assert app.config["PER_PAGE"] == 3


def test_csrf_app(csrf_app):
    assert csrf_app.config["WTF_CSRF_ENABLED"] is True


def test_make_user_outside_and_inside_a_context(app, make_user):
    detached = make_user("applicant", name="Aida")
    assert detached.id and detached.email.endswith("@example.org")
    assert detached.organisation.kind == "ngo"  # loaded before the session went away
    assert detached.plain_password == PASSWORD
    staff = make_user("staff")
    assert staff.organisation_id is None
    with app.app_context():
        org = db.session.get(Organisation, detached.organisation_id)
        member = make_user("applicant", organisation=org, email="two@example.org")
        assert member in db.session  # attached to the current session
        assert member.organisation_id == org.id
        assert db.session.scalar(select(func.count()).select_from(User)) == 3


def test_requests_never_share_the_test_context(app, client, make_user):
    _whoami_route(app)
    user = make_user("staff")
    with app.app_context():
        login(client, user, via="session")
        assert client.get("/_test/whoami").text == str(user.id)
        with client.session_transaction() as session:
            session.clear()
        assert client.get("/_test/whoami").text == "anonymous"
        assert "marker" not in g


def test_login_through_the_form(app, client, make_user, login):
    _whoami_route(app)
    user = make_user("commission")
    response = login(client, user)
    assert response.status_code in (302, 303)
    assert client.get("/_test/whoami").text == str(user.id)


def test_login_with_a_wrong_password_is_reported(client, make_user):
    user = make_user("staff")
    with pytest.raises(AssertionError, match="log-in of"):
        login(client, user, password="wrong password")


def test_app_ctx_has_a_request_context(app_ctx, make_user):
    from flask import url_for

    user = make_user("staff")
    assert user in db.session
    assert url_for("auth.login", _external=True).startswith("http://localhost/")


def test_territories(app, territories):
    assert territories > 500
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Territory)) == territories
        from gms.services.territories import load_reference

        assert load_reference() == 0


def test_query_counter(app, query_counter):
    with app.app_context():
        with query_counter() as q:
            db.session.scalar(select(User).where(User.id == 1))
            db.session.scalar(select(func.count()).select_from(User))
        assert q.count == 2, str(q)
    with query_counter() as q:
        pass
    assert q.count == 0


def test_clock(app, clock, make_user):
    assert gms.timeutil.utcnow() == DEFAULT_NOW
    when = clock.set(datetime(2026, 5, 1, 9, 30, tzinfo=UTC))
    from gms.tasks import utcnow as imported_by_name

    assert imported_by_name() == when
    assert clock.advance(hours=2) == when + timedelta(hours=2)
    with app.app_context():
        user = make_user("staff")
        assert user.created_at == when + timedelta(hours=2)  # column default
    with pytest.raises(ValueError):
        clock.set(datetime(2026, 5, 1))


def test_real_clock_without_the_fixture():
    assert abs(gms.timeutil.utcnow() - datetime.now(UTC)) < timedelta(seconds=5)


def test_need_skips_or_fails_by_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception):
        need("a service")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI is set"):
        need("a service")
    monkeypatch.setenv("CI", "false")
    with pytest.raises(pytest.skip.Exception):
        need("a service")


def test_services_marker_needs_the_urls(monkeypatch):
    class Item:
        def get_closest_marker(self, name):
            return object() if name == "services" else None

    monkeypatch.setenv("CI", "1")
    monkeypatch.delenv("GMS_TEST_BROKER_URL", raising=False)
    with pytest.raises(pytest.fail.Exception, match="GMS_TEST_BROKER_URL"):
        fixtures.pytest_runtest_setup(Item())
