"""Bad input everywhere (issue 6, item 7): the core's forms and rules under hostile input.

Every form of the core is sent very long text, Kyrgyz, Russian and mixed scripts,
right-to-left and invisible characters, NUL bytes, HTML and ``<script>``, SQL-looking text,
emoji, negative, huge and malformed amounts and dates out of range, through the test client
as a logged-in user of the right role. The answer is never a server error; a refused input
shows a validation message (a field's error, a flashed error or the error page) and writes
nothing; input HTML is always escaped; what is accepted stays within its column.

Each area has a *sweep* (every nasty value of :data:`gms.testing.hostile.NASTY` in every input, the
other inputs valid) and a Hypothesis test (derandomised: several inputs changed at once,
dropped, repeated or unknown ones added). Each test builds its world once and runs all its
examples against it, putting the rows the form needs back in place before each. The
competitions' own forms and rules are in ``plugins/*/tests/test_hostile_*.py``.
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select, update
from werkzeug.datastructures import MultiDict

from gms.answers import to_date, to_decimal, to_int
from gms.evaluation.models import (
    Appeal,
    Assignment,
    Award,
    CommissionMember,
    Conflict,
    ConsensusReport,
    Meeting,
    Score,
)
from gms.extensions import db
from gms.models import Application, AuditEntry, Competition, EligibilityCheck, Organisation, User
from gms.money import models as M
from gms.money.models import Contribution, Grant, GrantDocument, GrantReport, Tranche, Transfer
from gms.testing import hostile as H

from .helpers import make_org, toy_round
from .helpers import make_user as new_user
from .toy_competition import TOY, ToyCompetition

pytestmark = [pytest.mark.gms_plugins(), pytest.mark.gms_config(**TOY)]

PDF = b"%PDF-1.4\n% a signed scan\n%%EOF\n"


def _fill(value, ids: dict):
    """``"{call}"`` and the like, with the world's ids."""
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    return value.format(**{k: v for k, v in ids.items() if not isinstance(v, list)})


def _formdata(base: dict, ids: dict) -> MultiDict:
    return MultiDict([(k, v) for k, vs in base.items()
                      for v in (_fill(vs, ids) if isinstance(vs, list) else [_fill(vs, ids)])])


def _sweep(forms: dict, ids: dict, attempt) -> None:
    """Every nasty value in every input of every form of ``forms`` (``kind → (role, path,
    base, fields)``), the other inputs as in ``base``."""
    for kind, (_role, _path, base, fields) in forms.items():
        for name, value in H.sweep(fields):
            form = _formdata(base, ids)
            form.setlist(name, [value])
            H.count("sweep")
            attempt(kind, form, {name: value} if dict(fields)[name] == "text" else {})


def _add(row) -> int:
    db.session.add(row)
    db.session.commit()
    return row.id


# ============================================================================ pure rules

_anything = st.one_of(
    H.hostile_value(), st.none(), st.booleans(), st.integers(), st.floats(),
    st.decimals(), st.dates(), st.datetimes(), st.binary(max_size=20),
    st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=3), st.integers(),
                                                         max_size=2))


@H.hostile_settings(600)
@given(value=_anything)
def test_answer_readers_return_a_value_or_none(value):
    """``to_decimal``/``to_int``/``to_date`` read anything without raising (or hanging on
    ``1e999999999``)."""
    H.count("answers")
    number = to_decimal(value)
    assert number is None or (isinstance(number, Decimal) and number.is_finite())
    whole = to_int(value)
    assert whole is None or isinstance(whole, int)
    day = to_date(value)
    assert day is None or isinstance(day, date)


_score = st.one_of(
    st.none(),
    st.decimals(allow_nan=False, allow_infinity=False),
    st.integers(min_value=-10**6, max_value=10**6),
    st.sampled_from([Decimal("0"), Decimal("0.5"), Decimal("10"), Decimal("5"), Decimal("-0"),
                     Decimal("10.0000000000000000000000000001"), Decimal("1E+999999"),
                     Decimal("1E-999999")]),
)


@H.hostile_settings(300)
@given(scores=st.dictionaries(st.sampled_from(["impact", "cost", "other", "", "ө"]), _score),
       comments=st.dictionaries(st.sampled_from(["impact", "cost"]), H.hostile_text(False)))
def test_scoring_sheet_takes_any_finite_scores(scores, comments):
    """Validation gives error keys; only a valid sheet is totalled, within the maximum. (The
    score sheet's page turns NaN and infinities into "outside the scale" before this.)"""
    H.count("sheet")
    sheet = ToyCompetition().scoring_sheet(None)
    errors = sheet.validate(scores, comments)
    assert set(errors.values()) <= {"required", "out_of_range", "bad_step", "comment_required"}
    if not errors:
        total = sheet.total(scores)
        assert total is None or Decimal(0) <= total <= sheet.max_total


# ================================================================================= auth

AUTH_FORMS = {
    "register": (None, "/register",
                 {"name": "Айгүл Токтосунова", "email": "aigul@example.kg",
                  "password": "a long enough password", "confirm": "a long enough password",
                  "org_kind": "ngo", "territory_code": "", "org_name": "Жаштар борбору"},
                 [("name", "text"), ("email", "text"), ("password", "text"),
                  ("confirm", "text"), ("org_kind", "choice"), ("territory_code", "choice"),
                  ("org_name", "text")]),
    "login": (None, "/login", {"email": "nobody@example.kg", "password": "wrong password"},
              [("email", "text"), ("password", "text")]),
    "reset": (None, "/reset", {"email": "nobody@example.kg"}, [("email", "text")]),
    "new_password": (None, "/reset/{token}", {"password": "a new long password",
                                              "confirm": "a new long password"},
                     [("password", "text"), ("confirm", "text")]),
}


