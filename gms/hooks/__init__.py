"""Public markers for GMS plugins.

The shortest complete plugin is a package ``plugins/<name>/`` whose ``plugin.py`` reads::

    from gms.hooks import hookimpl
    from .competition import MyCompetition

    @hookimpl
    def gms_register_competition_types():
        return [MyCompetition()]

See ``gms/hooks/specs.py`` and ``docs/plugin-hooks.md`` for every hook.
"""

import pluggy

PROJECT = "gms"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)

__all__ = ["hookimpl", "hookspec", "PROJECT"]
