"""A throw-away competition defined inside the tests: proves a new competition needs no core
change. It is registered through ``EXTRA_PLUGINS`` exactly as a folder plugin would be."""

from __future__ import annotations

from wtforms import StringField
from wtforms.validators import DataRequired

from gms.competition import (
    CompetitionType,
    Criterion,
    DocumentKind,
    ReportDefinition,
    Scale,
    ScoringSheet,
    SettingField,
    rule,
)
from gms.forms import ApplicationForm
from gms.hooks import hookimpl


class ToyForm(ApplicationForm):
    summary = StringField("Summary", validators=[DataRequired()])


@rule("toy.summary")
def summary_rule(min_length: int):
    """The summary has at least ``min_length`` characters."""

    def check(app):
        ok = len(app.answers.get("summary") or "") >= min_length
        return ok, ("Summary is long enough." if ok else
                    f"Summary must have at least {min_length} characters.")

    return check


class ToyCompetition(CompetitionType):
    key = "toy"
    label = "Toy competition"
    version = "7"
    templates: dict = {}

    def settings_fields(self):
        return [SettingField("min_summary", "Minimum summary length", "int", 5)]

    def criteria(self, competition):
        return [
            Criterion("impact", {"en": "Impact", "ru": "Влияние", "ky": "Таасир"},
                      Scale(0, 10, 0.5), weight=2, threshold=3),
            Criterion("cost", {"en": "Cost", "ru": "Стоимость", "ky": "Наркы"},
                      Scale(0, 5, 1, allow_na=True)),
        ]

    def scoring_sheet(self, competition):
        return ScoringSheet(tuple(self.criteria(competition)), reviewers_per_application=2)

    def eligibility_rules(self, competition):
        return [summary_rule(competition.settings["min_summary"])]

    def application_form(self, competition):
        return ToyForm

    def document_kinds(self, competition):
        return [DocumentKind("plan", "Plan")]

    def reports(self, competition):
        return [ReportDefinition("toy.count", "Count",
                                 lambda c, apps: (["n"], [[len(apps)]]))]


class ToyPlugin:
    """The plugin object: hook implementations only."""

    @hookimpl
    def gms_register_competition_types(self):
        return [ToyCompetition()]

    @hookimpl
    def gms_register_factories(self):
        return [summary_rule]


TOY = {"EXTRA_PLUGINS": {"toy": ToyPlugin()}, "BABEL_DEFAULT_LOCALE": "en"}
