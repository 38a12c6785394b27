"""Pagination of SELECTs: two queries per page (count and rows), whatever the table size."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app, request
from sqlalchemy import Select, func, select

from gms.extensions import db


@dataclass
class Page:
    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    def __iter__(self):
        return iter(self.items)


def _requested_page() -> int:
    """``?page=`` as a number from 1 (any other value: 1)."""
    page = request.args.get("page", 1, type=int) or 1
    return max(1, page)


def paginate(query: Select, *, per_page: int | None = None, rows: bool = False) -> Page:
    """One page of ``query`` (page number from ``?page=``); ``rows`` keeps every column."""
    per_page = per_page or current_app.config["PER_PAGE"]
    total = db.session.scalar(select(func.count()).select_from(
        query.order_by(None).subquery())) or 0
    # past the end (even 10**30, which no database takes as an OFFSET): the last page
    page = min(_requested_page(), max(1, math.ceil(total / per_page)))
    result = db.session.execute(query.limit(per_page).offset((page - 1) * per_page))
    items = list(result.unique().all() if rows else result.unique().scalars().all())
    return Page(items, page, per_page, total)


def paginate_with(total: int, fetch: Callable[[int, int], list], *,
                  per_page: int | None = None) -> Page:
    """One page of a list that is not a plain SELECT: ``fetch(offset, limit)`` gives the
    page's items, ``total`` their number (page number from ``?page=``)."""
    per_page = per_page or current_app.config["PER_PAGE"]
    page = min(_requested_page(), max(1, math.ceil(total / per_page)))  # past the end: last
    return Page(list(fetch((page - 1) * per_page, per_page)), page, per_page, total)
