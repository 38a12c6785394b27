"""The README's production set-up, step by step, on an empty PostgreSQL database, then a whole
call run to its results in a real browser.

The test follows the "Production profile" section of the README as an operator would: it makes
an empty database of its own, sets the production environment variables (``GMS_DATABASE_URL``,
``GMS_BROKER_URL`` on a Redis database number of its own, ``GMS_SECRET_KEY``,
``GMS_AUDIT_HMAC_KEY``, ``GMS_BASE_URL``; e-mail kept in the outbox table instead of SMTP) and
runs, as subprocesses, ``gms db upgrade heads``, ``gms territories load``, ``gms users create
… --role admin --password-prompt`` (the password typed on stdin), gunicorn with
``config/gunicorn.conf.py``, ``celery -A gms.worker worker`` and ``celery -A gms.worker beat``.

Then, in Debian's chromium (desktop for the programme's people, a 360×740 phone for the
applicant): the administrator logs in and sets up two-factor log-in from the link e-mailed at
the first log-in (the e-mails are read from the outbox table; the codes are computed with pyotp
from the key shown on the set-up page), creates a staff account and three commission members
with their agencies; each chooses a password from the invitation link and sets up two-factor
log-in the same way. Staff create and open a call of the local initiative contest with its
deadline a minute or two ahead; a municipality registers (territories loaded above), confirms
its e-mail address, applies with a document and submits. The beat closes the call at the
deadline on the server's real clock; staff screen, put the commission together and assign;
the members declare no conflict and score; staff decide and publish. The real worker writes the
applicant's result letter (waited for in the database) and the results page is public.

Marked ``services`` (PostgreSQL, Redis, a real worker); it drives chromium itself, so it is not
marked ``browser``. With ``CI`` set it fails, rather than skips, when PostgreSQL, Redis or
chromium is missing. Screenshots of the main steps go to a temporary folder, or to
``docs/screenshots/production-setup-*.png`` with ``GMS_PRODUCTION_SCREENSHOTS=1`` (to another
folder with ``GMS_SCREENSHOTS_DIR``), so that the suite does not rewrite the committed images.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect, sync_playwright

from gms.demo import pdf
from gms.testing.services import CHROMIUM, CHROMIUM_ARGS
from gms.testing.support import need, sqlalchemy_url

pytestmark = pytest.mark.services

ROOT = Path(__file__).resolve().parents[1]
BISHKEK = ZoneInfo("Asia/Bishkek")
BIN = Path(sys.executable).parent
ADMIN = ("admin@programme.kg", "First Admin")
STAFF = ("dinara.staff@programme.kg", "Dinara Abdykadyrova", "Programme staff", "The Project")
MEMBERS = [
    ("aigul.member@programme.kg", "Aigul Saparova", "Government Office", "chair"),
    ("olga.member@programme.kg", "Olga Petrenko", "Ministry of Finance", "member"),
    ("bakyt.member@programme.kg", "Bakyt Usenov", "Union of LSG bodies", "member"),
]
APPLICANT = ("marat.isakov@example.kg", "Marat Isakov")
MUNICIPALITY = "41708213808000"  # Boroldoy aiyl aimak, Kemin rayon, Chuy oblast (SOATE)
CALL_TITLE = "Local initiative contest 2027"
ENTRY_TITLE = "Clean water for Boroldoy school"
#: every criterion of the contest's sheet (0–10), the same from each member: no divergence
SCORES = {"significance": "8", "participation": "7.5", "partnership": "8", "results": "9",
          "sustainability": "7"}


def _password() -> str:
    return "pw-" + secrets.token_urlsafe(12)


def _tool(name: str) -> str:
    """A command installed with GMS (next to this Python, or on the PATH)."""
    path = BIN / name
    if path.exists():
        return str(path)
    found = shutil.which(name)
    if found is None:
        need(f"the {name!r} command is not installed")
    return found


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _with_path(url: str, path: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, parts.fragment))


def _redis_url() -> str:
    """A Redis database number of this test's own: ``GMS_TEST_PRODUCTION_BROKER_URL``, or
    the next number after ``GMS_TEST_BROKER_URL``'s."""
    if os.environ.get("GMS_TEST_PRODUCTION_BROKER_URL"):
        return os.environ["GMS_TEST_PRODUCTION_BROKER_URL"]
    base = os.environ["GMS_TEST_BROKER_URL"]
    number = int((urlsplit(base).path or "/0").strip("/") or 0)
    return _with_path(base, f"/{(number + 1) % 16}")


