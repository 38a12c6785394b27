"""Core forms and the base class of every competition's application form."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import wtforms
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    FormField,
    PasswordField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)

from gms.amounts import parse_decimal, parse_int
from gms.form_messages import TRANSLATIONS
from gms.i18n import _l

#: the one character PostgreSQL cannot store in text (a NUL byte)
UNSTORABLE = "\x00"
UNSTORABLE_MESSAGE = _l("This text contains an invisible NUL character that cannot be stored. "
                        "Remove it and send the form again.")
#: numbers with more digits before the point than this are not amounts anyone types
MAX_DIGITS = 30


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
    """WTForms' table of rows, reading only row numbers of ASCII digits (``table-²-cell`` or a
    5,000-digit row number is ignored instead of failing)."""

    def _extract_indices(self, prefix, formdata):
        offset = len(prefix) + 1
        for key in formdata:
            if key.startswith(prefix):
                part = key[offset:].split(self._field_separator, 1)[0]
                if part.isascii() and part.isdigit() and len(part) <= 9:
                    yield int(part)


def unstorable_fields(form) -> list:
    """Inputs of ``form`` (tables and sections included) whose text has a NUL character;
    each gets the error :data:`UNSTORABLE_MESSAGE`."""
    bad = []
    for field in form:
        if isinstance(field, wtforms.FormField):
            bad += unstorable_fields(field.form)
        elif isinstance(field, wtforms.FieldList):
            for entry in field.entries:
                if isinstance(entry, wtforms.FormField):
                    bad += unstorable_fields(entry.form)
                elif _has_nul(entry):
                    bad.append(entry)
        elif _has_nul(field):
            bad.append(field)
    message = str(UNSTORABLE_MESSAGE)
    for field in bad:
        if message not in field.errors:
            field.errors = [*field.errors, message]
    return bad


def refuse_unstorable_input(*exempt: str):
    """A ``before_request`` hook for blueprints whose views read ``request.form`` directly: a
    POST with a NUL character in a value, a name or a file name is answered with
    :data:`UNSTORABLE_MESSAGE` (422) before any view runs, so nothing is half-written and
    PostgreSQL never sees it. Endpoints in ``exempt`` validate a :class:`Form`, which marks the
    field itself."""

    def hook():
        from flask import render_template, request

        if request.method != "POST" or request.endpoint in exempt:
            return None
        if has_unstorable(request.form) or has_unstorable(request.files):
            return render_template("error.html", message=UNSTORABLE_MESSAGE), 422
        return None

    return hook


def has_unstorable(formdata) -> bool:
    """True when a name or a value of ``formdata`` (a MultiDict) has a NUL character; of an
    uploaded file only the name is looked at."""
    return any(UNSTORABLE in key or any(
        UNSTORABLE in (v if isinstance(v, str) else getattr(v, "filename", None) or "")
        for v in values) for key, values in formdata.lists())


def _has_nul(field) -> bool:
    return any(UNSTORABLE in str(v) for v in getattr(field, "raw_data", None) or ())


#: a declared field keeps pristine bound copies of itself, one per name prefix (a table's
#: rows have one each); more prefixes than this are bound the ordinary way
MAX_PROTOTYPES = 64
_PROTOTYPES = "_gms_prototypes"


class Meta:
    """WTForms' settings of GMS forms: messages in the user's language, and fields bound
    by copying.

    WTForms builds every field of a form anew for each request, running its constructor (label,
    validators, flags, widget): for a 56-field application form that was most of the form's
    cost. A field declared on the form's class is built once per name prefix instead, and each
    form gets a shallow copy of it, with its own flags, lists and dicts, form and meta. A
    field added to one form only (the CSRF token) is built the ordinary way."""

    def get_translations(self, form):
        return TRANSLATIONS

    def bind_field(self, form, unbound_field, options):
        if getattr(type(form), options["name"], None) is not unbound_field:
            return unbound_field.bind(form=form, **options)
        prototypes = unbound_field.__dict__.setdefault(_PROTOTYPES, {})
        prototype = prototypes.get(options["prefix"])
        if prototype is None:
            field = unbound_field.bind(form=form, **options)
            if len(prototypes) < MAX_PROTOTYPES:
                prototypes[options["prefix"]] = _copy_field(field)  # before any data
            return field
        field = _copy_field(prototype)
        field.meta, field._form = form.meta, form
        if options["translations"] is not None:
            field._translations = options["translations"]
        return field


def _copy_field(field):
    """A shallow copy of a bound field with its own flags and its own lists and dicts (a view
    sets choices, a widget reads keywords, a validator sets flags)."""
    state = field.__dict__.copy()
    for key, value in state.items():
        if type(value) in (list, dict):
            state[key] = value.copy()
    flags = state["flags"] = object.__new__(type(field.flags))
    flags.__dict__.update(field.flags.__dict__)
    copy = object.__new__(type(field))
    copy.__dict__.update(state)
    return copy


class Form(FlaskForm):
    """Base of GMS forms: CSRF-protected, with WTForms' messages in the user's language.

    Text with a NUL character is refused (PostgreSQL cannot store it): see
    :func:`unstorable_fields`.
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


