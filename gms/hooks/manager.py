"""Build one pluggy plugin manager per app: built-ins, then the enabled plugins.

Plugins are found as ``gms.plugins`` entry points (the in-repo ones are declared in
``pyproject.toml``) and as packages in the ``PLUGIN_PATHS`` folders. ``PLUGINS`` names the
enabled ones; unset (``None``), every installed entry point is enabled.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import pkgutil
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pluggy

from gms.competition import Registry
from gms.hooks import PROJECT, specs
from gms.hooks.namespaces import PluginError, check_tables

NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
ENTRY_POINT_GROUP = "gms.plugins"
BUILTIN_MODULES = ("gms.builtin.eligibility",)

__all__ = ["PluginError", "PluginSource", "discover", "installed_plugins",
           "build_plugin_manager", "plugin_folder", "migration_folders"]


@dataclass(frozen=True)
class PluginSource:
    """Where a plugin was found: ``origin`` is ``folder``, ``entry point`` or ``test``."""

    name: str
    origin: str
    module: str
    version: str


def _package_version(package: str, fallback: str) -> str:
    """The package's ``__version__`` (``fallback`` when it has none or fails to import)."""
    try:
        mod = importlib.import_module(package)
    except ImportError:
        return fallback
    return str(getattr(mod, "__version__", fallback))


def _folder_plugins(paths: list[Path]) -> dict[str, PluginSource]:
    """Packages with a ``plugin.py`` in the ``PLUGIN_PATHS`` folders (put on ``sys.path``)."""
    found: dict[str, PluginSource] = {}
    for root in paths:
        if not root.is_dir():
            continue
        for info in pkgutil.iter_modules([str(root)]):
            if info.ispkg and (root / info.name / "plugin.py").exists():
                if str(root) not in sys.path:
                    sys.path.insert(0, str(root))
                found[info.name] = PluginSource(info.name, "folder", f"{info.name}.plugin",
                                                _package_version(info.name, "0"))
    return found


def installed_plugins() -> dict[str, PluginSource]:
    """The plugins installed as ``gms.plugins`` entry points; the version is the plugin
    package's ``__version__``, else its distribution's."""
    found = {}
    for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        dist = ep.dist.version if ep.dist else "?"
        package = ep.module.rpartition(".")[0] if ep.module.endswith(".plugin") else ep.module
        found[ep.name] = PluginSource(ep.name, "entry point", ep.value,
                                      _package_version(package, dist))
    return found


def discover(paths: list[str] | None = None) -> dict[str, PluginSource]:
    """Every plugin that could be enabled: entry points and ``PLUGIN_PATHS`` folders.

    A name found both in a folder and as an entry point is an error.
    """
    folders = _folder_plugins([Path(p) for p in paths or []])
    points = installed_plugins()
    both = set(folders) & set(points)
    if both:
        raise PluginError(f"plugins found both as folders and entry points: {sorted(both)}")
    return {**folders, **points}


def build_plugin_manager(
        config: Mapping[str, Any]) -> tuple[pluggy.PluginManager, Registry, dict]:
    """Create the manager for ``config``; returns ``(manager, registry, enabled sources)``.

    Built-in plugins register first (so they run last); then each name in ``PLUGINS``
    (``None``: every installed entry point). Extra plugin objects (``EXTRA_PLUGINS``:
    ``{name: module_or_object}``) are registered as if enabled, which tests use for
    throw-away competitions. Competition type keys and mapped tables are checked to carry
    the plugin's name (:mod:`gms.hooks.namespaces`).
    """
    pm = pluggy.PluginManager(PROJECT)
    pm.add_hookspecs(specs)
    for modname in BUILTIN_MODULES:
        pm.register(importlib.import_module(modname), name=f"builtin:{modname.rsplit('.', 1)[1]}")

    available = discover(config.get("PLUGIN_PATHS"))
    names = config.get("PLUGINS")
    if names is None:
        names = sorted(name for name, source in available.items()
                       if source.origin == "entry point")
    enabled: dict[str, PluginSource] = {}
    for name in names:
        if not NAME_RE.match(name):
            raise PluginError(f"bad plugin name {name!r}")
        if name not in available:
            raise PluginError(f"plugin {name!r} is enabled but was not found")
        source = available[name]
        try:
            module = importlib.import_module(source.module.split(":")[0])
        except ImportError as exc:
            raise PluginError(f"plugin {name!r} failed to import: {exc}") from exc
        pm.register(module, name=name)
        enabled[name] = source
    for name, obj in (config.get("EXTRA_PLUGINS") or {}).items():
        pm.register(obj, name=name)
        enabled[name] = PluginSource(name, "test", getattr(obj, "__name__", repr(obj)), "0")
    pm.check_pending()
    check_tables((name, pm.get_plugin(name)) for name in enabled)

    registry = Registry()
    for impl in pm.hook.gms_register_competition_types.get_hookimpls():
        registry.extend(impl.plugin_name, impl.function() or ())
    for impl in pm.hook.gms_register_factories.get_hookimpls():
        owner = "core" if impl.plugin_name.startswith("builtin:") else impl.plugin_name
        registry.factories.extend(owner, impl.function() or ())
    return pm, registry, enabled


def plugin_folder(plugin: object) -> Path | None:
    """The folder of a plugin's code (its ``plugin.py``), or ``None`` for an object that
    has no file."""
    filename = getattr(plugin, "__file__", None)
    return Path(filename).parent if filename else None


def migration_folders(pm: pluggy.PluginManager, enabled: Mapping[str, PluginSource]) -> list[Path]:
    """The ``migrations/versions`` folders of the enabled plugins that have one."""
    folders = []
    for name in enabled:
        folder = plugin_folder(pm.get_plugin(name))
        if folder is not None and (folder / "migrations" / "versions").is_dir():
            folders.append(folder / "migrations" / "versions")
    return folders
