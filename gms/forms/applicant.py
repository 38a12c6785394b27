"""The applicant's small forms beside the application itself: which button sent the
application form, a document upload, an appeal."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import StringField, TextAreaField
from wtforms.validators import Length

from gms.i18n import _l

from .base import Form
from .fields import SelectField

SAVE, SUBMIT = "save", "submit"


class ApplicationActionForm(FlaskForm):
    """The button that sent the application form (``action``): save the draft (also when
    none is named) or submit it. Read from the application form's own post, whose CSRF
    token and text that form checks."""

    class Meta:
        csrf = False

    action = SelectField(choices=[(SAVE, _l("Save draft")), (SUBMIT, _l("Submit application"))],
                         default=SAVE)

    def submitting(self) -> bool:
        """True when the applicant pressed "Submit application"."""
        return self.validate() and self.action.data == SUBMIT


class AttachmentForm(Form):
    """A document of an application: its kind (checked against the call's kinds by
    :func:`gms.services.uploads.save_attachment`) and the file."""

    kind = StringField(_l("Kind of document"), validators=[Length(max=100)])
    file = FileField(validators=[FileRequired(_l("Choose a file to upload."))])


class AppealForm(Form):
    """An applicant's appeal against the decision (its grounds are checked by the service)."""

    grounds = TextAreaField(_l("Grounds of the appeal"), validators=[Length(max=10000)])