@pytest.fixture
def auth_round(app, territories):
    """Argon2 at minimal cost (the ``cheap_password_hashing`` fixture): these tests are about
    input, not about hashing time."""
    H.fast_sqlite(app)
    return {"token": "x"}


def _try_auth(app, kind: str, form: MultiDict, typed: dict, token: str = "x") -> None:
    """Registration, log-in and password reset: never a server error, nothing half-made."""
    _role, path, _base, _fields = AUTH_FORMS[kind]
    client = app.test_client()
    with app.app_context():
        before = H.table_counts(User, Organisation)
    response = client.post(path.format(token=quote(token, safe="")), data=form)
    body = H.check_response(response, form.values())
    with app.app_context():
        if kind == "register" and response.status_code == 302:
            user = db.session.scalars(select(User).order_by(User.id.desc())).first()
            assert H.storable(user.name) and len(user.name) <= 200
        else:
            assert H.table_counts(User, Organisation) == before
            if kind == "register":
                assert H.has_error(body)


def test_auth_sweep(app, auth_round):
    _sweep(AUTH_FORMS, auth_round, lambda kind, form, typed: _try_auth(app, kind, form, typed))


@H.hostile_settings(60)
@given(data=st.data())
def test_auth_forms_never_fail(app, auth_round, data):
    H.count("auth")
    kind = data.draw(st.sampled_from(sorted(AUTH_FORMS)))
    _role, _path, base, fields = AUTH_FORMS[kind]
    form, typed = data.draw(H.mutated(base, fields))
    _try_auth(app, kind, form, typed, token=data.draw(H.hostile_text(long=False)) or "x")


# ============================================================================ call form

CALL_FORMS = {
    "call": ("staff", "/staff/calls/new/toy",
             {"title_ky": "Сынак", "title_ru": "Конкурс", "title_en": "Toy call",
              "description_en": "About", "opens_at": "2026-04-01T09:00",
              "deadline_at": "2026-05-01T17:00", "budget": "1000000",
              "oblasts": "Чуйская область", "setting-min_summary": "5"},
             [("title_ky", "text"), ("title_ru", "text"), ("title_en", "text"),
              ("description_ky", "text"), ("description_ru", "text"),
              ("description_en", "text"), ("oblasts", "choice"), ("opens_at", "date"),
              ("deadline_at", "date"), ("budget", "number"), ("max_awards", "number"),
              ("max_grant", "number"), ("setting-min_summary", "number")]),
}
CALL_FORMS["edit"] = ("staff", "/staff/calls/{draft}/edit", *CALL_FORMS["call"][2:])
CALL_COLUMNS = ("title", "description", "budget", "opens_at", "deadline_at", "settings",
                "max_awards", "max_grant", "oblasts")


@pytest.fixture
def call_round(app, client, territories):
    """A staff member logged in on ``client`` and a draft toy call."""
    H.fast_sqlite(app)
    with app.app_context():
        ids = {"staff": new_user("staff", "staff@hostile.kg").id}
    H.login_as(client, ids["staff"])
    created = client.post("/staff/calls/new/toy", data=CALL_FORMS["call"][2])
    assert created.status_code == 302, created.status_code
    ids["draft"] = int(created.headers["Location"].rstrip("/").split("/")[-1])
    return ids


def _try_call(app, client, ids, kind: str, form: MultiDict, typed: dict) -> None:
    """Creating and editing a call: refused with a message, the typed text back escaped, no
    call half-made; an accepted call has its dates in order and its money in range."""
    with app.app_context():
        before = H.table_counts(Competition, AuditEntry)
        draft = H.columns(db.session.get(Competition, ids["draft"]), *CALL_COLUMNS)
    response = client.post(_fill(CALL_FORMS[kind][1], ids), data=form)
    body = H.check_response(response, form.values())
    with app.app_context():
        if response.status_code == 302:
            H.flashes(client)
            call = db.session.get(Competition, ids["draft"] if kind == "edit" else before[0] + 1)
            assert Decimal(0) <= Decimal(call.budget) <= Decimal(10**11)
            assert call.max_grant is None or 1 <= Decimal(call.max_grant) <= 10**11
            assert call.deadline_at > call.opens_at
            assert all(H.storable(t) for t in (*call.title.values(),
                                                *call.description.values()))
            assert all(isinstance(v, int | str | bool | None) for v in call.settings.values())
        else:
            assert response.status_code == 422, response.status_code
            assert H.has_error(body)
            assert H.table_counts(Competition, AuditEntry) == before
            assert H.columns(db.session.get(Competition, ids["draft"]), *CALL_COLUMNS) == draft
            for name, value in typed.items():
                if not name.startswith("setting-") and name != "oblasts":
                    assert H.echoed(body, value), name


def test_call_form_sweep(app, client, call_round):
    _sweep(CALL_FORMS, call_round,
           lambda kind, form, typed: _try_call(app, client, call_round, kind, form, typed))


@H.hostile_settings(100)
@given(data=st.data())
def test_call_form_refuses_bad_input_clearly(app, client, call_round, data):
    H.count("call_form")
    kind = data.draw(st.sampled_from(sorted(CALL_FORMS)))
    form, typed = data.draw(H.mutated(CALL_FORMS[kind][2], CALL_FORMS[kind][3], max_changes=5))
    _try_call(app, client, call_round, kind, form, typed)


