"""The full tamper check: the audit chain, and the records that matter against it.

Every audited change records, inside its chained entry, the digest of each record it wrote as
it stood after the change (:mod:`gms.services.row_digests`). The check reads the log once (the
chain, and the last digest recorded for every row), then streams every covered table and
names each row whose content differs from its last recorded digest (the columns, from the
per-column tags), each row no entry describes (added outside the application) and each
recorded row that is gone (removed outside it). Derived values are checked against their
sources: ``review_totals`` against the sheets, a grant's running totals against its
transfers.

Rows written before digests existed, with no baseline taken, are counted as *not covered*:
a row whose id is below that of the first row of its table created since, in a table no
baseline (``gms audit baseline``) covers. Everything else that has no digest is a finding.

The nightly task (``gms.tamper_check``) runs :func:`run_and_store`: the result is kept in
``integrity_checks`` (the audit log page shows the last) and any finding is e-mailed to
``AUDIT_REPORT_EMAIL`` (or else ``AUDIT_ANCHOR_EMAIL``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from flask import current_app
from sqlalchemy import case, func, select

from gms.evaluation.models import ReviewTotals
from gms.evaluation.review_totals import _AGGREGATES
from gms.extensions import db
from gms.i18n import _
from gms.models import AuditEntry, IntegrityCheck
from gms.money.models import Grant, Transfer
from gms.timeutil import utcnow

from . import audit, row_digests
from .notify import send

#: how many findings are described in full (and have their columns named)
DETAILED = 1000
#: findings kept with a stored check and quoted in the e-mail
SUMMARY = 20
BASELINE = "audit.baseline"
BASELINE_ROWS = 2000
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Finding:
    """One row changed, added or removed outside the application, or a derived value that
    disagrees with its sources."""

    table: str
    id: int
    kind: str  # changed, added, removed, derived
    columns: tuple[str, ...] = ()
    entry_id: int | None = None
    entry_action: str | None = None
    detail: str = ""

    def __str__(self) -> str:
        what = {"changed": "changed outside the application",
                "added": "added outside the application (no audit entry describes it)",
                "removed": "removed outside the application",
                "derived": "does not agree with its sources"}[self.kind]
        text = f"{self.table} {self.id}: {what}"
        if self.columns:
            text += f" (columns: {', '.join(self.columns)})"
        if self.detail:
            text += f" ({self.detail})"
        if self.entry_id is not None:
            text += f"; last described by audit entry {self.entry_id}"
            if self.entry_action:
                text += f" ({self.entry_action})"
        return text


@dataclass
class Report:
    """What a check found."""

    broken_entry: int | None = None
    findings: list[Finding] = field(default_factory=list)
    finding_count: int = 0
    not_covered: dict[str, int] = field(default_factory=dict)
    rows_checked: int = 0
    entries_checked: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.broken_entry is None and not self.finding_count

    def add(self, finding: Finding) -> None:
        self.finding_count += 1
        if len(self.findings) < DETAILED:
            self.findings.append(finding)


@dataclass
class _Log:
    """What the audit log says about the covered rows."""

    #: (table, id) → (entry id, digest or None for a deleted row)
    last: dict[tuple[str, int], tuple[int, str | None]] = field(default_factory=dict)
    #: table → the smallest id of a row created since digests are recorded
    first_new: dict[str, int] = field(default_factory=dict)
    #: tables a baseline covered
    baselined: set[str] = field(default_factory=set)
    broken_entry: int | None = None
    entries: int = 0


_LOG_COLUMNS = select(AuditEntry.id, AuditEntry.at, AuditEntry.actor_id, AuditEntry.action,
                      AuditEntry.object_type, AuditEntry.object_id, AuditEntry.payload,
                      AuditEntry.prev_hash, AuditEntry.hash, AuditEntry.digests
                      ).order_by(AuditEntry.id)


def _read_log(conn, key: bytes) -> _Log:
    """One pass over the log: its chain (as :func:`audit.verify`) and the digests."""
    log = _Log()
    prev = audit.GENESIS
    last, first_new = log.last, log.first_new
    for row in conn.execute(_LOG_COLUMNS.execution_options(stream_results=True,
                                                           yield_per=2000)):
        log.entries += 1
        if log.broken_entry is None and not audit._links(prev, row, key):
            log.broken_entry = row.id
        prev = row.hash
        if row.action == BASELINE:
            log.baselined.update((row.payload or {}).get("tables", ()))
        for item in row.digests or ():
            table, ident = item["t"], item["id"]
            last[(table, ident)] = (row.id, item["d"])
            if item.get("n") and ident < first_new.get(table, ident + 1):
                first_new[table] = ident
    return log


def _recorded_tags(conn, entry_id: int, table: str, ident: int) -> tuple[str, dict | None]:
    row = conn.execute(select(AuditEntry.action, AuditEntry.digests)
                       .where(AuditEntry.id == entry_id)).first()
    if row is None:
        return "", None
    item = next((i for i in row.digests or () if i["t"] == table and i["id"] == ident), None)
    return row.action, (item or {}).get("c")


def _check_rows(conn, key: bytes, log: _Log, report: Report) -> None:
    last = log.last  # emptied as the rows are met: what remains was removed
    for name, record in row_digests.RECORDS.items():
        floor = log.first_new.get(name)
        baselined = name in log.baselined
        for ident, values in row_digests.stream(conn, record):
            report.rows_checked += 1
            recorded = last.pop((name, ident), None)
            if recorded is None:
                if not baselined and (floor is None or ident < floor):
                    report.not_covered[name] = report.not_covered.get(name, 0) + 1
                else:
                    report.add(Finding(name, ident, "added"))
                continue
            entry_id, expected = recorded
            if expected is None:
                report.add(Finding(name, ident, "added", entry_id=entry_id,
                                   detail="recorded as deleted"))
            elif row_digests.digest(key, name, values) != expected:
                columns: tuple[str, ...] = ()
                action = None
                if report.finding_count < DETAILED:
                    action, tags = _recorded_tags(conn, entry_id, name, ident)
                    columns = tuple(row_digests.differing(key, name, values, tags))
                report.add(Finding(name, ident, "changed", columns, entry_id, action))
    for (name, ident), (entry_id, expected) in sorted(last.items()):
        if expected is not None:
            action = None
            if report.finding_count < DETAILED:
                action = _recorded_tags(conn, entry_id, name, ident)[0]
            report.add(Finding(name, ident, "removed", entry_id=entry_id,
                               entry_action=action))


def _money(value) -> Decimal:
    return Decimal(str(value if value is not None else 0)).quantize(CENT, ROUND_HALF_UP)


def _check_review_totals(conn, report: Report) -> None:
    """``review_totals`` against the sheets (what :mod:`review_totals` would write)."""
    expected = {row[0]: (int(row[1]), int(row[2]), row[3], row[4])
                for row in conn.execute(_AGGREGATES)}
    table = ReviewTotals.__table__
    for row in conn.execute(select(table.c.application_id, table.c.reviews, table.c.assigned,
                                   table.c.total_sum, table.c.spread)
                            .execution_options(stream_results=True, yield_per=5000)):
        want = expected.pop(row[0], None)
        if want is None:
            report.add(Finding("review_totals", row[0], "derived",
                               detail="totals for an application with no score sheet"))
            continue
        names = ("reviews", "assigned", "total_sum", "spread")
        have = (int(row[1] or 0), int(row[2] or 0), row[3], row[4])
        differ = tuple(n for n, a, b in zip(names, have, want, strict=True)
                       if (a is None) != (b is None)
                       or (a is not None and _money(a) != _money(b)))
        if differ:
            report.add(Finding("review_totals", row[0], "derived", differ, detail=", ".join(
                f"{n} {_shown(a)} but the sheets give {_shown(b)}"
                for n, a, b in zip(names, have, want, strict=True) if n in differ)))
    for application_id in sorted(expected):
        report.add(Finding("review_totals", application_id, "derived",
                           detail="the application's totals are missing"))


def _shown(value) -> str:
    return "none" if value is None else str(value)


def _check_grant_totals(conn, report: Report) -> None:
    """A grant's running totals against its transfers (reversals included)."""
    t = Transfer.__table__
    is_transfer, is_return = t.c.kind == "transfer", t.c.kind == "return"
    sums = {row[0]: row[1:] for row in conn.execute(
        select(t.c.grant_id,
               func.sum(case((is_transfer, t.c.amount), else_=0)),
               func.sum(case((is_return, t.c.amount), else_=0)),
               func.sum(case((is_transfer, t.c.amount_kgs), else_=0)),
               func.sum(case((is_return, t.c.amount_kgs), else_=0)))
        .group_by(t.c.grant_id))}
    g = Grant.__table__
    names = row_digests.GRANT_TOTALS
    for row in conn.execute(select(g.c.id, *(g.c[n] for n in names)).order_by(g.c.id)
                            .execution_options(stream_results=True, yield_per=5000)):
        want = tuple(_money(v) for v in sums.get(row[0], (0, 0, 0, 0)))
        have = tuple(_money(v) for v in row[1:])
        if have != want:
            report.add(Finding("grants", row[0], "derived", tuple(
                n for n, a, b in zip(names, have, want, strict=True) if a != b), detail=", ".join(
                f"{n} {a} but the transfers give {b}"
                for n, a, b in zip(names, have, want, strict=True) if a != b)))


