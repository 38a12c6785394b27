"""The application factory."""

from __future__ import annotations

import copy
import os
import secrets
import tomllib
from pathlib import Path

from flask import Flask
from flask_babel import Babel
from jinja2 import ChoiceLoader, FileSystemLoader
from sqlalchemy import event

from gms import defaults
from gms.extensions import csrf, db, login_manager, migrate
from gms.hooks.manager import build_plugin_manager


def _load_config(app: Flask, test_config: dict | None) -> None:
    app.config.update({k: copy.deepcopy(getattr(defaults, k))
                       for k in dir(defaults) if k.isupper()})
    named = os.environ.get("GMS_CONFIG_FILE")
    if named:
        app.config.from_file(os.path.abspath(named), load=tomllib.load, text=False)
    instance_file = Path(app.instance_path) / "gms.toml"
    if instance_file.exists():
        app.config.from_file(str(instance_file), load=tomllib.load, text=False)
    app.config.from_prefixed_env("GMS")
    if test_config:
        app.config.update(test_config)

    cfg = app.config
    if not cfg.get("SQLALCHEMY_DATABASE_URI"):
        cfg["SQLALCHEMY_DATABASE_URI"] = cfg.get("DATABASE_URL") or (
            "sqlite:///" + str(Path(app.instance_path) / "gms.sqlite3"))
    if cfg["SQLALCHEMY_DATABASE_URI"].startswith("postgres://"):
        cfg["SQLALCHEMY_DATABASE_URI"] = "postgresql+psycopg://" + \
            cfg["SQLALCHEMY_DATABASE_URI"][len("postgres://"):]
    if cfg["SQLALCHEMY_DATABASE_URI"].startswith("postgresql://"):
        cfg["SQLALCHEMY_DATABASE_URI"] = cfg["SQLALCHEMY_DATABASE_URI"].replace(
            "postgresql://", "postgresql+psycopg://", 1)
    celery = {"broker_url": "memory://", "task_always_eager": True,
              "task_eager_propagates": True, "task_ignore_result": True, **cfg.get("CELERY", {})}
    if cfg.get("BROKER_URL"):
        celery["broker_url"] = cfg["BROKER_URL"]
        celery["task_always_eager"] = cfg.get("CELERY", {}).get("task_always_eager", False)
    cfg["CELERY"] = celery
    if not cfg.get("RATELIMIT_STORAGE_URI"):
        broker = cfg.get("BROKER_URL") or ""
        cfg["RATELIMIT_STORAGE_URI"] = broker if broker.startswith("redis") else "memory://"
    if not cfg.get("SECRET_KEY"):
        cfg["SECRET_KEY"] = _instance_secret(app)
    cfg.setdefault("UPLOAD_FOLDER", None)
    if not cfg["UPLOAD_FOLDER"]:
        cfg["UPLOAD_FOLDER"] = str(Path(app.instance_path) / "uploads")
    if not cfg.get("AUDIT_ANCHOR_FILE"):
        cfg["AUDIT_ANCHOR_FILE"] = str(Path(app.instance_path) / "audit-anchors.jsonl")


def _instance_secret(app: Flask) -> str:
    path = Path(app.instance_path) / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
    return path.read_text().strip()


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """SQLite enforces foreign keys only when asked, per connection."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def create_app(test_config: dict | None = None) -> Flask:
    """Build the GMS app: configuration, extensions, plugins, blueprints, Celery."""
    app = Flask("gms", instance_relative_config=True)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    _load_config(app, test_config)
    Path(app.config["UPLOAD_FOLDER"]).mkdir(parents=True, exist_ok=True)

    pm, registry, enabled = build_plugin_manager(app.config)
    app.extensions["gms.plugins"] = pm
    app.extensions["gms.registry"] = registry
    app.extensions["gms.enabled_plugins"] = enabled

    # translations and templates: the core's, then each enabled plugin's folder
    dirs = [str(Path(__file__).parent / "translations")]
    loaders = [app.jinja_loader]
    for name in enabled:
        folder = Path(getattr(pm.get_plugin(name), "__file__", "") or ".").parent
        if (folder / "translations").is_dir():
            dirs.append(str(folder / "translations"))
        if (folder / "templates").is_dir():
            loaders.append(FileSystemLoader(str(folder / "templates")))
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(dirs)
    app.jinja_loader = ChoiceLoader(loaders)

    if app.config.get("PROXY_FIX"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, **app.config["PROXY_FIX"])
    db.init_app(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        with app.app_context():
            event.listen(db.engine, "connect", _sqlite_pragmas)
    migrate.init_app(app, db, directory=str(Path(__file__).parent / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)

    from gms import cli, i18n, web
    from gms.services import review_totals, throttle  # noqa: F401 (its session listeners)
    from gms.tasks import celery_init_app

    # one Babel per app: its message domain caches catalogs, which differ with the plugins
    Babel(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_tz)
    i18n.init_app(app)
    web.init_app(app)
    blueprints = [bp for group in pm.hook.gms_register_blueprints() for bp in group or ()]
    for bp in sorted(blueprints, key=lambda b: b.name):
        app.register_blueprint(bp, url_prefix=f"/p/{bp.name}")
    celery_init_app(app)
    throttle.init_app(app)
    cli.init_app(app)
    pm.hook.gms_app_init(app=app)
    return app
