"""Issue 16, item 2: anonymity that covers files.

In a coded-review call a commission member never receives an applicant's original upload
before publication: staff upload an anonymised copy of each document (or mark it as naming
nobody), members see only those, and a document with neither is not shown to them at all.
Before staff approve, a search of the text layer for the applicant's names (Russian, Kyrgyz,
English and SOATE variants) warns them; approving despite it needs a confirmation. Every
step is audited. After publication members get the originals, as before.
"""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from fpdf import FPDF
from sqlalchemy import select

from gms.documents import FONTS
from gms.evaluation.models import Assignment
from gms.extensions import db
from gms.models import AnonymisedCopy, Attachment, AuditEntry, Competition
from gms.services import identity_search
from gms.testing.factories import advance
from plugins.citizen_budget_contest.tests.factories import formdata, with_hearings
from plugins.citizen_budget_contest.tests.support import BOROLDOI, apply, make_round

# what the register knows of Boroldoi: Russian, Kyrgyz and English names, rayon in both
NAMES = ("Боролдойский айылный аймак", "Боролдой айыл аймагы", "Boroldoi aiyl aimak",
         "Кеминский район", "Кемин району")


def pdf(*pages: str, author: str | None = None) -> bytes:
    """A PDF with a real text layer (DejaVu, so Cyrillic), one page per text."""
    doc = FPDF()
    doc.add_font("DejaVu", fname=str(FONTS / "DejaVuSans.ttf"))
    if author:
        doc.set_author(author)
        doc.set_title(f"Протокол: {author}")
    for text in pages:
        doc.add_page()
        doc.set_font("DejaVu", size=12)
        doc.multi_cell(0, 8, text)
    return bytes(doc.output())


MINUTES = pdf("Протокол публичных слушаний по проекту местного бюджета.",
              "Слушания открыл глава Боролдойского айылного аймака. Присутствовали 124 "
              "жителя.", author="Боролдойский АО")
LISTS = pdf("Список участников: 124 человека, из них 58 женщин.")
PHOTOS = pdf("Фотографии: Боролдой айылынын маданият үйү.")
CLEAN_MINUTES = pdf("Протокол публичных слушаний по проекту местного бюджета.",
                    "Слушания открыл глава [...]. Присутствовали 124 жителя.",
                    author="Боролдойский АО")


def _text(data: bytes) -> str:
    pages = identity_search.pages_of(data, "application/pdf")
    assert pages is not None
    return "\n".join(text for _page, text in pages)


@pytest.fixture
def world(app, client, login, clock, make_user, territories):
    """Boroldoi applied with three documents (minutes and photos naming it); the call is in
    evaluation and the member, assigned, declared no conflict of interest."""
    people = make_round(app, clock, make_user, codes=(BOROLDOI,), members=1)
    call_id = people["call"]
    login(client, people["applicants"][BOROLDOI])
    answers = with_hearings({})
    app_id, _r = apply(client, call_id, answers, documents=(), submit=False)
    for kind, data in (("hearing_minutes", MINUTES), ("participant_lists", LISTS),
                       ("hearing_photos", PHOTOS)):
        r = client.post(f"/applications/{app_id}/documents",
                        data={"kind": kind, "file": (io.BytesIO(data), f"Боролдой {kind}.pdf")},
                        content_type="multipart/form-data")
        assert r.status_code == 302
    data = formdata(answers)
    data["action"] = "submit"
    assert client.post(f"/applications/{app_id}", data=data).status_code == 302
    clock.advance(days=22)
    with app.app_context():
        from gms.services.calls import close_due_calls

        close_due_calls(clock.now)
    login(client, people["staff"])
    advance(client, call_id, "start_screening")
    client.post(f"/staff/applications/{app_id}/screen", data={"decision": "eligible"})
    advance(client, call_id, "start_evaluation")
    member = people["members"][0]
    client.post(f"/staff/calls/{call_id}/commission/member",
                data={"user_id": str(member.id), "role": "member"})
    client.post(f"/staff/applications/{app_id}/assign", data={"reviewers": [str(member.id)]})
    with app.app_context():
        assignment = db.session.scalar(select(Assignment.id).where(
            Assignment.application_id == app_id))
        documents = {a.kind: a.id for a in db.session.scalars(
            select(Attachment).where(Attachment.application_id == app_id))}
    login(client, member)
    client.post(f"/review/{assignment}/declare", data={"conflict": "no"})
    return {**people, "app": app_id, "assignment": assignment, "documents": documents,
            "member": member}


def _upload_copy(client, attachment_id: int, data: bytes, name: str = "copy.pdf"):
    return client.post(f"/staff/documents/{attachment_id}/anonymised-copy",
                       data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data", follow_redirects=True)


def _audit(app, action: str) -> list[AuditEntry]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)
                                       .order_by(AuditEntry.id)))


