"""Digests of the records that matter, for the tamper check (issue 16).

A record's digest is an HMAC-SHA256, under ``AUDIT_HMAC_KEY``, of a canonical text of its
row: every column but the derived ones (a grant's running totals, checked against the
transfers instead), a score sheet with its scores folded in. The canonical text is the same on
SQLite and PostgreSQL (a backup restores across engines): numbers are written at their
column's scale, instants in UTC to the microsecond, JSON with sorted keys, and a column that is
NULL is left out (so a new nullable column leaves the existing digests as they are).

Besides the digest, each column gets a short tag (the first 8 hex digits of its own HMAC), so
that the check can name the columns that differ without the audit log holding the values.

Rows are read as plain tuples with SQLAlchemy Core, in batches, never through ORM objects:
the audit hook reads the rows a transaction wrote (one query per table), the check streams
whole tables.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import JSON, Boolean, Column, Date, Integer, Numeric, Table, select
from sqlalchemy.engine import Connection

from gms.evaluation.models import (
    Appeal,
    Assignment,
    Award,
    CommissionMember,
    Conflict,
    ConsensusReport,
    Meeting,
    Score,
)
from gms.models import Competition
from gms.models.types import UTCDateTime
from gms.money.models import Grant, GrantReport, Tranche, Transfer

#: a grant's running totals: derived from its transfers, checked against them
GRANT_TOTALS = ("transferred", "returned", "transferred_kgs", "returned_kgs")
#: rows per query when reading given ids
BATCH = 500


def _numeric(column: Column) -> Callable:
    scale = column.type.scale
    step = Decimal(1).scaleb(-scale) if scale is not None else None

    def canon(value) -> str:
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        if step is not None:
            number = number.quantize(step, ROUND_HALF_UP)
        return format(number.normalize() if step is None else number, "f")
    return canon


def _instant(value: datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat(timespec="microseconds")


def _json(value) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=str)


def _canon_of(column: Column) -> Callable:
    kind = column.type
    if isinstance(kind, Numeric) and not isinstance(kind, Integer):
        return _numeric(column)
    if isinstance(kind, UTCDateTime):
        return _instant
    if isinstance(kind, Date):
        return lambda v: v.isoformat() if isinstance(v, date) else str(v)
    if isinstance(kind, JSON):
        return _json
    if isinstance(kind, Boolean):
        return lambda v: "1" if v else "0"
    if isinstance(kind, Integer):
        return lambda v: str(int(v))
    return str


@dataclass(frozen=True)
class Record:
    """A table whose rows carry digests: its name, the columns digested (id first) and, for a
    score sheet, the child table folded into it."""

    table: Table
    columns: tuple[Column, ...]
    canons: tuple[Callable, ...]
    #: the child rows folded in: (table, its columns, the foreign key to this table)
    child: tuple[Table, tuple[Column, ...], Column] | None = None

    @property
    def name(self) -> str:
        return self.table.name


def _record(model, exclude: tuple[str, ...] = (), child=None) -> Record:
    table = model.__table__
    columns = tuple(c for c in table.columns if c.key not in exclude)
    return Record(table, columns, tuple(_canon_of(c) for c in columns), child)


_SCORES = Score.__table__
#: the records that matter, in the order the check reads them
RECORDS: dict[str, Record] = {r.name: r for r in (
    _record(Competition),
    _record(CommissionMember),
    _record(Conflict),
    _record(Assignment, child=(_SCORES, (_SCORES.c.id, _SCORES.c.criterion_key,
                                         _SCORES.c.value, _SCORES.c.comment),
                               _SCORES.c.assignment_id)),
    _record(ConsensusReport),
    _record(Meeting),
    _record(Award),
    _record(Appeal),
    _record(Grant, exclude=GRANT_TOTALS),
    _record(Tranche),
    _record(Transfer),
    _record(GrantReport),
)}
#: columns left out of the digests, checked against their sources by the tamper check
DERIVED: dict[str, tuple[str, ...]] = {"grants": GRANT_TOTALS}
#: tables whose rows are folded into a parent record: table → (parent table, key column)
CHILDREN: dict[str, tuple[str, str]] = {"scores": ("assignments", "assignment_id")}
_SCORE_VALUE = _canon_of(_SCORES.c.value)


def canonical(record: Record, row: tuple, children: Iterable[tuple] = ()) -> dict[str, str]:
    """The row's canonical values by column (NULL columns left out); a sheet's scores as
    ``score:<criterion>``."""
    out = {col.key: canon(value) for col, canon, value in zip(
        record.columns, record.canons, row, strict=True) if value is not None}
    for ident, criterion, value, comment in children:
        out[f"score:{criterion}"] = _json(
            [ident, None if value is None else _SCORE_VALUE(value), comment])
    return out


def digest(key: bytes, table: str, values: dict[str, str]) -> str:
    """The row's digest: HMAC-SHA256 of its table and canonical values."""
    body = _json([table, values]).encode()
    return hmac.new(key, body, hashlib.sha256).hexdigest()


