"""The contest's demo data: both editions, loaded through the services and only once; the
finished edition was scored anonymously and awarded prizes by place; its answers fill the
form."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, inspect, select

from gms.evaluation.models import Assignment, Award
from gms.extensions import db
from gms.models import Application, Competition
from plugins.citizen_budget_contest.demo import OPEN_TITLE, PAST_TITLE
from plugins.citizen_budget_contest.forms import CitizenBudgetForm
from plugins.citizen_budget_contest.tests.factories import formdata

# only this plugin's demo (the other plugins' demos have their own tests)
pytestmark = pytest.mark.gms_plugins("citizen_budget_contest")


def _counts() -> dict[str, int]:
    """Rows per table of this database (other plugins' models may be loaded, not migrated)."""
    present = set(inspect(db.engine).get_table_names())
    return {t.name: db.session.scalar(select(func.count()).select_from(t))
            for t in db.metadata.sorted_tables if t.name in present}


@pytest.fixture
def loaded(app_ctx):
    from gms import demo

    return demo, demo.load()


def _call(title) -> Competition:
    return next(c for c in db.session.scalars(select(Competition).where(
        Competition.type_key == "citizen_budget_contest")) if c.title.get("en") == title)


def test_loads_once(loaded):
    module, logins = loaded
    assert ("applicant", "emgekchil@demo.gms.kg") in logins
    before = _counts()
    assert module.load() == logins
    assert _counts() == before


def test_editions(loaded, client):
    _finished_edition()
    _open_edition()
    _answers_fill_the_form()
    _winner_downloads_the_certificate(client)


def _finished_edition():
    call = _call(PAST_TITLE)
    assert call.status == "published" and call.published_at is not None
    assert call.settings["anonymous_review"] is True
    assert set(call.oblasts) == {"Чуйская область", "Нарынская область", "Ошская область"}
    awards = db.session.scalars(select(Award).where(Award.competition_id == call.id)
                                .order_by(Award.rank)).all()
    assert len(awards) == 6
    assert [(a.outcome, a.amount) for a in awards[:3]] == [
        ("funded", Decimal(100000)), ("funded", Decimal(80000)), ("funded", Decimal(70000))]
    assert {a.outcome for a in awards[3:]} == {"reserve"}
    oblasts = {a.application.organisation.oblast for a in awards}
    assert oblasts == {"Чуйская область", "Нарынская область", "Ошская область"}
    assert db.session.scalar(select(func.count()).select_from(Assignment).join(
        Application).where(Application.competition_id == call.id,
                           Assignment.status == "submitted")) == 18


def _open_edition():
    call = _call(OPEN_TITLE)
    assert OPEN_TITLE == "Real participation of citizens in the budget process (demo)"
    assert call.status == "open"
    drafts = db.session.scalars(select(Application).where(
        Application.competition_id == call.id)).all()
    assert [a.status for a in drafts] == ["draft"]


def _answers_fill_the_form():
    for application in db.session.scalars(select(Application)):
        if application.competition.type_key != "citizen_budget_contest":
            continue
        form = CitizenBudgetForm(formdata=formdata(application.answers))
        assert form.validate(), (application.title, form.errors)
        assert form.answers() == application.answers


def _winner_downloads_the_certificate(client):
    from gms.testing import login

    call = _call(PAST_TITLE)
    winner = db.session.scalar(select(Award).where(Award.competition_id == call.id,
                                                   Award.rank == 1)).application
    user = winner.created_by
    login(client, user, "demo-password-2026")
    r = client.get(f"/p/citizen_budget_contest/applications/{winner.id}/certificate.pdf")
    assert r.status_code == 200 and r.data.startswith(b"%PDF-")
