"""The toolkit for plugin authors: discovery through entry points, the enabled set as
configuration, namespaces checked at start-up, the test database migrating the enabled
plugins, PLUGIN_CONFIG's accessor and the typed hook specifications."""

from __future__ import annotations

import inspect
import subprocess
import sys
import typing
from collections.abc import Iterable, Mapping
from decimal import Decimal
from pathlib import Path
from types import ModuleType

import pluggy
import pytest
from flask import Blueprint, Flask
from flask_babel import force_locale
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import text
from sqlalchemy.orm import Mapped, mapped_column

from gms.competition import (
    ApplicationInfo,
    AwardDecision,
    CompetitionInfo,
    CompetitionType,
    EligibilityRule,
    Factory,
)
from gms.competition.payee import PayeeAccount
from gms.demo import Demo
from gms.extensions import db
from gms.hooks import hookimpl, plugin_config, specs
from gms.hooks.manager import PluginError, build_plugin_manager, installed_plugins
from gms.hooks.namespaces import plugin_blueprints, plugin_periodic_tasks

ROOT = Path(__file__).resolve().parent.parent
PROBE_PATHS = [str(Path(__file__).parent / "data" / "plugins")]
IN_REPO = {"citizen_budget_contest", "local_initiative", "pilot_selection", "small_grants"}


# ---------------------------------------------------------------- entry points, config


