"""The pilot-selection application: the letter of interest (Annex 1) and every part of the
information formats (Annex 2) of the programme's call, as one form.

Answers (``answers()``) are JSON: the letter, the general information and the head's answers
are sections (``answers["letter"]["head_name"]``); the tables — joint action plan, villages,
ethnic groups, joint activities (Part 2), groups (Part 3), donor projects (Part 4) — are lists
of rows at the top level, empty rows dropped. Sections render as fieldsets; tables stay at
the top level so the core gives each one spare empty rows.

The population date, the look-back of Part 2 and the donor period are call settings: the
form class for a call (:func:`form_for`) shows them in the field descriptions.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache, partial

from markupsafe import escape
from wtforms.fields import DateField, SelectMultipleField
from wtforms.validators import Email, InputRequired, ValidationError

from gms.forms import (
    ApplicationForm,
    BooleanField,
    DataRequired,
    DecimalField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    Length,
    NumberRange,
    Optional,
    SelectField,
    StringField,
    SubForm,
    TextAreaField,
    text_area,
    text_line,
)
from gms.i18n import _, _l

from .answers import TABLES, day_text, is_empty_row
from .choices import (
    ACTIVITY_KINDS,
    CHECK_ANSWERS,
    CHECKLIST,
    CHECKLIST_CODES,
    CONCLUSIONS,
    GROUP_KINDS,
    HEAD_TITLES,
    IDEA,
    PAST,
    PLAN_KINDS,
    PROJECT_STATUSES,
    RATINGS,
    YES_NO,
)

TEXT_MAX = 5000

_text = partial(text_area, max_length=TEXT_MAX)
_line = partial(text_line, max_length=300)
BLANK = ("", "—")
BIG = 10**12


def _number(label, required: bool = True, maximum=BIG, **kwargs):
    """A non-negative decimal; zero is a valid answer (a distance, a grant of nothing)."""
    checks = [InputRequired()] if required else [Optional()]
    return DecimalField(label, places=None,
                        validators=[*checks, NumberRange(min=0, max=maximum)], **kwargs)


def _count(label, required: bool = True, maximum=10**8, **kwargs):
    checks = [InputRequired()] if required else [Optional()]
    return IntegerField(label, validators=[*checks, NumberRange(min=0, max=maximum)], **kwargs)


def _choice(label, choices, required: bool = True, **kwargs):
    checks = [DataRequired()] if required else [Optional()]
    return SelectField(label, choices=[BLANK, *choices], default="", validators=checks,
                       **kwargs)


# ---------------------------------------------------------------------------- table rows


class _Row(SubForm):
    """A table row: ignored while empty; once started, ``needed`` cells must be filled."""

    table = ""
    needed: tuple[str, ...] = ()

    def cells_needed(self) -> tuple[str, ...]:
        return self.needed

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if is_empty_row(self.data, TABLES[self.table]):
            for field in self:
                field.errors = []
            return True
        for name in self.cells_needed():
            field = self[name]
            if field.data is None or (isinstance(field.data, str) and not field.data.strip()):
                field.errors = [*field.errors, _("Fill this in, or clear the whole row.")]
                ok = False
        return ok


class PlanRow(_Row):
    """One activity of the joint action plan (Annex 1, item 6)."""

    table, needed = "action_plan", ("activity", "kind", "timing", "responsible")
    activity = StringField(_l("Activity"), validators=[Optional(), Length(max=500)])
    kind = SelectField(_l("Kind of activity"), choices=[BLANK, *PLAN_KINDS], default="")
    timing = StringField(_l("When"), validators=[Optional(), Length(max=100)])
    responsible = StringField(_l("Who is responsible"), validators=[Optional(), Length(max=300)])


class VillageRow(_Row):
    """A village of the aiyl aimak (Annex 2, items 11 and 13)."""

    table, needed = "villages", ("name", "population")
    name = StringField(_l("Village"), validators=[Optional(), Length(max=120)])
    distance_km = DecimalField(_l("Distance to the central village, km"), places=None,
                               validators=[Optional(), NumberRange(min=0, max=1000)])
    population = IntegerField(_l("Population"),
                              validators=[Optional(), NumberRange(min=0, max=10**7)])


class EthnicRow(_Row):
    """The population of one ethnicity (Annex 2, item 13)."""

    table, needed = "ethnic_groups", ("ethnicity", "population")
    ethnicity = StringField(_l("Ethnicity"), validators=[Optional(), Length(max=100)])
    population = IntegerField(_l("Population"),
                              validators=[Optional(), NumberRange(min=0, max=10**7)])


class ActivityRow(_Row):
    """Annex 2, Part 2: a joint activity of the municipality and residents, or an idea."""

    table = "joint_activities"
    kind = SelectField(_l("Type of row"), choices=[BLANK, *ACTIVITY_KINDS], default="")
    title = StringField(_l("Activity or project"), validators=[Optional(), Length(max=500)])
    initiator = StringField(_l("Initiator or implementer"),
                            validators=[Optional(), Length(max=300)])
    citizens = IntegerField(_l("Citizens involved"),
                            validators=[Optional(), NumberRange(min=0, max=10**7)])
    results = StringField(_l("Results with figures (som, km, trees…)"),
                          validators=[Optional(), Length(max=2000)])
    help_needed = StringField(_l("For an idea: the help you need from the Project"),
                              validators=[Optional(), Length(max=2000)])

    def cells_needed(self):
        if self.kind.data == IDEA:
            return ("kind", "title", "help_needed")
        if self.kind.data == PAST:
            return ("kind", "title", "initiator", "citizens", "results")
        return ("kind", "title")


class GroupRow(_Row):
    """Annex 2, Part 3: a formal or informal group or organisation working in the area."""

    table = "civic_groups"
    needed = ("name", "leader", "kind", "audience", "activities", "cooperation")
    name = StringField(_l("Group or organisation"), validators=[Optional(), Length(max=300)])
    leader = StringField(_l("Leader's name and contacts"),
                         validators=[Optional(), Length(max=300)])
    kind = SelectField(_l("Formal or informal"), choices=[BLANK, *GROUP_KINDS], default="")
    audience = StringField(_l("Target audience (whom it works with)"),
                           validators=[Optional(), Length(max=500)])
    activities = StringField(_l("Regular activities"), validators=[Optional(), Length(max=1000)])
    cooperation = StringField(_l("Forms of cooperation with the aiyl okmotu and the council"),
                              validators=[Optional(), Length(max=1000)])


class DonorRow(_Row):
    """Annex 2, Part 4: an international donor's project in the area, with a contact."""

    table, needed = "donor_projects", ("donor", "project", "results", "status")
    donor = StringField(_l("Donor organisation"), validators=[Optional(), Length(max=300)])
    project = StringField(_l("Project"), validators=[Optional(), Length(max=500)])
    citizens = IntegerField(_l("Citizens involved"),
                            validators=[Optional(), NumberRange(min=0, max=10**7)])
    results = StringField(_l("Results with figures"), validators=[Optional(), Length(max=2000)])
    status = SelectField(_l("Status"), choices=[BLANK, *PROJECT_STATUSES], default="")
    contact = StringField(_l("Contact person (optional)"),
                          validators=[Optional(), Length(max=300)])


