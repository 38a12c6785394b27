"""Fixtures of outside services: a real Celery worker, a live server, Debian's chromium."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
from werkzeug.serving import make_server

from gms.app import derived_audit_hmac_key
from gms.testing.support import broker_url, need, pg_url

CHROMIUM = Path(os.environ.get("GMS_TEST_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "WorkerProcess", "celery_worker_process",
           "start_worker", "forget_queue", "live_server", "browser", "page"]


# ------------------------------------------------------------------------------- worker


@dataclass
class WorkerProcess:
    """A ``celery worker`` subprocess consuming its own queue on the test broker."""

    process: subprocess.Popen
    broker_url: str
    database_url: str
    queue: str
    log_path: Path

    @property
    def app_config(self) -> dict:
        """Merge into an app's config to send tasks to this worker instead of running them."""
        return {"BROKER_URL": self.broker_url, "CELERY": {"task_default_queue": self.queue}}

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@pytest.fixture(scope="session")
def celery_worker_process(gms_databases, tmp_path_factory):
    """A real Celery worker (``--pool=solo``) on ``GMS_TEST_BROKER_URL`` and
    ``GMS_TEST_DATABASE_URL``; tests send to it via ``app_config`` merged with
    ``celery_worker_process.app_config``."""
    root = tmp_path_factory.mktemp("celery-worker")
    gms_databases.url_for(root)  # the schema exists before the worker connects
    queue = f"gms-test-{uuid.uuid4().hex[:12]}"
    with start_worker(root, queue) as worker:
        yield worker
    forget_queue(worker.broker_url, queue)


@contextlib.contextmanager
def start_worker(root: Path, queue: str, env: dict | None = None, *,
                 pool: str = "solo") -> Iterator[WorkerProcess]:
    """Start ``celery worker`` on ``queue`` (its files under ``root``, extra ``GMS_*``
    variables in ``env``; ``pool="prefork"`` runs tasks in a child process, as production
    does), wait until it is ready, and stop it (SIGTERM) at the end unless the test killed it
    already. Yields a :class:`WorkerProcess`."""
    broker, database = broker_url(), pg_url()
    if not broker or not database:
        need("a Celery worker needs GMS_TEST_BROKER_URL and GMS_TEST_DATABASE_URL")
    variables = {k: v for k, v in os.environ.items() if not k.startswith("GMS_")}
    variables.update({
        "GMS_DATABASE_URL": database,
        "GMS_BROKER_URL": broker,
        "GMS_SECRET_KEY": "test-secret-key",
        "GMS_BASE_URL": "http://localhost",  # required by the production profile
        # the production profile needs its own audit key: the one the test apps derive
        "GMS_AUDIT_HMAC_KEY": derived_audit_hmac_key("test-secret-key"),
        "GMS_AUDIT_ANCHOR_FILE": str(root / "audit-anchors.jsonl"),
        "GMS_UPLOAD_FOLDER": str(root / "uploads"),
        "GMS_CELERY": json.dumps({"task_default_queue": queue}),
        "PYTHONUNBUFFERED": "1",
        **(env or {}),
    })
    if os.environ.get("GMS_TEST_WORKER_PLUGINS"):
        variables["GMS_PLUGINS"] = os.environ["GMS_TEST_WORKER_PLUGINS"]
    log_path = root / f"worker-{uuid.uuid4().hex[:6]}.log"
    cmd = [sys.executable, "-m", "celery", "-A", "gms.worker", "worker", f"--pool={pool}",
           "--concurrency=1", "-l", "info", "-Q", queue, "--without-gossip",
           "--without-mingle", "--without-heartbeat", "-n", f"{uuid.uuid4().hex[:8]}@%h"]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=variables,
                                   cwd=str(root), start_new_session=True)
    worker = WorkerProcess(process, broker, database, queue, log_path)
    try:
        deadline = time.monotonic() + 60
        while " ready." not in worker.log():
            if process.poll() is not None:
                pytest.fail(f"the Celery worker exited with {process.returncode}:\n"
                            + worker.log()[-4000:], pytrace=False)
            if time.monotonic() > deadline:
                pytest.fail("the Celery worker did not start within 60 s:\n"
                            + worker.log()[-4000:], pytrace=False)
            time.sleep(0.1)
        yield worker
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)


def forget_queue(broker: str, queue: str) -> None:
    """Best effort: remove the test queue and its bindings from Redis."""
    if not broker.startswith("redis"):
        return
    try:
        client = redis.Redis.from_url(broker)
        name = queue.encode()
        for key in client.scan_iter(match=f"*{queue}*"):
            client.delete(key)
        for key in client.scan_iter(match="_kombu.binding*"):
            kind = client.type(key)
            if kind == b"set":
                stale = [m for m in client.smembers(key) if name in m]
                if stale:
                    client.srem(key, *stale)
            elif kind == b"zset":
                stale = [m for m in client.zrange(key, 0, -1) if name in m]
                if stale:
                    client.zrem(key, *stale)
        client.close()
    except Exception:  # noqa: BLE001 - cleanup must never fail the run
        pass


# ------------------------------------------------------------------------------ browser


@pytest.fixture
def live_server(app):
    """Serve ``app`` on 127.0.0.1 (a random port) in a thread; yields the base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(10)
        server.server_close()


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium, headless, driven by Playwright (never a downloaded browser)."""
    if not CHROMIUM.exists():
        need(f"needs Debian's chromium at {CHROMIUM}")
    # Playwright is a test extra that only the browser tests need: imported when they run
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                      args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser):
    """A fresh browser context and page (1280×900, Russian-first Accept-Language)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ru-RU")
    context.set_default_timeout(10_000)
    pg = context.new_page()
    try:
        yield pg
    finally:
        context.close()
