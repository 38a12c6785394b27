"""Bad input everywhere (issue 6, item 7): the citizen-budget contest's form and rules under
hostile input.

Three layers, see :mod:`gms.testing.hostile` for the strategies and checks: the rules, the
requested amount, the award policy and the reports on arbitrary answers and settings (pure);
the form on every nasty value in every input of its sections and of each table's first row
(no HTTP); the form through the applicant's page, save and submit, with Hypothesis.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gms.testing import hostile as H
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


def test_form_takes_every_nasty_value(app):
    """Every nasty value in every input of the sections and of each table's first row: the
    form validates or refuses, its answers are JSON, a draft reopens, the rules run."""
    H.sweep_application_form(app, CTYPE, CitizenBudgetForm, formdata, make_competition(),
                             make_info(), "citizen_budget_contest.sweep")


@pytest.fixture
def world(app, clock):
    return H.application_world(app, clock, "citizen_budget_contest", territory=BOROLDOI,
                               settings=SETTINGS)


@H.hostile_settings(30)
@given(data=st.data())
def test_application_page_refuses_bad_input_clearly(app, client, world, data):
    H.post_hostile_application(app, client, world, CitizenBudgetForm, formdata(), data,
                               "citizen_budget_contest.http")


_report = H.report_examples("citizen_budget_contest")
