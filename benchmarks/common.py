"""Shared pieces of the benchmarks: databases, migrations, servers, HTML forms, statistics,
the machine's description and the result files."""

from __future__ import annotations

import gc
import json
import os
import platform
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterable
from contextlib import contextmanager
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
BIN = Path(sys.executable).parent
PG_SERVER = "postgresql://postgres@127.0.0.1:5432"
REDIS_URL = "redis://127.0.0.1:6379/5"
PORTS = range(8100, 8200)
SECRET = "gms-bench-secret-key"
PASSWORD = "bench-password-2026"
#: the bench's own Celery queue on Redis db 5, so no other worker takes its tasks
QUEUE = "gms-bench"


def say(message: str) -> None:
    print(f"[bench {datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def hermetic_environment() -> None:
    """Forget the developer's ``GMS_*`` settings: every figure comes from the bench's own."""
    for name in list(os.environ):
        if name.startswith("GMS_"):
            del os.environ[name]


# ---------------------------------------------------------------------------- databases

def pg_url(name: str) -> str:
    return f"{PG_SERVER}/{name}"


def sqlalchemy_url(url: str) -> str:
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def recreate_pg(name: str) -> str:
    """Drop and create the PostgreSQL database ``name`` (a ``gms_bench*`` name); its URL."""
    import psycopg

    assert name.startswith("gms_bench"), name
    with psycopg.connect(pg_url("postgres"), autocommit=True) as conn:
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                     "WHERE datname = %s AND pid <> pg_backend_pid()", (name,))
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return pg_url(name)


def drop_pg(name: str) -> None:
    import psycopg

    assert name.startswith("gms_bench"), name
    with psycopg.connect(pg_url("postgres"), autocommit=True) as conn:
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                     "WHERE datname = %s AND pid <> pg_backend_pid()", (name,))
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def new_database(engine: str, name: str, workdir: Path) -> str:
    """A fresh, empty database of ``engine`` (``sqlite`` or ``postgresql``); its URL."""
    if engine == "postgresql":
        return recreate_pg(name)
    path = workdir / f"{name}.sqlite3"
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    return f"sqlite:///{path}"


def bench_env(db_url: str, workdir: Path, **extra: str) -> dict[str, str]:
    """Environment of a GMS process (``gms``, gunicorn, celery) of the bench."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GMS_")}
    env.update({
        "GMS_DATABASE_URL": db_url,
        "GMS_SECRET_KEY": SECRET,
        "GMS_AUDIT_HMAC_KEY": "bench-audit-hmac-key-" + SECRET,  # the production profile's
        "GMS_UPLOAD_FOLDER": str(workdir / "uploads"),
        "PYTHONUNBUFFERED": "1",
        "PYTHONPATH": str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""),
    })
    env.update(extra)
    return env


def migrate(db_url: str, workdir: Path) -> float:
    """Create the schema the way production does: ``gms db upgrade heads``. Seconds taken."""
    start = time.perf_counter()
    (workdir / "uploads").mkdir(parents=True, exist_ok=True)
    result = subprocess.run([str(BIN / "gms"), "db", "upgrade", "heads"], cwd=str(ROOT),
                            env=bench_env(db_url, workdir), capture_output=True, text=True)
    if result.returncode:
        raise SystemExit(f"gms db upgrade heads failed:\n{result.stdout}\n{result.stderr}")
    return time.perf_counter() - start


_TEMPLATES: dict[str, tuple[str, float]] = {}


def migrated_database(engine: str, name: str, workdir: Path) -> str:
    """A fresh database with the schema of ``gms db upgrade heads``: the migrations run once
    per engine into a template (``gms_bench_template``), which is then copied (PostgreSQL's
    ``CREATE DATABASE ... TEMPLATE``, a file copy for SQLite)."""
    if engine not in _TEMPLATES:
        url = new_database(engine, "gms_bench_template", workdir)
        _TEMPLATES[engine] = (url, migrate(url, workdir))
    template = _TEMPLATES[engine][0]
    if engine == "postgresql":
        import psycopg

        assert name.startswith("gms_bench"), name
        with psycopg.connect(pg_url("postgres"), autocommit=True) as conn:
            conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                         "WHERE datname = %s AND pid <> pg_backend_pid()", (name,))
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE gms_bench_template')
        return pg_url(name)
    url = new_database(engine, name, workdir)
    shutil.copyfile(template.removeprefix("sqlite:///"), url.removeprefix("sqlite:///"))
    return url


def migration_seconds(engine: str) -> float | None:
    return round(_TEMPLATES[engine][1], 1) if engine in _TEMPLATES else None


def make_app(db_url: str, workdir: Path, **config):
    """An in-process app on ``db_url`` with every in-repo plugin (the production set)."""
    from gms.app import create_app

    (workdir / "uploads").mkdir(parents=True, exist_ok=True)
    return create_app({"SQLALCHEMY_DATABASE_URI": sqlalchemy_url(db_url), "SECRET_KEY": SECRET,
                       "UPLOAD_FOLDER": str(workdir / "uploads"), **config})


def fix_sequences(conn) -> None:
    """After bulk inserts with explicit ids, move PostgreSQL's id sequences past them."""
    from sqlalchemy import text

    if conn.dialect.name != "postgresql":
        return
    rows = conn.execute(text(
        "SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' "
        "AND column_name = 'id' AND (column_default LIKE 'nextval%' OR is_identity = 'YES')"))
    for (table,) in rows.all():
        conn.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"COALESCE((SELECT MAX(id) FROM \"{table}\"), 0) + 1, false)"))


