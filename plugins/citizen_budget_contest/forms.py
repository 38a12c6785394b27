"""The contest's application form: the hearings as rows, budget information, the prize's use.

``answers()`` stores the data as JSON (dates as ``YYYY-MM-DD``, decimals as strings, empty
hearing rows dropped); the core's ``from_answers`` fills the form back, and the fields below
also take those strings themselves. There is no requested amount: prizes are fixed by place.
"""

from __future__ import annotations

from functools import partial

from wtforms.validators import ValidationError

from gms.forms import (
    AnswerDateField,
    AnswerDecimalField,
    ApplicationForm,
    DataRequired,
    FieldList,
    FormField,
    IntegerField,
    Length,
    NumberRange,
    Optional,
    SelectField,
    StringField,
    text_area,
)
from gms.forms.tables import BLANK, TableRow, add_error

from .choices import CITIZENS_BUDGET, PRIZE_USES, SUBJECTS
from .hearings import is_empty_row
from .i18n import _, _l

TEXT_MAX = 10000

_text = partial(text_area, max_length=TEXT_MAX)
COUNT = (Optional(), NumberRange(min=0, max=10**6))


class HearingForm(TableRow):
    """One public hearing; a row with nothing filled in is ignored."""

    required = ("held_on", "place", "subject", "participants", "women")

    held_on = AnswerDateField(_l("Date of the hearing"), validators=[Optional()])
    place = StringField(_l("Venue"), validators=[Optional(), Length(max=300)])
    subject = SelectField(_l("Subject"), choices=[BLANK, *SUBJECTS], default="")
    announced_on = AnswerDateField(_l("Announced on"), validators=[Optional()])
    announced_how = StringField(_l("How it was announced"),
                                validators=[Optional(), Length(max=500)])
    participants = IntegerField(_l("Participants"), validators=list(COUNT))
    women = IntegerField(_l("Of them, women"), validators=list(COUNT))
    questions = IntegerField(_l("Questions raised"), validators=list(COUNT))
    proposals_received = IntegerField(_l("Proposals received"), validators=list(COUNT))
    proposals_adopted = IntegerField(_l("Proposals adopted into the budget"),
                                     validators=list(COUNT))
    adopted_amount = AnswerDecimalField(_l("Amount adopted, KGS"), places=None,
                                        validators=[Optional(), NumberRange(min=0, max=10**11)])

    @classmethod
    def is_empty(cls, data) -> bool:
        return is_empty_row(data)

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if self.is_empty(self.data):
            return ok
        if (self.women.data is not None and self.participants.data is not None
                and self.women.data > self.participants.data):
            add_error(self.women, _("More women than participants."))
            ok = False
        if (self.proposals_adopted.data is not None
                and self.proposals_adopted.data > (self.proposals_received.data or 0)):
            add_error(self.proposals_adopted, _("More proposals adopted than received."))
            ok = False
        if (self.announced_on.data is not None and self.held_on.data is not None
                and self.announced_on.data > self.held_on.data):
            add_error(self.announced_on, _("The announcement must come before the hearing."))
            ok = False
        return ok


class CitizenBudgetForm(ApplicationForm):
    """The hearings, the budget information citizens get, and the planned use of the prize."""

    title = StringField(
        _l("Title of your entry"), validators=[DataRequired(), Length(max=300)],
        description=_l("Do not name your municipality, its villages or its rayon in the title "
                       "or in the answers: the commission sees only the application number "
                       "until the results are published."))
    requested_amount = None  # prizes are fixed by place, nothing is requested

    # (the table's guidance is in its label: the core's form macro would show a
    # FieldList's description twice)
    hearings = FieldList(
        FormField(HearingForm), min_entries=3, max_entries=30,
        label=_l("Public hearings on the budget: one row per hearing, on the draft budget or "
                 "on its execution. Upload the minutes of each hearing under Documents; "
                 "participant lists, photos and announcements help the commission."))
    questions_summary = _text(_l("The main questions citizens raised and the proposals they "
                                 "made"))
    adopted_summary = _text(_l("The proposals adopted into the budget, with articles and "
                               "amounts"))
    citizens_budget = SelectField(_l("Citizens' budget (the budget in plain language)"),
                                  choices=[BLANK, *CITIZENS_BUDGET],
                                  validators=[DataRequired()], default="")
    budget_publication = _text(_l("Where and how the budget information is published (board, "
                                  "website, newspaper, social media)"))
    changes = _text(_l("What changed in the budget and in the work of the LSG body because of "
                       "the hearings"))
    prize_use = SelectField(_l("The prize will be used for"), choices=[BLANK, *PRIZE_USES],
                            validators=[DataRequired()], default="",
                            description=_l("Prize money may buy only equipment that makes the "
                                           "LSG body more effective, or pay for public "
                                           "events."))
    prize_use_description = _text(_l("What exactly: the equipment to buy or the public events "
                                     "to hold"), max_length=3000)

    def validate_hearings(self, field):
        if all(is_empty_row(entry.data) for entry in field.entries):
            raise ValidationError(_("Record at least one public hearing."))

    def answers(self) -> dict:
        data = super().answers()
        data["hearings"] = [row for row in data.get("hearings") or [] if not is_empty_row(row)]
        return data
