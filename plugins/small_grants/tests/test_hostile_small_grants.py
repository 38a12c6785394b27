"""Bad input everywhere (issue 6, item 7): the small-grants form and rules under hostile input.

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

from plugins.small_grants.competition import SmallGrantsCompetition
from plugins.small_grants.forms import SmallGrantsForm
from plugins.small_grants.rules import DEFAULTS
from plugins.small_grants.tests.factories import ANSWERS, formdata, make_competition, make_info

try:
    from tests import hostile as H
except ModuleNotFoundError:  # pytest run as a script: the repository is not on sys.path
    sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
    from tests import hostile as H

pytestmark = pytest.mark.gms_plugins("small_grants")

CTYPE = SmallGrantsCompetition()
BOROLDOI = "41708213808000"
DOCUMENTS = ("council_resolution", "budget_publication", "zhmba_report", "other", "ө")


@H.hostile_settings(200)
@given(answers=H.hostile_answers(ANSWERS), settings=H.hostile_settings_of(DEFAULTS),
       others=st.integers(min_value=0, max_value=5),
       documents=st.frozensets(st.sampled_from(DOCUMENTS)))
def test_rules_take_any_answers_and_settings(app, answers, settings, others, documents):
    """Every rule gives a result, the amount is read or not, the reports build: never a
    TypeError, KeyError or InvalidOperation, whatever the answers and settings hold."""
    H.count("small_grants.rules")
    with app.test_request_context():
        H.check_competition(CTYPE, make_competition(settings=settings),
                            make_info(attachments=documents, others=others), answers)


def _sweep_fields() -> list[tuple[str, str]]:
    form = SmallGrantsForm(formdata=formdata())
    return [(name, kind) for name, kind in H.leaf_fields(form)
            if name.count("-") < 2 or "-0-" in name]


def test_form_takes_every_nasty_value(app):
    """Every nasty value in every input of the sections and of each table's first row: the
    form validates or refuses, its answers are JSON, a draft reopens, the rules run."""
    with app.test_request_context():
        for name, value in H.sweep(_sweep_fields()):
            H.count("small_grants.sweep")
            data = formdata()
            data.setlist(name, [value])
            answers, _valid = H.check_form(SmallGrantsForm, data)
            H.check_competition(CTYPE, make_competition(), make_info(), answers)


@pytest.fixture
def world(app, clock):
    return H.application_world(app, clock, "small_grants", territory=BOROLDOI)


@H.hostile_settings(30)
@given(data=st.data())
def test_application_page_refuses_bad_input_clearly(app, client, world, data):
    H.count("small_grants.http")
    base = formdata()
    base["action"] = data.draw(st.sampled_from(("save", "submit")))
    with app.test_request_context():
        fields = H.leaf_fields(SmallGrantsForm(formdata=base))
    form, typed = data.draw(H.mutated(base, fields, max_changes=5))
    H.try_application_form(app, client, world, form, typed, view=data.draw(st.booleans()))


@pytest.fixture(scope="module", autouse=True)
def _report_examples():
    """Print how many hostile inputs this module sent (shown with ``-s``)."""
    yield
    print(f"\nhostile inputs, small_grants: {H.examples('small_grants')}")
