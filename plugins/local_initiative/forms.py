"""The application forms of both variants.

``answers()`` stores the data as JSON (decimals as strings, dates as ``YYYY-MM-DD``, spare
table rows dropped); ``Form(data=answers)`` (or the core's ``from_answers``) fills a form back.
The call's settings shape two fields, so the form classes are made per call and cached:
the contest's nomination list and the municipal call's financing types.
"""

from __future__ import annotations

from functools import lru_cache, partial

from wtforms.validators import ValidationError

from gms.competition.budget import filled
from gms.forms import (
    AnswerDateField,
    AnswerDecimalField,
    ApplicationForm,
    BooleanField,
    DataRequired,
    FieldList,
    FormField,
    Length,
    NumberRange,
    Optional,
    Present,
    SelectField,
    StringField,
    text_area,
)
from gms.forms.tables import BLANK, TableRow, choice, count, phone

from .choices import (
    APPLICANT_ROLES,
    BUDGET_SOURCES,
    CO_APPLICANT_KINDS,
    FINANCING_TYPES,
    ISSUE_AREAS,
    PARTIES,
    RESOURCE_KINDS,
)
from .i18n import _, _l

TEXT_MAX = 10000

text = partial(text_area, max_length=TEXT_MAX)


def drop_empty_rows(data: dict, *tables: str) -> dict:
    for name in tables:
        data[name] = TableRow.drop_empty(data.get(name))
    return data


def _not_more(form, field, total_field: str, message) -> None:
    total = form[total_field].data
    if field.data is not None and total is not None and field.data > total:
        raise ValidationError(message)


# ------------------------------------------------------------------------ shared fields


def issue_area_field():
    return choice(_l("Area of the problem (one issue of local significance)"), ISSUE_AREAS)


def problem_field():
    return text(_l("The problem, as residents see it"))


class InitiativeForm(ApplicationForm):
    """Both variants name the initiative; each places the shared fields (:func:`phone`,
    :func:`issue_area_field`, :func:`problem_field`) where its form needs them."""

    title = StringField(_l("Name of the initiative"),
                        validators=[DataRequired(), Length(max=300)])


# ------------------------------------------------------------------------------ contest


class CoApplicantForm(TableRow):
    required = ("name", "kind")

    name = StringField(_l("Co-applicant"), validators=[Optional(), Length(max=300)])
    kind = SelectField(_l("Kind"), choices=[BLANK, *CO_APPLICANT_KINDS], default="")
    role = StringField(_l("Part in the initiative"), validators=[Optional(), Length(max=500)])


class ResourceForm(TableRow):
    required = ("party", "kind", "description")

    party = SelectField(_l("Party"), choices=[BLANK, *PARTIES], default="")
    kind = SelectField(_l("Kind of resource"), choices=[BLANK, *RESOURCE_KINDS], default="")
    description = StringField(_l("What was given"), validators=[Optional(), Length(max=300)])
    value = AnswerDecimalField(_l("Value, KGS"), places=None,
                               validators=[Optional(), NumberRange(min=0, max=10**10)])


