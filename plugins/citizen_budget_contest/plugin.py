"""Hook implementations of the citizen-budget-contest plugin: its only contact with pluggy."""

from gms.hooks.plugin_kit import blueprints, competition_types, demo_data, factories, jinja

from .competition import CitizenBudgetContest
from .demo import load
from .rules import FACTORIES
from .views import JINJA_GLOBALS, bp

gms_register_competition_types = competition_types(CitizenBudgetContest)
gms_register_factories = factories(FACTORIES)
gms_register_blueprints = blueprints(bp)
gms_app_init = jinja(**JINJA_GLOBALS)
gms_demo_data = demo_data(load)
