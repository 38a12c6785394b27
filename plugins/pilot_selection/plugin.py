"""Hook implementations of the pilot-selection plugin."""

from gms.hooks import hookimpl


@hookimpl
def gms_register_competition_types():
    from .competition import PilotSelectionCompetition

    return [PilotSelectionCompetition()]


@hookimpl
def gms_demo_data(demo):
    from .demo import load

    load(demo)
