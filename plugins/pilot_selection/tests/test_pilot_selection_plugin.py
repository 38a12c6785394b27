"""Hook wiring and the type's declarations: settings and the dates they give, documents,
templates, the blueprint, the visits table and its migration branch."""

from __future__ import annotations

import importlib.util
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from gms.extensions import db
from gms.hooks.manager import build_plugin_manager
from plugins.pilot_selection import __version__, settings
from plugins.pilot_selection.competition import PilotSelectionCompetition
from plugins.pilot_selection.tests.factories import make_competition

PLUGIN = Path(__file__).resolve().parents[1]


def test_the_plugin_registers_exactly_its_type():
    pm, registry, enabled = build_plugin_manager({"PLUGINS": ["pilot_selection"]})
    assert [t.key for t in registry] == ["pilot_selection"]
    assert enabled["pilot_selection"].version == __version__ == "1.0"
    ctype = registry["pilot_selection"]
    assert ctype.applicant_kinds == ("municipality",) and ctype.version == "1"
    assert "(preview)" not in str(ctype.label) and str(ctype.description)
    assert ctype.anonymous_review is False


def test_settings_and_defaults():
    ctype = PilotSelectionCompetition()
    assert ctype.default_settings() == {
        "population_date": None, "activities_months": 12, "donor_period": "",
        "announcement_date": None, "memorandum_until": None, "min_score": None,
        "tie_break_criterion": "commitment"}
    kinds = {f.name: f.kind for f in ctype.settings_fields()}
    assert kinds == {"population_date": "date", "activities_months": "int",
                     "donor_period": "text", "announcement_date": "date",
                     "memorandum_until": "date", "min_score": "decimal",
                     "tie_break_criterion": "text"}


def test_dates_derived_from_the_call_as_in_2017():
    # opened 1 March 2017, deadline 28 March 17:30: population as of 1 January 2017,
    # donors 2014–2017, the list by 15 April
    c = make_competition()
    assert settings.population_date(c) == date(2017, 1, 1)
    assert settings.activities_months(c) == 12
    assert settings.donor_period(c) == (2014, 2017)
    assert settings.donor_period_text(c) == "2014–2017"
    assert settings.announcement_date(c) == date(2017, 4, 15)
    assert settings.memorandum_until(c) is None and settings.min_score(c) is None
    # 31 December 20:00 UTC is already 1 January in Bishkek
    new_year = make_competition(opens_at=datetime(2017, 12, 31, 20, 0, tzinfo=UTC))
    assert settings.population_date(new_year) == date(2018, 1, 1)
    assert settings.donor_period(make_competition(opens_at=None)) is None


def test_dates_set_on_the_call():
    c = make_competition(settings={
        "population_date": "2016-07-01", "activities_months": "18",
        "donor_period": "2010 - 2012", "announcement_date": "2017-04-20",
        "memorandum_until": "2019-03-31", "min_score": "12.5"})
    assert settings.population_date(c) == date(2016, 7, 1)
    assert settings.activities_months(c) == 18
    assert settings.donor_period_text(c) == "2010–2012"
    assert settings.announcement_date(c) == date(2017, 4, 20)
    assert settings.memorandum_until(c) == date(2019, 3, 31)
    assert settings.min_score(c) == Decimal("12.5")
    # nonsense falls back to the defaults
    bad = make_competition(settings={"population_date": "soon", "activities_months": "-3",
                                     "donor_period": "2017–2014"})
    assert settings.population_date(bad) == date(2017, 1, 1)
    assert settings.activities_months(bad) == 12
    assert settings.donor_period_text(bad) == "2014–2017"


def test_documents_signed_letter_and_joint_decision_required():
    kinds = {k.code: k.required for k in PilotSelectionCompetition().document_kinds(
        make_competition())}
    assert kinds == {"signed_letter": True, "joint_decision": True,
                     "activity_evidence": False, "budget_information": False}


def test_templates_exist():
    for slot, name in PilotSelectionCompetition().templates.items():
        assert slot in ("application", "review_panel")
        assert (PLUGIN / "templates" / name).is_file(), name


@pytest.mark.gms_plugins("pilot_selection")
def test_blueprint_and_table_when_enabled(app):
    rules = {r.rule for r in app.url_map.iter_rules() if r.endpoint.startswith(
        "pilot_selection.")}
    assert rules == {
        "/p/pilot_selection/calls/<int:call_id>/visits",
        "/p/pilot_selection/applications/<int:application_id>/visit",
        "/p/pilot_selection/applications/<int:application_id>/visit/cancel",
        "/p/pilot_selection/applications/<int:application_id>/memorandum.pdf"}
    assert "pilot_selection_visits" in db.metadata.tables
    assert "pilot_selection_choices" in app.jinja_env.globals
    assert "label" in app.jinja_env.filters  # the core's formatting filters


def test_the_migration_starts_the_plugins_branch():
    files = sorted((PLUGIN / "migrations" / "versions").glob("*.py"))
    assert len(files) == 1
    spec = importlib.util.spec_from_file_location("pilot_selection_first", files[0])
    revision = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(revision)
    assert revision.down_revision is None
    assert revision.branch_labels == ("pilot_selection",)
    assert revision.depends_on == "8529c6fd7871"