# ------------------------------------------------------------------------------ servers

def free_port() -> int:
    for port in PORTS:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise SystemExit("no free port in 8100-8199")


class Process:
    """A server process of the bench, in its own process group, stopped by its id."""

    def __init__(self, name: str, cmd: list[str], env: dict, log: Path):
        self.name, self.log_path = name, log
        self._log = open(log, "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(cmd, stdout=self._log, stderr=subprocess.STDOUT, env=env,
                                     cwd=str(ROOT), start_new_session=True)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)  # the group this bench started
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
        self._log.close()


def wait_for(check, what: str, timeout: float = 60, proc: Process | None = None) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if proc is not None and not proc.alive():
            raise SystemExit(f"{what}: process exited\n{proc.log()[-3000:]}")
        if time.monotonic() > deadline:
            raise SystemExit(f"{what}: not ready within {timeout} s"
                             + (f"\n{proc.log()[-3000:]}" if proc else ""))
        time.sleep(0.2)


def _http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return r.status < 500
    except Exception:  # noqa: BLE001 - not up yet
        return False


#: the production settings: 3 sync workers per core
GUNICORN_CONF = ROOT / "config" / "gunicorn.conf.py"


def gunicorn_settings() -> str:
    """The workers the bench runs, as gunicorn's command line would say it."""
    workers = os.environ.get("GMS_WEB_WORKERS") or 3 * (os.cpu_count() or 1)
    return f"-c config/gunicorn.conf.py: -w {workers} -k sync"


def start_gunicorn(app_spec: str, env: dict, workdir: Path, port: int | None = None
                   ) -> tuple[Process, str]:
    port = port or free_port()
    cmd = [str(BIN / "gunicorn"), "-c", str(GUNICORN_CONF), "-b", f"127.0.0.1:{port}",
           "--backlog", "2048", app_spec]
    proc = Process("gunicorn", cmd, env, workdir / "gunicorn.log")
    base = f"http://127.0.0.1:{port}"
    wait_for(lambda: _http_ok(base + "/"), "gunicorn", 90, proc)
    return proc, base


def start_worker(env: dict, workdir: Path, beat: bool = False) -> Process:
    """A real Celery worker (``celery -A gms.worker worker``) on the bench's queue."""
    cmd = [str(BIN / "celery"), "-A", "gms.worker", "worker", "-c", "1", "-l", "info",
           "-Q", QUEUE, "--without-gossip", "--without-mingle", "--without-heartbeat",
           "-n", f"{QUEUE}-{os.getpid()}@%h"]
    if beat:
        cmd += ["-B", "-s", str(workdir / "celerybeat-schedule")]
    proc = Process("celery", cmd, env, workdir / "celery.log")
    wait_for(lambda: " ready." in proc.log(), "celery worker", 90, proc)
    return proc


def _processes():
    """(pid, command name, parent pid, user + system CPU seconds) of every running process,
    from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            name, rest = stat.read_text().split(" (", 1)[1].rsplit(")", 1)
        except (OSError, ValueError, IndexError):
            continue
        fields = rest.split()
        cpu = (int(fields[11]) + int(fields[12])) / tick
        yield int(stat.parent.name), name, int(fields[1]), cpu


def tree_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` and its children (from /proc)."""
    return sum(cpu for own, _name, parent, cpu in _processes() if pid in (own, parent))


