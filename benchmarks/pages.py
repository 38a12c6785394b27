"""List pages: SQL queries per request at 10 and at 1,000 rows, p95 time at national scale,
and the bytes an applicant's browser downloads for the main pages.

Pages are requested in-process through the Flask test client (no network), logged in by
Flask-Login's session keys, after one warm-up request each. Queries are counted with a
``before_cursor_execute`` listener on the app's engine.
"""

from __future__ import annotations

import gzip
import random
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace

from sqlalchemy import event, select

from . import common
from .dataset import Ids, _transfer, bulk

CONTEST = "local_initiative"


def page_list(info: dict) -> list[tuple[str, str, int | None]]:
    """``(name, url, user id or None for anonymous)`` of every list page (and the pages
    built from lists) of gms/web/*.py and the in-repo plugins."""
    calls = info["calls"]
    pub, evaluation = info["published_contest"], calls["evaluation"][0]
    staff, finance = info["staff"], info["finance"]
    return [
        ("public: calls (home)", "/", None),
        ("public: call page", f"/calls/{info['open_contest']}", None),
        ("public: results of a call", f"/calls/{pub}/results", None),
        ("open data", "/finance/open-data", None),
        ("applicant: dashboard", "/my", info["grantee"]),
        ("grantee: my grants", "/finance/my", info["grantee"]),
        ("member: review list", "/review/", info["member"]),
        ("staff: calls", "/staff/", staff),
        ("staff: call page", f"/staff/calls/{pub}", staff),
        ("staff: applications of a call", f"/staff/calls/{pub}/applications", staff),
        ("staff: ranking", f"/staff/calls/{evaluation}/ranking", staff),
        ("staff: commission", f"/staff/calls/{evaluation}/commission", staff),
        ("staff: evaluator analytics", f"/staff/calls/{evaluation}/analytics", staff),
        ("staff: report (entries)", f"/staff/calls/{pub}/reports/{CONTEST}.entries", staff),
        ("staff: outbox", "/staff/outbox", staff),
        ("staff: audit log", "/staff/audit", staff),
        ("finance: dashboard", "/finance/", finance),
        ("finance: grants", "/finance/grants", finance),
        ("finance: transfers", "/finance/transfers", finance),
        ("plugin: contest documents", f"/p/{CONTEST}/calls/{pub}/documents", staff),
    ]


def _client(app, user_id: int | None):
    client = app.test_client()
    if user_id is not None:
        from gms.services.sessions import SESSION_KEY

        with client.session_transaction() as session:
            session["_user_id"] = str(user_id)
            session["_fresh"] = True
            session[SESSION_KEY] = _session_key(app, user_id)
    return client


def _session_key(app, user_id: int) -> str:
    """A server-side log-in of ``user_id`` (gms.services.sessions): the browser's key."""
    from gms.extensions import db
    from gms.services import sessions

    with app.app_context():
        key = sessions.create(user_id)
        db.session.commit()
    return key


class Counter:
    def __init__(self, engine):
        self.engine, self.n = engine, 0

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._count)

    def _count(self, *args):
        self.n += 1


def measure(app, pages, repeat: int) -> list[dict]:
    """Queries of one request and the p50/p95 time of ``repeat`` more, per page."""
    from gms.extensions import db

    with app.app_context():
        engine = db.engine
    clients: dict = {}
    out = []
    for name, url, user in pages:
        client = clients.setdefault(user, _client(app, user))
        first = client.get(url)  # warm-up: templates, catalogs, caches
        with Counter(engine) as counter:
            r = client.get(url)
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            client.get(url)
            times.append(time.perf_counter() - start)
        out.append({"page": name, "url": url, "status": r.status_code,
                    "first_status": first.status_code, "queries": counter.n,
                    "bytes": len(r.data), "p50_ms": common.ms(common.percentile(times, 50)),
                    "p95_ms": common.ms(common.percentile(times, 95))})
    return out


# ------------------------------------------------------------------ the query-count world

