"""The audit log: every state change lands in it, chained by hashes."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from gms.extensions import db
from gms.services import audit

from .helpers import toy_round
from .toy_competition import TOY

pytestmark = [pytest.mark.gms_plugins(), pytest.mark.gms_config(**TOY)]


def test_changed_row_breaks_the_chain_and_cli_reports_it(app, runner):
    with app.app_context():
        toy_round()
        assert audit.verify() is None
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0
    with app.app_context():
        db.session.execute(text(
            "UPDATE audit_log SET payload = '{\"eligible\": false}' WHERE id = 5"))
        db.session.commit()
        assert audit.verify() == 5
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and "entry 5" in result.output


def test_removed_row_breaks_the_chain(app):
    with app.app_context():
        toy_round()
        db.session.execute(text("DELETE FROM audit_log WHERE id = 3"))
        db.session.commit()
        assert audit.verify() == 4
