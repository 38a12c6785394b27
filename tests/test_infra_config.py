"""Configuration layering and the embedded defaults of create_app."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from flask import Flask

from gms import defaults
from gms.cli import main as gms_cli

IN_REPO_PLUGINS = ["citizen_budget_contest", "local_initiative", "pilot_selection",
                   "small_grants"]
NO_PLUGINS = {"PLUGINS": []}


def test_embedded_defaults(make_app):
    app = make_app(NO_PLUGINS, test_defaults=False)
    instance = Path(app.instance_path)
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite:///" + str(instance / "gms.sqlite3")
    celery = app.extensions["celery"]
    assert celery.conf.task_always_eager is True
    assert celery.conf.broker_url == "memory://"
    assert app.config["MAIL_BACKEND"] == "outbox"
    assert app.config["UPLOAD_FOLDER"] == str(instance / "uploads")
    assert Path(app.config["UPLOAD_FOLDER"]).is_dir()
    # the secret key is generated once into the instance folder and reused
    secret = (instance / "secret_key").read_text().strip()
    assert app.config["SECRET_KEY"] == secret and len(secret) >= 32
    again = make_app(NO_PLUGINS, test_defaults=False, instance_path=instance)
    assert again.config["SECRET_KEY"] == secret


def test_the_core_names_no_plugin_and_enables_every_installed_one(make_app):
    assert defaults.PLUGINS is None
    app = make_app({"PLUGINS": None}, test_defaults=False)
    assert app.config["PLUGINS"] == IN_REPO_PLUGINS  # the entry points, sorted
    assert sorted(app.extensions["gms.enabled_plugins"]) == IN_REPO_PLUGINS
    assert {s.origin for s in app.extensions["gms.enabled_plugins"].values()} == {
        "entry point"}


def test_the_config_files_enable_the_in_repo_plugins():
    for name in ("development.toml", "testing.toml", "production.example.toml"):
        assert sorted(_toml(name)["PLUGINS"]) == IN_REPO_PLUGINS, name


def test_layers_defaults_file_instance_env_test_config(make_app, tmp_path, monkeypatch):
    named = tmp_path / "site.toml"
    named.write_text(
        'TIMEZONE = "UTC"\nPER_PAGE = 10\nMAIL_SENDER = "file@example.org"\n'
        'SMTP_HOST = "smtp.file"\nCURRENCY = "USD"\n', encoding="utf-8")
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "gms.toml").write_text(
        'CURRENCY = "EUR"\nSMTP_PORT = 2525\nSMTP_HOST = "smtp.instance"\n', encoding="utf-8")
    monkeypatch.setenv("GMS_CONFIG_FILE", str(named))
    monkeypatch.setenv("GMS_PER_PAGE", "20")  # JSON: an int
    monkeypatch.setenv("GMS_SMTP_HOST", "smtp.env")  # not JSON: a string
    monkeypatch.setenv("GMS_MAIL_SENDER", "env@example.org")
    monkeypatch.setenv("GMS_PLUGIN_CONFIG__small_grants", '{"max_share": 0.5}')

    app = make_app({**NO_PLUGINS, "MAIL_SENDER": "test@example.org"}, test_defaults=False,
                   instance_path=instance)
    cfg = app.config
    assert cfg["LANGUAGES"] == ["ky", "ru", "en"]  # defaults
    assert cfg["TIMEZONE"] == "UTC"  # GMS_CONFIG_FILE beats defaults
    assert cfg["CURRENCY"] == "EUR"  # instance/gms.toml beats GMS_CONFIG_FILE
    assert cfg["SMTP_PORT"] == 2525
    assert cfg["PER_PAGE"] == 20  # GMS_* beats both files
    assert cfg["SMTP_HOST"] == "smtp.env"
    assert cfg["PLUGIN_CONFIG"] == {"small_grants": {"max_share": 0.5}}  # __ nests
    assert cfg["MAIL_SENDER"] == "test@example.org"  # test config beats everything


def test_apps_do_not_share_the_mutable_defaults(make_app, monkeypatch):
    monkeypatch.setattr(defaults, "PLUGIN_CONFIG", {})
    monkeypatch.setenv("GMS_PLUGIN_CONFIG__small_grants", '{"max_share": 0.5}')
    first = make_app(NO_PLUGINS, test_defaults=False)
    assert first.config["PLUGIN_CONFIG"] == {"small_grants": {"max_share": 0.5}}
    assert defaults.PLUGIN_CONFIG == {}


def test_database_url_from_the_environment(make_app, monkeypatch):
    monkeypatch.setenv("GMS_DATABASE_URL", "postgresql://gms@db.example.org:5432/gms")
    app = make_app(NO_PLUGINS, test_defaults=False)
    assert app.config["SQLALCHEMY_DATABASE_URI"] == (
        "postgresql+psycopg://gms@db.example.org:5432/gms")
    monkeypatch.setenv("GMS_DATABASE_URL", "postgres://gms@db/gms")
    app = make_app(NO_PLUGINS, test_defaults=False)
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://gms@db/gms"


def test_broker_url_turns_eager_off(make_app, monkeypatch):
    monkeypatch.setenv("GMS_BROKER_URL", "redis://127.0.0.1:6379/9")
    app = make_app(NO_PLUGINS, test_defaults=False)
    celery = app.extensions["celery"]
    assert celery.conf.broker_url == "redis://127.0.0.1:6379/9"
    assert celery.conf.task_always_eager is False
    assert "gms.close_due_calls" in celery.conf.beat_schedule


def test_the_app_fixture_is_hermetic(app, monkeypatch):
    assert app.testing
    assert app.config["SQLALCHEMY_DATABASE_URI"] != "sqlite:///" + str(
        Path(app.instance_path) / "gms.sqlite3")
    assert app.extensions["celery"].conf.task_always_eager is True
    assert app.config["PLUGINS"] == _toml("testing.toml")["PLUGINS"]


@pytest.mark.gms_plugins("small_grants")
def test_gms_plugins_marker(app):
    assert list(app.extensions["gms.enabled_plugins"]) == ["small_grants"]


def test_plugins_command_lists_the_in_repo_plugins(runner):
    result = runner.invoke(gms_cli, ["plugins"])
    assert result.exit_code == 0, result.output
    listed = {line.split()[0]: line for line in result.output.splitlines()
              if line and not line.startswith(" ")}
    assert sorted(listed) == IN_REPO_PLUGINS
    for name in IN_REPO_PLUGINS:
        assert "(entry point, enabled)" in listed[name]
    # each plugin offers at least one competition type, listed under it
    assert any(line.startswith("    ") for line in result.output.splitlines())


# ------------------------------------------------------------------ the files in config/

CONFIG_DIR = Path(__file__).resolve().parent.parent / "config"


def _toml(name: str) -> dict:
    with open(CONFIG_DIR / name, "rb") as fh:
        return tomllib.load(fh)


def _known_keys() -> set[str]:
    return {k for k in dir(defaults) if k.isupper()} | set(Flask("probe").config)


def test_development_toml_spells_out_the_embedded_defaults():
    values = _toml("development.toml")
    assert set(values) <= _known_keys()
    for key, value in values.items():
        if key != "PLUGINS":  # unset by default: every installed plugin, listed there
            assert getattr(defaults, key) == value, key
    # every default that has a value is written out (the unset ones are comments)
    documented = {k for k in dir(defaults) if k.isupper() and getattr(defaults, k) is not None}
    assert documented <= set(values)


def test_testing_toml_matches_the_app_fixture(app_config):
    for key, value in _toml("testing.toml").items():
        assert app_config[key] == value, key


def test_production_example_loads(make_app, tmp_path, monkeypatch):
    values = _toml("production.example.toml")
    assert set(values) <= _known_keys()
    monkeypatch.setenv("GMS_CONFIG_FILE", str(CONFIG_DIR / "production.example.toml"))
    monkeypatch.setenv("GMS_UPLOAD_FOLDER", str(tmp_path / "uploads"))
    monkeypatch.setenv("GMS_SECRET_KEY", "from-the-environment")
    monkeypatch.setenv("GMS_AUDIT_HMAC_KEY", "an-audit-key-of-at-least-32-characters")
    app = make_app(test_defaults=False)
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg://")
    assert app.extensions["celery"].conf.task_always_eager is False
    assert app.config["MAIL_BACKEND"] == "smtp"
    assert app.config["SECRET_KEY"] == "from-the-environment"
    assert not (Path(app.instance_path) / "secret_key").exists()


def test_gunicorn_settings_sync_workers_frozen_heap_rarer_collections(monkeypatch):
    """config/gunicorn.conf.py, which the README's production profile and the benchmarks
    use: sync workers (one request at a time, each connection closed after its response, so
    that requests spread over the workers), three per core unless GMS_WEB_WORKERS says
    otherwise; each worker freezes the loaded app's objects out of the garbage collector's
    scans and collects young objects after 50,000 allocations instead of 700."""
    import gc
    import os
    import runpy

    from gunicorn.config import Config

    path = Path(__file__).parents[1] / "config" / "gunicorn.conf.py"
    monkeypatch.delenv("GMS_WEB_WORKERS", raising=False)
    settings = runpy.run_path(str(path))
    assert settings["workers"] == 3 * os.cpu_count()
    assert settings["worker_class"] == "sync"
    monkeypatch.setenv("GMS_WEB_WORKERS", "5")
    assert runpy.run_path(str(path))["workers"] == 5
    config = Config()
    for name in ("workers", "worker_class", "timeout", "post_worker_init"):
        config.set(name, settings[name])  # each is a setting gunicorn knows
    assert gc.get_freeze_count() == 0
    threshold = gc.get_threshold()
    try:
        config.post_worker_init(None)
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold() == (50_000, 20, 100)
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)


PID_APP = '''
import os, time

def app(environ, start_response):
    time.sleep(0.5)  # a request that keeps its worker busy
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [str(os.getpid()).encode()]
'''


def test_gunicorn_spreads_keep_alive_clients_over_the_workers(tmp_path):
    """Six clients that each keep their connection open, as the benchmark's and a proxy's do,
    sending one slow request each at once: with the production settings each of the three
    workers answers two of them. (With keep-alive, a worker accepts every connection it can
    and answers them one by one: three or four of the six went to one worker.)"""
    import collections
    import concurrent.futures
    import http.client
    import os
    import socket
    import subprocess
    import sys
    import time

    (tmp_path / "pid_app.py").write_text(PID_APP)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    conf = Path(__file__).parents[1] / "config" / "gunicorn.conf.py"
    env = {**os.environ, "GMS_WEB_WORKERS": "3"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(conf), "-b", f"127.0.0.1:{port}",
         "--chdir", str(tmp_path), "pid_app:app"], env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        clients = []
        deadline = time.monotonic() + 30
        while len(clients) < 6:  # connect, and wait until the workers answer
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            try:
                conn.request("GET", "/")
                conn.getresponse().read()
                clients.append(conn)
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)

        def ask(conn):
            conn.request("GET", "/")  # reconnects if the server closed the connection
            return conn.getresponse().read().decode()

        with concurrent.futures.ThreadPoolExecutor(6) as pool:
            pids = list(pool.map(ask, clients))
    finally:
        server.terminate()
        server.wait(20)
    assert sorted(collections.Counter(pids).values()) == [2, 2, 2], pids
