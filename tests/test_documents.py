"""Generated PDFs carry Kyrgyz and Russian text that can be read back."""

from __future__ import annotations

import io

from pypdf import PdfReader

from gms.documents import Document, render_pdf


def test_pdf_with_cyrillic_text_and_a_table():
    doc = (Document("Кызматташуу меморандуму")
           .heading("1. Тараптар")
           .paragraph("Ала-Арча айыл өкмөтү жана Долбоор төмөнкүлөр жөнүндө макулдашты.")
           .table(["№", "Иш-чара", "Мөөнөт"], [[1, "Бюджеттик угуулар", "2026-ж. июнь"]])
           .signatures("Айыл өкмөтүнүн башчысы", "Жергиликтүү кеңештин төрагасы"))
    data = render_pdf(doc)
    assert data.startswith(b"%PDF-")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    for expected in ("Кызматташуу меморандуму", "Ала-Арча айыл өкмөтү", "Бюджеттик угуулар",
                     "Жергиликтүү кеңештин төрагасы"):
        assert expected in text
