"""The tables of the small-grants application, one row each: ЖМБА sessions, the vote tally,
the joint action plan, beneficiaries by village and the budget."""

from __future__ import annotations

from wtforms.validators import ValidationError

from gms.competition.budget import is_empty_line
from gms.forms import (
    AnswerDateField,
    AnswerDecimalField,
    IntegerField,
    Length,
    NumberRange,
    Optional,
    SelectField,
    StringField,
)
from gms.forms.tables import BLANK, TableRow, add_error, blank

from .choices import AGE_GROUPS, BUDGET_SOURCES, VALUED_SOURCES
from .form_fields import count_answer
from .i18n import _, _l


class SessionRow(TableRow):
    """One ЖМБА session: an age group of a village, on one day (counts only, no names)."""

    village = StringField(_l("Village"), validators=[Optional(), Length(max=120)])
    date = AnswerDateField(_l("Date"), validators=[Optional()])
    age_group = SelectField(_l("Age group"), choices=[BLANK, *AGE_GROUPS], default="")
    participants = count_answer(_l("Participants"))
    women = count_answer(_l("Women"))
    facilitators = IntegerField(_l("Facilitators"),
                                validators=[Optional(), NumberRange(min=0, max=50)])

    required = ("village", "date", "age_group", "participants", "women", "facilitators")

    def validate_women(self, field):
        if (field.data is not None and self.participants.data is not None
                and field.data > self.participants.data):
            raise ValidationError(_("Women cannot outnumber the participants."))


class TallyRowForm(TableRow):
    """The votes a problem got in one village."""

    village = StringField(_l("Village"), validators=[Optional(), Length(max=120)])
    problem = StringField(_l("Problem"), validators=[Optional(), Length(max=300)])
    votes = count_answer(_l("Votes"))

    required = ("village", "problem", "votes")


class ActionRow(TableRow):
    """A line of the joint action plan (БАП)."""

    problem = StringField(_l("Problem"), validators=[Optional(), Length(max=300)])
    activity = StringField(_l("Activity"), validators=[Optional(), Length(max=500)])
    indicator = StringField(_l("Indicator"), validators=[Optional(), Length(max=300)])
    deadline = AnswerDateField(_l("Deadline"), validators=[Optional()])
    responsible = StringField(_l("Responsible"), validators=[Optional(), Length(max=200)])
    contribution = StringField(_l("Contribution by party"),
                               validators=[Optional(), Length(max=500)])
    source = SelectField(_l("Source"), choices=[BLANK, *BUDGET_SOURCES], default="")
    amount = AnswerDecimalField(_l("Amount, KGS"), places=None,
                                validators=[Optional(), NumberRange(min=0, max=10**11)])

    required = ("problem", "activity", "deadline", "responsible")


class VillageReachRow(TableRow):
    """The residents of one village who will benefit."""

    village = StringField(_l("Village"), validators=[Optional(), Length(max=120)])
    beneficiaries = count_answer(_l("Beneficiaries"))
    women = count_answer(_l("Women"))

    required = ("village", "beneficiaries", "women")

    def validate_women(self, field):
        if (field.data is not None and self.beneficiaries.data is not None
                and field.data > self.beneficiaries.data):
            raise ValidationError(_("Women cannot outnumber the beneficiaries."))


class BudgetLineForm(TableRow):
    """One budget line; a row with no item, quantity or unit cost is ignored. Contributions
    in kind and in labour are valued in KGS, and the row says on what basis."""

    item = StringField(_l("Item"), validators=[Optional(), Length(max=300)])
    unit = StringField(_l("Unit"), validators=[Optional(), Length(max=40)])
    quantity = AnswerDecimalField(_l("Quantity"), places=None,
                                  validators=[Optional(), NumberRange(min=0, max=10**9)])
    unit_cost = AnswerDecimalField(_l("Unit cost, KGS"), places=None,
                                   validators=[Optional(), NumberRange(min=0, max=10**11)])
    source = SelectField(_l("Paid by"), choices=[BLANK, *BUDGET_SOURCES], default="")
    basis = StringField(_l("Basis of the value (in kind, labour)"),
                        validators=[Optional(), Length(max=300)])

    required = ("item", "quantity", "unit_cost", "source")

    @classmethod
    def is_empty(cls, data) -> bool:
        return is_empty_line(data)

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if (not self.is_empty(self.data) and self.source.data in VALUED_SOURCES
                and blank(self.basis.data)):
            add_error(self.basis, _("Say how this contribution was valued, e.g. 60 "
                                     "person-days at 800 KGS, the rayon's daily wage."))
            ok = False
        return ok