def small_world(n: int) -> dict:
    """A fresh database where every list has ``n`` rows: ``n`` calls (one in evaluation, one
    published, the others open), ``n`` applications in each of the two, ``n`` score sheets of
    one member (also the rapporteur), ``n`` awards with grants, tranches and transfers, ``n``
    outbox messages; the audit log grows with them."""
    from gms.evaluation import review_totals
    from gms.evaluation.models import Assignment, Award, CommissionMember, Conflict, Score
    from gms.extensions import db
    from gms.models import (
        Application,
        AuditEntry,
        Competition,
        EligibilityCheck,
        Organisation,
        OutboxMessage,
        User,
    )
    from gms.money.models import Grant, Tranche, Transfer
    from gms.services import audit
    from gms.services.contract import freeze
    from gms.services.territories import load_reference

    from .drafts import entry_answers, password_hash

    load_reference()
    rng = random.Random(n)
    now = datetime.now(UTC).replace(microsecond=0)
    ids = Ids()
    digest = password_hash()

    def user(role, email, org=None):
        uid = ids.take(User)
        bulk(User, [{"id": uid, "email": email, "name": email.split("@")[0],
                     "password_hash": digest, "role": role, "organisation_id": org,
                     "locale": "en", "active": True, "created_at": now}])
        return uid

    org = ids.take(Organisation)
    bulk(Organisation, [{"id": org, "kind": "ngo", "name": "ОО «Бенчмарк»",
                         "oblast": "Чуйская область", "created_at": now}])
    applicant = user("applicant", "applicant@world.bench")
    staff, finance = user("staff", "staff@world.bench"), user("finance", "finance@world.bench")
    member = user("commission", "member@world.bench")

    def call(status, i):
        deadline = now + timedelta(days=30) if status == "open" else now - timedelta(days=60)
        c = Competition(type_key=CONTEST, status="draft", title={"en": f"World call {i}"},
                        description={"en": "About"}, oblasts=[], settings={},
                        opens_at=deadline - timedelta(days=60), deadline_at=deadline,
                        budget=Decimal(10**9), created_at=now - timedelta(days=i),
                        divergence_limit=Decimal(1) if status == "evaluation" else None)
        db.session.add(c)
        db.session.flush()
        freeze(c)
        c.status = status
        if status == "published":
            c.published_at = now - timedelta(days=5)
        return c

    ev, pub = call("evaluation", 0), call("published", 1)
    opened = [call("open", i) for i in range(2, n)]
    db.session.flush()
    bulk(CommissionMember, [{"id": ids.take(CommissionMember), "competition_id": c.id,
                             "user_id": member, "role": "rapporteur"} for c in (ev, pub)])
    apps, checks, sheets, scores, conflicts, awards, grants, tranches, transfers = (
        [], [], [], [], [], [], [], [], [])
    events = []
    from gms.services.contract import sheet_for

    sheet = sheet_for(ev)
    for c, status in ((ev, "eligible"), (pub, "funded")):
        for i in range(n):
            aid = ids.take(Application)
            answers = entry_answers(now.date() - timedelta(days=300), aid)
            apps.append({"id": aid, "competition_id": c.id, "organisation_id": org,
                         "number": f"{c.id:03d}-{aid:05d}", "status": status,
                         "title": answers["title"], "answers": answers, "language": "en",
                         "requested_amount": Decimal(0), "created_by_id": applicant,
                         "created_at": now - timedelta(days=90),
                         "updated_at": now - timedelta(days=61),
                         "submitted_at": now - timedelta(days=61, seconds=i)})
            for rule in c.frozen_rules:
                checks.append({"id": ids.take(EligibilityCheck), "application_id": aid,
                               "rule_code": rule["code"], "passed": True,
                               "blocking": rule["blocking"], "message": "ok",
                               "checked_at": now - timedelta(days=61)})
            events.append((now - timedelta(days=61), applicant, "application.submitted",
                           "applications", aid, {"number": apps[-1]["number"]}))
            if c is ev:
                sid = ids.take(Assignment)
                values = {k.key: rng.choice(k.scale.choices()[10:]) for k in sheet.criteria}
                sheets.append({"id": sid, "application_id": aid, "reviewer_id": member,
                               "assigned_by_id": staff, "assigned_at": now - timedelta(days=50),
                               "status": "submitted", "total": sheet.total(values),
                               "submitted_at": now - timedelta(days=40)})
                conflicts.append({"id": ids.take(Conflict), "application_id": aid,
                                  "user_id": member, "source": "declared", "status": "none",
                                  "reason": "", "at": now - timedelta(days=50)})
                scores.extend({"id": ids.take(Score), "assignment_id": sid,
                               "criterion_key": k, "value": v} for k, v in values.items())
            else:
                award = ids.take(Award)
                awards.append({"id": award, "competition_id": c.id, "application_id": aid,
                               "outcome": "funded", "amount": Decimal(100000), "rank": i + 1,
                               "score": Decimal(40), "reason": f"place_{i + 1}",
                               "decided_by_id": staff, "decided_at": now - timedelta(days=20)})
                gid, tid = ids.take(Grant), ids.take(Tranche)
                grants.append({"id": gid, "award_id": award, "status": "active",
                               "number": f"AGR-{aid}", "currency": "KGS",
                               "amount": Decimal(100000), "transferred": Decimal(100000),
                               "returned": Decimal(0), "recipient_account": "1280000000001",
                               "opened_by_id": staff, "opened_at": now - timedelta(days=15),
                               "signed_by_id": staff, "signed_at": now - timedelta(days=14)})
                tranches.append({"id": tid, "grant_id": gid, "number": 1,
                                 "percent": Decimal(100), "amount": Decimal(100000),
                                 "requires_report": False})
                transfers.append(_transfer(ids.take(Transfer), gid, {"id": tid},
                                           Decimal(100000), f"ПП-{gid}", "1280000000001",
                                           (now - timedelta(days=10)).date(), finance))
    for model, rows in ((Application, apps), (EligibilityCheck, checks), (Assignment, sheets),
                        (Conflict, conflicts), (Score, scores), (Award, awards),
                        (Grant, grants), (Tranche, tranches), (Transfer, transfers)):
        bulk(model, rows)
    review_totals.refresh_all(db.session.connection())  # the ORM's listener sees no bulk load
    bulk(OutboxMessage, [{"id": ids.take(OutboxMessage), "key": f"world:{i}",
                          "recipient": "applicant@world.bench", "subject": "Письмо",
                          "body": "Текст письма.", "created_at": now,
                          "sent_at": now, "attempts": 1} for i in range(n)])
    prev, entries = audit.GENESIS, []
    for at, actor, action, otype, oid, payload in events:
        entry = SimpleNamespace(at=at, actor_id=actor, action=action, object_type=otype,
                                object_id=oid, payload=payload)
        h = audit._digest(prev, entry)
        entries.append({"id": ids.take(AuditEntry), "at": at, "actor_id": actor,
                        "action": action, "object_type": otype, "object_id": oid,
                        "payload": payload, "prev_hash": prev, "hash": h})
        prev = h
    bulk(AuditEntry, entries)
    # before the commit: committing chains a "records.written" entry from the sequence
    common.fix_sequences(db.session.connection())
    db.session.commit()
    draft = ids.take(Application)
    bulk(Application, [{"id": draft, "competition_id": opened[0].id if opened else ev.id,
                        "organisation_id": org, "status": "draft", "title": "Draft",
                        "answers": entry_answers(now.date(), draft), "language": "en",
                        "requested_amount": Decimal(0), "created_by_id": applicant,
                        "created_at": now, "updated_at": now}])
    common.fix_sequences(db.session.connection())
    db.session.commit()
    return {"calls": {"evaluation": [ev.id], "published": [pub.id],
                      "open": [c.id for c in opened]},
            "published_contest": pub.id, "open_contest": opened[0].id if opened else ev.id,
            "staff": staff, "finance": finance, "member": member, "grantee": applicant,
            "draft": draft, "draft_user": applicant}


