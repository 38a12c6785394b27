"""Helpers of the test fixtures: the environment, services, app creation, the test config."""

from __future__ import annotations

import functools
import os
import tomllib
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from flask import Flask

from gms.app import GMSFlask, create_app
from gms.extensions import db

PASSWORD = "correct horse battery staple"
#: the configuration of a project's tests, relative to pytest's root folder
TEST_CONFIG_FILE = Path("config") / "testing.toml"

__all__ = ["PASSWORD", "in_ci", "need", "pg_url", "broker_url", "sqlalchemy_url",
           "clean_environment", "dispose", "create_app_in", "suite_config"]


def in_ci() -> bool:
    """Whether ``CI`` is set (to anything but ``0``, ``false`` or ``no``)."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def need(reason: str) -> None:
    """Skip for want of ``reason``; fail instead when ``CI`` is set."""
    if in_ci():
        pytest.fail(f"{reason} (CI is set, so this fails rather than skips)", pytrace=False)
    pytest.skip(reason)


def pg_url() -> str | None:
    """``GMS_TEST_DATABASE_URL``: the PostgreSQL database of the tests, if any."""
    return os.environ.get("GMS_TEST_DATABASE_URL") or None


def broker_url() -> str | None:
    """``GMS_TEST_BROKER_URL``: the Redis broker of the tests, if any."""
    return os.environ.get("GMS_TEST_BROKER_URL") or None


def sqlalchemy_url(url: str) -> str:
    """``url`` with the psycopg 3 driver for PostgreSQL."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Drop the developer's ``GMS_*`` settings (``GMS_TEST_*`` stay) so tests are hermetic."""
    for name in list(os.environ):
        if name.startswith("GMS_") and not name.startswith("GMS_TEST_"):
            monkeypatch.delenv(name)


def dispose(app: Flask) -> None:
    """Close the app's database session and connection pools."""
    with app.app_context():
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()


def create_app_in(config: dict, instance: Path) -> Flask:
    """``create_app(config)`` with its instance folder at ``instance``."""
    instance.mkdir(parents=True, exist_ok=True)
    with mock.patch("gms.app.GMSFlask", functools.partial(GMSFlask, instance_path=str(instance))):
        return create_app(config)


@functools.cache
def suite_config(rootpath: Path) -> dict[str, Any]:
    """The project's ``config/testing.toml`` under pytest's root folder (empty when there is
    none). Its ``PLUGINS`` is the default set of enabled plugins of the ``app`` fixture;
    without it, every installed plugin is enabled."""
    path = Path(rootpath) / TEST_CONFIG_FILE
    if not path.is_file():
        return {}
    with open(path, "rb") as fh:
        return tomllib.load(fh)
