"""The small-grants application form.

The form is grouped into sections (:func:`section`, a ``FormField`` the core renders as a
``<fieldset>`` with a legend; :mod:`.form_sections`) and tables (``FieldList`` of
:class:`gms.forms.tables.TableRow`, rendered as tables with spare rows; :mod:`.form_rows`).
Sections only group what the applicant sees: their answers are stored flat, at the top level
of the JSON, so the rules, the reports and the answers stored before the sections existed
read the same keys.

``answers()`` stores the data as JSON (decimals as strings, dates as ``YYYY-MM-DD``, empty
table rows dropped); ``SmallGrantsForm(data=answers)`` (or the core's ``from_answers``) fills
the form back: the fields below turn those strings back into numbers and dates themselves.
"""

from __future__ import annotations

from collections.abc import Hashable
from functools import cache

from wtforms.validators import ValidationError

from gms.forms import ApplicationForm, FieldList, FormField, SubForm
from gms.forms.tables import TableRow, table

from .form_rows import (
    ActionRow,
    BudgetLineForm,
    SessionRow,
    TallyRowForm,
    VillageReachRow,
)
from .form_sections import (
    CouncilSection,
    FocusGroupSection,
    MunicipalitySection,
    PrioritySection,
    ProjectSection,
    ReachSection,
    UpkeepSection,
)
from .i18n import _, _l

#: the sub-form of each section declared with :func:`section`
_SECTION_FORMS: dict[object, type[SubForm]] = {}


def section(form_class: type[SubForm], label):
    """A titled group of fields: a ``FormField`` the core shows as a ``<fieldset>``. Every
    ``FormField`` at the top level of :class:`SmallGrantsForm` is a section, whose answers
    are stored at the top level of the answers (see :meth:`SmallGrantsForm.answers`)."""
    declared = FormField(form_class, label=label)
    _SECTION_FORMS[declared] = form_class
    return declared


class SmallGrantsForm(ApplicationForm):
    """Municipality, the residents' priority and its evidence, the project, its budget and
    its upkeep, in the order of the participatory process."""

    municipality = section(MunicipalitySection, label=_l("Municipality"))
    priority = section(PrioritySection, label=_l("The residents' priority"))
    zhmba_sessions = table(
        SessionRow, _l("ЖМБА sessions by age group"),
        _l("One row per session: each village holds one for every age group (18–35, 36–55, "
           "56 and older), with at least 20 residents and 2 facilitators. Counts only: do not "
           "type participants' names here. Attach the session protocols with the participant "
           "lists as a document; they are never published."),
        min_entries=3, max_entries=90)
    vote_tally = table(
        TallyRowForm, _l("Vote tally of the problems by village"),
        _l("One row per problem and village, with its votes (stickers) from the session "
           "reports. Name a problem the same way in every village: the totals, the ranks and "
           "the five priorities are computed from this table."),
        min_entries=5, max_entries=300)
    focus_group = section(FocusGroupSection, label=_l("Focus group on the chosen problem"))
    action_plan = table(
        ActionRow, _l("Joint action plan (БАП)"),
        _l("The plan the aiyl okmotu and residents agreed: what is done, by when, by whom and "
           "with whose money."),
        min_entries=3, max_entries=90)
    council = section(CouncilSection,
                      label=_l("Resolution of the local council approving the project"))
    project = section(ProjectSection, label=_l("The project"))
    reach = section(ReachSection, label=_l("Beneficiaries"))
    beneficiaries_by_village = table(
        VillageReachRow, _l("Beneficiaries by village"),
        _l("Optional; when filled in, the villages must add up to the totals above."),
        min_entries=2, max_entries=60)
    budget_lines = table(
        BudgetLineForm, _l("Budget"),
        _l("Every cost with its source. Value contributions in kind and in labour in KGS "
           "and give the basis, e.g. 60 person-days at 800 KGS."),
        min_entries=6, max_entries=200)
    upkeep = section(UpkeepSection, label=_l("Implementation and upkeep"))

    def process(self, formdata=None, obj=None, data=None, **kwargs):
        if data is not None:
            data = nest_sections(type(self), data)
        super().process(formdata, obj, data=data, **kwargs)

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
        for field in self:
            name = field.short_name
            if isinstance(field, FormField):
                data.update(data.pop(name, None) or {})
            elif isinstance(field, FieldList):
                data[name] = [row for row, entry in zip(data.get(name) or [], field.entries,
                                                        strict=True)
                              if not entry.form.is_empty(row)]
        return data


@cache
def section_fields(form_class) -> dict[str, tuple[str, ...]]:
    """Section name → the answer keys its fields store, for ``form_class``."""
    out = {}
    for name in dir(form_class):
        value = getattr(form_class, name)
        sub = _SECTION_FORMS.get(value) if isinstance(value, Hashable) else None
        if sub is not None:
            out[name] = tuple(field.short_name for field in sub())
    return out


def nest_sections(form_class, answers) -> dict:
    """Flat answers as the form's data: each section's keys moved under the section."""
    data = dict(answers or {})
    for name, keys in section_fields(form_class).items():
        data[name] = {k: data.pop(k) for k in keys if k in data}
    return data


__all__ = ["SmallGrantsForm", "BudgetLineForm", "TableRow", "section", "section_fields",
           "nest_sections"]
