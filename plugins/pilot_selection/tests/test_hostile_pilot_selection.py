"""Bad input everywhere (issue 6, item 7): the pilot-selection forms and rules under hostile
input.

As for every competition (see :mod:`gms.testing.hostile`): the rules, reports and award policy on
arbitrary answers and settings (pure); the application form on every nasty value in every
input of its sections and of each table's first row (no HTTP); the form through the
applicant's page with Hypothesis. And the plugin's own staff forms: picking applicants to
visit and recording a verification visit.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import update
from werkzeug.datastructures import MultiDict

from gms.extensions import db
from gms.models import Application, AuditEntry, Competition
from gms.testing import hostile as H
from plugins.pilot_selection.choices import CHECKLIST_CODES
from plugins.pilot_selection.competition import PilotSelectionCompetition
from plugins.pilot_selection.forms import PilotSelectionForm
from plugins.pilot_selection.models import Visit
from plugins.pilot_selection.settings import DEFAULTS
from plugins.pilot_selection.tests.factories import ANSWERS, formdata, make_competition, make_info

pytestmark = pytest.mark.gms_plugins("pilot_selection")

CTYPE = PilotSelectionCompetition()
KYZYL_SUU = "41706226822000"
DOCUMENTS = ("signed_letter", "joint_decision", "other", "ө")


@H.hostile_settings(200)
@given(answers=H.hostile_answers(ANSWERS), settings=H.hostile_settings_of(DEFAULTS),
       others=st.integers(min_value=0, max_value=5),
       documents=st.frozensets(st.sampled_from(DOCUMENTS)))
def test_rules_take_any_answers_and_settings(app, answers, settings, others, documents):
    """Every rule gives a result, the reports build, whatever the answers and settings."""
    H.count("pilot_selection.rules")
    with app.test_request_context():
        H.check_competition(CTYPE, make_competition(settings=settings),
                            make_info(attachments=documents, others=others), answers)


def test_form_takes_every_nasty_value(app):
    """Every nasty value in every input of the sections and of each table's first row: the
    form validates or refuses, its answers are JSON, a draft reopens, the rules run."""
    H.sweep_application_form(app, CTYPE, PilotSelectionForm, formdata, make_competition(),
                             make_info(), "pilot_selection.sweep")


@pytest.fixture
def world(app, clock):
    return H.application_world(app, clock, "pilot_selection", territory=KYZYL_SUU,
                               oblasts=("Ошская область",))


@H.hostile_settings(30)
@given(data=st.data())
def test_application_page_refuses_bad_input_clearly(app, client, world, data):
    H.post_hostile_application(app, client, world, PilotSelectionForm, formdata(), data,
                               "pilot_selection.http")


# ----------------------------------------------------------------- verification visits

VISIT_BASE = {"verifier_id": "{staff}", "visited_on": "2026-03-01", "conclusion": "confirmed",
              "findings": "Документтер бар, башчы менен жолуктук",
              **{f"check_{code}": "yes" for code in CHECKLIST_CODES},
              **{f"notes_{code}": "" for code in CHECKLIST_CODES}}
VISIT_FIELDS = [("verifier_id", "number"), ("visited_on", "date"), ("conclusion", "choice"),
                ("findings", "text"), (f"check_{CHECKLIST_CODES[0]}", "choice"),
                (f"notes_{CHECKLIST_CODES[0]}", "text")]
PICK_FIELDS = [("planned_on", "date"), ("application", "number")]


@pytest.fixture
def closed_world(app, clock):
    """The call closed (visits are recorded after the deadline), the draft submitted."""
    ids = H.application_world(app, clock, "pilot_selection", territory=KYZYL_SUU,
                              oblasts=("Ошская область",))
    with app.app_context():
        db.session.execute(update(Application).where(Application.id == ids["draft"]).values(
            status="submitted", submitted_at=clock() - timedelta(days=1), number="001-00001"))
        db.session.execute(update(Competition).values(status="closed"))
        db.session.commit()
    return ids


def _visit_state(application_id: int) -> tuple:
    visit = db.session.scalars(db.select(Visit).where(Visit.application_id == application_id)
                               ).first()
    row = None if visit is None else H.columns(
        visit, "status", "verifier_id", "visited_on", "conclusion", "findings", "checklist",
        "planned_on")
    return H.table_counts(Visit, AuditEntry), row


def _try_visit(app, client, ids, kind: str, form: MultiDict, typed: dict) -> None:
    """Picking applicants to visit, recording a visit: never a server error; a refused input
    shows a message, keeps the typed findings and changes nothing."""
    H.login_as(client, ids["staff"])
    path = (f"/p/pilot_selection/applications/{ids['draft']}/visit" if kind == "visit"
            else f"/p/pilot_selection/calls/{ids['call']}/visits")
    with app.app_context():
        before = _visit_state(ids["draft"])
    response = client.post(path, data=form)
    body = H.check_response(response, form.values())
    with app.app_context():
        if response.status_code != 302 or H.refused(client):
            assert H.has_error(body) or response.status_code == 302, response.status_code
            assert _visit_state(ids["draft"]) == before
            for name, value in typed.items():
                assert H.echoed(body, value), name
        for visit in db.session.scalars(db.select(Visit)):
            assert H.storable(visit.findings or "")
            db.session.delete(visit)  # the next example plans or records afresh
        db.session.commit()
    H.check_response(client.get(f"/p/pilot_selection/calls/{ids['call']}/visits"),
                     form.values())


def test_visit_forms_take_every_nasty_value(app, client, closed_world):
    ids = closed_world
    for kind, base, fields in (("visit", VISIT_BASE, VISIT_FIELDS),
                               ("pick", {"planned_on": "2026-03-20",
                                         "application": "{draft}"}, PICK_FIELDS)):
        for name, value in H.sweep(fields):
            H.count("pilot_selection.sweep")
            form = MultiDict({k: v.format(**ids) for k, v in base.items()})
            form.setlist(name, [value])
            _try_visit(app, client, ids, kind,
                       form, {name: value} if dict(fields)[name] == "text" else {})


@H.hostile_settings(40)
@given(data=st.data())
def test_visit_forms_refuse_bad_input_clearly(app, client, closed_world, data):
    H.count("pilot_selection.visits")
    ids = closed_world
    kind = data.draw(st.sampled_from(("visit", "pick")))
    base = (VISIT_BASE if kind == "visit"
            else {"planned_on": "2026-03-20", "application": "{draft}"})
    form, typed = data.draw(H.mutated({k: v.format(**ids) for k, v in base.items()},
                                      VISIT_FIELDS if kind == "visit" else PICK_FIELDS))
    _try_visit(app, client, ids, kind, form, typed)


_report = H.report_examples("pilot_selection")
