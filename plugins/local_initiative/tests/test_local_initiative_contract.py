"""Both local-initiative types keep the contract every competition type keeps (gms.testing)."""

import pytest

from gms.testing.contract import check_competition_type
from plugins.local_initiative.tests.factories import (
    CONTEST_ANSWERS,
    MUNICIPAL_ANSWERS,
    MUNICIPAL_DOCUMENTS,
)


@pytest.mark.gms_plugins("local_initiative")
@pytest.mark.parametrize(("key", "answers", "documents"), [
    ("local_initiative", CONTEST_ANSWERS, None),
    ("local_initiative.municipal", MUNICIPAL_ANSWERS, MUNICIPAL_DOCUMENTS),
])
def test_local_initiative_keeps_the_contract(app, key, answers, documents):
    check_competition_type(key, app, answers=answers, attachments=documents)
