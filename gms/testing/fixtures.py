"""pytest fixtures for GMS (a plugin: ``-p gms.testing.fixtures``).

Contexts
    The ``app`` fixture does **not** push an application context. Wrap direct database work in
    ``with app.app_context():`` (or ask for ``app_ctx``, which keeps a test request context
    pushed for the whole test, so ``url_for`` and ``current_user`` work in service calls).
    Requests made with ``client`` always run in a fresh application context of their own,
    even inside such a block, so ``g``, Flask-Login's cached user and ``db.session`` are never
    shared between a request and the test code or between two requests.

Database
    By default each test gets its own SQLite file, copied from a template that is migrated
    once per session with ``flask_migrate.upgrade(revision="heads")`` (never ``create_all``). With
    ``GMS_TEST_DATABASE_URL`` set (PostgreSQL), the schema is dropped, recreated and migrated
    once per session, and every table is truncated (``RESTART IDENTITY CASCADE``) after each
    test that used the database.

Markers
    ``@pytest.mark.gms_plugins("small_grants", ...)``: the enabled plugins (default: the four
    in-repo plugins; ``gms_plugins()`` enables none).
    ``@pytest.mark.gms_config(KEY=value, ...)``: extra configuration for ``app``, e.g.
    ``gms_config(WTF_CSRF_ENABLED=True)`` (CSRF is off by default; ``csrf_app`` has it on).
    ``services``: needs PostgreSQL, Redis and a Celery worker; ``browser``: needs Debian's
    chromium. Both skip when what they need is missing, but **fail** when ``CI`` is set.

Fixtures
    ``app_config``          the dict ``app`` is built from; override it in a module
    ``app``, ``csrf_app``   the app (CSRF off / on)
    ``make_app``            ``make_app(overrides=None, *, test_defaults=True,
                            instance_path=None)``: more apps in one test
    ``app_ctx``             a test request context pushed for the whole test
    ``client``, ``runner``  test client (:class:`IsolatedClient`) and Click runner
    ``make_user``           ``make_user(role="applicant", organisation=None, email=None,
                            password=PASSWORD, **fields) -> User``
    ``login``               ``login(client, user, password=None, *, via="form")``; also
                            importable as ``gms.testing.login``
    ``territories``         loads the SOATE reference; returns the number of rows
    ``query_counter``       ``with query_counter() as q: ...; assert q.count <= n, str(q)``
    ``clock``               ``clock.set(datetime)``, ``clock.advance(hours=1)``
    ``celery_worker_process``  a real worker (session); ``.app_config`` to send to it
    ``live_server``, ``browser``, ``page``  threaded server, Debian chromium, a fresh page

Time
    ``clock`` replaces ``datetime`` inside :mod:`gms.timeutil`, so ``gms.timeutil.utcnow``
    returns the clock's time for every caller: modules that did
    ``from gms.timeutil import utcnow``, column defaults, the live server thread. It does not
    reach the Celery worker process, nor ``time.time()`` (itsdangerous token ages).
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from unittest import mock

import pytest
from flask import current_app, has_app_context
from flask.testing import FlaskClient

PASSWORD = "correct horse battery staple"
CHROMIUM = Path(os.environ.get("GMS_TEST_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
DEFAULT_NOW = datetime(2026, 3, 2, 4, 0, tzinfo=UTC)  # 10:00 in Bishkek

MARKERS = [
    "gms_config(**values): extra configuration for the app fixture",
]


# ------------------------------------------------------------------------------- helpers


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def need(reason: str) -> None:
    """Skip for want of ``reason``; fail instead when ``CI`` is set."""
    if in_ci():
        pytest.fail(f"{reason} (CI is set, so this fails rather than skips)", pytrace=False)
    pytest.skip(reason)


def _pg_url() -> str | None:
    return os.environ.get("GMS_TEST_DATABASE_URL") or None


def _broker_url() -> str | None:
    return os.environ.get("GMS_TEST_BROKER_URL") or None


def _sqlalchemy_url(url: str) -> str:
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Drop the developer's ``GMS_*`` settings (``GMS_TEST_*`` stay) so tests are hermetic."""
    for name in list(os.environ):
        if name.startswith("GMS_") and not name.startswith("GMS_TEST_"):
            monkeypatch.delenv(name)


def _dispose(app) -> None:
    from gms.extensions import db

    with app.app_context():
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()


