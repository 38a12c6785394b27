"""Bad input everywhere (issue 6, item 7): the citizen-budget contest's form and rules under
hostile input.

Three layers, see ``tests/hostile.py`` for the strategies and checks: the rules, the
requested amount, the award policy and the reports on arbitrary answers and settings (pure);
the form on every nasty value in every input of its sections and of each table's first row
(no HTTP); the form through the applicant's page, save and submit, with Hypothesis.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plugins.citizen_budget_contest.competition import CitizenBudgetContest
from plugins.citizen_budget_contest.edition import DEFAULTS
from plugins.citizen_budget_contest.forms import CitizenBudgetForm
from plugins.citizen_budget_contest.tests.factories import (
    ANSWERS,
    SETTINGS,
    formdata,
    make_competition,
    make_info,
)

try:
    from tests import hostile as H
except ModuleNotFoundError:  # pytest run as a script: the repository is not on sys.path
    sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
    from tests import hostile as H

pytestmark = pytest.mark.gms_plugins("citizen_budget_contest")

CTYPE = CitizenBudgetContest()
BOROLDOI = "41708213808000"
DOCUMENTS = ("hearing_minutes", "participant_lists", "hearing_photos", "other", "ө")


@H.hostile_settings(200)
@given(answers=H.hostile_answers(ANSWERS), settings=H.hostile_settings_of({**DEFAULTS, **SETTINGS}),
       others=st.integers(min_value=0, max_value=5),
       documents=st.frozensets(st.sampled_from(DOCUMENTS)))
def test_rules_take_any_answers_and_settings(app, answers, settings, others, documents):
    """Every rule gives a result, the amount is read or not, the reports build: never a
    TypeError, KeyError or InvalidOperation, whatever the answers and settings hold."""
    H.count("citizen_budget_contest.rules")
    with app.test_request_context():
        H.check_competition(CTYPE, make_competition(settings=settings),
                            make_info(attachments=documents, others=others), answers)


def _sweep_fields() -> list[tuple[str, str]]:
    form = CitizenBudgetForm(formdata=formdata())
    return [(name, kind) for name, kind in H.leaf_fields(form)
            if name.count("-") < 2 or "-0-" in name]


def test_form_takes_every_nasty_value(app):
    """Every nasty value in every input of the sections and of each table's first row: the
    form validates or refuses, its answers are JSON, a draft reopens, the rules run."""
    with app.test_request_context():
        for name, value in H.sweep(_sweep_fields()):
            H.count("citizen_budget_contest.sweep")
            data = formdata()
            data.setlist(name, [value])
            answers, _valid = H.check_form(CitizenBudgetForm, data)
            H.check_competition(CTYPE, make_competition(), make_info(), answers)


@pytest.fixture
def world(app, clock):
    return H.application_world(app, clock, "citizen_budget_contest", territory=BOROLDOI,
                               settings=SETTINGS)


@H.hostile_settings(30)
@given(data=st.data())
def test_application_page_refuses_bad_input_clearly(app, client, world, data):
    H.count("citizen_budget_contest.http")
    base = formdata()
    base["action"] = data.draw(st.sampled_from(("save", "submit")))
    with app.test_request_context():
        fields = H.leaf_fields(CitizenBudgetForm(formdata=base))
    form, typed = data.draw(H.mutated(base, fields, max_changes=5))
    H.try_application_form(app, client, world, form, typed, view=data.draw(st.booleans()))


@pytest.fixture(scope="module", autouse=True)
def _report_examples():
    """Print how many hostile inputs this module sent (shown with ``-s``)."""
    yield
    print(f"\nhostile inputs, citizen_budget_contest: {H.examples('citizen_budget_contest')}")
