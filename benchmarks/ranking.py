"""Ranking benchmark: time ``gms.evaluation.ranking.ranking`` for calls of growing size.

    .venv/bin/python benchmarks/ranking.py                  # SQLite, 1,000 and 10,000
    .venv/bin/python benchmarks/ranking.py --sizes 1000 10000 100000
    GMS_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1/gms_bench_ranking \\
        .venv/bin/python benchmarks/ranking.py

Part of the suite (``python3 dev.py bench``), which runs it on a database of its own. Each
size is a fresh «Local initiative» contest call in evaluation with N eligible applications of
distinct organisations, each scored by 3 members (submitted sheets with their totals; bulk
inserted, not through the services, to keep the set-up short). The calls of the smaller sizes
stay in the database, as in production where a ranking shares the tables with other calls.
Each size is ranked whole, with every column (``seconds``: the minutes' list reads them all),
and as the award decision ranks it, without the texts (``decision_seconds``:
``ranking(call, texts=False)``, no number, title, organisation name or submission time).
Prints a table and, with ``--json``, the figures as JSON. The ranking must stay one SQL query
at every size.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event, func, insert, select  # noqa: E402

from benchmarks import common  # noqa: E402

REPEAT = 3


def build(n: int, rng: random.Random) -> int:
    """A call in evaluation with ``n`` eligible applications, 3 submitted sheets each."""
    from gms.evaluation import review_totals
    from gms.evaluation.models import Assignment
    from gms.extensions import db
    from gms.models import Application, Competition, Organisation, User
    from gms.services.contract import freeze

    now = datetime.now(UTC)
    call = Competition(type_key="local_initiative", status="draft",
                       title={"en": f"Ranking bench {n}"}, opens_at=now - timedelta(days=60),
                       deadline_at=now - timedelta(days=30), budget=Decimal(10**9),
                       settings={}, oblasts=[], description={})
    db.session.add(call)
    db.session.flush()
    freeze(call)
    call.status = "evaluation"
    users = [User(email=f"ranking-m{i}-{call.id}@bench.gms.kg", name=f"Member {i}",
                  password_hash="x", role="commission") for i in range(3)]
    db.session.add_all(users)
    db.session.flush()
    first_org = (db.session.scalar(select(func.max(Organisation.id))) or 0) + 1
    first_app = (db.session.scalar(select(func.max(Application.id))) or 0) + 1
    first_sheet = (db.session.scalar(select(func.max(Assignment.id))) or 0) + 1
    orgs = [{"id": first_org + i, "kind": "ngo", "name": f"ОО «Рейтинг {call.id}-{i}»",
             "created_at": now} for i in range(n)]
    creator = users[0].id
    apps = [{"id": first_app + i, "competition_id": call.id, "organisation_id": first_org + i,
             "status": "eligible", "title": f"Инициатива {i}", "answers": {}, "language": "ru",
             "requested_amount": Decimal(rng.randrange(10_000, 1_000_000)),
             "created_by_id": creator, "created_at": now, "updated_at": now,
             "submitted_at": now - timedelta(days=31, seconds=i),
             "number": f"{call.id:03d}-{first_app + i:05d}"} for i in range(n)]
    sheets = [{"id": first_sheet + 3 * i + j, "application_id": first_app + i,
               "reviewer_id": u.id, "assigned_by_id": creator, "assigned_at": now,
               "status": "submitted", "submitted_at": now,
               "total": Decimal(rng.randrange(0, 5000)) / 100}
              for i in range(n) for j, u in enumerate(users)]
    for table, rows, step in ((Organisation, orgs, 5000), (Application, apps, 5000),
                              (Assignment, sheets, 10000)):
        for start in range(0, len(rows), step):
            db.session.execute(insert(table), rows[start:start + step])
    review_totals.refresh(db.session.connection(),  # the ORM's listener sees no bulk load
                          select(Application.id).where(Application.competition_id == call.id))
    db.session.commit()
    with db.engine.begin() as conn:
        common.fix_sequences(conn)
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("ANALYZE")
    return call.id


def run(app, sizes: list[int], log=common.say) -> list[dict]:
    """Build and rank each size in the app's (migrated) database; one row per size."""
    from gms.evaluation.ranking import ranking
    from gms.extensions import db
    from gms.models import Competition

    results = []
    with app.app_context():
        engine = db.engine.dialect.name
        rng = random.Random(7)
        for n in sizes:
            start = time.perf_counter()
            call_id = build(n, rng)
            log(f"ranking: built {n:,} applications in {time.perf_counter() - start:.1f} s")
            times, lean, queries = [], [], []
            for _ in range(REPEAT):
                for texts, into in ((True, times), (False, lean)):
                    db.session.expunge_all()
                    call = db.session.get(Competition, call_id)
                    seen: list[str] = []

                    def count(conn, cursor, statement, *rest, seen=seen):
                        seen.append(statement)

                    event.listen(db.engine, "before_cursor_execute", count)
                    start = time.perf_counter()
                    rows = ranking(call, texts=texts)
                    into.append(time.perf_counter() - start)
                    event.remove(db.engine, "before_cursor_execute", count)
                    queries.append(len(seen))
                    assert len(rows) == n, (len(rows), n)
            results.append({"engine": engine, "applications": n, "score_sheets": 3 * n,
                            "seconds": round(statistics.median(times), 3),
                            "seconds_runs": [round(t, 3) for t in times],
                            "decision_seconds": round(statistics.median(lean), 3),
                            "decision_seconds_runs": [round(t, 3) for t in lean],
                            "queries": max(queries)})
            db.session.expunge_all()
    for prev, cur in zip(results, results[1:], strict=False):
        ratio = cur["applications"] / prev["applications"]
        cur["growth"] = round(cur["seconds"] / prev["seconds"], 2) if prev["seconds"] else None
        cur["growth_per_size"] = round(cur["growth"] / ratio, 2) if cur["growth"] else None
    return results


def print_table(results: list[dict]) -> None:
    print(f"{'engine':<12}{'applications':>14}{'sheets':>10}{'seconds':>10}{'decision':>10}"
          f"{'queries':>9}{'growth':>9}")
    for r in results:
        growth = f"{r['growth']:.1f}x" if r.get("growth") else ""
        print(f"{r['engine']:<12}{r['applications']:>14,}{r['score_sheets']:>10,}"
              f"{r['seconds']:>10.3f}{r['decision_seconds']:>10.3f}{r['queries']:>9}"
              f"{growth:>9}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    url = os.environ.get("GMS_BENCH_DATABASE_URL")  # read before the GMS_* are forgotten
    common.hermetic_environment()
    workdir = common.workdir_for("ranking-cli")
    if url:
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    else:
        url = common.new_database("sqlite", "gms_bench_ranking", workdir)
    common.migrate(url, workdir)
    results = run(common.make_app(url, workdir), args.sizes)
    print_table(results)
    if args.json:
        print(json.dumps(results))


if __name__ == "__main__":
    main()
