"""Hook implementations of the citizen-budget-contest plugin."""

from gms.hooks import hookimpl


@hookimpl
def gms_register_competition_types():
    from .competition import CitizenBudgetContest

    return [CitizenBudgetContest()]


@hookimpl
def gms_demo_data(demo):
    from .demo import load

    load(demo)