# ===================================================================== toy application

APPLICATION_FORMS = {
    "application": ("a", "/applications/{draft}",
                    {"title": "Суу түтүгү", "requested_amount": "1000",
                     "summary": "A long enough summary", "action": "save"},
                    [("title", "text"), ("requested_amount", "number"), ("summary", "text"),
                     ("action", "choice")]),
}


@pytest.fixture
def toy_draft(app, client, clock):
    """An open toy call and a draft of applicant ``a``."""
    H.fast_sqlite(app)
    with app.app_context():
        ids = toy_round(status="open", now=clock())
        ids["draft"], ids["applicant"] = ids["apps_a"][0], ids["a"]
        db.session.execute(update(Application).where(Application.id == ids["draft"]).values(
            status="draft", submitted_at=None, number=None))
        db.session.execute(db.delete(EligibilityCheck))
        db.session.commit()
    return ids


def _try_application(app, client, ids, kind: str, form: MultiDict, typed: dict) -> None:
    """The core's application page (see :func:`gms.testing.hostile.try_application_form`)."""
    H.try_application_form(app, client, ids, form, typed, view=True)


def test_application_form_sweep(app, client, toy_draft):
    _sweep(APPLICATION_FORMS, toy_draft, lambda kind, form, typed: _try_application(
        app, client, toy_draft, kind, form, typed))


@H.hostile_settings(80)
@given(data=st.data())
def test_application_form_saves_or_refuses_cleanly(app, client, toy_draft, data):
    H.count("application")
    _role, _path, base, fields = APPLICATION_FORMS["application"]
    form, typed = data.draw(H.mutated(base, fields))
    _try_application(app, client, toy_draft, "application", form, typed)


# ==================================================================== commission members

def _evaluation_round(app, clock) -> dict:
    """A toy call in evaluation: applications of ``a`` and ``b`` assigned to member m1, a
    second sheet by m2 on the first one; m1 chairs the commission, m2 is a member."""
    from gms.evaluation import assignment, roster

    H.fast_sqlite(app)
    with app.app_context():
        ids = toy_round(n_per_org=2, now=clock())
        call = db.session.get(Competition, ids["call"])
        staff = db.session.get(User, ids["staff"])
        first = db.session.get(Application, ids["apps_a"][0])
        assignment.assign(first, [ids["m2"]], staff)
        roster.set_member(call, ids["m1"], "chair", staff)
        roster.set_member(call, ids["m2"], "member", staff)
        ids["mine"] = db.session.scalar(select(Assignment.id).where(
            Assignment.application_id == first.id, Assignment.reviewer_id == ids["m1"]))
        ids["other"] = db.session.scalar(select(Assignment.id).where(
            Assignment.application_id == first.id, Assignment.reviewer_id == ids["m2"]))
        ids["first"], ids["second"] = first.id, ids["apps_a"][1]
    return ids


REVIEW_FORMS = {
    "declare": ("m1", "/review/{mine}/declare", {"conflict": "no", "reason": ""},
                [("conflict", "choice"), ("reason", "text")]),
    "score": ("m1", "/review/{mine}",
              {"score-impact": "7.5", "score-cost": "na", "comment-impact": "Жакшы",
               "comment-cost": "", "comment": "Overall", "action": "save"},
              [("score-impact", "number"), ("score-cost", "number"),
               ("comment-impact", "text"), ("comment-cost", "text"), ("comment", "text"),
               ("action", "choice"), ("score-unknown", "number")]),
    "decline": ("m1", "/review/{mine}/decline", {"reason": "Ооруп калдым"},
                [("reason", "text")]),
    "reopen": ("m1", "/review/{mine}/reopen/{other}", {"reason": "Ката бар"},
               [("reason", "text")]),
    "consensus": ("m1", "/review/consensus/{first}", {"score": "12", "text": "Консенсус"},
                  [("score", "number"), ("text", "text")]),
}


def _reset_review(ids: dict, kind: str, now) -> None:
    db.session.execute(update(Competition).where(Competition.id == ids["call"])
                       .values(status="evaluation"))
    db.session.execute(update(Assignment).where(Assignment.id == ids["mine"])
                       .values(status="pending", submitted_at=None))
    mine = (Conflict.application_id == ids["first"]) & (Conflict.user_id == ids["m1"])
    if kind == "declare":
        db.session.execute(db.delete(Conflict).where(mine))
    elif not db.session.scalar(select(Conflict.id).where(mine, Conflict.status == "none")):
        db.session.execute(db.delete(Conflict).where(mine))
        db.session.add(Conflict(application_id=ids["first"], user_id=ids["m1"],
                                source="declared", status="none", reason="", at=now))
    if kind == "reopen":
        db.session.execute(update(Assignment).where(Assignment.id == ids["other"])
                           .values(status="submitted", submitted_at=now))
    db.session.commit()


def _review_state(ids: dict) -> tuple:
    return (H.table_counts(Conflict, Score, ConsensusReport, AuditEntry),
            H.columns(db.session.get(Assignment, ids["mine"]), "status", "total", "comment",
                      "declined_reason"),
            H.columns(db.session.get(Assignment, ids["other"]), "status"),
            tuple(db.session.execute(select(Score.criterion_key, Score.value, Score.comment)
                                     .order_by(Score.id))))


@pytest.fixture
def review_round(app, client, clock):
    ids = _evaluation_round(app, clock)
    H.login_as(client, ids["m1"])
    return ids


