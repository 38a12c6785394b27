"""The call form generated from a competition type's settings.

Each :class:`gms.competition.SettingField` becomes a field of its kind: ``int`` and
``decimal`` read digits as people type them (:mod:`gms.amounts`), ``date`` a calendar day,
``choice`` one of its choices, ``list`` one item per line (each decimal item read as an
amount, a bad one named by its line), ``bool`` a check box, ``text`` a line of text. The
fields are posted as ``setting-<name>``; ``form.setting.data`` gives the values typed
(int, Decimal, date, str, list, bool). A setting left empty is empty (its help text says
what that means); one not posted at all keeps the value the form was filled with.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from wtforms import BooleanField, DateField, FormField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional
from wtforms.widgets import TextArea

from gms.amounts import parse_decimal
from gms.competition import SettingField, typed_values
from gms.i18n import _, _l, ngettext

from .base import SubForm
from .calls import LANGUAGES, CallForm
from .fields import MAX_DIGITS, DecimalField, IntegerField, SelectField

#: settings are counts, years, percentages and amounts: never negative, none this large
SETTING_LIMIT = 10**12
#: the longest text of a setting, or of an item of a list
TEXT_LIMIT = 2000
#: how much of a bad list item its message repeats
QUOTED = 40


class SettingDateField(DateField):
    """A calendar day (``YYYY-MM-DD``, what a date input sends), with the date message
    the other forms give."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format="%Y-%m-%d",
                         render_kw={"type": "date"}, **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata([v.strip() for v in valuelist])
        except ValueError:
            raise ValueError(_("Enter dates as year, month and day.")) from None


class ListField(StringField):
    """A list typed one item per line (blank lines skipped). Items of kind ``decimal`` are
    read as amounts (:func:`gms.amounts.parse_decimal`); every bad item gets its own
    message naming its line, and the text typed is shown again as it was."""

    widget = TextArea()

    def __init__(self, label=None, validators=None, item: str = "text", **kwargs):
        super().__init__(label, validators, **kwargs)
        self.item = item

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        self.data = []
        for number, line in enumerate(str(valuelist[0]).splitlines(), 1):
            text = line.strip()
            if not text:
                continue
            try:
                self.data.append(self._item(text))
            except ValueError as exc:
                self.process_errors.append(_(
                    "Line %(line)d, “%(text)s”: %(error)s", line=number,
                    text=text[:QUOTED], error=exc.args[0]))

    def _item(self, text: str) -> Any:
        if self.item != "decimal":
            if len(text) > TEXT_LIMIT:
                raise ValueError(ngettext("Field cannot be longer than %(max)d character.",
                                          "Field cannot be longer than %(max)d characters.",
                                          TEXT_LIMIT, max=TEXT_LIMIT))
            return text
        value = parse_decimal(text)
        if value.adjusted() >= MAX_DIGITS or not 0 <= value < SETTING_LIMIT:
            raise ValueError(_("Number must be between %(min)s and %(max)s.",
                               min=0, max=SETTING_LIMIT - 1))
        return value

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "\n".join(str(v) for v in self.data or ())


def setting_field(f: SettingField):
    """The form field of setting ``f``: its label, help text (``description``) and
    default, empty allowed unless the setting is ``required``."""
    required = f.required and f.kind != "bool"
    presence = [InputRequired()] if required else [Optional()]
    common = {"label": f.label, "description": f.help, "default": f.default}
    if f.kind == "bool":
        return BooleanField(**common)
    if f.kind == "int":
        return IntegerField(validators=[*presence, NumberRange(
            min=0, max=SETTING_LIMIT - 1)], **common)
    if f.kind == "decimal":
        return DecimalField(places=None, validators=[*presence, NumberRange(
            min=0, max=SETTING_LIMIT - 1)],
            render_kw={"inputmode": "decimal"}, **common)
    if f.kind == "date":
        return SettingDateField(validators=presence, **common)
    if f.kind == "choice":
        empty = [] if required else [("", "—")]
        return SelectField(choices=[*empty, *((str(v), label) for v, label in f.choices)],
                           validators=presence, **common)
    if f.kind == "list":
        return ListField(validators=presence, item=f.item, **common)
    return StringField(validators=[*presence, Length(max=TEXT_LIMIT)], **common)


def settings_form_class(fields: Sequence[SettingField]) -> type[SubForm]:
    """A sub-form with one field per setting, named as the setting."""
    return type("SettingsForm", (SubForm,), {f.name: setting_field(f) for f in fields})


def call_form_class(fields: Sequence[SettingField]) -> type[CallForm]:
    """:class:`CallForm` with the settings ``fields`` as its ``setting`` sub-form (posted as
    ``setting-<name>``)."""
    settings = FormField(settings_form_class(fields), label=_l("Rules of this competition"),
                         separator="-")
    return type("CallFormWithSettings", (CallForm,), {"setting": settings})


def call_form(fields: Sequence[SettingField], call: Any = None,
              settings: Mapping[str, Any] | None = None) -> CallForm:
    """The call form of a type with settings ``fields``, filled with ``call``'s values (a
    :class:`gms.models.Competition`) or, for a new call, with the ``settings`` given (the
    type's defaults); on a POST it reads what was sent."""
    data: dict[str, Any] = {"setting": typed_values(fields, settings or {})}
    if call is not None:
        data |= {f"{name}_{lang}": getattr(call, name).get(lang, "")
                 for name in ("title", "description") for lang in LANGUAGES}
        data |= {name: getattr(call, name) for name in (
            "oblasts", "opens_at", "deadline_at", "budget", "max_awards", "max_grant")}
    return call_form_class(fields)(data=data)
