"""Shared service helpers: errors, the plugin registry, and read-only views for plugins."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import current_app

from gms.competition import (
    ApplicationInfo,
    CompetitionInfo,
    CompetitionType,
    OrganisationInfo,
    typed_values,
)
from gms.extensions import db
from gms.models import Application, Competition, Organisation
from gms.models.calls import PUBLISHED

from .notify import queue_delivery


class ServiceError(Exception):
    """A refused action; ``message`` is translated and shown to the user as it is."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


class NotAllowed(ServiceError):
    def __init__(self, message: str = ""):
        super().__init__(message or "forbidden", 403)


def commit() -> None:
    """Commit, then hand queued e-mails to Celery (never before the rows exist)."""
    pending = db.session.info.pop("gms.outbox", [])
    db.session.commit()
    if pending:
        queue_delivery(pending)


def hooks():
    """The app's pluggy hook relay."""
    return current_app.extensions["gms.plugins"].hook


def registry():
    return current_app.extensions["gms.registry"]


def competition_type(competition: Competition) -> CompetitionType:
    """The call's type; :class:`ServiceError` when its plugin is not enabled."""
    ctype = registry().get(competition.type_key)
    if ctype is None:
        raise ServiceError(f"competition type {competition.type_key!r} is unavailable", 409)
    return ctype


def typed_settings(c: Competition) -> dict[str, Any]:
    """The call's settings as Python values of their declared kinds (Decimal, date, int,
    list...), defaults filled in; as stored when the call's type is not enabled."""
    ctype = registry().get(c.type_key)
    stored = dict(c.settings or {})
    return typed_values(ctype.settings_fields(), stored) if ctype else stored


def competition_info(c: Competition) -> CompetitionInfo:
    """A frozen view of a call for plugin logic, its settings typed."""
    return CompetitionInfo(
        id=c.id, type_key=c.type_key, settings=typed_settings(c),
        budget=Decimal(c.budget or 0), max_awards=c.max_awards, max_grant=c.max_grant,
        oblasts=tuple(c.oblasts or ()), opens_at=c.opens_at, deadline_at=c.deadline_at,
        organiser=organisation_info(c.organiser) if c.organiser_id else None)


def organisation_info(o: Organisation) -> OrganisationInfo:
    t = o.territory
    return OrganisationInfo(
        id=o.id, kind=o.kind, name=o.name, territory_code=o.territory_code,
        oblast=o.oblast, rayon=t.rayon if t else None, territory_kind=t.kind if t else None)


def application_info(a: Application, answers: dict | None = None,
                     attachment_kinds: frozenset[str] = frozenset(),
                     other_applications: int = 0,
                     requested_amount: Decimal | None = None) -> ApplicationInfo:
    """A frozen view of an application: its stored answers and amount, or unsaved
    ``answers`` with the ``requested_amount`` they give."""
    if answers is None:
        answers, requested_amount = a.answers, a.requested_amount
    return ApplicationInfo(
        id=a.id, competition=competition_info(a.competition),
        organisation=organisation_info(a.organisation), answers=answers,
        requested_amount=requested_amount,
        attachment_kinds=attachment_kinds, other_applications=other_applications)


def coded_review(competition: Competition) -> bool:
    """True for a call reviewed under codes (anonymous review): its type declares it, or the
    call's ``anonymous_review`` setting turns it on, whatever the call's status."""
    ctype = registry().get(competition.type_key)
    default = ctype.anonymous_review if ctype else False
    return bool((competition.settings or {}).get("anonymous_review", default))


def identity_hidden(competition: Competition) -> bool:
    """True while commission members must see codes instead of the applicant's identity."""
    return coded_review(competition) and competition.status != PUBLISHED
