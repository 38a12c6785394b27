"""The base classes of GMS forms: CSRF-protected forms and sub-forms (table rows, sections),
with WTForms' messages in the user's language and text that cannot be stored refused."""

from __future__ import annotations

import wtforms
from flask_wtf import FlaskForm

from gms.form_messages import TRANSLATIONS

from .storable import has_unstorable, unstorable_fields


class Meta:
    """WTForms' settings of GMS forms: messages in the user's language."""

    def get_translations(self, form):
        return TRANSLATIONS


class Form(FlaskForm):
    """Base of GMS forms: CSRF-protected, with WTForms' messages in the user's language.

    Text with a NUL character is refused (PostgreSQL cannot store it): see
    :func:`gms.forms.storable.unstorable_fields`.
    """

    class Meta(Meta):
        pass

    def process(self, formdata=None, obj=None, data=None, extra_filters=None, **kwargs):
        formdata = self.meta.wrap_formdata(self, formdata)
        # one pass over the posted text; the fields are searched only when it has a NUL
        self._nul_posted = formdata is not None and has_unstorable(formdata)
        super().process(formdata, obj, data=data, extra_filters=extra_filters, **kwargs)

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        return self.storable() and ok

    def storable(self) -> bool:
        """True when every input can be stored; marks those that cannot (a draft is saved
        without the other checks)."""
        return not (self._nul_posted and unstorable_fields(self))


class SubForm(wtforms.Form):
    """Base of sub-forms (rows of a table inside a form): no CSRF token of their own."""

    class Meta(Meta):
        pass
