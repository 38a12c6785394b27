"""Uploaded documents: size and type checked by content, stored under generated names."""

from __future__ import annotations

import hashlib
import re
import time
import uuid
import xml.etree.ElementTree as ET
import zipfile
from io import BytesIO
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from gms.extensions import db
from gms.i18n import _
from gms.models import Application, Attachment, User
from gms.models import applications as A

from . import audit
from .common import ServiceError, commit
from .contract import document_kinds_for
from .document_metadata import strip
from .identity_search import DOCX, ODT, xml_part

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
ODP = "application/vnd.oasis.opendocument.presentation"
#: an OOXML package's type → its main part and that part's content type in [Content_Types].xml
_OOXML = {
    DOCX: ("word/document.xml", DOCX + ".main+xml"),
    XLSX: ("xl/workbook.xml", XLSX + ".main+xml"),
}
_OPC_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
_ODF_MANIFEST = "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"
_XML_LIMIT = 2**20  # bytes of a package's [Content_Types].xml or manifest read to check it


def sniff(data: bytes) -> str | None:
    """The content type of ``data`` judged by its bytes, or ``None`` if not accepted.

    A ZIP is an office document only when it really is one: an OpenDocument file starts
    with an uncompressed ``mimetype`` entry holding exactly its media type, and has
    ``content.xml`` and a ``META-INF/manifest.xml`` declaring that type for the package; an
    Office Open XML file has ``_rels/.rels``, its main part and a ``[Content_Types].xml``
    giving that part the main content type of the format (no macro-enabled variants)."""
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
            with zipfile.ZipFile(BytesIO(data)) as z:
                return _odf_type(data, z) or _ooxml_type(z)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, KeyError,
                OSError, EOFError, ValueError, ET.ParseError, RuntimeError):
            return None
    return None


def _odf_type(data: bytes, z: zipfile.ZipFile) -> str | None:
    infos = z.infolist()
    first = infos[0] if infos else None
    if (first is None or first.filename != "mimetype" or first.header_offset != 0
            or first.compress_type != zipfile.ZIP_STORED or data[30:38] != b"mimetype"
            or first.file_size > 100):
        return None
    media_type = z.read(first).decode("ascii", "replace")
    if media_type not in (ODT, ODS, ODP) or "content.xml" not in z.namelist():
        return None
    manifest = xml_part(z, "META-INF/manifest.xml", _XML_LIMIT)
    if manifest is None:
        return None
    for entry in manifest.iter(f"{{{_ODF_MANIFEST}}}file-entry"):
        if (entry.get(f"{{{_ODF_MANIFEST}}}full-path") == "/"
                and entry.get(f"{{{_ODF_MANIFEST}}}media-type") == media_type):
            return media_type
    return None


def _ooxml_type(z: zipfile.ZipFile) -> str | None:
    names = set(z.namelist())
    if "_rels/.rels" not in names:
        return None
    for media_type, (main, main_type) in _OOXML.items():
        if main not in names:
            continue
        types = xml_part(z, "[Content_Types].xml", _XML_LIMIT)
        if types is None:
            return None
        for override in types.iter(f"{{{_OPC_TYPES}}}Override"):
            if (override.get("PartName") == "/" + main
                    and override.get("ContentType") == main_type):
                return media_type
        return None
    return None