def _try_review(app, client, clock, ids, kind: str, form: MultiDict, typed: dict) -> None:
    """Declaration, score sheet, decline, reopening, consensus: a refused input shows a
    message and changes nothing; scores stay on the scale, the consensus within the sheet's
    maximum; a refused sheet shows the comments typed."""
    with app.app_context():
        _reset_review(ids, kind, clock())
        before = _review_state(ids)
    response = client.post(_fill(REVIEW_FORMS[kind][1], ids), data=form)
    body = H.check_response(response, form.values())
    with app.app_context():
        refused = (H.refused(client) if response.status_code == 302
                   else response.status_code >= 400 or H.has_error(body))
        if refused:
            assert response.status_code == 302 or H.has_error(body), response.status_code
            assert _review_state(ids) == before, kind
        for row in db.session.scalars(select(Score)):
            assert row.value is None or Decimal(0) <= Decimal(row.value) <= Decimal(10)
            assert row.comment is None or H.storable(row.comment)
        for row in db.session.scalars(select(ConsensusReport)):
            assert Decimal(0) <= Decimal(row.score) <= Decimal(25) and H.storable(row.text)
        if kind == "score" and response.status_code == 422:
            for name, value in typed.items():
                if name.startswith("comment"):
                    assert H.echoed(body, value[:5000 if "-" in name else 10000]), name
    H.flashes(client)


def test_review_sweep(app, client, clock, review_round):
    _sweep(REVIEW_FORMS, review_round, lambda kind, form, typed: _try_review(
        app, client, clock, review_round, kind, form, typed))


@H.hostile_settings(120)
@given(data=st.data())
def test_review_forms_refuse_bad_input_clearly(app, client, clock, review_round, data):
    H.count("review")
    kind = data.draw(st.sampled_from(sorted(REVIEW_FORMS)))
    _role, _path, base, fields = REVIEW_FORMS[kind]
    form, typed = data.draw(H.mutated(base, fields))
    _try_review(app, client, clock, review_round, kind, form, typed)


# ============================================================ commission, screening, results

STAFF_FORMS = {
    "member": ("staff", "/staff/calls/{call}/commission/member",
               {"user_id": "{m2}", "role": "member"}, [("user_id", "number"), ("role", "choice")]),
    "settings": ("staff", "/staff/calls/{call}/commission/settings",
                 {"divergence_limit": "5", "quorum": "2", "evaluators_per_application": "2",
                  "appeal_days": "14"},
                 [("divergence_limit", "number"), ("quorum", "number"),
                  ("evaluators_per_application", "number"), ("appeal_days", "number")]),
    "auto_assign": ("staff", "/staff/calls/{call}/commission/assign",
                    {"seed": "2026", "due_at": "2026-03-20T17:00", "per_application": "2"},
                    [("seed", "number"), ("due_at", "date"), ("per_application", "number")]),
    "override": ("staff", "/staff/applications/{first}/override",
                 {"user_id": "{m2}", "reason": "Туура"},
                 [("user_id", "number"), ("reason", "text")]),
    "meeting": ("staff", "/staff/calls/{call}/meeting",
                {"held_at": "2026-03-10T10:00", "attendees": ["{m1}", "{m2}"],
                 "votes_for": "2", "votes_against": "0", "abstained": "0", "notes": "Кеңеш"},
                [("held_at", "date"), ("attendees", "number"), ("votes_for", "number"),
                 ("votes_against", "number"), ("abstained", "number"), ("notes", "text")]),
    "assign": ("staff", "/staff/applications/{second}/assign", {"reviewers": ["{m2}"]},
               [("reviewers", "number")]),
    "screen": ("staff", "/staff/applications/{second}/screen",
               {"decision": "ineligible", "reason": "Документ жок"},
               [("decision", "choice"), ("reason", "text")]),
    "decline_award": ("staff", "/staff/awards/{award}/decline", {"reason": "Баш тартты"},
                      [("reason", "text")]),
    "decide_appeal": ("staff", "/staff/appeals/{appeal}/decide",
                      {"upheld": "no", "decision": "Чечим"},
                      [("upheld", "choice"), ("decision", "text")]),
    "appeal": ("a", "/applications/{first}/appeal",
               {"grounds": "The score on impact ignores our evidence entirely."},
               [("grounds", "text")]),
}


@pytest.fixture
def staff_round(app, clock):
    """The evaluation round, with awards (the first application funded, one of ``b`` on the
    reserve list) and a filed appeal."""
    ids = _evaluation_round(app, clock)
    now = clock()
    with app.app_context():
        ids["award"] = _add(Award(competition_id=ids["call"], application_id=ids["first"],
                                  outcome="funded", amount=Decimal(1000), rank=1,
                                  decided_by_id=ids["staff"]))
        _add(Award(competition_id=ids["call"], application_id=ids["apps_b"][0],
                   outcome="reserve", amount=Decimal(0), rank=2, decided_by_id=ids["staff"]))
        ids["appeal"] = _add(Appeal(application_id=ids["first"], filed_by_id=ids["a"],
                                    grounds="Our evidence was ignored.", filed_at=now))
    return ids


