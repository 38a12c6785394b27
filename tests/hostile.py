"""Hostile input for the property-based tests (issue 6, item 7): strategies and checks.

Strategies give what a careless, confused or malicious user may send through a form: very
long text, Kyrgyz and Russian letters mixed with Latin and right-to-left scripts, invisible and
control characters, NUL bytes, HTML and ``<script>`` tags, SQL-looking text, emoji; numbers
negative, zero, enormous, ``NaN``, with spaces or commas; dates out of range or impossible.

Forms: :func:`leaf_fields` lists a WTForms form's inputs and their kinds; :func:`mutated`
changes, drops, repeats or adds inputs of valid form data (Hypothesis); :func:`sweep` pairs
every input with every value of :data:`NASTY` of its kind (deterministic).

Checks: :func:`check_response` (never a server error, input HTML never echoed raw),
:func:`has_error` and :func:`refused` (the validation message shown or flashed),
:func:`table_counts` and :func:`columns` (what a refused submission must leave as it was),
:func:`echoed` (what a refused form must show again). For the competitions:
:func:`hostile_answers`, :func:`check_competition`, :func:`check_form`,
:func:`application_world` and :func:`try_application_form`. :data:`EXAMPLES` counts the
inputs sent, per test, so the suite can report how many there were.

Settings for every hostile test (:func:`hostile_settings`) are derandomised, so a CI run is
reproducible, and keep no example database; :func:`fast_sqlite` spares SQLite's disk syncs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from functools import cache

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from markupsafe import escape
from werkzeug.datastructures import MultiDict

#: examples run, by test name (see :func:`count`)
EXAMPLES: Counter[str] = Counter()

XSS_MARK = "gms-xss"
SCRIPT = f"<script>alert('{XSS_MARK}')</script>"
IMG = f'"><img src=x onerror="alert(\'{XSS_MARK}\')">'
#: what must never appear unescaped in a page that echoes hostile input
RAW_HTML = ("<script>alert(", "<img src=x", "<b>bold</b>", "<iframe")

KYRGYZ = "Өрүк-Таш айылы: ңөү ҢӨҮ жаңы үй, өзөн"
RUSSIAN = "Кызыл-Сууский айылный аймак, ул. Ленина 12"
MIXED = "Ак-Suu aiyl: 1 000 сом, ҮҮ-ooo, Ж̌ж̌"
RTL = "مرحبا بالعالم שלום עולם"
BIDI = "\u202eгРУППА\u202c \u200f\u200e"
ZERO_WIDTH = "a\u200bb\u200cc\u200dd\ufeffe\u2060f"
CONTROL = "a\x01b\x07c\x1bd\x7fe\x85f\u2028g\u2029"
NUL = "before\x00after"
EMOJI = "🇰🇬 👍🏽 😀 👨‍👩‍👧 🏔️"
SQL = "'; DROP TABLE applications; -- 1' OR '1'='1 \" OR 1=1 /*"
COMBINING = "e\u0301\u0301\u0301 о\u0308 Z\u0335\u0327a\u0336\u0328"
LONG = 100_000

SPECIAL_TEXTS = (
    "", " ", "\t\n\r", "   \u00a0\u2003  ", SCRIPT, IMG, "<b>bold</b>", "<iframe src=//x>",
    "{{ 7*7 }} {% raw %}", "%(n)s %s {0}", KYRGYZ, RUSSIAN, MIXED, RTL, BIDI, ZERO_WIDTH,
    CONTROL, NUL, "\x00", EMOJI, SQL, COMBINING, "\\", "\\x00", "null", "None", "undefined",
    "../../etc/passwd", "a" * 301, "ө" * 2001, "\r\n" * 50,
)


@cache
def _long_texts() -> st.SearchStrategy[str]:
    return st.sampled_from((
        "ө" * LONG, "a" * (LONG + 1), (SCRIPT * (LONG // len(SCRIPT) + 1))[:LONG],
        ("Ү" + "\u200b") * (LONG // 2), "😀" * (LONG // 4),
    ))


_any_char = st.characters(exclude_categories=("Cs",))
_nasty_char = st.sampled_from(
    "өүңӨҮҢжЖ<>&\"'`/\\;%$#{}[]()\x00\x01\x1b\x7f\u200b\u200e\u202e\ufeff\u00a0\u2028"
    "😀🇰🇬مש ")


@cache
def hostile_text(long: bool = True) -> st.SearchStrategy[str]:
    """Any hostile text; ``long`` adds 100,000-character texts now and then."""
    pieces = st.one_of(
        st.sampled_from(SPECIAL_TEXTS),
        st.text(_nasty_char, max_size=40),
        st.text(_any_char, max_size=30),
    )
    short = st.lists(pieces, min_size=1, max_size=3).map("".join)
    if not long:
        return short
    # one text in twenty is 100,000 characters long: enough to meet every limit, not so
    # often that the runs get slow
    return st.one_of(*[short] * 19, _long_texts())


SPECIAL_NUMBERS = (
    "", "0", "-0", "-1", "-0.01", "-1000000", "1e30", "1E+30", "-1e30", "1e-30",
    "1e999999999", "1E-999999999", "NaN", "nan", "-NaN", "sNaN", "inf", "Infinity",
    "-Infinity", "1 000 000", "1\u00a0000\u00a0000", "1\u202f000", "1,5", "1.5", "1.000,50",
    "1,000.50", "0,5", ",5", "5.", ".", ",", "-", "+5", "--5", "5-", "1_000", "0x10", "1/2",
    "١٢٣", "１２３", "²", "½", "Ⅻ", "9" * 50, "9" * 5000, "-" + "9" * 5000,
    "99999999999999999999.99", "0.000000000000000000001", "999999999999.99", "1000000000000",
    "100000000000", "2147483648", "9223372036854775808", "3.14159265358979323846264338",
    "12abc", "abc", " 12 ", "12\x00", "1e", "e5", "١٢,٥", "100000000", "1234567.1234567",
)


@cache
def hostile_number() -> st.SearchStrategy[str]:
    """Hostile text for a number field."""
    return st.one_of(
        st.sampled_from(SPECIAL_NUMBERS),
        st.integers(min_value=-(10**40), max_value=10**40).map(str),
        st.decimals(allow_nan=True, allow_infinity=True).map(str),
        st.floats().map(repr),
        st.integers(min_value=-5, max_value=100).map(str),
        hostile_text(long=False),
    )


SPECIAL_DATES = (
    "", "0000-01-01", "0001-01-01", "0001-01-01T00:00", "9999-12-31", "9999-12-31T23:59",
    "10000-01-01", "-2026-01-01", "2026-02-30", "2026-02-29", "2024-02-29", "2026-13-01",
    "2026-00-10", "2026-01-32", "1900-01-01", "1899-12-31", "2100-01-01", "31.12.2026",
    "30.02.2026", "2026/03/01", "2026-3-1", "01-03-2026", "today", "2026-03-01T25:61",
    "2026-03-01T10:00", "2026-03-01T10:00:00+05:00", "2026-03-01 10:00", "2026-W09-1",
    "20260301", "2026-03-01\x00", "２０２６-０３-０１", "2026-03-01" + "0" * 100,
)


@cache
def hostile_date() -> st.SearchStrategy[str]:
    """Hostile text for a date (or datetime-local) field."""
    return st.one_of(
        st.sampled_from(SPECIAL_DATES),
        st.dates().map(lambda d: d.isoformat()),
        st.datetimes().map(lambda d: d.strftime("%Y-%m-%dT%H:%M")),
        st.dates().map(lambda d: d.strftime("%d.%m.%Y")),
        hostile_text(long=False),
    )


@cache
def hostile_value() -> st.SearchStrategy[str]:
    """Any hostile value, whatever the field."""
    return st.one_of(hostile_text(), hostile_number(), hostile_date())


@cache
def value_for(kind: str) -> st.SearchStrategy[str]:
    """A hostile value for a field of ``kind`` (text, number, date, choice, bool), mostly of
    that kind (the listed special values first of all), sometimes of any other."""
    special = {"number": SPECIAL_NUMBERS, "date": SPECIAL_DATES}.get(kind, SPECIAL_TEXTS)
    typed = {"number": hostile_number(), "date": hostile_date()}.get(kind, hostile_text())
    return st.one_of(st.sampled_from(special), typed, typed, hostile_value())


#: the nastiest values of each kind, every one of them sent to every input by the sweeps
NASTY = {
    "number": ("-1", "1e30", "NaN", "9" * 50, "²", "1e999999999", "1 000,50", "100000000",
               "1e-30", "999999999999.999"),
    "date": ("0001-01-01T00:00", "9999-12-31T23:59", "0001-01-01", "9999-12-31",
             "10000-01-01", "2026-02-30"),
    "text": (NUL, SCRIPT + IMG, "ө" * LONG, "", CONTROL + KYRGYZ + RTL + ZERO_WIDTH + EMOJI),
}


def sweep(fields: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """``(input, value)``: every nasty value of its kind for every input (choices and
    check boxes get the nasty texts)."""
    return [(name, value) for name, kind in fields
            for value in NASTY.get(kind, NASTY["text"])]


# ------------------------------------------------------------------------------ forms

def field_kind(field) -> str:
    """The kind of a WTForms field, for :func:`value_for`."""
    name = type(field).__name__
    if "Date" in name:
        return "date"
    if "Decimal" in name or "Integer" in name or "Float" in name:
        return "number"
    if "Select" in name or "Radio" in name:
        return "choice"
    if "Boolean" in name:
        return "bool"
    return "text"


def leaf_fields(form) -> list[tuple[str, str]]:
    """``(input name, kind)`` of every input of a (bound) WTForms form, tables included."""
    from wtforms import FieldList, FormField

    out = []
    for field in form:
        if isinstance(field, FormField):
            out.extend(leaf_fields(field.form))
        elif isinstance(field, FieldList):
            for entry in field.entries:
                if isinstance(entry, FormField):
                    out.extend(leaf_fields(entry.form))
                else:
                    out.append((entry.name, field_kind(entry)))
        elif type(field).__name__ not in ("CSRFTokenField", "SubmitField"):
            out.append((field.name, field_kind(field)))
    return out


@st.composite
def mutated(draw, base: Mapping, fields: list[tuple[str, str]], max_changes: int = 4
            ) -> tuple[MultiDict, dict[str, str]]:
    """``base`` form data with 1 to ``max_changes`` inputs replaced by hostile values,
    sometimes removed, sent twice, or joined by inputs the form does not know.

    Returns the data and the text inputs changed (name → value), whose values a refused form
    must echo back.
    """
    data = MultiDict(base)
    changed: dict[str, str] = {}
    names = [n for n, _k in fields]
    kinds = dict(fields)
    for _i in range(draw(st.integers(min_value=1, max_value=max_changes))):
        action = draw(st.sampled_from(("set", "set", "set", "set", "set", "drop", "twice",
                                       "unknown")))
        if action == "unknown":
            name = draw(st.sampled_from(names))
            prefix = name.rsplit("-", 1)[0] if "-" in name else name
            extra = draw(st.sampled_from((
                f"{prefix}-99999-x", f"{prefix}-{10**30}-item", f"{prefix}--1-x",
                f"{prefix}-²-x", f"{prefix}-{'9' * 5000}-x", f"{prefix}-١-x",
                "csrf_token", "action", "id", "__proto__", "x" * 300, "ө", "a\x00b")))
            data.add(extra, draw(hostile_value()))
            continue
        name = draw(st.sampled_from(names))
        if action == "drop":
            data.poplist(name)
            changed.pop(name, None)
            continue
        value = draw(value_for(kinds[name]))
        if action == "twice":
            data.add(name, value)
        else:
            data.setlist(name, [value])
            if kinds[name] == "text":
                changed[name] = value
            else:
                changed.pop(name, None)
    return data, changed


# ----------------------------------------------------------------------------- checks

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
    from sqlalchemy import func, literal, select, union_all

    from gms.extensions import db

    q = union_all(*[select(literal(i).label("i"), func.count().label("n"))
                    .select_from(m) for i, m in enumerate(models)])
    rows = dict(db.session.execute(q).all())
    return tuple(rows[i] for i in range(len(models)))


def columns(obj, *names: str) -> tuple:
    """Selected column values of a row, re-read from the database."""
    from gms.extensions import db

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
    from sqlalchemy import event

    from gms.extensions import db

    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _no_sync(dbapi_connection, _record):
        dbapi_connection.execute("PRAGMA synchronous=OFF")

    engine.dispose()


# --------------------------------------------------------------------- competitions

@cache
def json_value() -> st.SearchStrategy:
    """Any value a stored answer (JSON) may hold, hostile ones first."""
    leaves = st.one_of(
        hostile_text(long=False), hostile_number(), hostile_date(), st.none(), st.booleans(),
        st.integers(), st.integers(min_value=-(10**30), max_value=10**30),
        st.floats(allow_nan=True, allow_infinity=True))
    return st.recursive(leaves, lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(st.sampled_from(("", "title", "x", "ө", "0", "amount")), children,
                        max_size=3)), max_leaves=6)


def _paths(value, prefix=()) -> list[tuple]:
    out = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            out += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            out += _paths(item, (*prefix, i))
    return out


def _replace(value, path: tuple, new):
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {**value, head: _replace(value[head], rest, new)}
    copy = list(value)
    copy[head] = _replace(copy[head], rest, new)
    return copy


@st.composite
def hostile_answers(draw, base: dict) -> dict:
    """``base`` (valid answers) with values anywhere in it (a cell, a row, a whole table or
    section) replaced by any JSON value, keys dropped or added; now and then answers that
    are nothing like the form's."""
    if draw(st.integers(min_value=0, max_value=9)) == 0:
        return draw(st.dictionaries(st.sampled_from((*base, "x", "ө")), json_value(),
                                    max_size=6))
    answers = base
    paths = _paths(base)
    for _i in range(draw(st.integers(min_value=1, max_value=5))):
        action = draw(st.sampled_from(("set", "set", "set", "drop", "add")))
        if action == "add":
            answers = {**answers, draw(st.sampled_from(("x", "ө", "", "__proto__"))):
                       draw(json_value())}
            continue
        path = draw(st.sampled_from(paths))
        try:
            if action == "drop" and len(path) == 1:
                answers = {k: v for k, v in answers.items() if k != path[0]}
            else:
                answers = _replace(answers, path, draw(json_value()))
        except (KeyError, IndexError, TypeError):  # the path went away with an earlier change
            continue
    return answers