def pytest_configure(config: pytest.Config) -> None:
    for line in MARKERS:
        config.addinivalue_line("markers", line)


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("services"):
        missing = [name for name, value in (("GMS_TEST_DATABASE_URL", _pg_url()),
                                            ("GMS_TEST_BROKER_URL", _broker_url()))
                   if not value]
        if missing:
            need("needs PostgreSQL, Redis and a Celery worker: set " + " and ".join(missing))
    if item.get_closest_marker("browser") and not CHROMIUM.exists():
        need(f"needs Debian's chromium at {CHROMIUM} (python3 dev.py test installs it)")


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch):
    """Argon2 at its lowest cost in tests (what is tested is who may log in, not how long
    hashing takes): every demo person, registration and log-in hashed at the production
    cost took 0.15 s of CPU. Hashes keep their format (``$argon2id$``) and carry their own
    parameters, so each verifies as in production."""
    from argon2 import PasswordHasher

    from gms.services import accounts

    hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr(accounts, "_hasher", hasher)
    monkeypatch.setattr(accounts, "_DUMMY", hasher.hash("not a password of anyone"))


# ------------------------------------------------------------------------------ database


def _migrate(url: str, instance: Path) -> None:
    """Bring the database at ``url`` to the newest revision through Flask-Migrate, with every
    in-repo plugin enabled so that their migration branches are applied too."""
    import flask_migrate

    from gms import defaults

    hermetic = {k: v for k, v in os.environ.items()
                if not k.startswith("GMS_") or k.startswith("GMS_TEST_")}
    with mock.patch.dict(os.environ, hermetic, clear=True):
        app = _create_app({"TESTING": True, "SECRET_KEY": "test",
                           "PLUGINS": list(defaults.PLUGINS),
                           "SQLALCHEMY_DATABASE_URI": url}, instance)
    try:
        with app.app_context():
            flask_migrate.upgrade(revision="heads")
    finally:
        _dispose(app)


def _create_app(config: dict, instance: Path):
    """``create_app(config)`` with its instance folder at ``instance``."""
    from flask import Flask

    import gms.app
    from gms.app import create_app

    instance.mkdir(parents=True, exist_ok=True)
    # create_app builds its app with gms.app's Flask class (a subclass when there is one)
    name = "GMSFlask" if hasattr(gms.app, "GMSFlask") else "Flask"
    cls = getattr(gms.app, name, Flask)
    with mock.patch(f"gms.app.{name}", functools.partial(cls, instance_path=str(instance))):
        return create_app(config)


class SQLiteDatabases:
    """One migrated template file per session; every test gets a copy."""

    kind = "sqlite"

    def __init__(self, root: Path):
        self.root = root
        self.template: Path | None = None

    def url_for(self, tmp_path: Path) -> str:
        if self.template is None:
            template = self.root / "template.sqlite3"
            _migrate("sqlite:///" + str(template), self.root / "instance")
            self.template = template
        target = tmp_path / "gms.sqlite3"
        shutil.copyfile(self.template, target)
        return "sqlite:///" + str(target)

    def reset(self) -> None:
        pass


class PostgresDatabase:
    """The database named by ``GMS_TEST_DATABASE_URL``: rebuilt once, truncated per test."""

    kind = "postgresql"

    def __init__(self, url: str, root: Path):
        self.url = url
        self.root = root
        self.ready = False
        self.engine = None

    def _engine(self):
        if self.engine is None:
            from sqlalchemy import create_engine

            self.engine = create_engine(_sqlalchemy_url(self.url))
        return self.engine

    def url_for(self, tmp_path: Path) -> str:
        if not self.ready:
            from sqlalchemy import text

            with self._engine().begin() as conn:
                conn.execute(text("SET lock_timeout = '20s'"))
                conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
            _migrate(self.url, self.root / "instance")
            self.ready = True
        return self.url

    def reset(self) -> None:
        if not self.ready:
            return
        from sqlalchemy import text

        with self._engine().begin() as conn:
            conn.execute(text("SET lock_timeout = '20s'"))
            tables = conn.scalars(text(
                "SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = 'public' "
                "AND tablename <> 'alembic_version'")).all()
            if tables:
                # audit_log's triggers refuse TRUNCATE; the test reset (as the superuser)
                # switches them off for this transaction only. The app role cannot.
                conn.execute(text("SET LOCAL session_replication_role = replica"))
                conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))

    def close(self) -> None:
        if self.engine is not None:
            self.engine.dispose()


