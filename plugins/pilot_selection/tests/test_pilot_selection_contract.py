"""The pilot-selection type keeps the contract every competition type keeps (gms.testing)."""

import pytest

from gms.testing.contract import check_competition_type
from plugins.pilot_selection.tests.factories import ALL_DOCUMENTS, ANSWERS


@pytest.mark.gms_plugins("pilot_selection")
def test_pilot_selection_keeps_the_contract(app):
    check_competition_type("pilot_selection", app, answers=ANSWERS, attachments=ALL_DOCUMENTS)