def _reset_staff(ids: dict, kind: str, now) -> None:
    status = {"screen": "screening", "decline_award": "decided",
              "appeal": "published"}.get(kind, "evaluation")
    db.session.execute(update(Competition).where(Competition.id == ids["call"]).values(
        status=status, published_at=now - timedelta(days=1), appeal_days=30))
    db.session.execute(update(Application).where(Application.id == ids["second"])
                       .values(status="submitted" if kind == "screen" else "eligible"))
    db.session.execute(update(Application).where(Application.id == ids["first"])
                       .values(status="eligible"))
    db.session.execute(update(Award).where(Award.id == ids["award"])
                       .values(outcome="funded", amount=Decimal(1000), reason=""))
    db.session.execute(update(Award).where(Award.id != ids["award"])
                       .values(outcome="reserve", amount=Decimal(0)))
    db.session.execute(update(Appeal).where(Appeal.id == ids["appeal"])
                       .values(status="filed", decision=None))
    if kind == "appeal":
        db.session.execute(db.delete(Appeal).where(Appeal.id != ids["appeal"]))
        db.session.execute(update(Appeal).values(status="rejected"))
    db.session.commit()


def _staff_state(ids: dict) -> tuple:
    return (H.table_counts(CommissionMember, Assignment, Conflict, Meeting, Appeal, AuditEntry),
            H.columns(db.session.get(Competition, ids["call"]), "quorum",
                      "evaluators_per_application", "divergence_limit", "appeal_days"),
            tuple(db.session.execute(select(Application.status).order_by(Application.id))),
            tuple(db.session.execute(select(Award.outcome, Award.amount).order_by(Award.id))),
            tuple(db.session.execute(select(Appeal.status, Appeal.decision)
                                     .order_by(Appeal.id))))


STAFF_PAGES = (("staff", "/staff/calls/{call}/commission"), ("a", "/applications/{first}/view"),
               ("staff", "/staff/applications/{first}"), ("staff", "/staff/calls/{call}/ranking"),
               ("m1", "/review/{mine}"))


def _try_staff(app, client, clock, ids, kind: str, form: MultiDict, typed: dict,
               page: int | None = None) -> None:
    """Commission members and settings, assignment, conflict override, the meeting,
    screening, a declined award, appeals: a refused input is flashed and changes nothing;
    what is accepted stays within bounds and shows on the pages escaped."""
    role, path, _base, _fields = STAFF_FORMS[kind]
    H.login_as(client, ids[role])
    with app.app_context():
        _reset_staff(ids, kind, clock())
        before = _staff_state(ids)
    response = client.post(_fill(path, ids), data=form)
    H.check_response(response, form.values())
    with app.app_context():
        if response.status_code >= 400 or H.refused(client):
            assert _staff_state(ids) == before, kind
        call = db.session.get(Competition, ids["call"])
        for value in (call.quorum, call.evaluators_per_application, call.appeal_days):
            assert value is None or 1 <= value <= 10**4
        assert call.divergence_limit is None or 0 <= Decimal(call.divergence_limit) <= 10**6
        for meeting in db.session.scalars(select(Meeting)):
            assert min(meeting.votes_for, meeting.votes_against, meeting.abstained) >= 0
            assert H.storable(meeting.notes or "")
        for appeal in db.session.scalars(select(Appeal)):
            assert H.storable(appeal.grounds) and H.storable(appeal.decision or "")
    if page is not None:
        _show(client, ids, STAFF_PAGES[page], form.values())


def _show(client, ids, page: tuple, typed) -> None:
    """A page showing what the forms stored: no server error, no input HTML unescaped."""
    role, path = page
    H.login_as(client, ids[role])
    H.check_response(client.get(_fill(path, ids)), typed)


def test_staff_forms_sweep(app, client, clock, staff_round):
    _sweep(STAFF_FORMS, staff_round, lambda kind, form, typed: _try_staff(
        app, client, clock, staff_round, kind, form, typed))
    for page in STAFF_PAGES:
        _show(client, staff_round, page, [H.SCRIPT + H.IMG])


@H.hostile_settings(100)
@given(data=st.data())
def test_staff_commission_and_results_forms(app, client, clock, staff_round, data):
    H.count("staff_forms")
    kind = data.draw(st.sampled_from(sorted(STAFF_FORMS)))
    _role, _path, base, fields = STAFF_FORMS[kind]
    form, typed = data.draw(H.mutated(_formdata(base, staff_round), fields))
    _try_staff(app, client, clock, staff_round, kind, form, typed,
               data.draw(st.integers(min_value=0, max_value=len(STAFF_PAGES) - 1)))


# ================================================================================ money