def query_counts(engine: str, workdir, sizes=(10, 1000), log=common.say) -> dict:
    """Queries per request of every list page with ``sizes`` rows (fresh database each)."""
    per_size = {}
    for n in sizes:
        url = common.migrated_database(engine, "gms_bench_pages", workdir)
        app = common.make_app(url, workdir, TWO_FACTOR_ROLES=[])
        with app.app_context():
            info = small_world(n)
        per_size[n] = measure(app, page_list(info), repeat=0)
        log(f"pages: counted the queries with {n:,} rows")
        _dispose(app)
    small, large = per_size[sizes[0]], per_size[sizes[-1]]
    rows = []
    for a, b in zip(small, large, strict=True):
        rows.append({"page": a["page"], "url_pattern": a["url"],
                     f"queries_{sizes[0]}": a["queries"], f"queries_{sizes[-1]}": b["queries"],
                     "equal": a["queries"] == b["queries"],
                     "status": [a["status"], b["status"]],
                     f"bytes_{sizes[0]}": a["bytes"], f"bytes_{sizes[-1]}": b["bytes"]})
    return {"sizes": list(sizes), "pages": rows}


def _dispose(app) -> None:
    from gms.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()


# ----------------------------------------------------------------------- page weight

def page_weight(app, info: dict) -> list[dict]:
    """HTML + CSS + JS (+ images) of the applicant's main pages, raw and gzip-compressed."""
    pages = [("home: calls list", "/", None),
             ("a call page", f"/calls/{info['open_contest']}", None),
             ("application form", f"/applications/{info['draft']}", info["draft_user"]),
             ("dashboard", "/my", info["draft_user"])]
    out = []
    for name, url, user in pages:
        client = _client(app, user)
        r = client.get(url)
        html = r.data
        parts = [("html", url, html)]
        for kind, href in common.parse_page(r.get_data(as_text=True)).links:
            asset = client.get(href)
            parts.append((kind, href, asset.data))
            asset.close()
        raw = sum(len(p[2]) for p in parts)
        zipped = sum(len(gzip.compress(p[2], 6)) for p in parts)
        out.append({"page": name, "url": url, "status": r.status_code,
                    "files": [f"{k}:{h}" for k, h, _ in parts], "raw_bytes": raw,
                    "gzip_bytes": zipped, "html_gzip_bytes": len(gzip.compress(html, 6)),
                    "target_ok": zipped <= 100 * 1024})
    return out


def national_info_ok(app, info: dict) -> dict:
    """Fill in what :func:`page_list` needs from the national data set's ids."""
    from gms.extensions import db
    from gms.models import Competition

    with app.app_context():
        pub = db.session.scalar(select(Competition.id).where(
            Competition.status == "published", Competition.type_key == CONTEST)
            .order_by(Competition.id))
    return {**info, "published_contest": pub}