#: the file name endings each accepted content type may carry
EXTENSIONS = {
    "application/pdf": (".pdf",),
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
    "application/msword": (".doc", ".xls", ".ppt"),  # the old binary office formats
    DOCX: (".docx",),
    XLSX: (".xlsx",),
    ODT: (".odt",),
    ODS: (".ods",),
    ODP: (".odp",),
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
    """Check and store one document for a draft application.

    The same file sent again for the same slot (a retried upload: same application, kind
    and SHA-256) gives back the attachment already stored, not a second one; the
    application's row is locked meanwhile (PostgreSQL), so two retries at once cannot both
    add it. The row is written before the file, and the file is removed again when the
    transaction fails; a crash between the two leaves a file no row refers to, which
    ``gms files sweep`` removes."""
    # the row lock serialises uploads to one application (a no-op on SQLite, whose writes
    # are serialised anyway)
    db.session.get(Application, application.id, with_for_update=True, populate_existing=True)
    if application.status != A.DRAFT:
        raise ServiceError(_("Documents can be added only to a draft."), 409)
    kinds = {k.code for k in document_kinds_for(application.competition)} | {"other"}
    if kind not in kinds:
        raise ServiceError(_("Choose what kind of document this is."))
    name, content_type = check_upload(filename, data)
    digest = hashlib.sha256(data).hexdigest()
    same = db.session.scalar(select(Attachment).where(
        Attachment.application_id == application.id, Attachment.kind == kind,
        Attachment.sha256 == digest).order_by(Attachment.id).limit(1))
    if same is not None and path_of(same).exists():
        commit()  # ends the transaction (and the lock): nothing new to write
        return same
    stored = uuid.uuid4().hex
    path = Path(current_app.config["UPLOAD_FOLDER"]) / stored
    att = Attachment(application_id=application.id, kind=kind, filename=name,
                     stored_name=stored, content_type=content_type, size=len(data),
                     sha256=digest, uploaded_by_id=user.id)
    db.session.add(att)
    audit.record("attachment.added", att, {"application_id": application.id, "kind": kind,
                                           "sha256": att.sha256}, actor_id=user.id)
    commit_with_file(path, data)
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


#: how long a stored file may go without a row before :func:`sweep` removes it (a file is
#: written just before its transaction commits)
SWEEP_GRACE_SECONDS = 3600
_STORED_NAME = re.compile(r"[0-9a-f]{32}")
_PARTIAL_NAME = re.compile(r"[0-9a-f]{32}\.part")  # a file being written whole, then renamed


def _models_with_files() -> list[type]:
    """Every model with a ``stored_name`` column (attachments, grant documents, letters to
    write...): a file one of their rows names is not an orphan."""
    return [mapper.class_ for mapper in db.Model.registry.mappers
            if "stored_name" in mapper.columns]


def sweep(now: float | None = None, dry_run: bool = False,
          grace_seconds: int = SWEEP_GRACE_SECONDS) -> list[Path]:
    """Remove the stored files (generated names, in ``UPLOAD_FOLDER``) that no row of any
    model with a ``stored_name`` refers to, and half-written ``.part`` files, older than
    ``grace_seconds``: what a crash left between writing a file and committing its row.
    Returns the files removed (or, with ``dry_run``, that would be). Other files in the
    folder are left alone."""
    folder = Path(current_app.config["UPLOAD_FOLDER"])
    if not folder.is_dir():
        return []
    now = time.time() if now is None else now
    old = [p for p in folder.iterdir()
           if (_STORED_NAME.fullmatch(p.name) or _PARTIAL_NAME.fullmatch(p.name))
           and p.is_file() and not p.is_symlink() and now - p.stat().st_mtime > grace_seconds]
    names = [p.name for p in old if _STORED_NAME.fullmatch(p.name)]
    known: set[str] = set()
    for model in _models_with_files():
        for start in range(0, len(names), 500):
            known.update(db.session.scalars(select(model.stored_name).where(
                model.stored_name.in_(names[start:start + 500]))))
    removed = [p for p in old if p.name not in known]
    if not dry_run:
        for path in removed:
            path.unlink(missing_ok=True)
    if removed and not dry_run:
        audit.record("files.swept", object_type="attachments",
                     payload={"removed": [p.name for p in removed][:1000],
                              "count": len(removed)})
        commit()
    return removed


def anonymous_copy(att: Attachment, application: Application, source: Path | None = None,
                   content_type: str | None = None) -> tuple[bytes, str]:
    """What a commission member downloads under anonymous review: the document without the
    metadata that names its author (:mod:`gms.services.document_metadata`), under a neutral
    name (the application number and the kind of document). ``source`` and ``content_type``
    name another file to send for ``att``: the anonymised copy staff uploaded for it."""
    content_type = content_type or att.content_type
    data = strip((source or path_of(att)).read_bytes(), content_type)
    ending = EXTENSIONS.get(content_type, (Path(att.filename).suffix.lower(),))[0]
    if not re.fullmatch(r"\.[a-z0-9]{1,5}", ending):
        ending = ""
    kind = re.sub(r"[^A-Za-z0-9_-]", "_", att.kind)
    return data, f"{application.number}-{kind}{ending}"


def commit_with_file(path: Path, data: bytes) -> None:
    """Flush the pending rows, write ``data`` to ``path`` and commit; on any failure roll
    back and remove the file, so a crash or a refused row never leaves an orphan file."""
    try:
        db.session.flush()
        path.write_bytes(data)
        commit()
    except BaseException:
        db.session.rollback()
        path.unlink(missing_ok=True)
        raise
