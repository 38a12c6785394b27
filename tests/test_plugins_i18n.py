"""A translation domain per plugin: a plugin's Python strings come from its own catalogs,
then from the core's (gms.i18n.Domain; each in-repo plugin's i18n.py)."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from flask import render_template
from flask_babel import force_locale

from gms.i18n import Domain
from gms.i18n import _ as core_gettext

pytestmark = pytest.mark.gms_plugins()


def _plugin_folder(root: Path, name: str, messages: dict) -> Path:
    """A plugin folder whose Russian catalog holds ``messages`` (msgid: msgstr, or a pair of
    msgids: a list of plural forms)."""
    folder = root / name
    target = folder / "translations" / "ru" / "LC_MESSAGES"
    target.mkdir(parents=True)
    catalog = Catalog(locale="ru")
    for msgid, msgstr in messages.items():
        catalog.add(msgid, msgstr)
    with open(target / "messages.mo", "wb") as fh:
        write_mo(fh, catalog)
    return folder


def test_two_plugins_translate_one_msgid_differently(app, tmp_path):
    first = Domain(_plugin_folder(tmp_path, "first", {"Budget": "Смета"}))
    second = Domain(_plugin_folder(tmp_path, "second", {"Budget": "Бюджет проекта"}))
    label = first.lazy_gettext("Budget")
    with app.test_request_context(), force_locale("ru"):
        assert first.gettext("Budget") == "Смета"
        assert second.gettext("Budget") == "Бюджет проекта"
        assert str(label) == "Смета"
        # a msgid the plugin does not translate comes from the core's catalog
        assert first.gettext("draft") == core_gettext("draft") != "draft"
    with app.test_request_context(), force_locale("en"):
        assert first.gettext("Budget") == "Budget"  # no English catalog: the msgid


def test_plural_forms_and_variables(app, tmp_path):
    domain = Domain(_plugin_folder(tmp_path, "plural", {
        ("%(num)s village", "%(num)s villages"): ["%(num)s село", "%(num)s села",
                                                  "%(num)s сёл"]}))
    with app.test_request_context(), force_locale("ru"):
        assert domain.ngettext("%(num)s village", "%(num)s villages", 1) == "1 село"
        assert domain.ngettext("%(num)s village", "%(num)s villages", 5) == "5 сёл"
    with app.test_request_context(), force_locale("en"):
        assert domain.ngettext("%(num)s village", "%(num)s villages", 2) == "2 villages"


def test_outside_an_app_the_msgid_is_formatted(tmp_path):
    domain = Domain(_plugin_folder(tmp_path, "bare", {"Hello %(name)s": "Привет, %(name)s"}))
    assert domain.gettext("Hello %(name)s", name="Aida") == "Hello Aida"


def test_each_in_repo_plugin_has_its_own_domain():
    root = Path(__file__).resolve().parent.parent / "plugins"
    for name in ("citizen_budget_contest", "local_initiative", "pilot_selection",
                 "small_grants"):
        module = importlib.import_module(f"plugins.{name}.i18n")
        assert module._.__self__.directory == root / name / "translations"


def _template_plugin(root: Path, name: str, budget: str) -> None:
    """A folder plugin with no hooks, a template ``<name>/budget.html`` and a Russian
    catalog translating "Budget" as ``budget``."""
    folder = _plugin_folder(root, name, {"Budget": budget,
                                         ("%(num)s village", "%(num)s villages"):
                                         ["%(num)s село", "%(num)s села", "%(num)s сёл"]})
    (folder / "__init__.py").write_text("")
    (folder / "plugin.py").write_text('"""A plugin with templates only."""\n')
    (folder / "templates" / name).mkdir(parents=True)
    (folder / "templates" / name / "budget.html").write_text(
        '{{ _("Budget") }} | {{ ngettext("%(num)s village", "%(num)s villages", 5) }} | '
        '{{ _("draft") }} | {% trans %}Budget{% endtrans %} | {{ _("<%(x)s>", x="<b>") }}')


def test_a_plugins_templates_translate_from_its_own_domain(make_app, tmp_path):
    _template_plugin(tmp_path, "tpl_first", "Смета")
    _template_plugin(tmp_path, "tpl_second", "Бюджет проекта")
    app = make_app({"PLUGIN_PATHS": [str(tmp_path)], "PLUGINS": ["tpl_first", "tpl_second"]})
    with app.test_request_context(), force_locale("ru"):
        first = render_template("tpl_first/budget.html")
        second = render_template("tpl_second/budget.html")
    draft = core_gettext  # the core's catalog for what the plugin does not translate;
    # the msgid's own markup is kept, the variables are escaped (Jinja's new-style gettext)
    with app.test_request_context(), force_locale("ru"):
        assert first == f"Смета | 5 сёл | {draft('draft')} | Смета | <&lt;b&gt;>"
        assert second.startswith("Бюджет проекта | 5 сёл | ")