# ------------------------------------------------------------------------------ sections


class LetterForm(SubForm):
    """The letter of interest (Annex 1), but for the joint action plan (a table)."""

    municipality_name = _line(_l("Aiyl aimak or town"))
    municipality_location = _line(_l("Rayon and oblast, or where the town is"))
    head_title = _choice(_l("The letter is signed for"), HEAD_TITLES)
    head_name = _line(_l("Head of the aiyl okmotu or mayor (full name)"), max_length=200)
    council_chair_name = _line(_l("Chair of the local council (full name)"), max_length=200)
    joint_decision_number = _line(_l("Number of the joint decision"), max_length=60)
    joint_decision_date = DateField(_l("Date of the joint decision"),
                                    validators=[DataRequired()])
    declaration_cooperation = BooleanField(_l(
        "Having considered the offer to become a pilot partner of the Project, we declare "
        "with full responsibility that we wish, are able and are ready to cooperate with it "
        "as a target municipality, to make public finance management more transparent and "
        "effective and to involve citizens much more in the decisions of our municipality."))
    declaration_action_plan = BooleanField(_l(
        "The aiyl okmotu staff and the council deputies are ready to take an active part in "
        "the activities of the joint action plan below. If our municipality is selected, the "
        "plan becomes an integral part of the memorandum of cooperation with the Project."))
    declaration_open_governance = BooleanField(_l(
        "We confirm that we follow the principles of open and transparent municipal "
        "governance, giving citizens broad opportunities to take part in solving issues of "
        "local significance, and that all information on the local budget is open, clear and "
        "accessible to citizens under the Law “On access to information held by state bodies "
        "and local self-government bodies” of 28 December 2006."))
    letter_date = DateField(_l("Date of the letter"), validators=[DataRequired()])
    contact_mobile = _line(_l("Mobile telephone"), max_length=40)
    contact_phone_fax = _line(_l("Landline telephone / fax"), max_length=80)
    postal_address = _text(_l("Postal address of the aiyl okmotu or mayor's office"),
                           max_length=500)


