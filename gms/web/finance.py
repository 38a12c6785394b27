"""Money after the award: agreements, payment plans, transfers, co-financing, reports, the
ledger and dashboard with exports, the grantee's pages and the open-data page.

Roles: ``staff`` prepare and sign agreements and decide on reports; ``finance`` record money
(transfers, reversals, returns, closing); both see the ledger. Grantees (applicants) see their
own grants and send reports. The open-data page and its files are public.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import format_date
from flask_login import current_user
from sqlalchemy import case, func, select
from wtforms import StringField
from wtforms.validators import Length

from gms.amounts import parse_decimal, parse_int
from gms.competition.payee import MAX_LENGTH as PAYEE_MAX_LENGTH
from gms.extensions import db
from gms.forms import Form, refuse_unstorable_input
from gms.i18n import _, _l
from gms.models import (
    Application,
    Award,
    Contribution,
    Grant,
    GrantDocument,
    GrantReport,
    Organisation,
    Tranche,
    Transfer,
)
from gms.models import money as M
from gms.services import (
    agreements,
    exchange_rates,
    exports,
    grant_documents,
    grant_reports,
    ledger,
    opendata,
    payee_accounts,
)
from gms.services import transfers as money
from gms.services.common import ServiceError
from gms.timeutil import utcnow

from .access import flashing_errors, get_or_404, managed_call, roles_required, scope_calls
from .pagination import paginate, paginate_with

bp = Blueprint("finance", __name__, url_prefix="/finance")
bp.before_request(refuse_unstorable_input())

GRANT_STATUS_NAMES = {M.UNSIGNED: _l("not signed"), M.ACTIVE: _l("active"),
                      M.CLOSED: _l("closed")}
REPORT_STATUS_NAMES = {M.DUE: _l("expected"), M.SUBMITTED: _l("sent"),
                       M.APPROVED: _l("approved"), M.RETURNED: _l("returned for changes")}
REPORT_KIND_NAMES = {M.PROGRESS: _l("Progress report"), M.FINAL: _l("Final report")}
SOURCE_NAMES = {"local_budget": _l("Local budget"), "community_cash": _l("Community cash"),
                "in_kind": _l("In kind"), "labour": _l("Labour"),
                "other_donors": _l("Other donors")}
DOCUMENT_NAMES = {"signed_agreement": _l("Signed agreement"), "photo": _l("Photo"),
                  "procurement": _l("Procurement document"),
                  "monitoring": _l("Monitoring group's findings"), "other": _l("Other")}
COLUMN_NAMES = {"envelope": _l("Envelope"), "awarded": _l("Awarded"), "signed": _l("Signed"),
                "transferred": _l("Transferred"), "cofinanced": _l("Co-financed"),
                "reported": _l("Reported"), "returned": _l("Returned"),
                "available": _l("Available")}
TABLES = ("calls", "funds", "oblasts", "transfers", "grants")
#: the largest amount a money column (14 digits, 2 after the point) holds
MAX_MONEY = Decimal("999999999999.99")


class PayeeForm(Form):
    """Staff correct the grantee's local-budget account and treasury code on the grant (the
    application's values, copied when the agreement was prepared)."""

    recipient_account = StringField(_l("Local-budget account or treasury code"),
                                    validators=[Length(max=PAYEE_MAX_LENGTH)])
    treasury_code = StringField(_l("Treasury code"),
                                validators=[Length(max=PAYEE_MAX_LENGTH)])


@bp.app_context_processor
def _names():
    return {"GRANT_STATUS_NAMES": GRANT_STATUS_NAMES, "REPORT_STATUS_NAMES": REPORT_STATUS_NAMES,
            "REPORT_KIND_NAMES": REPORT_KIND_NAMES, "SOURCE_NAMES": SOURCE_NAMES,
            "DOCUMENT_NAMES": DOCUMENT_NAMES, "COLUMN_NAMES": COLUMN_NAMES,
            "amount_text": agreements.amount_text}


@bp.app_template_filter("day")
def day(value: date | None) -> str:
    """A calendar date (no time of day) in the current locale."""
    return format_date(value, "medium") if value is not None else "—"


