"""Forms of programme staff's actions on a call: its life cycle, its commission (members,
settings, assignment, overridden conflicts, the meeting) and its results (declined awards,
appeals). Their fields carry the names the staff pages post."""

from __future__ import annotations

from decimal import Decimal

from wtforms import SelectMultipleField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from gms.i18n import _l

from .base import Form
from .fields import DecimalField, IntegerField, LocalDateTimeField

#: the largest quorum, number of evaluators or of appeal days a form accepts
MAX_COUNT = 10_000
#: the largest row id a form accepts (PostgreSQL's ``integer``)
MAX_ID = 2**31 - 1
#: the largest divergence limit the call stores (``Numeric(8, 2)``)
MAX_DIVERGENCE = Decimal("999999.99")


def _count(label, message=None):
    """An optional whole number from 0 to :data:`MAX_COUNT` (0 and empty: none)."""
    return IntegerField(label, validators=[Optional(), NumberRange(
        min=0, max=MAX_COUNT, message=message)])


def _row_id():
    return IntegerField(validators=[InputRequired(), NumberRange(min=1, max=MAX_ID)])


def _hundredths(value: Decimal | None) -> Decimal | None:
    """``value`` rounded to the hundredth, as the call stores it (too large: as it is, for
    the range check to refuse)."""
    if value is None or abs(value) > MAX_DIVERGENCE:
        return value
    return value.quantize(Decimal("0.01"))


class AdvanceForm(Form):
    """The next step of a call's life cycle (``open``, ``start_screening``...)."""

    action = StringField(validators=[InputRequired(), Length(max=50)])


class CommissionMemberForm(Form):
    """Add a user to the commission with a role, change the role, or remove (``remove``)."""

    user_id = _row_id()
    role = StringField(_l("Role"), validators=[Optional(), Length(max=50)])


_COUNTS = _l("The quorum, the evaluators per application and the appeal days are whole "
             "numbers from 1 to %(max)d.")


class CommissionSettingsForm(Form):
    """The commission's quorum, evaluators per application, divergence limit, appeal days."""

    quorum = _count(_l("Quorum (members present for a decision)"), _COUNTS)
    evaluators_per_application = _count(
        _l("Independent evaluators per application (empty: all members)"), _COUNTS)
    divergence_limit = DecimalField(
        _l("Divergence limit: largest allowed gap between members' totals"), places=2,
        filters=[_hundredths], validators=[Optional(), NumberRange(
            min=0, max=MAX_DIVERGENCE,
            message=_l("The divergence limit must be a positive number."))])
    appeal_days = _count(_l("Appeal window after publication, days (empty: no appeals)"),
                         _COUNTS)

    def counts(self) -> tuple[int | None, int | None, int | None]:
        """The quorum, evaluators per application and appeal days (0 or empty: ``None``)."""
        return (self.quorum.data or None, self.evaluators_per_application.data or None,
                self.appeal_days.data or None)


class AutoAssignForm(Form):
    """Assign commission members to applications by lot."""

    seed = IntegerField(_l("Seed"), validators=[InputRequired(
        _l("The seed must be a whole number.")), NumberRange(
        min=0, max=MAX_ID, message=_l("The seed must be a whole number."))])
    per_application = _count(_l("Evaluators per application"), _l(
        "The evaluators per application are a whole number from 1 to %(max)d."))
    due_at = LocalDateTimeField(_l("Score by (Bishkek time)"), validators=[Optional()])


class OverrideForm(Form):
    """Override a detected conflict of interest, with a written reason."""

    user_id = _row_id()
    reason = StringField(_l("Written reason"), validators=[Length(max=5000)])


class DeclineAwardForm(Form):
    """An award declined or cancelled, with its reason."""

    reason = StringField(_l("Reason"), validators=[Length(max=2000)])


class AppealDecisionForm(Form):
    """The decision on an appeal: upheld (``yes``) or not, and its text."""

    upheld = StringField(validators=[Optional(), Length(max=10)])
    decision = TextAreaField(_l("Decision"), validators=[Length(max=10000)])


class MeetingForm(Form):
    """The commission's meeting: when, who attended, the vote and notes for the minutes."""

    held_at = LocalDateTimeField(_l("Held on (Bishkek time)"), validators=[InputRequired()])
    attendees = SelectMultipleField(coerce=int, validate_choice=False)
    votes_for = _count(_l("Votes for"))
    votes_against = _count(_l("Votes against"))
    abstained = _count(_l("Abstained"))
    notes = TextAreaField(_l("Notes for the minutes"), validators=[Length(max=10000)])