@cache
def setting_value() -> st.SearchStrategy:
    """What the call form can store in a setting: a whole number, a finite decimal as text,
    a text of up to 2,000 characters, a check box, or nothing."""
    return st.one_of(
        st.integers(min_value=-(10**9) + 1, max_value=10**9 - 1), st.integers(-5, 200),
        st.decimals(allow_nan=False, allow_infinity=False, min_value=-(10**11),
                    max_value=10**11).map(str),
        hostile_text(long=False).map(lambda t: t.replace("\x00", "")[:2000]),
        st.sampled_from(SPECIAL_DATES).map(lambda t: t.replace("\x00", "")),
        st.booleans(), st.none())


@st.composite
def hostile_settings_of(draw, defaults: dict) -> dict:
    """A call's settings: the defaults with some values replaced."""
    settings = dict(defaults)
    for _i in range(draw(st.integers(min_value=0, max_value=3))):
        settings[draw(st.sampled_from(sorted(defaults)))] = draw(setting_value())
    return settings


def check_competition(ctype, competition, application, answers=None) -> None:
    """Everything pure a competition type does with an application's answers (``answers``,
    else the application's), its requested amount read as the core reads it: a result for
    every rule (a bool and a message), the sheet, the documents, the payment plan, the award
    policy and every report — never an exception."""
    import dataclasses
    from decimal import Decimal

    from gms.competition import RankedApplication, build_rules, run_rules

    answers = application.answers if answers is None else answers
    amount_of = ctype.requested_amount_rule(competition).build()
    application = dataclasses.replace(application, competition=competition, answers=answers,
                                      requested_amount=amount_of(answers))
    for result in run_rules(build_rules(ctype.eligibility_rules(competition)), application):
        assert isinstance(result.passed, bool) and str(result.message) is not None
    amount = amount_of(application.answers)
    assert amount is None or isinstance(amount, Decimal | int)
    ctype.scoring_sheet(competition)
    ctype.document_kinds(competition)
    ctype.payment_plan(competition)
    ranked = [RankedApplication(1, 1, Decimal(10), Decimal(amount or 0)
                                if amount is not None and Decimal(amount).is_finite()
                                else Decimal(0), 1)]
    ctype.award_policy(competition).build().decide(ranked, competition.budget)
    for report in ctype.reports(competition):
        header, rows = report.build(competition, [application])
        for row in [header, *rows]:
            ";".join(str(cell) for cell in row)  # as the report's page and CSV show it


