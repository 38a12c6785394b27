"""Hook implementations of the tree-planting plugin: its only contact with pluggy."""

from gms.hooks import hookimpl

from .competition import TreePlanting
from .rules import FACTORIES


@hookimpl
def gms_register_competition_types():
    return [TreePlanting()]


@hookimpl
def gms_register_factories():
    return FACTORIES
