"""Bad input everywhere (issue 6, item 7): both local-initiative forms and their rules under
hostile input.

As for every competition (see ``tests/hostile.py``), for the contest and for a
municipality's own call: the rules, reports and award policy on arbitrary answers and
settings (pure); the form on every nasty value in every input and in each table's first row
(no HTTP); the form through the applicant's page with Hypothesis.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plugins.local_initiative.competition import LocalInitiativeContest, MunicipalInitiatives
from plugins.local_initiative.forms import MunicipalForm, contest_form, municipal_form
from plugins.local_initiative.terms import CONTEST_DEFAULTS, MUNICIPAL_DEFAULTS
from plugins.local_initiative.tests.factories import (
    AK_TAL,
    CONTEST_ANSWERS,
    KYZYL_SUU,
    MUNICIPAL_ANSWERS,
    contest_call,
    contest_info,
    formdata,
    municipal_call,
    municipal_info,
)

try:
    from tests import hostile as H
except ModuleNotFoundError:  # pytest run as a script: the repository is not on sys.path
    sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
    from tests import hostile as H

pytestmark = pytest.mark.gms_plugins("local_initiative")

NOMINATIONS = ("Жаштар демилгеси", "Аялдар демилгеси")
VARIANTS = {
    "contest": (LocalInitiativeContest(), contest_call, contest_info, CONTEST_ANSWERS,
                CONTEST_DEFAULTS, contest_form(NOMINATIONS)),
    "municipal": (MunicipalInitiatives(), municipal_call, municipal_info, MUNICIPAL_ANSWERS,
                  MUNICIPAL_DEFAULTS, municipal_form(MunicipalForm.FINANCING_TYPES)),
}
DOCUMENTS = ("photos", "application_letter", "proposal", "implementation_plan", "budget", "ө")


def _base(variant: str):
    answers = VARIANTS[variant][3]
    data = formdata(answers)
    if variant == "contest":
        data["nomination"] = "1"
    return data


@H.hostile_settings(120)
@given(answers=H.hostile_answers(CONTEST_ANSWERS),
       settings=H.hostile_settings_of(CONTEST_DEFAULTS),
       documents=st.frozensets(st.sampled_from(DOCUMENTS)))
def test_contest_rules_take_any_answers_and_settings(app, answers, settings, documents):
    """Every contest rule gives a result, the reports build, whatever is stored."""
    H.count("local_initiative.rules")
    ctype, call, info, *_rest = VARIANTS["contest"]
    with app.test_request_context():
        H.check_competition(ctype, call(settings=settings), info(attachments=documents),
                            answers)


@H.hostile_settings(120)
@given(answers=H.hostile_answers(MUNICIPAL_ANSWERS),
       settings=H.hostile_settings_of(MUNICIPAL_DEFAULTS),
       documents=st.frozensets(st.sampled_from(DOCUMENTS)))
def test_municipal_rules_take_any_answers_and_settings(app, answers, settings, documents):
    """Every rule of a municipality's call gives a result, the reports build."""
    H.count("local_initiative.rules")
    ctype, call, info, *_rest = VARIANTS["municipal"]
    with app.test_request_context():
        H.check_competition(ctype, call(settings=settings), info(attachments=documents),
                            answers)


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_form_takes_every_nasty_value(app, variant):
    """Every nasty value in every input and each table's first row: the form validates or
    refuses, its answers are JSON, a draft reopens, the rules run."""
    ctype, call, info, _answers, _defaults, form_cls = VARIANTS[variant]
    with app.test_request_context():
        fields = [(name, kind) for name, kind in H.leaf_fields(form_cls(formdata=_base(variant)))
                  if name.count("-") < 2 or "-0-" in name]
        for name, value in H.sweep(fields):
            H.count("local_initiative.sweep")
            data = _base(variant)
            data.setlist(name, [value])
            answers, _valid = H.check_form(form_cls, data)
            H.check_competition(ctype, call(), info(), answers)


@pytest.fixture(params=sorted(VARIANTS))
def world(request, app, clock):
    variant = request.param
    if variant == "contest":
        ids = H.application_world(app, clock, "local_initiative", org_kind="initiative_group",
                                  territory=KYZYL_SUU, oblasts=("Ошская область",),
                                  settings={"nominations": "; ".join(NOMINATIONS)})
    else:
        ids = H.application_world(app, clock, "local_initiative.municipal",
                                  org_kind="initiative_group", territory=AK_TAL,
                                  oblasts=(), organiser=AK_TAL)
    return {**ids, "variant": variant}


@H.hostile_settings(25)
@given(data=st.data())
def test_application_page_refuses_bad_input_clearly(app, client, world, data):
    H.count("local_initiative.http")
    variant = world["variant"]
    base = _base(variant)
    base["action"] = data.draw(st.sampled_from(("save", "submit")))
    with app.test_request_context():
        fields = H.leaf_fields(VARIANTS[variant][5](formdata=base))
    form, typed = data.draw(H.mutated(base, fields, max_changes=5))
    H.try_application_form(app, client, world, form, typed, view=data.draw(st.booleans()))


@pytest.fixture(scope="module", autouse=True)
def _report_examples():
    """Print how many hostile inputs this module sent (shown with ``-s``)."""
    yield
    print(f"\nhostile inputs, local_initiative: {H.examples('local_initiative')}")