def test_a_member_gets_only_approved_copies_before_publication(app, client, login, world):
    docs, member, staff = world["documents"], world["member"], world["staff"]
    # nothing anonymised yet: no document is shown, and none downloads
    login(client, member)
    page = client.get(f"/review/{world['assignment']}").get_data(as_text=True)
    assert "3 documents are being anonymised" in page
    for attachment_id in docs.values():
        assert f"/documents/{attachment_id}" not in page
        assert client.get(f"/documents/{attachment_id}").status_code == 404

    # staff: an anonymised copy of the minutes (not approved yet), the list marked as naming
    # nobody; the photos wait
    login(client, staff)
    r = _upload_copy(client, docs["hearing_minutes"], CLEAN_MINUTES, "protokol.pdf")
    assert r.status_code == 200
    login(client, member)
    assert client.get(f"/documents/{docs['hearing_minutes']}").status_code == 404  # unapproved
    login(client, staff)
    client.post(f"/staff/documents/{docs['hearing_minutes']}/anonymised-copy/approve", data={})
    client.post(f"/staff/documents/{docs['participant_lists']}/no-identity", data={})
    page = client.get(f"/staff/calls/{world['call']}").get_data(as_text=True)
    assert re.search(r'id="documents-waiting"><span class="badge reserve">1</span>', page)

    login(client, member)
    page = client.get(f"/review/{world['assignment']}").get_data(as_text=True)
    assert f"/documents/{docs['hearing_minutes']}" in page
    assert f"/documents/{docs['participant_lists']}" in page
    assert f"/documents/{docs['hearing_photos']}" not in page
    assert "1 document is being anonymised" in page
    with app.app_context():
        from gms.models import Application

        number = db.session.get(Application, world["app"]).number
    minutes = client.get(f"/documents/{docs['hearing_minutes']}")
    assert minutes.status_code == 200
    assert minutes.headers["Content-Disposition"] == (
        f"attachment; filename={number}-hearing_minutes.pdf")
    body = minutes.get_data()
    assert "[...]" in _text(body) and "Боролдой" not in _text(body)  # the copy, not the original
    # the copy went through the stripping too: its author and title are gone
    for word in ("Боролдой", "Boroldoi"):
        for encoded in (word.encode(), word.encode("utf-16-be")):
            assert encoded not in body
    lists = client.get(f"/documents/{docs['participant_lists']}")
    assert lists.status_code == 200 and "Список участников" in _text(lists.get_data())
    assert client.get(f"/documents/{docs['hearing_photos']}").status_code == 404

    # after publication: the originals, as everyone with access gets them
    with app.app_context():
        db.session.get(Competition, world["call"]).status = "published"
        db.session.commit()
    original = client.get(f"/documents/{docs['hearing_minutes']}")
    assert original.status_code == 200 and "Боролдойского" in _text(original.get_data())
    assert client.get(f"/documents/{docs['hearing_photos']}").status_code == 200


@pytest.mark.parametrize("text,found", [
    ("Слушания в Боролдой айыл аймагында өттү.", "Боролдой"),  # Kyrgyz
    ("Протокол Боролдойского айылного аймака, Кеминский район.", "Боролдойского"),  # Russian
    ("Hearing minutes, Boroldoi aiyl aimak (Kemin rayon).", "Boroldoi"),  # Latin
    ("Жители села Бoрoлдoй (латинские o).", "Бoрoлдoй"),  # look-alike letters
])
def test_the_search_warns_before_approval_and_approving_anyway_is_recorded(
        app, client, login, world, text, found):
    docs, staff = world["documents"], world["staff"]
    login(client, staff)
    page = _upload_copy(client, docs["hearing_minutes"],
                        pdf("Первая страница.", text)).get_data(as_text=True)
    assert "its text still names the applicant" in page
    section = page[page.index('id="document-'):]
    assert "page 2" in section and found in section  # page number and snippet

    # approving without confirming is refused, and nothing changes
    page = client.post(f"/staff/documents/{docs['hearing_minutes']}/anonymised-copy/approve",
                       data={}, follow_redirects=True).get_data(as_text=True)
    assert re.search(r"names the applicant \d+ times?\. Remove the names?, or confirm", page)
    with app.app_context():
        row = db.session.scalar(select(AnonymisedCopy))
        assert row.approved_at is None
    assert _audit(app, "anonymised_copy.approved") == []

    client.post(f"/staff/documents/{docs['hearing_minutes']}/anonymised-copy/approve",
                data={"confirm": "y"})
    with app.app_context():
        row = db.session.scalar(select(AnonymisedCopy))
        assert row.approved_at is not None and row.approved_by_id == staff.id
        assert row.hits_confirmed
    [entry] = _audit(app, "anonymised_copy.approved")
    assert entry.actor_id == staff.id and entry.payload["confirmed_despite_hits"] is True
    assert entry.payload["hits"] >= 1
    [uploaded] = _audit(app, "anonymised_copy.uploaded")
    assert uploaded.actor_id == staff.id and uploaded.payload["hits"] >= 1