def settle_heap() -> int:
    """Collect garbage, freeze what this process still holds out of the collector's later
    scans, and collect as rarely as a gunicorn worker does (``config/gunicorn.conf.py``);
    return how many objects were frozen. Building the national data set leaves a large heap in
    the bench's process, which runs the in-process measurements (the ranking, the pages) and
    the load generator: they should run as they would in a worker."""
    import runpy

    gc.collect()
    gc.freeze()
    gc.set_threshold(*runpy.run_path(str(GUNICORN_CONF))["GC_THRESHOLD"])
    return gc.get_freeze_count()


def command_cpu_seconds(command: str) -> float:
    """User + system CPU seconds of every running process named ``command`` (e.g.
    ``postgres``: the server and all its backends)."""
    return sum(cpu for _pid, name, _parent, cpu in _processes() if name == command)


def machine_busy_seconds() -> float:
    """CPU seconds the whole machine spent busy (all cores; /proc/stat, idle and I/O wait
    left out)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    return (sum(values[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def cpu_snapshot(server_pid: int) -> dict[str, float]:
    """CPU seconds so far of gunicorn (``server_pid`` and its workers), PostgreSQL, this
    process (the load generator) and the whole machine."""
    return {"gunicorn": tree_cpu_seconds(server_pid),
            "postgresql": command_cpu_seconds("postgres"),
            "client": time.process_time(), "machine": machine_busy_seconds()}


def forget_queue() -> None:
    """Remove the bench queue's keys from Redis db 5 (best effort)."""
    try:
        import redis

        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(match=f"*{QUEUE}*"):
            client.delete(key)
        client.close()
    except Exception:  # noqa: BLE001 - cleanup never fails the bench
        pass


@contextmanager
def servers(db_url: str, workdir: Path, app_spec: str, *, beat: bool = False, **env_extra):
    """gunicorn (``app_spec``) and a Celery worker on Redis db 5; yields the base URL and the
    two processes' ids (``.base``, ``.gunicorn``, ``.worker``)."""
    env = bench_env(db_url, workdir, GMS_BROKER_URL=REDIS_URL,
                    GMS_CELERY=json.dumps({"task_default_queue": QUEUE}),
                    GMS_BASE_URL="http://127.0.0.1", **env_extra)
    forget_queue()
    started: list[Process] = []
    try:
        started.append(start_worker(env, workdir, beat=beat))
        gunicorn, base = start_gunicorn(app_spec, env, workdir)
        started.append(gunicorn)
        yield SimpleNamespace(base=base, gunicorn=gunicorn.proc.pid, worker=started[0].proc.pid)
    finally:
        for proc in reversed(started):
            proc.stop()
        forget_queue()


# ------------------------------------------------------------------------------- HTML

