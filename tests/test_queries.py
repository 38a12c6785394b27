"""List pages make the same number of queries whatever the number of rows (no N+1), and the
ranking is one query at every size.

The world (:func:`build_world`) is a toy call in evaluation, a published toy call whose
funded awards have grants, tranches and transfers, mail, audit entries and the people of
every role; :func:`grow` bulk-inserts (SQLAlchemy Core) many more rows of every listed kind.
``tests/test_page_weight.py`` reuses both.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import event, func, insert, select

from gms.extensions import db

from .helpers import login, make_user, toy_round, user_id
from .toy_competition import TOY

PER_PAGE = 5
pytestmark = [pytest.mark.gms_plugins(), pytest.mark.gms_config(**TOY, PER_PAGE=PER_PAGE)]


@contextmanager
def count_queries(app):
    with app.app_context():
        engine = db.engine
    seen: list[str] = []

    def before(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", before)


# ------------------------------------------------------------------------------- the world

def build_world() -> dict:
    """The toy round (call in evaluation, applicants a and b, members m1 and m2, staff) plus
    a finance officer, m1 as the call's rapporteur with a divergence limit, and a published
    toy call with two funded awards of a's organisation, each with an active grant, a tranche
    and a transfer. Returns the ids (``call``, ``pub``, ``org_a``, ``org_b``, users...)."""
    from gms.evaluation.models import CommissionMember
    from gms.models import Application, Competition

    ids = toy_round(n_per_org=1)
    make_user("finance", "fin@x.kg")
    ids["fin"] = user_id("fin@x.kg")
    call = db.session.get(Competition, ids["call"])
    call.divergence_limit = Decimal(5)
    db.session.add(CommissionMember(competition_id=call.id, user_id=ids["m1"], role="rapporteur"))
    db.session.add(CommissionMember(competition_id=call.id, user_id=ids["m2"], role="member"))
    now = datetime.now(UTC)
    pub = Competition(type_key="toy", type_version=call.type_version, status="published",
                      title={"en": "Published toy call"}, description={}, oblasts=call.oblasts,
                      opens_at=now - timedelta(days=90), deadline_at=now - timedelta(days=60),
                      budget=Decimal(10**9), settings={}, frozen_sheet=call.frozen_sheet,
                      frozen_rules=call.frozen_rules, published_at=now - timedelta(days=30))
    db.session.add(pub)
    db.session.commit()
    ids["pub"] = pub.id
    ids["org_a"] = db.session.get(Application, ids["apps_a"][0]).organisation_id
    ids["org_b"] = db.session.get(Application, ids["apps_b"][0]).organisation_id
    grow(ids, 2, scored=False)
    return ids


def _next_id(model) -> int:
    return (db.session.scalar(select(func.max(model.id))) or 0) + 1


def grow(ids: dict, k: int, scored: bool = True) -> None:
    """Bulk-insert ``k`` more rows of every listed kind: per organisation, eligible scored
    applications of the call in evaluation (m1 and m2 far apart, so they need a consensus);
    funded awards of the published call with grant, tranche and transfer; mail; audit
    entries. ``scored=False`` adds only the money (used to seed the world)."""
    from gms.evaluation.models import Assignment, Award
    from gms.models import Application, AuditEntry, OutboxMessage
    from gms.money.models import Grant, Tranche, Transfer

    now = datetime.now(UTC)
    tag = _next_id(Application)
    common = {"answers": {"summary": "long enough summary"}, "language": "ru",
              "created_by_id": ids["a"], "created_at": now, "updated_at": now,
              "submitted_at": now - timedelta(days=1)}
    if scored:
        first = _next_id(Application)
        apps = [{"id": first + i, "competition_id": ids["call"], "status": "eligible",
                 "organisation_id": ids["org_a"] if i % 2 else ids["org_b"],
                 "title": f"extra {tag}-{i}", "requested_amount": Decimal(1000 + i),
                 "number": f"X-{tag}-{i}", **common} for i in range(2 * k)]
        db.session.execute(insert(Application), apps)
        sheet = _next_id(Assignment)
        db.session.execute(insert(Assignment), [
            {"id": sheet + 2 * i + j, "application_id": a["id"], "reviewer_id": ids[m],
             "assigned_by_id": ids["staff"], "assigned_at": now, "status": "submitted",
             "submitted_at": now, "total": Decimal(total)}
            for i, a in enumerate(apps) for j, (m, total) in enumerate((("m1", 10 + i % 7),
                                                                        ("m2", 30)))])
        first = _next_id(OutboxMessage)
        db.session.execute(insert(OutboxMessage), [
            {"id": first + i, "key": f"k-{tag}-{i}", "recipient": "x@x.kg", "subject": "s",
             "body": "b", "created_at": now} for i in range(2 * k)])
        first = _next_id(AuditEntry)
        db.session.execute(insert(AuditEntry), [
            {"id": first + i, "at": now, "actor_id": ids["staff"], "action": "test.grown",
             "object_type": "applications", "object_id": i, "payload": {}, "prev_hash": "0",
             "hash": "0"} for i in range(2 * k)])
    app0, award0, grant0 = _next_id(Application), _next_id(Award), _next_id(Grant)
    tranche0, transfer0 = _next_id(Tranche), _next_id(Transfer)
    db.session.execute(insert(Application), [
        {"id": app0 + i, "competition_id": ids["pub"], "status": "funded",
         "organisation_id": ids["org_a"], "title": f"funded {tag}-{i}",
         "requested_amount": Decimal(5000), "number": f"F-{tag}-{i}", **common}
        for i in range(k)])
    rank0 = db.session.scalar(select(func.count()).select_from(Award).where(
        Award.competition_id == ids["pub"]))
    db.session.execute(insert(Award), [
        {"id": award0 + i, "competition_id": ids["pub"], "application_id": app0 + i,
         "outcome": "funded", "amount": Decimal(5000), "rank": rank0 + i + 1,
         "score": Decimal(20), "reason": "", "decided_by_id": ids["staff"], "decided_at": now}
        for i in range(k)])
    db.session.execute(insert(Grant), [
        {"id": grant0 + i, "award_id": award0 + i, "status": "active",
         "number": f"G-{tag}-{i}", "language": "ru", "currency": "KGS",
         "amount": Decimal(5000), "transferred": Decimal(1000), "returned": Decimal(0),
         "opened_by_id": ids["staff"], "opened_at": now, "starts_on": date(2026, 1, 1)}
        for i in range(k)])
    db.session.execute(insert(Tranche), [
        {"id": tranche0 + i, "grant_id": grant0 + i, "number": 1, "amount": Decimal(5000),
         "requires_report": False} for i in range(k)])
    db.session.execute(insert(Transfer), [
        {"id": transfer0 + i, "grant_id": grant0 + i, "tranche_id": tranche0 + i,
         "kind": "transfer", "value_date": date(2026, 2, 1), "amount_kgs": Decimal(1000),
         "amount": Decimal(1000), "payment_order": f"PO-{tag}-{i}",
         "recipient_account": "4402", "recorded_by_id": ids["fin"], "recorded_at": now}
        for i in range(k)])
    db.session.commit()
    if db.engine.dialect.name == "postgresql":  # explicit ids: move the sequences past them
        for model in (Application, Assignment, OutboxMessage, AuditEntry, Award, Grant,
                      Tranche, Transfer):
            table = model.__table__.name
            db.session.execute(select(func.setval(func.pg_get_serial_sequence(table, "id"),
                                                  select(func.max(model.id)).scalar_subquery())))
        db.session.commit()


def list_pages(ids: dict) -> dict[str | None, list[str]]:
    """Every list page, by the e-mail of who sees it (``None``: anyone)."""
    call, pub = ids["call"], ids["pub"]
    return {
        None: ["/", f"/calls/{call}", f"/calls/{pub}/results", "/finance/open-data"],
        "a@x.kg": ["/my", "/finance/my"],
        "m1@x.kg": ["/review/"],
        "staff@x.kg": ["/staff/", f"/staff/calls/{call}/applications",
                       f"/staff/calls/{call}/applications?status=eligible",
                       f"/staff/calls/{call}/ranking", f"/staff/calls/{pub}/ranking",
                       f"/staff/applications/{ids['apps_a'][0]}/why",
                       f"/staff/calls/{call}/commission", f"/staff/calls/{call}/analytics",
                       "/staff/outbox", "/staff/audit"],
        "fin@x.kg": ["/finance/", "/finance/grants", f"/finance/grants?call={pub}",
                     "/finance/transfers"],
    }


def visit(client, pages: dict, measure) -> dict[str, object]:
    """``measure(url)`` -> a context manager yielding what to record, for every page."""
    out = {}
    for email, urls in pages.items():
        client.post("/logout")
        if email:
            login(client, email)
        for url in urls:
            with measure(url) as seen:
                r = client.get(url)
            assert r.status_code == 200, (url, r.status_code)
            out[url] = seen
    return out


# ---------------------------------------------------------------------------------- tests

def _query_counts(app, client, ids) -> dict[str, int]:
    return {url: len(seen) for url, seen in visit(
        client, list_pages(ids), lambda url: count_queries(app)).items()}


def test_list_pages_query_count_is_constant(app, client):
    with app.app_context():
        ids = build_world()
    small = _query_counts(app, client, ids)
    with app.app_context():
        grow(ids, 30)
    large = _query_counts(app, client, ids)
    assert large == small, {u: (small[u], large[u]) for u in small if small[u] != large[u]}
    assert max(small.values()) <= 14, small


def test_the_ranking_is_one_query_with_few_and_with_many_rows(app):
    from gms.evaluation import ranking
    from gms.models import Competition

    with app.app_context():
        ids = build_world()
        sizes = []
        for _ in range(2):
            db.session.expunge_all()
            call = db.session.get(Competition, ids["call"])
            with count_queries(app) as seen:
                rows = ranking.ranking(call)
            sizes.append((len(rows), len(seen)))
            with count_queries(app) as seen:
                page = ranking.ranking(call, offset=2, limit=PER_PAGE)
                around = ranking.ranking_around(call, rows[-1].application_id)
            assert [r.rank for r in page] == [r.rank for r in rows[2:2 + PER_PAGE]]
            assert page == rows[2:2 + PER_PAGE]
            assert around == (rows[-2], rows[-1], None)
            assert len(seen) == 2
            grow(ids, 30)
        assert sizes == [(2, 1), (62, 1)], sizes


def test_the_commission_page_finds_the_conflicts_detect_finds(app):
    """The commission page's detection in SQL gives :func:`detect`'s hints, in its order."""
    from gms.evaluation import conflicts, roster
    from gms.evaluation.models import MemberLink
    from gms.models import Application, Competition, Organisation, User

    with app.app_context():
        ids = build_world()
        grow(ids, 3)
        org_b = db.session.get(Organisation, ids["org_b"])
        near = Organisation(kind="ngo", name="Near", territory_code=org_b.territory_code)
        db.session.add(near)
        db.session.flush()
        db.session.get(User, ids["m1"]).organisation_id = ids["org_a"]  # own organisation
        db.session.get(User, ids["m2"]).organisation_id = near.id  # same municipality as b
        db.session.add(MemberLink(user_id=ids["m1"], organisation_id=ids["org_b"],
                                  kind="relative"))
        db.session.commit()
        call = db.session.get(Competition, ids["call"])
        scorers = roster.scoring_members(call)
        eligible = db.session.scalars(select(Application).where(
            Application.competition_id == call.id, Application.status == "eligible")
            .order_by(Application.id)).all()
        expected = conflicts.detect(eligible, scorers)
        # m1: own organisation or link; m2: same municipality (b) or rayon (a)
        assert len(expected) == 2 * len(eligible)
        assert conflicts.detect_in_call(call, scorers, 1000) == expected
        assert conflicts.detect_in_call(call, scorers, PER_PAGE) == expected[:PER_PAGE]


# ------------------------------------------------------------------------- plugins' pages

PLUGINS = ("small_grants", "local_initiative", "pilot_selection", "citizen_budget_contest")


def plugin_pages() -> dict[str, list[str]]:
    """The plugins' list pages, on the demo data: the prizes of the citizen budget contest,
    the diplomas and certificates of the «Local initiative» contest, the pilot selection's
    visits; with the calls they list (to grow)."""
    from gms.models import Competition

    calls = db.session.scalars(select(Competition).where(
        Competition.status == "published").order_by(Competition.id)).all()
    from flask import url_for

    by_type = {c.type_key: c.id for c in calls}
    return {url_for(endpoint, call_id=by_type[key]): by_type[key] for key, endpoint in (
        ("citizen_budget_contest", "citizen_budget_contest.prize_report"),
        ("local_initiative", "local_initiative.documents"),
        ("pilot_selection", "pilot_selection.call_visits"))}


def grow_call(call_id: int, k: int) -> None:
    """``k`` more entries like the call's first awarded one (same answers and organisation),
    reserve-listed (PostgreSQL's sequences are left alone: the test adds nothing after)."""
    from gms.evaluation.models import Award
    from gms.models import Application

    award = db.session.scalar(select(Award).where(Award.competition_id == call_id)
                              .order_by(Award.rank))
    source = db.session.get(Application, award.application_id)
    columns = {c.key: getattr(source, c.key) for c in Application.__table__.columns}
    first, award0 = _next_id(Application), _next_id(Award)
    rank0 = db.session.scalar(select(func.max(Award.rank)).where(Award.competition_id == call_id))
    db.session.execute(insert(Application), [
        {**columns, "id": first + i, "number": f"P-{call_id}-{first + i}", "status": "reserve"}
        for i in range(k)])
    db.session.execute(insert(Award), [
        {"id": award0 + i, "competition_id": call_id, "application_id": first + i,
         "outcome": "reserve", "amount": award.amount, "rank": rank0 + i + 1,
         "score": award.score, "reason": award.reason, "decided_by_id": award.decided_by_id,
         "decided_at": award.decided_at} for i in range(k)])
    db.session.commit()


@pytest.mark.gms_plugins(*PLUGINS)
@pytest.mark.gms_config(PER_PAGE=PER_PAGE, TWO_FACTOR_ROLES=[])
def test_plugin_list_pages_query_count_is_constant(app, client):
    from gms.demo import DOMAIN, PASSWORD
    from gms.demo import load as load_demo

    with app.test_request_context():
        load_demo()
        pages = plugin_pages()

    def counts() -> dict[str, int]:
        out = {}
        for url in pages:
            with count_queries(app) as seen:
                r = client.get(url)
            assert r.status_code == 200, (url, r.status_code)
            out[url] = len(seen)
        return out

    r = client.post("/login", data={"email": f"staff@{DOMAIN}", "password": PASSWORD})
    assert r.status_code == 302
    few = counts()
    with app.app_context():
        for call_id in set(pages.values()):
            grow_call(call_id, 30)
    many = counts()
    assert many == few, {u: (few[u], many[u]) for u in few if few[u] != many[u]}
