"""Issue 15, money findings: "never overpay" in CHF (finding 4), and from finding 14 transfer
dates, amounts typed with other digits, and lines injected into the agreement PDF.

Runs on SQLite and, in the ``services`` pass, on PostgreSQL (the CHECK constraints)."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal as D

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from gms.documents import Document, render_pdf
from gms.extensions import db
from gms.forms import DecimalField, Form, IntegerField, Optional
from gms.models import Application, Competition
from gms.money import agreement_pdf, agreements, ledger
from gms.money import models as M
from gms.money.models import Grant, Transfer
from gms.services.common import ServiceError

from .test_money_core import (
    DAY,
    MONEY_TOY,
    SCAN,
    _login,
    _user,
    funded,
    make_call,
    pay,
    people,
    signed,
)

pytestmark = [pytest.mark.gms_plugins(), pytest.mark.gms_config(**MONEY_TOY)]

AWARD = D("400000")


def _sign(grant: Grant) -> None:
    agreements.sign(grant, grantee_signed_on=DAY, programme_signed_on=DAY,
                    filename="signed.pdf", data=SCAN, actor=people().staff)


def _ledger_transferred() -> D:
    return ledger.totals().transferred


# ------------------------------------------------------------ finding 4: CHF overpayment

def test_the_chf_overpayment_of_the_issue_is_refused_through_the_pages(app, client, clock):
    """Staff switch a 400,000 KGS grant to CHF with any amount; finance types any rate and
    7,000,000,000 KGS: both are refused, and the ledger never shows more than the award."""
    with app.app_context():
        people()
        award = funded(make_call(), amount=AWARD)
        grant = agreements.open_grant(award, people().staff)
        grant_id, award_id = grant.id, award.id
    _login(client, _user(app, "staff@money.kg"))
    terms = {"language": "ru", "currency": "CHF", "recipient_account": "4402011100005821"}
    r = client.post(f"/finance/grants/{grant_id}/terms",
                    data={**terms, "amount": "70 000 000"}, follow_redirects=True)
    assert "The award is" in r.text and "70–140" in r.text
    with app.app_context():
        grant = db.session.get(Grant, grant_id)
        assert (grant.currency, grant.amount, grant.amount_kgs) == ("KGS", AWARD, AWARD)
    # a CHF amount worth the award at a rate within the band is what staff may set
    r = client.post(f"/finance/grants/{grant_id}/terms", data={**terms, "amount": "4 000"},
                    follow_redirects=True)
    assert "The agreement&#39;s terms are saved." in r.text or "terms are saved" in r.text
    with app.app_context():
        grant = db.session.get(Grant, grant_id)
        assert (grant.currency, grant.amount, grant.amount_kgs) == ("CHF", D(4000), AWARD)
        _sign(grant)
        tranche_id = grant.tranches[0].id
    client.post("/logout")
    _login(client, _user(app, "finance@money.kg"))
    transfer = {"tranche_id": str(tranche_id), "value_date": "2026-03-02",
                "payment_order": "PO-1", "recipient_account": "4402011100005821"}
    # any exchange rate: refused, naming the band
    r = client.post(f"/finance/grants/{grant_id}/transfers", data={
        **transfer, "amount_kgs": "7 000 000 000", "exchange_rate": "1750000"},
        follow_redirects=True)
    assert "The exchange rate must be between 70–140 KGS for 1 CHF" in r.text
    # a rate within the band, but the KGS amount is beyond the award
    r = client.post(f"/finance/grants/{grant_id}/transfers", data={
        **transfer, "amount_kgs": "7 000 000 000", "exchange_rate": "100"},
        follow_redirects=True)
    assert "this transfer is too large" in r.text
    # the whole award in KGS, at the top of the band: 2,857.14 CHF, within the grant
    r = client.post(f"/finance/grants/{grant_id}/transfers", data={
        **transfer, "amount_kgs": "400 000", "exchange_rate": "140"}, follow_redirects=True)
    assert "exceed" not in r.text
    # the CHF amount is not used up, but not one more som of KGS goes out
    r = client.post(f"/finance/grants/{grant_id}/transfers", data={
        **transfer, "payment_order": "PO-2", "amount_kgs": "1", "exchange_rate": "100"},
        follow_redirects=True)
    assert "The transfers would exceed the award of" in r.text
    with app.app_context():
        grant = db.session.get(Grant, grant_id)
        assert grant.transferred < grant.amount  # CHF left over ...
        assert grant.transferred_kgs == AWARD    # ... and the award in KGS reached
        assert db.session.scalar(select(func.sum(Transfer.amount_kgs))) == AWARD
        assert _ledger_transferred() == AWARD
        row = db.session.execute(ledger.by_call()).one()
        assert row.transferred <= row.awarded == AWARD
    page = client.get(f"/finance/awards/{award_id}")
    assert "Transferred in KGS" in page.text and "Between 70–140." in page.text


def test_a_chf_grant_follows_its_award_in_kgs(app_ctx, clock):
    staff = people().staff
    grant = agreements.open_grant(funded(make_call(), amount=AWARD), staff)
    kw = dict(language="ru", starts_on=None, ends_on=None, recipient_account="4402")
    for amount in ("70000000", "2857.13", "5714.29"):  # beyond 400,000 / 140 .. 400,000 / 70
        with pytest.raises(ServiceError, match="from CHF ?2,857.15 to CHF ?5,714.28"):
            agreements.set_terms(grant, staff, currency="CHF", amount=D(amount), **kw)
    agreements.set_terms(grant, staff, currency="CHF", amount=D("5714.28"), **kw)
    assert (grant.amount, grant.amount_kgs) == (D("5714.28"), AWARD)
    # back to KGS: the typed amount is ignored, the grant is the award
    agreements.set_terms(grant, staff, currency="KGS", amount=D("999999"), **kw)
    assert (grant.currency, grant.amount, grant.amount_kgs) == ("KGS", AWARD, AWARD)
    # an award changed since the terms were saved: save them again before signing
    grant.award.amount = D("300000")
    db.session.commit()
    with pytest.raises(ServiceError, match="save the agreement's terms again"):
        _sign(grant)


def test_transfers_in_chf_stop_at_the_award_in_kgs_and_the_database_agrees(app_ctx, clock):
    staff = people().staff
    grant = agreements.open_grant(funded(make_call(), amount=AWARD), staff)
    agreements.set_terms(grant, staff, language="ru", currency="CHF", amount=D("5000"),
                         starts_on=None, ends_on=None, recipient_account="4402011100005821")
    _sign(grant)
    with pytest.raises(ServiceError, match="between 70–140 KGS for 1 CHF"):
        pay(grant, "100000", exchange_rate=D("69.99"))
    with pytest.raises(ServiceError, match="between 70–140 KGS for 1 CHF"):
        pay(grant, "100000", exchange_rate=D("140.01"))
    pay(grant, "350000", exchange_rate=D("70"))        # 5,000 CHF: the grant in CHF is used up
    assert (grant.transferred, grant.transferred_kgs) == (D("5000.00"), D("350000.00"))
    reversal = db.session.scalar(select(Transfer))
    from gms.money import transfers as money

    money.reverse(reversal, value_date=DAY, payment_order="PO-R", reason="wrong rate",
                  actor=people().finance)
    assert (grant.transferred, grant.transferred_kgs) == (0, 0)
    pay(grant, "399999", exchange_rate=D("100"))
    with pytest.raises(ServiceError, match="exceed the award of"):
        pay(grant, "2", exchange_rate=D("100"))
    assert ledger.totals().transferred == D("399999.00")
    # the database refuses a KGS total beyond the award, whatever code writes it
    with pytest.raises(IntegrityError):
        db.session.execute(text("UPDATE grants SET transferred_kgs = amount_kgs + 0.01 "
                                "WHERE id = :id"), {"id": grant.id})
        db.session.flush()
    db.session.rollback()
    with pytest.raises(IntegrityError):
        db.session.execute(text("UPDATE grants SET currency = 'KGS' WHERE id = :id"),
                           {"id": grant.id})  # a KGS grant is its award in KGS
        db.session.flush()
    db.session.rollback()


def test_returns_in_kgs_stay_within_what_was_transferred_in_kgs(app_ctx, clock):
    staff = people().staff
    grant = agreements.open_grant(funded(make_call(), amount=AWARD), staff)
    agreements.set_terms(grant, staff, language="ru", currency="CHF", amount=D("4000"),
                         starts_on=None, ends_on=None, recipient_account="4402011100005821")
    _sign(grant)
    pay(grant, "100000", exchange_rate=D("100"))     # 1,000 CHF
    from gms.money import transfers as money

    with pytest.raises(ServiceError, match="More cannot be returned"):  # 800 CHF, 112,000 KGS
        money.record_return(grant, value_date=DAY, amount_kgs=D("112000"),
                            payment_order="RET-1", exchange_rate=D("140"),
                            actor=people().finance)
    money.record_return(grant, value_date=DAY, amount_kgs=D("50000"), payment_order="RET-1",
                        exchange_rate=D("100"), actor=people().finance)
    assert (grant.returned, grant.returned_kgs) == (D("500.00"), D("50000.00"))


# ------------------------------------------------------------- finding 14: transfer dates

def test_a_transfer_dated_0001_01_01_is_refused(app, client, clock):
    with app.app_context():
        grant = signed(funded(make_call()))
        grant_id, tranche_id = grant.id, grant.tranches[0].id
    _login(client, _user(app, "finance@money.kg"))
    data = {"tranche_id": str(tranche_id), "payment_order": "PO-1", "amount_kgs": "1000",
            "recipient_account": "4402011100005821"}
    r = client.post(f"/finance/grants/{grant_id}/transfers",
                    data={**data, "value_date": "0001-01-01"}, follow_redirects=True)
    assert "The date 0001-01-01 is too early: give a date from 2026-01-01 on." in r.text
    r = client.post(f"/finance/grants/{grant_id}/transfers",
                    data={**data, "value_date": "2099-01-01"}, follow_redirects=True)
    assert "cannot be in the future" in r.text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Transfer)) == 0
    r = client.post(f"/finance/grants/{grant_id}/transfers",
                    data={**data, "value_date": "2026-03-02"}, follow_redirects=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Transfer)) == 1


def test_implausible_signature_and_project_dates_are_refused(app_ctx, clock):
    staff = people().staff
    grant = agreements.open_grant(funded(make_call()), staff)
    with pytest.raises(ServiceError, match="too early"):
        agreements.sign(grant, grantee_signed_on=date(1, 1, 1), programme_signed_on=DAY,
                        filename="s.pdf", data=SCAN, actor=staff)
    with pytest.raises(ServiceError, match="project period"):
        agreements.set_terms(grant, staff, language="ru", currency="KGS", amount=None,
                             starts_on=date(1, 1, 1), ends_on=date(2026, 6, 1),
                             recipient_account="4402")
    assert grant.status == M.UNSIGNED and grant.starts_on is None


# ----------------------------------------------------------- finding 14: typed amounts

class AmountForm(Form):
    amount = DecimalField("Amount", places=None, validators=[Optional()])
    count = IntegerField("Count", validators=[Optional()])


@pytest.mark.parametrize("typed", ["１０００", "١٠٠", "1_000", "1e5", "NaN", "1,000.50", "²"])
def test_other_digits_underscores_and_exponents_are_refused(app, typed):
    with app.test_request_context(method="POST", data={"amount": typed, "count": typed}):
        form = AmountForm(meta={"csrf": False})
        assert not form.validate()
        assert form.amount.data is None and form.count.data is None
        assert "digits 0–9" in form.amount.errors[0]
        assert "whole number with the digits 0–9" in form.count.errors[0]


@pytest.mark.parametrize(("typed", "value"), [
    ("1 000,50", D("1000.50")), ("1\u00a0000.50", D("1000.50")), ("1\u202f000", D(1000)),
    ("1\u2009000", D(1000)), ("250000", D(250000)), ("0,5", D("0.5")), ("", None)])
def test_ascii_digits_with_spaces_and_a_decimal_comma_are_read(app, typed, value):
    with app.test_request_context(method="POST", data={"amount": typed}):
        form = AmountForm(meta={"csrf": False})
        assert form.validate(), form.errors
        assert form.amount.data == value


def test_the_plugins_application_forms_read_amounts_the_same_way(app):
    """The plugins' forms use the core's number fields (``AnswerDecimalField``)."""
    from plugins.local_initiative.forms import MunicipalForm
    from plugins.small_grants.forms import SmallGrantsForm

    for form_class in (SmallGrantsForm, MunicipalForm):
        for typed, ok in (("１０００", False), ("١٠٠", False), ("1_000", False),
                          ("1 000,50", True)):
            with app.test_request_context(method="POST", data={"requested_amount": typed}):
                form = form_class(meta={"csrf": False})
                form.validate()
                field = form.requested_amount
                if ok:
                    assert field.data == D("1000.50"), (form_class, typed, field.errors)
                else:
                    assert field.data is None and any("digits 0–9" in e for e in field.errors)


def test_finance_amounts_in_other_digits_are_refused(app, client, clock):
    with app.app_context():
        grant = signed(funded(make_call()))
        grant_id, tranche_id = grant.id, grant.tranches[0].id
    _login(client, _user(app, "finance@money.kg"))
    data = {"tranche_id": str(tranche_id), "payment_order": "PO-1", "value_date": "2026-03-02",
            "recipient_account": "4402011100005821"}
    for typed in ("１０００", "١٠٠", "1_000"):
        r = client.post(f"/finance/grants/{grant_id}/transfers",
                        data={**data, "amount_kgs": typed}, follow_redirects=True)
        assert "Enter amounts as numbers with the digits 0–9" in r.text, typed
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Transfer)) == 0
    client.post(f"/finance/grants/{grant_id}/transfers",
                data={**data, "amount_kgs": "1 000,50"}, follow_redirects=True)
    with app.app_context():
        assert db.session.scalar(select(Transfer.amount_kgs)) == D("1000.50")


# ------------------------------------------------------- finding 14: the agreement PDF

def _pdf_lines(data: bytes) -> list[str]:
    return [" ".join(line.split()) for page in PdfReader(io.BytesIO(data)).pages
            for line in page.extract_text().splitlines() if line.strip()]


def test_newlines_in_a_title_do_not_inject_headings_or_signature_lines(app_ctx, clock):
    grant = agreements.open_grant(funded(make_call()), people().staff)
    application = db.session.get(Application, grant.award.application_id)
    application.title = "Water\n\nSIGNATURES\n~ Signed for the bank\n## Annex\n| x | y |"
    call = db.session.get(Competition, application.competition_id)
    call.title = {"en": "Toy call", "ru": "## ИНЪЕКЦИЯ\n~ Подпись"}
    db.session.commit()
    data = agreement_pdf.agreement_pdf(grant, "ru")
    lines = _pdf_lines(data)
    assert not any(line in ("SIGNATURES", "## ИНЪЕКЦИЯ", "ИНЪЕКЦИЯ", "Annex")
                   for line in lines), lines
    joined = " ".join(lines)
    assert "Water SIGNATURES ~ Signed for the bank ## Annex | x | y |" in joined
    assert "## ИНЪЕКЦИЯ ~ Подпись" in joined
    # the template's own two signature lines, no more
    assert sum(line.count("_______________________") for line in lines) == 2
    pdf = PdfReader(io.BytesIO(data))
    assert "\n" not in (pdf.metadata.title or "")


def test_documents_keep_single_line_blocks_on_one_line():
    doc = (Document("Diploma\n~ forged").heading("Place 1\n## Injected")
           .paragraph("First line\nsecond line")
           .table(["a\nb"], [["c\n~ d"]]).signatures("Chair\n~ Treasurer"))
    lines = _pdf_lines(render_pdf(doc))
    assert lines[0] == "Diploma ~ forged"
    assert "Place 1 ## Injected" in lines and "Chair ~ Treasurer" in " ".join(lines)
    assert "First line" in lines and "second line" in lines  # body text keeps its lines
    assert sum(line.count("_______________________") for line in lines) == 1


def test_a_diploma_prints_a_title_with_newlines_on_its_line(app):
    from plugins.local_initiative.diplomas import DIPLOMA, AwardFacts, document_for

    with app.test_request_context():
        doc = document_for(AwardFacts(
            kind=DIPLOMA, call_title="Contest\n## Forged", applicant="Ak-Suu\n~ Treasurer",
            entry_title="Park\n\nSIGNATURES", number="LI-1", published_on=date(2026, 3, 1),
            place=1, nomination="Youth\n~ x"))
        texts = [block[1] for block in doc.blocks if block[0] == "p"]  # (headings: PDF)
        assert not any("\n" in t for t in texts), texts
        lines = _pdf_lines(render_pdf(doc))
    assert "SIGNATURES" not in lines and "Treasurer" not in lines
    assert "I place in the nomination “Youth ~ x”" in lines
    assert sum(line.count("_______________________") for line in lines) == 2


def test_the_migration_bounds_the_kgs_totals_on_sqlite_too(make_app, tmp_path):
    """On SQLite the migration adds the KGS bounds as triggers (a CHECK would need a copy of
    the table, which the foreign keys of its rows forbid): an UPDATE beyond them fails."""
    import sqlite3

    import flask_migrate

    path = tmp_path / "migrated.sqlite3"
    migrated = make_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with migrated.app_context():
        flask_migrate.upgrade(revision="bd14449971a4")
        db.engine.dispose()
    conn = sqlite3.connect(path)
    conn.execute(
        "INSERT INTO grants (id, award_id, status, number, language, currency, amount, "
        "transferred, returned, opened_by_id, opened_at, amount_kgs, transferred_kgs, "
        "returned_kgs) VALUES (1, 1, 'active', 'AGR-1', 'ru', 'CHF', 4000, 0, 0, 1, "
        "'2026-03-01 00:00:00', 400000, 0, 0)")
    for sql in ("UPDATE grants SET transferred_kgs = 400000.01",
                "UPDATE grants SET transferred_kgs = 100, returned_kgs = 101",
                "UPDATE grants SET currency = 'KGS'"):
        with pytest.raises(sqlite3.IntegrityError, match="KGS totals"):
            conn.execute(sql)
    conn.execute("UPDATE grants SET transferred_kgs = 400000")
    conn.close()
