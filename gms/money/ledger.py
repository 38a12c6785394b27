"""The ledger: money per call, per fund and per oblast, computed in SQL from the records.

Columns (all in KGS):

``envelope``     the call's budget
``awarded``      funded awards
``signed``       awards whose agreement is signed (active or closed grants)
``transferred``  transfers less their reversals
``cofinanced``   actual co-financing recorded
``reported``     spending in approved reports
``returned``     unspent money returned, less reversals
``available``    envelope less what is committed: the award while the grant is open, and
                 what it finally cost (transferred less returned) once it is closed

A *fund* is whoever pays the call: the programme (calls without an organiser) or the
municipality that organises a call from its own budget.

``transferred`` and ``returned`` are read from the grants' running totals in KGS
(``grants.transferred_kgs``/``grants.returned_kgs``, kept by :mod:`gms.money.transfers`
under the grant's row lock with every transfer, return and reversal, whatever the grant's
currency), not summed over the transfers again: they are those sums to the tyiyn, and a CHECK
keeps ``transferred_kgs`` within the award (``amount_kgs``), so no grant shows more
transferred than awarded. Only :func:`monthly` aggregates the transfers themselves (by value
date).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Select, case, extract, func, literal, select

from gms.competition import FUNDED
from gms.evaluation.models import Award
from gms.extensions import db
from gms.models import Application, Competition, Organisation
from gms.models import calls as C

from . import models as M
from .models import Contribution, Grant, GrantReport, Transfer

MONEY_COLUMNS = ("awarded", "signed", "transferred", "cofinanced", "reported", "returned")
COLUMNS = ("envelope", *MONEY_COLUMNS, "available")
#: calls that have a ledger: the decision is taken
LEDGER_STATUSES = (C.DECIDED, C.PUBLISHED)


def _zero(expr):
    return func.coalesce(expr, literal(0, type_=db.Numeric(14, 2)))


def per_award():
    """One row per funded award: its call, oblast, fund and money columns
    (``transferred`` and ``returned`` from the grant's running totals)."""
    return _per_award(oblast=True)


def _per_award(*, oblast: bool):
    """:func:`per_award`; without ``oblast`` the grantees' applications and organisations
    are not joined (the same rows: every award has an application, every application an
    organisation), for the figures per call."""
    co = (select(Contribution.grant_id, func.sum(Contribution.amount).label("cofinanced"))
          .where(Contribution.stage == M.ACTUAL).group_by(Contribution.grant_id).subquery())
    rep = (select(GrantReport.grant_id, func.sum(GrantReport.spent_total).label("reported"))
           .where(GrantReport.status == M.APPROVED).group_by(GrantReport.grant_id).subquery())
    # the grant's running totals in KGS (whatever its currency); no grant: 0
    transferred = _zero(Grant.transferred_kgs)
    returned = _zero(Grant.returned_kgs)
    q = (select(
        Award.id.label("award_id"), Award.competition_id,
        *([Organisation.oblast.label("oblast")] if oblast else []),
        Competition.organiser_id.label("fund_id"),
        Award.amount.label("awarded"),
        case((Grant.status.in_([M.ACTIVE, M.CLOSED]), Award.amount), else_=0).label("signed"),
        transferred.label("transferred"), _zero(co.c.cofinanced).label("cofinanced"),
        _zero(rep.c.reported).label("reported"), returned.label("returned"),
        case((Grant.status == M.CLOSED, transferred - returned),
             else_=Award.amount).label("committed"))
        .select_from(Award)
        .join(Competition, Competition.id == Award.competition_id))
    if oblast:
        q = (q.join(Application, Application.id == Award.application_id)
             .join(Organisation, Organisation.id == Application.organisation_id))
    return (q.outerjoin(Grant, Grant.award_id == Award.id)
            .outerjoin(co, co.c.grant_id == Grant.id)
            .outerjoin(rep, rep.c.grant_id == Grant.id)
            .where(Award.outcome == FUNDED, Competition.status.in_(LEDGER_STATUSES))
            .subquery())


def _sums(per):
    return [func.sum(getattr(per.c, name)).label(name) for name in (*MONEY_COLUMNS,
                                                                      "committed")]


def by_call(scope=None) -> Select:
    """Rows ``(Competition, envelope, awarded, ..., available)`` for every decided call,
    newest first; ``scope`` restricts the calls (e.g. ``web.access.scope_calls``)."""
    per = _per_award(oblast=False)
    agg = (select(per.c.competition_id, *_sums(per)).group_by(per.c.competition_id)
           .subquery())
    q = (select(Competition, Competition.budget.label("envelope"),
                *[_zero(getattr(agg.c, n)).label(n) for n in MONEY_COLUMNS],
                (Competition.budget - _zero(agg.c.committed)).label("available"))
         .outerjoin(agg, agg.c.competition_id == Competition.id)
         .where(Competition.status.in_(LEDGER_STATUSES))
         .order_by(Competition.deadline_at.desc(), Competition.id.desc()))
    return scope(q) if scope else q


def call_count(scope=None) -> Select:
    """The number of rows of :func:`by_call` (one per decided call), without their money."""
    q = select(func.count(Competition.id)).where(Competition.status.in_(LEDGER_STATUSES))
    return scope(q) if scope else q


def by_call_with_totals(scope=None) -> Select:
    """:func:`by_call` with, on every row, the sums of all its rows (``total_envelope``, ...,
    ``total_available``): window functions, computed before a LIMIT cuts a page, so a page
    of it gives its rows and :func:`totals` (:func:`totals_of`) from one aggregation."""
    q = by_call(scope)
    return q.add_columns(*[func.sum(q.selected_columns[n]).over().label(f"total_{n}")
                           for n in COLUMNS])


def by_fund(scope=None) -> Select:
    """Rows ``(fund_id, name, envelope, awarded, ..., available)``; ``fund_id`` is ``None``
    (and ``name`` too) for the programme."""
    calls = by_call(scope).subquery()
    return (select(calls.c.organiser_id.label("fund_id"), Organisation.name,
                   *[func.sum(getattr(calls.c, n)).label(n) for n in COLUMNS])
            .select_from(calls)
            .outerjoin(Organisation, Organisation.id == calls.c.organiser_id)
            .group_by(calls.c.organiser_id, Organisation.name)
            .order_by(calls.c.organiser_id.is_not(None), Organisation.name))


def by_oblast(scope=None) -> Select:
    """Rows ``(oblast, awarded, ..., returned)``: the grantees' oblasts (no envelope)."""
    per = per_award()
    q = (select(per.c.oblast, *[func.sum(getattr(per.c, n)).label(n) for n in MONEY_COLUMNS])
         .group_by(per.c.oblast).order_by(per.c.oblast))
    if scope is not None:
        q = q.where(per.c.competition_id.in_(scope(select(Competition.id))))
    return q


@dataclass(frozen=True)
class Totals:
    envelope: Decimal
    awarded: Decimal
    signed: Decimal
    transferred: Decimal
    cofinanced: Decimal
    reported: Decimal
    returned: Decimal
    available: Decimal


def totals(scope=None) -> Totals:
    """The sums of :func:`by_call` in one query."""
    calls = by_call(scope).subquery()
    row = db.session.execute(select(*[_zero(func.sum(getattr(calls.c, n))).label(n)
                                      for n in COLUMNS])).one()
    return Totals(*[Decimal(v or 0) for v in row])


def totals_of(row) -> Totals:
    """The totals carried by a row of :func:`by_call_with_totals` (equal to :func:`totals`
    of the same scope)."""
    return Totals(*[Decimal(getattr(row, f"total_{n}") or 0) for n in COLUMNS])


def monthly(scope=None) -> list[tuple[int, int, Decimal, Decimal]]:
    """``(year, month, transferred, returned)`` per month of the payments' value dates."""
    year, month = extract("year", Transfer.value_date), extract("month", Transfer.value_date)
    q = (select(year.label("y"), month.label("m"),
                func.sum(case((Transfer.kind == M.TRANSFER, Transfer.amount_kgs), else_=0)),
                func.sum(case((Transfer.kind == M.RETURN, Transfer.amount_kgs), else_=0)))
         .join(Grant, Grant.id == Transfer.grant_id)
         .join(Award, Award.id == Grant.award_id)
         .group_by(year, month).order_by(year, month))
    if scope is not None:
        q = q.where(Award.competition_id.in_(scope(select(Competition.id))))
    return [(int(y), int(m), Decimal(t or 0), Decimal(r or 0))
            for y, m, t, r in db.session.execute(q)]


def transfers_register(scope=None, grant_id: int | None = None) -> Select:
    """Rows ``(Transfer, application number, organisation name, call id)``, newest first."""
    q = (select(Transfer, Application.number, Organisation.name, Award.competition_id)
         .join(Grant, Grant.id == Transfer.grant_id)
         .join(Award, Award.id == Grant.award_id)
         .join(Application, Application.id == Award.application_id)
         .join(Organisation, Organisation.id == Application.organisation_id)
         .order_by(Transfer.value_date.desc(), Transfer.id.desc()))
    if grant_id is not None:
        q = q.where(Transfer.grant_id == grant_id)
    if scope is not None:
        q = q.where(Award.competition_id.in_(scope(select(Competition.id))))
    return q


def transfers_export(scope=None) -> Select:
    """The transfers register as plain columns for an export, in its order: value date,
    application number, organisation, kind, reversed record, amount in KGS, exchange rate,
    amount, payment order, account, recorded at, note, id. Execute it with ``yield_per``:
    the rows stream from the database, no entity is built."""
    return (transfers_register(scope)
            .with_only_columns(Transfer.value_date, Application.number, Organisation.name,
                               Transfer.kind, Transfer.reverses_id, Transfer.amount_kgs,
                               Transfer.exchange_rate, Transfer.amount, Transfer.payment_order,
                               Transfer.recipient_account, Transfer.recorded_at, Transfer.note,
                               Transfer.id, maintain_column_froms=True))


def grants_register(scope=None, call_id: int | None = None) -> Select:
    """Rows ``(Award, Grant or None, application number, organisation name, oblast)`` of
    funded awards of decided calls, by call and rank."""
    q = (select(Award, Grant, Application.number, Organisation.name, Organisation.oblast)
         .join(Competition, Competition.id == Award.competition_id)
         .join(Application, Application.id == Award.application_id)
         .join(Organisation, Organisation.id == Application.organisation_id)
         .outerjoin(Grant, Grant.award_id == Award.id)
         .where(Award.outcome == FUNDED, Competition.status.in_(LEDGER_STATUSES))
         .order_by(Competition.deadline_at.desc(), Award.competition_id, Award.rank))
    if call_id is not None:
        q = q.where(Award.competition_id == call_id)
    if scope is not None:
        q = q.where(Award.competition_id.in_(scope(select(Competition.id))))
    return q
