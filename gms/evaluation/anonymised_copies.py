"""Anonymised copies of uploaded documents under coded review (issue 16, item 2).

In a call reviewed under codes, commission members never receive an applicant's original
upload before the results are published. For each document staff either upload a copy
without the applicant's names (stored like uploads, type-checked by the same sniffing) or
mark the original as naming nobody; members get only what staff approved, a document with
neither is not shown to them at all. Before approving, staff see what a search of the
document's text layer found of the applicant's names (:mod:`gms.services.identity_search`:
the organisation, its unit in Russian, Kyrgyz and English, its rayon, the people of its
accounts, and whatever the competition type adds); they may approve despite it only by
confirming so, which is recorded. Every step is audited. After publication members get the
originals, as everyone with access does.

Members' downloads, copies and originals alike, go through
:func:`gms.services.uploads.anonymous_copy`: metadata stripped, a neutral name.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select

from gms import timeutil
from gms.extensions import db
from gms.i18n import _, ngettext
from gms.models import AnonymisedCopy, Application, Attachment, Competition, User
from gms.models import applications as A
from gms.models.calls import PUBLISHED
from gms.services import audit, identity_search, uploads
from gms.services.common import (
    ServiceError,
    application_info,
    coded_review,
    commit,
    competition_type,
    identity_hidden,
)

#: applications whose documents members may still see: not drafts, not withdrawn or rejected
ACTIVE = (A.SUBMITTED, A.ELIGIBLE, A.FUNDED, A.RESERVE, A.NOT_FUNDED)
#: documents GMS itself writes after the decision (never shown to members before publication)
NOT_ANONYMISED_KINDS = ("result_letter",)


@dataclass
class DocumentState:
    """One document as the staff's page shows it: the original, its copy row (if any), and
    the search staff look at: of the copy uploaded, or, while nothing is uploaded, of the
    original (what "no identity" would let through): ``{"readable": bool, "hits": [...]}``."""

    attachment: Attachment
    copy: AnonymisedCopy | None
    search: dict | None = None
    #: names found in the original, while the document waits (what "no identity" lets through)
    original_hits: int = 0

    @property
    def approved(self) -> bool:
        return self.copy is not None and self.copy.approved_at is not None

    @property
    def hits(self) -> list[dict]:
        return list((self.search or {}).get("hits", []))


def required(call: Competition) -> bool:
    """Whether the call's documents need anonymised copies: a coded-review call."""
    return coded_review(call)


def copies_of(application: Application) -> dict[int, AnonymisedCopy]:
    """The copy row of each of the application's documents that has one, by attachment id."""
    rows = db.session.scalars(select(AnonymisedCopy).join(
        Attachment, Attachment.id == AnonymisedCopy.attachment_id).where(
        Attachment.application_id == application.id))
    return {row.attachment_id: row for row in rows}


def copy_of(att: Attachment) -> AnonymisedCopy | None:
    return db.session.scalar(select(AnonymisedCopy).where(
        AnonymisedCopy.attachment_id == att.id))


def path_of(copy: AnonymisedCopy) -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"]) / (copy.stored_name or "")


def _documents(application: Application) -> list[Attachment]:
    return list(db.session.scalars(select(Attachment).where(
        Attachment.application_id == application.id,
        Attachment.kind.not_in(NOT_ANONYMISED_KINDS)).order_by(Attachment.id)))


def for_members(application: Application) -> tuple[list[Attachment], int]:
    """What a commission member's document list shows: every document while members may see
    the applicant; under coded review before publication only those with an approved copy
    (or marked as naming nobody), and how many others wait."""
    if not identity_hidden(application.competition):
        return list(db.session.scalars(select(Attachment).where(
            Attachment.application_id == application.id).order_by(Attachment.id))), 0
    documents = _documents(application)
    copies = copies_of(application)
    shown = [d for d in documents
             if d.id in copies and copies[d.id].approved_at is not None]
    return shown, len(documents) - len(shown)


def member_download(att: Attachment, application: Application) -> tuple[bytes, str, str] | None:
    """What a commission member downloads of ``att`` under coded review before publication:
    ``(bytes, neutral name, content type)`` of the approved copy, or of the original marked
    as naming nobody, with their metadata stripped; ``None`` when staff approved neither (the
    member gets a 404)."""
    if att.kind in NOT_ANONYMISED_KINDS:
        return None
    copy = copy_of(att)
    if copy is None or copy.approved_at is None:
        return None
    if copy.no_identity:
        data, name = uploads.anonymous_copy(att, application)
        return data, name, att.content_type
    source = path_of(copy)
    if not source.is_file():
        return None
    data, name = uploads.anonymous_copy(att, application, source=source,
                                        content_type=copy.content_type)
    return data, name, copy.content_type or att.content_type


