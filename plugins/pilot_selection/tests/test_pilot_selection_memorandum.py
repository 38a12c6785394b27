"""The memorandum of cooperation: its content from the answers, and the PDF."""

from __future__ import annotations

import io
from datetime import date

import pypdf

from gms.documents import render_pdf
from plugins.pilot_selection import memorandum
from plugins.pilot_selection.tests.factories import answers


def _data(**changes):
    return memorandum.data_of(
        answers(**changes), number="001-00007",
        organisation="Кызыл-Сууский айылный аймак (Кара-Сууский район)",
        call_title="Отбор пилотных муниципалитетов 2017", dated=date(2017, 4, 15),
        until=None)


def _text(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split())
                    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def test_the_values_come_from_the_letter():
    data = _data()
    assert data.municipality == "Кызыл-Сууский айылный аймак"
    assert data.location == "Кара-Сууский район, Ошская область"
    assert (data.head_name, data.chair_name) == ("Маматов Алмазбек Турсунбаевич",
                                                 "Маматова Жыпар Абдылдаевна")
    assert (data.decision_number, data.decision_date) == ("14/2", date(2017, 3, 15))
    assert [r["activity"] for r in data.plan] == [
        "Тренинг по бюджетному процессу для депутатов и специалистов АО",
        "Общественные слушания по проекту бюджета на 2018 год"]
    # the registered name stands in for a municipality name left empty
    assert _data(letter__municipality_name="").municipality.startswith("Кызыл-Сууский")


def test_the_document_has_the_parties_the_plan_and_the_signatures():
    doc = memorandum.build(_data())
    assert doc.title == "Memorandum of cooperation"
    kinds = [block[0] for block in doc.blocks]
    assert kinds.count("table") == 1 and kinds[-2:] == ["sign", "p"]
    table = next(block for block in doc.blocks if block[0] == "table")
    assert table[2][1] == [2, "Общественные слушания по проекту бюджета на 2018 год",
                           "Events that disclose budget information", "ноябрь 2017",
                           "Глава АО, бюджетная комиссия кенеша"]
    signatures = doc.blocks[-2][1]
    assert signatures == ("For the Project", "Head of the aiyl okmotu",
                          "Chair of the local council")
    text = " ".join(str(b[1]) for b in doc.blocks if b[0] in ("p", "h"))
    assert "until the end of the current phase of the Project" in text
    assert "no transfer of money" in text
    assert "joint decision No. 14/2 of 2017-03-15" in text
    assert ("For the Municipality: Head of the aiyl okmotu Маматов Алмазбек Турсунбаевич; "
            "chair of the local council Маматова Жыпар Абдылдаевна.") in text


def test_a_term_date_from_the_settings():
    data = memorandum.data_of(answers(), number="1", organisation="X", call_title="Y",
                              dated=None, until=date(2019, 3, 31))
    text = " ".join(str(b[1]) for b in memorandum.build(data).blocks if b[0] == "p")
    assert "runs until 2019-03-31" in text


def test_the_pdf_reads_back_with_cyrillic():
    text = _text(render_pdf(memorandum.build(_data(letter__head_title="mayor"))))
    for expected in ("Memorandum of cooperation", "Кызыл-Сууский айылный аймак",
                     "Mayor of the town Маматов Алмазбек Турсунбаевич",
                     "Маматова Жыпар Абдылдаевна", "Общественные слушания по проекту бюджета",
                     "001-00007"):
        assert expected in text, expected
