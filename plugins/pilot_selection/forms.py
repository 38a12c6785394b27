"""The pilot-selection application: the letter of interest (Annex 1) and every part of the
information formats (Annex 2) of the programme's call, as one form; and the staff's forms of
verification visits.

Answers (``answers()``) are JSON: the letter, the general information and the head's answers
are sections (``answers["letter"]["head_name"]``, :mod:`.form_sections`); the tables — joint
action plan, villages, ethnic groups, joint activities (Part 2), groups (Part 3), donor
projects (Part 4), :mod:`.form_rows` — are lists of rows at the top level, empty rows
dropped. Sections render as fieldsets; tables stay at the top level so the core gives each
one spare empty rows.

The population date, the look-back of Part 2 and the donor period are call settings: the
form class for a call (:func:`form_for`) shows them in the field descriptions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from wtforms.fields import DateField, SelectMultipleField
from wtforms.validators import ValidationError

from gms.formatting import day
from gms.forms import (
    ApplicationForm,
    BooleanField,
    DataRequired,
    FieldList,
    Form,
    FormField,
    Length,
    Optional,
    SelectField,
    StringField,
    TextAreaField,
)
from gms.forms.tables import BLANK

from .answers import TABLES, is_empty_row
from .choices import CHECK_ANSWERS, CHECKLIST, CHECKLIST_CODES, CONCLUSIONS
from .form_rows import ActivityRow, DonorRow, EthnicRow, GroupRow, PlanRow, VillageRow
from .form_sections import GeneralForm, HeadForm, LetterForm
from .i18n import _, _l

# ---------------------------------------------------------------------------- the form


@dataclass(frozen=True)
class CallSettings:
    """The settings of a call that the application's descriptions show."""

    population_on: date | None
    months: int
    donor_years: str

    def describe(self, form: PilotSelectionForm) -> None:
        """Put the settings in the descriptions of ``form``'s fields (in the reader's
        language: the form is built for the request)."""
        as_of = _("As of %(date)s", date=day(self.population_on))
        form.general.form.population_total.description = as_of
        form.villages.description = as_of
        form.joint_activities.description = _(
            "Activities of the last %(months)d months. Not a copy of the list of projects "
            "that worked in your area: what the aiyl okmotu and the council did together "
            "with residents.", months=self.months)
        form.donor_projects.description = _(
            "Projects of %(years)s. Not a copy of Part 2; leave it empty if no donor worked "
            "in your area.", years=self.donor_years)


class PilotSelectionForm(ApplicationForm):
    """The whole application; no money is asked for, so there is no requested amount."""

    title = StringField(_l("Title of the application"),
                        description=_l("For example: “Letter of interest of Kyzyl-Suu aiyl "
                                       "aimak”."),
                        validators=[DataRequired(), Length(max=300)])
    requested_amount = None  # pilots receive no money: the amount is always 0
    #: the call's settings the descriptions show (:func:`form_for`); none on the plain form
    SETTINGS: CallSettings | None = None

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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.SETTINGS is not None:
            self.SETTINGS.describe(self)

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


@lru_cache(maxsize=32)
def form_for(population_on: date | None, months: int, donor_years: str) -> type:
    """The form class of a call: the population date, the look-back of Part 2 and the donor
    period of its settings appear in the descriptions."""
    return type("PilotSelectionForm", (PilotSelectionForm,),
                {"SETTINGS": CallSettings(population_on, months, donor_years)})


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
    #: the ticked applications (ids, checked to be digits by :meth:`validate`); the page
    #: draws the boxes itself
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
