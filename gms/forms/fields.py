"""Fields of GMS forms: WTForms' own, reading only what people type (ASCII digits, row
numbers), and fields that also take the text an answer is stored as."""

from __future__ import annotations

from datetime import datetime

import wtforms
from werkzeug.datastructures import MultiDict
from wtforms import DateField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from gms import timeutil
from gms.amounts import parse_decimal, parse_int
from gms.answers import to_date, to_decimal
from gms.i18n import _

#: numbers with more digits before the point than this are not amounts anyone types
MAX_DIGITS = 30
#: the longest row number a table reads (no table has a billion rows)
MAX_ROW_DIGITS = 9


def _typed(valuelist) -> str | None:
    """The text typed in a number field; ``None`` when nothing (or only blanks) was typed."""
    if not valuelist or valuelist[0] is None:
        return None
    return valuelist[0] if str(valuelist[0]).strip() else None


class DecimalField(wtforms.DecimalField):
    """WTForms' decimal field, reading only ASCII digits (:func:`gms.amounts.parse_decimal`:
    ``1 000,50`` yes; ``１０００``, ``١٠٠``, ``1_000``, ``1e5``, ``NaN`` no, with a message)
    and refusing numbers of more than :data:`MAX_DIGITS` digits, which no ``NumberRange`` or
    sum can handle."""

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        typed = _typed(valuelist)
        if typed is None or self.use_locale:
            super().process_formdata(valuelist)
        else:
            try:
                self.data = parse_decimal(typed)
            except ValueError:
                self.data = None
                raise
        if self.data is not None and (not self.data.is_finite()
                                      or self.data.adjusted() >= MAX_DIGITS):
            self.data = None
            raise ValueError(self.gettext("Not a valid decimal value."))


class IntegerField(wtforms.IntegerField):
    """WTForms' whole-number field, reading only ASCII digits (:func:`gms.amounts.parse_int`)
    and refusing numbers of more than :data:`MAX_DIGITS` digits (no count is that large; a
    draft keeps what is typed, so the answers stay readable)."""

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        typed = _typed(valuelist)
        if typed is None:
            super().process_formdata(valuelist)
        else:
            try:
                self.data = parse_int(typed)
            except ValueError:
                self.data = None
                raise
        if self.data is not None and len(str(abs(self.data))) > MAX_DIGITS:
            self.data = None
            raise ValueError(self.gettext("Not a valid integer value."))


class SelectField(wtforms.SelectField):
    """WTForms' select. A choice given as ``(value, label)`` pairs is checked against the
    values directly; WTForms builds an option object for every choice to check one, which
    was a sixth of a submission's form validation."""

    def pre_validate(self, form):
        choices = self.choices
        if (self.process_errors or not self.validate_choice or not isinstance(choices, list)
                or not all(type(c) is tuple and len(c) == 2 for c in choices)):
            return super().pre_validate(form)
        if not any(self.coerce(value) == self.data for value, _label in choices):
            raise ValidationError(self.invalid_choice_message
                                  or self.gettext("Not a valid choice."))
        return None


class FieldList(wtforms.FieldList):
    """WTForms' table of rows, reading only row numbers of at most :data:`MAX_ROW_DIGITS`
    ASCII digits: ``table-²-cell`` or a 5,000-digit row number is ignored instead of failing.
    Rows are named ``<table>-<number>-<cell>`` (WTForms' default separator)."""

    def process(self, formdata, *args, **kwargs):
        if formdata is not None:
            table = self.name
            bad = [key for key in formdata if key.startswith(table) and _bad_row_key(table, key)]
            if bad:
                formdata = MultiDict([(key, value) for key in formdata if key not in bad
                                      for value in formdata.getlist(key)])
        super().process(formdata, *args, **kwargs)


def _bad_row_key(table: str, key: str) -> bool:
    """True for a name posted in ``table`` that WTForms would read as a row whose number
    is not a short run of ASCII digits."""
    number = key[len(table) + 1:].split("-", 1)[0]
    return number.isdigit() and not (number.isascii() and len(number) <= MAX_ROW_DIGITS)


class AnswerDecimalField(DecimalField):
    """A decimal field that also takes the text its value is stored as in the answers."""

    def process_data(self, value):
        self.data = to_decimal(value)


class AnswerDateField(DateField):
    """A date field that also takes the ISO text its value is stored as in the answers."""

    def process_data(self, value):
        self.data = to_date(value) if isinstance(value, str) else value


class LocalDateTimeField(StringField):
    """A day and time typed in the programme's time zone (Asia/Bishkek), as a
    ``datetime-local`` input; its data is the UTC instant, shown again in local time."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("render_kw", {"type": "datetime-local"})
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        typed, self.data = _typed(valuelist), None
        if typed is None:
            return
        try:  # a time so near year 1 or 9999 that UTC cannot hold it is refused too
            self.data = timeutil.from_local(datetime.fromisoformat(typed.strip()))
        except (ValueError, OverflowError):
            raise ValueError(_("Enter dates as day, month, year and time.")) from None

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return timeutil.to_local(self.data).strftime("%Y-%m-%dT%H:%M") if self.data else ""


def text_area(label, required: bool = True, max_length: int = 10000, **kwargs):
    """A multi-line answer, required or optional, with a length limit."""
    checks = [DataRequired()] if required else [Optional()]
    return TextAreaField(label, validators=[*checks, Length(max=max_length)], **kwargs)


def text_line(label, required: bool = True, max_length: int = 300, **kwargs):
    """A one-line answer, required or optional, with a length limit."""
    checks = [DataRequired()] if required else [Optional()]
    return StringField(label, validators=[*checks, Length(max=max_length)], **kwargs)
