"""The small-grants application form.

The form is grouped into sections (:func:`section`, a ``FormField`` the core renders as a
``<fieldset>`` with a legend) and tables (``FieldList`` of :class:`TableRow`, rendered as
tables with spare rows). Sections only group what the applicant sees: their answers are
stored flat, at the top level of the JSON, so the rules, the reports and the answers stored
before the sections existed read the same keys.

``answers()`` stores the data as JSON (decimals as strings, dates as ``YYYY-MM-DD``, empty
table rows dropped); ``SmallGrantsForm(data=answers)`` (or the core's ``from_answers``) fills
the form back: the fields below turn those strings back into numbers and dates themselves.
"""

from __future__ import annotations

from functools import cache, partial

from wtforms.validators import Regexp, ValidationError

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
    Present,
    SelectField,
    StringField,
    SubForm,
    text_area,
)
from gms.i18n import _, _l

from .budget import is_empty_row
from .choices import (
    AGE_GROUPS,
    BUDGET_SOURCES,
    ISSUE_AREAS,
    MAINTENANCE_SOURCES,
    PRIORITY_SOURCES,
    VALUED_SOURCES,
)

TEXT_MAX = 10000

_text = partial(text_area, max_length=TEXT_MAX)
BLANK = ("", "—")
PEOPLE_MAX = 10**7


def _count(label, required: bool = False, **kwargs):
    """A number of people (or votes): a whole number from zero."""
    checks = [Present()] if required else [Optional()]
    return IntegerField(label, validators=[*checks, NumberRange(min=0, max=PEOPLE_MAX)],
                        **kwargs)


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _add_error(field, message) -> None:
    field.errors = [*field.errors, message]


# ------------------------------------------------------------------------------ tables


class TableRow(SubForm):
    """A row of a table: either empty (ignored, like the spare rows) or complete.

    ``required`` names the cells a row that is not empty must have. A
    :class:`gms.forms.SubForm`, so the rows carry no CSRF token of their own.
    """

    required: tuple[str, ...] = ()

    @classmethod
    def is_empty(cls, data) -> bool:
        """True for a row with nothing in it (data as stored or as the form holds it)."""
        return all(_blank(v) for v in data.values())

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if self.is_empty(self.data):
            return ok
        for name in self.required:
            field = self[name]
            if _blank(field.data) and not field.errors:
                _add_error(field, _("Fill this in, or clear the whole line."))
                ok = False
        return ok


class SessionRow(TableRow):
    """One ЖМБА session: an age group of a village, on one day (counts only, no names)."""

    village = StringField(_l("Village"), validators=[Optional(), Length(max=120)])
    date = AnswerDateField(_l("Date"), validators=[Optional()])
    age_group = SelectField(_l("Age group"), choices=[BLANK, *AGE_GROUPS], default="")
    participants = _count(_l("Participants"))
    women = _count(_l("Women"))
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
    votes = _count(_l("Votes"))

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
    beneficiaries = _count(_l("Beneficiaries"))
    women = _count(_l("Women"))

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
        return is_empty_row(data)

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if (not self.is_empty(self.data) and self.source.data in VALUED_SOURCES
                and _blank(self.basis.data)):
            _add_error(self.basis, _("Say how this contribution was valued, e.g. 60 "
                                     "person-days at 800 KGS, the rayon's daily wage."))
            ok = False
        return ok


def _table(row, label, description, min_entries, max_entries):
    return FieldList(FormField(row), label=label, description=description,
                     min_entries=min_entries, max_entries=max_entries)


# ---------------------------------------------------------------------------- sections


def section(form_class, label):
    """A titled group of fields: a ``FormField`` the core shows as a ``<fieldset>``. Every
    ``FormField`` at the top level of :class:`SmallGrantsForm` is a section, whose answers
    are stored at the top level of the answers (see :meth:`SmallGrantsForm.answers`)."""
    return FormField(form_class, label=label)


class MunicipalitySection(SubForm):
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
    problem_description = _text(_l("The problem, as residents described it"))