# --------------------------------------------------------------------------- the search

def names_of(application: Application) -> tuple[list[str | None], list[str | None]]:
    """The applicant's names: places (the organisation, its unit in Russian, Kyrgyz and
    English, its rayon in Russian and Kyrgyz, and what the competition type adds) and people
    (the names on the organisation's accounts)."""
    org = application.organisation
    territory = org.territory if org is not None else None
    places: list[str | None] = [org.name if org is not None else None]
    if territory is not None:
        places += [territory.name_ru, territory.name_ky, territory.name_en, territory.rayon,
                   territory.rayon_ky]
    ctype = competition_type(application.competition)
    if ctype is not None:
        places += list(ctype.identity_names(application_info(application)))
    people: list[str | None] = []
    if org is not None:
        people += db.session.scalars(select(User.name).where(
            User.organisation_id == org.id, User.role == "applicant")).all()
    return places, people


@lru_cache(maxsize=256)
def _search_cached(sha256: str, path: str, content_type: str, places: tuple, people: tuple
                   ) -> identity_search.TextSearch:
    return identity_search.search(Path(path).read_bytes(), content_type, places, people)


def search_original(att: Attachment, application: Application,
                    names: tuple[list[str | None], list[str | None]] | None = None
                    ) -> identity_search.TextSearch:
    """The text-layer search of the stored original of ``att`` for the applicant's names
    (``names``: :func:`names_of` the application, when the caller has them already); the
    same file and names are searched once per process."""
    path = uploads.path_of(att)
    if not path.is_file():
        return identity_search.TextSearch(readable=False)
    places, people = names if names is not None else names_of(application)
    return _search_cached(att.sha256 or str(path), str(path), att.content_type,
                          tuple(places), tuple(people))


def states(application: Application) -> list[DocumentState]:
    """Every document of the application with its copy and, for those still waiting, the
    search of the original (what "no identity" would let through) or of the copy uploaded."""
    copies = copies_of(application)
    names = names_of(application)  # one query for all the documents
    out = []
    for att in _documents(application):
        copy = copies.get(att.id)
        original = (search_original(att, application, names).as_dict()
                    if copy is None or copy.approved_at is None else None)
        search = copy.hits if copy is not None and copy.hits is not None else original
        out.append(DocumentState(att, copy, search,
                                 len((original or {}).get("hits", []))))
    return out


def waiting_in_call(call: Competition) -> int:
    """Documents of the call's submitted applications that members cannot see yet: no copy
    approved and not marked as naming nobody."""
    approved = select(AnonymisedCopy.attachment_id).where(AnonymisedCopy.approved_at.is_not(None))
    return db.session.scalar(
        select(func.count(Attachment.id)).join(
            Application, Application.id == Attachment.application_id).where(
            Application.competition_id == call.id, Application.status.in_(ACTIVE),
            Attachment.kind.not_in(NOT_ANONYMISED_KINDS),
            Attachment.id.not_in(approved))) or 0


# ----------------------------------------------------------------------- staff's actions

def _check_open(att: Attachment, application: Application) -> None:
    if application.status == A.DRAFT:
        raise ServiceError(_("The application is still a draft."), 409)
    call = application.competition
    if not required(call):
        raise ServiceError(_("This call is not reviewed under codes: members see the "
                             "documents as uploaded."), 409)
    if call.status == PUBLISHED:
        raise ServiceError(_("The results are published: members now see the documents as "
                             "uploaded."), 409)
    if att.kind in NOT_ANONYMISED_KINDS:
        raise ServiceError(_("This document is not shown to commission members."), 409)


def _lock(att: Attachment) -> AnonymisedCopy | None:
    """The attachment's row locked (PostgreSQL), then its copy row: two staff acting on one
    document at once act one after the other."""
    db.session.get(Attachment, att.id, with_for_update=True, populate_existing=True)
    return copy_of(att)