class FormParser(HTMLParser):
    """The forms of a page and what a browser would send for each (buttons left out)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: dict | None = None
        self._textarea: dict | None = None
        self.links: list[tuple[str, str]] = []  # (kind, url) of stylesheets, scripts, images

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "link" and "stylesheet" in (a.get("rel") or "") and a.get("href"):
            self.links.append(("css", a["href"]))
        elif tag == "script" and a.get("src"):
            self.links.append(("js", a["src"]))
        elif tag == "img" and a.get("src") and not a["src"].startswith("data:"):
            self.links.append(("img", a["src"]))
        if tag == "form":
            self._form = {"id": a.get("id"), "action": a.get("action"),
                          "method": (a.get("method") or "get").lower(), "fields": []}
            self.forms.append(self._form)
        if self._form is None or a.get("disabled") is not None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._form["fields"].append((name, a.get("value") or "on"))
                return
            self._form["fields"].append((name, a.get("value") or ""))
        elif tag == "select" and name:
            self._select = {"name": name, "multiple": "multiple" in a, "chosen": [],
                            "first": None}
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in a:
                self._select["chosen"].append(value)
        elif tag == "textarea" and name:
            self._textarea = {"name": name, "text": []}

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None:
            s = self._select
            values = s["chosen"] or ([] if s["multiple"] or s["first"] is None else [s["first"]])
            self._form["fields"].extend((s["name"], v) for v in (
                values if s["multiple"] else values[:1]))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            text = "".join(self._textarea["text"])
            self._form["fields"].append((self._textarea["name"], _strip_first_newline(text)))
            self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea["text"].append(data)


def _strip_first_newline(text: str) -> str:
    """A browser drops one newline right after ``<textarea>``."""
    return text[2:] if text.startswith("\r\n") else text.removeprefix("\n")


def parse_page(html: str) -> FormParser:
    parser = FormParser()
    parser.feed(html)
    return parser


def form_fields(html: str, form_id: str | None = None) -> list[tuple[str, str]]:
    """The fields of the form with ``form_id`` (or of the first form posting a password)."""
    for form in parse_page(html).forms:
        if form_id is None or form["id"] == form_id:
            return list(form["fields"])
    raise LookupError(f"no form {form_id!r} on the page")


def csrf_token(html: str) -> str:
    for form in parse_page(html).forms:
        for name, value in form["fields"]:
            if name == "csrf_token":
                return value
    raise LookupError("no csrf_token on the page")


#: 5xx answers to log-ins (retried); see docs/benchmarks.md about the first log-ins
LOGIN_ERRORS: list[int] = []


async def login(client, email: str, password: str = PASSWORD) -> None:
    """Log in through the real form (CSRF token and all); a 5xx answer is counted in
    :data:`LOGIN_ERRORS` and the log-in tried again (up to 5 times)."""
    import asyncio

    for attempt in range(5):
        page = await client.get("/login")
        r = await client.post("/login", data={"csrf_token": csrf_token(page.text),
                                              "email": email, "password": password})
        if r.status_code == 302:
            return
        if r.status_code < 500:
            break
        LOGIN_ERRORS.append(r.status_code)
        await asyncio.sleep(0.2 * (attempt + 1))
    raise SystemExit(f"log-in of {email} failed: HTTP {r.status_code}")


# ------------------------------------------------------------------------------- stats

def percentile(values: Iterable[float], q: float) -> float | None:
    """Nearest-rank percentile ``q`` (0-100) of ``values``; ``None`` when empty."""
    data = sorted(values)
    if not data:
        return None
    rank = max(1, min(len(data), int(-(-q * len(data) // 100))))
    return data[rank - 1]


def ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 1)


# ----------------------------------------------------------------------------- machine

def load_average() -> list[float] | None:
    """1, 5 and 15 minute load averages: other work on the machine skews every figure."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def machine(pg: bool = True) -> dict:
    """CPU, cores, RAM, OS and the versions the figures depend on, and the date."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    os_name = platform.platform()
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                os_name = f"{line.split('=', 1)[1].strip(chr(34))} (Linux {platform.release()})"
    except OSError:
        pass
    info = {"date": datetime.now(UTC).isoformat(timespec="seconds"), "cpu": cpu,
            "load_average_at_start": load_average(),
            "cores": os.cpu_count(), "ram_gb": ram, "os": os_name,
            "python": platform.python_version(), "sqlite": sqlite3.sqlite_version}
    if pg:
        try:
            import psycopg

            with psycopg.connect(pg_url("postgres")) as conn:
                info["postgresql"] = conn.execute("SHOW server_version").fetchone()[0]
        except Exception as exc:  # noqa: BLE001 - reported, not fatal
            info["postgresql"] = f"unavailable ({exc.__class__.__name__})"
        try:
            import redis

            info["redis"] = redis.Redis.from_url(REDIS_URL).info("server")["redis_version"]
        except Exception as exc:  # noqa: BLE001
            info["redis"] = f"unavailable ({exc.__class__.__name__})"
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=str(ROOT),
                              capture_output=True, text=True).stdout.strip()
        changed = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                                 cwd=str(ROOT), capture_output=True, text=True,
                                 env={**os.environ, "GIT_OPTIONAL_LOCKS": "0"}).stdout
        info["code"] = f"{head} + {len(changed.splitlines())} changed files" if changed \
            else head
    except OSError:
        pass
    try:
        import gunicorn

        info["gunicorn"] = f"{gunicorn.__version__} ({gunicorn_settings()})"
    except ImportError:
        pass
    return info


# ------------------------------------------------------------------------------ output

def write_results(stem: str, data: dict, markdown: str) -> tuple[Path, Path]:
    RESULTS.mkdir(parents=True, exist_ok=True)
    json_path, md_path = RESULTS / f"{stem}.json", RESULTS / f"{stem}.md"
    json_path.write_text(json.dumps(data, indent=1, ensure_ascii=False, default=str) + "\n")
    md_path.write_text(markdown)
    return json_path, md_path


def md_table(header: list[str], rows: list[list]) -> str:
    def cell(v) -> str:
        if v is None:
            return "—"
        if isinstance(v, float):
            return f"{v:,.3f}".rstrip("0").rstrip(".") if abs(v) < 100 else f"{v:,.0f}"
        if isinstance(v, int) and not isinstance(v, bool):
            return f"{v:,}"
        return str(v)

    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(out) + "\n"


def workdir_for(name: str) -> Path:
    """A scratch folder under /tmp for one bench (databases, uploads, server logs)."""
    path = Path("/tmp") / f"gms-bench-{os.getuid()}" / name
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    return path
