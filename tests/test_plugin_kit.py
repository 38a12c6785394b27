"""The plugin author's kit: ready-made hooks, rubrics and declared document kinds."""

from decimal import Decimal
from types import SimpleNamespace

import pluggy
import pytest
from flask import Blueprint, Flask

from gms.competition import (
    CompetitionInfo,
    CompetitionType,
    Scale,
    on_scale,
    out_of_points,
)
from gms.competition.budget import Budget, is_empty_line
from gms.forms import StringField
from gms.forms.tables import TableRow, choice, count
from gms.hooks import PROJECT, specs
from gms.hooks.plugin_kit import blueprints, competition_types, demo_data, factories, jinja

LABEL = {"en": "Site"}
GUIDE = {"en": "Look at it"}


class _Type(CompetitionType):
    key = "kit_test"
    rubric = out_of_points([("site", 10, LABEL, GUIDE)], step=0.5, comment_below_percent=40)
    reviewers_per_application = 4
    document_labels = {"plan": "Plan", "photos": "Photos"}
    required_documents = ("plan",)
    optional_documents = ("photos",)


def _manager(**hooks):
    pm = pluggy.PluginManager(PROJECT)
    pm.add_hookspecs(specs)
    pm.register(SimpleNamespace(**hooks), name="kit_test")
    return pm


def test_the_builders_implement_their_hooks():
    bp = Blueprint("kit_test", __name__)
    loaded = []
    pm = _manager(gms_register_competition_types=competition_types(_Type),
                  gms_register_factories=factories(["f"]),
                  gms_register_blueprints=blueprints(bp),
                  gms_app_init=jinja({"kit_test_up": str.upper}, kit_test_answer=42),
                  gms_demo_data=demo_data(loaded.append))
    first, = pm.hook.gms_register_competition_types()
    second, = pm.hook.gms_register_competition_types()
    assert isinstance(first[0], _Type) and first[0] is not second[0]  # fresh per call
    assert pm.hook.gms_register_factories() == [["f"]]
    assert pm.hook.gms_register_blueprints() == [[bp]]
    app = Flask(__name__)
    pm.hook.gms_app_init(app=app)
    assert app.jinja_env.globals["kit_test_answer"] == 42
    assert app.jinja_env.from_string("{{ 'a'|kit_test_up }}").render() == "A"
    pm.hook.gms_demo_data(demo="the demo")
    assert loaded == ["the demo"]


def test_an_instance_is_registered_as_it_is():
    instance = _Type()
    pm = _manager(gms_register_competition_types=competition_types(instance))
    assert pm.hook.gms_register_competition_types() == [[instance]]


def test_out_of_points_scales_each_criterion_to_its_points():
    site, = out_of_points([("site", 30, LABEL, GUIDE)], step=0.5, comment_below_percent=40)
    assert site.scale == Scale(min=0, max=30, step=0.5)
    assert site.comment_below == 12 and site.label == LABEL and site.guidance == GUIDE
    plain, = out_of_points([("site", 30, LABEL, GUIDE)])
    assert plain.comment_below is None


def test_on_scale_allows_not_applicable_only_where_named():
    a, b = on_scale([("a", LABEL, GUIDE), ("b", LABEL, GUIDE)], Scale(0, 5, 1),
                    comment_below=2, not_applicable=("b",))
    assert not a.scale.allow_na and b.scale.allow_na
    assert a.comment_below == b.comment_below == 2


def test_the_defaults_read_the_declarations():
    ctype, info = _Type(), CompetitionInfo(id=1, type_key="kit_test")
    sheet = ctype.scoring_sheet(info)
    assert [c.key for c in sheet.criteria] == ["site"]
    assert sheet.reviewers_per_application == 4 and sheet.max_total == Decimal(10)
    assert [(k.code, k.label, k.required) for k in ctype.document_kinds(info)] == [
        ("plan", "Plan", True), ("photos", "Photos", False)]


def test_a_type_without_rubric_must_give_its_criteria():
    with pytest.raises(NotImplementedError):
        CompetitionType().criteria(CompetitionInfo(id=1, type_key="x"))


def test_a_budget_reads_its_lines_and_the_share_the_funder_does_not_pay():
    answers = {"budget_lines": [
        {"item": "Pipes", "quantity": "10", "unit_cost": "1 000,50", "source": "grant"},
        {"item": "Labour", "quantity": 2, "unit_cost": 500, "source": "community",
         "basis": " 2 days "},
        {"item": "", "quantity": "", "unit_cost": None},  # a spare row
        "not a row"]}
    spent = Budget.of(answers, ("grant", "community", "donors"), funder="grant")
    assert [line.item for line in spent.lines] == ["Pipes", "Labour"]
    assert spent.lines[1].basis == "2 days"
    assert spent.by_source == {"grant": Decimal("10005.00"), "community": Decimal("1000.00"),
                               "donors": Decimal("0.00")}
    assert spent.requested == Decimal("10005.00") and spent.total == Decimal("11005.00")
    assert spent.contribution == Decimal("1000.00")
    assert spent.contribution_percent == Decimal("9.09")
    assert Budget.of({}, ("grant",), "grant").contribution_percent is None
    assert is_empty_line({"item": " ", "source": "grant"})


class _Row(TableRow):
    required = ("name", "people")
    name = StringField("Name")
    people = count("People", required=False)
    kind = choice("Kind", [("a", "A")], required=False)


def test_a_table_row_is_ignored_while_empty_and_complete_once_started(app):
    with app.test_request_context():
        empty = _Row(data={"name": " ", "people": None, "kind": ""})
        assert empty.validate()
        started = _Row(data={"name": "Ak-Tal", "people": None, "kind": ""})
        assert not started.validate()
        assert len(started.people.errors) == 1 and not started.name.errors
        assert _Row.drop_empty([{"name": ""}, {"name": "x"}, "junk"]) == [{"name": "x"}]
        assert _Row(data={"name": "Ak-Tal", "people": 3}).validate()
        assert [c[0] for c in _Row().kind.choices] == ["", "a"]
