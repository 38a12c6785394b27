"""Prizes by place from the fund, from the call's settings; the prize table, the summary of
prize use and the certificate."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

from pypdf import PdfReader

from gms.competition import FUNDED, NOT_FUNDED, RESERVE, PrizesByPlace, RankedApplication
from gms.documents import render_pdf
from plugins.citizen_budget_contest import prizes
from plugins.citizen_budget_contest.competition import CitizenBudgetContest
from plugins.citizen_budget_contest.tests.factories import make_competition


def _ranking(*scores, passed=None):
    passed = passed or [True] * len(scores)
    return [RankedApplication(application_id=i + 1, organisation_id=100 + i,
                              score=None if s is None else Decimal(str(s)),
                              requested_amount=Decimal(0), rank=i + 1, passed_thresholds=ok)
            for i, (s, ok) in enumerate(zip(scores, passed, strict=True))]


def _policy(**kw):
    return CitizenBudgetContest().award_policy(make_competition(**kw)).build()


def _outcomes(decisions):
    return [(d.outcome, d.amount, d.reason) for d in decisions]


def test_default_split_is_100_80_70_thousand():
    policy = _policy()
    assert isinstance(policy, PrizesByPlace)
    assert policy.places == (Decimal(100000), Decimal(80000), Decimal(70000))


def test_places_go_in_rank_order_and_the_rest_is_the_reserve():
    decisions = _policy().decide(_ranking(91, 84.5, 78, 70, 62), Decimal(400000))
    assert _outcomes(decisions) == [
        (FUNDED, Decimal(100000), "place_1"), (FUNDED, Decimal(80000), "place_2"),
        (FUNDED, Decimal(70000), "place_3"), (RESERVE, Decimal(0), "no_place"),
        (RESERVE, Decimal(0), "no_place")]
    # 150,000 of the 400,000 fund stay unallocated
    assert sum(d.amount for d in decisions) == Decimal(250000)


def test_the_split_is_a_setting():
    policy = _policy(settings={"prize_1": "150000", "prize_2": "100000", "prize_3": "75000",
                               "prize_4": "50000", "prize_5": "25000"})
    decisions = policy.decide(_ranking(90, 80, 70, 60, 50, 40), Decimal(400000))
    assert [d.amount for d in decisions] == [Decimal(x) for x in (
        150000, 100000, 75000, 50000, 25000, 0)]


def test_number_of_awards_caps_the_places():
    assert _policy(max_awards=2).places == (Decimal(100000), Decimal(80000))


def test_prizes_never_exceed_the_fund():
    decisions = _policy().decide(_ranking(90, 80, 70), Decimal(170000))
    assert _outcomes(decisions) == [
        (FUNDED, Decimal(100000), "place_1"), (RESERVE, Decimal(0), "envelope"),
        (RESERVE, Decimal(0), "envelope")]


def test_unscored_or_below_threshold_get_nothing():
    decisions = _policy().decide(_ranking(90, None, 70, passed=[True, True, False]),
                                 Decimal(400000))
    assert [d.outcome for d in decisions] == [FUNDED, NOT_FUNDED, NOT_FUNDED]


def _prize(place, amount, use, rank=None, outcome="funded", **kw):
    values = dict(application_id=place or rank, rank=rank or place, outcome=outcome,
                  reason=f"place_{place}" if place else "no_place",
                  number=f"005-0000{rank or place}",
                  municipality=f"Municipality {rank or place}", rayon="Кеминский район",
                  oblast="Чуйская область", score=Decimal("84.5"), amount=Decimal(amount),
                  use=use, use_description="Проектор и экран")
    values.update(kw)
    return prizes.Prize(**values)


def test_prize_table_and_use_summary():
    items = [_prize(2, 80000, "public_events"), _prize(1, 100000, "equipment"),
             _prize(None, 0, "equipment", rank=4, outcome="reserve"),
             _prize(3, 70000, "equipment")]
    header, rows = prizes.table(items)
    assert len(header) == len(rows[0]) == 9
    assert [r[0] for r in rows] == [1, 2, 3, "Reserve"]
    # the funded awards per use, as the view's GROUP BY counts and sums them
    lines, awarded, left = prizes.use_summary(
        [("equipment", 2, Decimal(170000)), ("public_events", 1, Decimal(80000))],
        Decimal(400000))
    assert [(line.prizes, line.amount) for line in lines] == [
        (2, Decimal(170000)), (1, Decimal(80000))]
    assert (awarded, left) == (Decimal(250000), Decimal(150000))


def test_use_summary_shows_unknown_uses():
    lines, awarded, _left = prizes.use_summary(
        [("salaries", 1, Decimal(100000)), (None, 1, Decimal(50000)),
         ("equipment", 1, Decimal(70000))], Decimal(300000))
    assert [(line.label, line.prizes, line.amount) for line in lines] == [
        ("Equipment that makes the LSG body more effective", 1, Decimal(70000)),
        ("Public events (hearings, meetings with citizens)", 0, Decimal(0)),
        ("Not stated", 2, Decimal(150000))]
    assert awarded == Decimal(220000)


def test_use_summary_of_no_prizes():
    lines, awarded, left = prizes.use_summary([], Decimal(400000))
    assert [(line.prizes, line.amount) for line in lines] == [(0, 0), (0, 0)]
    assert (awarded, left) == (Decimal(0), Decimal(400000))


def test_certificate_pdf_has_the_winner_in_cyrillic(app_ctx):
    from flask_babel import force_locale

    prize = _prize(1, 100000, "equipment",
                   municipality="Боролдойский айылный аймак (Кеминский район)")
    with force_locale("ru"):
        doc = prizes.certificate(prize, "Реальное участие граждан (2027)", 2027,
                                 date(2026, 10, 15))
        data = render_pdf(doc)
    assert data.startswith(b"%PDF-")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    text = " ".join(text.split())
    for expected in ("Боролдойский айылный аймак", "100 000", "2027", "005-00001",
                     "Проектор и экран"):
        assert expected in text, expected
