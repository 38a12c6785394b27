"""The ledger pages (dashboard, grants and transfers registers, their exports) and the public
open-data page with its files."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal

from flask import Response, abort, render_template, request
from sqlalchemy import case, func, select

from gms.evaluation.models import Award
from gms.extensions import db
from gms.i18n import _
from gms.models import Application, Organisation
from gms.services import exports, opendata
from gms.timeutil import utcnow
from gms.web.access import managed_call, roles_required, scope_calls
from gms.web.pagination import paginate, paginate_with

from . import ledger
from . import models as M
from .blueprint import COLUMN_NAMES, GRANT_STATUS_NAMES, bp
from .models import Grant, Transfer

TABLES = ("calls", "funds", "oblasts", "transfers", "grants")


@dataclass(frozen=True)
class Bar:
    label: str
    a: Decimal
    b: Decimal
    wa: float
    wb: float


@dataclass(frozen=True)
class Column:
    label: str
    value: Decimal
    total: Decimal
    x: float
    height: float
    y_total: float


def _oblast_bars(rows) -> list[Bar]:
    top = max([Decimal(r.awarded or 0) for r in rows] + [Decimal(r.transferred or 0)
                                                          for r in rows] + [Decimal(1)])
    return [Bar(r.oblast or "—", Decimal(r.awarded or 0), Decimal(r.transferred or 0),
                float(Decimal(r.awarded or 0) / top * 100),
                float(Decimal(r.transferred or 0) / top * 100)) for r in rows]


def _month_columns(months, height: float = 160) -> list[Column]:
    """Monthly net transfers and their running total, scaled to ``height``."""
    running = Decimal(0)
    points = []
    for y, m, transferred, returned in months:
        running += transferred - returned
        points.append((f"{m:02d}.{y}", transferred, running))
    top = max([abs(p[1]) for p in points] + [abs(p[2]) for p in points] + [Decimal(1)])
    step = 600 / max(len(points), 1)
    return [Column(label, value, total, i * step + step / 2,
                   float(max(value, 0) / top) * height,
                   height - float(max(total, 0) / top) * height)
            for i, (label, value, total) in enumerate(points)]


@bp.route("/")
@roles_required("staff", "finance")
def dashboard():
    # the calls' number without their money; the page and the totals from one aggregation
    calls = paginate_with(db.session.scalar(ledger.call_count(scope_calls)) or 0,
                          lambda offset, limit: db.session.execute(
                              ledger.by_call_with_totals(scope_calls).limit(limit)
                              .offset(offset)).all())
    totals = (ledger.totals_of(calls.items[0]) if calls.items
              else ledger.totals(scope_calls))  # no call (or one gone since the count)
    funds = db.session.execute(ledger.by_fund(scope_calls)).all()
    oblasts = db.session.execute(ledger.by_oblast(scope_calls)).all()
    return render_template(
        "finance/dashboard.html", totals=totals, calls=calls, funds=funds,
        oblasts=oblasts, bars=_oblast_bars(oblasts),
        months=_month_columns(ledger.monthly(scope_calls)), columns=ledger.COLUMNS,
        money_columns=ledger.MONEY_COLUMNS)


@bp.route("/grants")
@roles_required("staff", "finance")
def grants():
    call_id = request.args.get("call", type=int)
    if call_id:
        if not 0 < call_id < 2**31:  # no such row; larger ints overflow the database's
            abort(404)
        managed_call(call_id)
    rows = paginate(ledger.grants_register(scope_calls, call_id), rows=True)
    return render_template("finance/grants.html", rows=rows, call_id=call_id)


@bp.route("/transfers")
@roles_required("staff", "finance")
def transfers():
    rows = paginate(ledger.transfers_register(scope_calls), rows=True)
    return render_template("finance/transfers.html", rows=rows)


def _table(name: str) -> tuple[list, list[list], str]:
    """Header, rows and title of an exported table (every row, not one page)."""
    money_head = [str(COLUMN_NAMES[c]) for c in ledger.COLUMNS]
    if name == "calls":
        rows = db.session.execute(ledger.by_call(scope_calls)).all()
        return ([_("Call"), _("Status")] + money_head,
                [[r[0].title_text, r[0].status, *[r[i] for i in range(1, 9)]] for r in rows],
                _("Ledger by call"))
    if name == "funds":
        rows = db.session.execute(ledger.by_fund(scope_calls)).all()
        return ([_("Fund")] + money_head,
                [[r.name or _("Programme"), *[getattr(r, c) for c in ledger.COLUMNS]]
                 for r in rows], _("Ledger by fund"))
    if name == "oblasts":
        rows = db.session.execute(ledger.by_oblast(scope_calls)).all()
        return ([_("Oblast")] + [str(COLUMN_NAMES[c]) for c in ledger.MONEY_COLUMNS],
                [[r.oblast or "—", *[getattr(r, c) for c in ledger.MONEY_COLUMNS]]
                 for r in rows], _("Ledger by oblast"))
    if name == "transfers":
        # every transfer of a national programme (100,000 rows): streamed in batches as plain
        # columns, each row turned into a list only as the export writes it
        rows = db.session.execute(ledger.transfers_export(scope_calls)
                                  .execution_options(yield_per=2000))
        kinds = {(M.TRANSFER, False): _("transfer"), (M.RETURN, False): _("return"),
                 (M.TRANSFER, True): _("reversal"), (M.RETURN, True): _("reversal")}
        return ([_("Date"), _("Application"), _("Grantee"), _("Kind"), _("Amount, KGS"),
                 _("Exchange rate"), _("Amount in the grant's currency"), _("Payment order"),
                 _("Account or treasury code"), _("Reverses record"), _("Recorded"),
                 _("Note"), _("Record")],
                ([day, number, org, kinds.get((kind, reverses is not None), kind), kgs, rate,
                  amount, order, account, reverses, recorded, note, tid]
                 for (day, number, org, kind, reverses, kgs, rate, amount, order, account,
                      recorded, note, tid) in rows), _("Transfers"))
    rows = db.session.execute(ledger.grants_register(scope_calls)).all()
    return ([_("Application"), _("Grantee"), _("Oblast"), _("Awarded"), _("Agreement"),
             _("Status"), _("Currency"), _("Grant amount"), _("Transferred"), _("Returned")],
            [[number, org, oblast, award.amount, grant.number if grant else None,
              str(GRANT_STATUS_NAMES[grant.status]) if grant else _("no agreement yet"),
              grant.currency if grant else None, grant.amount if grant else None,
              grant.transferred if grant else None, grant.returned if grant else None]
             for award, grant, number, org, oblast in rows], _("Grants"))


@bp.route("/export/<table>.<fmt>")
@roles_required("staff", "finance")
def export(table: str, fmt: str):
    if table not in TABLES or fmt not in ("csv", "xlsx"):
        abort(404)
    header, rows, title = _table(table)
    stamp = utcnow().strftime("%Y%m%d")
    if fmt == "csv":
        return Response(exports.to_csv(header, rows), mimetype=exports.CSV_TYPE, headers={
            "Content-Disposition": f'attachment; filename="{table}-{stamp}.csv"'})
    return Response(exports.to_xlsx(header, rows, title), mimetype=exports.XLSX_TYPE,
                    headers={"Content-Disposition":
                             f'attachment; filename="{table}-{stamp}.xlsx"'})


# ---------------------------------------------------------------------------- open data

@bp.route("/open-data")
def open_data():
    q = (select(Award, Organisation.name)
         .join(Award.application).join(Organisation)
         .options(db.joinedload(Award.application).joinedload(Application.competition))
         .where(Award.id.in_(opendata.published_awards().with_only_columns(Award.id)
                             .order_by(None)))
         .order_by(Award.competition_id.desc(), Award.rank))
    rows = paginate(q, rows=True)
    net = func.sum(case((Transfer.kind == M.RETURN, -Transfer.amount_kgs),
                        else_=Transfer.amount_kgs))
    disbursed = dict(db.session.execute(
        select(Grant.award_id, net).join(Transfer, Transfer.grant_id == Grant.id)
        .where(Grant.award_id.in_([a.id for a, _n in rows.items]))
        .group_by(Grant.award_id)).all()) if rows.items else {}
    return render_template("finance/open_data.html", rows=rows, disbursed=disbursed,
                           prefix=opendata.prefix())


@bp.route("/open-data/360giving.json")
def open_data_json():
    body = json.dumps(opendata.package(), ensure_ascii=False, indent=1)
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": 'inline; filename="360giving.json"'})


@bp.route("/open-data/360giving.csv")
def open_data_csv():
    return Response(opendata.csv_summary(opendata.package()), mimetype=exports.CSV_TYPE,
                    headers={"Content-Disposition": 'attachment; filename="360giving.csv"'})
