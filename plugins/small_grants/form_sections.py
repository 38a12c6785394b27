"""The sections of the small-grants application (each shown as a ``<fieldset>``; their
answers are stored at the top level)."""

from __future__ import annotations

from wtforms.validators import ValidationError

from gms.forms import (
    AnswerDateField,
    AnswerDecimalField,
    DataRequired,
    IntegerField,
    Length,
    NumberRange,
    Optional,
    Present,
    SelectField,
    StringField,
    SubForm,
)
from gms.forms.tables import BLANK, PEOPLE_MAX, phone

from .choices import ISSUE_AREAS, MAINTENANCE_SOURCES, PRIORITY_SOURCES
from .form_fields import count_answer, text_answer
from .i18n import _, _l


class MunicipalitySection(SubForm):
    head_name = StringField(_l("Head of the aiyl okmotu or mayor (full name)"),
                            validators=[DataRequired(), Length(max=200)])
    council_chair_name = StringField(_l("Chair of the local council (full name)"),
                                     validators=[DataRequired(), Length(max=200)])
    contact_phone = phone()
    budget_account = StringField(_l("Local budget account or treasury code"),
                                 validators=[DataRequired(), Length(max=60)])


class PrioritySection(SubForm):
    issue_area = SelectField(_l("Issue of local significance the project addresses"),
                             choices=[BLANK, *ISSUE_AREAS], validators=[DataRequired()],
                             default="")
    priority_source = SelectField(_l("Where residents chose this priority"),
                                  choices=[BLANK, *PRIORITY_SOURCES],
                                  validators=[DataRequired()], default="")
    priority_problem = StringField(
        _l("The problem as it is named in the vote tally"),
        validators=[Optional(), Length(max=300)],
        description=_l("Needed when votes were counted (ЖМБА sessions): write it exactly as "
                       "in the vote tally below."))
    priority_rank = IntegerField(
        _l("Rank of the problem among the residents' priorities (1 = most votes)"),
        validators=[Present(), NumberRange(min=1, max=1000)])
    priority_votes = IntegerField(_l("Votes the problem received (if votes were counted)"),
                                  validators=[Optional(), NumberRange(min=0, max=10**6)])
    priority_date = AnswerDateField(_l("Date residents chose the priority"),
                                    validators=[DataRequired()])
    problem_description = text_answer(_l("The problem, as residents described it"))


class FocusGroupSection(SubForm):
    focus_group_date = AnswerDateField(_l("Date of the focus group"), validators=[Optional()])
    focus_group_participants = count_answer(_l("Focus group participants"))
    focus_group_women = count_answer(_l("Women in the focus group"))
    focus_group_causes = text_answer(_l("Causes of the problem"), required=False)
    focus_group_consequences = text_answer(_l("Consequences of the problem"), required=False)
    focus_group_solutions = text_answer(_l("Solutions proposed"), required=False)
    focus_group_contributions = text_answer(
        _l("Contributions of the parties (aiyl okmotu, council, community, others)"),
        required=False)

    def validate_focus_group_women(self, field):
        people = self.focus_group_participants.data
        if field.data is not None and people is not None and field.data > people:
            raise ValidationError(_("Women cannot outnumber the participants."))


class CouncilSection(SubForm):
    council_resolution_number = StringField(
        _l("Number of the council resolution (токтом)"),
        validators=[DataRequired(), Length(max=60)])
    council_resolution_date = AnswerDateField(_l("Date of the council resolution"),
                                              validators=[DataRequired()])


class ProjectSection(SubForm):
    objectives = text_answer(_l("Objectives"))
    activities = text_answer(_l("Activities and timeline"))
    duration_months = IntegerField(_l("Duration, months"),
                                   validators=[Present(), NumberRange(min=1, max=60)])
    indicators = text_answer(_l("Measurable indicators of the result"))


class ReachSection(SubForm):
    beneficiaries = IntegerField(_l("Residents who will benefit"),
                                 validators=[Present(), NumberRange(min=1, max=PEOPLE_MAX)])
    beneficiaries_women = IntegerField(
        _l("Of them, women"), validators=[Present(), NumberRange(min=0, max=PEOPLE_MAX)])
    villages = text_answer(_l("Villages covered"), max_length=2000)

    def validate_beneficiaries_women(self, field):
        if (field.data is not None and self.beneficiaries.data is not None
                and field.data > self.beneficiaries.data):
            raise ValidationError(_("Women cannot outnumber all the beneficiaries."))


class UpkeepSection(SubForm):
    procurement_plan = text_answer(_l("Procurement plan"))
    sustainability = text_answer(
        _l("Sustainability: who will maintain the result, with what money"))
    maintenance_responsible = StringField(
        _l("Body responsible for upkeep after the project"),
        validators=[DataRequired(), Length(max=300)])
    maintenance_source = SelectField(_l("Upkeep is paid from"),
                                     choices=[BLANK, *MAINTENANCE_SOURCES],
                                     validators=[DataRequired()], default="")
    maintenance_budget_line = StringField(
        _l("Budget line that pays for upkeep (e.g. the local budget article)"),
        validators=[Optional(), Length(max=200)])
    maintenance_annual_cost = AnswerDecimalField(
        _l("Upkeep per year, KGS"), places=None,
        validators=[Optional(), NumberRange(min=0, max=10**11)])
    monitoring = text_answer(_l("Monitoring by the council and residents"))
