"""The finance forms: what staff, finance officers and grantees type on the money pages.

Each form only reads and checks what was typed (amounts with the digits 0–9 as
:mod:`gms.amounts` reads them and within a money column, dates as year-month-day, choices
among the known ones, lengths the columns hold); the services check the rules (a tranche
within the grant, a date not in the future, ...). A refused form is shown again with what was
typed.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from flask_wtf.file import FileField, MultipleFileField
from wtforms import BooleanField, DateField, FormField, StringField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional

from gms.competition.payee import MAX_LENGTH as PAYEE_MAX_LENGTH
from gms.forms import DecimalField, FieldList, Form, IntegerField, SelectField, SubForm
from gms.i18n import _, _l

from . import models as M
from .agreements import AGREEMENT_LANGUAGES, MAX_TRANCHES, TrancheSpec
from .reports import MAX_LINES, SpendingLine

#: the largest amount a money column (14 digits, 2 after the point) holds
MAX_MONEY = Decimal("999999999999.99")
#: the largest count a report holds (an integer column)
MAX_COUNT = 999_999_999
#: a day as a date input sends it (``date.fromisoformat`` also reads ``2026-W09-1``)
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
LANGUAGE_CHOICES = [(code, code) for code in AGREEMENT_LANGUAGES]


class MoneyField(DecimalField):
    """An amount (or an exchange rate): ASCII digits only (not ``１０００``, ``١٠٠``,
    ``1_000`` or ``1e5``), and no more than a money column holds. Empty is ``None``."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators or [Optional()], **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_("Enter amounts as numbers with the digits 0–9, e.g. 150 000,50 "
                               "or 150000.50.")) from None
        if self.data is not None and (self.data.adjusted() >= 12 or abs(self.data) > MAX_MONEY):
            self.data = None
            raise ValueError(_("Enter amounts as numbers, e.g. 150000.50."))


class DayField(DateField):
    """A calendar date as a date input sends it, ``YYYY-MM-DD`` in ASCII digits (not
    ``2026-W09-1``, ``20260301`` or other digits). Empty is ``None``."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators or [Optional()], **kwargs)

    def process_formdata(self, valuelist):
        raw = (valuelist[0] if valuelist else "") or ""
        if not raw.strip():
            self.data = None
            return
        raw = raw.strip()
        try:
            if not _ISO_DAY.fullmatch(raw):
                raise ValueError(raw)
            self.data = date.fromisoformat(raw)
        except ValueError:
            self.data = None
            raise ValueError(_("Enter dates as year, month and day.")) from None


def _text(max_length: int, label=None):
    return StringField(label, validators=[Length(max=max_length)])


class OpenGrantForm(Form):
    """Prepare the agreement of a funded award."""

    language = SelectField(_l("Language of the agreement"), choices=LANGUAGE_CHOICES,
                           default="ru")


class TermsForm(Form):
    """The agreement's language, currency, amount in CHF and project period."""

    language = SelectField(_l("Language of the agreement"), choices=LANGUAGE_CHOICES)
    currency = SelectField(_l("Currency of the grant"),
                           choices=[(c, c) for c in M.CURRENCIES], default="KGS")
    amount = MoneyField(_l("Amount in CHF (for a grant set in CHF)"))
    starts_on = DayField(_l("Project starts"))
    ends_on = DayField(_l("Project ends"))
    #: absent: the grant keeps its account
    recipient_account = _text(PAYEE_MAX_LENGTH, _l("Local-budget account or treasury code"))


class PayeeForm(Form):
    """Staff correct the grantee's local-budget account and treasury code on the grant (the
    application's values, copied when the agreement was prepared)."""

    recipient_account = _text(PAYEE_MAX_LENGTH, _l("Local-budget account or treasury code"))
    treasury_code = _text(PAYEE_MAX_LENGTH, _l("Treasury code"))


class TrancheRow(SubForm):
    """One row of a payment plan: an amount or a share, a date or a milestone."""

    amount = MoneyField(_l("Amount"))
    percent = MoneyField(_l("Share"))
    due_on = DayField(_l("Date"))
    milestone = _text(300, _l("Milestone"))
    requires_report = BooleanField(_l("After an approved progress report"))


class PlanForm(Form):
    """The payment plan: rows ``tranches-<i>-<cell>``; a row without an amount or a share is
    left out."""

    tranches = FieldList(FormField(TrancheRow), max_entries=MAX_TRANCHES)

    def specs(self) -> list[TrancheSpec]:
        """The rows as the service takes them (a typed amount wins over the share)."""
        return [TrancheSpec(percent=None if row.amount.data is not None else row.percent.data,
                            amount=row.amount.data, due_on=row.due_on.data,
                            milestone=row.milestone.data or "",
                            requires_report=row.requires_report.data)
                for row in (entry.form for entry in self.tranches)
                if row.amount.data is not None or row.percent.data is not None]


class SignForm(Form):
    """Both signature dates and the signed scan."""

    grantee_signed_on = DayField(_l("Signed by the grantee on"))
    programme_signed_on = DayField(_l("Signed by the programme on"))
    scan = FileField(_l("Scan of the signed agreement (PDF, PNG or JPEG)"))


