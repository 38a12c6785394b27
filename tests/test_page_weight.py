"""Pages stay light at national scale: no list page loads more than one page of rows, and an
applicant's main pages (on a slow rural connection) weigh at most 100 KB gzip-compressed with
the CSS and JavaScript they link."""

from __future__ import annotations

import gzip
import re
from collections import Counter
from contextlib import contextmanager

import pytest
from sqlalchemy import event
from sqlalchemy.engine.cursor import CursorResult

from gms.extensions import db

from .test_queries import (
    PER_PAGE,
    PLUGINS,
    build_world,
    grow,
    grow_call,
    list_pages,
    plugin_pages,
    visit,
)
from .toy_competition import TOY

#: what a page may load besides its page of rows: the user, the call, the organisation...
SLACK = 4
#: pages whose page is not PER_PAGE long: the audit log shows 50 entries a page
PAGE_SIZE = {"/staff/audit": 50}
KB = 1024
#: an applicant's page, with what it links, gzip-compressed
MAX_APPLICANT_PAGE = 100 * KB


@contextmanager
def loads(app):
    """Count, while inside, the ORM instances loaded (by class) and the rows fetched from
    the database (ORM or not: ranking rows are plain tuples)."""
    from gms.models import User

    seen = {"instances": Counter(), "rows": 0}

    def on_load(target, context):
        seen["instances"][type(target).__name__] += 1

    fetchers = {name: getattr(CursorResult, name) for name in (
        "_fetchall_impl", "_fetchmany_impl", "_fetchone_impl", "_fetchiter_impl")}

    def counting(name, original):
        if name == "_fetchiter_impl":
            def fetch(self, *args, **kwargs):
                for row in original(self, *args, **kwargs):
                    seen["rows"] += 1
                    yield row
        elif name == "_fetchone_impl":
            def fetch(self, *args, **kwargs):
                row = original(self, *args, **kwargs)
                seen["rows"] += row is not None
                return row
        else:
            def fetch(self, *args, **kwargs):
                rows = original(self, *args, **kwargs)
                seen["rows"] += len(rows)
                return rows
        return fetch

    base = db.Model
    event.listen(base, "load", on_load, propagate=True)
    for name, original in fetchers.items():
        setattr(CursorResult, name, counting(name, original))
    try:
        yield seen
    finally:
        for name, original in fetchers.items():
            setattr(CursorResult, name, original)
        event.remove(base, "load", on_load)
    assert User  # the models are mapped before the listener is set


@pytest.mark.gms_plugins()
@pytest.mark.gms_config(**TOY, PER_PAGE=PER_PAGE)
def test_no_list_page_loads_more_than_a_page_of_rows(app, client):
    with app.app_context():
        ids = build_world()
        grow(ids, 30)  # 60 more of every kind: full pages everywhere, the audit log's too
    few = {url: seen for url, seen in visit(client, list_pages(ids),
                                            lambda url: loads(app)).items()}
    with app.app_context():
        grow(ids, 30)
    many = visit(client, list_pages(ids), lambda url: loads(app))
    heavy = {url: dict(seen["instances"].most_common(3)) for url, seen in many.items()
             if any(n > PAGE_SIZE.get(url, PER_PAGE) + SLACK
                    for n in seen["instances"].values())}
    assert not heavy, f"pages loading more than {PER_PAGE} (+{SLACK}) entities: {heavy}"
    # and no page reads more rows when every list is longer (Core rows included)
    growing = {url: (few[url]["rows"], seen["rows"]) for url, seen in many.items()
               if seen["rows"] > few[url]["rows"]}
    assert not growing, f"pages reading more rows with more data: {growing}"


# ------------------------------------------------------------------------ applicant pages

LINKED = re.compile(r'(?:href|src)="(/static/[^"?#]+)')


def _weight(client, url: str, cache: dict) -> tuple[int, dict]:
    """gzip size of the page plus that of every /static file it links (each file once)."""
    r = client.get(url)
    assert r.status_code == 200, (url, r.status_code)
    sizes = {url: len(gzip.compress(r.data, 6))}
    for asset in sorted(set(LINKED.findall(r.get_data(as_text=True)))):
        if asset not in cache:
            got = client.get(asset)
            assert got.status_code == 200, asset
            cache[asset] = len(gzip.compress(got.data, 6))
            got.close()
        sizes[asset] = cache[asset]
    return sum(sizes.values()), sizes


