"""Conflicts of interest: the rule that detects them, and what bars a member.

The rule is one declarative list, :data:`CONDITIONS`: each condition compares a fact of the
member with one of the applicant (the same organisation, municipality or rayon) or looks the
applicant up among the member's recorded links. The same condition is evaluated on Python
values (:func:`detect`, the check before an assignment or a score sheet) and on SQL
expressions (:func:`detect_in_call`, the hints of the commission's page, and
:func:`barred_condition`, the filter of a member's lists): the three cannot disagree, as each
is derived from the list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, exists, false, or_, select, true
from sqlalchemy.orm import aliased
from sqlalchemy.sql import ColumnElement

from gms.extensions import db
from gms.i18n import _, _l
from gms.models import Application, Competition, Organisation, Territory, User
from gms.models import applications as A
from gms.services import audit
from gms.services.common import ServiceError, commit

from .models import Conflict, MemberLink


@dataclass(frozen=True)
class Side:
    """The facts a condition compares, of a member or of an applicant: Python values, or SQL
    expressions. ``links`` (a member's only) holds the organisations the member recorded a
    link to: a set, or a SELECT of their ids."""

    organisation_id: Any
    territory_code: Any
    rayon: Any
    links: Any = None


def _same(field: str) -> tuple[Callable, Callable]:
    """Python and SQL forms of "the member's ``field`` is known and is the applicant's"."""
    def python(member: Side, applicant: Side) -> bool:
        mine = getattr(member, field)
        return mine is not None and mine == getattr(applicant, field)

    def sql(member: Side, applicant: Side) -> ColumnElement:
        mine, theirs = getattr(member, field), getattr(applicant, field)
        if not isinstance(mine, ColumnElement):  # one member's known value
            return false() if mine is None else theirs == mine
        return and_(mine.is_not(None), mine == theirs)

    return python, sql


def _linked() -> tuple[Callable, Callable]:
    """Python and SQL forms of "the member recorded a link to the applicant"."""
    return (lambda member, applicant: applicant.organisation_id in member.links,
            lambda member, applicant: applicant.organisation_id.in_(member.links))


@dataclass(frozen=True)
class ConflictCondition:
    """One cause of a conflict of interest, with its reason as the commission reads it.

    ``in_own_call``: whether it counts in a municipality's own call, where the commission and
    the applicants share the territory (only the member's own organisation and recorded links
    count there)."""

    code: str
    reason: Any
    in_own_call: bool
    test: tuple[Callable, Callable]

    def holds(self, member: Side, applicant: Side) -> bool:
        return self.test[0](member, applicant)

    def sql(self, member: Side, applicant: Side) -> ColumnElement:
        return self.test[1](member, applicant)


#: the conflict rule, first reason first
CONDITIONS = (
    ConflictCondition("own_organisation", _l("member of the applicant organisation"), True,
                      _same("organisation_id")),
    ConflictCondition("recorded_link", _l("a link to the applicant recorded by the member"),
                      True, _linked()),
    ConflictCondition("same_municipality", _l("same municipality"), False,
                      _same("territory_code")),
    ConflictCondition("same_rayon", _l("same rayon"), False, _same("rayon")),
)


def _applying(own_call: bool) -> tuple[ConflictCondition, ...]:
    return tuple(c for c in CONDITIONS if c.in_own_call or not own_call)


@dataclass(frozen=True)
class ConflictHint:
    """A possible conflict found by the rules."""

    application_id: int
    user_id: int
    reason: str


def _python_side(org: Organisation | None, links: set[int] | None = None) -> Side:
    territory = org.territory if org is not None else None
    return Side(org.id if org is not None else None,
                org.territory_code if org is not None else None,
                territory.rayon if territory is not None else None, links or set())


def detect(applications: list[Application], user_ids: list[int]) -> list[ConflictHint]:
    """Possible conflicts by :data:`CONDITIONS` (the first that holds gives the reason), in
    the order of ``applications``, then of ``user_ids``. Three queries in all."""
    if not applications or not user_ids:
        return []
    conditions = _applying(bool(applications[0].competition.organiser_id))
    users = {u.id: u for u in db.session.scalars(
        select(User).where(User.id.in_(user_ids))
        .options(db.joinedload(User.organisation).joinedload(Organisation.territory)))}
    links: dict[int, set[int]] = {}
    for link in db.session.scalars(select(MemberLink).where(MemberLink.user_id.in_(user_ids))):
        links.setdefault(link.user_id, set()).add(link.organisation_id)
    members = {uid: _python_side(u.organisation, links.get(uid)) for uid, u in users.items()}
    hints = []
    for app in applications:
        applicant = _python_side(app.organisation)
        for uid in user_ids:
            member = members.get(uid)
            reason = next((c.reason for c in conditions if member is not None
                           and c.holds(member, applicant)), None)
            if reason is not None:
                hints.append(ConflictHint(app.id, uid, str(reason)))
    return hints


def detect_in_call(call: Competition, user_ids: list[int], limit: int) -> list[ConflictHint]:
    """The first ``limit`` of :func:`detect`'s hints for the call's eligible applications, in
    the same order (application, then member) with the same reasons, found in SQL: one
    query that reads no application it does not report."""
    conditions = _applying(bool(call.organiser_id))
    if not user_ids:
        return []
    org, mine = aliased(Organisation), aliased(Organisation)
    place, home = aliased(Territory), aliased(Territory)
    member = Side(mine.id, mine.territory_code, home.rayon,
                  select(MemberLink.organisation_id).where(MemberLink.user_id == User.id))
    applicant = Side(org.id, org.territory_code, place.rayon)
    tests = [c.sql(member, applicant) for c in conditions]
    reason = case(*[(test, i) for i, test in enumerate(tests)])
    position = case({uid: i for i, uid in enumerate(user_ids)}, value=User.id)
    rows = db.session.execute(
        select(Application.id, User.id, reason)
        .join(org, org.id == Application.organisation_id)
        .outerjoin(place, place.soate_code == org.territory_code)
        .join(User, User.id.in_(user_ids))
        .outerjoin(mine, mine.id == User.organisation_id)
        .outerjoin(home, home.soate_code == mine.territory_code)
        .where(Application.competition_id == call.id, Application.status == A.ELIGIBLE,
               or_(*tests))
        .order_by(Application.id, position).limit(limit)).all()
    return [ConflictHint(aid, uid, str(conditions[code].reason)) for aid, uid, code in rows]


def _applicant_in_sql() -> Side:
    """The applicant's facts as SQL expressions correlated with :class:`Application` only,
    whatever the outer query joins."""
    org, place = aliased(Organisation), aliased(Territory)
    return Side(Application.organisation_id,
                select(org.territory_code).where(org.id == Application.organisation_id)
                .scalar_subquery(),
                select(place.rayon).join(org, org.territory_code == place.soate_code)
                .where(org.id == Application.organisation_id).scalar_subquery())


def barred_condition(user: User) -> ColumnElement:
    """An SQL condition on :class:`Application`: a conflict of interest bars ``user`` from
    the application, as :func:`is_blocked` decides (a recorded conflict that recuses, or a
    detection by :data:`CONDITIONS` staff did not override). Built from the user's
    organisation and its territory; it adds no query per row, so a list can filter and
    paginate by it in SQL."""
    def recorded(source: str, status: str):
        return exists().where(Conflict.application_id == Application.id,
                              Conflict.user_id == user.id, Conflict.source == source,
                              Conflict.status == status)

    member = _python_side(user.organisation)
    member = Side(member.organisation_id, member.territory_code, member.rayon,
                  select(MemberLink.organisation_id).where(MemberLink.user_id == user.id))
    applicant = _applicant_in_sql()
    call = aliased(Competition)
    own_call = exists().where(call.id == Application.competition_id,
                              call.organiser_id.is_not(None))
    detected = or_(*[and_(c.sql(member, applicant), true() if c.in_own_call else ~own_call)
                     for c in CONDITIONS])
    return or_(*[recorded(source, "conflict") for source in RECUSING_SOURCES],
               and_(detected, ~recorded("detected", "overridden")))


def _records(application_ids: list[int], user_ids: list[int] | None = None) -> list[Conflict]:
    q = select(Conflict).where(Conflict.application_id.in_(application_ids))
    if user_ids is not None:
        q = q.where(Conflict.user_id.in_(user_ids))
    return db.session.scalars(q).all()


#: the sources of a recorded conflict that recuses the member: their own declaration, or an
#: applicant's claim staff upheld (:mod:`gms.evaluation.conflict_claims`)
RECUSING_SOURCES = ("declared", "claim")


def blocked_pairs(applications: list[Application], user_ids: list[int]) -> set[tuple[int, int]]:
    """Pairs that may not be assigned: declared conflicts, upheld claims and detections not
    overridden."""
    records = _records([a.id for a in applications], user_ids)
    overridden = {(r.application_id, r.user_id) for r in records if r.status == "overridden"}
    pairs = {(r.application_id, r.user_id) for r in records
             if r.source in RECUSING_SOURCES and r.status == "conflict"}
    pairs |= {(h.application_id, h.user_id) for h in detect(applications, user_ids)
              if (h.application_id, h.user_id) not in overridden}
    return pairs


def is_blocked(application: Application, user_id: int) -> bool:
    return (application.id, user_id) in blocked_pairs([application], [user_id])


def declared_conflicts(application: Application) -> list[User]:
    """The members recused from the application for a conflict of interest (declared, or
    an applicant's claim staff upheld), by name."""
    return db.session.scalars(select(User).where(User.id.in_(select(Conflict.user_id).where(
        Conflict.application_id == application.id, Conflict.source.in_(RECUSING_SOURCES),
        Conflict.status == "conflict"))).order_by(User.name)).all()


def override(application: Application, user_id: int, reason: str, staff: User,
             now: datetime) -> None:
    """Staff clear a detected conflict, only with a written reason (logged)."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("A written reason is required to override a detected conflict."))
    if not any(h.user_id == user_id for h in detect([application], [user_id])):
        raise ServiceError(_("No conflict was detected for this member."), 409)
    row = db.session.scalar(select(Conflict).where(
        Conflict.application_id == application.id, Conflict.user_id == user_id,
        Conflict.source == "detected"))
    if row is None:
        row = Conflict(application_id=application.id, user_id=user_id, source="detected",
                       status="overridden", reason=reason)
        db.session.add(row)
    row.status, row.reason, row.decided_by_id, row.at = "overridden", reason, staff.id, now
    audit.record("conflict.overridden", application, {"user_id": user_id, "reason": reason},
                 actor_id=staff.id)
    commit()
