"""One test per hook (``test_hook_<name>``), plus plugin discovery and enablement.

A meta-test checks that every ``gms_*`` spec has such a test and a heading in
``docs/plugin-hooks.md``.
"""

from __future__ import annotations

import inspect
import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from flask import Blueprint
from sqlalchemy import select

from gms.competition import rule
from gms.competition.payee import PayeeAccount
from gms.evaluation.models import Assignment
from gms.extensions import db
from gms.hooks import hookimpl, specs
from gms.hooks.manager import PluginError, build_plugin_manager, discover
from gms.models import Application, Competition

from .helpers import declared, toy_round
from .toy_competition import ToyPlugin

ROOT = Path(__file__).resolve().parent.parent


@rule("recorder.always", blocking=False)
def always():
    """A rule every call gets from the recorder plugin."""
    return lambda application: (True, "fine")


class Recorder:
    """Implements every hook and remembers the events it saw."""

    def __init__(self):
        self.events: list[tuple] = []

    @hookimpl
    def gms_register_blueprints(self):
        bp = Blueprint("recorder", __name__)
        bp.add_url_rule("/hello", "hello", lambda: "hello from a plugin")
        return [bp]

    @hookimpl
    def gms_register_periodic_tasks(self):
        return {"recorder.tick": {"task": "recorder.tick", "schedule": 3600.0}}

    @hookimpl
    def gms_app_init(self, app):
        app.jinja_env.filters["shout"] = lambda s: str(s).upper()

    @hookimpl
    def gms_register_factories(self):
        return [always]

    @hookimpl
    def gms_extra_eligibility_rules(self, competition, competition_type):
        return [always()]

    @hookimpl
    def gms_payee_account(self, application, competition_type):
        if competition_type.key != "toy":
            return None
        return PayeeAccount(account=application.answers.get("account") or "4402011100000001",
                            treasury_code="\n440001 ")

    @hookimpl
    def gms_competition_status_changed(self, competition, old_status, new_status):
        self.events.append(("call", old_status, new_status))

    @hookimpl
    def gms_application_status_changed(self, application, old_status, new_status):
        self.events.append(("application", application.id, old_status, new_status))

    @hookimpl
    def gms_review_submitted(self, application_id, reviewer_id, total):
        self.events.append(("review", application_id, reviewer_id, total))

    @hookimpl
    def gms_awards_published(self, competition, awards):
        self.events.append(("published", competition.id, len(awards)))


RECORDER = Recorder()
pytestmark = [pytest.mark.gms_plugins(), pytest.mark.gms_config(
    EXTRA_PLUGINS={"toy": ToyPlugin(), "recorder": RECORDER}, BABEL_DEFAULT_LOCALE="en")]


@pytest.fixture(autouse=True)
def _fresh_recorder():
    RECORDER.events.clear()


def test_hook_gms_register_competition_types(app):
    assert [t.key for t in app.extensions["gms.registry"]] == ["toy"]

    class Wrong:
        @hookimpl
        def gms_register_competition_types(self):
            return ToyPlugin().gms_register_competition_types()

    with pytest.raises(Exception, match="start with the plugin name"):
        build_plugin_manager({"PLUGINS": [], "EXTRA_PLUGINS": {"other": Wrong()}})


def test_hook_gms_register_blueprints(client):
    assert client.get("/p/recorder/hello").get_data(as_text=True) == "hello from a plugin"


def test_hook_gms_register_periodic_tasks(app):
    schedule = app.extensions["celery"].conf.beat_schedule
    assert schedule["recorder.tick"]["task"] == "recorder.tick"
    assert "gms.close_due_calls" in schedule


def test_hook_gms_demo_data(app):
    from gms import demo

    seen = []

    class DemoPlugin:
        @hookimpl
        def gms_demo_data(self, demo):
            seen.append((demo.staff.email, len(demo.members), sorted(demo.applicants)))

    app.extensions["gms.plugins"].register(DemoPlugin(), name="demo_probe")
    with app.app_context():
        assert demo.load() == demo.logins()
    assert seen == [(f"staff@{demo.DOMAIN}", 3, sorted(
        code for code, _oblast in (demo.BOROLDOI, demo.AK_TAL, demo.ONBIR_JYLGA,
                                   demo.KYZYL_SUU)))]


def test_hook_gms_app_init(app):
    assert app.jinja_env.filters["shout"]("ok") == "OK"


def test_hook_gms_register_factories(app):
    factories = app.extensions["gms.registry"].factories
    assert factories.get("rule", "recorder.always") is always
    assert factories.get("rule", "core.territory") is not None

    class Wrong:
        @hookimpl
        def gms_register_factories(self):
            return [always]

    with pytest.raises(Exception, match="codes must start with 'other.'"):
        build_plugin_manager({"PLUGINS": [], "EXTRA_PLUGINS": {"other": Wrong()}})


def test_hook_gms_extra_eligibility_rules(app):
    with app.app_context():
        ids = toy_round(status="open")
        call = db.session.get(Competition, ids["call"])
        assert "recorder.always" in {r["code"] for r in call.frozen_rules}