class LoginForm(Form):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])


class CodeForm(Form):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=20)])


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


class CallForm(Form):
    """A call's common fields; the type's settings are added by the view."""

    title_ky = StringField(_l("Title (Kyrgyz)"), validators=[Length(max=300)])
    title_ru = StringField(_l("Title (Russian)"), validators=[Length(max=300)])
    title_en = StringField(_l("Title (English)"), validators=[Length(max=300)])
    description_ky = TextAreaField(_l("Description (Kyrgyz)"), validators=[Length(max=20000)])
    description_ru = TextAreaField(_l("Description (Russian)"), validators=[Length(max=20000)])
    description_en = TextAreaField(_l("Description (English)"), validators=[Length(max=20000)])
    oblasts = SelectMultipleField(_l("Eligible oblasts"), validate_choice=True)
    opens_at = StringField(_l("Opens (Bishkek time)"), validators=[DataRequired()],
                           render_kw={"type": "datetime-local"})
    deadline_at = StringField(_l("Deadline (Bishkek time)"), validators=[DataRequired()],
                              render_kw={"type": "datetime-local"})
    budget = DecimalField(_l("Budget envelope, KGS"), places=2,
                          validators=[InputRequired(), NumberRange(min=0, max=10**11)])
    max_awards = IntegerField(_l("Number of awards (empty: no limit)"),
                              validators=[Optional(), NumberRange(min=1, max=100000)])
    max_grant = DecimalField(_l("Maximum grant, KGS (empty: no limit)"), places=2,
                             validators=[Optional(), NumberRange(min=1, max=10**11)])


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
                         validators=[InputRequired()], widget=wtforms.widgets.HiddenInput())


__all__ = [
    "ApplicationForm", "Form", "SubForm", "BooleanField", "DecimalField", "FieldList",
    "FormField", "IntegerField", "SelectField", "StringField", "TextAreaField", "DataRequired",
    "InputRequired", "Length", "NumberRange", "Optional", "AnswerDecimalField",
    "AnswerDateField", "Present", "text_area", "text_line",
]


# ------------------------------------------------------------- helpers for plugin forms

class AnswerDecimalField(DecimalField):
    """A decimal field that also takes the text its value is stored as in the answers."""

    def process_data(self, value):
        from gms.answers import to_decimal

        self.data = to_decimal(value)


class AnswerDateField(DateField):
    """A date field that also takes the ISO text its value is stored as in the answers."""

    def process_data(self, value):
        from gms.answers import to_date

        self.data = to_date(value) if isinstance(value, str) else value


