"""Ready-made hook implementations, so a plugin's ``plugin.py`` is one line per hook.

Each builder returns a function marked with :data:`gms.hooks.hookimpl`; pluggy takes the hook
it implements from the name it is assigned to::

    from gms.hooks.plugin_kit import blueprints, competition_types, demo_data, factories, jinja

    gms_register_competition_types = competition_types(MyCompetition)
    gms_register_factories = factories(FACTORIES)
    gms_register_blueprints = blueprints(bp)
    gms_app_init = jinja(my_plugin_choices=CHOICES)
    gms_demo_data = demo_data(load)

A hook that needs more (``gms_payee_account``, say) is written with ``@hookimpl`` as usual.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from gms.hooks import hookimpl

if TYPE_CHECKING:
    from flask import Blueprint, Flask

    from gms.competition import CompetitionType, Factory
    from gms.demo import Demo

__all__ = ["blueprints", "competition_types", "demo_data", "factories", "jinja"]


def competition_types(*types: type[CompetitionType] | CompetitionType
                      ) -> Callable[[], list[CompetitionType]]:
    """``gms_register_competition_types``: these competition types; a class is instantiated
    at every call, so each app gets instances of its own."""

    @hookimpl
    def register() -> list[CompetitionType]:
        return [t() if isinstance(t, type) else t for t in types]

    return register


def factories(items: Iterable[Factory]) -> Callable[[], list[Factory]]:
    """``gms_register_factories``: these rule and policy factories."""
    items = list(items)

    @hookimpl
    def register() -> list[Factory]:
        return list(items)

    return register


def blueprints(*items: Blueprint) -> Callable[[], list[Blueprint]]:
    """``gms_register_blueprints``: these blueprints."""

    @hookimpl
    def register() -> list[Blueprint]:
        return list(items)

    return register


def jinja(filters: Mapping[str, Callable] | None = None,
          **globals_: Any) -> Callable[[Flask], None]:
    """``gms_app_init``: add ``globals_`` (named after the plugin: ``my_plugin_choices``)
    and ``filters`` to the app's Jinja environment."""
    filters = dict(filters or {})

    @hookimpl
    def app_init(app: Flask) -> None:
        app.jinja_env.globals.update(globals_)
        app.jinja_env.filters.update(filters)

    return app_init


def demo_data(load: Callable[[Demo], None]) -> Callable[[Demo], None]:
    """``gms_demo_data``: ``load(demo)`` adds the plugin's demonstration data."""

    @hookimpl
    def add(demo: Demo) -> None:
        load(demo)

    return add
