"""Each application's review totals, kept current as its score sheets change.

A ranking needs, per application, the mean and spread of the submitted sheets' totals and the
numbers of submitted and assigned sheets. Aggregating every sheet of a national call on each
ranking (300,000 sheets for 100,000 applications) took PostgreSQL half a second; the
``review_totals`` table holds the result instead, one row per application with sheets. It
keeps the sum of the totals, not their mean, which each engine would round its own way; the
ranking divides.

The table is maintained here, whatever changes the sheets: a flush that writes a new, changed
or deleted :class:`~gms.evaluation.models.Assignment` recomputes the totals of those
applications, in the same transaction. On PostgreSQL it first takes a transaction lock per
application (advisory, in id order), so two members submitting sheets of one application at
once cannot both write totals that miss the other's sheet: the second waits for the first to
commit, and its next statement reads both sheets. The audit chain's lock is taken later, when
the transaction commits, so the locks are always taken in one order. Writes that bypass the ORM
(bulk loads) call :func:`refresh` or :func:`refresh_all` themselves."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Select, bindparam, case, delete, event, func, insert, select, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session
from sqlalchemy.types import Integer

from .models import Assignment, ReviewTotals

_SUBMITTED = Assignment.status == "submitted"
_TOTAL = case((_SUBMITTED, Assignment.total))
#: the totals of every application with sheets, in the table's column order
_AGGREGATES = (
    select(Assignment.application_id,
           func.count(_TOTAL),  # a submitted sheet always has its total
           func.count(case((Assignment.status.in_(("pending", "submitted")), 1))),
           func.sum(_TOTAL),
           func.max(_TOTAL) - func.min(_TOTAL))
    .group_by(Assignment.application_id))
_COLUMNS = ("application_id", "reviews", "assigned", "total_sum", "spread")
_TABLE = ReviewTotals.__table__
#: one lock per application, taken in the array's order (unnest keeps it); the two-key
#: advisory locks are a key space apart from the audit chain's one-key lock
_LOCK = text("SELECT pg_advisory_xact_lock(7302, id) FROM unnest(:ids) AS id").bindparams(
    bindparam("ids", type_=ARRAY(Integer)))


def refresh(connection: Connection, application_ids: Iterable[int] | Select) -> None:
    """Recompute the review totals of ``application_ids`` from their sheets, on
    ``connection`` and in its transaction. Given ids, it locks those applications first;
    given a SELECT of ids (a bulk load), it takes no lock."""
    if isinstance(application_ids, Select):
        ids = application_ids
    else:
        ids = sorted(application_ids)
        if not ids:
            return
        if connection.dialect.name == "postgresql":
            connection.execute(_LOCK, {"ids": ids})
    connection.execute(delete(_TABLE).where(_TABLE.c.application_id.in_(ids)))
    connection.execute(insert(_TABLE).from_select(
        _COLUMNS, _AGGREGATES.where(Assignment.application_id.in_(ids))))


def refresh_all(connection: Connection) -> None:
    """Recompute every application's review totals (after a bulk load of sheets)."""
    connection.execute(delete(_TABLE))
    connection.execute(insert(_TABLE).from_select(_COLUMNS, _AGGREGATES))


@event.listens_for(Session, "after_flush")
def _refresh_after_flush(session: Session, _context) -> None:
    """Recompute the totals of the applications whose sheets this flush wrote, so that what
    the transaction reads next (a ranking before its commit, say) agrees with its sheets."""
    changed = {obj.application_id for group in (session.new, session.dirty, session.deleted)
               for obj in group if isinstance(obj, Assignment)}
    if changed:
        refresh(session.connection(), changed)
