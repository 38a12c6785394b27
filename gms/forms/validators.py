"""Validators of GMS forms beside WTForms' own."""

from __future__ import annotations

from wtforms.validators import DataRequired, InputRequired, StopValidation

from gms.i18n import _


class Present:
    """Required, zero allowed; unlike ``InputRequired`` it also holds for a form refilled
    from stored answers (no raw input)."""

    field_flags = {"required": True}

    def __call__(self, form, field):
        if field.data is None:
            if field.process_errors and field.raw_data and str(field.raw_data[0]).strip():
                raise StopValidation()  # typed but unreadable: its own message says why
            field.errors[:] = []
            raise StopValidation(_("This field is required."))


class TextInputRequired(InputRequired):
    """WTForms' check, its message translated as a string (the field macro shows strings)."""

    def __call__(self, form, field):
        try:
            super().__call__(form, field)
        except StopValidation as exc:
            raise StopValidation(str(exc.args[0]) if exc.args else "") from None


class TextDataRequired(DataRequired):
    """WTForms' check, its message translated as a string (the field macro shows strings)."""

    def __call__(self, form, field):
        try:
            super().__call__(form, field)
        except StopValidation as exc:
            raise StopValidation(str(exc.args[0]) if exc.args else "") from None
