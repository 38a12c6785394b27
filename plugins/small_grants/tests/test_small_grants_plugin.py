"""Hook wiring and the type's declarations: settings, documents, templates."""

from __future__ import annotations

from pathlib import Path

from gms.hooks.manager import build_plugin_manager
from plugins.small_grants import __version__
from plugins.small_grants.competition import SmallGrantsCompetition
from plugins.small_grants.tests.factories import make_competition

PLUGIN = Path(__file__).resolve().parents[1]


def test_the_plugin_registers_exactly_its_type():
    pm, registry, enabled = build_plugin_manager({"PLUGINS": ["small_grants"]})
    assert [t.key for t in registry] == ["small_grants"]
    assert enabled["small_grants"].version == __version__ == "1.1"
    ctype = registry["small_grants"]
    # version 2: the evidence rules were added (calls opened under version 1 keep theirs)
    assert ctype.applicant_kinds == ("municipality",) and ctype.version == "2"
    assert str(ctype.label) and str(ctype.description)


def test_settings_and_defaults():
    ctype = SmallGrantsCompetition()
    assert ctype.default_settings() == {
        "max_grant_kgs": 1000000, "max_applications_per_organisation": 2,
        "max_awards_per_organisation": 2, "min_cofinancing_percent": 0,
        "max_duration_months": 12, "min_minority_sex_percent": 30}
    kinds = {f.name: f.kind for f in ctype.settings_fields()}
    assert kinds["max_grant_kgs"] == "decimal" and kinds["max_duration_months"] == "int"
    assert kinds["min_minority_sex_percent"] == "decimal"


def test_document_kinds():
    kinds = {k.code: k.required for k in SmallGrantsCompetition().document_kinds(
        make_competition())}
    assert kinds == {"council_resolution": True, "budget_publication": True,
                     "zhmba_report": False, "hearing_minutes": False,
                     "gathering_minutes": False, "zhmba_protocol": False, "vote_tally": False,
                     "focus_group_report": False, "joint_action_plan": False}


def test_application_template_exists():
    name = SmallGrantsCompetition().templates["application"]
    assert name == "small_grants/application.html"
    assert (PLUGIN / "templates" / name).is_file()
