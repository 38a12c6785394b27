"""Hook implementations of the small-grants plugin: its only contact with pluggy."""

from gms.hooks import hookimpl


@hookimpl
def gms_register_competition_types():
    from .competition import SmallGrantsCompetition

    return [SmallGrantsCompetition()]


@hookimpl
def gms_app_init(app):
    from .views import init_jinja

    init_jinja(app)


@hookimpl
def gms_demo_data(demo):
    from .demo import load

    load(demo)


@hookimpl
def gms_payee_account(application, competition_type):
    """The local-budget account (or treasury code) the municipality gives in its form."""
    from gms.competition.payee import PayeeAccount

    from .competition import KEY

    if competition_type.key != KEY:
        return None
    return PayeeAccount.from_answers(application.answers, account="budget_account")