FINANCE_FORMS = {
    "terms": ("staff", "/finance/grants/{unsigned}/terms",
              {"language": "ru", "currency": "KGS", "amount": "", "starts_on": "2026-04-01",
               "ends_on": "2026-12-31", "recipient_account": "4402011100005821"},
              [("language", "choice"), ("currency", "choice"), ("amount", "number"),
               ("starts_on", "date"), ("ends_on", "date"), ("recipient_account", "text")]),
    "plan": ("staff", "/finance/grants/{unsigned}/plan",
             {"tranches-0-percent": "70", "tranches-0-due_on": "2026-04-01",
              "tranches-0-milestone": "Башталышы", "tranches-1-percent": "30",
              "tranches-1-milestone": "Отчёт", "tranches-1-requires_report": "on"},
             [(f"tranches-{i}-{cell}", kind) for i in range(2)
              for cell, kind in (("amount", "number"), ("percent", "number"),
                                 ("due_on", "date"), ("milestone", "text"),
                                 ("requires_report", "choice"))]),
    "sign": ("staff", "/finance/grants/{unsigned}/sign",
             {"grantee_signed_on": "2026-03-01", "programme_signed_on": "2026-03-02"},
             [("grantee_signed_on", "date"), ("programme_signed_on", "date")]),
    "promise": ("staff", "/finance/grants/{unsigned}/contributions",
                {"stage": "promised", "source": "local_budget", "amount": "50000",
                 "note": "Жергиликтүү бюджет"},
                [("stage", "choice"), ("source", "choice"), ("amount", "number"),
                 ("note", "text")]),
    "contribute": ("finance", "/finance/grants/{active}/contributions",
                   {"stage": "actual", "source": "labour", "amount": "12000.50", "note": "Ашар"},
                   [("stage", "choice"), ("source", "choice"), ("amount", "number"),
                    ("note", "text")]),
    "transfer": ("finance", "/finance/grants/{active}/transfers",
                 {"tranche_id": "{tranche}", "value_date": "2026-03-01", "amount_kgs": "101500",
                  "payment_order": "ПП-17", "recipient_account": "",
                  "exchange_rate": "101.5", "note": "Биринчи транш"},
                 [("tranche_id", "number"), ("value_date", "date"), ("amount_kgs", "number"),
                  ("payment_order", "text"), ("recipient_account", "text"),
                  ("treasury_code", "text"), ("exchange_rate", "number"), ("note", "text")]),
    "payee": ("staff", "/finance/grants/{active}/payee",
              {"recipient_account": "4402011100005821", "treasury_code": "440001"},
              [("recipient_account", "text"), ("treasury_code", "text")]),
    "return": ("finance", "/finance/grants/{active}/returns",
               {"value_date": "2026-03-01", "amount_kgs": "1015", "payment_order": "ПП-18",
                "exchange_rate": "101.5", "note": "Калдык"},
               [("value_date", "date"), ("amount_kgs", "number"), ("payment_order", "text"),
                ("exchange_rate", "number"), ("note", "text")]),
    "reverse": ("finance", "/finance/transfers/{transfer}/reverse",
                {"value_date": "2026-03-01", "payment_order": "ПП-19", "reason": "Ката"},
                [("value_date", "date"), ("payment_order", "text"), ("reason", "text")]),
    "close": ("finance", "/finance/grants/{active}/close",
              {"returned_kgs": "", "value_date": "2026-03-01", "payment_order": "",
               "exchange_rate": "", "note": "Бүттү", "shortfall_reason": ""},
              [("returned_kgs", "number"), ("value_date", "date"), ("payment_order", "text"),
               ("exchange_rate", "number"), ("note", "text"), ("shortfall_reason", "text")]),
    "report": ("grantee", "/finance/my/reports/{final}",
               {"narrative": "Түтүктөр салынды", "line-0-name": "Түтүк",
                "line-0-budgeted": "500000", "line-0-spent": "480000,50",
                "beneficiaries": "1200", "monitoring_findings": "", "action": "save"},
               [("narrative", "text"), ("beneficiaries", "number"),
                ("monitoring_findings", "text"), ("action", "choice")]
               + [(f"line-{i}-{cell}", kind) for i in range(2)
                  for cell, kind in (("name", "text"), ("budgeted", "number"),
                                     ("spent", "number"))]),
    "decide_report": ("staff", "/finance/reports/{final}/decide",
                      {"decision": "return", "comment": "Сүрөттөрдү кошуңуз"},
                      [("decision", "choice"), ("comment", "text")]),
    "monitoring": ("staff", "/finance/reports/{final}/monitoring",
                   {"findings": "Мониторинг тобу текшерди"}, [("findings", "text")]),
}
FILE_NAMES = ("scan.pdf", "<script>alert(1)</script>.pdf", "ө" * 300 + ".pdf", "a\x00b.pdf",
              "../../etc/passwd.pdf", "скан.PDF", ".pdf", "scan.exe", "😀.pdf", "")
MONEY_PAGES = (
    ("staff", "/finance/awards/{award}"), ("grantee", "/finance/my/grants/{active}"),
    ("staff", "/finance/export/transfers.xlsx"), ("staff", "/finance/export/grants.xlsx"),
    ("finance", "/finance/export/transfers.csv"), ("staff", "/finance/reports/{final}"),
    ("grantee", "/finance/my/reports/{final}"), ("staff", "/finance/"),
    ("staff", "/finance/transfers"),
)


def _money_grant(ids: dict, *, signed: bool):
    """A funded award of the call with its grant: unsigned, or signed in CHF with a plan of
    two tranches (the second after an approved progress report)."""
    from gms.money import agreements

    staff = db.session.get(User, ids["staff"])
    n = ids["n"] = ids.get("n", 0) + 1
    application = Application(competition_id=ids["call"], organisation_id=ids["org"],
                              number=f"TOY-{n:04d}", status="funded", title=f"Water {n}",
                              requested_amount=Decimal(10**9), created_by_id=ids["grantee"],
                              submitted_at=datetime(2026, 1, 1, tzinfo=UTC))
    db.session.add(application)
    db.session.flush()
    award = Award(competition_id=ids["call"], application_id=application.id, outcome="funded",
                  amount=Decimal(10**9), rank=n, decided_by_id=staff.id)
    db.session.add(award)
    db.session.commit()
    grant = agreements.open_grant(award, staff)
    if not signed:
        ids["unsigned"] = grant.id
        return grant
    agreements.set_terms(grant, staff, language="ru", currency="CHF", amount=Decimal(10**7),
                         starts_on=date(2026, 3, 1), ends_on=date(2026, 12, 31),
                         recipient_account="4402011100005821")
    agreements.set_plan(grant, [agreements.TrancheSpec(percent=Decimal(50)),
                                agreements.TrancheSpec(percent=Decimal(50),
                                                       requires_report=True)], staff)
    agreements.sign(grant, grantee_signed_on=date(2026, 3, 1),
                    programme_signed_on=date(2026, 3, 1), filename="signed.pdf", data=PDF,
                    actor=staff)
    ids["active"], ids["award"] = grant.id, award.id
    ids["tranche"] = min(t.id for t in grant.tranches)
    ids["final"] = db.session.scalar(select(GrantReport.id).where(
        GrantReport.grant_id == grant.id, GrantReport.kind == M.FINAL))
    return grant


