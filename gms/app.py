"""The application factory."""

from __future__ import annotations

import copy
import hashlib
import hmac
import os
import secrets
import tomllib
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, Response, has_request_context, request
from flask.globals import request_ctx
from flask_babel import Babel
from flask_login import current_user
from jinja2 import ChoiceLoader, FileSystemLoader
from sqlalchemy import event
from werkzeug.middleware.proxy_fix import ProxyFix

from gms import commands, defaults, formatting, i18n, web
from gms.evaluation import review_totals  # noqa: F401 (its session listeners)
from gms.evaluation import views as review
from gms.extensions import csrf, db, login_manager, migrate
from gms.hooks.manager import build_plugin_manager, migration_folders, plugin_folder
from gms.hooks.namespaces import plugin_blueprints
from gms.money import views as finance
from gms.services import throttle
from gms.tasks import celery_init_app


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
    _audit_hmac_key(cfg)
    _base_url(cfg)


def is_production_profile(cfg) -> bool:
    """PostgreSQL and a broker, neither testing nor debugging: the production profile."""
    return (not cfg.get("TESTING") and not cfg.get("DEBUG")
            and cfg["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")
            and bool(cfg.get("BROKER_URL")))


def derived_audit_hmac_key(secret_key: str) -> str:
    """The audit log's HMAC key derived from ``SECRET_KEY`` (development and tests only)."""
    return hmac.new(str(secret_key).encode(), b"gms audit log HMAC key",
                    hashlib.sha256).hexdigest()


def _audit_hmac_key(cfg) -> None:
    """``AUDIT_HMAC_KEY`` keys the audit log's hash chain and signs its anchors. The
    production profile must set its own (not SECRET_KEY, at least 32 characters); elsewhere
    it is derived from SECRET_KEY when unset."""
    key = cfg.get("AUDIT_HMAC_KEY")
    if not is_production_profile(cfg):
        if not key:
            cfg["AUDIT_HMAC_KEY"] = derived_audit_hmac_key(cfg["SECRET_KEY"])
        return
    if not key or len(str(key)) < 32 or str(key) == str(cfg["SECRET_KEY"]):
        raise RuntimeError(
            "AUDIT_HMAC_KEY must be set in production, to at least 32 random characters "
            "other than SECRET_KEY (e.g. GMS_AUDIT_HMAC_KEY=$(python3 -c 'import secrets; "
            "print(secrets.token_hex(32))')), the same for every process and never changed: "
            "it keys the audit log's hash chain and signs its anchors")


def _base_url(cfg) -> None:
    """``BASE_URL``, the site's public address that every absolute link starts with: required
    by the production profile; ``TRUSTED_HOSTS`` there defaults to its host name."""
    base = cfg.get("BASE_URL")
    if not base:
        if is_production_profile(cfg):
            raise RuntimeError(
                "BASE_URL must be set in production: the site's public address, e.g. "
                "GMS_BASE_URL=https://grants.example.kg. Every link in e-mails and letters "
                "starts with it (never with a request's Host header).")
        base = "http://localhost" if cfg.get("TESTING") else "http://127.0.0.1:5000"
    parts = urlsplit(str(base))
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query \
            or parts.fragment:
        raise RuntimeError(f"BASE_URL must be an address like https://grants.example.kg, "
                           f"not {base!r}")
    cfg["BASE_URL"] = str(base).rstrip("/")
    if cfg.get("TRUSTED_HOSTS") is None and is_production_profile(cfg):
        cfg["TRUSTED_HOSTS"] = [parts.hostname]