def check_form(form_cls, formdata) -> tuple[dict, bool]:
    """A competition's application form on ``formdata`` (inside a request context): it
    validates or not without failing, its answers are JSON, and a form refilled from them (a
    draft opened again) gives answers too. Returns ``(answers, valid)``."""
    import json

    form = form_cls(formdata=formdata)
    valid = form.validate()
    if has_unstorable(formdata):
        assert not valid and not form.storable()
    answers = form.answers()
    json.dumps(answers)
    form_cls.from_answers(answers).answers()
    return answers, valid


# ------------------------------------------------------------------ application pages

def application_world(app, clock, type_key: str, *, org_kind: str = "municipality",
                      territory: str | None = None, settings: dict | None = None,
                      oblasts=("Чуйская область",), organiser: str | None = None) -> dict:
    """An open call of ``type_key``, a staff member, an applicant organisation (a
    municipality of ``territory`` from the reference list) and its draft."""
    from datetime import timedelta
    from decimal import Decimal

    from gms.evaluation import lifecycle
    from gms.extensions import db
    from gms.models import Organisation, Territory, User
    from gms.services import applications, calls
    from gms.services.territories import load_reference

    fast_sqlite(app)
    now = clock()
    with app.app_context():
        load_reference()
        place = db.session.get(Territory, territory) if territory else None
        org = Organisation(kind=org_kind, name=place.display_name if place else "Жаштар тобу",
                           territory_code=territory, oblast=place.oblast if place else None)
        host = None
        if organiser:
            there = db.session.get(Territory, organiser)
            host = Organisation(kind="municipality", name=there.display_name,
                                territory_code=organiser, oblast=there.oblast)
            db.session.add(host)
        db.session.add(org)
        db.session.flush()
        staff = User(email="staff@hostile.kg", name="Staff", role="staff", password_hash="x",
                     organisation_id=host.id if host else None, locale="en")
        applicant = User(email="applicant@hostile.kg", name="Applicant", role="applicant",
                         password_hash="x", organisation_id=org.id, locale="en")
        db.session.add_all([staff, applicant])
        db.session.commit()
        call = calls.create_call(type_key, {
            "title": {"en": "Hostile call", "ru": "Конкурс", "ky": "Сынак"}, "description": {},
            "oblasts": list(oblasts), "opens_at": now - timedelta(days=30),
            "deadline_at": now + timedelta(days=10), "budget": Decimal(3000000),
            "max_awards": None, "max_grant": None, "settings": settings or {},
            "organiser_id": host.id if host else None}, staff.id)
        lifecycle.advance(call, "open", now=now, actor_id=staff.id)
        draft = applications.start_application(call, applicant, now)
        return {"call": call.id, "staff": staff.id, "applicant": applicant.id,
                "draft": draft.id}