class GeneralForm(SubForm):
    """Annex 2, Part 1: general information on the aiyl aimak or town (items 4 to 14; the
    name, address and telephone are in the letter, the villages and ethnic groups in
    tables)."""

    email = StringField(_l("E-mail of the aiyl okmotu or mayor's office"),
                        validators=[DataRequired(), Email(), Length(max=254)])
    website = _line(_l("Website of the aiyl okmotu, mayor's office or council (if any)"),
                    required=False)
    area_ha = _number(_l("Area of the aiyl aimak, ha"))
    land_agricultural_ha = _number(_l("Agricultural land, ha"))
    land_pastures_ha = _number(_l("Of it, pastures, ha"))
    land_non_agricultural_ha = _number(_l("Non-agricultural land, ha"))
    land_notes = _text(_l("Notes on the land (optional)"), required=False, max_length=2000)
    municipal_property = _text(_l("Municipal infrastructure (municipal property)"))
    municipal_land_ha = _number(_l("Municipal land, ha (if any)"), required=False)
    own_revenue_kgs = _number(_l("Local budget: own revenues, KGS"))
    equalisation_grant_kgs = _number(_l("Local budget: equalisation grant, KGS"))
    distance_rayon_km = _number(_l("Distance to the rayon centre, km"), maximum=2000)
    distance_oblast_km = _number(_l("Distance to the oblast centre, km"), maximum=2000)
    distance_capital_km = _number(_l("Distance to Bishkek, km"), maximum=2000)
    villages_count = _count(_l("Number of villages"), maximum=500)
    population_total = _count(_l("Population"))
    population_women = _count(_l("Of them, women"))
    population_men = _count(_l("Of them, men"))
    procurement_specialist = _choice(
        _l("Does the aiyl okmotu have a specialist certified in public procurement?"), YES_NO)
    procurement_specialist_name = _line(_l("The specialist's name"), required=False,
                                        max_length=200)
    procurement_specialist_position = _line(_l("The specialist's position"), required=False,
                                            max_length=200)

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        name = self.procurement_specialist_name
        if self.procurement_specialist.data == "yes" and not (name.data or "").strip():
            name.errors = [*name.errors, _("Give the name of the certified specialist.")]
            ok = False
        return ok

    def validate_population_women(self, field):
        total = self.population_total.data
        if field.data is not None and total is not None and field.data > total:
            raise ValidationError(_("Women cannot outnumber the whole population."))


class HeadForm(SubForm):
    """Annex 2: the questions the head of the aiyl aimak answers himself or herself."""

    q1_council_rating = _choice(_l("Q1. How do you rate the work of the council deputies? "
                                   "(5-point scale)"), RATINGS)
    q1_explanation = _text(_l("Please explain why you gave this rating"))
    q2_interaction_rating = _choice(
        _l("Q2. Rate the interaction between the aiyl okmotu (mayor's office) and the local "
           "council (optional, 5-point scale)"), RATINGS, required=False)
    q2_explanation = _text(_l("Please explain your assessment of the interaction"))
    q3_deputies_rating = _choice(_l("Q3. How active and competent are the council deputies? "
                                    "(5-point scale)"), RATINGS)
    q4_village_head_rating = _choice(_l("Q4. How good and active is the work of the village "
                                        "head (айыл башчы)? (5-point scale)"), RATINGS)
    q5_population_rating = _choice(_l("Q5. How active is the population of your aiyl aimak? "
                                      "(5-point scale)"), RATINGS)
    urgent_problems = FieldList(
        StringField(validators=[Optional(), Length(max=500)]),
        label=_l("Q6. The five most important and urgent problems of the aiyl aimak or town "
                 "that must be solved without delay"), min_entries=5, max_entries=5)
    q7_exchange = _choice(_l("Q7. Do you organise experience exchanges with colleagues in "
                             "your area, or take part in them in other municipalities?"),
                          YES_NO)
    q7_exchange_details = _text(_l("If so, describe them briefly: where, when, on what topic"),
                                required=False)

    def validate_urgent_problems(self, field):
        if not any((entry.data or "").strip() for entry in field.entries):
            raise ValidationError(_("Name at least the most urgent problem."))

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        details = self.q7_exchange_details
        if self.q7_exchange.data == "yes" and not (details.data or "").strip():
            details.errors = [*details.errors, _("Describe the experience exchanges: where, "
                                                 "when, on what topic.")]
            ok = False
        return ok


