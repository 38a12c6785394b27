"""Rules of the evaluation stage and of the form helpers the core offers to plugins."""

from __future__ import annotations

from datetime import timedelta

import pytest
from wtforms import FieldList, FormField, StringField

from gms.evaluation import lifecycle
from gms.extensions import db
from gms.forms import ApplicationForm, SubForm
from gms.models import Competition
from gms.services.common import ServiceError

from .helpers import toy_round
from .toy_competition import TOY

pytestmark = [pytest.mark.gms_plugins(), pytest.mark.gms_config(**TOY)]


def test_no_decision_while_a_score_sheet_is_pending(app, clock):
    with app.app_context():
        ids = toy_round(now=clock())
        call = db.session.get(Competition, ids["call"])
        with app.test_request_context(), pytest.raises(ServiceError, match="2 score sheets"):
            lifecycle.advance(call, "decide", now=clock() + timedelta(hours=3),
                          actor_id=ids["staff"])
        assert db.session.get(Competition, ids["call"]).status == "evaluation"


class Line(SubForm):
    item = StringField("Item")


class TableForm(ApplicationForm):
    lines = FieldList(FormField(Line), min_entries=3)


def test_tables_always_offer_spare_rows_and_amounts_lose_empty_cents(app):
    with app.test_request_context():
        form = TableForm.from_answers({"title": "t", "requested_amount": "640000.00",
                                       "lines": [{"item": str(i)} for i in range(5)]})
        assert len(form.lines.entries) == 7
        assert form.requested_amount._value() == "640000"
        form = TableForm.from_answers({"requested_amount": "10.50", "lines": []})
        assert len(form.lines.entries) == 3
        assert form.requested_amount._value() == "10.50"