def test_in_repo_plugins_are_entry_points_and_the_core_imports_no_plugins():
    found = installed_plugins()
    assert IN_REPO <= set(found)
    assert {found[name].module for name in IN_REPO} == {f"plugins.{n}.plugin" for n in IN_REPO}
    assert found["pilot_selection"].version == "1.0"  # the package's __version__
    # a fresh interpreter: importing the app imports no plugin; a manager for no plugin
    # reads the packages' __version__ only, never their code
    code = ("import sys, gms.app; print(sorted(m for m in sys.modules if m == 'plugins' "
            "or m.startswith('plugins.'))); from gms.hooks.manager import build_plugin_manager; "
            "build_plugin_manager({'PLUGINS': []}); "
            "print(sorted(m for m in sys.modules if m.startswith('plugins.') "
            "and m.count('.') > 1))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT)
    assert out.stdout.split("\n")[:2] == ["[]", "[]"], out.stdout


def test_the_core_names_no_competition():
    out = subprocess.run(["grep", "-rlnE", "small_grants|pilot_selection|local_initiative|"
                          "citizen_budget", "gms", "--include=*.py"],
                         capture_output=True, text=True, cwd=ROOT)
    assert out.stdout.split() == []


# ------------------------------------------------------------------------- namespaces


def _manager_with(name: str, plugin: object) -> pluggy.PluginManager:
    """The plugin manager with only ``plugin`` enabled, as ``name``."""
    pm, _registry, _enabled = build_plugin_manager({"PLUGINS": [], "EXTRA_PLUGINS": {name: plugin}})
    return pm


class Blueprints:
    def __init__(self, *names: str):
        self.names = names

    @hookimpl
    def gms_register_blueprints(self):
        return [Blueprint(name, __name__) for name in self.names]


class Beat:
    def __init__(self, key: str):
        self.key = key

    @hookimpl
    def gms_register_periodic_tasks(self):
        return {self.key: {"task": "probe.tick", "schedule": 60.0}}


def test_a_blueprint_outside_the_plugins_name_stops_start_up():
    good = plugin_blueprints(_manager_with("probe", Blueprints("probe", "probe_admin")))
    assert [bp.name for bp in good] == ["probe", "probe_admin"]
    for bad in ("staff", "probeadmin", "other_probe"):
        with pytest.raises(PluginError, match=f"blueprint '{bad}'"):
            plugin_blueprints(_manager_with("probe", Blueprints(bad)))


@pytest.mark.gms_plugins()
def test_create_app_refuses_a_plugin_blueprint_named_staff(make_app):
    with pytest.raises(PluginError, match="'probe' registers the blueprint 'staff'"):
        make_app({"EXTRA_PLUGINS": {"probe": Blueprints("staff")}})


def test_a_beat_key_outside_the_plugins_name_stops_start_up():
    assert set(plugin_periodic_tasks(_manager_with("probe", Beat("probe.tick")))) == {
        "probe.tick"}
    for bad in ("gms.close_due_calls", "probe_tick", "other.tick"):
        with pytest.raises(PluginError, match="beat entry"):
            plugin_periodic_tasks(_manager_with("probe", Beat(bad)))


@pytest.mark.gms_plugins()
def test_create_app_refuses_to_overwrite_a_core_task(make_app):
    with pytest.raises(PluginError, match="'gms.close_due_calls'"):
        make_app({"EXTRA_PLUGINS": {"probe": Beat("gms.close_due_calls")}})


def _plugin_module(package: str) -> ModuleType:
    module = ModuleType(f"{package}.plugin")
    module.__file__ = None
    return module


@pytest.fixture
def mapped_tables():
    """Map classes as if a plugin package ``probe_tables`` defined them; unmapped after."""
    made = []

    def make(table: str) -> type:
        cls = type(f"ProbeTables{len(made)}", (db.Model,), {
            "__module__": "probe_tables.models", "__tablename__": table,
            "__annotations__": {"id": Mapped[int]}, "id": mapped_column(primary_key=True)})
        made.append(cls)
        return cls

    yield make
    for cls in made:
        db.metadata.remove(cls.__table__)


def test_a_table_outside_the_plugins_name_stops_start_up(mapped_tables):
    mapped_tables("probe_tables_items")
    build_plugin_manager({"PLUGINS": [], "EXTRA_PLUGINS": {
        "probe_tables": _plugin_module("probe_tables")}})
    mapped_tables("visits")
    with pytest.raises(PluginError, match="'probe_tables' registers the table 'visits'"):
        build_plugin_manager({"PLUGINS": [], "EXTRA_PLUGINS": {
            "probe_tables": _plugin_module("probe_tables")}})
    # another plugin's start-up does not look at this plugin's code
    build_plugin_manager({"PLUGINS": [], "EXTRA_PLUGINS": {
        "probe": _plugin_module("probe")}})


def test_in_repo_plugins_keep_to_their_names():
    pm, _registry, _enabled = build_plugin_manager({"PLUGINS": sorted(IN_REPO)})
    assert plugin_blueprints(pm)
    plugin_periodic_tasks(pm)


# --------------------------------------------------------- the test database's plugins


@pytest.mark.gms_plugins("probe_notes")
@pytest.mark.gms_config(PLUGIN_PATHS=PROBE_PATHS)
def test_the_test_database_migrates_an_enabled_plugins_branch(app, client):
    with app.app_context():
        assert "probe_notes_items" in sa_inspect(db.engine).get_table_names()
        db.session.execute(text("INSERT INTO probe_notes_items (text) VALUES ('one')"))
        db.session.commit()
    assert client.get("/p/probe_notes/count").text == "1"


@pytest.mark.gms_plugins()
def test_a_database_without_the_plugin_has_no_table(app):
    with app.app_context():
        assert "probe_notes_items" not in sa_inspect(db.engine).get_table_names()


# ----------------------------------------------------------------------- PLUGIN_CONFIG


@pytest.mark.gms_plugins()
@pytest.mark.gms_config(PLUGIN_CONFIG={"probe": {"max_share": 0.5}})
def test_plugin_config_reads_a_plugins_own_settings(app):
    with app.app_context():
        assert plugin_config("probe") == {"max_share": 0.5}
        assert plugin_config("other") == {}
        with pytest.raises(TypeError):
            plugin_config("probe")["max_share"] = 1  # read-only


# -------------------------------------------------------------------------- hook types


def test_every_hookspec_is_annotated_with_resolvable_types():
    names = {"Iterable": Iterable, "Mapping": Mapping, "Decimal": Decimal, "Any": typing.Any,
             "Blueprint": Blueprint, "Flask": Flask, "ApplicationInfo": ApplicationInfo,
             "AwardDecision": AwardDecision, "CompetitionInfo": CompetitionInfo,
             "CompetitionType": CompetitionType, "EligibilityRule": EligibilityRule,
             "PayeeAccount": PayeeAccount, "Demo": Demo, "Factory": Factory}
    specs_found = [f for n, f in inspect.getmembers(specs, inspect.isfunction)
                   if n.startswith("gms_")]
    assert specs_found
    for spec in specs_found:
        params = inspect.signature(spec).parameters
        hints = typing.get_type_hints(spec, localns=names)
        assert set(hints) == {*params, "return"}, spec.__name__


# ------------------------------------------------------------------- template filters


@pytest.mark.gms_plugins()
def test_the_cores_formatting_filters_serve_plugin_templates(app):
    choices = [("water", "Drinking water"), ("roads", "Roads")]
    source = ("{{ 'roads'|label(choices) }}|{{ '2026-12-07'|long_date }}|{{ none|long_date }}|"
              "{{ '2.50'|number(6) }}|{{ 28.571|percent(1) }}|{{ 84.5|points }}")
    with app.test_request_context(), force_locale("en"):
        text = app.jinja_env.from_string(source).render(choices=choices)
    assert text == "Roads|December 7, 2026|—|2.5|28.6|84.5"