# ---------------------------------------------------------------------------- the form


class PilotSelectionForm(ApplicationForm):
    """The whole application; no money is asked for, so there is no requested amount."""

    title = StringField(_l("Title of the application"),
                        description=_l("For example: “Letter of interest of Kyzyl-Suu aiyl "
                                       "aimak”."),
                        validators=[DataRequired(), Length(max=300)])
    requested_amount = None  # pilots receive no money: the amount is always 0

    letter = FormField(LetterForm, label=_l("Letter of interest (Annex 1)"))
    action_plan = FieldList(
        FormField(PlanRow), label=_l("Joint action plan"), min_entries=3, max_entries=50,
        description=_l("What the council, the aiyl okmotu staff and residents will do with the "
                       "Project: trainings and public events, information for analysis, "
                       "disclosure of budget information, republican events, experience "
                       "exchanges. If you are selected, this plan becomes part of the "
                       "memorandum of cooperation."))
    general = FormField(GeneralForm,
                        label=_l("Part 1. General information on the aiyl aimak or town"))
    villages = FieldList(
        FormField(VillageRow), label=_l("Villages: distance to the central village and "
                                        "population"), min_entries=3, max_entries=100)
    ethnic_groups = FieldList(FormField(EthnicRow), label=_l("Population by ethnicity"),
                              min_entries=2, max_entries=50)
    head = FormField(HeadForm, label=_l("The head's answers"))
    head_newly_appointed = BooleanField(_l(
        "The head was appointed recently, or has little experience of working with the "
        "community, NGOs and donors: Part 2 may list ideas we want to carry out and where we "
        "need the Project's help"))
    joint_activities = FieldList(
        FormField(ActivityRow),
        label=_l("Part 2. Joint activities and projects of the local self-government with "
                 "groups of citizens, organisations and individuals to improve living "
                 "conditions"), min_entries=3, max_entries=100,
        description=_l("Not a copy of the list of projects that worked in your area: what "
                       "the aiyl okmotu and the council did together with residents."))
    civic_groups = FieldList(
        FormField(GroupRow),
        label=_l("Part 3. Formal and informal associations and groups of citizens working "
                 "in the aiyl aimak or town"), min_entries=3, max_entries=100)
    donor_projects = FieldList(
        FormField(DonorRow),
        label=_l("Part 4. International donor organisations that worked in the aiyl aimak or "
                 "town, with contact persons"), min_entries=2, max_entries=100,
        description=_l("Not a copy of Part 2. Leave it empty if no donor worked in your area."))

    def validate_action_plan(self, field):
        if all(is_empty_row(e.data, TABLES["action_plan"]) for e in field.entries):
            raise ValidationError(_("Add at least one activity to the joint action plan."))

    def validate_villages(self, field):
        if all(is_empty_row(e.data, TABLES["villages"]) for e in field.entries):
            raise ValidationError(_("List the villages with their population."))

    def validate_joint_activities(self, field):
        if all(is_empty_row(e.data, TABLES["joint_activities"]) for e in field.entries):
            raise ValidationError(_("List at least one joint activity, or an idea and the "
                                    "help you need."))

    def validate_civic_groups(self, field):
        if all(is_empty_row(e.data, TABLES["civic_groups"]) for e in field.entries):
            raise ValidationError(_("List at least one group or organisation."))

    def answers(self) -> dict:
        data = super().answers()
        for table, cells in TABLES.items():
            data[table] = [row for row in data.get(table) or [] if not is_empty_row(row, cells)]
        return data


# ------------------------------------------------------------------ the form of a call


