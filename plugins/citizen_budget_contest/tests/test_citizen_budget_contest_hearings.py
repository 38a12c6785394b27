"""Reading the hearing rows, the edition's settings, and hiding names in free text."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from plugins.citizen_budget_contest import anonymity, edition
from plugins.citizen_budget_contest.hearings import (
    hearings,
    is_empty_row,
    percent,
    to_date,
    to_int,
    totals,
)
from plugins.citizen_budget_contest.tests.factories import ANSWERS, make_competition

# ---------------------------------------------------------------------------- hearings


def test_hearings_are_read_from_the_answers():
    rows = hearings(ANSWERS)
    assert [h.number for h in rows] == [1, 2]
    first = rows[0]
    assert first.held_on == date(2026, 7, 10) and first.on_draft
    assert first.lead_days == 15
    assert first.women_percent == Decimal("46.8")
    assert first.adopted_amount == Decimal(420000)
    assert first.missing() == []
    assert not rows[1].on_draft


def test_empty_rows_are_skipped_and_numbers_follow_the_filled_ones():
    data = {"hearings": [{}, {"place": " "}, {"held_on": "2026-07-01", "place": "Клуб"},
                         None, "junk", {"participants": "40"}]}
    rows = hearings(data)
    assert [h.number for h in rows] == [1, 2]
    assert rows[1].participants == 40
    assert rows[0].missing() == ["subject", "participants", "women"]


def test_half_filled_drafts_never_raise():
    data = {"hearings": [{"held_on": "10.07.2026", "participants": "12,5", "women": "abc",
                          "adopted_amount": "1 200,50"}]}
    (row,) = hearings(data)
    assert row.held_on == date(2026, 7, 10)
    assert row.participants is None and row.women is None
    assert row.adopted_amount == Decimal("1200.50")
    assert row.lead_days is None and row.women_percent is None
    assert hearings({}) == [] and hearings({"hearings": None}) == []


def test_totals():
    t = totals(ANSWERS)
    assert (t.hearings, t.on_draft, t.participants, t.women, t.questions) == (2, 1, 210, 89, 29)
    assert (t.proposals_received, t.proposals_adopted) == (13, 8)
    assert t.adopted_amount == Decimal(570000)
    assert t.women_percent == Decimal("42.4") and t.adopted_percent == Decimal("61.5")
    empty = totals({})
    assert empty.women_percent is None and empty.adopted_percent is None


@pytest.mark.parametrize("value, expected", [
    ("2026-07-10", date(2026, 7, 10)), ("10.07.2026", date(2026, 7, 10)),
    (date(2026, 1, 2), date(2026, 1, 2)), ("", None), (None, None), ("31.02.2026", None)])
def test_to_date(value, expected):
    assert to_date(value) == expected


def test_numbers_and_rows():
    assert to_int("1 200") == 1200 and to_int("1.5") is None and to_int(True) is None
    assert percent(1, 3) == Decimal("33.3") and percent(1, 0) is None
    assert is_empty_row({"subject": "", "place": None}) and not is_empty_row({"women": 0})


# ---------------------------------------------------------------------------- settings


def test_defaults_of_an_edition():
    competition = make_competition(settings={k: None for k in ("budget_year",)})
    assert edition.prize_places(edition.DEFAULTS) == (Decimal(100000), Decimal(80000),
                                                      Decimal(70000))
    assert edition.budget_year(competition) == 2027
    assert edition.min_women_percent({}) == Decimal(30)
    assert edition.DEFAULTS["anonymous_review"] is True


def test_prize_places_skip_empty_and_zero_places():
    settings = make_competition(settings={
        "prize_1": "120000", "prize_2": "", "prize_3": "0", "prize_4": "50000",
        "prize_5": "25000.50"}).settings
    assert edition.prize_places(settings) == (Decimal(120000), Decimal(50000),
                                              Decimal("25000.50"))
    assert edition.prize_places({f"prize_{n}": None for n in range(1, 6)}) == ()


def test_window_contains_days():
    window = edition.Window(date(2026, 6, 15), date(2026, 8, 20))
    assert date(2026, 6, 15) in window and date(2026, 8, 20) in window
    assert date(2026, 8, 21) not in window and None not in window
    assert date(1990, 1, 1) in edition.Window(None, None)


# ------------------------------------------------------------------------------ masking

BOROLDOI = ("Боролдойский айылный аймак (Кеминский район)", "Боролдойский айылный аймак",
            "Кеминский район")


def _mask(text, names=BOROLDOI):
    return anonymity.masker(names, "***")(text)


def test_stems_of_place_names():
    assert anonymity.terms(*BOROLDOI) == ["Боролдо", "Кемин"]
    assert anonymity.terms("Ак-Талинский айылный аймак (Ат-Башынский район)") == [
        "Ак-Тал", "Ат-Баш"]
    assert anonymity.terms("Онбир-Джылгинский айылный аймак") == ["Онбир-Джылг"]
    assert anonymity.terms("Кара-Балта (Жайылский район)") == ["Кара-Балт", "Жайыл"]


@pytest.mark.parametrize("text", [
    "Дом культуры с. Боролдой", "в селе Боролдое", "Боролдойский АО", "БОРОЛДОЙ",
    "Кемин району", "Кеминский район", "Boroldoy village", "Kemin rayon", "Боролдой-Кемин"])
def test_every_form_of_the_name_is_hidden(text):
    masked = _mask(text)
    for word in ("Боролдо", "БОРОЛДО", "Кемин", "Boroldo", "Kemin"):
        assert word not in masked, masked
    assert "***" in masked


def test_kyrgyz_and_russian_spellings_are_the_same_name():
    names = ("Онбир-Джылгинский айылный аймак (Чуйский район)",)
    masked = _mask("Онбир-Жылга айыл өкмөтү; Онбир Джылга; Onbir-Jylga; Чүй району", names)
    assert masked == "*** айыл өкмөтү; ***; ***; *** району"


def test_other_words_are_kept():
    text = "Зал заседаний айыл окмоту; доска объявлений; 124 участника, Чуйская область"
    assert _mask(text) == text
    assert _mask(None) == "" and _mask(42) == "42"
    assert anonymity.masker([None, ""], "***")("Боролдой") == "Боролдой"
