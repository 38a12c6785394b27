"""pytest fixtures for GMS (a plugin: ``-p gms.testing.fixtures``).

Contexts
    The ``app`` fixture does **not** push an application context. Wrap direct database work in
    ``with app.app_context():`` (or ask for ``app_ctx``, which keeps a test request context
    pushed for the whole test, so ``url_for`` and ``current_user`` work in service calls).
    Requests made with ``client`` always run in a fresh application context of their own,
    even inside such a block, so ``g``, Flask-Login's cached user and ``db.session`` are never
    shared between a request and the test code or between two requests.

Database (:mod:`gms.testing.databases`)
    By default each test gets its own SQLite file, copied from a template that is migrated
    once per session with ``flask_migrate.upgrade(revision="heads")`` (never ``create_all``)
    for the plugins the test enables: the core's revisions and each enabled plugin's
    ``migrations/versions`` (one template per set). With ``GMS_TEST_DATABASE_URL`` set
    (PostgreSQL), the schema is dropped, recreated and migrated when the set changes, and
    every table is truncated (``RESTART IDENTITY CASCADE``) after each test that used it.

Markers
    ``@pytest.mark.gms_plugins("my_contest", ...)``: the enabled plugins (default:
    ``PLUGINS`` of the project's ``config/testing.toml``, else every installed plugin;
    ``gms_plugins()`` enables none).
    ``@pytest.mark.gms_config(KEY=value, ...)``: extra configuration for ``app``, e.g.
    ``gms_config(WTF_CSRF_ENABLED=True)`` (CSRF is off by default; ``csrf_app`` has it on).
    ``services``: needs PostgreSQL, Redis and a Celery worker; ``browser``: needs Debian's
    chromium. Both skip when what they need is missing, but **fail** when ``CI`` is set.

Fixtures (defined in :mod:`gms.testing.apps`, ``.users``, ``.databases``, ``.services``)
    ``app_config``          the dict ``app`` is built from; override it in a module
    ``gms_default_plugins`` the plugins enabled without a marker (session)
    ``gms_databases``       the migrated databases (session)
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
    ``cheap_password_hashing``  (automatic) Argon2 at its lowest cost
    ``query_counter``       ``with query_counter() as q: ...; assert q.count <= n, str(q)``
    ``clock``               ``clock.set(datetime)``, ``clock.advance(hours=1)``
    ``celery_worker_process``  a real worker (session); ``.app_config`` to send to it
    ``live_server``, ``browser``, ``page``  threaded server, Debian chromium, a fresh page

Time
    ``clock`` replaces ``datetime`` inside :mod:`gms.timeutil`, so ``gms.timeutil.utcnow``
    returns the clock's time for every caller: modules that did
    ``from gms.timeutil import utcnow``, column defaults, the live server thread. It does not
    reach the Celery worker process, nor ``time.time()`` (itsdangerous token ages).

Factories that build calls, applications and reviews for any competition type are in
:mod:`gms.testing.factories`.
"""

from __future__ import annotations

import pytest

from gms.testing.apps import (  # noqa: F401 - fixtures, registered by this plugin
    app,
    app_config,
    app_ctx,
    client,
    clock,
    csrf_app,
    gms_default_plugins,
    make_app,
    query_counter,
    runner,
)
from gms.testing.databases import gms_databases  # noqa: F401
from gms.testing.services import (  # noqa: F401
    CHROMIUM,
    browser,
    celery_worker_process,
    live_server,
    page,
)
from gms.testing.support import broker_url, need, pg_url
from gms.testing.users import (  # noqa: F401
    cheap_password_hashing,
    login_fixture,
    make_user,
    territories,
)

MARKERS = [
    "gms_config(**values): extra configuration for the app fixture",
]


def pytest_configure(config: pytest.Config) -> None:
    for line in MARKERS:
        config.addinivalue_line("markers", line)


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("services"):
        missing = [name for name, value in (("GMS_TEST_DATABASE_URL", pg_url()),
                                            ("GMS_TEST_BROKER_URL", broker_url()))
                   if not value]
        if missing:
            need("needs PostgreSQL, Redis and a Celery worker: set " + " and ".join(missing))
    if item.get_closest_marker("browser") and not CHROMIUM.exists():
        need(f"needs Debian's chromium at {CHROMIUM} (python3 dev.py test installs it)")