# ------------------------------------------------------------------------------ the site


@dataclass
class Site:
    """The production instance under test: its environment, database and processes."""

    root: Path
    env: dict
    base: str
    database_url: str
    engine: object
    shots: Path
    processes: dict = field(default_factory=dict)

    def gms(self, *args: str, stdin: str | None = None) -> str:
        """Run a ``gms`` command as the operator would; its output (it must succeed)."""
        done = subprocess.run([_tool("gms"), *args], input=stdin, env=self.env,
                              cwd=self.root, capture_output=True, text=True, timeout=180)
        assert done.returncode == 0, (f"gms {' '.join(args)} exited with {done.returncode}:\n"
                                      f"{done.stdout}\n{done.stderr}")
        return done.stdout

    def start(self, name: str, cmd: list[str], ready) -> None:
        """Start a long-running process (its output in a log file) and wait until
        ``ready(log_text)`` is true."""
        log_path = self.root / f"{name}.log"
        with open(log_path, "wb") as log:
            process = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=self.env,
                                       cwd=self.root, start_new_session=True)
        self.processes[name] = (process, log_path)
        deadline = time.monotonic() + 60
        while not ready(log_path.read_text(errors="replace")):
            if process.poll() is not None:
                pytest.fail(f"{name} exited with {process.returncode}:\n{self.log(name)}",
                            pytrace=False)
            if time.monotonic() > deadline:
                pytest.fail(f"{name} did not start within 60 s:\n{self.log(name)}",
                            pytrace=False)
            time.sleep(0.2)

    def log(self, name: str) -> str:
        return self.processes[name][1].read_text(errors="replace")[-6000:]

    def stop(self) -> None:
        for process, _log in self.processes.values():
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        for process, _log in self.processes.values():
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(5)

    # -- the database, read as an operator with psql would --------------------------
    def scalar(self, sql: str, **params):
        from sqlalchemy import text

        with self.engine.connect() as conn:
            return conn.execute(text(sql), params).scalar()

    def last_mail_id(self) -> int:
        return self.scalar("SELECT coalesce(max(id), 0) FROM outbox")

    def mail_link(self, recipient: str, path: str, after: int = 0, timeout: float = 20) -> str:
        """The link to ``path`` (a regular expression) in the newest e-mail to
        ``recipient`` queued after message ``after`` (waits for it)."""
        deadline = time.monotonic() + timeout
        while True:
            body = self.scalar("SELECT body FROM outbox WHERE recipient = :r AND id > :after "
                               "AND body ~ :path ORDER BY id DESC LIMIT 1",
                               r=recipient, after=after, path=path)
            if body:
                link = re.search(r"https?://\S*" + path + r"\S*", body).group(0)
                assert link.startswith(self.base + "/"), f"{link} does not start with BASE_URL"
                return link
            if time.monotonic() > deadline:
                raise AssertionError(f"no e-mail to {recipient} with a link to {path}")
            time.sleep(0.3)

    def wait_for(self, sql: str, timeout: float, what: str, **params):
        """Poll ``sql`` until it returns something true; returns it."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.scalar(sql, **params)
            if value:
                return value
            if time.monotonic() > deadline:
                logs = "\n".join(f"--- {n}\n{self.log(n)}" for n in self.processes)
                raise AssertionError(f"{what}: not within {timeout:.0f} s\n{logs}")
            time.sleep(0.5)

    def shoot(self, page, name: str, full_page: bool = True) -> None:
        """One screenshot of a main step: the whole page, or what the screen shows."""
        page.wait_for_load_state("load")
        page.screenshot(path=str(self.shots / f"production-setup-{name}.png"),
                        full_page=full_page, animations="disabled")


def _create_database(admin_url: str, name: str) -> None:
    from sqlalchemy import create_engine, text

    try:
        engine = create_engine(sqlalchemy_url(admin_url), isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
    except Exception as exc:  # noqa: BLE001 - any failure to reach PostgreSQL
        need(f"PostgreSQL at GMS_TEST_DATABASE_URL is not available: {exc}")


def _drop_database(admin_url: str, name: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(sqlalchemy_url(admin_url), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def _redis(url: str):
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=3)
        client.ping()
    except Exception as exc:  # noqa: BLE001 - any failure to reach Redis
        need(f"Redis at {url} is not available: {exc}")
    return client


@pytest.fixture
def site(tmp_path):
    """An empty database of its own, the production environment, and (at the end) every
    process stopped, the database dropped and this test's Redis keys removed."""
    from sqlalchemy import create_engine

    if not CHROMIUM.exists():
        need(f"needs Debian's chromium at {CHROMIUM}")
    test_url = os.environ["GMS_TEST_DATABASE_URL"]
    name = f"gms_prod_setup_{secrets.token_hex(4)}"
    broker = _redis_url()
    redis_client = _redis(broker)
    _create_database(test_url, name)
    database_url = _with_path(test_url, f"/{name}")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    prefix = f"gms-prod-setup-{secrets.token_hex(4)}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("GMS_")}
    env.update({
        # the README's production profile
        "GMS_DATABASE_URL": database_url,
        "GMS_BROKER_URL": broker,
        "GMS_SECRET_KEY": secrets.token_hex(32),
        "GMS_AUDIT_HMAC_KEY": secrets.token_hex(32),
        "GMS_BASE_URL": base,
        # e-mail stays in the outbox table (the test reads it there) instead of SMTP
        "GMS_MAIL_BACKEND": "outbox",
        # this instance's own files, away from the checkout's instance folder
        "GMS_UPLOAD_FOLDER": str(tmp_path / "uploads"),
        "GMS_AUDIT_ANCHOR_FILE": str(tmp_path / "audit" / "anchors.jsonl"),
        # throttling counters of this run only; two gunicorn workers on a small machine
        "GMS_RATELIMIT_KEY_PREFIX": prefix,
        "GMS_WEB_WORKERS": "2",
        # the beat closes due calls every few seconds instead of every minute
        "GMS_CLOSE_CALLS_EVERY_SECONDS": "3",
        "PYTHONUNBUFFERED": "1",
    })
    env["GMS_SECRET_KEY"] = "k" + env["GMS_SECRET_KEY"]  # never read as a JSON number
    env["GMS_AUDIT_HMAC_KEY"] = "a" + env["GMS_AUDIT_HMAC_KEY"]
    shots = tmp_path / "screenshots"
    if os.environ.get("GMS_SCREENSHOTS_DIR") or os.environ.get("GMS_PRODUCTION_SCREENSHOTS"):
        shots = Path(os.environ.get("GMS_SCREENSHOTS_DIR") or ROOT / "docs" / "screenshots")
    shots.mkdir(parents=True, exist_ok=True)
    engine = create_engine(sqlalchemy_url(database_url))
    instance = Site(root=tmp_path, env=env, base=base, database_url=database_url,
                    engine=engine, shots=shots)
    try:
        yield instance
    finally:
        instance.stop()
        engine.dispose()
        _drop_database(test_url, name)
        # this run's throttling counters, and the queue bindings its worker made in the
        # Redis database of its own
        for pattern in (f"{prefix}*", "_kombu.binding*", "unacked*", "celery"):
            for key in redis_client.scan_iter(match=pattern):
                redis_client.delete(key)
        redis_client.close()


