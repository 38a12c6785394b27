"""Bad input everywhere (issue 6, item 7): both local-initiative forms and their rules under
hostile input.

As for every competition (see :mod:`gms.testing.hostile`), for the contest and for a
municipality's own call: the rules, reports and award policy on arbitrary answers and
settings (pure); the form on every nasty value in every input and in each table's first row
(no HTTP); the form through the applicant's page with Hypothesis.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gms.testing import hostile as H
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
    H.sweep_application_form(app, ctype, form_cls, lambda: _base(variant), call(), info(),
                             "local_initiative.sweep")


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
    variant = world["variant"]
    H.post_hostile_application(app, client, world, VARIANTS[variant][5], _base(variant), data,
                               "local_initiative.http")


_report = H.report_examples("local_initiative")
