"""Hook implementations of the pilot-selection plugin: its only contact with pluggy."""

from gms.hooks.plugin_kit import blueprints, competition_types, demo_data, factories, jinja

from . import models  # noqa: F401 - the visits table is in the metadata when enabled
from .competition import PilotSelectionCompetition
from .demo import load
from .rules import FACTORIES
from .views import JINJA_GLOBALS, bp

gms_register_competition_types = competition_types(PilotSelectionCompetition)
gms_register_factories = factories(FACTORIES)
gms_register_blueprints = blueprints(bp)
gms_app_init = jinja(**JINJA_GLOBALS)
gms_demo_data = demo_data(load)