def check() -> Report:
    """Run the full check in one read-only transaction (rolled back at the end)."""
    started = time.perf_counter()
    key = audit._key()
    report = Report()
    conn = db.session.connection()
    try:
        log = _read_log(conn, key)
        report.broken_entry, report.entries_checked = log.broken_entry, log.entries
        _check_rows(conn, key, log, report)
        _check_review_totals(conn, report)
        _check_grant_totals(conn, report)
    finally:
        db.session.rollback()
    report.seconds = time.perf_counter() - started
    return report


def summary_lines(report: Report, limit: int = SUMMARY) -> list[str]:
    """The first findings as text (the broken chain first)."""
    lines = []
    if report.broken_entry is not None:
        lines.append(f"audit log broken at entry {report.broken_entry}")
    lines.extend(str(f) for f in report.findings[:limit - len(lines)])
    return lines


def store(report: Report) -> IntegrityCheck:
    """Keep the result (the audit log page shows the last one); commits."""
    row = IntegrityCheck(at=utcnow(), seconds=round(report.seconds, 3),
                         findings=report.finding_count + (report.broken_entry is not None),
                         not_covered=sum(report.not_covered.values()),
                         rows_checked=report.rows_checked, summary=summary_lines(report))
    db.session.add(row)
    db.session.commit()
    return row


