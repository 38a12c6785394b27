"""The finance dashboard reads the grants' running totals (``grants.transferred`` and
``grants.returned``, kept by ``gms/money/transfers.py``) instead of re-aggregating every
transfer for each of its tables (docs/benchmarks.md, "Problems found", item 3).

Every figure of the dashboard is compared with an independent computation in plain Python
over the records themselves (transfers, reversals, returns, contributions, reports), on a set
with grants in every state, two funds, a grant set in CHF (whose running totals are in CHF,
not KGS) and transfers in two months; and the dashboard's queries do not grow with the grants.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from decimal import Decimal as D

import pytest
from sqlalchemy import select

from gms.evaluation.models import Award
from gms.extensions import db
from gms.models import Application, Competition, Organisation
from gms.money import agreements, ledger
from gms.money import models as M
from gms.money import reports as grant_reports
from gms.money import transfers as money
from gms.money.models import Contribution, Grant, GrantReport, Transfer

from .helpers import login, make_org
from .test_money_core import (
    DAY,
    MONEY_TOY,
    SCAN,
    SOATE_A,
    SOATE_B,
    approve,
    build_ledger_data,
    funded,
    make_call,
    pay,
    people,
    signed,
)

pytestmark = [pytest.mark.gms_plugins(), pytest.mark.gms_config(**MONEY_TOY)]

APRIL = datetime(2026, 4, 15, 4, 0, tzinfo=UTC)


# ------------------------------------------------------------------------------ the data

def build_realistic() -> dict:
    """:func:`build_ledger_data` (a programme call and a municipality's own: an unsigned grant,
    an active one with a reversed transfer and actual co-financing, a closed one with money
    returned, a funded award without agreement) plus: a grant set in CHF with one payment
    reversed and a return, another closed in CHF, a KGS return and its reversal, an approved
    progress report, a decided (unpublished) call of a second municipality, a call without
    awards, an award that is not funded, and calls with different deadlines."""
    staff, finance = people().staff, people().finance
    ids = build_ledger_data()
    first = db.session.get(Competition, ids["first"])
    first.deadline_at = first.deadline_at - timedelta(days=40)

    # a grant set in CHF: its running totals are in CHF, the ledger's columns in KGS
    chf = agreements.open_grant(funded(first, amount=D("800000"), soate=SOATE_B), staff)
    agreements.set_terms(chf, staff, language="ru", currency="CHF", amount=D("9000"),
                         starts_on=None, ends_on=None, recipient_account="4402011100005821")
    agreements.sign(chf, grantee_signed_on=DAY, programme_signed_on=DAY, filename="s.pdf",
                    data=SCAN, actor=staff)
    pay(chf, "300000", tranche=1, exchange_rate=D("98.7654"))
    wrong_rate = pay(chf, "100000", tranche=1, exchange_rate=D("101.3"))
    money.reverse(wrong_rate, value_date=DAY, payment_order="PO-CHF-R", reason="rate",
                  actor=finance)
    money.record_return(chf, value_date=DAY, amount_kgs=D("12345.67"),
                        payment_order="RET-CHF", exchange_rate=D("99.01"), actor=finance)

    # closed in CHF: what it finally cost (transferred less returned) counts in KGS
    closed_chf = agreements.open_grant(funded(db.session.get(Competition, ids["own"]),
                                              amount=D("100000")), staff)
    agreements.set_terms(closed_chf, staff, language="ky", currency="CHF", amount=D("1000"),
                         starts_on=None, ends_on=None, recipient_account="4402011100005821")
    agreements.sign(closed_chf, grantee_signed_on=DAY, programme_signed_on=DAY,
                    filename="s.pdf", data=SCAN, actor=staff)
    pay(closed_chf, "95000", exchange_rate=D("97.5"))
    approve(next(r for r in grant_reports.reports_of(closed_chf) if r.kind == M.FINAL),
            spent="90000")
    money.close(closed_chf, returned_kgs=D("4999.99"), value_date=DAY,
                payment_order="RET-CHF-2", exchange_rate=D("98.1"), actor=finance)

    # a KGS grant with a return, the return reversed, a report approved
    plain = signed(funded(first, amount=D("150000"), soate=SOATE_A), local_budget="15000")
    pay(plain, "105000", tranche=1)
    back = money.record_return(plain, value_date=DAY, amount_kgs=D("4321.09"),
                               payment_order="RET-1", actor=finance)
    money.reverse(back, value_date=DAY, payment_order="RET-1-R", reason="not received",
                  actor=finance)
    money.record_return(plain, value_date=DAY, amount_kgs=D("1000.01"),
                        payment_order="RET-2", actor=finance)
    progress = next(r for r in grant_reports.reports_of(plain) if r.kind == M.PROGRESS)
    approve(progress, spent="99999.99")
    agreements.add_contribution(plain, stage=M.ACTUAL, source="labour", amount=D("7000.5"),
                                note="", actor=finance)

    # a decided call of another municipality, a call without awards, a reserve award
    other = make_call(budget=D("250000"), status="decided",
                      organiser=make_org(soate=SOATE_A, name="Аильный аймак Б"))
    other.deadline_at = other.deadline_at + timedelta(days=5)
    theirs = signed(funded(other, amount=D("60000"), soate=SOATE_A))
    empty = make_call(budget=D("75000"))
    reserve = funded(first, amount=D("33000"))
    reserve.outcome = "reserve"
    db.session.commit()
    agreements.open_grant(funded(other, amount=D("20000")), staff)  # unsigned
    return {**ids, "other": other.id, "empty": empty.id, "theirs": theirs.id,
            "plain": plain.id, "chf": chf.id, "other_org": other.organiser_id}


def pay_in_april(clock, ids: dict) -> None:
    """Transfers (one reversed) in a later month, to two grants of two funds."""
    clock.set(APRIL)
    finance = people().finance
    theirs, chf = db.session.get(Grant, ids["theirs"]), db.session.get(Grant, ids["chf"])
    pay(theirs, "35000.55", tranche=1, value_date=APRIL.date())
    pay(chf, "50000", tranche=1, exchange_rate=D("100"), value_date=APRIL.date())
    later = pay(theirs, "10", tranche=1, value_date=APRIL.date())
    money.reverse(later, value_date=APRIL.date(), payment_order="PO-AP-R", reason="test",
                  actor=finance)


# ---------------------------------------------------------------------------- the oracle

def oracle(organiser_id: int | None = None) -> dict:
    """Every dashboard figure computed in Python from the records (transfers, not the
    grants' running totals). ``organiser_id``: only that organiser's calls (the scope of a
    municipality's staff)."""
    in_scope = lambda call: organiser_id is None or call.organiser_id == organiser_id  # noqa: E731
    calls = [c for c in db.session.scalars(select(Competition))
             if c.status in ledger.LEDGER_STATUSES and in_scope(c)]
    calls.sort(key=lambda c: (c.deadline_at, c.id), reverse=True)
    grants = {g.award_id: g for g in db.session.scalars(select(Grant))}
    records = defaultdict(list)
    for t in db.session.scalars(select(Transfer)):
        records[t.grant_id].append(t)
    actual = defaultdict(D)
    for c in db.session.scalars(select(Contribution)):
        if c.stage == M.ACTUAL:
            actual[c.grant_id] += c.amount
    reported = defaultdict(D)
    for r in db.session.scalars(select(GrantReport)):
        if r.status == M.APPROVED:
            reported[r.grant_id] += r.spent_total

    zero = lambda: dict.fromkeys(ledger.COLUMNS, D(0))  # noqa: E731
    by_call, by_oblast = {}, defaultdict(lambda: dict.fromkeys(ledger.MONEY_COLUMNS, D(0)))
    for call in calls:
        row = zero()
        row["envelope"] = D(call.budget)
        committed = D(0)
        for award in db.session.scalars(select(Award).where(Award.competition_id == call.id)):
            if award.outcome != "funded":
                continue
            grant = grants.get(award.id)
            mine = records[grant.id] if grant else []
            money_of = {
                "awarded": D(award.amount),
                "signed": D(award.amount) if grant and grant.status != M.UNSIGNED else D(0),
                "transferred": sum((t.amount_kgs for t in mine if t.kind == "transfer"), D(0)),
                "cofinanced": actual[grant.id] if grant else D(0),
                "reported": reported[grant.id] if grant else D(0),
                "returned": sum((t.amount_kgs for t in mine if t.kind == "return"), D(0)),
            }
            oblast = db.session.get(Organisation, db.session.get(
                Application, award.application_id).organisation_id).oblast
            for c in ledger.MONEY_COLUMNS:
                row[c] += money_of[c]
                by_oblast[oblast][c] += money_of[c]
            committed += (money_of["transferred"] - money_of["returned"]
                          if grant and grant.status == M.CLOSED else D(award.amount))
        row["available"] = row["envelope"] - committed
        by_call[call.id] = row

    funds: dict = {}
    for call in calls:
        fund = funds.setdefault(call.organiser_id, zero())
        for c in ledger.COLUMNS:
            fund[c] += by_call[call.id][c]
    name = lambda fund_id: fund_id and db.session.get(Organisation, fund_id).name  # noqa: E731
    by_fund = sorted(((fund_id, name(fund_id), row) for fund_id, row in funds.items()),
                     key=lambda f: (f[0] is not None, f[1] or ""))

    months = defaultdict(lambda: [D(0), D(0)])
    for grant in grants.values():
        call = db.session.get(Competition, grant.award.competition_id)
        if not in_scope(call):
            continue
        for t in records[grant.id]:
            months[(t.value_date.year, t.value_date.month)][t.kind == "return"] += t.amount_kgs

    return {
        "by_call": [(call.id, by_call[call.id]) for call in calls],
        "by_fund": by_fund,
        "by_oblast": sorted(by_oblast.items()),
        "totals": {c: sum((row[c] for row in by_call.values()), D(0)) for c in ledger.COLUMNS},
        "monthly": [(y, m, t, r) for (y, m), (t, r) in sorted(months.items())],
    }


def ledger_figures(scope=None) -> dict:
    """The same figures from :mod:`gms.money.ledger`."""
    columns = lambda row, names: {c: getattr(row, c) for c in names}  # noqa: E731
    by_call = db.session.execute(ledger.by_call(scope)).all()
    totals = ledger.totals(scope)
    return {
        "by_call": [(row[0].id, columns(row, ledger.COLUMNS)) for row in by_call],
        "by_fund": [(row.fund_id, row.name, columns(row, ledger.COLUMNS))
                    for row in db.session.execute(ledger.by_fund(scope))],
        "by_oblast": [(row.oblast, columns(row, ledger.MONEY_COLUMNS))
                      for row in db.session.execute(ledger.by_oblast(scope))],
        "totals": {c: getattr(totals, c) for c in ledger.COLUMNS},
        "monthly": ledger.monthly(scope),
    }


def check_the_page_query(scope, want: dict) -> None:
    """What the dashboard runs: the calls' count, and their rows with the totals on each."""
    rows = db.session.execute(ledger.by_call_with_totals(scope)).all()
    assert db.session.scalar(ledger.call_count(scope)) == len(rows) == len(want["by_call"])
    assert [(row[0].id, {c: getattr(row, c) for c in ledger.COLUMNS}) for row in rows] == (
        want["by_call"])
    for row in rows:
        assert _decimals(vars(ledger.totals_of(row))) == want["totals"]


def scope_of(organiser_id: int):
    return lambda q: q.where(Competition.organiser_id == organiser_id)


def _decimals(value):
    """``value`` unchanged, after checking that every amount in it (the values of a row's
    columns, the sums of a month) is a Decimal, not a float or an int."""
    if isinstance(value, dict):
        assert all(isinstance(v, D) for v in value.values()), value
        return value
    if isinstance(value, list):
        for item in value:
            if isinstance(item, tuple) and len(item) == 4:  # a month: year, month, sums
                assert isinstance(item[2], D) and isinstance(item[3], D), item
            else:
                _decimals(item[-1])
    return value


# ---------------------------------------------------------------------------------- tests

def test_every_figure_equals_the_records(app_ctx, clock):
    ids = build_realistic()
    pay_in_april(clock, ids)
    want = oracle()
    got = ledger_figures()
    for figure in want:
        assert _decimals(got[figure]) == want[figure], figure
    check_the_page_query(None, want)
    # the set exercises what it claims: CHF, returns, reversals, two funds, two months
    chf = db.session.get(Grant, ids["chf"])
    assert chf.currency == "CHF" and chf.transferred != sum(
        t.amount_kgs for t in db.session.scalars(select(Transfer).where(
            Transfer.grant_id == chf.id, Transfer.kind == "transfer")))
    assert [f[0] is None for f in want["by_fund"]] == [True, False, False]
    assert [(y, m) for y, m, _t, _r in want["monthly"]] == [(2026, 3), (2026, 4)]
    assert [c for c, _row in want["by_call"]] == [ids["other"], ids["empty"], ids["own"],
                                                    ids["first"]]
    assert all(row["transferred"] > 0 and row["returned"] > 0
               for _oblast, row in want["by_oblast"])


def test_every_figure_equals_the_records_in_a_municipalitys_scope(app_ctx, clock):
    ids = build_realistic()
    pay_in_april(clock, ids)
    for organiser in (ids["other_org"], db.session.get(Competition, ids["own"]).organiser_id):
        want = oracle(organiser)
        got = ledger_figures(scope_of(organiser))
        for figure in want:
            assert _decimals(got[figure]) == want[figure], (organiser, figure)
        check_the_page_query(scope_of(organiser), want)
        assert len(want["by_call"]) == 1 and want["monthly"]


def test_the_running_totals_equal_the_transfers_of_every_kgs_grant(app_ctx, clock):
    """What the ledger relies on: for a grant in KGS, ``transferred`` and ``returned`` are the
    sums of its transfers and returns in KGS, reversals included."""
    build_realistic()
    for grant in db.session.scalars(select(Grant)):
        rows = db.session.scalars(select(Transfer).where(Transfer.grant_id == grant.id)).all()
        paid = sum((t.amount for t in rows if t.kind == "transfer"), D(0))
        back = sum((t.amount for t in rows if t.kind == "return"), D(0))
        assert (grant.transferred, grant.returned) == (paid, back)
        if grant.currency == "KGS":
            assert all(t.amount == t.amount_kgs for t in rows)


# -------------------------------------------------------------------------------- the web

def _dashboard_calls(html: str) -> list[int]:
    table = html.split('id="ledger-calls"', 1)[1].split("</table>", 1)[0]
    return [int(n) for n in re.findall(r'/finance/grants\?call=(\d+)"', table)]


def _cards(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-column="(\w+)"><span>[^<]*</span><strong>([^<]*)</strong>',
                           html))


@pytest.mark.gms_config(PER_PAGE=2)
def test_the_dashboard_pages_and_totals(app, client, clock):
    with app.app_context():
        ids = build_realistic()
        pay_in_april(clock, ids)
        want = oracle()
        money_filter = app.jinja_env.filters["money"]
        order = [call_id for call_id, _row in want["by_call"]]
        cards = {c: money_filter(v) for c, v in want["totals"].items()}
    login(client, "finance@money.kg")
    for page, calls in (("", order[:2]), ("?page=2", order[2:]), ("?page=99", order[2:]),
                        ("?page=x", order[:2])):
        html = client.get(f"/finance/{page}").text
        assert _dashboard_calls(html) == calls, page
        assert _cards(html) == cards, page


# Before the change GET /finance/ made 7 statements (measured with this test on SQLite, and
# 7 on PostgreSQL in docs/benchmarks.md): the logged-in user, the calls' count and page,
# funds, oblasts, totals and months, each ledger statement re-aggregating every transfer (the
# count too on SQLite). Now 6: the count reads only the calls, the page carries the totals.
QUERIES_BEFORE = 7


def _grants(call: Competition, n: int) -> None:
    for i in range(n):
        grant = signed(funded(call, amount=D("10000") + i, soate=(SOATE_A, SOATE_B)[i % 2]))
        pay(grant, "5000.25")
        if i % 3 == 0:
            money.reverse(pay(grant, "100"), value_date=DAY, payment_order=f"R-{i}",
                          reason="twice", actor=people().finance)
        if i % 4 == 0:
            money.record_return(grant, value_date=DAY, amount_kgs=D("250"),
                                payment_order=f"RET-{i}", actor=people().finance)


def test_the_dashboard_queries_do_not_grow_with_the_grants(app, client, clock, query_counter):
    with app.app_context():
        people()
        call = make_call()
        _grants(call, 2)
        call_id = call.id
    login(client, "finance@money.kg")
    counts = []
    for more in (0, 18):
        if more:
            with app.app_context():
                _grants(db.session.get(Competition, call_id), more)
                _grants(make_call(organiser=make_org(soate=SOATE_B)), 2)
        with query_counter() as q:
            r = client.get("/finance/")
        assert r.status_code == 200
        counts.append(q.count)
    assert counts[0] == counts[1], counts
    assert counts[1] < QUERIES_BEFORE, counts