class ContestForm(InitiativeForm):
    """An entry of the «Local initiative» contest: one problem, who solved it and how.

    ``NOMINATIONS`` (set by :func:`contest_form`) are the call's nominations; without any
    the nomination field is left out.
    """

    NOMINATIONS: tuple[str, ...] = ()

    requested_amount = None  # prizes come from the fund; nothing is requested
    applicant_role = choice(_l("You apply as"), APPLICANT_ROLES)
    applicant_details = text(
        _l("Who applies: the leader's full name, the group's members, or the organisation or "
           "institution and its head"), max_length=2000)
    contact_phone = phone()
    joint_entry = BooleanField(_l("This is a joint entry with co-applicants"))
    co_applicants = FieldList(FormField(CoApplicantForm), label=_l("Co-applicants"),
                              min_entries=2, max_entries=30)
    municipality = StringField(_l("Aiyl aimak or town where the initiative took place"),
                               validators=[DataRequired(), Length(max=300)])
    village = StringField(_l("Village"), validators=[Optional(), Length(max=300)])
    nomination = choice(_l("Nomination"), ())
    issue_area = issue_area_field()
    problem = problem_field()
    what_was_done = text(_l("What was done"))
    started_on = AnswerDateField(_l("Started on"), validators=[DataRequired()])
    finished_on = AnswerDateField(_l("Finished on (empty if it goes on)"),
                                  validators=[Optional()])
    who_did_it = text(_l("Who did it: the parties and their roles"))
    citizens_involved = count(_l("Residents who took part"))
    women_involved = count(_l("Of them, women"))
    lsg_cooperation = text(_l("Cooperation with the aiyl okmotu and the local council"))
    results = text(_l("Results, with numbers (som, km, trees, families)"))
    resources = FieldList(FormField(ResourceForm), label=_l("Resources by party"),
                          min_entries=4, max_entries=50)
    sustainability = text(_l("How the result is kept up, and how others could repeat it"),
                          required=False)
    consent_publish = BooleanField(
        _l("We agree that the entry, its photos and results may be published"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.NOMINATIONS:
            self.nomination.choices = [BLANK, *((str(i), name) for i, name
                                                in enumerate(self.NOMINATIONS, start=1))]
        else:
            del self.nomination

    def validate_women_involved(self, field):
        _not_more(self, field, "citizens_involved",
                  _("Women cannot outnumber all the participants."))

    def validate_finished_on(self, field):
        if field.data and self.started_on.data and field.data < self.started_on.data:
            raise ValidationError(_("The end cannot be before the start."))

    def answers(self) -> dict:
        return drop_empty_rows(super().answers(), "co_applicants", "resources")


@lru_cache(maxsize=64)
def contest_form(nominations: tuple[str, ...] = ()) -> type[ContestForm]:
    """The contest form of a call; with nominations it asks which one the entry is in."""
    if not nominations:
        return ContestForm
    return type("ContestFormWithNominations", (ContestForm,), {"NOMINATIONS": nominations})


# ---------------------------------------------------------------------------- municipal


class PlanRowForm(TableRow):
    required = ("activity", "starts_on", "ends_on", "responsible")

    activity = StringField(_l("Activity"), validators=[Optional(), Length(max=300)])
    starts_on = AnswerDateField(_l("From"), validators=[Optional()])
    ends_on = AnswerDateField(_l("To"), validators=[Optional()])
    responsible = StringField(_l("Responsible"), validators=[Optional(), Length(max=200)])


class BudgetLineForm(TableRow):
    required = ("item", "quantity", "unit_cost", "source")

    item = StringField(_l("Item"), validators=[Optional(), Length(max=300)])
    unit = StringField(_l("Unit"), validators=[Optional(), Length(max=40)])
    quantity = AnswerDecimalField(_l("Quantity"), places=None,
                                  validators=[Optional(), NumberRange(min=0, max=10**9)])
    unit_cost = AnswerDecimalField(_l("Unit cost, KGS"), places=None,
                                   validators=[Optional(), NumberRange(min=0, max=10**10)])
    source = SelectField(_l("Paid by"), choices=[BLANK, *BUDGET_SOURCES], default="")


class MunicipalForm(InitiativeForm):
    """An application (арыз) to a municipality's call, with the proposal (сунуш), the
    implementation plan and the budget as tables. ``FINANCING_TYPES`` (set by
    :func:`municipal_form`) are the types the call accepts."""

    FINANCING_TYPES: tuple[str, ...] = tuple(code for code, _label in FINANCING_TYPES)

    financing_type = choice(_l("Financing type"), FINANCING_TYPES)
    leader_name = StringField(_l("Initiator or leader of the group (full name)"),
                              validators=[DataRequired(), Length(max=200)])
    contact_phone = phone()
    address = StringField(_l("Village and address"), validators=[DataRequired(),
                                                                 Length(max=300)])
    initiators = text(_l("Who stands behind the initiative: members of the group or the "
                         "organisation"), max_length=3000)
    issue_area = issue_area_field()
    problem = problem_field()
    proposal = text(_l("The proposal (сунуш): what will be done, where and why"))
    achieved = text(_l("What has already been achieved (required for completion)"),
                    required=False)
    beneficiaries = count(_l("Residents who will benefit"))
    beneficiaries_women = count(_l("Of them, women"))
    plan = FieldList(FormField(PlanRowForm), label=_l("Implementation plan"), min_entries=3,
                     max_entries=50)
    budget_lines = FieldList(FormField(BudgetLineForm), label=_l("Budget"), min_entries=4,
                             max_entries=100)
    requested_amount = AnswerDecimalField(
        _l("Requested from the local budget, KGS"), places=None,
        validators=[Present(), NumberRange(min=0, max=10**10)])
    sustainability = text(_l("Who will keep up the result afterwards, and with what"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = [c for c in FINANCING_TYPES if c[0] in self.FINANCING_TYPES]
        self.financing_type.choices = [BLANK, *(allowed or FINANCING_TYPES)]

    def validate_beneficiaries_women(self, field):
        _not_more(self, field, "beneficiaries",
                  _("Women cannot outnumber all the beneficiaries."))

    def validate_plan(self, field):
        if not any(any(filled(v) for v in e.data.values()) for e in field.entries):
            raise ValidationError(_("Fill in at least one activity."))

    def validate_budget_lines(self, field):
        if not any(any(filled(v) for v in e.data.values()) for e in field.entries):
            raise ValidationError(_("Fill in at least one budget line."))

    def answers(self) -> dict:
        return drop_empty_rows(super().answers(), "plan", "budget_lines")


@lru_cache(maxsize=16)
def municipal_form(financing_types: tuple[str, ...]) -> type[MunicipalForm]:
    """The municipal form of a call, offering only the financing types it accepts."""
    if financing_types == MunicipalForm.FINANCING_TYPES:
        return MunicipalForm
    return type("MunicipalFormOfCall", (MunicipalForm,), {"FINANCING_TYPES": financing_types})
