"""The contract test of gms.testing finds what a broken competition type gets wrong (the
example plugin and the in-repo plugins show that a sound type passes it)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from gms.competition import (
    CompetitionType,
    Criterion,
    DocumentKind,
    ReportDefinition,
    Scale,
    SettingField,
    rule,
)
from gms.hooks import hookimpl
from gms.i18n import _l
from gms.testing.contract import check_competition_type, contract_problems


@rule("broken.registered")
def registered(limit):
    return lambda application: (True, "")


@rule("broken.forgotten")
def forgotten(limit: int):
    return lambda application: (True, "Fine.")


class Broken(CompetitionType):
    key = "broken"
    label = "Plain text"
    description = _l("A description no catalog translates")
    version = ""
    templates = {"application": "elsewhere/missing.html"}

    def settings_fields(self):
        return [SettingField("limit", _l("Project title"), "int", "5"),
                SettingField("limit", _l("Project title"), "choice", None)]

    def criteria(self, competition):
        return [Criterion("a", {"en": "A"}, Scale(0, 10, 3)),
                Criterion("a", {"en": "A", "ru": "А", "ky": "А"}, Scale(0, 5, 1), threshold=7,
                          weight=0)]

    def eligibility_rules(self, competition):
        return [registered(3), forgotten(3)]

    def application_form(self, competition):
        return dict

    def document_kinds(self, competition):
        return [DocumentKind("other", _l("Project title"), required=1)]

    def reports(self, competition):
        return [ReportDefinition("count", _l("Project title"), lambda c, apps: (None, None))]

    def payment_plan(self, competition):
        return [(Decimal(60), False)]


class BrokenPlugin:
    @hookimpl
    def gms_register_competition_types(self):
        return [Broken()]

    @hookimpl
    def gms_register_factories(self):
        return [registered]


pytestmark = [pytest.mark.gms_plugins(),
              pytest.mark.gms_config(EXTRA_PLUGINS={"broken": BrokenPlugin()})]

EXPECTED = [
    "version is empty",
    "payment plan [(Decimal('60'), False)] does not add up to 100 %",
    "label 'Plain text' is not translatable: wrap it in _l() of the plugin's domain, or give "
    "a text per language",
    "description 'A description no catalog translates' has no ky translation",
    "description 'A description no catalog translates' has no ru translation",
    "setting 'limit' is declared twice",
    "setting 'limit': default '5' is not a value of kind 'int'",
    "setting 'limit' is a choice without choices",
    "criterion 'a' appears twice",
    "criterion 'a': label has no text in ky, ru",
    "criterion 'a': scale 0..10 by 3 does not reach its maximum",
    "criterion 'a': weight 0 is not positive",
    "criterion 'a': threshold 7 is outside the scale 0..5",
    "rule 'broken.registered': parameters without a type: limit",
    "rule 'broken.registered': judged the demo application as True with no message",
    "rule 'broken.forgotten': the factory is not registered (gms_register_factories)",
    "application_form gives <class 'dict'>, not an ApplicationForm subclass",
    "document kind code 'other' is not a free lower-case identifier",
    "document kind 'other': required is 1, not a bool",
    "report 'count': key does not start with 'broken.'",
    "report 'count': build(call, []) gives None, None, not (header, rows)",
    "template 'application': 'elsewhere/missing.html' is not under 'broken/'",
    "template 'application': 'elsewhere/missing.html' does not exist",
]


def test_every_breach_is_reported(app):
    problems = contract_problems("broken", app)
    assert [e for e in EXPECTED if e not in problems] == []
    assert len(problems) == len(EXPECTED), problems
    with pytest.raises(AssertionError, match="'broken' breaks the contract:\n- version"):
        check_competition_type("broken", app)


def test_a_type_that_is_not_registered(app):
    assert contract_problems("missing", app) == [
        "'missing' is not registered: is its plugin enabled?"]
    assert contract_problems(Broken(), app) == [
        "'broken' is registered as another object than the one checked"]
