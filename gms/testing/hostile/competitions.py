"""Competitions under hostile input: everything pure a competition type does with arbitrary
answers (:func:`check_competition`), its application form on hostile data
(:func:`check_form`, :func:`sweep_application_form`) and through the applicant's page
(:func:`application_world`, :func:`try_application_form`, :func:`post_hostile_application`).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

from hypothesis import strategies as st
from sqlalchemy import update
from werkzeug.datastructures import MultiDict

from gms.competition import RankedApplication, build_rules, run_rules
from gms.evaluation import lifecycle
from gms.extensions import db
from gms.models import Application, EligibilityCheck, Organisation, Territory, User
from gms.services import applications, calls
from gms.services.common import competition_info, registry
from gms.services.territories import load_reference
from gms.testing.users import login

from .checks import (
    check_response,
    columns,
    count,
    echoed,
    fast_sqlite,
    flashes,
    has_error,
    has_unstorable,
    storable,
    table_counts,
)
from .forms import leaf_fields, mutated, sweep, sweep_fields


def check_competition(ctype, competition, application, answers=None) -> None:
    """Everything pure a competition type does with an application's answers (``answers``,
    else the application's), its requested amount read as the core reads it: a result for
    every rule (a bool and a message), the sheet, the documents, the payment plan, the award
    policy and every report — never an exception."""
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


def sweep_application_form(app, ctype, form_cls, base: Callable[[], MultiDict], competition,
                           application, counter: str) -> None:
    """Every nasty value in every input of ``form_cls``'s sections and of each table's first
    row, on ``base()`` form data: the form validates or refuses, its answers are JSON, a draft
    reopens, and ``ctype`` judges the answers on ``competition`` (:func:`check_competition`)."""
    with app.test_request_context():
        for name, value in sweep(sweep_fields(form_cls(formdata=base()))):
            count(counter)
            data = base()
            data.setlist(name, [value])
            answers, _valid = check_form(form_cls, data)
            check_competition(ctype, competition, application, answers)


def post_hostile_application(app, client, world: dict, form_cls, base: MultiDict, data,
                             counter: str) -> None:
    """Post ``base`` form data mutated by Hypothesis (``data``: ``st.data()``), saved or
    submitted, to the draft of ``world`` (:func:`application_world`), and check the outcome
    with :func:`try_application_form`."""
    count(counter)
    base["action"] = data.draw(st.sampled_from(("save", "submit")))
    with app.test_request_context():
        fields = leaf_fields(form_cls(formdata=base))
    form, typed = data.draw(mutated(base, fields, max_changes=5))
    try_application_form(app, client, world, form, typed, view=data.draw(st.booleans()))
