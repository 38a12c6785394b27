"""The commission's forms: the score sheet, built from the call's frozen scoring sheet, and
the reasons and proposals its members write."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

import wtforms

from gms.amounts import parse_decimal
from gms.competition import Criterion, ScoringSheet
from gms.forms import Form, StringField, TextAreaField
from gms.i18n import _l

#: what each of the sheet's error codes (:meth:`ScoringSheet.validate`, a scale's
#: ``validate``) and the parsing of a score tell the member
ERRORS = {
    "required": _l("Give a score or mark it not applicable."),
    "out_of_range": _l("The score is outside the scale."),
    "not_a_number": _l("Enter the number with the digits 0–9, e.g. 1 000,50: spaces may "
                       "separate the thousands, a comma or a point the decimals."),
    "bad_step": _l("This scale does not allow that value."),
    "comment_required": _l("A comment is required for a score this low."),
}
#: the value of "not applicable" in a score's choices
NOT_APPLICABLE = "na"
#: the longest comment on one criterion, and overall
CRITERION_COMMENT, OVERALL_COMMENT = 5000, 10000


class _NotGiven:
    """A score left empty: neither a number nor "not applicable"."""

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN = _NotGiven()


def _cut(limit: int):
    def cut(value):
        return value[:limit] if isinstance(value, str) else value

    return cut


class ScoreField(wtforms.Field):
    """One criterion's score: a number of its scale (digits 0–9 only, a comma or a point for
    the decimals), ``"na"`` for not applicable (``None``), or nothing (:data:`NOT_GIVEN`).
    The scale's own checks are the service's: this field only reads the number."""

    def __init__(self, label=None, validators=None, criterion: Criterion | None = None,
                 **kwargs):
        super().__init__(label, validators, default=NOT_GIVEN, **kwargs)
        self.criterion = criterion

    def process_formdata(self, valuelist):
        raw = (valuelist[0] if valuelist else "").strip()
        if raw == "":
            self.data = NOT_GIVEN
        elif raw == NOT_APPLICABLE:
            self.data = None
        else:
            self.data = NOT_GIVEN
            try:  # not １０, ١٠ or 1e1, which Decimal() reads; NaN and infinity neither
                self.data = parse_decimal(raw)
            except ValueError as exc:
                raise ValueError(str(ERRORS["not_a_number"])) from exc

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        if self.data is NOT_GIVEN:
            return ""
        return NOT_APPLICABLE if self.data is None else str(self.data)


class ScoreSheetForm(Form):
    """A member's score sheet: a :class:`ScoreField` ``score-<key>`` and a comment
    ``comment-<key>`` per criterion (made by :func:`score_sheet_form`), the overall comment,
    and the button pressed (save or submit)."""

    comment = TextAreaField(filters=[_cut(OVERALL_COMMENT)])
    action = StringField()
    sheet: ScoringSheet

    def score(self, key: str) -> ScoreField:
        return self[f"score-{key}"]

    def criterion_comment(self, key: str) -> wtforms.Field:
        return self[f"comment-{key}"]

    @property
    def submitting(self) -> bool:
        return self.action.data == "submit"

    def scores(self) -> dict[str, Decimal | None]:
        """The scores given, by criterion (``None`` for not applicable)."""
        return {c.key: self.score(c.key).data for c in self.sheet.criteria
                if self.score(c.key).data is not NOT_GIVEN}

    def comments(self) -> dict[str, str]:
        return {c.key: self.criterion_comment(c.key).data or "" for c in self.sheet.criteria}

    def add_errors(self, errors: Mapping[str, str]) -> None:
        """Show the sheet's error codes by criterion (from the service) on their fields."""
        for key, code in errors.items():
            self.score(key).errors = [*self.score(key).errors, str(ERRORS[code])]


def score_sheet_form(sheet: ScoringSheet, saved: Mapping | None = None, **kwargs
                     ) -> ScoreSheetForm:
    """The score sheet form of ``sheet``, bound to the request's data when posted; else
    filled from ``saved``: ``{key: (value, comment)}`` of the member's stored scores."""
    fields = {}
    for c in sheet.criteria:
        fields[f"score-{c.key}"] = ScoreField(criterion=c)
        fields[f"comment-{c.key}"] = TextAreaField(filters=[_cut(CRITERION_COMMENT)])
    form_class = type("SheetForm", (ScoreSheetForm,), {**fields, "sheet": sheet})
    if saved is not None:
        kwargs["data"] = {**{f"score-{k}": v for k, (v, _c) in saved.items()},
                          **{f"comment-{k}": c or "" for k, (_v, c) in saved.items()}}
    return form_class(**kwargs)


class ReasonForm(Form):
    """A member's written reason: for declining an assignment, or (the chair) for reopening
    a score sheet; the service refuses an empty one, saying so."""

    reason = TextAreaField(filters=[_cut(CRITERION_COMMENT)])


class ConsensusForm(Form):
    """The rapporteur's (or the chair's) consensus proposal: the score, which the service
    reads and checks against the members' totals, and the text."""

    score = StringField()
    text = TextAreaField(filters=[_cut(OVERALL_COMMENT)])
