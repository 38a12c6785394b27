"""From award to money: agreements, payment plans, transfers, reversals, co-financing,
reports, closing and the ledger (issue 5). Runs on SQLite and, in CI's second pass, on
PostgreSQL; the concurrent-transfer test is in test_money_concurrency.py."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal as D
from types import SimpleNamespace

import pytest
from pypdf import PdfReader
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from gms.evaluation.models import Award
from gms.extensions import db
from gms.hooks import hookimpl
from gms.models import Application, Competition, OutboxMessage, User
from gms.money import agreement_pdf, agreements, ledger
from gms.money import models as M
from gms.money import reports as grant_reports
from gms.money import transfers as money
from gms.money.models import Contribution, Grant, GrantReport, Transfer
from gms.services.common import ServiceError
from gms.services.territories import load_reference

from .helpers import make_org, make_user
from .toy_competition import ToyCompetition, ToyPlugin

SOATE_A, SOATE_B = "41708203814000", "41704220808000"  # Chui and Naryn oblasts
SCAN = b"%PDF-1.4\n% signed agreement scan\n%%EOF\n"
DAY = date(2026, 3, 1)


class MoneyToy(ToyCompetition):
    """The toy type with a payment plan read from a call setting, as a plugin would."""

    def payment_plan(self, competition):
        first = competition.settings.get("first_tranche_percent")
        if not first:
            return super().payment_plan(competition)
        first = D(str(first))
        return [(first, False), (D(100) - first, True)]


class MoneyToyPlugin(ToyPlugin):
    @hookimpl
    def gms_register_competition_types(self):
        return [MoneyToy()]


MONEY_TOY = {"EXTRA_PLUGINS": {"toy": MoneyToyPlugin()}, "BABEL_DEFAULT_LOCALE": "en"}
pytestmark = [pytest.mark.gms_plugins(), pytest.mark.gms_config(**MONEY_TOY)]


# ------------------------------------------------------------------------------ helpers

_seq = iter(range(1, 10_000))


def people() -> SimpleNamespace:
    """Staff, a finance officer and the reference list (once per test database)."""
    if not db.session.scalar(select(func.count()).select_from(User).where(
            User.email == "staff@money.kg")):
        load_reference()
        make_user("staff", "staff@money.kg")
        make_user("finance", "finance@money.kg")
    get = lambda email: db.session.scalar(select(User).where(User.email == email))  # noqa: E731
    return SimpleNamespace(staff=get("staff@money.kg"), finance=get("finance@money.kg"))


def make_call(*, budget=D("1000000"), settings=None, status="published", organiser=None
              ) -> Competition:
    now = datetime(2026, 1, 10, 4, 0, tzinfo=UTC)
    call = Competition(type_key="toy", status=status, title={"en": "Toy call", "ru": "Конкурс"},
                       budget=budget, opens_at=now - timedelta(days=30), deadline_at=now,
                       settings=settings or {}, published_at=now + timedelta(days=20),
                       organiser_id=organiser.id if organiser else None)
    db.session.add(call)
    db.session.commit()
    return call


def funded(call: Competition, *, amount=D("100000"), soate=SOATE_A) -> Award:
    """A funded award of ``call`` to a new municipality (and its applicant user)."""
    ids = people()
    n = next(_seq)
    org = make_org(soate=soate)
    grantee = make_user("applicant", f"grantee{n}@money.kg", org)
    application = Application(competition_id=call.id, organisation_id=org.id,
                              number=f"TOY-{n:04d}", status="funded", title=f"Water main {n}",
                              requested_amount=amount, created_by_id=grantee.id,
                              submitted_at=call.deadline_at - timedelta(days=1))
    db.session.add(application)
    db.session.flush()
    award = Award(competition_id=call.id, application_id=application.id, outcome="funded",
                  amount=amount, rank=n, decided_by_id=ids.staff.id,
                  decided_at=call.deadline_at + timedelta(days=10))
    db.session.add(award)
    db.session.commit()
    return award


def signed(award: Award, **promised) -> Grant:
    """Open the grant, record promised co-financing, sign it (scan, both dates)."""
    ids = people()
    grant = agreements.open_grant(award, ids.staff)
    for source, amount in promised.items():
        agreements.add_contribution(grant, stage=M.PROMISED, source=source, amount=D(amount),
                                    note="", actor=ids.staff)
    agreements.sign(grant, grantee_signed_on=DAY, programme_signed_on=DAY,
                    filename="signed.pdf", data=SCAN, actor=ids.staff)
    return grant


def pay(grant: Grant, amount, tranche: int = 1, **kw) -> Transfer:
    t = next(t for t in grant.tranches if t.number == tranche)
    return money.record_transfer(
        grant, tranche_id=t.id, value_date=kw.pop("value_date", DAY), amount_kgs=D(amount),
        payment_order=kw.pop("payment_order", f"PO-{next(_seq)}"),
        recipient_account=kw.pop("recipient_account", "4402011100005821"),
        actor=people().finance, **kw)


def approve(report: GrantReport, spent="0") -> None:
    ids = people()
    grantee = report.grant.award.application.created_by
    grant_reports.save(report, narrative="Pipes laid.", lines=[
        grant_reports.SpendingLine("Pipes", D(spent), D(spent))], beneficiaries=120,
        monitoring_findings="", files=[], user=grantee, submit=True)
    grant_reports.decide(report, approve=True, comment="", staff=ids.staff)


# ------------------------------------------------------------------- agreements, plans

def test_an_unsigned_award_cannot_receive_money(app_ctx, clock):
    call = make_call()
    award = funded(call)
    grant = agreements.open_grant(award, people().staff)
    assert grant.status == M.UNSIGNED and grant.number == f"AGR-{award.application.number}"
    assert [(t.percent, t.amount, t.requires_report) for t in grant.tranches] == [
        (D(100), D("100000.00"), False)]  # the base type's default: one transfer
    with pytest.raises(ServiceError, match="unsigned award cannot receive money"):
        pay(grant, "1000")
    with pytest.raises(ServiceError, match="unsigned award"):
        money.release_tranche(grant.tranches[0], people().finance)
    assert db.session.scalar(select(func.count()).select_from(Transfer)) == 0

    # a signature needs both dates and a scan that really is a PDF or an image
    with pytest.raises(ServiceError, match="dates both parties"):
        agreements.sign(grant, grantee_signed_on=None, programme_signed_on=DAY,
                        filename="s.pdf", data=SCAN, actor=people().staff)
    with pytest.raises(ServiceError, match="not a PDF or an image"):
        agreements.sign(grant, grantee_signed_on=DAY, programme_signed_on=DAY,
                        filename="s.pdf", data=b"MZ\x90\x00 not a pdf", actor=people().staff)
    with pytest.raises(ServiceError, match="future"):
        agreements.sign(grant, grantee_signed_on=DAY + timedelta(days=3),
                        programme_signed_on=DAY, filename="s.pdf", data=SCAN,
                        actor=people().staff)
    assert grant.status == M.UNSIGNED
    agreements.sign(grant, grantee_signed_on=DAY, programme_signed_on=DAY,
                    filename="s.pdf", data=SCAN, actor=people().staff)
    assert grant.status == M.ACTIVE and agreements.signed_scan(grant).sha256
    pay(grant, "100000")
    assert grant.transferred == D("100000.00")


def test_only_funded_awards_of_decided_calls_get_an_agreement(app_ctx, clock):
    award = funded(make_call(status="evaluation"))
    with pytest.raises(ServiceError, match="after the decision"):
        agreements.open_grant(award, people().staff)
    award = funded(make_call())
    award.outcome, award.amount = "reserve", D(0)
    db.session.commit()
    with pytest.raises(ServiceError, match="Only a funded award"):
        agreements.open_grant(award, people().staff)


def test_the_plan_comes_from_the_call_setting_and_can_be_changed_until_signed(app_ctx, clock):
    call = make_call(settings={"first_tranche_percent": 70})
    grant = agreements.open_grant(funded(call, amount=D("333333.33")), people().staff)
    assert [(t.percent, t.amount, t.requires_report) for t in grant.tranches] == [
        (D(70), D("233333.33"), False), (D(30), D("100000.00"), True)]
    assert sum(t.amount for t in grant.tranches) == grant.amount

    staff = people().staff
    with pytest.raises(ServiceError, match="add up to"):
        agreements.set_plan(grant, [agreements.TrancheSpec(amount=D(1000))], staff)
    agreements.set_plan(grant, [
        agreements.TrancheSpec(percent=D(40), due_on=date(2026, 4, 1)),
        agreements.TrancheSpec(percent=D(40), milestone="Pipes delivered",
                               requires_report=True),
        agreements.TrancheSpec(percent=D(20), requires_report=True)], staff)
    assert [t.amount for t in grant.tranches] == [D("133333.33"), D("133333.33"),
                                                  D("66666.67")]
    agreements.set_terms(grant, staff, language="ky", currency="KGS", amount=None,
                         starts_on=date(2026, 3, 1), ends_on=date(2026, 12, 31),
                         recipient_account="4402011100005821")
    signed_grant = agreements.sign(grant, grantee_signed_on=DAY, programme_signed_on=DAY,
                                   filename="s.png", data=b"\x89PNG\r\n\x1a\nxxxx",
                                   actor=staff)
    assert signed_grant is None and grant.status == M.ACTIVE
    reports = grant_reports.reports_of(grant)
    assert sorted((r.kind, r.due_on) for r in reports) == [
        ("final", date(2026, 12, 31)), ("progress", None), ("progress", None)]
    with pytest.raises(ServiceError, match="signed"):
        agreements.set_plan(grant, [agreements.TrancheSpec(percent=D(100))], staff)


def test_agreement_pdf_in_kyrgyz_and_russian(app_ctx, clock):
    call = make_call(settings={"first_tranche_percent": 70})
    grant = agreements.open_grant(funded(call), people().staff)
    texts = {}
    for lang in ("ru", "ky"):
        data = agreement_pdf.agreement_pdf(grant, lang)
        assert data.startswith(b"%PDF-")
        texts[lang] = " ".join(" ".join(p.extract_text().split())
                               for p in PdfReader(io.BytesIO(data)).pages)
        assert grant.number in texts[lang] and "Water main" in texts[lang]
    assert texts["ru"] != texts["ky"]
    with app_ctx.test_request_context():
        from flask_babel import force_locale, gettext

        for lang in ("ru", "ky"):
            with force_locale(lang):
                assert gettext("Payment schedule") in texts[lang]


def test_document_lines_become_blocks():
    doc = agreement_pdf.document_from_text(
        "= Title\nfirst line\nsecond line\n\n## Head\n| a | b |\n| 1 | 2 |\n~ One\n~ Two\n")
    assert doc.title == "Title"
    assert doc.blocks == [("p", "first line second line"), ("h", "Head"),
                          ("table", ["a", "b"], [["1", "2"]]), ("sign", ("One", "Two"))]


# ----------------------------------------------------------------- tranches and reports

def test_a_report_gated_tranche_is_released_only_after_the_report_is_approved(app_ctx, clock):
    call = make_call(settings={"first_tranche_percent": 70})
    grant = signed(funded(call))
    first, second = grant.tranches
    finance = people().finance
    with pytest.raises(ServiceError, match="Release tranche 1 first"):
        money.release_tranche(second, finance)
    pay(grant, "70000", tranche=1)
    assert first.released_at is not None
    with pytest.raises(ServiceError, match="only after its progress report is approved"):
        money.release_tranche(second, finance)
    with pytest.raises(ServiceError, match="only after its progress report is approved"):
        pay(grant, "30000", tranche=2)

    report = money.report_for(second)
    grantee = grant.award.application.created_by
    grant_reports.save(report, narrative="Half the pipe is laid.", lines=[
        grant_reports.SpendingLine("Pipe", D("70000"), D("68000"))], beneficiaries=800,
        monitoring_findings="Checked on site.",
        files=[("photo", "site.jpg", b"\xff\xd8\xff\xe0jpeg")], user=grantee, submit=True)
    with pytest.raises(ServiceError, match="only after its progress report is approved"):
        pay(grant, "30000", tranche=2)  # sent, not approved
    grant_reports.decide(report, approve=False, comment="Add the invoices.",
                         staff=people().staff)
    assert report.status == M.RETURNED
    with pytest.raises(ServiceError, match="only after"):
        money.release_tranche(second, finance)
    grant_reports.save(report, narrative="Half the pipe is laid; invoices attached.",
                       lines=[grant_reports.SpendingLine("Pipe", D("70000"), D("68000"))],
                       beneficiaries=800, monitoring_findings="",
                       files=[("procurement", "invoice.pdf", SCAN)], user=grantee, submit=True)
    grant_reports.decide(report, approve=True, comment="", staff=people().staff)
    money.release_tranche(second, finance)
    pay(grant, "30000", tranche=2)
    assert grant.transferred == grant.amount
    subjects = db.session.scalars(select(OutboxMessage.subject)).all()
    assert any("needs changes" in s for s in subjects)
    assert any("was approved" in s for s in subjects)


def test_transfers_never_exceed_the_tranche_or_the_award(app_ctx, clock):
    call = make_call()
    grant = signed(funded(call, amount=D("50000")))
    pay(grant, "30000")
    with pytest.raises(ServiceError, match="too large"):
        pay(grant, "20000.01")
    pay(grant, "20000")
    assert grant.transferred == D("50000.00")
    with pytest.raises(ServiceError):
        pay(grant, "0.01")
    with pytest.raises(ServiceError, match="future"):
        pay(grant, "1", value_date=clock().date() + timedelta(days=2))

    # the database itself refuses a running total above the award (the CHECK constraint)
    with pytest.raises(IntegrityError):
        db.session.execute(text("UPDATE grants SET transferred = amount + 0.01 WHERE id = :id"),
                           {"id": grant.id})
        db.session.flush()
    db.session.rollback()
    with pytest.raises(IntegrityError):
        db.session.execute(update(Grant).where(Grant.id == grant.id)
                           .values(transferred=Grant.transferred + 1))
    db.session.rollback()


def test_money_records_are_reversed_never_edited_or_deleted(app_ctx, clock):
    call = make_call()
    grant = signed(funded(call))
    record = pay(grant, "40000")
    record_id = record.id

    record.amount_kgs = D("4000")
    with pytest.raises(M.ImmutableRecord):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(Transfer, record_id))
    with pytest.raises(M.ImmutableRecord):
        db.session.flush()
    db.session.rollback()
    with pytest.raises(M.ImmutableRecord):
        db.session.execute(update(Transfer).where(Transfer.id == record_id)
                           .values(amount_kgs=D(1)))
    with pytest.raises(M.ImmutableRecord):
        db.session.execute(delete(Transfer).where(Transfer.id == record_id))
    db.session.rollback()
    # past the ORM: the database's triggers refuse as well
    for statement in ("UPDATE transfers SET amount_kgs = 1 WHERE id = :id",
                      "DELETE FROM transfers WHERE id = :id"):
        with pytest.raises(DBAPIError, match="money records cannot be changed"):
            db.session.execute(text(statement), {"id": record_id})
        db.session.rollback()

    record = db.session.get(Transfer, record_id)
    grant = db.session.get(Grant, grant.id)
    assert record.amount_kgs == D("40000.00") and grant.transferred == D("40000.00")
    finance = people().finance
    with pytest.raises(ServiceError, match="reason"):
        money.reverse(record, value_date=DAY, payment_order="PO-R1", reason=" ",
                      actor=finance)
    reversal = money.reverse(record, value_date=DAY, payment_order="PO-R1",
                             reason="Wrong account", actor=finance)
    assert (reversal.amount_kgs, reversal.reverses_id) == (D("-40000.00"), record_id)
    assert grant.transferred == D("0.00")
    with pytest.raises(ServiceError, match="already reversed"):
        money.reverse(record, value_date=DAY, payment_order="PO-R2", reason="again",
                      actor=finance)
    with pytest.raises(ServiceError, match="cannot itself be reversed"):
        money.reverse(reversal, value_date=DAY, payment_order="PO-R3", reason="undo",
                      actor=finance)
    pay(grant, "40000", recipient_account="4402011100009999")
    assert grant.transferred == D("40000.00")
    assert db.session.scalar(select(func.sum(Transfer.amount_kgs))) == D("40000.00")
    # a reversal row can only carry a negative amount
    with pytest.raises(IntegrityError):
        db.session.add(Transfer(grant_id=grant.id, kind="transfer", value_date=DAY,
                                amount_kgs=D(5), amount=D(5), payment_order="x",
                                recipient_account="y", reverses_id=reversal.id,
                                recorded_by_id=finance.id))
        db.session.flush()
    db.session.rollback()


def test_a_grant_set_in_chf_records_the_exchange_rate(app_ctx, clock):
    grant = agreements.open_grant(funded(make_call(), amount=D("1000000")), people().staff)
    agreements.set_terms(grant, people().staff, language="ru", currency="CHF",
                         amount=D("10000"), starts_on=None, ends_on=None,
                         recipient_account="4402011100005821")
    assert grant.tranches[0].amount == D("10000.00")
    agreements.sign(grant, grantee_signed_on=DAY, programme_signed_on=DAY,
                    filename="s.pdf", data=SCAN, actor=people().staff)
    with pytest.raises(ServiceError, match="exchange rate"):
        pay(grant, "500000")
    record = pay(grant, "500000", exchange_rate=D("100.5"))
    assert (record.amount, record.exchange_rate) == (D("4975.12"), D("100.5"))
    assert grant.transferred == D("4975.12")
    with pytest.raises(ServiceError, match="too large"):
        pay(grant, "600000", exchange_rate=D("100"))


def test_cofinancing_minimum_at_signing_and_at_closing(app_ctx, clock):
    call = make_call(settings={"min_cofinancing_percent": "10"})
    award = funded(call, amount=D("90000"))
    grant = agreements.open_grant(award, people().staff)
    staff, finance = people().staff, people().finance
    agreements.add_contribution(grant, stage=M.PROMISED, source="local_budget",
                                amount=D("5000"), note="", actor=staff)
    with pytest.raises(ServiceError, match="at least 10"):
        agreements.sign(grant, grantee_signed_on=DAY, programme_signed_on=DAY,
                        filename="s.pdf", data=SCAN, actor=staff)
    agreements.add_contribution(grant, stage=M.PROMISED, source="labour", amount=D("5000"),
                                note="", actor=staff)
    assert agreements.cofinancing(grant, M.PROMISED) == (D("10000.00"), D("10.00"))
    agreements.sign(grant, grantee_signed_on=DAY, programme_signed_on=DAY,
                    filename="s.pdf", data=SCAN, actor=staff)
    with pytest.raises(ServiceError, match="before the agreement is signed"):
        agreements.add_contribution(grant, stage=M.PROMISED, source="labour", amount=D(1),
                                    note="", actor=staff)
    agreements.add_contribution(grant, stage=M.ACTUAL, source="local_budget",
                                amount=D("6000"), note="", actor=finance)
    pay(grant, "90000")
    final = next(r for r in grant_reports.reports_of(grant) if r.kind == M.FINAL)
    with pytest.raises(ServiceError, match="final report"):
        money.close(grant, returned_kgs=None, value_date=None, actor=finance)
    approve(final, spent="85000")
    with pytest.raises(ServiceError, match="below the call's minimum"):
        money.close(grant, returned_kgs=D("5000"), value_date=DAY, payment_order="RET-1",
                    actor=finance)
    assert grant.status == M.ACTIVE and grant.returned == 0
    with pytest.raises(ServiceError, match="More cannot be returned"):
        money.close(grant, returned_kgs=D("90000.01"), value_date=DAY, payment_order="RET-1",
                    shortfall_reason="The council cut its budget.", actor=finance)
    money.close(grant, returned_kgs=D("5000"), value_date=DAY, payment_order="RET-1",
                shortfall_reason="The council cut its budget.", actor=finance)
    assert (grant.status, grant.returned) == (M.CLOSED, D("5000.00"))
    with pytest.raises(ServiceError, match="closed"):
        pay(grant, "1")


def test_reminders_before_the_due_date_once_a_day(app_ctx, clock):
    call = make_call(settings={"first_tranche_percent": 50})
    grant = agreements.open_grant(funded(call), people().staff)
    agreements.set_plan(grant, [
        agreements.TrancheSpec(percent=D(50)),
        agreements.TrancheSpec(percent=D(50), due_on=date(2026, 3, 6), requires_report=True)],
        people().staff)
    agreements.set_terms(grant, people().staff, language="ru", currency="KGS", amount=None,
                         starts_on=date(2026, 3, 1), ends_on=date(2026, 6, 30),
                         recipient_account="4402")
    agreements.sign(grant, grantee_signed_on=DAY, programme_signed_on=DAY,
                    filename="s.pdf", data=SCAN, actor=people().staff)
    now = clock.set(datetime(2026, 2, 20, 4, 0, tzinfo=UTC))
    assert grant_reports.send_reminders(now) == 0  # 14 days before: too early
    now = clock.set(datetime(2026, 3, 2, 4, 0, tzinfo=UTC))
    assert grant_reports.send_reminders(now) == 1  # the progress report, due in 4 days
    assert grant_reports.send_reminders(now) == 0  # once a day
    clock.advance(days=6)  # overdue now: the Celery beat task reminds again
    task = app_ctx.extensions["celery"].tasks["gms.report_reminders"]
    assert task.delay().get() == 1
    subjects = db.session.scalars(select(OutboxMessage.subject).order_by(OutboxMessage.id))
    assert [s for s in subjects if "report" in s] == [
        f"Reminder: a report on grant {grant.award.application.number} is due",
        f"A report on grant {grant.award.application.number} is overdue"]


# -------------------------------------------------------------------------- the ledger

def _python_ledger() -> dict:
    """The ledger recomputed in Python from every record, per call."""
    out: dict[int, dict] = {}
    calls = db.session.scalars(select(Competition).where(
        Competition.status.in_(ledger.LEDGER_STATUSES))).all()
    for call in calls:
        row = dict.fromkeys(ledger.COLUMNS, D(0))
        row["envelope"] = D(call.budget)
        committed = D(0)
        for award in db.session.scalars(select(Award).where(
                Award.competition_id == call.id, Award.outcome == "funded")):
            grant = agreements.grant_of(award)
            row["awarded"] += award.amount
            records = db.session.scalars(select(Transfer).where(
                Transfer.grant_id == grant.id)).all() if grant else []
            paid = sum((t.amount_kgs for t in records if t.kind == "transfer"), D(0))
            back = sum((t.amount_kgs for t in records if t.kind == "return"), D(0))
            row["transferred"] += paid
            row["returned"] += back
            if grant is not None:
                if grant.status in ("active", "closed"):
                    row["signed"] += award.amount
                row["cofinanced"] += sum((c.amount for c in db.session.scalars(select(
                    Contribution).where(Contribution.grant_id == grant.id,
                                        Contribution.stage == "actual"))), D(0))
                row["reported"] += sum((r.spent_total for r in grant_reports.reports_of(grant)
                                        if r.status == "approved"), D(0))
            committed += (paid - back) if grant and grant.status == "closed" else award.amount
        row["available"] = row["envelope"] - committed
        out[call.id] = row
    return out


def build_ledger_data() -> dict:
    """Two calls (programme and a municipality's own), grants in every state."""
    staff, finance = people().staff, people().finance
    first = make_call(budget=D("1000000"), settings={"first_tranche_percent": 70})
    own = make_call(budget=D("300000"), organiser=make_org(soate=SOATE_B))
    make_call(status="evaluation")  # not decided: no ledger row
    unsigned = agreements.open_grant(funded(first, amount=D("120000")), staff)
    active = signed(funded(first, amount=D("200000.50"), soate=SOATE_B))
    pay(active, "130000.35")
    reversed_record = pay(active, "100")
    money.reverse(reversed_record, value_date=DAY, payment_order="PO-R", reason="twice",
                  actor=finance)
    agreements.add_contribution(active, stage=M.ACTUAL, source="community_cash",
                                amount=D("12345.67"), note="", actor=finance)
    closed = signed(funded(own, amount=D("90000")))
    pay(closed, "90000")
    approve(next(r for r in grant_reports.reports_of(closed) if r.kind == M.FINAL),
            spent="81000.10")
    money.close(closed, returned_kgs=D("8999.90"), value_date=DAY, payment_order="RET-9",
                actor=finance)
    funded(own, amount=D("50000"))  # funded, no agreement yet
    return {"first": first.id, "own": own.id, "unsigned": unsigned.id}


def test_the_ledgers_totals_equal_the_sum_of_the_records(app_ctx, clock):
    ids = build_ledger_data()
    expected = _python_ledger()
    rows = {row[0].id: dict(row._mapping) for row in db.session.execute(ledger.by_call())}
    assert set(rows) == set(expected) == {ids["first"], ids["own"]}
    for call_id, want in expected.items():
        got = {c: D(rows[call_id][c]) for c in ledger.COLUMNS}
        assert got == want, call_id
    assert expected[ids["own"]]["available"] == D("300000") - D("50000") - D("81000.10")
    totals = ledger.totals()
    for c in ledger.COLUMNS:
        assert getattr(totals, c) == sum(row[c] for row in expected.values()), c
    assert totals.transferred == db.session.scalar(select(func.sum(Transfer.amount_kgs)).where(
        Transfer.kind == "transfer"))

    funds = db.session.execute(ledger.by_fund()).all()
    assert [r.fund_id is None for r in funds] == [True, False]
    for c in ledger.COLUMNS:
        assert sum(D(getattr(r, c)) for r in funds) == getattr(totals, c), c
    oblasts = {r.oblast: r for r in db.session.execute(ledger.by_oblast())}
    assert set(oblasts) == {"Чуйская область", "Нарынская область"}
    for c in ledger.MONEY_COLUMNS:
        assert sum(D(getattr(r, c)) for r in oblasts.values()) == getattr(totals, c), c
    months = ledger.monthly()
    assert [(y, m) for y, m, _t, _r in months] == [(2026, 3)]
    assert months[0][2] == totals.transferred and months[0][3] == totals.returned


# ---------------------------------------------------------------------------- the web

def _login(client, user: User):
    from gms.testing import login

    login(client, user, "correct horse battery")


@pytest.fixture
def web(app, clock):
    """Ledger data, and the users' e-mails, for the HTTP tests."""
    with app.app_context():
        build_ledger_data()
        grant = db.session.scalar(select(Grant).where(Grant.status == M.ACTIVE))
        return SimpleNamespace(grant=grant.id, award=grant.award_id,
                               tranche=grant.tranches[0].id,
                               grantee=grant.award.application.created_by_id)


def _user(app, email=None, user_id=None) -> User:
    with app.app_context():
        user = db.session.get(User, user_id) if user_id else db.session.scalar(
            select(User).where(User.email == email))
        db.session.expunge(user)
        return user


def test_finance_officer_records_a_transfer_and_the_ledger_and_exports_change(
        app, client, web, query_counter):
    from openpyxl import load_workbook

    finance = _user(app, "finance@money.kg")
    _login(client, finance)
    with query_counter() as q:
        page = client.get("/finance/")
    assert page.status_code == 200 and "Finance: ledger and dashboard" in page.text
    assert q.count <= 14, str(q)
    before = load_workbook(io.BytesIO(client.get("/finance/export/calls.xlsx").data)).active
    header = [c.value for c in next(before.iter_rows())]
    col = header.index("Transferred")
    transferred = sum(row[col].value for row in before.iter_rows(min_row=2))

    r = client.post(f"/finance/grants/{web.grant}/transfers", data={
        "tranche_id": web.tranche, "value_date": "2026-03-02", "amount_kgs": "9 999,65",
        "payment_order": "PO-WEB-1", "recipient_account": "4402011100005821"})
    assert r.status_code == 302
    page = client.get(f"/finance/awards/{web.award}")
    assert "The transfer is recorded." in page.text and "PO-WEB-1" in page.text
    after = load_workbook(io.BytesIO(client.get("/finance/export/calls.xlsx").data)).active
    assert sum(row[col].value for row in after.iter_rows(min_row=2)) == pytest.approx(
        float(transferred) + 9999.65)
    csv_text = client.get("/finance/export/transfers.csv").data.decode("utf-8-sig")
    assert "PO-WEB-1" in csv_text and "9999.65" in csv_text
    for table in ("funds", "oblasts", "grants"):
        assert client.get(f"/finance/export/{table}.xlsx").data.startswith(b"PK")
    assert client.get("/finance/export/secret.csv").status_code == 404

    # too much for the tranche: refused with a message, nothing recorded
    r = client.post(f"/finance/grants/{web.grant}/transfers", data={
        "tranche_id": web.tranche, "value_date": "2026-03-02", "amount_kgs": "999999",
        "payment_order": "PO-WEB-2", "recipient_account": "4402"}, follow_redirects=True)
    records = r.text[r.text.index('id="records"'):r.text.index('id="transfer-form"')]
    assert "too large" in r.text and "PO-WEB-2" not in records
    assert r.status_code == 422 and 'id="tr-order" value="PO-WEB-2"' in r.text  # kept as typed


def test_roles_and_ownership(app, client, web):
    staff = _user(app, "staff@money.kg")
    _login(client, staff)
    r = client.post(f"/finance/grants/{web.grant}/transfers", data={"amount_kgs": "1"})
    assert r.status_code == 403  # money is recorded by finance officers
    assert client.get(f"/finance/awards/{web.award}").status_code == 200
    client.post("/logout")

    grantee = _user(app, user_id=web.grantee)
    _login(client, grantee)
    assert client.get(f"/finance/awards/{web.award}").status_code == 403
    assert client.get(f"/finance/my/grants/{web.grant}").status_code == 200
    mine = client.get("/finance/my")
    with app.app_context():
        number = db.session.get(Grant, web.grant).number
    assert mine.status_code == 200 and number in mine.text
    assert client.get(f"/finance/grants/{web.grant}/agreement.pdf?lang=ky").data.startswith(
        b"%PDF-")
    with app.app_context():
        other = db.session.scalar(select(Grant).where(Grant.status == M.CLOSED))
        other_id = other.id
        report = db.session.scalar(select(GrantReport).where(GrantReport.grant_id == other_id))
        report_id = report.id
    assert client.get(f"/finance/my/grants/{other_id}").status_code == 404
    assert client.get(f"/finance/grants/{other_id}/agreement.pdf").status_code == 404
    assert client.get(f"/finance/my/reports/{report_id}").status_code == 404


def test_grantee_sends_a_report_with_files(app, client, web):
    grantee = _user(app, user_id=web.grantee)
    _login(client, grantee)
    with app.app_context():
        report_id = db.session.scalar(select(GrantReport.id).where(
            GrantReport.grant_id == web.grant, GrantReport.kind == M.PROGRESS))
    page = client.get(f"/finance/my/reports/{report_id}")
    assert page.status_code == 200 and 'id="report-form"' in page.text
    r = client.post(f"/finance/my/reports/{report_id}", data={
        "narrative": "Pipes laid on 2 streets.", "line-0-name": "Pipe", "line-0-budgeted": "1000",
        "line-0-spent": "950,50", "beneficiaries": "420", "action": "submit",
        "photo": (io.BytesIO(b"\xff\xd8\xff\xe0photo"), "street.jpg"),
        "procurement": (io.BytesIO(b"not a document"), "bad.exe")},
        content_type="multipart/form-data", follow_redirects=True)
    assert "is not a PDF" in r.text  # a bad file refuses the whole report, nothing is sent
    with app.app_context():
        assert db.session.get(GrantReport, report_id).status == M.DUE
    r = client.post(f"/finance/my/reports/{report_id}", data={
        "narrative": "Pipes laid on 2 streets.", "line-0-name": "Pipe", "line-0-budgeted": "1000",
        "line-0-spent": "950,50", "beneficiaries": "420", "action": "submit",
        "photo": (io.BytesIO(b"\xff\xd8\xff\xe0photo"), "street.jpg")},
        content_type="multipart/form-data", follow_redirects=True)
    assert "The report is sent to the programme." in r.text and "street.jpg" in r.text
    with app.app_context():
        report = db.session.get(GrantReport, report_id)
        assert (report.status, report.spent_total, report.beneficiaries) == (
            M.SUBMITTED, D("950.50"), 420)


def test_staff_prepare_plan_and_sign_through_the_pages(app, client, clock):
    with app.app_context():
        people()
        award = funded(make_call())
        award_id = award.id
    _login(client, _user(app, "staff@money.kg"))
    page = client.get(f"/finance/awards/{award_id}")
    assert page.status_code == 200 and "Prepare the agreement" in page.text
    client.post(f"/finance/awards/{award_id}/open", data={"language": "ky"})
    with app.app_context():
        grant_id = db.session.scalar(select(Grant.id).where(Grant.award_id == award_id))
    r = client.post(f"/finance/grants/{grant_id}/plan", data={
        "tranches-0-percent": "60", "tranches-0-due_on": "2026-04-01",
        "tranches-1-amount": "40 000", "tranches-1-milestone": "Pipes delivered",
        "tranches-1-requires_report": "on"}, follow_redirects=True)
    assert "The payment plan is saved." in r.text
    r = client.post(f"/finance/grants/{grant_id}/plan", data={"tranches-0-percent": "abc"},
                    follow_redirects=True)
    assert "Enter amounts as numbers" in r.text
    r = client.post(f"/finance/grants/{grant_id}/sign", data={
        "grantee_signed_on": "2026-03-01", "programme_signed_on": "2026-03-02",
        "scan": (io.BytesIO(SCAN), "signed.pdf")}, content_type="multipart/form-data",
        follow_redirects=True)
    assert "The signature is recorded" in r.text
    with app.app_context():
        grant = db.session.get(Grant, grant_id)
        assert grant.status == M.ACTIVE and grant.language == "ky"
        assert [(t.amount, t.due_on, t.milestone, t.requires_report) for t in grant.tranches] == [
            (D("60000.00"), date(2026, 4, 1), None, False),
            (D("40000.00"), None, "Pipes delivered", True)]
        scan_id = agreements.signed_scan(grant).id
        report_id = money.report_for(grant.tranches[1]).id
    assert client.get(f"/finance/documents/{scan_id}").data == SCAN
    report = client.get(f"/finance/reports/{report_id}")
    assert report.status_code == 200 and "Progress report" in report.text