# ------------------------------------------------------------------------------ helpers

def _decimal(name: str) -> Decimal | None:
    raw = (request.form.get(name) or "").strip()
    if not raw:
        return None
    try:  # ASCII digits only: not １０００, ١٠٠, 1_000 or 1e5, which Decimal() reads
        value = parse_decimal(raw)
    except ValueError:
        raise ServiceError(_("Enter amounts as numbers with the digits 0–9, e.g. 150 000,50 "
                             "or 150000.50.")) from None
    # what a money column holds, rounded to the tyiyn (no arithmetic on 1e999999999 first)
    if not value.is_finite() or value.adjusted() >= 12 or abs(value) > MAX_MONEY:
        raise ServiceError(_("Enter amounts as numbers, e.g. 150000.50."))
    return value


def _date(name: str) -> date | None:
    raw = (request.form.get(name) or "").strip()
    if not raw:
        return None
    try:  # YYYY-MM-DD as a date input sends it (not 2026-W09-1 or 20260301)
        if len(raw) != 10 or not raw.isascii():
            raise ValueError(raw)
        return date.fromisoformat(raw)
    except ValueError:
        raise ServiceError(_("Enter dates as year, month and day.")) from None


def _int(name: str) -> int | None:
    raw = (request.form.get(name) or "").strip()
    if not raw:
        return None
    try:  # ASCII digits only (not ², １０００ or 1_000)
        value = parse_int(raw)
    except ValueError as exc:
        raise ServiceError(str(exc)) from None
    if abs(value) >= 10**9:  # fits a column
        raise ServiceError(_("Enter a whole number."))
    return value


def _upload(name: str) -> tuple[str, bytes]:
    f = request.files.get(name)
    if f is None or not f.filename:
        return "", b""
    return f.filename, f.read()


def _managed_award(award_id: int) -> Award:
    award = get_or_404(Award, award_id)
    managed_call(award.competition_id)
    return award


def _managed_grant(grant_id: int) -> Grant:
    grant = get_or_404(Grant, grant_id)
    managed_call(grant.award.competition_id)
    return grant


def _grant_visible(grant: Grant) -> None:
    """Staff and finance of the call, or the grantee's own users; 404 for anyone else."""
    if not current_user.is_authenticated:
        abort(404)
    if current_user.has_role("staff", "finance"):
        managed_call(grant.award.competition_id)
        return
    org = current_user.organisation_id
    if (current_user.role != "applicant" or org is None
            or grant.award.application.organisation_id != org):
        abort(404)


def _own_grant(grant_id: int) -> Grant:
    grant = get_or_404(Grant, grant_id)
    org = current_user.organisation_id
    if org is None or grant.award.application.organisation_id != org:
        abort(404)
    return grant


def _back(award_id: int):
    return redirect(url_for("finance.award", award_id=award_id))


def _act(award_id: int, action, done: str):
    """Run a service call, flash its result and go back to the award's money page."""
    with flashing_errors():
        action()
        flash(done, "success")
    return _back(award_id)


# ----------------------------------------------------------------------------- dashboard

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


# -------------------------------------------------------------------- an award's money

@bp.route("/awards/<int:award_id>")
@roles_required("staff", "finance")
def award(award_id: int):
    a = _managed_award(award_id)
    grant = agreements.grant_of(a)
    context = {"award": a, "application": a.application, "call": a.application.competition,
               "grant": grant}
    if grant is not None:
        context.update(_grant_context(grant))
    return render_template("finance/grant.html", **context)


