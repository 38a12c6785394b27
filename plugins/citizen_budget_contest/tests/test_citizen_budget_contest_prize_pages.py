"""The staff prize page with a long reserve list: the reserve list a page at a time, the
places and the use of the prize fund (added up in SQL) on every page, every row in the CSV."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from gms.evaluation.models import Award
from gms.extensions import db
from gms.models import Application, Competition, User
from plugins.citizen_budget_contest.demo import PAST_TITLE

PER_PAGE = 4
MORE = 7  # reserve entries added to the demo's three: ten, on three pages

pytestmark = [pytest.mark.gms_plugins("citizen_budget_contest"),
              pytest.mark.gms_config(PER_PAGE=PER_PAGE, TWO_FACTOR_ROLES=[])]


def _past_call() -> Competition:
    return next(c for c in db.session.scalars(select(Competition).where(
        Competition.type_key == "citizen_budget_contest")) if c.title.get("en") == PAST_TITLE)


def _lengthen_the_reserve(call: Competition, k: int) -> None:
    """``k`` more reserve entries after the last ranked one, like the first reserve entry."""
    first = db.session.scalar(select(Award).where(
        Award.competition_id == call.id, Award.outcome == "reserve").order_by(Award.rank))
    source = first.application
    columns = {c.key: getattr(source, c.key) for c in Application.__table__.columns
               if c.key != "id"}
    last = db.session.scalar(select(func.max(Award.rank)).where(
        Award.competition_id == call.id))
    for i in range(1, k + 1):
        application = Application(**{**columns, "number": f"R-{last + i:03d}",
                                     "status": "reserve"})
        db.session.add(application)
        db.session.flush()
        db.session.add(Award(competition_id=call.id, application_id=application.id,
                             outcome="reserve", amount=Decimal(0), rank=last + i,
                             score=Decimal(60) - i, reason="no_place",
                             decided_by_id=first.decided_by_id, decided_at=first.decided_at))
    db.session.commit()


@pytest.fixture
def long_reserve(app):
    from gms.demo import DOMAIN
    from gms.demo import load as load_demo

    with app.app_context():
        load_demo()
        call = _past_call()
        _lengthen_the_reserve(call, MORE)
        db.session.scalar(select(User).where(User.email == f"staff@{DOMAIN}")).locale = "en"
        db.session.commit()
        awards = db.session.scalars(select(Award).where(Award.competition_id == call.id)
                                    .order_by(Award.rank)).all()
        return {
            "call": call.id,
            "funded": [a.application.number for a in awards if a.outcome == "funded"],
            "reserve": [a.application.number for a in awards if a.outcome == "reserve"],
            "awarded": sum(a.amount for a in awards if a.outcome == "funded"),
            "uses": sorted((a.application.answers.get("prize_use"), a.amount)
                           for a in awards if a.outcome == "funded"),
            "fund": Decimal(call.budget),
        }


def _reserve_on(html: str) -> list[str]:
    """The application numbers of the reserve list shown, in order."""
    listing = html.split("<ol start=", 1)[1].split("</ol>", 1)[0]
    return re.findall(r"<li>([^<]*?) · ", listing)


def _prizes(n: int) -> str:
    return f"{n} prize" if n == 1 else f"{n} prizes"


def _uses_on(html: str) -> list[tuple[str, str, str]]:
    """The summary's lines of prize use: label, number of prizes and amount."""
    return re.findall(r"<dt>([^<]*)</dt><dd>(\d+ prizes?) · ([^<]*)</dd>", html)


def test_the_reserve_list_is_paged_and_the_totals_are_whole(app, client, long_reserve):
    from gms.demo import DOMAIN, PASSWORD

    data = long_reserve
    reserve = data["reserve"]
    assert len(reserve) == 3 + MORE > 2 * PER_PAGE
    assert data["awarded"] == Decimal(250000) and data["fund"] == Decimal(400000)
    r = client.post("/login", data={"email": f"staff@{DOMAIN}", "password": PASSWORD})
    assert r.status_code == 302
    url = f"/p/citizen_budget_contest/calls/{data['call']}/prizes"

    pages = {}
    for n in (1, 2, 3):
        r = client.get(f"{url}?page={n}")
        assert r.status_code == 200
        pages[n] = r.get_data(as_text=True)
    # one page of the reserve list each, in rank order, numbered on from the previous page
    assert _reserve_on(pages[1]) == reserve[:PER_PAGE]
    assert _reserve_on(pages[2]) == reserve[PER_PAGE:2 * PER_PAGE]
    assert _reserve_on(pages[3]) == reserve[2 * PER_PAGE:]
    assert '<ol start="1">' in pages[1] and f'<ol start="{PER_PAGE + 1}">' in pages[2]
    assert "Page 1 of 3" in pages[1] and "Page 2 of 3" in pages[2]
    assert f"{url}?page=2" in pages[1] and f"{url}?page=3" in pages[2]
    # past the end: the last page
    assert _reserve_on(client.get(f"{url}?page=99").get_data(as_text=True)) == reserve[8:]

    for html in pages.values():
        # every page: all the places and the whole fund's use, not this page's
        for number in data["funded"]:
            assert f"<td>{number}</td>" in html, number
        assert "<dt>Awarded</dt><dd>KGS250,000</dd>" in html
        assert "<dt>Not allocated</dt><dd>KGS150,000</dd>" in html
        equipment = [amount for use, amount in data["uses"] if use == "equipment"]
        events = [amount for use, amount in data["uses"] if use == "public_events"]
        assert len(equipment) + len(events) == 3
        assert _uses_on(html) == [
            ("Equipment that makes the LSG body more effective",
             _prizes(len(equipment)), f"KGS{sum(equipment):,.0f}"),
            ("Public events (hearings, meetings with citizens)",
             _prizes(len(events)), f"KGS{sum(events):,.0f}")]

    # the CSV holds every row, on any page
    for query in ("format=csv", "format=csv&page=2"):
        body = client.get(f"{url}?{query}").get_data(as_text=True)
        rows = list(csv.reader(io.StringIO(body)))
        assert rows[0][:2] == ["Place", "Number"]
        assert [row[1] for row in rows[1:]] == data["funded"] + reserve
        assert [row[0] for row in rows[1:]] == ["1", "2", "3"] + ["Reserve"] * len(reserve)

    # in Russian, the pager and the list read as the rest of the page
    with app.app_context():
        db.session.scalar(select(User).where(User.email == f"staff@{DOMAIN}")).locale = "ru"
        db.session.commit()
    html = client.get(f"{url}?page=2").get_data(as_text=True)
    assert "Резервный список" in html and "Страница 2 из 3" in html
    assert "Page 2 of 3" not in html