@pytest.mark.gms_plugins("small_grants", "local_initiative", "pilot_selection",
                         "citizen_budget_contest")
def test_applicant_main_pages_weigh_at_most_100_kb_compressed(app, client):
    """With the demo data of every competition: the public calls list, each open call, an
    applicant's application form in each of them and the applicant's dashboard."""
    from sqlalchemy import select

    from gms.demo import DOMAIN, PASSWORD
    from gms.demo import load as load_demo
    from gms.models import Application, Competition, User

    with app.app_context():
        load_demo()
        calls = db.session.scalars(select(Competition).where(Competition.status == "open")
                                   .order_by(Competition.id)).all()
        applicant = db.session.scalar(select(User).where(User.email == f"applicant1@{DOMAIN}"))
        call_ids = [c.id for c in calls]
        email = applicant.email
    assert call_ids
    r = client.post("/login", data={"email": email, "password": PASSWORD})
    assert r.status_code == 302
    cache: dict = {}
    pages = {"/": None, "/my": None}
    for call_id in call_ids:
        pages[f"/calls/{call_id}"] = None
        r = client.post(f"/calls/{call_id}/apply")
        assert r.status_code == 302
        with app.app_context():
            draft = db.session.scalar(
                select(Application.id).where(Application.competition_id == call_id,
                                             Application.created_by_id == applicant.id)
                .order_by(Application.id.desc()))
        if draft is not None:
            pages[f"/applications/{draft}"] = None
    weights = {url: _weight(client, url, cache) for url in pages}
    assert any(u.startswith("/applications/") for u in weights), weights
    heavy = {url: (total, sizes) for url, (total, sizes) in weights.items()
             if total > MAX_APPLICANT_PAGE}
    assert not heavy, heavy


@pytest.mark.gms_plugins(*PLUGINS)
@pytest.mark.gms_config(PER_PAGE=PER_PAGE, TWO_FACTOR_ROLES=[])
def test_plugin_list_pages_rows(app, client):
    """No plugin list page loads more than a page of rows, with 3 pages of extra awards."""
    from gms.demo import DOMAIN, PASSWORD
    from gms.demo import load as load_demo

    with app.test_request_context():
        load_demo()
        pages = plugin_pages()
        for call_id in set(pages.values()):
            grow_call(call_id, 3 * PER_PAGE)
    r = client.post("/login", data={"email": f"staff@{DOMAIN}", "password": PASSWORD})
    assert r.status_code == 302
    heavy = set()
    for url in pages:
        with loads(app) as seen:
            assert client.get(url).status_code == 200, url
        if any(n > PER_PAGE + SLACK for n in seen["instances"].values()):
            heavy.add(app.url_map.bind("").match(url)[0].split(".")[-1])
    assert not heavy, f"plugin pages loading more than {PER_PAGE} (+{SLACK}) entities: {heavy}"


@pytest.mark.gms_plugins()
@pytest.mark.gms_config(**{**TOY, "PER_PAGE": 2})
def test_the_ranking_is_paged_and_every_page_is_reachable(app):
    """With more eligible applications than a page, the pager leads to the rest."""
    from tests.helpers import login, toy_round

    with app.app_context():
        ids = toy_round(n_per_org=2)
    client = app.test_client()
    login(client, "staff@x.kg")
    first = client.get(f"/staff/calls/{ids['call']}/ranking").get_data(as_text=True)
    assert "Page 1 of 2" in first and f"/staff/calls/{ids['call']}/ranking?page=2" in first
    second = client.get(f"/staff/calls/{ids['call']}/ranking?page=2").get_data(as_text=True)
    assert "Page 2 of 2" in second
    numbers = [set(re.findall(r">(\d{3}-\d{5})</a>", page)) for page in (first, second)]
    assert len(numbers[0]) == 2 and len(numbers[1]) == 2 and not numbers[0] & numbers[1]
