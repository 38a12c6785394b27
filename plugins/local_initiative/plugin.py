"""Hook implementations of the local-initiative plugin."""

from gms.hooks import hookimpl


@hookimpl
def gms_register_competition_types():
    from .competition import LocalInitiativeCompetition

    return [LocalInitiativeCompetition()]


@hookimpl
def gms_demo_data(demo):
    from .demo import load

    load(demo)
