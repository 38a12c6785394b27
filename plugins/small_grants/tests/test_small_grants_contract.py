"""The small-grants type keeps the contract every competition type keeps (gms.testing)."""

import pytest

from gms.testing.contract import check_competition_type
from plugins.small_grants.tests.factories import ALL_DOCUMENTS, ANSWERS


@pytest.mark.gms_plugins("small_grants")
def test_small_grants_keeps_the_contract(app):
    check_competition_type("small_grants", app, answers=ANSWERS, attachments=ALL_DOCUMENTS)