class _Later:
    """Text computed when shown (in the reader's language), for field descriptions."""

    def __init__(self, make):
        self.make = make

    def __str__(self) -> str:
        return self.make()

    def __html__(self) -> str:
        return str(escape(self.make()))

    def __bool__(self) -> bool:
        return True


def _described(unbound, description):
    """A copy of an unbound field with another description, in the same place."""
    copy = unbound.field_class(*unbound.args, **{**unbound.kwargs, "description": description})
    copy.creation_counter = unbound.creation_counter
    return copy


@lru_cache(maxsize=32)
def form_for(population_on: date | None, months: int, donor_years: str) -> type:
    """The form class of a call: the population date, the look-back of Part 2 and the donor
    period of its settings appear in the descriptions."""

    def as_of():
        return _("As of %(date)s", date=day_text(population_on))

    def part2():
        return _("Activities of the last %(months)d months. Not a copy of the list of "
                 "projects that worked in your area: what the aiyl okmotu and the council did "
                 "together with residents.", months=months)

    def part4():
        return _("Projects of %(years)s. Not a copy of Part 2; leave it empty if no donor "
                 "worked in your area.", years=donor_years)

    general = type("GeneralForm", (GeneralForm,), {
        "population_total": _described(GeneralForm.population_total, _Later(as_of))})
    villages = PilotSelectionForm.villages
    return type("PilotSelectionForm", (PilotSelectionForm,), {
        "general": _section(general),
        "villages": _described(villages, _Later(as_of)),
        "joint_activities": _described(PilotSelectionForm.joint_activities, _Later(part2)),
        "donor_projects": _described(PilotSelectionForm.donor_projects, _Later(part4)),
    })


def _section(form_class):
    """The ``general`` section bound to ``form_class``, in its place in the form."""
    unbound = PilotSelectionForm.general
    copy = FormField(form_class, **unbound.kwargs)
    copy.creation_counter = unbound.creation_counter
    return copy


# ------------------------------------------------------------------ verification visits


class VisitForm(Form):
    """The record of a verification visit; one answer and note per checklist item are added
    below as ``check_<item>`` and ``notes_<item>``."""

    verifier_id = SelectField(_l("Verifier"), coerce=int, validate_choice=True)
    visited_on = DateField(_l("Date of the visit"), validators=[DataRequired()])
    conclusion = SelectField(_l("Conclusion"), choices=[BLANK, *CONCLUSIONS],
                             validators=[DataRequired()], default="")
    findings = TextAreaField(_l("Findings for the commission"),
                             validators=[DataRequired(), Length(max=20000)])

    def checklist(self) -> dict[str, dict]:
        return {code: {"answer": self[f"check_{code}"].data or "",
                       "notes": self[f"notes_{code}"].data or ""} for code in CHECKLIST_CODES}

    def items(self):
        """``(label, answer field, notes field)`` per checklist item, in order."""
        return [(label, self[f"check_{code}"], self[f"notes_{code}"])
                for code, label in CHECKLIST]

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        # the checklist's cells show no message of their own on the page: the conclusion,
        # right below the checklist, names the item and what is wrong with it
        for label, answer, notes in self.items():
            for error in (*answer.errors, *notes.errors):
                self.conclusion.errors = [*self.conclusion.errors, f"{label}: {error}"]
        return ok


for _code, _label in CHECKLIST:
    setattr(VisitForm, f"check_{_code}",
            SelectField(_label, choices=[BLANK, *CHECK_ANSWERS], default=""))
    setattr(VisitForm, f"notes_{_code}",
            StringField(_l("Notes"), validators=[Optional(), Length(max=2000)]))


class PickForm(Form):
    """Staff pick applicants to visit (the ``application`` checkboxes) for a planned date."""

    planned_on = DateField(_l("Planned date (optional)"), validators=[Optional()])
    #: the ticked applications (ids); the page draws the boxes itself, the view reads them
    application = SelectMultipleField(validate_choice=False)

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if not all(v.isascii() and v.isdigit() and len(v) <= 9
                   for v in self.application.data or ()):
            # not a row id (``²``, a 50-digit number): refused before any query, and said
            # by the date, the one input the page shows messages for
            self.planned_on.errors = [*self.planned_on.errors,
                                      _("Tick the applicants to visit in the list.")]
            ok = False
        return ok
