"""Build one pluggy plugin manager per app: built-ins, then the enabled plugins."""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import pkgutil
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import pluggy

from gms.competition import Registry
from gms.hooks import PROJECT, specs

NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
ENTRY_POINT_GROUP = "gms.plugins"
BUILTIN_MODULES = ("gms.builtin.eligibility",)


class PluginError(RuntimeError):
    """A plugin could not be found or loaded."""


@dataclass(frozen=True)
class PluginSource:
    """Where a plugin was found: ``origin`` is ``folder`` or ``entry point``."""

    name: str
    origin: str
    module: str
    version: str


def _folder_plugins(paths: list[Path]) -> dict[str, PluginSource]:
    found: dict[str, PluginSource] = {}
    import plugins as inrepo

    roots = [(Path(inrepo.__file__).parent, "plugins")] + [(Path(p), None) for p in paths]
    for root, package in roots:
        if not root.is_dir():
            continue
        for info in pkgutil.iter_modules([str(root)]):
            if info.ispkg and (root / info.name / "plugin.py").exists():
                if package is None and str(root) not in sys.path:
                    sys.path.insert(0, str(root))
                module = f"{package}.{info.name}.plugin" if package else f"{info.name}.plugin"
                version = _module_version(f"{package}.{info.name}" if package else info.name)
                found[info.name] = PluginSource(info.name, "folder", module, version)
    return found


def _module_version(package: str) -> str:
    try:
        mod = importlib.import_module(package)
    except ImportError:
        return "?"
    return str(getattr(mod, "__version__", "0"))


def _entry_point_plugins() -> dict[str, PluginSource]:
    found = {}
    for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        dist = ep.dist.version if ep.dist else "?"
        found[ep.name] = PluginSource(ep.name, "entry point", ep.value, dist)
    return found


def discover(paths: list[str] | None = None) -> dict[str, PluginSource]:
    """Every plugin that could be enabled: in-repo folders, ``PLUGIN_PATHS`` and entry points.

    A name found both in a folder and as an entry point is an error.
    """
    folders = _folder_plugins([Path(p) for p in paths or []])
    points = _entry_point_plugins()
    both = set(folders) & set(points)
    if both:
        raise PluginError(f"plugins found both as folders and entry points: {sorted(both)}")
    return {**folders, **points}


def build_plugin_manager(config) -> tuple[pluggy.PluginManager, Registry, dict]:
    """Create the manager for ``config``; returns ``(manager, registry, enabled sources)``.

    Built-in plugins register first (so they run last); then each name in ``PLUGINS``.
    Extra plugin objects (``EXTRA_PLUGINS``: ``{name: module_or_object}``) are registered
    as if enabled, which tests use for throw-away competitions.
    """
    pm = pluggy.PluginManager(PROJECT)
    pm.add_hookspecs(specs)
    for modname in BUILTIN_MODULES:
        pm.register(importlib.import_module(modname), name=f"builtin:{modname.rsplit('.', 1)[1]}")

    available = discover(config.get("PLUGIN_PATHS"))
    enabled: dict[str, PluginSource] = {}
    for name in config.get("PLUGINS", []):
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

    registry = Registry()
    for impl in pm.hook.gms_register_competition_types.get_hookimpls():
        registry.extend(impl.plugin_name, impl.function() or ())
    return pm, registry, enabled
