"""What application forms are made of beyond single fields: tables of rows that are ignored
while empty and complete once started, and the usual answers (a choice after an empty
one, a count of people, a telephone number).

A table is a ``FieldList`` of :class:`TableRow` forms (:func:`table`); the core's
``ApplicationForm`` adds spare empty rows, and :meth:`TableRow.drop_empty` keeps them out of
the stored answers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from wtforms import FormField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from gms.i18n import _, _l

from .base import SubForm
from .fields import FieldList, IntegerField, SelectField
from .validators import Present

__all__ = ["BLANK", "PEOPLE_MAX", "TableRow", "add_error", "blank", "choice", "count",
           "phone", "table"]

#: the empty first choice of a select: nothing is chosen in advance
BLANK = ("", "—")
#: the most people (or votes) a count may give
PEOPLE_MAX = 10**7


def blank(value: Any) -> bool:
    """True for no answer (``None`` or blanks)."""
    return value is None or (isinstance(value, str) and not value.strip())


def add_error(field, message) -> None:
    """Add ``message`` to the errors of ``field``."""
    field.errors = [*field.errors, message]


class TableRow(SubForm):
    """A row of a table: either empty (a spare row, ignored) or with every needed cell.

    ``required`` names the cells a started row must have; override :meth:`cells_needed`
    when they depend on the row, and :meth:`is_empty` when some cells do not start a row.
    A :class:`~gms.forms.SubForm`, so the rows carry no CSRF token of their own.
    """

    required: tuple[str, ...] = ()

    @classmethod
    def is_empty(cls, data: Mapping[str, Any]) -> bool:
        """True for a row with nothing in it (data as stored or as the form holds it)."""
        return all(blank(v) for v in data.values())

    @classmethod
    def drop_empty(cls, rows: Iterable[Any]) -> list:
        """The stored ``rows`` without the empty ones."""
        return [row for row in rows or () if isinstance(row, Mapping)
                and not cls.is_empty(row)]

    def cells_needed(self) -> tuple[str, ...]:
        """The cells this started row must have."""
        return self.required

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.is_empty(self.data):
            for field in self:
                field.errors = []
            return True
        for name in self.cells_needed():
            field = self[name]
            if blank(field.data) and not field.errors:
                add_error(field, _("Fill this in, or clear the whole row."))
                ok = False
        return ok


def table(row: type[TableRow], label, description: Any = "", *, min_entries: int,
          max_entries: int) -> FieldList:
    """A table of ``row``s (rendered with spare empty rows)."""
    return FieldList(FormField(row), label=label, description=description, min_entries=min_entries,
                     max_entries=max_entries)


def choice(label, choices, required: bool = True, **kwargs) -> SelectField:
    """One of ``choices``, after an empty choice (nothing chosen in advance)."""
    return SelectField(label, choices=[BLANK, *choices], default="",
                       validators=[DataRequired()] if required else [Optional()], **kwargs)


def count(label, required: bool = True, maximum: int = PEOPLE_MAX, **kwargs) -> IntegerField:
    """A number of people (or votes): a whole number from zero."""
    checks = [Present()] if required else [Optional()]
    return IntegerField(label, validators=[*checks, NumberRange(min=0, max=maximum)],
                        **kwargs)


def phone(label=_l("Contact telephone")) -> StringField:
    """A telephone number to call the applicant on."""
    return StringField(
        label, validators=[DataRequired(), Length(max=40),
                           Regexp(r"^\+?[0-9 ()\-]{6,39}$",
                                  message=_l("Enter a telephone number, e.g. +996 312 123456."))])