@pytest.fixture(scope="session")
def gms_databases(tmp_path_factory):
    """The session's database manager (SQLite template or PostgreSQL)."""
    root = tmp_path_factory.mktemp("gms-db")
    url = _pg_url()
    manager = PostgresDatabase(url, root) if url else SQLiteDatabases(root)
    yield manager
    if isinstance(manager, PostgresDatabase):
        manager.close()


# ----------------------------------------------------------------------------------- app


def _marker_plugins(request) -> list[str]:
    from gms import defaults

    marker = request.node.get_closest_marker("gms_plugins")
    if marker is None:
        return list(defaults.PLUGINS)
    return list(marker.args)


@pytest.fixture
def app_config(request, tmp_path, gms_databases):
    """The configuration ``app`` is built from. Override it in a module to extend it::

        @pytest.fixture
        def app_config(app_config):
            return {**app_config, "PER_PAGE": 5}
    """
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "WTF_CSRF_ENABLED": False,
        "SQLALCHEMY_DATABASE_URI": gms_databases.url_for(tmp_path),
        "DATABASE_URL": None,
        "BROKER_URL": None,  # Celery runs tasks eagerly
        "CELERY": {},
        "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        "PLUGINS": _marker_plugins(request),
        "MAIL_BACKEND": "outbox",
        # two-factor log-in is tested where it is switched on (tests/test_two_factor.py)
        "TWO_FACTOR_ROLES": [],
        # log-in failure counters of this test only (tests sending tasks to Redis share it)
        "RATELIMIT_KEY_PREFIX": f"gms-test-{uuid.uuid4().hex[:12]}",
    }
    for marker in reversed(list(request.node.iter_markers("gms_config"))):
        config.update(marker.kwargs)
    yield config
    gms_databases.reset()


@pytest.fixture
def make_app(app_config, tmp_path, monkeypatch):
    """Factory: ``make_app(overrides=None, *, test_defaults=True, instance_path=None)``.

    With ``test_defaults`` the app gets ``app_config`` (same database) updated with
    ``overrides``; without, only ``overrides`` is passed to ``create_app``, so the
    defaults → ``GMS_CONFIG_FILE`` → ``instance/gms.toml`` → ``GMS_*`` layering shows. Each
    app has its own temporary instance folder (``app.instance_path``). ``GMS_*`` environment
    variables are cleared when this fixture is set up; a test may set them afterwards.
    """
    _clean_environment(monkeypatch)
    apps = []
    counter = itertools.count(1)

    def factory(overrides: dict | None = None, *, test_defaults: bool = True,
                instance_path: Path | str | None = None):
        config = dict(app_config) if test_defaults else {}
        config.update(overrides or {})
        instance = Path(instance_path or tmp_path / f"instance-{next(counter)}")
        app = _create_app(config, instance)
        app.test_client_class = IsolatedClient
        apps.append(app)
        return app

    yield factory
    for app in reversed(apps):
        _dispose(app)


@pytest.fixture
def app(make_app):
    """The application under test (no context pushed; see the module docstring)."""
    return make_app()


@pytest.fixture
def csrf_app(make_app):
    """Like ``app`` but with CSRF protection on, as in production."""
    return make_app({"WTF_CSRF_ENABLED": True})


@pytest.fixture
def app_ctx(app):
    """Keep a test request context (and so an app context) pushed for the whole test."""
    from gms.extensions import db

    with app.test_request_context():
        yield app
        db.session.remove()


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
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    """Click runner; ``runner.invoke(gms.cli.main, ["plugins"])`` runs a ``gms`` command."""
    return app.test_cli_runner()


# --------------------------------------------------------------------------- users, login


@functools.cache
def _password_hash(password: str) -> str:
    from gms.services.accounts import hash_password

    return hash_password(password)


def _in_context_of(app) -> bool:
    return has_app_context() and current_app._get_current_object() is app


