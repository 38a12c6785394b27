"""Public markers for GMS plugins, and the accessor of a plugin's configuration.

The shortest complete plugin is a package ``plugins/<name>/`` whose ``plugin.py`` reads::

    from gms.hooks import hookimpl
    from .competition import MyCompetition

    @hookimpl
    def gms_register_competition_types():
        return [MyCompetition()]

See ``gms/hooks/specs.py`` and ``docs/plugin-hooks.md`` for every hook.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import pluggy
from flask import current_app

PROJECT = "gms"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)

__all__ = ["hookimpl", "hookspec", "PROJECT", "plugin_config"]


def plugin_config(name: str) -> Mapping[str, Any]:
    """The settings of plugin ``name`` (a read-only mapping, empty when none are given):
    the table ``[PLUGIN_CONFIG.<name>]`` of the configuration, or
    ``GMS_PLUGIN_CONFIG__<name>='{"key": ...}'``. Needs an app context."""
    return MappingProxyType(dict(current_app.config.get("PLUGIN_CONFIG", {}).get(name) or {}))
