"""Hook implementations of the tree-planting plugin: its only contact with pluggy."""

from gms.hooks.plugin_kit import competition_types, factories

from .competition import TreePlanting
from .rules import FACTORIES

gms_register_competition_types = competition_types(TreePlanting)
gms_register_factories = factories(FACTORIES)
