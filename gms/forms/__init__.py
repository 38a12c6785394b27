"""GMS forms: the base classes (:class:`Form`, :class:`SubForm`, :class:`ApplicationForm`),
the fields and validators plugin forms are built from, and the core's forms.

Modules: :mod:`.base` (base classes), :mod:`.fields` and :mod:`.validators` (what forms are
built from), :mod:`.storable` (text PostgreSQL cannot store), :mod:`.application` (the
application form's base), then the core's forms by subject: :mod:`.accounts`,
:mod:`.calls`, :mod:`.review`, :mod:`.conflicts`, :mod:`.applicant`. Everything public is
named here, so plugins import from ``gms.forms``.
"""

from wtforms import BooleanField, FormField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from .accounts import (
    CodeForm,
    LoginForm,
    MembershipDecisionForm,
    RegisterForm,
    ResendConfirmationForm,
    ResetForm,
    ResetRequestForm,
    StaffAccountForm,
    TwoFactorForm,
)
from .applicant import AppealForm, ApplicationActionForm, AttachmentForm
from .application import ApplicationForm
from .base import Form, SubForm
from .calls import CallForm
from .conflicts import ClaimDecisionForm, ConflictClaimForm, DeclarationForm
from .fields import (
    MAX_DIGITS,
    AnswerDateField,
    AnswerDecimalField,
    DecimalField,
    FieldList,
    IntegerField,
    SelectField,
    text_area,
    text_line,
)
from .review import (
    AnonymisedCopyForm,
    ApproveDocumentForm,
    AssignForm,
    ConsensusConfirmForm,
    ScreeningForm,
)
from .storable import (
    UNSTORABLE,
    UNSTORABLE_MESSAGE,
    has_unstorable,
    refuse_unstorable_input,
    unstorable_fields,
)
from .validators import Present

__all__ = [
    "MAX_DIGITS", "UNSTORABLE", "UNSTORABLE_MESSAGE",
    "AnonymisedCopyForm", "AnswerDateField", "AnswerDecimalField", "AppealForm",
    "ApplicationActionForm", "ApplicationForm", "AttachmentForm",
    "ApproveDocumentForm", "AssignForm", "BooleanField", "CallForm", "ClaimDecisionForm",
    "CodeForm", "ConflictClaimForm", "ConsensusConfirmForm", "DataRequired", "DecimalField",
    "DeclarationForm", "FieldList", "Form", "FormField", "InputRequired", "IntegerField",
    "Length", "LoginForm", "MembershipDecisionForm", "NumberRange", "Optional", "Present",
    "RegisterForm", "ResendConfirmationForm", "ResetForm", "ResetRequestForm",
    "ScreeningForm", "SelectField", "StaffAccountForm", "StringField", "SubForm",
    "TextAreaField", "TwoFactorForm", "has_unstorable", "refuse_unstorable_input",
    "text_area", "text_line", "unstorable_fields",
]
