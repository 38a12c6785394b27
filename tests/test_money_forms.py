"""The finance forms (gms.money.forms): bad input is refused with a message that names the
field, the page comes back (422, never a 500) with everything as typed, and nothing is
stored."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from sqlalchemy import func, select

from gms.extensions import db
from gms.money import agreements
from gms.money import models as M
from gms.money.forms import PlanForm, ReportForm, TransferForm
from gms.money.models import Grant, GrantReport, Transfer

from .test_money_core import MONEY_TOY, _login, _user, funded, make_call, people, signed

pytestmark = [pytest.mark.gms_plugins(), pytest.mark.gms_config(**MONEY_TOY)]


@pytest.fixture
def grants(app, clock):
    """An unsigned grant and a signed one, with the ids the pages need."""
    with app.app_context():
        people()
        unsigned = funded(make_call())
        grant = agreements.open_grant(unsigned, people().staff)
        active = signed(funded(make_call()))
        report = db.session.scalar(select(GrantReport.id).where(
            GrantReport.grant_id == active.id, GrantReport.kind == M.FINAL))
        return {"unsigned": grant.id, "active": active.id, "tranche": active.tranches[0].id,
                "report": report, "grantee": active.award.application.created_by_id}


@pytest.mark.parametrize(("typed", "message"), [
    ("１０００", "Enter amounts as numbers with the digits 0–9"),
    ("1e5", "Enter amounts as numbers with the digits 0–9"),
    ("1000000000000", "Enter amounts as numbers, e.g. 150000.50."),
])
def test_amounts_in_the_forms_are_ascii_digits_within_a_money_column(app, typed, message):
    with app.test_request_context(method="POST", data={
            "amount_kgs": typed, "value_date": "2026-03-01", "tranche_id": "1"}):
        form = TransferForm(meta={"csrf": False})
        assert not form.validate()
        assert form.amount_kgs.data is None and message in form.amount_kgs.errors[0]
        assert form.amount_kgs._value() == typed  # shown again as typed


@pytest.mark.parametrize("typed", ["20260301", "2026-W09-1", "٢٠٢٦-٠٣-٠١", "2026-02-30"])
def test_dates_are_year_month_day_in_ascii_digits(app, typed):
    with app.test_request_context(method="POST", data={"value_date": typed}):
        form = TransferForm(meta={"csrf": False})
        assert not form.validate()
        assert form.value_date.errors == ["Enter dates as year, month and day."]


def test_the_plan_and_the_spending_tables_read_their_rows(app):
    with app.test_request_context(method="POST", data={
            "tranches-0-percent": "60", "tranches-0-due_on": "2026-04-01",
            "tranches-1-amount": "40 000", "tranches-1-percent": "99",
            "tranches-1-requires_report": "on", "tranches-2-milestone": "nothing else"}):
        specs = PlanForm(meta={"csrf": False})
        assert specs.validate(), specs.errors
        assert [(s.percent, s.amount, s.requires_report) for s in specs.specs()] == [
            (D(60), None, False), (None, D(40000), True)]  # a typed amount wins
    with app.test_request_context(method="POST", data={
            "line-0-name": " Pipes ", "line-0-spent": "950,50", "line-3-budgeted": "10",
            "line-3-name": "Cement", "line-5-name": "", "beneficiaries": "12"}):
        report = ReportForm(meta={"csrf": False})
        assert report.validate(), report.errors
        assert [(x.line, x.budgeted, x.spent) for x in report.lines()] == [
            ("Pipes", None, D("950.50")), ("Cement", D(10), D(0))]


def test_a_bad_tranche_row_comes_back_as_typed_and_nothing_changes(app, client, grants):
    _login(client, _user(app, "staff@money.kg"))
    r = client.post(f"/finance/grants/{grants['unsigned']}/plan", data={
        "tranches-0-percent": "60", "tranches-0-milestone": "Start",
        "tranches-1-amount": "40 OOO", "tranches-1-due_on": "2026-13-01"})
    assert r.status_code == 422
    assert "Amount 2: Enter amounts as numbers with the digits 0–9" in r.text
    assert "Date 2: Enter dates as year, month and day." in r.text
    for value in ('value="60"', 'value="Start"', 'value="40 OOO"', 'value="2026-13-01"'):
        assert value in r.text, value
    with app.app_context():
        assert [t.percent for t in db.session.get(Grant, grants["unsigned"]).tranches] == [
            D(100)]


def test_a_refused_transfer_keeps_what_was_typed(app, client, grants):
    _login(client, _user(app, "finance@money.kg"))
    data = {"tranche_id": "abc", "value_date": "2026-03-01", "amount_kgs": "1 000",
            "payment_order": "PO-7", "note": "<b>first</b>"}
    r = client.post(f"/finance/grants/{grants['active']}/transfers", data=data)
    assert r.status_code == 422 and "Tranche: Enter a whole number" in r.text
    assert 'id="tr-amount" inputmode="decimal" value="1 000"' in r.text
    assert 'id="tr-order" value="PO-7"' in r.text and "&lt;b&gt;first&lt;/b&gt;" in r.text
    # a service's refusal (the date is in the future) keeps it too
    r = client.post(f"/finance/grants/{grants['active']}/transfers",
                    data={**data, "tranche_id": str(grants["tranche"]),
                          "value_date": "2099-01-01"})
    assert r.status_code == 422 and "cannot be in the future" in r.text
    assert 'id="tr-date" value="2099-01-01"' in r.text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Transfer)) == 0


def test_terms_contributions_and_closing_refuse_unknown_choices(app, client, grants):
    _login(client, _user(app, "staff@money.kg"))
    r = client.post(f"/finance/grants/{grants['unsigned']}/terms", data={
        "language": "ky", "currency": "EUR", "starts_on": "2026-04-01"})
    assert r.status_code == 422 and "Currency of the grant: Not a valid choice." in r.text
    assert 'id="t-start" value="2026-04-01"' in r.text
    r = client.post(f"/finance/grants/{grants['unsigned']}/contributions", data={
        "stage": "promised", "source": "lottery", "amount": "5000", "note": "Ашар"})
    assert r.status_code == 422 and "Source: Not a valid choice." in r.text
    assert 'value="5000"' in r.text and 'value="Ашар"' in r.text
    with app.app_context():
        grant = db.session.get(Grant, grants["unsigned"])
        assert (grant.currency, grant.language, grant.starts_on) == ("KGS", "ru", None)


def test_a_report_with_bad_lines_comes_back_and_stays_a_draft(app, client, grants):
    _login(client, _user(app, user_id=grants["grantee"]))
    r = client.post(f"/finance/my/reports/{grants['report']}", data={
        "narrative": "Pipes laid.", "line-0-name": "Pipes", "line-0-spent": "1_000",
        "line-1-name": "Cement", "line-1-budgeted": "200", "beneficiaries": "-4",
        "action": "submit"})
    assert r.status_code == 422
    assert "Spent 1: Enter amounts as numbers with the digits 0–9" in r.text
    assert "People reached: Number must be between 0 and 999999999." in r.text
    for value in ("Pipes laid.", 'value="1_000"', 'value="Cement"', 'value="200"',
                  'value="-4"'):
        assert value in r.text, value
    with app.app_context():
        report = db.session.get(GrantReport, grants["report"])
        assert (report.status, report.narrative, report.spending) == (M.DUE, None, [])


def test_a_report_decision_must_be_approve_or_return(app, client, grants):
    with app.app_context():
        report = db.session.get(GrantReport, grants["report"])
        report.status = M.SUBMITTED
        db.session.commit()
    _login(client, _user(app, "staff@money.kg"))
    r = client.post(f"/finance/reports/{grants['report']}/decide",
                    data={"decision": "maybe", "comment": "Add photos"})
    assert r.status_code == 422 and "Not a valid choice." in r.text
    assert ">Add photos</textarea>" in r.text
    r = client.post(f"/finance/reports/{grants['report']}/decide",
                    data={"decision": "return", "comment": ""})
    assert r.status_code == 422 and "Say what the grantee must change." in r.text
    with app.app_context():
        assert db.session.get(GrantReport, grants["report"]).status == M.SUBMITTED
