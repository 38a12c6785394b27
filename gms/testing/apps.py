"""Fixtures of the application: its configuration, the app, clients, queries and time."""

from __future__ import annotations

import contextlib
import itertools
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask, current_app, has_app_context
from flask.testing import FlaskClient
from sqlalchemy import event

import gms.timeutil
from gms.extensions import db
from gms.testing.support import clean_environment, create_app_in, dispose, suite_config

DEFAULT_NOW = datetime(2026, 3, 2, 4, 0, tzinfo=UTC)  # 10:00 in Bishkek

__all__ = ["DEFAULT_NOW", "IsolatedClient", "QueryCount", "Clock", "gms_default_plugins",
           "app_config", "make_app", "app", "csrf_app", "app_ctx", "client", "runner",
           "query_counter", "clock"]


@pytest.fixture(scope="session")
def gms_default_plugins(pytestconfig) -> list[str] | None:
    """The plugins enabled unless a test says otherwise: ``PLUGINS`` of the project's
    ``config/testing.toml`` (``None``, every installed plugin, when it has none)."""
    return suite_config(pytestconfig.rootpath).get("PLUGINS")


def _marker_plugins(request: pytest.FixtureRequest, default: list[str] | None) -> list | None:
    marker = request.node.get_closest_marker("gms_plugins")
    if marker is None:
        return None if default is None else list(default)
    return list(marker.args)


@pytest.fixture
def app_config(request, tmp_path, gms_databases, gms_default_plugins):
    """The configuration ``app`` is built from. Override it in a module to extend it::

        @pytest.fixture
        def app_config(app_config):
            return {**app_config, "PER_PAGE": 5}

    Its database is migrated for the plugins enabled here (markers included).
    """
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "WTF_CSRF_ENABLED": False,
        "DATABASE_URL": None,
        "BROKER_URL": None,  # Celery runs tasks eagerly
        "CELERY": {},
        "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        "PLUGINS": _marker_plugins(request, gms_default_plugins),
        "MAIL_BACKEND": "outbox",
        # two-factor log-in is tested where it is switched on (tests/test_two_factor.py)
        "TWO_FACTOR_ROLES": [],
        # log-in failure counters of this test only (tests sending tasks to Redis share it)
        "RATELIMIT_KEY_PREFIX": f"gms-test-{uuid.uuid4().hex[:12]}",
    }
    for marker in reversed(list(request.node.iter_markers("gms_config"))):
        config.update(marker.kwargs)
    config["SQLALCHEMY_DATABASE_URI"] = gms_databases.url_for(tmp_path, config)
    yield config
    gms_databases.reset()


class IsolatedClient(FlaskClient):
    """Runs each request in a fresh app context, even inside ``with app.app_context()``.

    Otherwise Flask reuses the pushed context, sharing ``g`` (and the user Flask-Login
    cached there) and the SQLAlchemy session between requests and the test.
    """

    def open(self, *args, **kwargs):
        if has_app_context() and current_app._get_current_object() is self.application:
            with self.application.app_context():
                return super().open(*args, **kwargs)
        return super().open(*args, **kwargs)


@pytest.fixture
def make_app(app_config, tmp_path, monkeypatch):
    """Factory: ``make_app(overrides=None, *, test_defaults=True, instance_path=None)``.

    With ``test_defaults`` the app gets ``app_config`` (same database) updated with
    ``overrides``; without, only ``overrides`` is passed to ``create_app``, so the
    defaults → ``GMS_CONFIG_FILE`` → ``instance/gms.toml`` → ``GMS_*`` layering shows. Each
    app has its own temporary instance folder (``app.instance_path``). ``GMS_*`` environment
    variables are cleared when this fixture is set up; a test may set them afterwards.
    """
    clean_environment(monkeypatch)
    apps = []
    counter = itertools.count(1)

    def factory(overrides: dict | None = None, *, test_defaults: bool = True,
                instance_path: Path | str | None = None) -> Flask:
        config = dict(app_config) if test_defaults else {}
        config.update(overrides or {})
        instance = Path(instance_path or tmp_path / f"instance-{next(counter)}")
        app = create_app_in(config, instance)
        app.test_client_class = IsolatedClient
        apps.append(app)
        return app

    yield factory
    for app in reversed(apps):
        dispose(app)


@pytest.fixture
def app(make_app):
    """The application under test (no context pushed; see :mod:`gms.testing.fixtures`)."""
    return make_app()


@pytest.fixture
def csrf_app(make_app):
    """Like ``app`` but with CSRF protection on, as in production."""
    return make_app({"WTF_CSRF_ENABLED": True})


@pytest.fixture
def app_ctx(app):
    """Keep a test request context (and so an app context) pushed for the whole test."""
    with app.test_request_context():
        yield app
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    """Click runner; ``runner.invoke(gms.cli.main, ["plugins"])`` runs a ``gms`` command."""
    return app.test_cli_runner()


# ------------------------------------------------------------------------------ queries


@dataclass
class QueryCount:
    """SQL statements seen inside a ``query_counter()`` block."""

    statements: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.statements)

    def __len__(self) -> int:
        return self.count

    def __str__(self) -> str:
        return f"{self.count} statements:\n" + "\n".join(self.statements)


@pytest.fixture
def query_counter(app) -> Callable[..., contextlib.AbstractContextManager[QueryCount]]:
    """``with query_counter() as q: ...`` then ``assert q.count <= 3, str(q)``.

    Counts every statement sent through ``db.engine`` (from the test or from requests made
    with ``client`` inside the block). ``query_counter(other_app)`` counts another app's.
    """

    @contextlib.contextmanager
    def counter(target: Flask | None = None) -> Iterator[QueryCount]:
        target = target or app
        with target.app_context():
            engine = db.engine
        seen = QueryCount()

        def before(conn, cursor, statement, parameters, context, executemany):
            seen.statements.append(statement)

        event.listen(engine, "before_cursor_execute", before)
        try:
            yield seen
        finally:
            event.remove(engine, "before_cursor_execute", before)

    return counter


# --------------------------------------------------------------------------------- time


class Clock:
    """The time the application sees: ``clock.set(when)``, ``clock.advance(hours=2)``."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def set(self, when: datetime | str) -> datetime:
        if isinstance(when, str):
            when = datetime.fromisoformat(when)
        if when.tzinfo is None:
            raise ValueError("clock.set needs a timezone-aware datetime")
        self.now = when.astimezone(UTC)
        return self.now

    def advance(self, delta: timedelta | None = None, **kwargs) -> datetime:
        self.now = self.now + (delta or timedelta(**kwargs))
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    """Freeze the application's clock (at 2026-03-02 04:00 UTC until ``clock.set``)."""
    state = Clock(DEFAULT_NOW)
    real = datetime

    class FrozenDatetime(real):
        @classmethod
        def now(cls, tz=None):
            value = state.now
            return value.astimezone(tz) if tz else value.astimezone().replace(tzinfo=None)

        @classmethod
        def utcnow(cls):
            return state.now.replace(tzinfo=None)

    monkeypatch.setattr(gms.timeutil, "datetime", FrozenDatetime)
    return state