def tags(key: bytes, table: str, values: dict[str, str]) -> dict[str, str]:
    """A short keyed tag per column, to name the columns that differ."""
    return {col: hmac.new(key, _json([table, col, value]).encode(),
                          hashlib.sha256).hexdigest()[:8]
            for col, value in values.items()}


def differing(key: bytes, table: str, values: dict[str, str],
              recorded: dict[str, str] | None) -> list[str]:
    """The columns whose tags differ from ``recorded`` (changed, set or cleared)."""
    if not recorded:
        return []
    now = tags(key, table, values)
    return sorted(col for col in set(now) | set(recorded) if now.get(col) != recorded.get(col))


def _children_of(conn: Connection, record: Record, ids: list[int]) -> dict[int, list[tuple]]:
    table, columns, fk = record.child
    out: dict[int, list[tuple]] = {}
    for row in conn.execute(select(fk, *columns).where(fk.in_(ids))
                            .order_by(fk, columns[0])):
        out.setdefault(row[0], []).append(tuple(row[1:]))
    return out


def read(conn: Connection, record: Record, ids: Iterable[int]) -> dict[int, dict[str, str]]:
    """The canonical values of the rows ``ids`` of ``record`` that exist (a query per
    :data:`BATCH` ids, and one more for a sheet's scores)."""
    ids = sorted(set(ids))
    out: dict[int, dict[str, str]] = {}
    pk = record.columns[0]
    for start in range(0, len(ids), BATCH):
        part = ids[start:start + BATCH]
        rows = conn.execute(select(*record.columns).where(pk.in_(part))).all()
        children = _children_of(conn, record, part) if record.child and rows else {}
        for row in rows:
            out[row[0]] = canonical(record, tuple(row), children.get(row[0], ()))
    return out


def stream(conn: Connection, record: Record, batch: int = 2000
           ) -> Iterator[tuple[int, dict[str, str]]]:
    """Every row of ``record`` as ``(id, canonical values)``, in id order, read in batches
    with server-side cursors (a sheet's scores by a second cursor, merged)."""
    pk = record.columns[0]
    rows = conn.execute(select(*record.columns).order_by(pk)
                        .execution_options(stream_results=True, yield_per=batch))
    if record.child is None:
        for row in rows:
            yield row[0], canonical(record, tuple(row))
        return
    _table, columns, fk = record.child
    kids = iter(conn.execute(select(fk, *columns).order_by(fk, columns[0])
                             .execution_options(stream_results=True, yield_per=batch * 4)))
    kid = next(kids, None)
    for row in rows:
        ident = row[0]
        mine = []
        while kid is not None and kid[0] <= ident:
            if kid[0] == ident:
                mine.append(tuple(kid[1:]))
            kid = next(kids, None)
        yield ident, canonical(record, tuple(row), mine)


def entry_item(key: bytes, table: str, ident: int, values: dict[str, str] | None,
               new: bool = False) -> dict:
    """What an audit entry records of one row: ``{"t", "id", "d", "c"}`` (``"d": None`` for
    a deleted row; ``"n": 1`` for a row the transaction created)."""
    if values is None:
        return {"t": table, "id": ident, "d": None}
    item = {"t": table, "id": ident, "d": digest(key, table, values),
            "c": tags(key, table, values)}
    if new:
        item["n"] = 1
    return item