@pytest.fixture
def money_round(app, clock):
    """A published toy call, an unsigned grant and an active one (CHF, two tranches)."""
    H.fast_sqlite(app)
    from gms.services.territories import load_reference

    with app.app_context():
        load_reference()
        org = make_org(soate="41708203814000")
        ids = {"staff": new_user("staff", "staff@money.kg").id,
               "finance": new_user("finance", "finance@money.kg").id,
               "grantee": new_user("applicant", "grantee@money.kg", org).id, "org": org.id}
        now = clock()
        ids["call"] = _add(Competition(
            type_key="toy", status="published", title={"en": "Toy call", "ru": "Конкурс"},
            budget=Decimal(10**11), opens_at=now - timedelta(days=60),
            deadline_at=now - timedelta(days=30), settings={},
            published_at=now - timedelta(days=10)))
        _money_grant(ids, signed=False)
        _money_grant(ids, signed=True)
    return ids


def _reset_money(ids: dict, kind: str) -> None:
    from gms.money import transfers

    active = db.session.get(Grant, ids["active"])
    if active.status != M.ACTIVE or Decimal(active.transferred) > Decimal(active.amount) / 2:
        active = _money_grant(ids, signed=True)
    if db.session.get(Grant, ids["unsigned"]).status != M.UNSIGNED:
        _money_grant(ids, signed=False)
    final = db.session.get(GrantReport, ids["final"])
    final.status = {"decide_report": M.SUBMITTED, "close": M.APPROVED}.get(kind, M.DUE)
    db.session.commit()
    if kind in ("reverse", "return") or Decimal(active.transferred) == 0:
        ids["transfer"] = transfers.record_transfer(
            active, tranche_id=ids["tranche"], value_date=date(2026, 3, 1),
            amount_kgs=Decimal("10150"), payment_order="ПП-1", recipient_account=None,
            exchange_rate=Decimal("101.5"), note="", actor=db.session.get(User, ids["finance"])
        ).id


def _money_state(ids: dict) -> tuple:
    grants = tuple(H.columns(db.session.get(Grant, ids[k]), "status", "amount", "currency",
                             "transferred", "returned", "language", "starts_on", "ends_on",
                             "recipient_account", "treasury_code", "grantee_signed_on",
                             "closing_note")
                   for k in ("unsigned", "active"))
    report = H.columns(db.session.get(GrantReport, ids["final"]), "status", "narrative",
                       "spent_total", "beneficiaries", "monitoring_findings", "comment",
                       "spending")
    return (H.table_counts(Transfer, Contribution, Tranche, GrantReport, GrantDocument,
                           AuditEntry), grants, report)


def _money_invariants(ids: dict) -> None:
    """What the grants of this example hold: totals within the award, rates and amounts
    within their columns, no NUL in any text."""
    grants = [ids["unsigned"], ids["active"]]
    for grant in db.session.scalars(select(Grant).where(Grant.id.in_(grants))):
        assert 0 <= grant.returned <= grant.transferred <= grant.amount < 10**12
        assert H.storable(grant.recipient_account or "") and H.storable(grant.closing_note or "")
        assert H.storable(grant.treasury_code or "") and len(grant.treasury_code or "") <= 60
        for t in grant.tranches:
            assert 0 < t.amount <= grant.amount and H.storable(t.milestone or "")
    for t in db.session.scalars(select(Transfer).where(Transfer.grant_id.in_(grants))):
        assert t.exchange_rate is None or 0 < t.exchange_rate < 10**6
        assert (t.amount > 0) == (t.reverses_id is None) and abs(t.amount_kgs) < 10**12
        assert t.value_date <= date(2026, 3, 2)
        assert H.storable(t.payment_order) and H.storable(t.note or "")
        assert H.storable(t.recipient_account) and H.storable(t.treasury_code or "")
    for c in db.session.scalars(select(Contribution).where(Contribution.grant_id.in_(grants))):
        assert 0 < c.amount < 10**12 and H.storable(c.note or "")
    for r in db.session.scalars(select(GrantReport).where(GrantReport.grant_id.in_(grants))):
        assert 0 <= r.spent_total < 10**12
        assert r.beneficiaries is None or 0 <= r.beneficiaries <= 10**9
        assert all(H.storable(x or "") for x in (r.narrative, r.comment,
                                                 r.monitoring_findings))


def _try_money(app, client, ids, kind: str, form: MultiDict, typed: dict,
               file_name: str | None = None, page: int | None = None) -> None:
    """Agreement terms, payment plan, signature, co-financing, transfers, returns,
    reversals, closing and reports: a refused input is flashed and writes nothing; amounts
    and rates stay within their columns; the pages and exports show what was stored."""
    role, path, _base, _fields = FINANCE_FORMS[kind]
    with app.app_context():
        _reset_money(ids, kind)
        before = _money_state(ids)
    payload = MultiDict(form)
    if file_name is not None:
        field = {"sign": "scan", "monitoring": "file", "report": "photo"}[kind]
        payload.add(field, (io.BytesIO(PDF), file_name))
    elif kind == "sign":
        payload.add("scan", (io.BytesIO(PDF), "scan.pdf"))
    H.login_as(client, ids[role])
    response = client.post(_fill(path, ids), data=payload)
    body = H.check_response(response, form.values())
    with app.app_context():
        if response.status_code >= 400 or H.refused(client) or H.has_error(body):
            assert _money_state(ids) == before, kind
        _money_invariants(ids)
    if page is not None:
        _show(client, ids, MONEY_PAGES[page], form.values())


