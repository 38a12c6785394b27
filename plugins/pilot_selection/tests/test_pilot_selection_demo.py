"""The plugin's demo data: loads through the services, is idempotent, and its letters are
valid answers of the form."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from gms.evaluation.models import Award
from gms.extensions import db
from gms.models import Application, Competition
from plugins.pilot_selection.demo import DONE_CALL, OPEN_CALL
from plugins.pilot_selection.forms import PilotSelectionForm
from plugins.pilot_selection.models import Visit
from plugins.pilot_selection.tests.factories import formdata

pytestmark = pytest.mark.gms_plugins("pilot_selection")


@pytest.fixture
def loaded(app_ctx):
    from gms import demo

    logins = demo.load()
    return demo, logins


def _counts() -> dict[str, int]:
    return {t.name: db.session.scalar(select(func.count()).select_from(t))
            for t in db.metadata.sorted_tables}


def test_loading_twice_changes_nothing(loaded):
    module, logins = loaded
    assert logins == module.logins()  # the extra municipalities' users are not printed
    before = _counts()
    assert module.load() == logins
    assert _counts() == before


def test_an_open_call_and_a_published_round(loaded, client):
    """One test, as loading the demo takes seconds."""
    calls = {c.title["en"]: c for c in db.session.scalars(select(Competition))}
    assert calls[OPEN_CALL].status == "open"
    done = calls[DONE_CALL]
    assert done.status == "published" and done.oblasts == ["Ошская область"]
    apps = db.session.scalars(select(Application).where(
        Application.competition_id == done.id).order_by(Application.id)).all()
    assert all(a.organisation.oblast == "Ошская область" for a in apps)
    assert [a.status for a in apps] == ["funded", "funded", "funded", "reserve", "reserve",
                                        "ineligible"]
    assert {a.language for a in apps} == {"ky", "ru"}
    awards = db.session.scalars(select(Award).where(Award.competition_id == done.id)
                                .order_by(Award.rank)).all()
    assert [a.amount for a in awards] == [0] * 5
    visits = db.session.scalars(select(Visit).where(Visit.competition_id == done.id)).all()
    assert sorted(v.conclusion for v in visits) == ["confirmed", "confirmed", "partly"]
    assert all(v.status == "done" and v.findings for v in visits)
    draft = db.session.scalar(select(Application).where(
        Application.competition_id == calls[OPEN_CALL].id))
    assert draft.status == "draft"

    # every letter is a valid answer of the form
    for application in apps:
        form = PilotSelectionForm(formdata=formdata(application.answers))
        assert form.validate(), (application.title, form.errors)
        assert form.answers() == application.answers

    # the first pilot (Kyzyl-Suu, whose log-in the demo prints) downloads its memorandum
    from gms.demo import PASSWORD

    first = apps[0]
    assert first.created_by.email == "applicant4@demo.gms.kg"
    client.post("/login", data={"email": first.created_by.email, "password": PASSWORD})
    r = client.get(f"/p/pilot_selection/applications/{first.id}/memorandum.pdf")
    assert r.status_code == 200 and r.data.startswith(b"%PDF")
