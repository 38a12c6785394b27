"""Ranking benchmark: time ``gms.services.evaluation.ranking`` for calls of growing size.

    .venv/bin/python benchmarks/ranking.py                  # SQLite, 1,000 and 10,000
    .venv/bin/python benchmarks/ranking.py --sizes 1000 10000 100000
    GMS_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1/gms_bench \\
        .venv/bin/python benchmarks/ranking.py

Each size is a fresh call with N eligible applications scored by 3 members (bulk inserted,
not through the services, to keep the set-up short). Prints a table and, with ``--json``,
the figures as JSON. The ranking must stay one SQL query at every size.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event, insert, text  # noqa: E402

from gms.app import create_app  # noqa: E402
from gms.extensions import db  # noqa: E402
from gms.models import Application, Assignment, Competition, Organisation, User  # noqa: E402


def build(n: int, rng: random.Random) -> int:
    """A call in evaluation with ``n`` eligible applications, 3 submitted sheets each."""
    now = datetime.now(UTC)
    from gms.competition import Criterion, Scale, ScoringSheet

    sheet = ScoringSheet(tuple(Criterion(f"c{i}", {"en": f"C{i}"}, Scale(0, 10, 0.5))
                               for i in range(5)))
    call = Competition(type_key="bench", status="evaluation", title={"en": f"bench {n}"},
                       opens_at=now - timedelta(days=30), deadline_at=now - timedelta(days=1),
                       budget=Decimal(10**9), frozen_sheet=sheet.to_dict(), frozen_rules=[],
                       settings={})
    org = Organisation(kind="ngo", name="Bench")
    users = [User(email=f"m{i}-{n}@bench", name=f"M{i}", password_hash="x", role="commission")
             for i in range(3)]
    db.session.add_all([call, org, *users])
    db.session.flush()
    apps = [{"competition_id": call.id, "organisation_id": org.id, "status": "eligible",
             "title": f"A{i}", "answers": {}, "language": "ru",
             "requested_amount": Decimal(rng.randrange(10_000, 1_000_000)),
             "created_by_id": users[0].id, "created_at": now, "updated_at": now,
             "submitted_at": now - timedelta(seconds=i), "number": f"{call.id}-{i}"}
            for i in range(n)]
    for start in range(0, n, 5000):
        db.session.execute(insert(Application), apps[start:start + 5000])
    ids = [r[0] for r in db.session.execute(text(
        "SELECT id FROM applications WHERE competition_id = :c"), {"c": call.id})]
    sheets = [{"application_id": a, "reviewer_id": u.id, "assigned_by_id": u.id,
               "assigned_at": now, "status": "submitted", "submitted_at": now,
               "total": Decimal(rng.randrange(0, 5000)) / 100} for a in ids for u in users]
    for start in range(0, len(sheets), 10000):
        db.session.execute(insert(Assignment), sheets[start:start + 10000])
    db.session.commit()
    return call.id


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    url = os.environ.get("GMS_BENCH_DATABASE_URL")
    tmp = tempfile.mkdtemp()
    config = {"SQLALCHEMY_DATABASE_URI": url or f"sqlite:///{tmp}/bench.sqlite3",
              "PLUGINS": [], "SECRET_KEY": "bench"}
    app = create_app(config)
    from gms.services.evaluation import ranking

    results = []
    with app.app_context():
        from flask_migrate import upgrade

        if url:
            db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            db.session.commit()
        upgrade(revision="heads")
        engine = db.engine.dialect.name
        rng = random.Random(7)
        for n in args.sizes:
            call_id = build(n, rng)
            call = db.session.get(Competition, call_id)
            queries: list[str] = []

            def count(conn, cursor, statement, *rest, seen=queries):
                seen.append(statement)

            event.listen(db.engine, "before_cursor_execute", count)
            start = time.perf_counter()
            rows = ranking(call)
            elapsed = time.perf_counter() - start
            event.remove(db.engine, "before_cursor_execute", count)
            assert len(rows) == n
            results.append({"engine": engine, "applications": n, "score_sheets": 3 * n,
                            "seconds": round(elapsed, 3), "queries": len(queries)})
            db.session.expunge_all()
    print(f"{'engine':<12}{'applications':>14}{'sheets':>10}{'seconds':>10}{'queries':>9}")
    for r in results:
        print(f"{r['engine']:<12}{r['applications']:>14,}{r['score_sheets']:>10,}"
              f"{r['seconds']:>10.3f}{r['queries']:>9}")
    if args.json:
        print(json.dumps(results))


if __name__ == "__main__":
    main()