def test_money_sweep(app, client, money_round):
    _sweep(FINANCE_FORMS, money_round, lambda kind, form, typed: _try_money(
        app, client, money_round, kind, form, typed))
    for kind in ("sign", "monitoring", "report"):
        base = _formdata(FINANCE_FORMS[kind][2], money_round)
        for name in FILE_NAMES:
            H.count("sweep")
            _try_money(app, client, money_round, kind, base, {}, file_name=name)
    # sums beyond a money column, each amount within it
    most = "999999999999.99"
    for kind, values in (("report", {"line-0-spent": most, "line-1-name": "Экинчи",
                                     "line-1-spent": most, "line-1-budgeted": most}),
                         ("plan", {"tranches-0-amount": most, "tranches-1-amount": most,
                                   "tranches-0-percent": "", "tranches-1-percent": ""}),
                         ("transfer", {"amount_kgs": most, "exchange_rate": "0.000001"}),
                         ("contribute", {"amount": "999999999999.995"})):
        H.count("sweep")
        form = _formdata(FINANCE_FORMS[kind][2], money_round)
        for name, value in values.items():
            form.setlist(name, [value])
        _try_money(app, client, money_round, kind, form, {})
    for page in MONEY_PAGES:
        _show(client, money_round, page, [H.SCRIPT + H.IMG])
    # the agreement as a PDF, with whatever the terms and plan took (once: a PDF takes time)
    H.login_as(client, money_round["staff"])
    for grant in ("unsigned", "active"):
        for lang in ("ky", "ru"):
            response = client.get(f"/finance/grants/{money_round[grant]}/agreement.pdf?lang={lang}")
            assert response.status_code == 200


@H.hostile_settings(100)
@given(data=st.data())
def test_money_forms_refuse_bad_input_clearly(app, client, money_round, data):
    H.count("money")
    kind = data.draw(st.sampled_from(sorted(FINANCE_FORMS)))
    _role, _path, base, fields = FINANCE_FORMS[kind]
    form, typed = data.draw(H.mutated(_formdata(base, money_round), fields))
    name = (data.draw(st.sampled_from(FILE_NAMES)) if kind in ("sign", "monitoring", "report")
            and data.draw(st.booleans()) else None)
    _try_money(app, client, money_round, kind, form, typed, name,
               data.draw(st.integers(min_value=0, max_value=len(MONEY_PAGES) - 1)))


# ========================================================================== query strings

PAGES = (
    ("staff", "/staff/?page={v}"), ("staff", "/staff/calls/{call}/applications?status={v}"),
    ("staff", "/staff/calls/{call}/applications?page={v}&status=eligible"),
    ("staff", "/staff/calls/{call}/reports/{v}"),
    ("staff", "/staff/calls/{call}/minutes.pdf?lang={v}"), ("staff", "/staff/audit?page={v}"),
    ("staff", "/finance/grants?call={v}"), ("staff", "/finance/transfers?page={v}"),
    ("staff", "/finance/open-data?page={v}"), ("a", "/my?page={v}"),
    ("m1", "/review/?page={v}"), ("a", "/calls/{call}/results?page={v}"),
    ("a", "/lang/{v}"), (None, "/login?next={v}"), (None, "/?page={v}"),
)


def _page_overflow(template: str, value: str) -> bool:
    """A page number whose offset SQLite cannot take (see the expected failure below)."""
    try:
        return "page=" in template and abs(int(value)) > 10**15
    except ValueError:
        return False


def _try_page(client, ids, who, template: str, value: str) -> None:
    """Page numbers, filters, languages, return addresses: never a server error, nothing of
    them echoed unescaped."""
    if _page_overflow(template, value):
        return
    H.login_as(client, ids[who] if who else None)
    path = template.replace("{v}", quote(value, safe="")).format(
        **{k: v for k, v in ids.items() if not isinstance(v, list)})
    H.check_response(client.get(path), [value])


@pytest.fixture
def pages_round(app, clock):
    return _evaluation_round(app, clock)


def test_pages_sweep(client, pages_round):
    for who, template in PAGES:
        for value in (*H.NASTY["number"], *H.NASTY["text"][:2], "9223372036854775808"):
            H.count("sweep")
            _try_page(client, pages_round, who, template, value)


@H.hostile_settings(100)
@given(data=st.data())
def test_pages_take_any_query_string(client, pages_round, data):
    H.count("pages")
    who, template = data.draw(st.sampled_from(PAGES))
    _try_page(client, pages_round, who, template,
              data.draw(st.one_of(H.value_for("number"), H.hostile_text(long=False))))


def test_page_number_beyond_the_database(client, pages_round):
    """A page past the end (even beyond what a database takes as OFFSET) shows the last."""
    H.login_as(client, pages_round["staff"])
    response = client.get("/staff/?page=" + "9" * 30)
    assert response.status_code == 200
    assert "/staff/calls/" in response.get_data(as_text=True)  # the last page's calls


@pytest.fixture(scope="module", autouse=True)
def _report_examples():
    """Print how many hostile inputs this module sent (shown with ``-s``)."""
    yield
    print(f"\nhostile inputs, the core: {H.examples()}")
