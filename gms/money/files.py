"""Files of a grant (the signed agreement) and of its reports (photos, procurement documents,
the monitoring group's findings): checked by content like applicants' uploads, stored outside
the web root under generated names."""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path

from flask import current_app

from gms.extensions import db
from gms.i18n import _
from gms.models import User
from gms.services.common import ServiceError
from gms.services.uploads import check_upload

from .models import DOCUMENT_KINDS, Grant, GrantDocument

#: what a signed scan may be: a PDF or a photo of the pages
SCAN_TYPES = ("application/pdf", "image/png", "image/jpeg")


def store(grant: Grant, kind: str, filename: str, data: bytes, user: User,
          report_id: int | None = None, allowed: tuple[str, ...] | None = None
          ) -> GrantDocument:
    """Check and write one file, and add its row to the session (the caller commits and, on
    failure, calls :func:`discard`)."""
    if kind not in DOCUMENT_KINDS:
        raise ServiceError(_("Choose what kind of document this is."))
    name, content_type = check_upload(filename, data, allowed)
    stored = uuid.uuid4().hex
    path_of_name(stored).write_bytes(data)
    doc = GrantDocument(grant_id=grant.id, report_id=report_id, kind=kind,
                        filename=name, stored_name=stored,
                        content_type=content_type, size=len(data),
                        sha256=hashlib.sha256(data).hexdigest(), uploaded_by_id=user.id)
    db.session.add(doc)
    return doc


def discard(docs: list[GrantDocument]) -> None:
    """Remove the files of documents whose transaction failed."""
    for doc in docs:
        path_of_name(doc.stored_name).unlink(missing_ok=True)


def path_of_name(stored_name: str) -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"]) / stored_name


def path_of(doc: GrantDocument) -> Path:
    return path_of_name(doc.stored_name)