def _full_round(app, clock):
    from gms.evaluation import lifecycle, scoring

    with app.app_context():
        ids = toy_round(now=clock())
        later = clock() + timedelta(hours=3)
        for a in db.session.query(Assignment).all():
            scoring.save_review(declared(a, later), {"impact": Decimal(6), "cost": 2}, {}, "",
                                   submit=True, now=later)
        call = db.session.get(Competition, ids["call"])
        with app.test_request_context():
            lifecycle.advance(call, "decide", now=later, actor_id=ids["staff"])
            lifecycle.advance(call, "publish", now=later, actor_id=ids["staff"])
    return ids


def test_hook_gms_competition_status_changed(app, clock):
    _full_round(app, clock)
    calls = [e[1:] for e in RECORDER.events if e[0] == "call"]
    assert calls == [("draft", "open"), ("open", "closed"), ("closed", "screening"),
                     ("screening", "evaluation"), ("evaluation", "decided"),
                     ("decided", "published")]


def test_hook_gms_application_status_changed(app, clock):
    ids = _full_round(app, clock)
    first = ids["apps_a"][0]
    assert [e[2:] for e in RECORDER.events if e[0] == "application" and e[1] == first] == [
        ("draft", "submitted"), ("submitted", "eligible")]


def test_hook_gms_review_submitted(app, clock):
    ids = _full_round(app, clock)
    reviews = [e for e in RECORDER.events if e[0] == "review"]
    assert {(e[1], e[2]) for e in reviews} == {(a, ids["m1"])
                                              for a in ids["apps_a"] + ids["apps_b"]}
    assert all(e[3] == Decimal("14.00") for e in reviews)  # 6*2 + 2, of 25


def test_hook_gms_payee_account(app, clock):
    from gms.evaluation.models import Award
    from gms.models import AuditEntry, User
    from gms.money import agreements

    ids = _full_round(app, clock)
    with app.app_context():
        award = db.session.scalars(select(Award).where(Award.outcome == "funded")).first()
        grant = agreements.open_grant(award, db.session.get(User, ids["staff"]))
        assert (grant.recipient_account, grant.treasury_code) == ("4402011100000001", "440001")
        entry = db.session.scalars(select(AuditEntry).where(
            AuditEntry.action == "grant.payee_carried")).one()
        assert entry.object_id == grant.id
        assert entry.payload["treasury_code"] == "440001"


def test_hook_gms_awards_published(app, clock):
    ids = _full_round(app, clock)
    assert ("published", ids["call"], 2) in RECORDER.events
    with app.app_context():
        assert {a.status for a in db.session.query(Application)} == {"funded"}


# ------------------------------------------------------------------ discovery, enablement

def test_only_enabled_plugins_are_loaded():
    pm, registry, enabled = build_plugin_manager({"PLUGINS": ["small_grants"]})
    assert set(enabled) == {"small_grants"}
    assert [t.key for t in registry] == ["small_grants"]
    assert pm.get_plugin("pilot_selection") is None
    assert {"pilot_selection", "small_grants", "local_initiative",
            "citizen_budget_contest"} <= set(discover())


def test_unknown_plugin_stops_start_up():
    with pytest.raises(PluginError, match="not found"):
        build_plugin_manager({"PLUGINS": ["no_such_plugin"]})


def test_misspelt_hook_fails_at_start_up():
    class Typo:
        @hookimpl
        def gms_regster_blueprints(self):
            return []

    with pytest.raises(Exception, match="unknown hook"):
        build_plugin_manager({"PLUGINS": [], "EXTRA_PLUGINS": {"typo": Typo()}})


def test_plugin_paths_folder_is_discovered(tmp_path):
    pkg = tmp_path / "extra_comp"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("__version__ = '3.1'\n")
    (pkg / "plugin.py").write_text(
        "from gms.hooks import hookimpl\n"
        "from gms.competition import CompetitionType\n"
        "class T(CompetitionType):\n    key = 'extra_comp'\n"
        "@hookimpl\ndef gms_register_competition_types():\n    return [T()]\n")
    pm, registry, enabled = build_plugin_manager(
        {"PLUGINS": ["extra_comp"], "PLUGIN_PATHS": [str(tmp_path)]})
    assert enabled["extra_comp"].version == "3.1"
    assert [t.key for t in registry] == ["extra_comp"]


def test_every_hook_is_documented_and_tested():
    names = [n for n, f in inspect.getmembers(specs, inspect.isfunction)
             if n.startswith("gms_")]
    assert len(names) == 12
    doc = (ROOT / "docs" / "plugin-hooks.md").read_text(encoding="utf-8")
    here = Path(__file__).read_text(encoding="utf-8")
    for name in names:
        params = ", ".join(inspect.signature(getattr(specs, name)).parameters)
        assert re.search(rf"^### `{name}\({re.escape(params)}\)`", doc, re.M), name
        assert f"def test_hook_{name}(" in here, name