class ContributionForm(Form):
    """Co-financing promised (before signing) or actual (while the grant is active)."""

    stage = SelectField(_l("Stage"), choices=[(M.PROMISED, _l("Promised")),
                                              (M.ACTUAL, _l("Actual"))])
    source = SelectField(_l("Source"), choices=[(s, s) for s in M.SOURCES])
    amount = MoneyField(_l("Amount, KGS"))
    note = _text(500, _l("Note"))


class TransferForm(Form):
    """A transfer to the grantee (the account and treasury code default to the grant's)."""

    tranche_id = IntegerField(_l("Tranche"), validators=[Optional()])
    value_date = DayField(_l("Date of the payment"))
    amount_kgs = MoneyField(_l("Amount, KGS"))
    exchange_rate = MoneyField(_l("Exchange rate, KGS for 1 CHF"))
    payment_order = _text(60, _l("Payment order number"))
    recipient_account = _text(PAYEE_MAX_LENGTH, _l("Local-budget account or treasury code"))
    treasury_code = _text(PAYEE_MAX_LENGTH, _l("Treasury code"))
    note = _text(2000, _l("Note"))


class ReverseForm(Form):
    """The reversing entry of a money record."""

    value_date = DayField(_l("Date"))
    payment_order = _text(60, _l("Payment order"))
    reason = _text(2000, _l("Reason"))


class ReturnForm(Form):
    """Unspent money the grantee returned."""

    value_date = DayField(_l("Date of the return"))
    amount_kgs = MoneyField(_l("Amount, KGS"))
    payment_order = _text(60, _l("Payment order number"))
    exchange_rate = MoneyField(_l("Exchange rate, KGS for 1 CHF"))
    note = _text(2000, _l("Note"))


class CloseForm(Form):
    """Closing a grant, with the unspent money returned (if any)."""

    returned_kgs = MoneyField(_l("Unspent money returned, KGS"))
    value_date = DayField(_l("Date of the return"))
    payment_order = _text(60, _l("Payment order number"))
    exchange_rate = MoneyField(_l("Exchange rate, KGS for 1 CHF"))
    note = _text(5000, _l("Note"))
    shortfall_reason = _text(5000, _l("Reason, if the actual co-financing is below the "
                                      "call's minimum"))


class SpendingRow(SubForm):
    """One budget line of a report."""

    name = _text(300, _l("Budget line"))
    budgeted = MoneyField(_l("Budgeted"))
    spent = MoneyField(_l("Spent"))


class ReportForm(Form):
    """The grantee's report: rows ``line-<i>-<cell>``, files of four kinds; ``action`` saves
    a draft or sends it."""

    narrative = TextAreaField(_l("What was done"))
    line = FieldList(FormField(SpendingRow), max_entries=MAX_LINES)
    beneficiaries = IntegerField(_l("People reached"), validators=[
        Optional(), NumberRange(min=0, max=MAX_COUNT)])
    monitoring_findings = TextAreaField(_l("Findings of the community monitoring group"))
    photo = MultipleFileField(_l("Photos"))
    procurement = MultipleFileField(_l("Procurement documents"))
    monitoring = MultipleFileField(_l("Monitoring group's findings"))
    other = MultipleFileField(_l("Other"))
    action = SelectField(choices=[("save", _l("Save the draft")),
                                  ("submit", _l("Send the report"))], default="save")

    def lines(self) -> list[SpendingLine]:
        """The budget lines typed (rows left empty are left out)."""
        return [SpendingLine((row.name.data or "").strip(), row.budgeted.data,
                             row.spent.data or Decimal(0))
                for row in (entry.form for entry in self.line)
                if (row.name.data or "").strip() or row.budgeted.data is not None
                or row.spent.data is not None]

    def files(self, kinds: tuple[str, ...]) -> list[tuple[str, str, bytes]]:
        """The uploaded files as ``(kind, filename, bytes)``."""
        return [(kind, f.filename, f.read()) for kind in kinds
                for f in (self[kind].data or ()) if f and f.filename]


class DecisionForm(Form):
    """Staff approve a sent report or return it with comments."""

    decision = SelectField(choices=[("approve", _l("Approve")),
                                    ("return", _l("Return for changes"))])
    comment = TextAreaField(_l("Comments (required to return the report)"))


class MonitoringForm(Form):
    """Staff attach the community monitoring group's findings (text, a file or both)."""

    findings = TextAreaField(_l("Findings"))
    file = FileField(_l("File"))


def pad_rows(rows: FieldList, total: int) -> None:
    """Add empty rows to the table ``rows`` until it has ``total`` (at most its maximum), to
    type into."""
    while len(rows.entries) < min(total, rows.max_entries or total):
        rows.append_entry()


def upload(field) -> tuple[str, bytes]:
    """``(filename, bytes)`` of a file field; empty when no file was sent."""
    f = field.data
    if f is None or not getattr(f, "filename", None):
        return "", b""
    return f.filename, f.read()