class FocusGroupSection(SubForm):
    focus_group_date = AnswerDateField(_l("Date of the focus group"), validators=[Optional()])
    focus_group_participants = _count(_l("Focus group participants"))
    focus_group_women = _count(_l("Women in the focus group"))
    focus_group_causes = _text(_l("Causes of the problem"), required=False)
    focus_group_consequences = _text(_l("Consequences of the problem"), required=False)
    focus_group_solutions = _text(_l("Solutions proposed"), required=False)
    focus_group_contributions = _text(
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
    objectives = _text(_l("Objectives"))
    activities = _text(_l("Activities and timeline"))
    duration_months = IntegerField(_l("Duration, months"),
                                   validators=[Present(), NumberRange(min=1, max=60)])
    indicators = _text(_l("Measurable indicators of the result"))


class ReachSection(SubForm):
    beneficiaries = IntegerField(_l("Residents who will benefit"),
                                 validators=[Present(), NumberRange(min=1, max=PEOPLE_MAX)])
    beneficiaries_women = IntegerField(
        _l("Of them, women"), validators=[Present(), NumberRange(min=0, max=PEOPLE_MAX)])
    villages = _text(_l("Villages covered"), max_length=2000)

    def validate_beneficiaries_women(self, field):
        if (field.data is not None and self.beneficiaries.data is not None
                and field.data > self.beneficiaries.data):
            raise ValidationError(_("Women cannot outnumber all the beneficiaries."))


class UpkeepSection(SubForm):
    procurement_plan = _text(_l("Procurement plan"))
    sustainability = _text(_l("Sustainability: who will maintain the result, with what money"))
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
    monitoring = _text(_l("Monitoring by the council and residents"))


class SmallGrantsForm(ApplicationForm):
    """Municipality, the residents' priority and its evidence, the project, its budget and
    its upkeep, in the order of the participatory process."""

    municipality = section(MunicipalitySection, label=_l("Municipality"))
    priority = section(PrioritySection, label=_l("The residents' priority"))
    zhmba_sessions = _table(
        SessionRow, _l("ЖМБА sessions by age group"),
        _l("One row per session: each village holds one for every age group (18–35, 36–55, "
           "56 and older), with at least 20 residents and 2 facilitators. Counts only: do not "
           "type participants' names here. Attach the session protocols with the participant "
           "lists as a document; they are never published."),
        min_entries=3, max_entries=90)
    vote_tally = _table(
        TallyRowForm, _l("Vote tally of the problems by village"),
        _l("One row per problem and village, with its votes (stickers) from the session "
           "reports. Name a problem the same way in every village: the totals, the ranks and "
           "the five priorities are computed from this table."),
        min_entries=5, max_entries=300)
    focus_group = section(FocusGroupSection, label=_l("Focus group on the chosen problem"))
    action_plan = _table(
        ActionRow, _l("Joint action plan (БАП)"),
        _l("The plan the aiyl okmotu and residents agreed: what is done, by when, by whom and "
           "with whose money."),
        min_entries=3, max_entries=90)
    council = section(CouncilSection,
                      label=_l("Resolution of the local council approving the project"))
    project = section(ProjectSection, label=_l("The project"))
    reach = section(ReachSection, label=_l("Beneficiaries"))
    beneficiaries_by_village = _table(
        VillageReachRow, _l("Beneficiaries by village"),
        _l("Optional; when filled in, the villages must add up to the totals above."),
        min_entries=2, max_entries=60)
    budget_lines = _table(
        BudgetLineForm, _l("Budget"),
        _l("Every cost with its source. Value contributions in kind and in labour in KGS "
           "and give the basis, e.g. 60 person-days at 800 KGS."),
        min_entries=6, max_entries=200)
    upkeep = section(UpkeepSection, label=_l("Implementation and upkeep"))

    def __init__(self, *args, **kwargs):
        if kwargs.get("data") is not None:
            kwargs["data"] = nest_sections(type(self), kwargs["data"])
        super().__init__(*args, **kwargs)

    def validate_budget_lines(self, field):
        if all(BudgetLineForm.is_empty(entry.data) for entry in field.entries):
            raise ValidationError(_("Fill in at least one budget line."))

    def validate_beneficiaries_by_village(self, field):
        rows = [e.data for e in field.entries if not VillageReachRow.is_empty(e.data)]
        reach = self.reach.form
        total, women = reach.beneficiaries.data, reach.beneficiaries_women.data
        if not rows or total is None or women is None:
            return
        people = sum(r["beneficiaries"] or 0 for r in rows)
        of_them = sum(r["women"] or 0 for r in rows)
        if (people, of_them) != (total, women):
            raise ValidationError(_(
                "The villages add up to %(people)d beneficiaries, %(women)d of them women; "
                "the totals say %(total)d and %(total_women)d. Make them equal.",
                people=people, women=of_them, total=total, total_women=women))

    def answers(self) -> dict:
        """The answers as flat JSON: sections merged into the top level, empty rows left
        out of the tables."""
        data = super().answers()
        for name, field in self._fields.items():
            if isinstance(field, FormField):
                data.update(data.pop(name, None) or {})
            elif isinstance(field, FieldList):
                row = field.unbound_field.args[0]
                data[name] = [r for r in data.get(name) or [] if not row.is_empty(r)]
        return data


@cache
def section_fields(form_class) -> dict[str, tuple[str, ...]]:
    """Section name → the answer keys its fields store, for ``form_class``."""
    out = {}
    for name in dir(form_class):
        unbound = getattr(form_class, name)
        if getattr(unbound, "field_class", None) is FormField:
            sub = unbound.args[0]
            out[name] = tuple(n for n in dir(sub)
                              if getattr(getattr(sub, n), "field_class", None) is not None)
    return out


def nest_sections(form_class, answers) -> dict:
    """Flat answers as the form's data: each section's keys moved under the section."""
    data = dict(answers or {})
    for name, keys in section_fields(form_class).items():
        data[name] = {k: data.pop(k) for k in keys if k in data}
    return data


__all__ = ["SmallGrantsForm", "BudgetLineForm", "TableRow", "section", "section_fields",
           "nest_sections"]
