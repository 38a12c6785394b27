"""The base class of every competition's application form, and its answers as JSON."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import wtforms
from wtforms import DateField, FormField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from gms.i18n import _l

from .base import Form
from .fields import DecimalField


class ApplicationForm(Form):
    """Base of every application form: a title and the requested amount in KGS.

    Plugins subclass it and add their fields. ``answers()`` gives the JSON stored on the
    application; ``Form(data=answers)`` fills the form back from it.
    """

    title = StringField(_l("Project title"), validators=[DataRequired(), Length(max=300)])
    requested_amount = DecimalField(_l("Requested amount, KGS"), places=None,
                                    validators=[InputRequired(), NumberRange(min=0)])

    @classmethod
    def from_answers(cls, answers: dict, **kwargs) -> ApplicationForm:
        """A form filled from stored answers (strings turned back into numbers and dates)."""
        form = cls(formdata=None, data=answers or {}, **kwargs)
        _coerce_fields(form)
        _add_spare_rows(form)
        return form

    def answers(self) -> dict:
        """The form's data as JSON-safe values (Decimals as strings)."""
        return _jsonable({k: v for k, v in self.data.items() if k != "csrf_token"})


def _coerce_fields(form) -> None:
    for field in form:
        if isinstance(field, wtforms.FieldList):
            for entry in field.entries:
                if isinstance(entry, FormField):
                    _coerce_fields(entry.form)
                else:
                    _coerce_one(entry)
        elif isinstance(field, FormField):
            _coerce_fields(field.form)
        else:
            _coerce_one(field)


def _add_spare_rows(form, spare: int = 2) -> None:
    """Give every table (FieldList) at least ``spare`` empty rows after the filled ones."""
    for field in form:
        if isinstance(field, wtforms.FieldList):
            filled = sum(1 for e in field.entries if _has_data(e.data))
            while len(field.entries) < filled + spare and (
                    field.max_entries is None or len(field.entries) < field.max_entries):
                field.append_entry()


def _has_data(value) -> bool:
    if isinstance(value, dict):
        return any(_has_data(v) for v in value.values())
    return value not in (None, "", [])


def _coerce_one(field) -> None:
    """Stored answers hold numbers and dates as text: turn them back (whole som lose cents)."""
    if field.data in (None, ""):
        return
    try:
        if isinstance(field, wtforms.DecimalField):
            value = Decimal(str(field.data))
            field.data = value.quantize(Decimal(1)) if value == value.to_integral() else value
        elif isinstance(field, DateField) and isinstance(field.data, str):
            field.data = date.fromisoformat(field.data)
    except (ValueError, ArithmeticError):
        field.data = None


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items() if k != "csrf_token"}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
