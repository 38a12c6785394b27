"""The form of a call's common fields; :mod:`.call_settings` adds the type's settings."""

from __future__ import annotations

from wtforms import SelectMultipleField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from gms.i18n import _, _l

from .base import Form
from .fields import DecimalField, IntegerField, LocalDateTimeField

#: the languages a call's title and description are written in
LANGUAGES = ("ky", "ru", "en")


class CallForm(Form):
    """A call's common fields: titles and descriptions per language, oblasts, the opening
    and the deadline (typed in Bishkek time, given as UTC instants), the money. The type's
    settings are added by :func:`gms.forms.call_settings.call_form_class`."""

    title_ky = StringField(_l("Title (Kyrgyz)"), validators=[Length(max=300)])
    title_ru = StringField(_l("Title (Russian)"), validators=[Length(max=300)])
    title_en = StringField(_l("Title (English)"), validators=[Length(max=300)])
    description_ky = TextAreaField(_l("Description (Kyrgyz)"), validators=[Length(max=20000)])
    description_ru = TextAreaField(_l("Description (Russian)"), validators=[Length(max=20000)])
    description_en = TextAreaField(_l("Description (English)"), validators=[Length(max=20000)])
    oblasts = SelectMultipleField(_l("Eligible oblasts"), validate_choice=True)
    opens_at = LocalDateTimeField(_l("Opens (Bishkek time)"), validators=[InputRequired()])
    deadline_at = LocalDateTimeField(_l("Deadline (Bishkek time)"),
                                     validators=[InputRequired()])
    budget = DecimalField(_l("Budget envelope, KGS"), places=2,
                          validators=[InputRequired(), NumberRange(min=0, max=10**11)])
    max_awards = IntegerField(_l("Number of awards (empty: no limit)"),
                              validators=[Optional(), NumberRange(min=1, max=100000)])
    max_grant = DecimalField(_l("Maximum grant, KGS (empty: no limit)"), places=2,
                             validators=[Optional(), NumberRange(min=1, max=10**11)])

    def validate_deadline_at(self, field) -> None:
        """The deadline after the opening (the service checks it again), shown under the
        deadline with the other errors rather than alone after they are fixed."""
        if self.opens_at.data and field.data and field.data <= self.opens_at.data:
            raise ValidationError(_("The deadline must be after the opening."))

    def values(self) -> dict:
        """The call's common fields as :func:`gms.services.calls.create_call` takes them."""
        return {
            "title": {lang: self[f"title_{lang}"].data or "" for lang in LANGUAGES},
            "description": {lang: self[f"description_{lang}"].data or ""
                            for lang in LANGUAGES},
            "oblasts": list(self.oblasts.data or []), "opens_at": self.opens_at.data,
            "deadline_at": self.deadline_at.data, "budget": self.budget.data,
            "max_awards": self.max_awards.data, "max_grant": self.max_grant.data,
        }
