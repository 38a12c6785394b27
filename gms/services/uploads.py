"""Uploaded documents: size and type checked by content, stored under generated names."""

from __future__ import annotations

import hashlib
import uuid
import zipfile
from io import BytesIO
from pathlib import Path

from flask import current_app

from gms.extensions import db
from gms.i18n import _
from gms.models import Application, Attachment, User
from gms.models import applications as A

from . import audit
from .common import ServiceError, commit, competition_info, competition_type

# content signature → (content type, extensions accepted for it)
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def sniff(data: bytes) -> str | None:
    """The content type of ``data`` judged by its bytes, or ``None`` if not accepted."""
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(_OLE):
        return "application/msword"
    if data.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(BytesIO(data)).namelist())
        except zipfile.BadZipFile:
            return None
        if "word/document.xml" in names:
            return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        if "xl/workbook.xml" in names:
            return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        if "mimetype" in names:
            return "application/vnd.oasis.opendocument"
    return None


#: the file name endings each accepted content type may carry
EXTENSIONS = {
    "application/pdf": (".pdf",),
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
    "application/msword": (".doc", ".xls", ".ppt"),  # the old binary office formats
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (".docx",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (".xlsx",),
    "application/vnd.oasis.opendocument": (".odt", ".ods", ".odp"),
}


def _clean_name(filename: str) -> str:
    """The last part of a browser-supplied name, without folders (``../../etc/passwd`` gives
    ``passwd``), control characters or surrounding spaces; at most 200 characters."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip().lstrip(".")
    return name[-200:] or "document"


def check_upload(filename: str, data: bytes, allowed: tuple[str, ...] | None = None
                 ) -> tuple[str, str]:
    """The clean name and the content type (judged by the bytes) of an upload.

    :class:`ServiceError` with a message for the person uploading when the file is empty,
    too large, not of an accepted type (or not of ``allowed``), or when its name says another
    type than its content (a PDF named ``.docx``); a name without an ending gets the right one.
    """
    name = _clean_name(filename)
    if not data:
        raise ServiceError(_("The file %(name)s is empty.", name=name))
    limit = current_app.config["UPLOAD_MAX_BYTES"]
    if len(data) > limit:
        raise ServiceError(_("The file %(name)s is too large: at most %(mb)d MB per file.",
                             name=name, mb=limit // 2**20))
    content_type = sniff(data)
    if content_type is None or (allowed is not None and content_type not in allowed):
        if allowed is not None and not set(allowed) - {"application/pdf", "image/png",
                                                       "image/jpeg"}:
            raise ServiceError(_("The file %(name)s is not a PDF or an image (PNG, JPEG).",
                                 name=name))
        raise ServiceError(_("The file %(name)s is not a PDF, image (PNG, JPEG) or office "
                             "document.", name=name))
    endings = EXTENSIONS[content_type]
    stem, dot, ending = name.rpartition(".")
    if not dot:
        return name + endings[0], content_type
    if "." + ending.lower() not in endings:
        raise ServiceError(_(
            "The file %(name)s is %(kind)s but its name ends in .%(ending)s. Rename it to "
            "%(suggested)s and upload it again.", name=name, kind=_kind_name(content_type),
            ending=ending, suggested=stem + endings[0]))
    return name, content_type


def _kind_name(content_type: str) -> str:
    if content_type == "application/pdf":
        return _("a PDF document")
    if content_type.startswith("image/"):
        return _("a picture")
    return _("an office document")


def save_attachment(application: Application, kind: str, filename: str, data: bytes,
                    user: User) -> Attachment:
    """Check and store one document for a draft application."""
    if application.status != A.DRAFT:
        raise ServiceError(_("Documents can be added only to a draft."), 409)
    kinds = {k.code for k in competition_type(application.competition).document_kinds(
        competition_info(application.competition))} | {"other"}
    if kind not in kinds:
        raise ServiceError(_("Choose what kind of document this is."))
    name, content_type = check_upload(filename, data)
    stored = uuid.uuid4().hex
    path = Path(current_app.config["UPLOAD_FOLDER"]) / stored
    path.write_bytes(data)
    att = Attachment(application_id=application.id, kind=kind, filename=name,
                     stored_name=stored, content_type=content_type, size=len(data),
                     sha256=hashlib.sha256(data).hexdigest(), uploaded_by_id=user.id)
    db.session.add(att)
    audit.record("attachment.added", att, {"application_id": application.id, "kind": kind,
                                           "sha256": att.sha256}, actor_id=user.id)
    try:
        commit()
    except Exception:
        path.unlink(missing_ok=True)
        raise
    return att


def remove_attachment(att: Attachment, application: Application, user: User) -> None:
    if application.status != A.DRAFT:
        raise ServiceError(_("Documents can be removed only from a draft."), 409)
    db.session.delete(att)
    audit.record("attachment.removed", object_type="attachments",
                 payload={"application_id": application.id, "id": att.id}, actor_id=user.id)
    commit()
    (Path(current_app.config["UPLOAD_FOLDER"]) / att.stored_name).unlink(missing_ok=True)


def path_of(att: Attachment) -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"]) / att.stored_name
