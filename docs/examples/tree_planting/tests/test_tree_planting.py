"""Tests of the tree-planting plugin: its rules without an app, the contract test, and a
round over HTTP from the opening of the call to the awards."""

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from gms.competition import build_rules, run_rules
from gms.evaluation.models import Assignment, Award
from gms.extensions import db
from gms.models import Competition
from gms.testing import hostile as H
from gms.testing.contract import check_competition_type
from gms.testing.factories import (
    advance,
    application_info,
    apply,
    competition_info,
    formdata,
    make_call,
    make_municipality,
    score,
)
from tree_planting.competition import TreePlanting
from tree_planting.forms import TreePlantingForm

# the folder that holds the plugin's package: an installed plugin needs no PLUGIN_PATHS
FOLDER = str(Path(__file__).resolve().parents[2])
pytestmark = [pytest.mark.gms_plugins("tree_planting"),
              pytest.mark.gms_config(PLUGIN_PATHS=[FOLDER])]

ANSWERS = {"title": "Poplars along the Chui canal", "requested_amount": "60000",
           "site": "The canal bank behind the school", "seedlings": 300,
           "species": "Poplar, elm", "residents": 45,
           "care": "Pupils water the seedlings every week; the aiyl okmotu pays the pump."}


def test_the_rules_follow_the_call_settings():
    call = competition_info(TreePlanting(), settings={"min_seedlings": 500})
    rules = build_rules(TreePlanting().eligibility_rules(call))
    results = run_rules(rules, application_info(call, ANSWERS,
                                                requested_amount=Decimal(60000)))
    assert [(r.code, r.passed, r.blocking) for r in results] == [
        ("tree_planting.enough_seedlings", False, True),
        ("tree_planting.cost_per_seedling", True, False)]
    assert results[0].message == "Number of seedlings: 300; at least 500 are required."


def test_the_type_keeps_the_contract(app):
    check_competition_type("tree_planting", app, answers=ANSWERS)


def test_the_form_takes_every_nasty_value(app):
    call = competition_info(TreePlanting())
    H.sweep_application_form(app, TreePlanting(), TreePlantingForm, lambda: formdata(ANSWERS),
                             call, application_info(call, ANSWERS), "tree_planting.sweep")


def test_a_round_from_the_call_to_the_awards(app, client, clock, login, make_user,
                                             territories):
    with app.app_context():
        orgs = [make_municipality(code).id for code in ("41708213808000", "41704220808000")]
    staff = make_user("staff", locale="en")
    applicants = [make_user("applicant", org, locale="en") for org in orgs]
    members = [make_user("commission", locale="en") for _i in range(2)]

    # staff open a call: at least 200 seedlings, 100 000 KGS to give
    with app.app_context():
        call_id = make_call("tree_planting", now=clock.now, actor_id=staff.id,
                            settings={"min_seedlings": 200}, budget=Decimal(100_000),
                            open_call=False)
    login(client, staff)
    advance(client, call_id, "open")
    with app.app_context():
        frozen = db.session.get(Competition, call_id).frozen_rules
    assert {"code": "tree_planting.enough_seedlings", "params": {"minimum": 200},
            "blocking": True} in frozen

    # two municipalities apply; too few seedlings are refused with the rule's reason
    login(client, applicants[0])
    short, response = apply(client, call_id, formdata({**ANSWERS, "seedlings": 150}),
                            documents=["planting_plan"])
    assert response.status_code == 422
    assert "at least 200 are required" in response.get_data(as_text=True)
    first, response = apply(client, call_id, formdata(ANSWERS), documents=["planting_plan"])
    assert response.status_code == 302
    login(client, applicants[1])
    second, response = apply(client, call_id, formdata(
        {**ANSWERS, "title": "Apricots for the village park", "requested_amount": "50000",
         "seedlings": 250}), documents=["planting_plan"])
    assert response.status_code == 302

    # the deadline passes; staff screen and assign both members to both applications
    clock.advance(days=22)
    login(client, staff)
    for action in ("close", "start_screening"):
        advance(client, call_id, action)
    for application_id in (first, second):
        client.post(f"/staff/applications/{application_id}/screen",
                    data={"decision": "eligible"})
    advance(client, call_id, "start_evaluation")
    for application_id in (first, second):
        client.post(f"/staff/applications/{application_id}/assign",
                    data={"reviewers": [str(m.id) for m in members]})
    with app.app_context():
        assignments = {(a.application_id, a.reviewer_id): a.id
                       for a in db.session.scalars(select(Assignment))}

    # the commission scores: the canal scores higher than the park
    for member in members:
        login(client, member)
        for application_id, points in ((first, "9"), (second, "7")):
            sheet = {f"score-{key}": points for key in ("site", "community", "care")}
            response = score(client, assignments[(application_id, member.id)], sheet)
            assert response.status_code == 302

    # the awards: the first fits the envelope, the second waits on the reserve list
    login(client, staff)
    advance(client, call_id, "decide")
    with app.app_context():
        awards = {a.application_id: a for a in db.session.scalars(select(Award))}
    assert (awards[first].outcome, awards[first].amount) == ("funded", Decimal(60_000))
    assert (awards[second].outcome, awards[second].reason) == ("reserve", "envelope")
    report = client.get(f"/staff/calls/{call_id}/reports/tree_planting.seedlings?format=csv")
    assert "Poplars along the Chui canal,300,200.00" in report.get_data(as_text=True)
    assert short not in awards
