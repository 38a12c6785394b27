"""Forms of conflicts of interest: a member's declaration, an applicant's claim against a
member, and the staff's decision on the claim."""

from __future__ import annotations

from wtforms import RadioField, TextAreaField
from wtforms.validators import Length, ValidationError

from gms.i18n import _, _l

from .base import Form
from .fields import SelectField
from .validators import TextDataRequired, TextInputRequired


class DeclarationForm(Form):
    """A commission member's declaration of conflict of interest on an application. Neither
    answer is chosen in advance: a declaration sent without one is refused."""

    conflict = RadioField(
        _l("Your declaration"),
        choices=[("no", _l("I have no conflict of interest with this applicant.")),
                 ("yes", _l("I have a conflict of interest and recuse myself."))],
        validators=[TextInputRequired(message=_l(
            "Choose one answer: whether you have a conflict of interest with this applicant "
            "or not."))])
    reason = TextAreaField(_l("If you have a conflict, describe it"),
                           validators=[Length(max=5000)])

    def validate_reason(self, field) -> None:
        """A conflict is declared with its description."""
        if self.conflict.data == "yes" and not (field.data or "").strip():
            raise ValidationError(_("Describe the conflict of interest."))


def _id_or_none(value) -> int | None:
    """A chosen id; ``None`` for the empty choice ("choose…")."""
    return int(value) if value is not None and str(value).strip() else None


class ConflictClaimForm(Form):
    """An applicant names a member of the call's commission it considers conflicted on its
    application, with a reason (the view sets the members offered, after an empty choice:
    nobody is named in advance)."""

    member = SelectField(_l("Commission member"), coerce=_id_or_none, choices=[],
                         validators=[TextInputRequired(message=_l(
                             "Choose the commission member you consider conflicted."))])
    reason = TextAreaField(_l("Why do you consider this member conflicted?"),
                           validators=[TextDataRequired(message=_l(
                               "Explain why you consider this member conflicted.")),
                               Length(max=5000)])


class ClaimDecisionForm(Form):
    """Staff decide an applicant's conflict-of-interest claim, with a reason; no decision is
    chosen in advance."""

    decision = RadioField(
        _l("Decision"),
        choices=[("uphold", _l("Uphold: the member is recused from this application")),
                 ("dismiss", _l("Dismiss the claim"))],
        validators=[TextInputRequired(message=_l("Choose whether to uphold or dismiss the "
                                                 "claim."))])
    reason = TextAreaField(_l("Reason for the decision"),
                           validators=[TextDataRequired(message=_l(
                               "Give the reason for the decision on the claim.")),
                               Length(max=5000)])
