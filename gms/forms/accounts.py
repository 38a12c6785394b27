"""Forms of accounts: signing in, registering, passwords, membership, programme accounts."""

from __future__ import annotations

from wtforms import EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from gms.i18n import _l

from .base import Form
from .fields import SelectField


class LoginForm(Form):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])


class CodeForm(Form):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=20)])


class TwoFactorForm(CodeForm):
    """A code of the user's authenticator and what to do with it (the buttons' ``action``):
    make new recovery codes, or turn two-factor log-in off."""

    action = SelectField(choices=[("codes", _l("Make new recovery codes")),
                                  ("disable", _l("Turn two-factor log-in off"))],
                         default="codes")


class RegisterForm(Form):
    name = StringField(_l("Your full name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(min=10, max=200)])
    confirm = PasswordField(_l("Repeat the password"),
                            validators=[EqualTo("password", message=_l("Passwords differ."))])
    org_kind = SelectField(_l("You apply as"), choices=[
        ("municipality", _l("Municipality (aiyl okmotu or town)")),
        ("ngo", _l("Non-governmental organisation")),
        ("initiative_group", _l("Initiative group"))])
    territory_code = SelectField(_l("Municipality"), validate_choice=False)
    org_name = StringField(_l("Name of the organisation or group"),
                           validators=[Optional(), Length(max=300)])


class ResendConfirmationForm(Form):
    """"Send the confirmation link again" (only its CSRF token)."""


class MembershipDecisionForm(Form):
    """Approve or decline a request to join an organisation (two buttons)."""

    approve = SubmitField(_l("Approve"))
    decline = SubmitField(_l("Decline"))


class ResetRequestForm(Form):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email()])


class ResetForm(Form):
    password = PasswordField(_l("New password"),
                             validators=[DataRequired(), Length(min=10, max=200)])
    confirm = PasswordField(_l("Repeat the password"),
                            validators=[EqualTo("password", message=_l("Passwords differ."))])


class StaffAccountForm(Form):
    """An administrator's new programme account (staff, finance, commission, administrator)."""

    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    role = SelectField(_l("Role"), choices=[])
    agency = SelectField(_l("Agency"), choices=[])