class GMSFlask(Flask):
    """Flask whose absolute links always start with ``BASE_URL``: ``url_for(...,
    _external=True)`` in a request, in a Celery task or in a ``gms`` command never copies
    the request's ``Host`` header (which anybody can set) into an e-mail. Its Jinja
    environment translates a plugin's templates from the plugin's domain."""

    jinja_environment = i18n.PluginTemplates

    def base_url_adapter(self):
        """A URL adapter bound to ``BASE_URL``."""
        base = urlsplit(self.config["BASE_URL"])
        return self.url_map.bind(base.netloc, script_name=base.path or "/",
                                 url_scheme=base.scheme)

    def create_url_adapter(self, request):
        if request is not None or not self.config.get("BASE_URL"):
            return super().create_url_adapter(request)
        return self.base_url_adapter()  # outside a request (app context, worker, CLI)

    def url_for(self, endpoint: str, /, *, _anchor: str | None = None,
                _method: str | None = None, _scheme: str | None = None,
                _external: bool | None = None, **values) -> str:
        options = {"_anchor": _anchor, "_method": _method, "_scheme": _scheme}
        if not has_request_context():
            return super().url_for(endpoint, _external=_external, **options, **values)
        ctx = request_ctx._get_current_object()
        if ctx.url_adapter is None:  # the request's host was refused (TRUSTED_HOSTS)
            ctx.url_adapter = self.base_url_adapter()
        if not (_external or (_external is None and _scheme is not None)):
            return super().url_for(endpoint, _external=False, **options, **values)
        adapter, ctx.url_adapter = ctx.url_adapter, self.base_url_adapter()
        try:
            return super().url_for(endpoint, _external=True, **options, **values)
        finally:
            ctx.url_adapter = adapter


def _no_store(response: Response) -> Response:
    """Pages of a signed-in person, and the log-in, reset and registration forms, are never
    stored by the browser or a proxy (the back button after log-out shows nothing)."""
    if request.endpoint != "static" and (
            # is_anonymous reads no attribute of the user (is_authenticated reads "active",
            # which a commit has expired: one more query per request)
            request.blueprint in ("auth", "membership") or not current_user.is_anonymous):
        response.headers["Cache-Control"] = "no-store"
    return response


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
    app = GMSFlask("gms", instance_relative_config=True)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    _load_config(app, test_config)
    Path(app.config["UPLOAD_FOLDER"]).mkdir(parents=True, exist_ok=True)

    pm, registry, enabled = build_plugin_manager(app.config)
    app.extensions["gms.plugins"] = pm
    app.extensions["gms.registry"] = registry
    app.extensions["gms.enabled_plugins"] = enabled
    app.extensions["gms.migration_folders"] = migration_folders(pm, enabled)
    # unset PLUGINS enabled every installed plugin: say which
    app.config["PLUGINS"] = [name for name, source in enabled.items() if source.origin != "test"]

    # translations and templates: the core's, then each enabled plugin's folder; a plugin's
    # Python code and its templates (<plugin>/...) translate from its own domain first
    # (gms.i18n.Domain), the rest from the merged catalog
    dirs = [str(Path(__file__).parent / "translations")]
    loaders = [app.jinja_loader]
    domains = {}
    for name in enabled:
        folder = plugin_folder(pm.get_plugin(name)) or Path(".")
        if (folder / "translations").is_dir():
            dirs.append(str(folder / "translations"))
            domains[name] = i18n.Domain.of(folder)
        if (folder / "templates").is_dir():
            loaders.append(FileSystemLoader(str(folder / "templates")))
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(dirs)
    app.jinja_loader = ChoiceLoader(loaders)
    app.jinja_env.domains = domains

    if app.config.get("PROXY_FIX"):
        app.wsgi_app = ProxyFix(app.wsgi_app, **app.config["PROXY_FIX"])
    db.init_app(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        with app.app_context():
            event.listen(db.engine, "connect", _sqlite_pragmas)
    migrate.init_app(app, db, directory=str(Path(__file__).parent / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    app.after_request(_no_store)

    # one Babel per app: its message domain caches catalogs, which differ with the plugins
    Babel(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_tz)
    i18n.init_app(app)
    formatting.init_app(app)
    web.init_app(app)
    for bp in (review.bp, finance.bp):  # the domain packages' pages
        app.register_blueprint(bp)
    for bp in plugin_blueprints(pm):
        app.register_blueprint(bp, url_prefix=f"/p/{bp.name}")
    celery_init_app(app)
    throttle.init_app(app)
    commands.init_app(app)
    pm.hook.gms_app_init(app=app)
    return app