# --------------------------------------------------------------------------- in the browser


def _log_in_first_time(site: Site, page, email: str, password: str) -> None:
    """Log in with the password; the role requires a second factor and none is set up, so
    a set-up link is e-mailed: open it, add the key to the "authenticator" (pyotp), confirm
    a code, keep the recovery codes, and arrive logged in."""
    import pyotp

    before = site.last_mail_id()
    page.goto(site.base + "/login")
    page.locator("main input[name=email]").fill(email)
    page.locator("main input[name=password]").fill(password)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#link-sent")).to_be_visible()
    page.goto(site.mail_link(email, "/two-factor/enrol/", after=before))
    page.get_by_role("button", name="Continue").click()
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    page.get_by_label("Code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    page.get_by_role("link", name="I have saved them, continue").click()
    expect(page.get_by_role("banner").get_by_role("button", name="Log out")).to_be_visible()


def _accept_invitation(site: Site, page, email: str, password: str) -> None:
    """Choose a password from the invitation e-mailed when the account was made."""
    page.goto(site.mail_link(email, "/invitation/"))
    page.get_by_label("New password").fill(password)
    page.get_by_label("Repeat the password").fill(password)
    page.get_by_role("button", name="Save password").click()
    expect(page.locator(".flash.success")).to_have_text("Your password is set. Log in with it.")


def _local_input(when: datetime) -> str:
    return when.astimezone(BISHKEK).strftime("%Y-%m-%dT%H:%M")


ENTRY = {  # the contest's application form, by label
    "Name of the initiative": ENTRY_TITLE,
    "Who applies: the leader's full name, the group's members, or the organisation or "
    "institution and its head": "Boroldoy aiyl okmotu, head Marat Isakov",
    "Contact telephone": "+996 3135 5 12 34",
    "Aiyl aimak or town where the initiative took place": "Boroldoy aiyl aimak",
    "The problem, as residents see it": "The school had no drinking water; 420 pupils "
                                        "carried water from the river.",
    "What was done": "Residents dug 600 m of trench; the aiyl okmotu bought the pipe.",
    "Started on": "2026-04-01",
    "Who did it: the parties and their roles": "Parents' committee, the aiyl okmotu, the "
                                              "school.",
    "Residents who took part": "140",
    "Of them, women": "65",
    "Cooperation with the aiyl okmotu and the local council": "The council paid the pipe "
                                                             "from the local budget.",
    "Results, with numbers (som, km, trees, families)": "600 m of pipe, 420 pupils, "
                                                        "95,000 som of residents' work.",
}
SELECTS = {
    "You apply as": "lsg_body",
    "Area of the problem (one issue of local significance)": "water",
}


def test_the_readme_production_set_up_runs_a_call_to_results(site):
    passwords = {email: _password() for email in (ADMIN[0], STAFF[0], APPLICANT[0],
                                                  *(m[0] for m in MEMBERS))}

    # ---- the README's commands, in order, on the empty database ------------------------
    assert site.scalar("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == 0
    site.gms("db", "upgrade", "heads")
    out = site.gms("territories", "load")
    assert re.search(r"territories: 5\d\d added", out), out
    assert "0 added" in site.gms("territories", "load")  # safe to rerun
    out = site.gms("users", "create", ADMIN[0], "--name", ADMIN[1], "--role", "admin",
                   "--password-prompt", stdin=f"{passwords[ADMIN[0]]}\n" * 2)
    assert f"{ADMIN[0]} created as admin" in out, out
    site.start("gunicorn", [_tool("gunicorn"), "-c", str(ROOT / "config" / "gunicorn.conf.py"),
                            "-b", urlsplit(site.base).netloc, "gms.app:create_app()"],
               lambda log: log.count("Booting worker") >= 2)
    site.start("worker", [_tool("celery"), "-A", "gms.worker", "worker", "-l", "info",
                          "--concurrency=1"], lambda log: " ready." in log)
    site.start("beat", [_tool("celery"), "-A", "gms.worker", "beat", "-l", "info",
                        "-s", str(site.root / "celerybeat-schedule")],
               lambda log: "beat: Starting" in log)

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                      args=CHROMIUM_ARGS)

        def desktop():
            context = chromium.new_context(viewport={"width": 1280, "height": 860},
                                           locale="en-GB")
            context.set_default_timeout(20_000)
            return context.new_page()

        try:
            phone_context = chromium.new_context(
                viewport={"width": 360, "height": 740}, device_scale_factor=2,
                is_mobile=True, has_touch=True, locale="en-GB")
            phone_context.set_default_timeout(20_000)
            phone = phone_context.new_page()
            _journey(site, desktop, phone, passwords)
        finally:
            chromium.close()


def _journey(site: Site, desktop, phone, passwords: dict[str, str]) -> None:
    """The people's part, in the browser: ``desktop()`` opens a new desktop browser (a
    person of their own), ``phone`` is the applicant's."""
    base = site.base
    applicant_password = passwords[APPLICANT[0]]

    # ---- the first administrator logs in, sets up two-factor log-in, creates accounts --
    admin = desktop()
    _log_in_first_time(site, admin, ADMIN[0], passwords[ADMIN[0]])
    admin.get_by_role("banner").get_by_role("link", name="Accounts").click()
    expect(admin.get_by_role("heading", level=1)).to_have_text("Programme accounts")
    for email, name, role, agency in [STAFF] + [
            (e, n, "Commission member", a) for e, n, a, _r in MEMBERS]:
        admin.get_by_label("Full name").fill(name)
        admin.get_by_label("E-mail").fill(email)
        admin.get_by_label("Role").select_option(label=role)
        admin.get_by_label("Agency").select_option(label=agency)
        admin.get_by_role("button", name="Create the account").click()
        expect(admin.locator(".flash.success")).to_contain_text(f"Account created for {email}")
    rows = admin.locator("main table tbody tr")
    expect(rows).to_have_count(5)  # the administrator and the four new accounts
    expect(rows.filter(has_text=MEMBERS[1][1])).to_contain_text("Ministry of Finance")
    site.shoot(admin, "01-admin-accounts")
    assert site.scalar("SELECT count(*) FROM users WHERE organisation_id IS NULL") == 5

    # ---- a municipality registers on the phone and confirms its e-mail address ---------
    phone.goto(base + "/register")
    phone.get_by_label("Your full name").fill(APPLICANT[1])
    phone.get_by_label("E-mail").fill(APPLICANT[0])
    phone.get_by_label("Password", exact=True).fill(applicant_password)
    phone.get_by_label("Repeat the password").fill(applicant_password)
    phone.get_by_label("You apply as").select_option("municipality")
    # the register loaded by `gms territories load` is what registration offers
    phone.get_by_label("Municipality", exact=True).select_option(MUNICIPALITY)
    site.shoot(phone, "02-phone-register")
    phone.get_by_role("button", name="Create account").click()
    phone.wait_for_url("**/register/check-email")
    phone.goto(site.mail_link(APPLICANT[0], "/confirm/"))
    expect(phone.locator(".flash.success")).to_have_text("Your e-mail address is confirmed.")
    phone.locator("main input[name=email]").fill(APPLICANT[0])
    phone.locator("main input[name=password]").fill(applicant_password)
    phone.locator("main form button[type=submit]").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("My applications")

    # ---- staff choose a password, set up two-factor log-in, create and open a call ------
    staff = desktop()
    _accept_invitation(site, staff, STAFF[0], passwords[STAFF[0]])
    _log_in_first_time(site, staff, STAFF[0], passwords[STAFF[0]])
    staff.get_by_role("banner").get_by_role("link", name="Manage calls").click()
    staff.get_by_role("link", name="Local initiative contest", exact=True).click()
    now = datetime.now(UTC)
    # the deadline on the server's real clock: the first whole minute at least 40 s ahead
    # (the form takes minutes), time enough for the applicant to apply and submit
    deadline = datetime.fromtimestamp(math.ceil((now.timestamp() + 40) / 60) * 60, UTC)
    staff.get_by_label("Title (English)").fill(CALL_TITLE)
    staff.get_by_label("Title (Russian)").fill("Конкурс местных инициатив 2027")
    staff.get_by_label("Title (Kyrgyz)").fill("Жергиликтүү демилгелер сынагы 2027")
    staff.get_by_label("Description (English)").fill("Initiatives solved with residents.")
    staff.get_by_label("Opens (Bishkek time)").fill(_local_input(now - timedelta(hours=1)))
    staff.get_by_label("Deadline (Bishkek time)").fill(_local_input(deadline))
    staff.get_by_label("Budget envelope, KGS").fill("300000")
    staff.get_by_role("button", name="Save call").click()
    expect(staff.locator(".flash.success")).to_have_text("Call saved.")
    call_id = int(re.search(r"/staff/calls/(\d+)", staff.url).group(1))
    staff.get_by_role("button", name="Open the call").click()
    expect(staff.get_by_role("heading", level=1).locator(".badge")).to_have_text("open")
    site.shoot(staff, "03-staff-call-open")

    # ---- the applicant applies on the phone and submits before the deadline -------------
    phone.goto(f"{base}/calls/{call_id}")
    phone.get_by_role("button", name="Start an application").click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("New application")
    for label, value in ENTRY.items():
        phone.get_by_label(label, exact=True).fill(value)
    for label, value in SELECTS.items():
        phone.get_by_label(label, exact=True).select_option(value)
    phone.get_by_label("We agree that the entry, its photos and results may be published"
                       ).check()
    phone.get_by_role("button", name="Save draft").click()
    expect(phone.locator(".flash.success")).to_have_text("Draft saved.")
    phone.get_by_label("Kind of document").select_option("support_letters")
    phone.locator("#documents input[type=file]").set_input_files(
        {"name": "support-letter.pdf", "mimeType": "application/pdf",
         "buffer": pdf("Letter of support from the school")})
    phone.locator("#documents").get_by_role("button", name="Upload").click()
    expect(phone.locator(".flash.success")).to_have_text("Document added.")
    phone.evaluate("window.scrollTo(0, 0)")  # the eligibility check, at the form's top
    site.shoot(phone, "04-phone-application", full_page=False)
    phone.get_by_role("button", name="Submit application").click()
    flash = phone.locator(".flash.success")
    expect(flash).to_have_text(re.compile(r"Your application was submitted\. "
                                          r"Its number is \d{3}-\d{5}\."))
    number = re.search(r"\d{3}-\d{5}", flash.inner_text()).group(0)
    assert datetime.now(UTC) < deadline, "the applicant's part took past the deadline"
    site.shoot(phone, "05-phone-submitted", full_page=False)

    # ---- meanwhile the members choose passwords and set up two-factor log-in ------------
    members = []
    for email, _name, _agency, _role in MEMBERS:
        page = desktop()
        _accept_invitation(site, page, email, passwords[email])
        _log_in_first_time(site, page, email, passwords[email])
        members.append(page)

    # ---- the beat closes the call at its deadline (the server's clock) -----------------
    site.wait_for("SELECT status = 'closed' FROM competitions WHERE id = :id",
                  (deadline - datetime.now(UTC)).total_seconds() + 30,
                  "the beat closing the call at its deadline", id=call_id)
    assert datetime.now(UTC) >= deadline

    # ---- staff screen, put the commission together, start evaluation, assign -----------
    staff.goto(f"{base}/staff/calls/{call_id}")
    expect(staff.get_by_role("heading", level=1).locator(".badge")).to_have_text("closed")
    staff.get_by_role("button", name="Start screening").click()
    expect(staff.get_by_role("heading", level=1).locator(".badge")).to_have_text("screening")
    staff.get_by_role("link", name="Applications", exact=True).click()
    staff.locator("tbody tr", has_text=ENTRY_TITLE).get_by_role("link", name=number).click()
    staff.get_by_label("Decision").select_option("eligible")
    staff.get_by_role("button", name="Record decision").click()
    expect(staff.locator(".flash.success")).to_have_text("Screening decision recorded.")
    application_url = staff.url
    staff.goto(f"{base}/staff/calls/{call_id}/commission")
    for _email, name, _agency, role in MEMBERS:
        staff.get_by_label("Add a member").select_option(label=name)
        staff.locator("form:has(#user_id) select#role").select_option(role)
        staff.get_by_role("button", name="Add", exact=True).click()
        expect(staff.locator(".flash.success")).to_have_text("Commission updated.")
    site.shoot(staff, "06-staff-commission")
    staff.goto(f"{base}/staff/calls/{call_id}")
    staff.get_by_role("button", name="Start evaluation").click()
    expect(staff.get_by_role("heading", level=1).locator(".badge")).to_have_text("evaluation")
    staff.goto(application_url)
    staff.get_by_label("Commission members").select_option(label=[m[1] for m in MEMBERS])
    staff.get_by_role("button", name="Assign", exact=True).click()
    expect(staff.locator(".flash.success")).to_have_text("3 members assigned.")

    # ---- each member declares no conflict of interest and scores -----------------------
    for i, page in enumerate(members):
        page.get_by_role("banner").get_by_role("link", name="My evaluations").click()
        page.locator("tbody tr", has_text=number).get_by_role("link").click()
        page.get_by_label("I have no conflict of interest with this applicant.").check()
        page.get_by_role("button", name="Declare", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(number)
        for key, value in SCORES.items():
            page.locator(f"#score-{key}").select_option(value)
        page.get_by_label("Overall comment").fill("Residents did the work; the result is "
                                                  "measured.")
        if i == 0:
            site.shoot(page, "07-member-score-sheet")
        page.get_by_role("button", name="Submit and lock").click()
        expect(page.locator(".flash.success")).to_have_text("Score sheet submitted.")

    # ---- staff rank, decide and publish --------------------------------------------------
    staff.goto(f"{base}/staff/calls/{call_id}/ranking")
    expect(staff.locator("tbody tr").first).to_contain_text(number)
    expect(staff.locator("tbody tr").first).to_contain_text("39.5")
    site.shoot(staff, "08-staff-ranking")
    staff.goto(f"{base}/staff/calls/{call_id}")
    staff.locator("input[name=confirm]").check()
    staff.get_by_role("button", name="Decide the awards").click()
    expect(staff.get_by_role("heading", level=1).locator(".badge")).to_have_text("decided")
    staff.locator("input[name=confirm]").check()
    staff.get_by_role("button", name="Publish the results").click()
    expect(staff.get_by_role("heading", level=1).locator(".badge")).to_have_text(
        "results published")

    # ---- the real worker writes the result letter ---------------------------------------
    site.wait_for(
        "SELECT j.attachment_id FROM letter_jobs j JOIN applications a "
        "ON a.id = j.application_id WHERE a.number = :number AND j.done_at IS NOT NULL",
        60, "the worker writing the result letter", number=number)
    staff.reload()
    expect(staff.locator("#letters")).to_contain_text("1 written, 0 pending")
    site.shoot(staff, "09-staff-published")

    # ---- the results are public: a visitor on a phone reads them -------------------------
    phone.goto(f"{base}/calls/{call_id}/results")
    expect(phone.get_by_role("heading", level=1)).to_contain_text(CALL_TITLE)
    row = phone.locator("tbody tr", has_text=ENTRY_TITLE)
    expect(row).to_have_count(1)
    site.shoot(phone, "10-phone-results", full_page=False)
    # the letter was e-mailed with a link; the applicant downloads it
    letter = phone.request.get(site.mail_link(APPLICANT[0], "/documents/"))
    assert letter.status == 200, letter.status
    assert letter.headers["content-type"] == "application/pdf"
    assert letter.body().startswith(b"%PDF")
    phone.get_by_role("banner").get_by_role("button", name="Log out").click()
    phone.goto(f"{base}/calls/{call_id}/results")
    expect(phone.locator("tbody tr", has_text=ENTRY_TITLE)).to_have_count(1)

    # ---- the audit log of the whole run verifies, as the operator checks it -------------
    site.gms("audit", "verify")
    # and no request or task failed on the way
    for name in ("gunicorn", "worker", "beat"):
        assert "Traceback" not in site.processes[name][1].read_text(errors="replace"), (
            site.log(name))