def _grant_context(grant: Grant) -> dict:
    paid = dict(db.session.execute(
        select(Transfer.tranche_id, func.sum(Transfer.amount)).where(
            Transfer.grant_id == grant.id, Transfer.kind == M.TRANSFER)
        .group_by(Transfer.tranche_id)).all())
    records = db.session.scalars(select(Transfer).where(Transfer.grant_id == grant.id)
                                 .order_by(Transfer.value_date, Transfer.id)).all()
    contributions = db.session.scalars(select(Contribution).where(
        Contribution.grant_id == grant.id).order_by(Contribution.id)).all()
    reports = grant_reports.reports_of(grant)
    documents = db.session.scalars(select(GrantDocument).where(
        GrantDocument.grant_id == grant.id).order_by(GrantDocument.id)).all()
    promised, promised_share = agreements.cofinancing(grant, M.PROMISED)
    actual, actual_share = agreements.cofinancing(grant, M.ACTUAL)
    return {
        "tranches": list(grant.tranches), "paid": paid, "records": records,
        "reversed": {r.reverses_id for r in records if r.reverses_id},
        "contributions": contributions, "reports": reports,
        "report_documents": {r.id: [d for d in documents if d.report_id == r.id]
                             for r in reports},
        "scan": agreements.signed_scan(grant),
        "cofinancing": {"promised": promised, "promised_share": promised_share,
                        "actual": actual, "actual_share": actual_share,
                        "minimum": agreements.minimum_cofinancing(grant)},
        "today": agreements.today(),
        "payee_form": PayeeForm(formdata=None, obj=grant),
        "rate_band": exchange_rates.band_text(),
        "chf_range": exchange_rates.chf_range(grant.award.amount),
    }


@bp.route("/awards/<int:award_id>/open", methods=["POST"])
@roles_required("staff")
def open_grant(award_id: int):
    a = _managed_award(award_id)
    return _act(a.id, lambda: agreements.open_grant(
        a, current_user, language=request.form.get("language", "ru")),
        _("The agreement is prepared with the call's payment plan."))


@bp.route("/grants/<int:grant_id>/terms", methods=["POST"])
@roles_required("staff")
def terms(grant_id: int):
    grant = _managed_grant(grant_id)

    def action():
        agreements.set_terms(
            grant, current_user, language=request.form.get("language", ""),
            currency=request.form.get("currency", "KGS"), amount=_decimal("amount"),
            starts_on=_date("starts_on"), ends_on=_date("ends_on"),
            recipient_account=request.form.get("recipient_account"))

    return _act(grant.award_id, action, _("The agreement's terms are saved."))


@bp.route("/grants/<int:grant_id>/payee", methods=["POST"])
@roles_required("staff")
def payee(grant_id: int):
    """Staff correct the grantee's account and treasury code (audited, at any time)."""
    grant = _managed_grant(grant_id)
    form = PayeeForm()
    if not form.validate():
        for name, errors in form.errors.items():
            for error in errors:
                flash(f"{form[name].label.text}: {error}", "error")
        return _back(grant.award_id)
    with flashing_errors():
        changed = payee_accounts.correct(grant, account=form.recipient_account.data,
                                         treasury_code=form.treasury_code.data,
                                         actor=current_user)
        flash(_("The account and treasury code are corrected.") if changed else
              _("The account and treasury code are as they were."), "success")
    return _back(grant.award_id)


@bp.route("/grants/<int:grant_id>/plan", methods=["POST"])
@roles_required("staff")
def plan(grant_id: int):
    grant = _managed_grant(grant_id)

    def action():
        specs = []
        for i in range(agreements.MAX_TRANCHES):
            amount, percent = _decimal(f"t{i}-amount"), _decimal(f"t{i}-percent")
            due_on, milestone = _date(f"t{i}-due_on"), request.form.get(f"t{i}-milestone", "")
            gated = request.form.get(f"t{i}-requires_report") == "on"
            if amount is None and percent is None:
                continue
            specs.append(agreements.TrancheSpec(
                percent=None if amount is not None else percent, amount=amount,
                due_on=due_on, milestone=milestone, requires_report=gated))
        agreements.set_plan(grant, specs, current_user)

    return _act(grant.award_id, action, _("The payment plan is saved."))


@bp.route("/grants/<int:grant_id>/agreement.pdf")
def agreement_pdf(grant_id: int):
    grant = get_or_404(Grant, grant_id)
    _grant_visible(grant)
    lang = request.args.get("lang") or grant.language
    if lang not in agreements.AGREEMENT_LANGUAGES:
        abort(404)
    return Response(agreements.agreement_pdf(grant, lang), mimetype="application/pdf",
                    headers={"Content-Disposition":
                             f'attachment; filename="{grant.number}-{lang}.pdf"'})


