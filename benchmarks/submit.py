"""Submission throughput: the applicant's real submit (``POST /applications/<id>`` with
``action=submit``, ``gms/web/applicant.py:edit``) against a bare endpoint on the same server.

gunicorn (``-w 4 -k gthread --threads 4``) serves ``benchmarks.bench_app`` on PostgreSQL with
Redis as the broker and a real Celery worker running. 50 clients (asyncio + httpx, one
connection and one cookie jar each, on loopback) are each a logged-in applicant of an NGO of
their own with complete drafts in an open «Local initiative» contest. Each client posts what
the browser would post: the fields of the application form as the edit page renders them,
CSRF token included, ``action=submit``. The bare endpoint receives the same body and writes it
as one row. Both phases run in the same server, one after the other, closed loop (each client
sends its next request when the previous one is answered). Only 302 answers count: a
submission to ``/applications/<id>/view``, the bare write to ``/bench/bare``.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from . import common, drafts

CLIENTS = 50
FORM = {"content-type": "application/x-www-form-urlencoded"}


def prepare(app, clients: int, per_client: int) -> dict:
    """An open contest call, ``clients`` applicants and their drafts (+1 each to warm up)."""
    from gms.extensions import db

    from . import bench_app

    now = datetime.now(UTC)
    with app.app_context():
        call = drafts.open_call("Submission benchmark", now - timedelta(days=1),
                                now + timedelta(days=2), None)
        people = drafts.applicants(f"submit{call.id}", clients, now)
        mine = drafts.drafts(call, people, per_client + 1, now)
        db.session.commit()
        with db.engine.begin() as conn:
            common.fix_sequences(conn)
        bench_app.create_table(db.engine)
        return {"call": call.id, "people": [(email, mine[uid]) for uid, _o, email in people]}


async def _phase(sessions, path_of, rounds: int, offset: int) -> dict:
    """Each session sends ``rounds`` requests one after the other; all sessions at once."""
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    ok = 0

    async def one(session):
        nonlocal ok
        client, fields, ids, expect = session
        for i in range(rounds):
            path, expected = path_of(ids[offset + i], expect)
            start = time.perf_counter()
            try:
                r = await client.post(path, content=fields(ids[offset + i]), headers=FORM)
                code = str(r.status_code)
                good = r.status_code == 302 and r.headers.get("location", "").endswith(expected)
            except Exception as exc:  # noqa: BLE001 - counted, reported
                code, good = exc.__class__.__name__, False
            latencies.append(time.perf_counter() - start)
            statuses[code] = statuses.get(code, 0) + 1
            ok += good

    start = time.perf_counter()
    await asyncio.gather(*(one(s) for s in sessions))
    wall = time.perf_counter() - start
    return {"requests": len(latencies), "ok": ok, "statuses": statuses,
            "seconds": round(wall, 2), "throughput_per_s": round(ok / wall, 1),
            "p50_ms": common.ms(common.percentile(latencies, 50)),
            "p95_ms": common.ms(common.percentile(latencies, 95)),
            "p99_ms": common.ms(common.percentile(latencies, 99)),
            "max_ms": common.ms(max(latencies) if latencies else None)}


class WaitSampler:
    """Samples PostgreSQL's ``pg_stat_activity`` every 20 ms during a phase: how many of the
    bench database's backends are running, idle in a transaction, or waiting (and on what),
    e.g. on the audit log's advisory lock."""

    def __init__(self, db_url: str):
        self.url, self.samples, self.waits = db_url, 0, {}
        self.active = 0
        self._stop = None

    def __enter__(self):
        import threading

        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self):
        import psycopg

        name = self.url.rsplit("/", 1)[1]
        with psycopg.connect(self.url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as c:
            while not self._stop.is_set():
                rows = c.execute(
                    "SELECT state, wait_event_type, wait_event FROM pg_stat_activity "
                    "WHERE datname = %s AND pid <> pg_backend_pid() AND state <> 'idle'",
                    (name,)).fetchall()
                self.samples += 1
                for state, kind, event in rows:
                    key = f"{state}: {kind}/{event}" if kind else f"{state}: on CPU"
                    self.waits[key] = self.waits.get(key, 0) + 1
                    self.active += 1
                self._stop.wait(0.02)

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(5)

    def summary(self) -> dict:
        """Mean number of backends in each state per sample."""
        n = max(self.samples, 1)
        return {"samples": self.samples,
                "mean_busy_backends": round(self.active / n, 2),
                "mean_backends_by_state": {k: round(v / n, 2) for k, v in sorted(
                    self.waits.items(), key=lambda kv: -kv[1])}}


async def _drive(base: str, people: list, rounds: int, db_url: str, server_pid: int) -> dict:
    import httpx

    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    clients = [httpx.AsyncClient(base_url=base, timeout=120, limits=limits) for _ in people]
    try:
        async def ready(client, email, ids):
            await common.login(client, email)
            page = await client.get(f"/applications/{ids[0]}")
            form = common.form_fields(page.text, "application-form")
            title = dict(form)["title"].rsplit("№", 1)[0]

            def fields(app_id, form=form, title=title):
                return urlencode([(k, f"{title}№{app_id}" if k == "title" else v)
                                  for k, v in form] + [("action", "submit")]).encode()

            return client, fields, ids, None

        sessions = await asyncio.gather(*(ready(c, email, ids)
                                          for c, (email, ids) in zip(clients, people,
                                                                     strict=True)))

        def submit_path(app_id, _):
            return f"/applications/{app_id}", f"/applications/{app_id}/view"

        def bare_path(_app_id, _):
            return "/bench/bare", "/bench/bare"

        await _phase(sessions, bare_path, 1, 0)  # warm-up: connections, caches
        await _phase(sessions, submit_path, 1, 0)
        cpu = common.tree_cpu_seconds(server_pid)
        with WaitSampler(db_url) as bare_waits:
            bare = await _phase(sessions, bare_path, rounds, 1)
        cpu, bare["gunicorn_cpu_ms_per_request"] = common.tree_cpu_seconds(server_pid), round(
            (common.tree_cpu_seconds(server_pid) - cpu) * 1000 / max(bare["requests"], 1), 1)
        with WaitSampler(db_url) as submit_waits:
            submit = await _phase(sessions, submit_path, rounds, 1)
        submit["gunicorn_cpu_ms_per_request"] = round(
            (common.tree_cpu_seconds(server_pid) - cpu) * 1000 / max(submit["requests"], 1), 1)
        bare["postgresql_backends"] = bare_waits.summary()
        submit["postgresql_backends"] = submit_waits.summary()
        body = len(sessions[0][1](sessions[0][2][1]))
        return {"bare": bare, "submit": submit, "request_body_bytes": body,
                "login_5xx_retried": len(common.LOGIN_ERRORS)}
    finally:
        for c in clients:
            await c.aclose()


def verify(app, prepared: dict, rounds: int) -> dict:
    """Every draft whose submit answered 302 is submitted in the database, and no other."""
    from sqlalchemy import func, select

    from gms.extensions import db
    from gms.models import Application

    from .bench_app import bench_rows

    ids = [i for _e, mine in prepared["people"] for i in mine[:rounds + 1]]
    with app.app_context():
        submitted = db.session.scalar(select(func.count()).select_from(Application).where(
            Application.id.in_(ids), Application.status == "submitted"))
        rows = db.session.scalar(select(func.count()).select_from(bench_rows))
    return {"submitted_in_db": submitted, "bare_rows_in_db": rows}


def run(db_url: str, workdir, app, rounds: int, clients: int = CLIENTS,
        log=common.say) -> dict:
    prepared = prepare(app, clients, rounds + 1)
    log(f"submit: {clients} applicants with {rounds + 2} drafts each; starting the servers")
    with common.servers(db_url, workdir, "benchmarks.bench_app:make_app()") as srv:
        log(f"submit: gunicorn at {srv.base}; {clients} clients x {rounds} requests per phase")
        result = asyncio.run(_drive(srv.base, prepared["people"], rounds, db_url, srv.gunicorn))
    result.update(verify(app, prepared, rounds))
    bare, sub = result["bare"], result["submit"]
    result["ratio"] = round(sub["throughput_per_s"] / bare["throughput_per_s"], 3) \
        if bare["throughput_per_s"] else None
    result["clients"] = clients
    result["targets"] = {"ratio_min": 0.5, "p99_ms_max": 300,
                         "ratio_ok": bool(result["ratio"] and result["ratio"] >= 0.5),
                         "p99_ok": bool(sub["p99_ms"] is not None and sub["p99_ms"] < 300)}
    return result


def profile(app, n: int = 40) -> str:
    """pyinstrument's text report of ``n`` in-process submissions (test client, same DB)."""
    from pyinstrument import Profiler
    from werkzeug.datastructures import MultiDict

    prepared = prepare(app, 1, n + 1)
    email, ids = prepared["people"][0]
    client = app.test_client()
    page = client.get("/login")
    client.post("/login", data={"csrf_token": common.csrf_token(page.get_data(as_text=True)),
                                "email": email, "password": common.PASSWORD})
    form = common.form_fields(client.get(f"/applications/{ids[0]}").get_data(as_text=True),
                              "application-form")
    client.post(f"/applications/{ids[0]}", data=MultiDict(form + [("action", "submit")]))
    from gms.extensions import db

    from .pages import Counter

    with app.app_context():
        engine = db.engine
    with Counter(engine) as queries:
        client.post(f"/applications/{ids[1]}", data=MultiDict(form + [("action", "submit")]))
    profiler = Profiler(interval=0.0005)
    start, cpu = time.perf_counter(), time.process_time()
    with profiler:
        for app_id in ids[2:n + 2]:
            r = client.post(f"/applications/{app_id}",
                            data=MultiDict(form + [("action", "submit")]))
            assert r.status_code == 302, r.status_code
    per, cpu = (time.perf_counter() - start) / n, (time.process_time() - cpu) / n
    text = profiler.output_text(unicode=False, color=False, show_all=False)
    return (f"{n} in-process submissions (Flask test client, same database): "
            f"{per * 1000:.1f} ms each, {cpu * 1000:.1f} ms of CPU, {queries.n} SQL statements "
            f"per submission (profiler running)\n\n{text}")
