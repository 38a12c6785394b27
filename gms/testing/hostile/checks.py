"""Checks of what a hostile request did: never a server error, input HTML never echoed raw
(:func:`check_response`); the validation message shown or flashed (:func:`has_error`,
:func:`refused`); what a refused submission must leave as it was (:func:`table_counts`,
:func:`columns`) and must show again (:func:`echoed`). With the Hypothesis settings of every
hostile test (:func:`hostile_settings`) and the counters of the inputs sent (:func:`count`,
:func:`examples`, :func:`report_examples`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import pytest
from hypothesis import HealthCheck, settings
from markupsafe import escape
from sqlalchemy import event, func, literal, select, union_all

from gms.extensions import db

#: examples run, by test name (see :func:`count`)
EXAMPLES: Counter[str] = Counter()
#: what must never appear unescaped in a page that echoes hostile input
RAW_HTML = ("<script>alert(", "<img src=x", "<b>bold</b>", "<iframe")


def hostile_settings(max_examples: int):
    """Reproducible settings for a hostile test building its world once per function."""
    return settings(max_examples=max_examples, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.large_base_example,
                                           HealthCheck.filter_too_much])


def count(name: str) -> None:
    EXAMPLES[name] += 1


def check_response(response, typed: Iterable[str] = ()) -> str:
    """No server error; HTML pages never carry input HTML unescaped. Returns the body."""
    assert response.status_code < 500, response.status_code
    if not (response.mimetype or "").startswith("text/html"):
        return ""
    body = response.get_data(as_text=True)
    for raw in RAW_HTML:
        if any(raw in value for value in typed):
            assert raw not in body, f"{raw!r} echoed unescaped"
    return body


#: a flashed error, a field's error, the error page (a refused request, e.g. a NUL byte)
ERROR_MARKERS = ('class="flash error"', 'class="field-error"', '<div class="card"><h1>')


def has_error(body: str) -> bool:
    """The page shows a validation message (a flashed error, a field's error or the error
    page)."""
    return any(marker in body for marker in ERROR_MARKERS)


def flashes(client) -> list[tuple[str, str]]:
    """Take the messages flashed for the next page (``(category, message)``)."""
    with client.session_transaction() as session:
        return list(session.pop("_flashes", []))


def refused(client) -> bool:
    """True when the last request flashed an error (a redirect after a refused action)."""
    return any(category == "error" for category, _m in flashes(client))


def echoed(body: str, value: str) -> bool:
    """The value appears in the page as Jinja escapes it (what a refused form shows)."""
    return str(escape(value)) in body


def table_counts(*models) -> tuple[int, ...]:
    """Row counts of ``models``' tables, in one query (inside an app context)."""
    q = union_all(*[select(literal(i).label("i"), func.count().label("n"))
                    .select_from(m) for i, m in enumerate(models)])
    rows = dict(db.session.execute(q).all())
    return tuple(rows[i] for i in range(len(models)))


def columns(obj, *names: str) -> tuple:
    """Selected column values of a row, re-read from the database."""
    db.session.expire_all()
    fresh = db.session.get(type(obj), obj.id)
    return tuple(getattr(fresh, n) for n in names)


def storable(value: str) -> bool:
    """What PostgreSQL can store in a text column (no NUL character)."""
    return "\x00" not in value


def has_unstorable(form) -> bool:
    """A name or value of ``form`` (a MultiDict) has a NUL character."""
    return any("\x00" in key or any("\x00" in v for v in values)
               for key, values in form.lists())


def fast_sqlite(app) -> None:
    """SQLite without waiting for the disk at each commit (``PRAGMA synchronous=OFF``): these
    tests send thousands of requests and are about input, not durability. Nothing changes on
    PostgreSQL."""
    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _no_sync(dbapi_connection, _record):
        dbapi_connection.execute("PRAGMA synchronous=OFF")

    engine.dispose()


def examples(prefix: str = "") -> int:
    """How many hostile inputs were sent so far by the counters starting with ``prefix``."""
    return sum(n for key, n in EXAMPLES.items() if key.startswith(prefix))


def report_examples(prefix: str):
    """A module-scoped autouse fixture printing how many hostile inputs the counters
    starting with ``prefix`` sent (shown with ``-s``)::

        _report = report_examples("my_plugin")
    """

    @pytest.fixture(scope="module", autouse=True)
    def _report_examples():
        yield
        print(f"\nhostile inputs, {prefix}: {examples(prefix)}")

    return _report_examples