@bp.route("/grants/<int:grant_id>/sign", methods=["POST"])
@roles_required("staff")
def sign(grant_id: int):
    grant = _managed_grant(grant_id)

    def action():
        filename, data = _upload("scan")
        agreements.sign(grant, grantee_signed_on=_date("grantee_signed_on"),
                        programme_signed_on=_date("programme_signed_on"), filename=filename,
                        data=data, actor=current_user)

    return _act(grant.award_id, action,
                _("The signature is recorded: the grant is active and can receive money."))


@bp.route("/grants/<int:grant_id>/contributions", methods=["POST"])
@roles_required("staff", "finance")
def contribution(grant_id: int):
    grant = _managed_grant(grant_id)

    def action():
        agreements.add_contribution(
            grant, stage=request.form.get("stage", ""), source=request.form.get("source", ""),
            amount=_decimal("amount"), note=request.form.get("note", ""), actor=current_user)

    return _act(grant.award_id, action, _("The contribution is recorded."))


@bp.route("/documents/<int:document_id>")
def document(document_id: int):
    doc = get_or_404(GrantDocument, document_id)
    _grant_visible(db.session.get(Grant, doc.grant_id))
    path = grant_documents.path_of(doc)
    if not path.exists():
        abort(404)
    return send_file(path, mimetype=doc.content_type, as_attachment=True,
                     download_name=doc.filename)


# ------------------------------------------------------------------------ money records

@bp.route("/tranches/<int:tranche_id>/release", methods=["POST"])
@roles_required("finance")
def release(tranche_id: int):
    tranche = get_or_404(Tranche, tranche_id)
    grant = _managed_grant(tranche.grant_id)
    return _act(grant.award_id, lambda: money.release_tranche(tranche, current_user),
                _("Tranche %(n)d is released for payment.", n=tranche.number))


@bp.route("/grants/<int:grant_id>/transfers", methods=["POST"])
@roles_required("finance")
def record_transfer(grant_id: int):
    grant = _managed_grant(grant_id)

    def action():
        money.record_transfer(
            grant, tranche_id=request.form.get("tranche_id", type=int),
            value_date=_date("value_date"), amount_kgs=_decimal("amount_kgs"),
            payment_order=request.form.get("payment_order", ""),
            recipient_account=request.form.get("recipient_account"),
            treasury_code=request.form.get("treasury_code"),
            exchange_rate=_decimal("exchange_rate"), note=request.form.get("note", ""),
            actor=current_user)

    return _act(grant.award_id, action, _("The transfer is recorded."))


@bp.route("/transfers/<int:transfer_id>/reverse", methods=["POST"])
@roles_required("finance")
def reverse(transfer_id: int):
    record = get_or_404(Transfer, transfer_id)
    grant = _managed_grant(record.grant_id)

    def action():
        money.reverse(record, value_date=_date("value_date"),
                      payment_order=request.form.get("payment_order", ""),
                      reason=request.form.get("reason", ""), actor=current_user)

    return _act(grant.award_id, action, _("The reversing entry is recorded."))


@bp.route("/grants/<int:grant_id>/returns", methods=["POST"])
@roles_required("finance")
def record_return(grant_id: int):
    grant = _managed_grant(grant_id)

    def action():
        money.record_return(grant, value_date=_date("value_date"),
                            amount_kgs=_decimal("amount_kgs"),
                            payment_order=request.form.get("payment_order", ""),
                            exchange_rate=_decimal("exchange_rate"),
                            note=request.form.get("note", ""), actor=current_user)

    return _act(grant.award_id, action, _("The returned money is recorded."))


@bp.route("/grants/<int:grant_id>/close", methods=["POST"])
@roles_required("finance")
def close(grant_id: int):
    grant = _managed_grant(grant_id)

    def action():
        money.close(grant, returned_kgs=_decimal("returned_kgs"), value_date=_date("value_date"),
                    payment_order=request.form.get("payment_order", ""),
                    exchange_rate=_decimal("exchange_rate"), note=request.form.get("note", ""),
                    shortfall_reason=request.form.get("shortfall_reason", ""),
                    actor=current_user)

    return _act(grant.award_id, action, _("The grant is closed."))


