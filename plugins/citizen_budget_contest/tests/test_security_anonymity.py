"""Issue 15, finding 11 (the text mask): under anonymous review a commission member's pages
hide the municipality also when the applicant writes it in Latin letters, mixes Latin and
Cyrillic look-alikes, spaces its letters out, names its villages, its head or a phone
number. The mask is pure Python; a table of cases, then the pages themselves."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from gms.evaluation.models import Assignment
from gms.extensions import db
from gms.testing.factories import advance
from plugins.citizen_budget_contest import anonymity
from plugins.citizen_budget_contest.tests.factories import with_hearings
from plugins.citizen_budget_contest.tests.support import BOROLDOI, apply, make_round

# what the core knows of Boroldoi (SOATE 41708213808000): Russian, Kyrgyz, English names
NAMES = ("Боролдойский айылный аймак (Кеминский район)", "Боролдойский айылный аймак",
         "Боролдой айыл аймагы", "Boroldoi aiyl aimak", "Кеминский район", "Кемин району")
HEAD = "Асанов Бакыт Жумабекович"


def _mask(text: str) -> str:
    villages = anonymity.villages(["Клуб села Кызыл-Булак", "Чон-Тору айылынын мектеби"])
    return anonymity.masker((*NAMES, *villages), "***", people=[HEAD])(text)


@pytest.mark.parametrize("text,expected", [
    # Latin transliterations (the reference's English name, and everyday spellings)
    ("Boroldoi aiyl aimak", "*** aiyl aimak"), ("Boroldoy", "***"), ("BOROLDOI", "***"),
    ("Kemin rayon", "*** rayon"), ("Keminskiy raion", "*** raion"),
    ("boroldoi.kg", "***.kg"),
    # Latin and Cyrillic look-alikes in one word, a zero for an o
    ("Бoрoлдoй", "***"), ("Вoroldoi", "***"), ("БОРОЛДОЙ", "***"), ("Б0Р0ЛД0Й", "***"),
    ("КEMИН району", "*** району"),
    # letters spaced or dotted out
    ("Б о р о л д о й", "***"), ("B.o.r.o.l.d.o.i", "***"), ("К-е-м-и-н району", "*** району"),
    ("B o r o l d o i айыл", "*** айыл"),
    # villages the application names, in other forms
    ("жители Кызыл-Булака", "жители ***"), ("в Чон-Тору", "в ***"),
    # the head's name, inflected
    ("глава Асанов Б.Ж.", "глава *** Б.Ж."), ("с Асановым Бакытом", "с *** ***"),
    # phone numbers and e-mail addresses
    ("тел. 5-12-34", "тел. ***"), ("+996 555 123 456", "***"), ("0555 12-34-56", "***"),
    ("(0312) 62-45-78", "***"), ("996555123456", "***"), ("WhatsApp: 0700123456", "WhatsApp: ***"),
    ("ao@mail.kg", "***"),
    # what stays: ordinary words, counts, sums, dates
    ("124 участника", "124 участника"), ("бюджет 1 140 000 сом", "бюджет 1 140 000 сом"),
    ("2026-08-01 – 2026-08-15", "2026-08-01 – 2026-08-15"), ("там газ и вода", "там газ и вода"),
    ("Зал заседаний айыл окмоту", "Зал заседаний айыл окмоту"),
    ("Kemerovo", "Kemerovo"), ("б о р", "б о р"), ("телевизор 12 345", "телевизор 12 345"),
])
def test_the_mask(text, expected):
    assert _mask(text) == expected


def test_villages_named_by_the_application():
    assert anonymity.villages([
        "Дом культуры с. Боролдой", "Клуб села Кызыл-Суу", "Ак-Тал айылынын маданият үйү",
        "биздин айылыбыз", "бул айылы", "Село Жаңы-Жол", None]) == [
        "Ак-Тал", "Боролдой", "Жаңы-Жол", "Кызыл-Суу"]


LEAKS = {
    "title": "Boroldoi: the citizens' budget",
    "place": "Клуб села Кызыл-Булак, Бoрoлдoй",
    "how": "WhatsApp группа, тел. +996 555 123 456, B o r o l d o i",
    "text": "Жители Кызыл-Булака и глава Асанов обсудили бюджет Б.о.р.о.л.д.о.й (Kemin).",
}
FORBIDDEN = ("Boroldoi", "Бoрoлдoй", "B o r o l d o i", "Кызыл-Булак", "Асанов",
             "555 123 456", "Б.о.р.о.л.д.о.й", "Kemin")


def test_a_member_sees_none_of_it(app, client, login, clock, make_user, territories):
    people = make_round(app, clock, make_user, codes=(BOROLDOI,), members=1)
    applicant = people["applicants"][BOROLDOI]
    with app.app_context():
        from gms.models import User

        db.session.get(User, applicant.id).name = HEAD
        db.session.commit()
    call_id = people["call"]
    login(client, applicant)
    answers = with_hearings(
        {"place": LEAKS["place"], "announced_how": LEAKS["how"]},
        title=LEAKS["title"], questions_summary=LEAKS["text"], adopted_summary=LEAKS["text"],
        budget_publication=LEAKS["text"], changes=LEAKS["text"],
        prize_use_description=LEAKS["text"])
    app_id, r = apply(client, call_id, answers)
    assert r.status_code == 302, r.get_data(as_text=True)[:2000]
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
    login(client, member)
    client.post(f"/review/{assignment}/declare", data={"conflict": "no"})
    page = client.get(f"/review/{assignment}")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "[name hidden]" in body and "обсудили бюджет" in body
    leaks = [w for w in FORBIDDEN if w.lower() in body.lower()]
    assert not leaks, leaks
    # staff see the application as written
    login(client, people["staff"])
    staff_page = client.get(f"/staff/applications/{app_id}").get_data(as_text=True)
    assert "Кызыл-Булак" in staff_page and "555 123 456" in staff_page