def login_as(client, user_id: int | None) -> None:
    """Log ``user_id`` in on ``client`` (``None``: nobody), second factor included."""
    from types import SimpleNamespace

    from gms.testing import login

    with client.session_transaction() as session:
        session.clear()
    if user_id is not None:
        login(client, SimpleNamespace(id=user_id), via="session")


#: what the application page says when an answer cannot be stored
NOTHING_SAVED = "cannot be stored; nothing was saved"


def try_application_form(app, client, ids: dict, form: MultiDict, typed: dict,
                         view: bool = False) -> None:
    """Post an application form (save or submit): never a server error; a refusal shows a
    message, keeps the typed text, leaves the application a draft without eligibility
    results (and, for text that cannot be stored, with its answers as they were); the
    requested amount is stored only within its column. The draft reopened (and with ``view``
    its read-only page), and once submitted the staff's pages and the call's reports, show
    the answers escaped."""
    from decimal import Decimal

    from sqlalchemy import update

    from gms.extensions import db
    from gms.models import Application, EligibilityCheck

    app_id = ids["draft"]
    login_as(client, ids["applicant"])
    with app.app_context():
        before = columns(db.session.get(Application, app_id), "answers", "status", "title")
        checks = table_counts(EligibilityCheck)
    response = client.post(f"/applications/{app_id}", data=form)
    body = check_response(response, form.values())
    # the draft opened again from what was stored (a refusal showed the typed form already)
    pages = [f"/applications/{app_id}"] if response.status_code == 302 else []
    pages += [f"/applications/{app_id}/view"] if view else []
    with app.app_context():
        application = db.session.get(Application, app_id)
        amount = application.requested_amount
        assert amount is None or Decimal(0) <= Decimal(amount) < Decimal(10**12)
        assert storable(application.title) and len(application.title) <= 300
        if response.status_code != 302:
            assert has_error(body), response.status_code
            assert application.status == "draft"
            assert table_counts(EligibilityCheck) == checks
            if NOTHING_SAVED in body:  # a NUL in an answer: the draft is as it was
                assert columns(application, "answers", "status", "title") == before
            for name, value in typed.items():
                assert echoed(body, value), name
        flashes(client)
    for page in pages:
        check_response(client.get(page), form.values())
    with app.app_context():
        if db.session.get(Application, app_id).status == "submitted":
            from gms.services.common import competition_info, registry

            call = db.session.get(Application, app_id).competition
            reports = registry().get(call.type_key).reports(competition_info(call))
            login_as(client, ids["staff"])
            for page in [f"/staff/applications/{app_id}",
                         *(f"/staff/calls/{call.id}/reports/{r.key}" for r in reports)]:
                check_response(client.get(page), form.values())
            db.session.execute(update(Application).where(Application.id == app_id).values(
                status="draft", submitted_at=None, number=None))
            db.session.execute(db.delete(EligibilityCheck))
            db.session.commit()


def examples(prefix: str = "") -> int:
    """How many hostile inputs were sent so far by the counters starting with ``prefix``."""
    return sum(n for key, n in EXAMPLES.items() if key.startswith(prefix))
