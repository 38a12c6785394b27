"""Hook implementations of the pilot-selection plugin: its only contact with pluggy."""

from gms.hooks import hookimpl

from . import models  # noqa: F401 - the visits table is in the metadata when enabled


@hookimpl
def gms_register_competition_types():
    from .competition import PilotSelectionCompetition

    return [PilotSelectionCompetition()]


@hookimpl
def gms_register_blueprints():
    from .views import bp

    return [bp]


@hookimpl
def gms_app_init(app):
    from .views import init_jinja

    init_jinja(app)


@hookimpl
def gms_demo_data(demo):
    from .demo import load

    load(demo)
