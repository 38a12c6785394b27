"""Namespaces checked at start-up: what a plugin adds carries the plugin's name.

A plugin named ``my_contest`` may register blueprints named ``my_contest`` or
``my_contest_<anything>``, Celery beat entries keyed ``my_contest.<anything>``, and mapped
tables named ``my_contest`` or ``my_contest_<anything>``; anything else would collide with
the core (``staff``, ``gms.close_due_calls``, ``users``) or with another plugin, so it stops
start-up with a :class:`PluginError`. Competition type keys are checked by the registry.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from types import ModuleType
from typing import TYPE_CHECKING, Any

from gms.extensions import db

if TYPE_CHECKING:
    import pluggy
    from flask import Blueprint

__all__ = ["PluginError", "require_prefix", "plugin_blueprints", "plugin_periodic_tasks",
           "check_tables"]


class PluginError(RuntimeError):
    """A plugin could not be found or loaded, or stepped outside its namespace."""


def require_prefix(plugin: str, what: str, name: str, separator: str) -> None:
    """Raise :class:`PluginError` unless ``name`` is ``plugin`` or starts with
    ``plugin + separator``."""
    if name != plugin and not name.startswith(plugin + separator):
        raise PluginError(
            f"plugin {plugin!r} registers the {what} {name!r}: a plugin's {what}s must be "
            f"named {plugin!r} or start with {plugin + separator!r}")


def _results(hook: Any) -> Iterator[tuple[str, Any]]:
    """``(plugin name, result)`` of each implementation of a hook without arguments."""
    for impl in hook.get_hookimpls():
        yield impl.plugin_name, impl.function()


def plugin_blueprints(pm: pluggy.PluginManager) -> list[Blueprint]:
    """Every plugin's blueprints (``gms_register_blueprints``), each checked to carry its
    plugin's name, sorted by name."""
    found = []
    for plugin, blueprints in _results(pm.hook.gms_register_blueprints):
        for bp in blueprints or ():
            require_prefix(plugin, "blueprint", bp.name, "_")
            found.append(bp)
    return sorted(found, key=lambda bp: bp.name)


def plugin_periodic_tasks(pm: pluggy.PluginManager) -> dict[str, dict]:
    """Every plugin's Celery beat entries (``gms_register_periodic_tasks``), each key checked
    to start with ``<plugin>.``."""
    schedule: dict[str, dict] = {}
    for plugin, entries in _results(pm.hook.gms_register_periodic_tasks):
        for key in entries or {}:
            require_prefix(plugin, "beat entry", key, ".")
        schedule.update(entries or {})
    return schedule


def _modules_of(plugin: object) -> tuple[str, bool]:
    """The module name that holds a plugin's code and whether its sub-modules belong to it
    too: a plugin package's ``plugin`` module stands for the whole package; an object stands
    for the module that defines its class."""
    if isinstance(plugin, ModuleType):
        name = plugin.__name__
        if name.endswith(".plugin"):
            return name.rpartition(".")[0], True
        return name, True
    return type(plugin).__module__, False


def check_tables(plugins: Iterable[tuple[str, object]]) -> None:
    """Every table mapped by a class defined in a plugin's code carries the plugin's name
    (``plugins`` are ``(name, plugin object)`` pairs)."""
    owners = [(name, *_modules_of(obj)) for name, obj in plugins]
    for mapper in db.Model.registry.mappers:
        module = mapper.class_.__module__
        for plugin, prefix, package in owners:
            if module == prefix or (package and module.startswith(prefix + ".")):
                for table in mapper.tables:
                    require_prefix(plugin, "table", table.name, "_")
