"""Hook implementations of the small-grants plugin: its only contact with pluggy."""

from gms.competition.payee import PayeeAccount
from gms.hooks import hookimpl
from gms.hooks.plugin_kit import competition_types, demo_data, factories, jinja

from .competition import KEY, SmallGrantsCompetition
from .demo import load
from .eligibility import FACTORIES
from .views import JINJA_GLOBALS

gms_register_competition_types = competition_types(SmallGrantsCompetition)
gms_register_factories = factories(FACTORIES)
gms_app_init = jinja(**JINJA_GLOBALS)
gms_demo_data = demo_data(load)


@hookimpl
def gms_payee_account(application, competition_type):
    """The local-budget account (or treasury code) the municipality gives in its form."""
    if competition_type.key != KEY:
        return None
    return PayeeAccount.from_answers(application.answers, account="budget_account")