def test_marking_no_identity_is_audited_and_searched(app, client, login, world):
    docs, staff = world["documents"], world["staff"]
    login(client, staff)
    page = client.get(f"/staff/applications/{world['app']}").get_data(as_text=True)
    assert "3 documents wait for anonymisation" in page
    # the staff page shows what the originals' text says, page by page
    minutes = page[page.index(f'id="document-{docs["hearing_minutes"]}"'):]
    assert "page 2" in minutes and "Боролдойского" in minutes
    # the photos name the village: "names nobody" needs a confirmation
    client.post(f"/staff/documents/{docs['hearing_photos']}/no-identity", data={})
    assert _audit(app, "anonymised_copy.no_identity") == []
    # the list names nobody: marked, with who and when
    client.post(f"/staff/documents/{docs['participant_lists']}/no-identity", data={})
    [entry] = _audit(app, "anonymised_copy.no_identity")
    assert entry.actor_id == staff.id
    assert entry.payload["attachment_id"] == docs["participant_lists"]
    assert entry.payload["confirmed_despite_hits"] is False
    with app.app_context():
        row = db.session.scalar(select(AnonymisedCopy).where(
            AnonymisedCopy.attachment_id == docs["participant_lists"]))
        assert row.no_identity and row.approved_by_id == staff.id and row.approved_at
    page = client.get(f"/staff/applications/{world['app']}").get_data(as_text=True)
    assert "2 documents wait for anonymisation" in page
    assert "Approved by" in page


def test_a_copy_is_checked_like_an_upload(app, client, login, world):
    docs = world["documents"]
    login(client, world["staff"])
    page = _upload_copy(client, docs["hearing_minutes"], b"<html>not a pdf</html>",
                        "copy.pdf").get_data(as_text=True)
    assert "is not a PDF, image (PNG, JPEG) or office document" in page
    page = _upload_copy(client, docs["hearing_minutes"], CLEAN_MINUTES,
                        "copy.docx").get_data(as_text=True)
    assert "is a PDF document but its name ends in .docx" in page
    with app.app_context():
        assert db.session.scalar(select(AnonymisedCopy)) is None
    assert _audit(app, "anonymised_copy.uploaded") == []
    # the stored copy is kept under a generated name, and staff may download it to check it
    _upload_copy(client, docs["hearing_minutes"], CLEAN_MINUTES, "protokol.pdf")
    with app.app_context():
        row = db.session.scalar(select(AnonymisedCopy))
        assert re.fullmatch(r"[0-9a-f]{32}", row.stored_name)
    r = client.get(f"/staff/documents/{docs['hearing_minutes']}/anonymised-copy/file")
    assert r.status_code == 200 and r.get_data() == CLEAN_MINUTES
    # replacing it withdraws the approval: members see nothing until the new one is approved
    client.post(f"/staff/documents/{docs['hearing_minutes']}/anonymised-copy/approve", data={})
    _upload_copy(client, docs["hearing_minutes"], LISTS, "protokol-2.pdf")
    login(client, world["member"])
    assert client.get(f"/documents/{docs['hearing_minutes']}").status_code == 404


def test_not_asked_in_a_call_without_coded_review(app, client, login, world):
    with app.app_context():
        call = db.session.get(Competition, world["call"])
        call.settings = {**call.settings, "anonymous_review": False}
        db.session.commit()
    docs = world["documents"]
    login(client, world["staff"])
    page = _upload_copy(client, docs["hearing_minutes"], CLEAN_MINUTES).get_data(as_text=True)
    assert "not reviewed under codes" in page
    assert "wait for anonymisation" not in page
    login(client, world["member"])
    r = client.get(f"/documents/{docs['hearing_minutes']}")
    assert r.status_code == 200 and "Боролдойского" in _text(r.get_data())


# ------------------------------------------------------------------- the text search itself

def _docx(text: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("_rels/.rels", "<Relationships/>")
        z.writestr("word/document.xml", (
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/'
            'main"><w:body><w:p><w:r><w:t>Протокол: Боро</w:t></w:r><w:r><w:t>лдой айыл '
            f'аймагы</w:t></w:r></w:p><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body>'
            '</w:document>'))
    return out.getvalue()


def test_office_documents_are_searched_too():
    found = identity_search.search(_docx("Кемин району"), identity_search.DOCX, NAMES)
    assert found.readable
    assert [h.found for h in found.hits] == ["Боролдой", "Кемин"]
    assert found.hits[0].page is None


def test_a_scan_without_text_is_said_to_be_unread():
    scan = pdf("")
    found = identity_search.search(scan, "application/pdf", NAMES)
    assert not found.readable and not found.hits
    assert not identity_search.search(b"\x89PNG\r\n\x1a\n", "image/png", NAMES).readable
    # a broken file is not readable, not an error
    assert not identity_search.search(b"%PDF-1.4 broken", "application/pdf", NAMES).readable