def upload_copy(att: Attachment, application: Application, filename: str, data: bytes,
                user: User) -> AnonymisedCopy:
    """Store a copy of ``att`` without the applicant's names, waiting for approval.

    The file is checked as an upload (size, type by content, name) and stored under a
    generated name; the text layer is searched for the applicant's names and the result kept
    for the approval. A copy already there (approved or not) or a "no identity" mark is
    replaced: members see nothing of the document until this copy is approved."""
    _check_open(att, application)
    name, content_type = uploads.check_upload(filename, data)
    places, people = names_of(application)
    found = identity_search.search(data, content_type, places, people)
    row = _lock(att)
    old_file = path_of(row) if row is not None and row.stored_name else None
    if row is None:
        row = AnonymisedCopy(attachment_id=att.id)
        db.session.add(row)
    stored = uuid.uuid4().hex
    path = Path(current_app.config["UPLOAD_FOLDER"]) / stored
    digest = hashlib.sha256(data).hexdigest()
    row.no_identity = False
    row.filename, row.stored_name, row.content_type = name, stored, content_type
    row.size, row.sha256, row.hits = len(data), digest, found.as_dict()
    row.uploaded_by_id, row.uploaded_at = user.id, timeutil.utcnow()
    row.approved_by_id, row.approved_at, row.hits_confirmed = None, None, False
    audit.record("anonymised_copy.uploaded", row, {
        "attachment_id": att.id, "application_id": application.id, "sha256": digest,
        "content_type": content_type, "readable": found.readable, "hits": len(found.hits)},
        actor_id=user.id)
    uploads.commit_with_file(path, data)
    if old_file is not None:
        old_file.unlink(missing_ok=True)
    return row


def _refuse_unconfirmed(search: identity_search.TextSearch, confirmed: bool) -> None:
    if search.hits and not confirmed:
        raise ServiceError(ngettext(
            "The text of the document names the applicant %(num)d time. Remove the name, or "
            "confirm that members may see the document as it is.",
            "The text of the document names the applicant %(num)d times. Remove the names, or "
            "confirm that members may see the document as it is.", len(search.hits)), 409)


def approve(att: Attachment, application: Application, user: User,
            confirmed: bool = False) -> AnonymisedCopy:
    """Let members see the copy uploaded for ``att``. When the search of its text found the
    applicant's names, only with ``confirmed`` (recorded)."""
    _check_open(att, application)
    row = _lock(att)
    if row is None or row.no_identity or not row.stored_name:
        raise ServiceError(_("Upload an anonymised copy first."), 409)
    if row.approved_at is not None:
        return row
    found = _stored_search(row)
    _refuse_unconfirmed(found, confirmed)
    row.approved_by_id, row.approved_at = user.id, timeutil.utcnow()
    row.hits_confirmed = bool(found.hits)
    audit.record("anonymised_copy.approved", row, {
        "attachment_id": att.id, "application_id": application.id, "sha256": row.sha256,
        "hits": len(found.hits), "confirmed_despite_hits": bool(found.hits)},
        actor_id=user.id)
    commit()
    return row


def mark_no_identity(att: Attachment, application: Application, user: User,
                     confirmed: bool = False) -> AnonymisedCopy:
    """Let members see the original of ``att``: staff checked it names nobody. When the search
    of its text found the applicant's names, only with ``confirmed`` (recorded). A copy
    uploaded before is dropped."""
    _check_open(att, application)
    row = _lock(att)
    found = search_original(att, application)
    _refuse_unconfirmed(found, confirmed)
    old_file = path_of(row) if row is not None and row.stored_name else None
    if row is None:
        row = AnonymisedCopy(attachment_id=att.id)
        db.session.add(row)
    now = timeutil.utcnow()
    row.no_identity = True
    row.filename = row.stored_name = row.content_type = row.sha256 = None
    row.size = None
    row.hits = found.as_dict()
    row.uploaded_by_id, row.uploaded_at = user.id, now
    row.approved_by_id, row.approved_at = user.id, now
    row.hits_confirmed = bool(found.hits)
    audit.record("anonymised_copy.no_identity", row, {
        "attachment_id": att.id, "application_id": application.id, "sha256": att.sha256,
        "readable": found.readable, "hits": len(found.hits),
        "confirmed_despite_hits": bool(found.hits)}, actor_id=user.id)
    commit()
    if old_file is not None:
        old_file.unlink(missing_ok=True)
    return row


def _stored_search(row: AnonymisedCopy) -> identity_search.TextSearch:
    hits = (row.hits or {}).get("hits", [])
    return identity_search.TextSearch(
        readable=bool((row.hits or {}).get("readable")),
        hits=[identity_search.Hit(page=h.get("page"), found=h.get("found", ""),
                                  snippet=h.get("snippet", "")) for h in hits])
