#!/usr/bin/env python3
"""Developer entry point; needs nothing but Python 3.11+ (standard library only).

    python3 dev.py demo [ARGS...]   set up, then run ``gms demo`` (embedded defaults:
                                    SQLite in the instance folder, eager Celery, outbox)
    python3 dev.py test [ARGS...]   set up, then run the whole test suite (pytest ARGS)
    python3 dev.py lint [ARGS...]   set up, then ``ruff check`` (ARGS default to ``.``)
    python3 dev.py bench [ARGS...]  set up, then run the benchmark suite (``python -m
                                    benchmarks``: --quick, --engine sqlite|postgresql|both;
                                    ``bench surge`` for the deadline surge); see
                                    docs/benchmarks.md
    python3 dev.py migration MESSAGE
                                    autogenerate a migration in gms/migrations/versions
                                    from the models (all in-repo plugins enabled), by
                                    upgrading a throw-away SQLite file and diffing it
    python3 dev.py migration --initial
                                    delete every revision and regenerate "initial schema"
                                    (only while no database outside tests has been migrated)
    python3 dev.py setup            only set up

Set-up creates ``.venv`` when it is missing and runs ``pip install -c requirements.lock -e
'.[test]'`` when ``pyproject.toml``, ``requirements.lock`` (the pinned versions of every
dependency, made by pip-tools' ``pip-compile``) or the Python version changed since the last
install; a hash stamp inside ``.venv`` records the last successful install. ``test`` also
makes sure Debian's chromium is there for the browser tests (``apt-get install chromium``
when root); a browser is never downloaded through Playwright. The exit code of the command
run is returned.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".gms-install-stamp"
CHROMIUM = Path("/usr/bin/chromium")
#: every dependency of ``.[test]`` pinned (``pip-compile --extra=test -o requirements.lock
#: pyproject.toml``); installs use it as constraints
LOCK = "requirements.lock"


def say(message: str) -> None:
    print(f"dev.py: {message}", file=sys.stderr, flush=True)


def wanted_stamp() -> str:
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes())
    digest.update((ROOT / LOCK).read_bytes())
    digest.update(sys.version.encode())
    return digest.hexdigest()


def run(cmd: list[str], **kwargs) -> int:
    say("$ " + " ".join(str(c) for c in cmd))
    return subprocess.call([str(c) for c in cmd], **kwargs)


def setup() -> None:
    """Create or refresh the virtual environment; exits on failure."""
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py may meet an older python3
        say(f"Python 3.11 or newer is needed, this is {sys.version.split()[0]}")
        sys.exit(2)
    import tempfile

    key = hashlib.sha256(str(ROOT).encode()).hexdigest()[:12]
    lock = open(Path(tempfile.gettempdir()) / f"gms-dev-{key}.lock", "w")  # noqa: SIM115
    try:  # held until the process ends: two dev.py runs never install at once
        import fcntl

        fcntl.flock(lock, fcntl.LOCK_EX)
    except ImportError:  # not on POSIX
        pass
    stamp = wanted_stamp()
    if not PYTHON.exists():
        say("creating .venv")
        venv.EnvBuilder(with_pip=True, clear=VENV.exists()).create(VENV)
    if not STAMP.exists() or STAMP.read_text().strip() != stamp:
        say("installing the project and its test tools into .venv")
        code = run([PYTHON, "-m", "pip", "install", "--disable-pip-version-check",
                    "-q", "-c", LOCK, "-e", ".[test]"], cwd=ROOT)
        if code:
            say(f"pip install failed (exit code {code})")
            sys.exit(code)
        STAMP.write_text(stamp + "\n")


def ensure_chromium() -> None:
    """Install Debian's chromium for the browser tests when it is missing and we may."""
    if CHROMIUM.exists():
        return
    apt = shutil.which("apt-get")
    if not apt or not hasattr(os, "geteuid") or os.geteuid() != 0:
        say(f"{CHROMIUM} is missing (install Debian's 'chromium' package): "
            "browser tests will not run")
        return
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for cmd in ([apt, "update"], [apt, "install", "-y", "--no-install-recommends", "chromium"]):
        code = run(cmd, env=env)
        if code:
            say(f"installing chromium failed (exit code {code})")
            sys.exit(code)


def execute(program: Path | str, args: list[str]) -> None:
    """Replace this process with ``program`` (so its exit code is ours)."""
    args = [str(program), *args]
    say("$ " + " ".join(args))
    sys.stdout.flush()
    sys.stderr.flush()
    os.chdir(ROOT)
    if os.name == "nt":
        sys.exit(subprocess.call(args))
    os.execv(str(program), args)


def core_head() -> str:
    """The revision of gms/migrations/versions that no other core revision revises."""
    import re

    revisions, parents = set(), set()
    for path in (ROOT / "gms" / "migrations" / "versions").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        revisions.add(re.search(r"^revision = '(\w+)'", text, re.M).group(1))
        parents.update(re.findall(r"'(\w+)'", re.search(r"^down_revision = (.*)$", text,
                                                        re.M).group(1)))
    (head,) = revisions - parents
    return head


def migration(args: list[str]) -> int:
    """Autogenerate a revision against a temporary, fully upgraded SQLite database."""
    import tempfile

    initial = args == ["--initial"]
    if not args or (args[0].startswith("-") and not initial):
        say('usage: python3 dev.py migration "what changed" | python3 dev.py migration --initial')
        return 2
    message = "initial schema" if initial else " ".join(args)
    versions = ROOT / "gms" / "migrations" / "versions"
    if initial:
        for old in versions.glob("*.py"):
            say(f"removing {old.relative_to(ROOT)}")
            old.unlink()
    with tempfile.TemporaryDirectory(prefix="gms-migration-") as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith("GMS_")}
        env["GMS_SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + str(Path(tmp) / "gms.sqlite3")
        env["GMS_SECRET_KEY"] = "dev-migration"
        env["GMS_UPLOAD_FOLDER"] = str(Path(tmp) / "uploads")
        gms = str(BIN / "gms")
        # the core branch and each plugin's labelled branch: upgrade all heads, and put the
        # new core revision on top of the core's head (the revision in gms/migrations)
        code = run([gms, "db", "upgrade", "heads"], cwd=ROOT, env=env)
        if code == 0 and not initial:
            code = run([gms, "db", "migrate", "-m", message, "--head", core_head()],
                       cwd=ROOT, env=env)
        elif code == 0:
            code = run([gms, "db", "migrate", "-m", message], cwd=ROOT, env=env)
    if code == 0:
        say("check the new file in gms/migrations/versions, then run "
            "python3 dev.py test tests/test_migrations.py")
    return code


def main(argv: list[str]) -> None:
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(__doc__)
        sys.exit(0 if argv else 2)
    command, args = argv[0], argv[1:]
    if command not in ("demo", "test", "lint", "bench", "setup", "migration"):
        say(f"unknown command {command!r}; use demo, test, lint, bench, migration or setup")
        sys.exit(2)
    setup()
    if command == "setup":
        return
    if command == "demo":
        execute(BIN / "gms", ["demo", *args])
    elif command == "test":
        if "not browser" not in " ".join(args):
            ensure_chromium()
        execute(PYTHON, ["-m", "pytest", *args])
    elif command == "lint":
        execute(BIN / "ruff", ["check", *(args or ["."])])
    elif command == "bench":
        execute(PYTHON, ["-m", "benchmarks", *args])
    elif command == "migration":
        sys.exit(migration(args))


if __name__ == "__main__":
    main(sys.argv[1:])
