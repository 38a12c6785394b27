"""Hook implementations of the citizen-budget-contest plugin: its only contact with pluggy."""

from gms.hooks import hookimpl


@hookimpl
def gms_register_competition_types():
    from .competition import CitizenBudgetContest

    return [CitizenBudgetContest()]


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