@pytest.fixture
def make_user(app):
    """Factory: ``make_user(role="applicant", organisation=None, email=None,
    password=PASSWORD, **fields) -> User``.

    An applicant without ``organisation`` gets a new NGO. ``organisation`` may be an
    :class:`~gms.models.Organisation` or its id. Inside an app context of ``app`` the user
    stays attached to ``db.session``; outside, it comes back detached with its columns (and
    organisation) loaded. ``user.plain_password`` holds the password for ``login``.
    """
    from gms.extensions import db
    from gms.models import Organisation, User

    counter = itertools.count(1)

    def factory(role: str = "applicant", organisation=None, email: str | None = None,
                password: str = PASSWORD, **fields):
        n = next(counter)
        with contextlib.ExitStack() as stack:
            attached = _in_context_of(app)
            if not attached:
                stack.enter_context(app.app_context())
            org_id = getattr(organisation, "id", organisation)
            if org_id is None and role == "applicant":
                org = Organisation(kind="ngo", name=f"Test organisation {uuid.uuid4().hex[:8]}")
                db.session.add(org)
                db.session.flush()
                org_id = org.id
            fields.setdefault("name", f"Test {role} {n}")
            user = User(email=email or f"{role}-{uuid.uuid4().hex[:10]}@example.org",
                        password_hash=_password_hash(password), role=role,
                        organisation_id=org_id, **fields)
            db.session.add(user)
            db.session.commit()
            if not attached:
                db.session.refresh(user)
                _ = user.organisation  # load it while the session is there
                db.session.expunge_all()
            user.plain_password = password
            return user

    return factory


def session_key(app, user_id: int) -> str:
    """A new server-side log-in of ``user_id`` (a ``user_sessions`` row, committed); returns
    the key that the browser's session keeps (see :func:`login`)."""
    from gms.extensions import db
    from gms.services import sessions

    with app.app_context():
        key = sessions.create(user_id)
        db.session.commit()
    return key


def login(client, user, password: str | None = None, *, via: str = "form",
          key: str | None = None):
    """Log ``user`` in on ``client``.

    ``via="form"`` posts e-mail and password to ``/login`` (needs CSRF off) and asserts
    the redirect that a successful log-in answers; ``via="session"`` records a server-side
    log-in (:func:`session_key`, or reuses ``key``) and writes Flask-Login's session keys,
    second factor included (fast, no password check). Returns the response (or ``None``).
    """
    if via == "session":
        from gms.services.sessions import SESSION_KEY

        key = key or session_key(client.application, user.id)
        with client.session_transaction() as session:
            session["_user_id"] = str(user.id)
            session["_fresh"] = True
            session["second_factor"] = True
            session[SESSION_KEY] = key
        return None
    password = password or getattr(user, "plain_password", PASSWORD)
    response = client.post("/login", data={"email": user.email, "password": password})
    assert response.status_code in (302, 303), (
        f"log-in of {user.email} failed: HTTP {response.status_code}")
    return response


@pytest.fixture(name="login")
def login_fixture():
    """The :func:`login` helper as a fixture: ``login(client, user)``."""
    return login


# ---------------------------------------------------------------------------- reference


@pytest.fixture
def territories(app):
    """Load the SOATE reference (516 local units) into the test database; returns the count."""
    from gms.services.territories import load_reference

    with app.app_context():
        return load_reference()


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
def query_counter(app):
    """``with query_counter() as q: ...`` then ``assert q.count <= 3, str(q)``.

    Counts every statement sent through ``db.engine`` (from the test or from requests made
    with ``client`` inside the block). ``query_counter(other_app)`` counts another app's.
    """
    from sqlalchemy import event

    from gms.extensions import db

    @contextlib.contextmanager
    def counter(target=None):
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
def clock(monkeypatch):
    """Freeze the application's clock (at 2026-03-02 04:00 UTC until ``clock.set``)."""
    import gms.timeutil

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


# ------------------------------------------------------------------------------- worker


@dataclass
class WorkerProcess:
    """A ``celery worker`` subprocess consuming its own queue on the test broker."""

    process: subprocess.Popen
    broker_url: str
    database_url: str
    queue: str
    log_path: Path

    @property
    def app_config(self) -> dict:
        """Merge into an app's config to send tasks to this worker instead of running them."""
        return {"BROKER_URL": self.broker_url, "CELERY": {"task_default_queue": self.queue}}

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@pytest.fixture(scope="session")
def celery_worker_process(gms_databases, tmp_path_factory):
    """A real Celery worker (``--pool=solo``) on ``GMS_TEST_BROKER_URL`` and
    ``GMS_TEST_DATABASE_URL``; tests send to it via ``app_config`` merged with
    ``celery_worker_process.app_config``."""
    root = tmp_path_factory.mktemp("celery-worker")
    gms_databases.url_for(root)  # the schema exists before the worker connects
    queue = f"gms-test-{uuid.uuid4().hex[:12]}"
    with start_worker(root, queue) as worker:
        yield worker
    _forget_queue(worker.broker_url, queue)


