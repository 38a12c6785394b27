"""The citizen budget contest keeps the contract every competition type keeps (gms.testing)."""

import pytest

from gms.testing.contract import check_competition_type
from plugins.citizen_budget_contest.tests.factories import ALL_DOCUMENTS, ANSWERS, SETTINGS


@pytest.mark.gms_plugins("citizen_budget_contest")
def test_citizen_budget_contest_keeps_the_contract(app):
    check_competition_type("citizen_budget_contest", app, answers=ANSWERS, settings=SETTINGS,
                           attachments=ALL_DOCUMENTS)
