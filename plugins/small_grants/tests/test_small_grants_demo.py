"""The demo data (gms/demo.py and this plugin's demo.py): loads through the services, is
idempotent, and its small-grants applications are valid answers of this plugin's form."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from gms.extensions import db
from gms.models import Application, Assignment, Competition, EligibilityCheck, User
from plugins.small_grants.forms import SmallGrantsForm
from plugins.small_grants.tests.factories import formdata


def _counts() -> dict[str, int]:
    return {t.name: db.session.scalar(select(func.count()).select_from(t))
            for t in db.metadata.sorted_tables}


@pytest.fixture
def demo(app_ctx):
    from gms import demo

    return demo, demo.load()


def test_demo_loads_once(demo):
    module, logins = demo
    assert {role for role, _email in logins} == {
        "applicant", "commission", "staff", "finance", "admin"}
    assert all(email.endswith("@demo.gms.kg") for _role, email in logins)
    before = _counts()
    assert module.load() == logins
    assert _counts() == before
    assert db.session.scalar(text("SELECT count(*) FROM audit_log")) == before["audit_log"]


def test_demo_calls_and_round(demo):
    from gms.services import calls, evaluation

    statuses = {c.title["en"]: (c.type_key, c.status)
                for c in db.session.scalars(select(Competition))}
    assert statuses["Small Grants Programme: round 1 (demo)"] == ("small_grants", "evaluation")
    assert statuses["Small Grants Programme: round 2 (demo)"] == ("small_grants", "open")
    assert {key for key, status in statuses.values() if status == "open"} == {
        "small_grants", "pilot_selection", "local_initiative", "citizen_budget_contest"}

    call = db.session.scalar(select(Competition).where(Competition.status == "evaluation"))
    assert set(call.oblasts) == {"Чуйская область", "Нарынская область", "Ошская область"}
    rows = evaluation.ranking(call)
    assert len(rows) == 4 and all(r.reviews == 3 for r in rows)
    assert [r.score for r in rows] == sorted((r.score for r in rows), reverse=True)
    warnings = db.session.scalars(select(EligibilityCheck).where(
        EligibilityCheck.rule_code == "small_grants.priority_date",
        EligibilityCheck.passed.is_(False))).all()
    assert len(warnings) == 1

    staff = db.session.scalar(select(User).where(User.role == "staff"))
    calls.advance(call, "decide", now=call.deadline_at, actor_id=staff.id)
    outcomes = [a.outcome for a in evaluation.awards_of(call)]
    assert outcomes == ["funded", "funded", "funded", "reserve"]
    assert db.session.scalar(select(func.count()).select_from(Assignment).where(
        Assignment.status != "submitted")) == 0


def test_demo_answers_fill_the_form(demo):
    for application in db.session.scalars(select(Application)):
        if application.competition.type_key != "small_grants":
            continue
        form = SmallGrantsForm(formdata=formdata(application.answers))
        assert form.validate(), (application.title, form.errors)
        assert form.answers() == application.answers