@contextlib.contextmanager
def start_worker(root: Path, queue: str, env: dict | None = None, *, pool: str = "solo"):
    """Start ``celery worker`` on ``queue`` (its files under ``root``, extra ``GMS_*``
    variables in ``env``; ``pool="prefork"`` runs tasks in a child process, as production
    does), wait until it is ready, and stop it (SIGTERM) at the end unless the test killed it
    already. Yields a :class:`WorkerProcess`."""
    from gms.app import derived_audit_hmac_key

    broker, database = _broker_url(), _pg_url()
    if not broker or not database:
        need("a Celery worker needs GMS_TEST_BROKER_URL and GMS_TEST_DATABASE_URL")
    variables = {k: v for k, v in os.environ.items() if not k.startswith("GMS_")}
    variables.update({
        "GMS_DATABASE_URL": database,
        "GMS_BROKER_URL": broker,
        "GMS_SECRET_KEY": "test-secret-key",
        "GMS_BASE_URL": "http://localhost",  # required by the production profile
        # the production profile needs its own audit key: the one the test apps derive
        "GMS_AUDIT_HMAC_KEY": derived_audit_hmac_key("test-secret-key"),
        "GMS_AUDIT_ANCHOR_FILE": str(root / "audit-anchors.jsonl"),
        "GMS_UPLOAD_FOLDER": str(root / "uploads"),
        "GMS_CELERY": json.dumps({"task_default_queue": queue}),
        "PYTHONUNBUFFERED": "1",
        **(env or {}),
    })
    if os.environ.get("GMS_TEST_WORKER_PLUGINS"):
        variables["GMS_PLUGINS"] = os.environ["GMS_TEST_WORKER_PLUGINS"]
    log_path = root / f"worker-{uuid.uuid4().hex[:6]}.log"
    cmd = [sys.executable, "-m", "celery", "-A", "gms.worker", "worker", f"--pool={pool}",
           "--concurrency=1", "-l", "info", "-Q", queue, "--without-gossip",
           "--without-mingle", "--without-heartbeat", "-n", f"{uuid.uuid4().hex[:8]}@%h"]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=variables,
                                   cwd=str(root), start_new_session=True)
    worker = WorkerProcess(process, broker, database, queue, log_path)
    try:
        deadline = time.monotonic() + 60
        while " ready." not in worker.log():
            if process.poll() is not None:
                pytest.fail(f"the Celery worker exited with {process.returncode}:\n"
                            + worker.log()[-4000:], pytrace=False)
            if time.monotonic() > deadline:
                pytest.fail("the Celery worker did not start within 60 s:\n"
                            + worker.log()[-4000:], pytrace=False)
            time.sleep(0.1)
        yield worker
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)


def _forget_queue(broker: str, queue: str) -> None:
    """Best effort: remove the test queue and its bindings from Redis."""
    if not broker.startswith("redis"):
        return
    try:
        import redis

        client = redis.Redis.from_url(broker)
        name = queue.encode()
        for key in client.scan_iter(match=f"*{queue}*"):
            client.delete(key)
        for key in client.scan_iter(match="_kombu.binding*"):
            kind = client.type(key)
            if kind == b"set":
                stale = [m for m in client.smembers(key) if name in m]
                if stale:
                    client.srem(key, *stale)
            elif kind == b"zset":
                stale = [m for m in client.zrange(key, 0, -1) if name in m]
                if stale:
                    client.zrem(key, *stale)
        client.close()
    except Exception:  # noqa: BLE001 - cleanup must never fail the run
        pass


# ------------------------------------------------------------------------------ browser


@pytest.fixture
def live_server(app):
    """Serve ``app`` on 127.0.0.1 (a random port) in a thread; yields the base URL."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(10)
        server.server_close()


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium, headless, driven by Playwright (never a downloaded browser)."""
    if not CHROMIUM.exists():
        need(f"needs Debian's chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                      args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser):
    """A fresh browser context and page (1280×900, Russian-first Accept-Language)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ru-RU")
    context.set_default_timeout(10_000)
    pg = context.new_page()
    try:
        yield pg
    finally:
        context.close()
