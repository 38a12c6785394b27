"""The score sheet form is built from the frozen sheet: one score and one comment per
criterion, each score read with the digits 0–9 only, its error shown on its own field."""

from __future__ import annotations

from decimal import Decimal

from werkzeug.datastructures import MultiDict

from gms.competition import Criterion, Scale, ScoringSheet
from gms.evaluation.forms import ERRORS, NOT_GIVEN, score_sheet_form

SHEET = ScoringSheet(criteria=(
    Criterion("impact", {"en": "Impact"}, Scale(0, 10, allow_na=True)),
    Criterion("budget", {"en": "Budget"}, Scale(0, 5)),
    Criterion("team", {"en": "Team"}, Scale(0, 5)),
))


def _posted(app, data: dict):
    with app.test_request_context(method="POST", data=MultiDict(data)):
        app.config["WTF_CSRF_ENABLED"] = False
        form = score_sheet_form(SHEET)
        form.validate()
        return form


def test_each_criterion_is_read_into_its_own_field(app):
    form = _posted(app, {"score-impact": "na", "score-budget": "4,5", "comment-budget": "ok",
                         "comment": "Overall", "action": "submit"})
    assert form.scores() == {"impact": None, "budget": Decimal("4.5")}
    assert form.comments() == {"impact": "", "budget": "ok", "team": ""}
    assert form.submitting and form.comment.data == "Overall"
    assert form.score("team").data is NOT_GIVEN


def test_a_number_in_other_digits_is_refused_on_its_field_only(app):
    form = _posted(app, {"score-impact": "１０", "score-budget": "3"})
    with app.test_request_context():  # the messages in the same language
        assert form.score("impact").errors == [str(ERRORS["not_a_number"])]
        assert not form.score("budget").errors
        form.add_errors({"team": "required"})
        assert form.score("team").errors == [str(ERRORS["required"])]
