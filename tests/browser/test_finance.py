"""A finance officer records a transfer in the browser and sees the dashboard and the XLSX
export change (issue 5). The demo data with its money (``gms.demo.money``) at the
frozen clock; the interface in Russian, the default."""

from __future__ import annotations

import functools
import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect
from sqlalchemy import select

from gms.extensions import db
from gms.models import User
from gms.money import models as M
from gms.money.models import Grant

from .support import DEMO_PASSWORD, log_in, pdf

pytestmark = pytest.mark.browser

AMOUNT = Decimal("1234.56")


@pytest.fixture
def money(app, demo):
    """The demo's money, and one more agreement signed so a transfer can be recorded."""
    from gms.demo import money as money_demo
    from gms.money import agreements

    with app.app_context():
        money_demo.load()
        grant = db.session.scalar(select(Grant).where(Grant.status == M.UNSIGNED)
                                  .order_by(Grant.id))
        assert grant is not None, "the demo has no unsigned agreement"
        staff = db.session.scalar(select(User).where(User.email == "staff@demo.gms.kg"))
        agreements.sign(grant, grantee_signed_on=date(2026, 3, 1),
                        programme_signed_on=date(2026, 3, 2), filename="signed.pdf",
                        data=pdf("signed"), actor=staff)
        return {"grant": grant.id, "award": grant.award_id, "number": grant.number,
                "amount": Decimal(grant.amount)}


def _transferred_in_export(page, header: str) -> Decimal:
    """Download the ledger by call as XLSX and add up its "Transferred" column."""
    with page.expect_download() as info:
        page.locator("a[href$='/export/calls.xlsx']").click()
    assert info.value.suggested_filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(Path(info.value.path()).read_bytes()), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    col = list(rows[0]).index(header)
    return sum((Decimal(str(r[col] or 0)) for r in rows[1:]), Decimal(0))


def test_a_finance_officer_records_a_transfer(app, money, live_server, page, catalog):
    from flask_babel import force_locale

    from gms.i18n import money as fmt

    ru = functools.partial(catalog, "ru")
    for msgid in ("Finance", "Record the transfer", "Transferred"):
        assert ru(msgid) != msgid, f"{msgid!r} is not in Russian"
    base = live_server
    log_in(page, base, "finance@demo.gms.kg", DEMO_PASSWORD)
    page.get_by_role("banner").get_by_role("link", name=ru("Finance")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        ru("Finance: ledger and dashboard"))
    card = page.locator("#totals [data-column=transferred] strong")
    before_text = card.inner_text()
    before_export = _transferred_in_export(page, ru("Transferred"))

    # the grants register → the newly signed grant → record a transfer
    page.get_by_role("link", name=ru("Grants"), exact=True).click()
    page.locator(f"a[href$='/finance/awards/{money['award']}']").click()
    expect(page.get_by_role("heading", level=1).locator(".badge")).to_have_text(ru("active"))
    form = page.locator("#transfer-form")
    form.get_by_label(ru("Amount, KGS")).fill("1 234,56")
    form.get_by_label(ru("Payment order number")).fill("ПП-2026-0415")
    expect(form.get_by_label(ru("Local-budget account or treasury code"))).not_to_be_empty()
    form.get_by_role("button", name=ru("Record the transfer")).click()
    expect(page.locator(".flash.success")).to_have_text(ru("The transfer is recorded."))
    record = page.locator("#records tbody tr", has_text="ПП-2026-0415")
    expect(record).to_have_count(1)
    expect(record).to_contain_text(ru("transfer"))
    # the record offers a reversal, never an edit
    expect(record.get_by_text(ru("Reverse"))).to_be_visible()

    # the dashboard and the export show the new money
    page.get_by_role("banner").get_by_role("link", name=ru("Finance")).click()
    with app.test_request_context(), force_locale("ru"):
        from gms.money import ledger

        with app.app_context():
            expected = fmt(ledger.totals().transferred)
    expect(card).to_have_text(expected)
    assert card.inner_text() != before_text
    assert _transferred_in_export(page, ru("Transferred")) == before_export + AMOUNT

    with app.app_context():
        grant = db.session.get(Grant, money["grant"])
        assert grant.transferred == AMOUNT
