"""Uploads: type by content, size limits, clear messages, nothing half-written."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from gms.extensions import db
from gms.models import Application, Attachment, User
from gms.services import uploads
from gms.services.common import ServiceError

from .helpers import login, toy_round
from .toy_competition import TOY

pytestmark = [pytest.mark.gms_plugins(), pytest.mark.gms_config(**TOY)]


def _docx() -> bytes:
    """The smallest real DOCX: its main part, the package's relationships, and the part's
    content type in [Content_Types].xml (issue 15: a ZIP is not a DOCX without them)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'))
        z.writestr("_rels/.rels", "<Relationships/>")
        z.writestr("word/document.xml", "<w/>")
    return buf.getvalue()


@pytest.mark.parametrize("data,expected", [
    (b"%PDF-1.7 ...", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n....", "image/png"),
    (b"\xff\xd8\xff\xe0....", "image/jpeg"),
    (_docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    (b"MZ\x90\x00 an exe", None),
    (b"<html><script>alert(1)</script>", None),
    (b"PK\x03\x04 not really a zip", None),
])
def test_sniff_by_content(data, expected):
    assert uploads.sniff(data) == expected


def _draft(app):
    with app.app_context():
        ids = toy_round(status="open")
        a = db.session.get(Application, ids["apps_a"][0])
        a.status = "draft"
        db.session.commit()
        return ids, a.id


def test_bad_files_get_clear_messages_and_nothing_is_stored(app, client):
    ids, app_id = _draft(app)
    login(client, "a@x.kg")
    cases = [
        ("empty.pdf", b"", "is empty"),
        ("report.pdf", b"MZ\x90\x00 really an exe", "is not a PDF"),
        ("big.pdf", b"%PDF-" + b"0" * (app.config["UPLOAD_MAX_BYTES"]), "too large"),
    ]
    for name, data, message in cases:
        r = client.post(f"/applications/{app_id}/documents", data={
            "kind": "plan", "file": (io.BytesIO(data), name)},
            content_type="multipart/form-data", follow_redirects=True)
        assert message in r.get_data(as_text=True), name
    r = client.post(f"/applications/{app_id}/documents", data={"kind": "plan"},
                    follow_redirects=True)
    assert "Choose a file" in r.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Attachment)) == 0


def test_stored_under_generated_name_outside_the_web_root(app):
    ids, app_id = _draft(app)
    with app.app_context():
        user = db.session.get(User, ids["a"])
        att = uploads.save_attachment(db.session.get(Application, app_id), "plan",
                                      "C:\\Users\\x\\..\\plan.pdf", b"%PDF-1.4", user)
        assert att.filename == "plan.pdf" and len(att.stored_name) == 32
        path = uploads.path_of(att)
        assert path.read_bytes() == b"%PDF-1.4"
        assert "static" not in str(path)
        with pytest.raises(ServiceError, match="kind of document"):
            uploads.save_attachment(db.session.get(Application, app_id), "nonsense", "a.pdf",
                                    b"%PDF-1.4", user)


class _Endless(io.RawIOBase):
    """A 200 MB upload produced on the fly (never held in memory)."""

    def __init__(self, size: int):
        self.left = size

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = min(len(buffer), self.left)
        buffer[:n] = b"0" * n
        self.left -= n
        return n


def test_a_200_mb_upload_gets_a_page_with_the_limit_not_a_crash(app, client):
    ids, app_id = _draft(app)
    login(client, "a@x.kg")
    r = client.post(f"/applications/{app_id}/documents", data={
        "kind": "plan", "file": (io.BufferedReader(_Endless(200 * 2**20)), "scan.pdf")},
        content_type="multipart/form-data")
    assert r.status_code == 413
    page = r.get_data(as_text=True)
    assert "too large" in page and "10 MB" in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Attachment)) == 0


@pytest.mark.parametrize("name,data,message", [
    ("budget.docx", b"%PDF-1.7 a pdf", "is a PDF document but its name ends in .docx. "
                                       "Rename it to budget.pdf"),
    ("plan.pdf", _docx(), "is an office document but its name ends in .pdf. Rename it to "
                          "plan.docx"),
    ("photo.pdf", b"\xff\xd8\xff\xe0....", "is a picture but its name ends in .pdf"),
])
def test_a_name_that_says_another_type_than_the_content_is_refused(app, client, name, data,
                                                                    message):
    ids, app_id = _draft(app)
    login(client, "a@x.kg")
    r = client.post(f"/applications/{app_id}/documents", data={
        "kind": "plan", "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data", follow_redirects=True)
    assert message in r.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Attachment)) == 0


@pytest.mark.parametrize("name,stored_as", [
    ("../../../etc/passwd.pdf", "passwd.pdf"),
    ("..\\..\\windows\\system32\\plan.pdf", "plan.pdf"),
    ("....//....//.htaccess", "htaccess.pdf"),
    ("scan", "scan.pdf"),  # no ending: the content gives it
    ("план\x00.pdf", "план.pdf"),
])
def test_path_traversal_and_odd_names_are_made_harmless(app, name, stored_as):
    ids, app_id = _draft(app)
    with app.app_context():
        user = db.session.get(User, ids["a"])
        att = uploads.save_attachment(db.session.get(Application, app_id), "plan", name,
                                      b"%PDF-1.4", user)
        assert att.filename == stored_as
        assert uploads.path_of(att).parent == Path(app.config["UPLOAD_FOLDER"])