def latest() -> IntegrityCheck | None:
    """The last stored check, if any."""
    return db.session.scalar(select(IntegrityCheck).order_by(IntegrityCheck.id.desc())
                             .limit(1))


def run_and_store() -> IntegrityCheck:
    """The nightly check: run, store, and e-mail the auditor on any finding."""
    report = check()
    row = store(report)
    recipient = (current_app.config.get("AUDIT_REPORT_EMAIL")
                 or current_app.config.get("AUDIT_ANCHOR_EMAIL"))
    if row.findings and recipient:
        lines = "\n".join(f"- {line}" for line in row.summary)
        more = row.findings - len(row.summary)
        send(key=f"tamper-check:{row.id}", recipient=recipient,
             subject=_("GMS tamper check: %(n)d finding(s)", n=row.findings),
             body=_("The tamper check of %(at)s UTC found %(n)d row(s) changed, added or "
                    "removed outside the application, or totals that disagree with their "
                    "sources:\n\n%(lines)s\n\n%(more)s Run \"gms audit verify\" on the "
                    "server for the full list.",
                    at=row.at.isoformat(timespec="seconds"), n=row.findings, lines=lines,
                    more=_("(and %(k)d more)", k=more) if more > 0 else ""))
        db.session.commit()
    return row


def baseline(log_progress: Callable[[str], None] | None = None, *,
             every_row: bool = False) -> int:
    """Record the digests of every covered row no entry describes yet (rows written before
    the digests existed; with ``every_row``, all of them, as after a migration that filled a
    new column), in entries of :data:`BASELINE_ROWS` rows, each its own commit. Run it once
    after upgrading, when the data are known to be right. Returns the rows recorded."""
    key = audit._key()
    log = _read_log(db.session.connection(), key)
    db.session.rollback()
    done = 0
    tables = list(row_digests.RECORDS)
    for name, record in row_digests.RECORDS.items():
        pk = record.columns[0]
        missing = [ident for ident in db.session.scalars(select(pk).order_by(pk))
                   if every_row or (name, ident) not in log.last]
        for start in range(0, len(missing), BASELINE_ROWS):
            part = missing[start:start + BASELINE_ROWS]
            values = row_digests.read(db.session.connection(), record, part)
            _baseline_entry(name, [row_digests.entry_item(key, name, ident, values[ident])
                                   for ident in part if ident in values], tables)
            done += len(part)
        if log_progress:
            log_progress(f"{name}: {len(missing)} row(s) recorded")
    if not done:
        _baseline_entry(None, [], tables)  # on record that the tables are covered
    return done


def _baseline_entry(table: str | None, items: list[dict], tables: list[str]) -> None:
    entry = audit.record(BASELINE, object_type=table or "system",
                         payload={"tables": tables, "rows": len(items)})
    entry.digests = items or None
    db.session.commit()
