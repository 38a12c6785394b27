"""The deadline surge (issue 6, item 8): a bounded load test that stops by itself.

    python3 dev.py bench surge            # 100 clients, 500 applications, ~2.5 minutes
    python3 dev.py bench surge --quick    # 100 clients, 200 applications, ~1 minute

gunicorn (``-w 4 -k gthread --threads 4``) serves GMS on PostgreSQL with Redis as the broker
and a real Celery worker with its beat (``celery -A gms.worker worker -B``, closing due calls
every 5 s, so the scheduled close happens during the surge). An open «Local initiative»
contest gets a deadline 60 s after the surge starts (set relative to the clock at that
moment). 100 clients, each a logged-in applicant of an NGO of its own with 5 complete drafts,
send their 500 applications during the last minute, more and more of them as the deadline
comes near, and some after it: for each draft, upload a small valid PDF (a support letter),
then submit. Clients go on for 15 s after the deadline; a 5xx or a broken connection is tried
again until then, a refusal is final.

Afterwards the database is compared with what each client was told:

* accepted: the submit answered 302 to the application's page;
* refused as late: 422 with the deadline message;
* lost: a success answer for an application that is not submitted in the database, or a
  submitted application whose client got an error or no answer (must be 0);
* 5xx: answers 500-599 during the surge (must be 0);
* late-accepted: submitted with ``submitted_at`` at or after the deadline (must be 0);
* p50/p99 latency of the submits and of the uploads.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from . import common, drafts

FORM = {"content-type": "application/x-www-form-urlencoded"}
LATE_TEXT = "The deadline has passed"


def prepare(app, clients: int, per_client: int) -> dict:
    from gms.extensions import db

    now = datetime.now(UTC)
    with app.app_context():
        call = drafts.open_call("Deadline surge", now - timedelta(days=30),
                                now + timedelta(hours=1), None)
        people = drafts.applicants(f"surge{call.id}", clients, now)
        mine = drafts.drafts(call, people, per_client, now)
        db.session.commit()
        with db.engine.begin() as conn:
            common.fix_sequences(conn)
        return {"call": call.id, "people": [(email, mine[uid]) for uid, _o, email in people]}


def set_deadline(app, call_id: int, deadline: datetime) -> None:
    from sqlalchemy import update

    from gms.extensions import db
    from gms.models import Competition

    with app.app_context():
        db.session.execute(update(Competition).where(Competition.id == call_id)
                           .values(deadline_at=deadline))
        db.session.commit()


class Tally:
    def __init__(self):
        self.outcome: dict[int, str] = {}  # application id → accepted / late / refused / error
        self.submit_ms: list[float] = []
        self.upload_ms: list[float] = []
        self.statuses: dict[str, int] = {}
        self.server_errors = 0
        self.connection_errors = 0
        self.retries = 0
        self.after_deadline_attempts = 0

    def count(self, kind: str, status) -> None:
        key = f"{kind} {status}"
        self.statuses[key] = self.statuses.get(key, 0) + 1


async def _client(client, form, title, schedule, t0, deadline_s, stop_s, tally: Tally):
    """One applicant: for each (time, draft), wait until then, upload, submit."""
    for at, app_id in schedule:
        delay = t0 + at - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        uploaded = False
        while time.monotonic() < t0 + stop_s:
            since = time.monotonic() - t0
            if not uploaded:
                files = {"file": (f"letter-{app_id}.pdf", drafts.PDF, "application/pdf")}
                start = time.perf_counter()
                try:
                    r = await client.post(f"/applications/{app_id}/documents",
                                          data={"csrf_token": dict(form)["csrf_token"],
                                                "kind": "support_letters"}, files=files)
                    tally.upload_ms.append((time.perf_counter() - start) * 1000)
                    tally.count("upload", r.status_code)
                    if r.status_code >= 500:
                        tally.server_errors += 1
                        tally.retries += 1
                        await asyncio.sleep(0.5)
                        continue
                    uploaded = True
                except Exception as exc:  # noqa: BLE001 - counted, tried again
                    tally.connection_errors += 1
                    tally.count("upload", exc.__class__.__name__)
                    tally.retries += 1
                    await asyncio.sleep(0.5)
                    continue
            body = urlencode([(k, f"{title}№{app_id}" if k == "title" else v)
                              for k, v in form] + [("action", "submit")]).encode()
            if since >= deadline_s:
                tally.after_deadline_attempts += 1
            start = time.perf_counter()
            try:
                r = await client.post(f"/applications/{app_id}", content=body, headers=FORM)
            except Exception as exc:  # noqa: BLE001 - counted, tried again
                tally.connection_errors += 1
                tally.count("submit", exc.__class__.__name__)
                tally.outcome[app_id] = "error"
                tally.retries += 1
                await asyncio.sleep(0.5)
                continue
            tally.submit_ms.append((time.perf_counter() - start) * 1000)
            tally.count("submit", r.status_code)
            if r.status_code == 302 and r.headers.get("location", "").endswith(
                    f"/applications/{app_id}/view"):
                tally.outcome[app_id] = "accepted"
            elif r.status_code >= 500:
                tally.server_errors += 1
                tally.outcome[app_id] = "error"
                tally.retries += 1
                await asyncio.sleep(0.5)
                continue
            elif r.status_code == 422 and LATE_TEXT in r.text:
                tally.outcome[app_id] = "late"
            else:
                tally.outcome[app_id] = f"refused {r.status_code}"
            break
        else:
            tally.outcome.setdefault(app_id, "not tried" if not uploaded else "error")


async def _surge(base, people, deadline_s, after_s, rng, tally: Tally, on_start) -> dict:
    import httpx

    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    clients = [httpx.AsyncClient(base_url=base, timeout=60, limits=limits) for _ in people]
    try:
        async def ready(client, email, ids):
            await common.login(client, email)
            page = await client.get(f"/applications/{ids[0]}")
            form = common.form_fields(page.text, "application-form")
            return form, dict(form)["title"].rsplit("№", 1)[0]

        prepared = await asyncio.gather(*(ready(c, e, ids)
                                          for c, (e, ids) in zip(clients, people, strict=True)))
        login_errors = len(common.LOGIN_ERRORS)
        # when each application is sent: the last minute, denser near the deadline, and
        # about one in eight in the 15 s after it
        total = deadline_s + after_s
        schedules = []
        for _email, ids in people:
            times = []
            for _ in ids:
                u = rng.random()
                times.append(deadline_s + after_s * rng.random() if u < 0.12
                             else deadline_s * rng.random() ** 0.5)
            schedules.append(sorted(zip(sorted(times), ids, strict=True)))
        t0 = time.monotonic()
        on_start()
        await asyncio.gather(*(_client(c, form, title, sched, t0, deadline_s, total, tally)
                               for c, (form, title), sched in zip(clients, prepared, schedules,
                                                                  strict=True)))
        return {"login_5xx_before_surge": login_errors,
                "surge_seconds": round(time.monotonic() - t0, 1)}
    finally:
        for c in clients:
            await c.aclose()


def verify(app, prepared: dict, tally: Tally, deadline: datetime) -> dict:
    from sqlalchemy import func, select

    from gms.extensions import db
    from gms.models import Application, Attachment, AuditEntry, Competition

    ids = [i for _e, mine in prepared["people"] for i in mine]
    with app.app_context():
        rows = {a: (s, at) for a, s, at in db.session.execute(
            select(Application.id, Application.status, Application.submitted_at)
            .where(Application.id.in_(ids)))}
        with_files = set(db.session.scalars(select(Attachment.application_id).where(
            Attachment.application_id.in_(ids))))
        committed_late = db.session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "application.submitted", AuditEntry.object_id.in_(ids),
            AuditEntry.at >= deadline))
        call = db.session.get(Competition, prepared["call"])
        closed = db.session.scalar(select(AuditEntry.at).where(
            AuditEntry.action == "call.close", AuditEntry.object_id == call.id))
        call_status = call.status
    submitted = {a for a, (s, _at) in rows.items() if s == "submitted"}
    told_ok = {a for a, o in tally.outcome.items() if o == "accepted"}
    lost_success = sorted(told_ok - submitted)
    lost_silent = sorted(submitted - told_ok)
    late_accepted = sorted(a for a in submitted if rows[a][1] >= deadline)
    outcomes: dict[str, int] = {}
    for a in ids:
        o = tally.outcome.get(a, "not tried")
        outcomes[o] = outcomes.get(o, 0) + 1
    return {
        "applications": len(ids), "outcomes": outcomes,
        "accepted": len(told_ok), "refused_late": outcomes.get("late", 0),
        "submitted_in_db": len(submitted),
        "lost": len(lost_success) + len(lost_silent),
        "lost_detail": {"success_but_not_submitted": lost_success[:20],
                        "submitted_but_client_not_told": lost_silent[:20]},
        "server_errors_5xx": tally.server_errors,
        "connection_errors": tally.connection_errors, "retries": tally.retries,
        "late_accepted": len(late_accepted),
        "committed_after_deadline_with_earlier_submitted_at": committed_late,
        "submitted_without_attachment": len(submitted - with_files),
        "submit_attempts_after_deadline": tally.after_deadline_attempts,
        "call_status_after": call_status,
        "closed_by_schedule_s_after_deadline": round((closed - deadline).total_seconds(), 1)
        if closed else None,
        "submit_p50_ms": _r(common.percentile(tally.submit_ms, 50)),
        "submit_p99_ms": _r(common.percentile(tally.submit_ms, 99)),
        "submit_max_ms": _r(max(tally.submit_ms) if tally.submit_ms else None),
        "upload_p50_ms": _r(common.percentile(tally.upload_ms, 50)),
        "upload_p99_ms": _r(common.percentile(tally.upload_ms, 99)),
        "statuses": dict(sorted(tally.statuses.items())),
    }


def _r(v):
    return None if v is None else round(v, 1)


def markdown(result: dict) -> str:
    m, r = result["machine"], result["result"]
    rows = [["applications (clients × drafts)", f"{r['applications']} "
             f"({result['clients']} × {result['per_client']})", ""],
            ["accepted", r["accepted"], ""],
            ["refused as late", r["refused_late"], ""],
            ["other outcomes", ", ".join(f"{k}: {v}" for k, v in r["outcomes"].items()
                                         if k not in ("accepted", "late")) or "none", ""],
            ["lost", r["lost"], "must be 0"],
            ["5xx during the surge", r["server_errors_5xx"], "must be 0"],
            ["late-accepted (submitted_at ≥ deadline)", r["late_accepted"], "must be 0"],
            ["committed after the deadline, submitted_at before it",
             r["committed_after_deadline_with_earlier_submitted_at"], "(information)"],
            ["submitted without the uploaded PDF", r["submitted_without_attachment"],
             "must be 0"],
            ["submit attempts after the deadline", r["submit_attempts_after_deadline"], ""],
            ["connection errors / retries", f"{r['connection_errors']} / {r['retries']}", ""],
            ["log-in 5xx before the surge (retried)", result["login_5xx_before_surge"],
             "see docs/benchmarks.md"],
            ["submit latency p50 / p99 / max",
             f"{r['submit_p50_ms']} / {r['submit_p99_ms']} / {r['submit_max_ms']} ms", ""],
            ["upload latency p50 / p99", f"{r['upload_p50_ms']} / {r['upload_p99_ms']} ms", ""],
            ["call closed by the beat task", f"{r['closed_by_schedule_s_after_deadline']} s "
             f"after the deadline (status {r['call_status_after']})", ""]]
    return (f"# Deadline surge ({m['date']})\n\n"
            f"Machine: {m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB RAM, {m['os']}; "
            f"Python {m['python']}, PostgreSQL {m.get('postgresql')}, Redis {m.get('redis')}, "
            f"gunicorn {m.get('gunicorn')}. Load average at start {m['load_average_at_start']}, "
            f"at end {m.get('load_average_at_end')}.\n\n"
            f"Deadline {result['deadline_after_s']} s after the start, clients went on for "
            f"{result['after_deadline_s']} s after it; the surge took "
            f"{result['surge_seconds']} s.\n\n"
            + common.md_table(["figure", "value", "target"], rows)
            + f"\nHTTP answers: {', '.join(f'{k}: {v}' for k, v in r['statuses'].items())}\n")


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python3 dev.py bench surge",
                                     description="the deadline surge (benchmarks/surge.py)")
    parser.add_argument("--quick", action="store_true", help="20 s to the deadline, 200 apps")
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--per-client", type=int)
    parser.add_argument("--deadline-after", type=float)
    parser.add_argument("--after", type=float)
    args = parser.parse_args(argv)
    common.hermetic_environment()
    per_client = args.per_client or (2 if args.quick else 5)
    deadline_s = args.deadline_after or (20.0 if args.quick else 60.0)
    after_s = args.after or (5.0 if args.quick else 15.0)
    started = time.perf_counter()
    machine = common.machine()
    workdir = common.workdir_for("surge")
    url = common.migrated_database("postgresql", "gms_bench_surge", workdir)
    app = common.make_app(url, workdir)
    prepared = prepare(app, args.clients, per_client)
    common.say(f"surge: {args.clients} applicants x {per_client} drafts; starting the servers")
    tally = Tally()
    deadline_box: list[datetime] = []

    def on_start():
        deadline = datetime.now(UTC) + timedelta(seconds=deadline_s)
        set_deadline(app, prepared["call"], deadline)
        deadline_box.append(deadline)
        common.say(f"surge: started; the deadline is {deadline:%H:%M:%S} UTC")

    with common.servers(url, workdir, "gms.app:create_app()", beat=True,
                        GMS_CLOSE_CALLS_EVERY_SECONDS="5") as srv:
        common.say(f"surge: gunicorn at {srv.base}; logging the clients in")
        info = asyncio.run(_surge(srv.base, prepared["people"], deadline_s, after_s,
                                  random.Random(8), tally, on_start))
        time.sleep(1)
    result = {"machine": machine, "clients": args.clients, "per_client": per_client,
              "deadline_after_s": deadline_s, "after_deadline_s": after_s, **info,
              "result": verify(app, prepared, tally, deadline_box[0])}
    result["machine"]["load_average_at_end"] = common.load_average()
    result["seconds"] = round(time.perf_counter() - started, 1)
    for name in ("gms_bench_surge", "gms_bench_template"):
        common.drop_pg(name)
    r = result["result"]
    result["ok"] = not (r["lost"] or r["server_errors_5xx"] or r["late_accepted"]
                        or r["submitted_without_attachment"])
    stem = "surge-quick" if args.quick else "surge"
    text = markdown(result)
    json_path, md_path = common.write_results(stem, result, text)
    print(text)
    common.say(f"wrote {json_path.relative_to(common.ROOT)} and {md_path.relative_to(common.ROOT)}")
    if not result["ok"]:
        raise SystemExit(1)
