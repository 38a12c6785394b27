"""The contract of an open call is frozen: after the plugin changes its rule parameters, its
settings' defaults, its policy and its version in the running process, the call still judges,
ranks and awards exactly as when it opened, and its page reports the version change."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from gms.competition import (
    RankedApplication,
    SettingField,
    WithinEnvelope,
    answer_field,
    build_rules,
    run_rules,
    within_envelope,
)
from gms.extensions import db
from gms.models import Application, Competition
from gms.services import contract
from gms.services.common import application_info, typed_settings

from .helpers import login, toy_round
from .toy_competition import TOY, ToyCompetition, summary_rule

pytestmark = [pytest.mark.gms_plugins(), pytest.mark.gms_config(**TOY)]


def _judge(call: Competition, summary: str) -> bool:
    """Whether an application with ``summary`` passes the call's rules."""
    application = db.session.get(Application, 1)
    info = application_info(application, {"summary": summary},
                            requested_amount=contract.requested_amount_for(call, {}))
    return all(r.passed for r in run_rules(contract.rules_for(call), info)
               if r.code == "toy.summary")


def _awards(call: Competition) -> list:
    ranking = [RankedApplication(1, 1, Decimal(9), Decimal(600000), 1),
               RankedApplication(2, 2, Decimal(8), Decimal(600000), 2)]
    return [(d.outcome, d.amount) for d in contract.policy_for(call).decide(ranking,
                                                                            call.budget)]


def _change_the_plugin(monkeypatch) -> None:
    """What a plugin upgrade does: other parameters, defaults, policy, amounts, version."""
    monkeypatch.setattr(ToyCompetition, "version", "8")
    monkeypatch.setattr(ToyCompetition, "settings_fields", lambda self: [
        SettingField("min_summary", "Minimum summary length", "int", 500)])
    monkeypatch.setattr(ToyCompetition, "eligibility_rules",
                        lambda self, competition: [summary_rule(500)])
    monkeypatch.setattr(ToyCompetition, "award_policy",
                        lambda self, competition: within_envelope(max_awards=0))
    monkeypatch.setattr(ToyCompetition, "requested_amount_rule",
                        lambda self, competition: answer_field(field="other"))


def test_a_running_call_judges_ranks_and_awards_as_frozen(app, client, monkeypatch):
    with app.app_context():
        ids = toy_round(status="open")
        call = db.session.get(Competition, ids["call"])
        before = (_judge(call, "123456"), _awards(call), contract.sheet_for(call),
                  contract.requested_amount_for(call, {"requested_amount": "700"}))
        assert before[0] is True and before[1][0] == ("funded", Decimal(600000))
        assert before[3] == Decimal(700)
        _change_the_plugin(monkeypatch)

        assert _judge(call, "123456") is True  # the plugin now wants 500 characters
        assert _awards(call) == before[1]  # the plugin's policy now funds nobody
        assert contract.sheet_for(call) == before[2]
        assert contract.requested_amount_for(call, {"requested_amount": "700"}) == 700
        assert contract.version_change(call) == ("7", "8")
        assert call.type_version == "7"
        # a draft follows the plugin
        call.frozen_rules = call.frozen_contract = None
        assert _judge(call, "123456") is False
        assert contract.requested_amount_for(call, {"requested_amount": "700"}) is None
        db.session.rollback()

    login(client, "staff@x.kg")
    page = client.get(f"/staff/calls/{ids['call']}").get_data(as_text=True)
    assert 'id="version-change"' in page and "version 7" in page and "version 8" in page


def test_no_notice_while_the_version_is_the_same(app, client):
    with app.app_context():
        ids = toy_round(status="open")
        assert contract.version_change(db.session.get(Competition, ids["call"])) is None
    login(client, "staff@x.kg")
    assert 'id="version-change"' not in client.get(
        f"/staff/calls/{ids['call']}").get_data(as_text=True)


def test_the_frozen_contract_is_json_and_typed(app):
    with app.app_context():
        ids = toy_round(status="open")
        call = db.session.get(Competition, ids["call"])
        frozen = json.loads(json.dumps([call.frozen_rules, call.frozen_contract]))
        assert frozen == [call.frozen_rules, call.frozen_contract]
        assert {"code": "toy.summary", "params": {"min_length": 5}, "blocking": True} in (
            call.frozen_rules)
        assert call.frozen_contract["policy"]["kind"] == "core.within_envelope"
        assert call.frozen_contract["documents"] == [{"code": "plan", "required": False}]
        assert isinstance(contract.policy_for(call), WithinEnvelope)
        assert typed_settings(call) == {"min_summary": 5}


@pytest.mark.gms_plugins("small_grants", "citizen_budget_contest", "pilot_selection",
                         "local_initiative")
def test_every_spec_of_the_four_plugins_round_trips_through_json(app):
    """What a call of each type freezes reads back, by code, to the same spec."""
    from gms.competition import CompetitionInfo, typed_values

    registry = app.extensions["gms.registry"]
    factories = registry.factories
    with app.test_request_context():
        for ctype in registry:
            info = CompetitionInfo(id=1, type_key=ctype.key, budget=Decimal(1000000),
                                   max_awards=3, settings=typed_values(
                                       ctype.settings_fields(), ctype.default_settings()))
            rules = list(ctype.eligibility_rules(info))
            assert rules, ctype.key
            for spec in rules:
                data = json.loads(json.dumps(spec.to_dict()))
                assert factories.load("rule", data) == spec, spec.code
            assert len(build_rules(rules)) == len(rules)
            for family, spec in (("policy", ctype.award_policy(info)),
                                 ("amount", ctype.requested_amount_rule(info))):
                data = json.loads(json.dumps(spec.to_dict()))
                assert factories.load(family, data) == spec, spec.code
