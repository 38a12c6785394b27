"""The small-grants application form.

``answers()`` stores the data as JSON (decimals as strings, the date as ``YYYY-MM-DD``, empty
budget rows dropped); ``SmallGrantsForm(data=answers)`` (or the core's ``from_answers``) fills
the form back: the fields below turn those strings back into numbers and dates themselves.
"""

from __future__ import annotations

from datetime import date

from wtforms.fields import DateField
from wtforms.validators import Regexp, StopValidation, ValidationError

from gms.forms import (
    ApplicationForm,
    DataRequired,
    DecimalField,
    FieldList,
    FormField,
    IntegerField,
    Length,
    NumberRange,
    Optional,
    SelectField,
    StringField,
    SubForm,
    TextAreaField,
)
from gms.i18n import _, _l

from .budget import is_empty_row, to_decimal
from .choices import BUDGET_SOURCES, ISSUE_AREAS, PRIORITY_SOURCES

TEXT_MAX = 10000
BLANK = ("", "—")


class AnswerDecimalField(DecimalField):
    """A decimal field that also takes the string its value is stored as in the answers."""

    def process_data(self, value):
        self.data = to_decimal(value)


class AnswerDateField(DateField):
    """A date field that also takes the ISO string its value is stored as in the answers."""

    def process_data(self, value):
        if isinstance(value, str):
            try:
                value = date.fromisoformat(value[:10])
            except ValueError:
                value = None
        self.data = value


class Present:
    """Required, zero allowed; unlike ``InputRequired`` it also holds for a form refilled
    from stored answers (no raw input)."""

    field_flags = {"required": True}

    def __call__(self, form, field):
        if field.data is None:
            field.errors[:] = []
            raise StopValidation(_("This field is required."))


def _text(label, required: bool = True, max_length: int = TEXT_MAX, **kwargs):
    checks = [DataRequired()] if required else [Optional()]
    return TextAreaField(label, validators=[*checks, Length(max=max_length)], **kwargs)


class BudgetLineForm(SubForm):
    """One budget line; a row with no item, quantity or unit cost is ignored.

    A :class:`gms.forms.SubForm`, so the rows carry no CSRF token of their own.
    """

    item = StringField(_l("Item"), validators=[Optional(), Length(max=300)])
    unit = StringField(_l("Unit"), validators=[Optional(), Length(max=40)])
    quantity = AnswerDecimalField(_l("Quantity"), places=None,
                                  validators=[Optional(), NumberRange(min=0, max=10**9)])
    unit_cost = AnswerDecimalField(_l("Unit cost, KGS"), places=None,
                                   validators=[Optional(), NumberRange(min=0, max=10**11)])
    source = SelectField(_l("Paid by"), choices=[BLANK, *BUDGET_SOURCES], default="")

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if is_empty_row(self.data):
            return ok
        for field in (self.item, self.quantity, self.unit_cost, self.source):
            if field.data is None or (isinstance(field.data, str) and not field.data.strip()):
                field.errors = [*field.errors, _("Fill this in, or clear the whole line.")]
                ok = False
        return ok


class SmallGrantsForm(ApplicationForm):
    """Municipality, the residents' priority, the project, its budget and its upkeep."""

    # -- the municipality
    head_name = StringField(_l("Head of the aiyl okmotu or mayor (full name)"),
                            validators=[DataRequired(), Length(max=200)])
    council_chair_name = StringField(_l("Chair of the local council (full name)"),
                                     validators=[DataRequired(), Length(max=200)])
    contact_phone = StringField(
        _l("Contact telephone"),
        validators=[DataRequired(), Length(max=40),
                    Regexp(r"^\+?[0-9 ()\-]{6,39}$",
                           message=_l("Enter a telephone number, e.g. +996 312 123456."))])
    budget_account = StringField(_l("Local budget account or treasury code"),
                                 validators=[DataRequired(), Length(max=60)])

    # -- the residents' priority
    issue_area = SelectField(_l("Issue of local significance the project addresses"),
                             choices=[BLANK, *ISSUE_AREAS], validators=[DataRequired()],
                             default="")
    priority_source = SelectField(_l("Where residents chose this priority"),
                                  choices=[BLANK, *PRIORITY_SOURCES],
                                  validators=[DataRequired()], default="")
    priority_rank = IntegerField(
        _l("Rank of the problem among the residents' priorities (1 = most votes)"),
        validators=[Present(), NumberRange(min=1, max=1000)])
    priority_votes = IntegerField(_l("Votes the problem received (if votes were counted)"),
                                  validators=[Optional(), NumberRange(min=0, max=10**6)])
    priority_date = AnswerDateField(_l("Date residents chose the priority"),
                                    validators=[DataRequired()])
    problem_description = _text(_l("The problem, as residents described it"))

    # -- the project
    objectives = _text(_l("Objectives"))
    activities = _text(_l("Activities and timeline"))
    duration_months = IntegerField(_l("Duration, months"),
                                   validators=[Present(), NumberRange(min=1, max=60)])
    indicators = _text(_l("Measurable indicators of the result"))
    beneficiaries = IntegerField(_l("Residents who will benefit"),
                                 validators=[Present(), NumberRange(min=1, max=10**7)])
    beneficiaries_women = IntegerField(_l("Of them, women"),
                                       validators=[Present(), NumberRange(min=0, max=10**7)])
    villages = _text(_l("Villages covered"), max_length=2000)

    # -- money and upkeep
    budget_lines = FieldList(FormField(BudgetLineForm), label=_l("Budget"), min_entries=6,
                             max_entries=200)
    procurement_plan = _text(_l("Procurement plan"))
    sustainability = _text(_l("Sustainability: who will maintain the result, with what money"))
    monitoring = _text(_l("Monitoring by the council and residents"))

    def validate_beneficiaries_women(self, field):
        if (field.data is not None and self.beneficiaries.data is not None
                and field.data > self.beneficiaries.data):
            raise ValidationError(_("Women cannot outnumber all the beneficiaries."))

    def validate_budget_lines(self, field):
        if all(is_empty_row(entry.data) for entry in field.entries):
            raise ValidationError(_("Fill in at least one budget line."))

    def answers(self) -> dict:
        data = super().answers()
        data["budget_lines"] = [row for row in data.get("budget_lines") or []
                                if not is_empty_row(row)]
        return data