# ------------------------------------------------------------------------------ reports

@bp.route("/reports/<int:report_id>")
@roles_required("staff", "finance")
def report(report_id: int):
    r = get_or_404(GrantReport, report_id)
    grant = _managed_grant(r.grant_id)
    return render_template("finance/report.html", report=r, grant=grant,
                           documents=grant_reports.documents_of(r))


@bp.route("/reports/<int:report_id>/decide", methods=["POST"])
@roles_required("staff")
def decide_report(report_id: int):
    r = get_or_404(GrantReport, report_id)
    _managed_grant(r.grant_id)
    approve = request.form.get("decision") == "approve"
    with flashing_errors():
        grant_reports.decide(r, approve=approve, comment=request.form.get("comment", ""),
                             staff=current_user)
        flash(_("The report is approved.") if approve else
              _("The report is returned to the grantee with your comments."), "success")
    return redirect(url_for("finance.report", report_id=r.id))


@bp.route("/reports/<int:report_id>/monitoring", methods=["POST"])
@roles_required("staff")
def monitoring(report_id: int):
    r = get_or_404(GrantReport, report_id)
    _managed_grant(r.grant_id)
    with flashing_errors():
        filename, data = _upload("file")
        grant_reports.attach_monitoring(r, findings=request.form.get("findings", ""),
                                        filename=filename, data=data, staff=current_user)
        flash(_("The monitoring group's findings are attached."), "success")
    return redirect(url_for("finance.report", report_id=r.id))


# ------------------------------------------------------------------------------ grantee

@bp.route("/my")
@roles_required("applicant")
def my_grants():
    q = (select(Grant).join(Award, Award.id == Grant.award_id)
         .join(Application, Application.id == Award.application_id)
         .where(Application.organisation_id == current_user.organisation_id)
         .options(db.joinedload(Grant.award).joinedload(Award.application))
         .order_by(Grant.opened_at.desc()))
    return render_template("finance/my_grants.html", grants=paginate(q))


@bp.route("/my/grants/<int:grant_id>")
@roles_required("applicant")
def my_grant(grant_id: int):
    grant = _own_grant(grant_id)
    return render_template("finance/my_grant.html", grant=grant, award=grant.award,
                           application=grant.award.application, **_grant_context(grant))


def _spending_lines() -> list[grant_reports.SpendingLine]:
    lines = []
    for i in range(grant_reports.MAX_LINES):
        name = (request.form.get(f"line-{i}-name") or "").strip()
        budgeted, spent = _decimal(f"line-{i}-budgeted"), _decimal(f"line-{i}-spent")
        if not name and budgeted is None and spent is None:
            continue
        lines.append(grant_reports.SpendingLine(name, budgeted, spent or Decimal(0)))
    return lines


@bp.route("/my/reports/<int:report_id>", methods=["GET", "POST"])
@roles_required("applicant")
def my_report(report_id: int):
    r = get_or_404(GrantReport, report_id)
    grant = _own_grant(r.grant_id)
    if request.method == "POST":
        submit = request.form.get("action") == "submit"
        try:
            files = []
            for kind in grant_reports.REPORT_FILE_KINDS:
                for f in request.files.getlist(kind):
                    if f and f.filename:
                        files.append((kind, f.filename, f.read()))
            grant_reports.save(
                r, narrative=request.form.get("narrative", ""), lines=_spending_lines(),
                beneficiaries=_int("beneficiaries"),
                monitoring_findings=request.form.get("monitoring_findings", ""), files=files,
                user=current_user, submit=submit)
            flash(_("The report is sent to the programme.") if submit else
                  _("The draft is saved."), "success")
            return redirect(url_for("finance.my_report", report_id=r.id))
        except ServiceError as exc:
            flash(exc.message, "error")
    return render_template("finance/report_form.html", report=r, grant=grant,
                           documents=grant_reports.documents_of(r),
                           spare=max(3, len(r.spending or []) + 2))


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