class Present:
    """Required, zero allowed; unlike ``InputRequired`` it also holds for a form refilled
    from stored answers (no raw input)."""

    field_flags = {"required": True}

    def __call__(self, form, field):
        if field.data is None:
            if field.process_errors and field.raw_data and str(field.raw_data[0]).strip():
                raise StopValidation()  # typed but unreadable: its own message says why
            field.errors[:] = []
            from gms.i18n import _

            raise StopValidation(_("This field is required."))


def text_area(label, required: bool = True, max_length: int = 10000, **kwargs):
    """A multi-line answer, required or optional, with a length limit."""
    checks = [DataRequired()] if required else [Optional()]
    return TextAreaField(label, validators=[*checks, Length(max=max_length)], **kwargs)


def text_line(label, required: bool = True, max_length: int = 300, **kwargs):
    """A one-line answer, required or optional, with a length limit."""
    checks = [DataRequired()] if required else [Optional()]
    return StringField(label, validators=[*checks, Length(max=max_length)], **kwargs)


class StaffAccountForm(Form):
    """An administrator's new programme account (staff, finance, commission, administrator)."""

    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    role = SelectField(_l("Role"), choices=[])
    agency = SelectField(_l("Agency"), choices=[])


# ------------------------------------------------------ conflicts of interest (issue 16)

class _InputRequired(InputRequired):
    """WTForms' check, its message translated as a string (the field macro shows strings)."""

    def __call__(self, form, field):
        try:
            super().__call__(form, field)
        except StopValidation as exc:
            raise StopValidation(str(exc.args[0]) if exc.args else "") from None


class _DataRequired(DataRequired):
    """WTForms' check, its message translated as a string (the field macro shows strings)."""

    def __call__(self, form, field):
        try:
            super().__call__(form, field)
        except StopValidation as exc:
            raise StopValidation(str(exc.args[0]) if exc.args else "") from None


class DeclarationForm(Form):
    """A commission member's declaration of conflict of interest on an application. Neither
    answer is chosen in advance: a declaration sent without one is refused."""

    conflict = wtforms.RadioField(
        _l("Your declaration"),
        choices=[("no", _l("I have no conflict of interest with this applicant.")),
                 ("yes", _l("I have a conflict of interest and recuse myself."))],
        validators=[_InputRequired(message=_l(
            "Choose one answer: whether you have a conflict of interest with this applicant "
            "or not."))])
    reason = TextAreaField(_l("If you have a conflict, describe it"),
                           validators=[Length(max=5000)])

    def validate_reason(self, field) -> None:
        """A conflict is declared with its description."""
        if self.conflict.data == "yes" and not (field.data or "").strip():
            from gms.i18n import _

            raise ValidationError(_("Describe the conflict of interest."))


def _id_or_none(value) -> int | None:
    """A chosen id; ``None`` for the empty choice ("choose…")."""
    return int(value) if value is not None and str(value).strip() else None


class ConflictClaimForm(Form):
    """An applicant names a member of the call's commission it considers conflicted on its
    application, with a reason (the view sets the members offered, after an empty choice:
    nobody is named in advance)."""

    member = SelectField(_l("Commission member"), coerce=_id_or_none, choices=[],
                         validators=[_InputRequired(message=_l(
                             "Choose the commission member you consider conflicted."))])
    reason = TextAreaField(_l("Why do you consider this member conflicted?"),
                           validators=[_DataRequired(message=_l(
                               "Explain why you consider this member conflicted.")),
                               Length(max=5000)])


class ClaimDecisionForm(Form):
    """Staff decide an applicant's conflict-of-interest claim, with a reason; no decision is
    chosen in advance."""

    decision = wtforms.RadioField(
        _l("Decision"),
        choices=[("uphold", _l("Uphold: the member is recused from this application")),
                 ("dismiss", _l("Dismiss the claim"))],
        validators=[_InputRequired(message=_l("Choose whether to uphold or dismiss the "
                                             "claim."))])
    reason = TextAreaField(_l("Reason for the decision"),
                           validators=[_DataRequired(message=_l(
                               "Give the reason for the decision on the claim.")),
                               Length(max=5000)])
