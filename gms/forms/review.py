"""Forms of the review of applications: screening, assignment to commission members,
anonymised copies of documents, the confirmation of a consensus."""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectMultipleField, TextAreaField
from wtforms.validators import InputRequired, Length
from wtforms.widgets import HiddenInput

from gms.i18n import _l

from .base import Form
from .fields import DecimalField, SelectField


class ScreeningForm(Form):
    decision = SelectField(_l("Decision"), choices=[("eligible", _l("Eligible")),
                                                    ("ineligible", _l("Not eligible"))])
    reason = TextAreaField(_l("Reason"), validators=[Length(max=5000)])


class AssignForm(Form):
    reviewers = SelectMultipleField(_l("Commission members"), coerce=int)


class AnonymisedCopyForm(Form):
    """Staff upload a copy of an applicant's document without the applicant's names (coded
    review); the file is checked as any upload by :mod:`gms.services.uploads`."""

    file = FileField(_l("Anonymised copy"),
                     validators=[FileRequired(_l("Choose a file to upload."))])


class ApproveDocumentForm(Form):
    """Staff let members see an anonymised copy, or the original as naming nobody; when the
    search of its text found the applicant's names, only with ``confirm``."""

    confirm = BooleanField(_l("The names found may stay: members may see the document as "
                              "it is"))


class ConsensusConfirmForm(Form):
    """A second commission member confirms the proposed consensus: the score they read is
    sent back, so that a proposal changed meanwhile is not confirmed unread."""

    score = DecimalField(_l("Proposed consensus score"), places=2,
                         validators=[InputRequired()], widget=HiddenInput())
