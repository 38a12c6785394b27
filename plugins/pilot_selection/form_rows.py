"""The tables of the pilot-selection application: the joint action plan, villages, ethnic
groups, joint activities (Part 2), groups (Part 3) and donor projects (Part 4), one row each."""

from __future__ import annotations

from gms.forms import (
    DecimalField,
    IntegerField,
    Length,
    NumberRange,
    Optional,
    SelectField,
    StringField,
)
from gms.forms.tables import BLANK, TableRow

from .answers import TABLES, is_empty_row
from .choices import ACTIVITY_KINDS, GROUP_KINDS, IDEA, PAST, PLAN_KINDS, PROJECT_STATUSES
from .i18n import _l


class _Row(TableRow):
    """A row of the answers' table ``table``: empty while none of its cells is filled."""

    table = ""

    @classmethod
    def is_empty(cls, data) -> bool:
        return is_empty_row(data, TABLES[cls.table])


class PlanRow(_Row):
    """One activity of the joint action plan (Annex 1, item 6)."""

    table, required = "action_plan", ("activity", "kind", "timing", "responsible")
    activity = StringField(_l("Activity"), validators=[Optional(), Length(max=500)])
    kind = SelectField(_l("Kind of activity"), choices=[BLANK, *PLAN_KINDS], default="")
    timing = StringField(_l("When"), validators=[Optional(), Length(max=100)])
    responsible = StringField(_l("Who is responsible"), validators=[Optional(), Length(max=300)])


class VillageRow(_Row):
    """A village of the aiyl aimak (Annex 2, items 11 and 13)."""

    table, required = "villages", ("name", "population")
    name = StringField(_l("Village"), validators=[Optional(), Length(max=120)])
    distance_km = DecimalField(_l("Distance to the central village, km"), places=None,
                               validators=[Optional(), NumberRange(min=0, max=1000)])
    population = IntegerField(_l("Population"),
                              validators=[Optional(), NumberRange(min=0, max=10**7)])


class EthnicRow(_Row):
    """The population of one ethnicity (Annex 2, item 13)."""

    table, required = "ethnic_groups", ("ethnicity", "population")
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
    required = ("name", "leader", "kind", "audience", "activities", "cooperation")
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

    table, required = "donor_projects", ("donor", "project", "results", "status")
    donor = StringField(_l("Donor organisation"), validators=[Optional(), Length(max=300)])
    project = StringField(_l("Project"), validators=[Optional(), Length(max=500)])
    citizens = IntegerField(_l("Citizens involved"),
                            validators=[Optional(), NumberRange(min=0, max=10**7)])
    results = StringField(_l("Results with figures"), validators=[Optional(), Length(max=2000)])
    status = SelectField(_l("Status"), choices=[BLANK, *PROJECT_STATUSES], default="")
    contact = StringField(_l("Contact person (optional)"),
                          validators=[Optional(), Length(max=300)])
