"""The ranking of a call, computed in SQL: one query, whatever the number of applications.

Its SELECT's leading columns are named after :class:`RankingRow`'s fields and built in their
order; the frozen sheet's thresholds are applied in the same SELECT, one flag per criterion
with a threshold (and one for the overall threshold), so that a row carries what failed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from itertools import count
from typing import NamedTuple

from sqlalchemy import (
    DateTime,
    Float,
    Numeric,
    and_,
    case,
    cast,
    false,
    func,
    literal,
    null,
    select,
    type_coerce,
)

from gms.competition import ScoringSheet
from gms.extensions import db
from gms.models import Application, Competition, Organisation
from gms.models import applications as A
from gms.services.contract import sheet_for

from .models import Assignment, ConsensusReport, ReviewTotals, Score

RANKED_STATUSES = (A.ELIGIBLE, A.FUNDED, A.RESERVE, A.NOT_FUNDED)
#: the flag of the overall threshold among a row's failed criteria
OVERALL = "overall"


class RankingRow(NamedTuple):
    """One ranked application with its aggregates, computed in SQL.

    A named tuple holding the ranking SELECT's row as it comes (a national call ranks
    100,000 applications: building each row is one tuple copy); ``submitted_at`` (aware, in
    UTC) and ``score`` (the consensus, else the mean) are worked out when read."""

    rank: int
    application_id: int
    number: str
    title: str
    organisation_id: int
    organisation: str
    requested_amount: Decimal
    #: the submission instant as stored: naive, in UTC (``submitted_at`` is the aware one)
    submitted_utc: datetime | None
    reviews: int
    assigned: int
    mean: Decimal | None
    spread: Decimal | None
    consensus: Decimal | None
    diverges: bool
    failed_criteria: tuple[str, ...] = ()

    @property
    def submitted_at(self) -> datetime | None:
        at = self.submitted_utc
        return at.replace(tzinfo=UTC) if at is not None else None

    @property
    def score(self) -> Decimal | None:
        """What ranks the application: the consensus score when confirmed where the rules
        call for one (totals diverging beyond the limit, every sheet in), else the mean."""
        return self.mean if self.consensus is None else self.consensus

    @property
    def passed_thresholds(self) -> bool:
        return not self.failed_criteria

    @property
    def needs_consensus(self) -> bool:
        return self.diverges and self.consensus is None


#: the ranking SELECT's leading columns, by name: RankingRow's fields but the rank (counted
#: as the rows are read) and the failed criteria (from the threshold flags that follow them)
COLUMNS = RankingRow._fields[1:-1]


def exact_decimals() -> bool:
    """PostgreSQL aggregates numerics exactly; SQLite hands back floats, which the columns'
    Numeric(…, 2) type formats to two places on the way out."""
    return db.session.get_bind().dialect.name != "sqlite"


def _two_places(expr):
    """``expr`` rounded half up to 0.01 in SQL, where that is exact (PostgreSQL's numeric);
    SQLite's float is formatted to 0.01 on the way out."""
    return (func.round(expr, 2, type_=Numeric(14, 2)) if exact_decimals()
            else type_coerce(expr, Numeric(14, 2)))


def mean_total():
    """An application's mean submitted total from its review totals: numeric division on
    PostgreSQL (exact to 16 digits or more, like ``avg``), float division on SQLite."""
    total = ReviewTotals.total_sum if exact_decimals() else cast(ReviewTotals.total_sum, Float)
    return total / func.nullif(ReviewTotals.reviews, 0)


def comparable(expr):
    """``expr`` as the row will show it (to 0.01), for comparisons made in SQL."""
    return expr if exact_decimals() else func.round(expr, 2)


def _below(expr, threshold: float):
    """A flag: ``expr`` (NULL never fails) is below ``threshold``, as the sheet compares."""
    limit = literal(Decimal(str(threshold)), Numeric(14, 4))
    return case((expr < limit, True), else_=False)


def _criterion_means(call: Competition, criteria: list):
    """A subquery of each ranked application's mean score on ``criteria`` (N/A left out):
    the application's id as ``aid``, then one column per criterion, ``c_0`` onwards."""
    return (select(Assignment.application_id.label("aid"), *[
        func.avg(case((Score.criterion_key == c.key, Score.value))).label(f"c_{i}")
        for i, c in enumerate(criteria)])
        .join(Score, Score.assignment_id == Assignment.id)
        .join(Application, Application.id == Assignment.application_id)
        .where(Assignment.status == "submitted", Application.competition_id == call.id,
               Application.status.in_(RANKED_STATUSES))
        .group_by(Assignment.application_id).subquery())


def _ranking_select(call: Competition, texts: bool = True):
    """The ranking's SELECT without its ORDER BY, the ORDER BY, and the names of the
    threshold flags that end each row; without ``texts``, NULL for the number, title,
    organisation name and submission time."""
    sheet = sheet_for(call)
    tie_key = tie_break_criterion(call, sheet)
    averaged = [c for c in sheet.criteria if c.threshold is not None or c.key == tie_key]
    per = _criterion_means(call, averaged) if averaged else None
    means = {c.key: per.c[f"c_{i}"] for i, c in enumerate(averaged)}
    mean = _two_places(mean_total())
    limit = call.divergence_limit
    if limit is None:
        diverges, consensus = false(), cast(null(), Numeric(8, 2))
    else:
        beyond = comparable(ReviewTotals.spread) > literal(limit, Numeric(8, 2))
        diverges = case((beyond, True), else_=False)
        # a consensus counts only where the rules call for one, as a commission act:
        # confirmed (the join's condition), the totals diverging beyond the limit, every
        # sheet in
        consensus = case((and_(beyond, ReviewTotals.reviews == ReviewTotals.assigned),
                          ConsensusReport.score))
    score = func.coalesce(consensus, mean_total())
    # naive: RankingRow.submitted_at adds the zone when read, not 100,000 times
    shown = ({"number": Application.number, "title": Application.title,
              "organisation": Organisation.name,
              "submitted_utc": type_coerce(Application.submitted_at, DateTime())} if texts
             else dict.fromkeys(("number", "title", "organisation", "submitted_utc"), null()))
    columns = {
        **shown, "application_id": Application.id,
        "organisation_id": Application.organisation_id,
        "requested_amount": func.coalesce(Application.requested_amount, 0),
        "reviews": func.coalesce(ReviewTotals.reviews, 0),
        "assigned": func.coalesce(ReviewTotals.assigned, 0),
        "mean": mean, "spread": ReviewTotals.spread,
        "consensus": type_coerce(consensus, Numeric(8, 2)), "diverges": diverges}
    flags = {c.key: _below(means[c.key], c.threshold)
             for c in averaged if c.threshold is not None}
    if sheet.overall_threshold is not None:
        flags[OVERALL] = _below(comparable(func.coalesce(consensus, mean)),
                                sheet.overall_threshold)
    q = (select(*[columns[name].label(name) for name in COLUMNS],
                *[flag.label(f"below_{i}") for i, flag in enumerate(flags.values())])
         .outerjoin(ReviewTotals, ReviewTotals.application_id == Application.id)
         .outerjoin(ConsensusReport, and_(ConsensusReport.application_id == Application.id,
                                          ConsensusReport.status == "confirmed"))
         .where(Application.competition_id == call.id,
                Application.status.in_(RANKED_STATUSES)))
    if texts:
        q = q.join(Organisation, Organisation.id == Application.organisation_id)
    if per is not None:
        q = q.outerjoin(per, per.c.aid == Application.id)
    # NULLS LAST rather than a leading "IS NULL" key: same order, and the score stays the
    # first sort key, which PostgreSQL compares by abbreviated keys (a third of the time)
    order = [score.desc().nulls_last()]
    if tie_key:
        order += [means[tie_key].desc().nulls_last()]
    order += [Application.requested_amount.asc(), Application.submitted_at.asc(),
              Application.id.asc()]
    return q, order, tuple(flags)


def ranking_query(call: Competition, texts: bool = True):
    """The SELECT that ranks a call, and the names of the threshold flags ending its rows."""
    q, order, flags = _ranking_select(call, texts)
    return q.order_by(*order), flags


def _ranking_rows(rows, ranks: Iterable[int], flags: tuple[str, ...]) -> list[RankingRow]:
    """RankingRows from rows of the ranking SELECT and their ranks: one tuple per row, plus
    the names of the thresholds failed when the sheet has thresholds."""
    new = tuple.__new__
    if not flags:
        return [new(RankingRow, (rank, *row, ())) for rank, row in zip(ranks, rows, strict=False)]
    leading = len(COLUMNS)
    return [new(RankingRow, (rank, *row[:leading], tuple(
        name for name, below in zip(flags, row[leading:], strict=True) if below)))
        for rank, row in zip(ranks, rows, strict=False)]


def ranking(call: Competition, *, offset: int = 0, limit: int | None = None,
            texts: bool = True) -> list[RankingRow]:
    """Rank eligible applications by mean review total (or the consensus score), then the
    call's tie-break chain: the named criterion's mean, lower requested amount, earlier
    submission, lower id (which can never tie). ``offset`` and ``limit`` give one page of it,
    ranks counted from the top. Without ``texts`` the rows' ``number``, ``title``,
    ``organisation`` and ``submitted_utc`` are None: a decision on a whole call reads none of
    them, and at 100,000 applications producing, sending and converting them is a fifth of
    the time."""
    q, flags = ranking_query(call, texts)
    if offset:
        q = q.offset(offset)
    if limit is not None:
        q = q.limit(limit)
    db.session.flush()  # as the session's own execute would; its ORM row handling is not needed
    rows = _plain_rows(db.session.connection().execute(q), q)
    return _ranking_rows(rows, count(offset + 1), flags)


def _plain_rows(result, q) -> list:
    """All rows of ``result``: the driver's own tuples when SQLAlchemy would convert none of
    the values (PostgreSQL, for the ranking's column types), otherwise SQLAlchemy's rows
    (SQLite's floats and date strings need converting). 100,000 Row objects cost a tenth of
    a second that the ranking does not need to spend."""
    dialect = db.session.get_bind().dialect
    cursor = result.cursor
    description = cursor.description or ()
    if len(description) == len(q.selected_columns) and not any(
            column.type.dialect_impl(dialect).result_processor(dialect, d[1])
            for column, d in zip(q.selected_columns, description, strict=True)):
        rows = cursor.fetchall()
        result.close()
        return rows
    return result.all()


def ranking_size(call: Competition) -> int:
    """How many applications the call's ranking holds (to paginate it)."""
    return db.session.scalar(select(func.count()).select_from(Application).where(
        Application.competition_id == call.id,
        Application.status.in_(RANKED_STATUSES))) or 0


def ranking_around(call: Competition, application_id: int
                   ) -> tuple[RankingRow | None, RankingRow, RankingRow | None] | None:
    """The application's ranking row with the rows just above and below it (``None`` at
    either end), or ``None`` when it is not ranked: one query, ranks by window function."""
    q, order, flags = _ranking_select(call)
    ranked = q.add_columns(func.row_number().over(order_by=order).label("rank")).cte("ranked")
    at = select(ranked.c.rank).where(ranked.c.application_id == application_id
                                     ).scalar_subquery()
    db.session.flush()
    found = db.session.connection().execute(
        select(ranked).where(ranked.c.rank.between(at - 1, at + 1)).order_by(ranked.c.rank)
    ).all()
    rows = _ranking_rows([row[:-1] for row in found], [row.rank for row in found], flags)
    index = next((i for i, r in enumerate(rows) if r.application_id == application_id), None)
    if index is None:
        return None
    return (rows[index - 1] if index else None, rows[index],
            rows[index + 1] if index + 1 < len(rows) else None)


def tie_break_criterion(call: Competition, sheet: ScoringSheet) -> str | None:
    """The criterion named in the call's settings whose higher mean wins a tie, if any."""
    key = (call.settings or {}).get("tie_break_criterion")
    return key if key in {c.key for c in sheet.criteria} else None


def tie_breaks(call: Competition) -> list[str]:
    """The call's tie-break chain, in order, as codes the ranking page explains."""
    key = tie_break_criterion(call, sheet_for(call))
    return (["score_desc"] + ([f"criterion_desc:{key}"] if key else [])
            + ["requested_amount_asc", "submitted_at_asc", "id_asc"])


def two_places(value) -> Decimal | None:
    """``value`` rounded half up to 0.01 (None stays None)."""
    return (Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            if value is not None else None)
