"""Fixtures of people: users, log-ins, cheap password hashing, the territory reference."""

from __future__ import annotations

import contextlib
import functools
import itertools
import uuid
from collections.abc import Callable

import pytest
from argon2 import PasswordHasher
from flask import Flask, current_app, has_app_context
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from gms.extensions import db
from gms.models import Organisation, User
from gms.services import accounts, sessions
from gms.services.territories import load_reference
from gms.testing.support import PASSWORD

__all__ = ["cheap_password_hashing", "make_user", "session_key", "login", "login_fixture",
           "territories"]


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch):
    """Argon2 at its lowest cost in tests (what is tested is who may log in, not how long
    hashing takes): every demo person, registration and log-in hashed at the production
    cost took 0.15 s of CPU. Hashes keep their format (``$argon2id$``) and carry their own
    parameters, so each verifies as in production."""
    hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr(accounts, "_hasher", hasher)
    monkeypatch.setattr(accounts, "_DUMMY", hasher.hash("not a password of anyone"))


@functools.cache
def _password_hash(password: str) -> str:
    return accounts.hash_password(password)


def _in_context_of(app: Flask) -> bool:
    return has_app_context() and current_app._get_current_object() is app


@pytest.fixture
def make_user(app) -> Callable[..., User]:
    """Factory: ``make_user(role="applicant", organisation=None, email=None,
    password=PASSWORD, **fields) -> User``.

    An applicant without ``organisation`` gets a new NGO. ``organisation`` may be an
    :class:`~gms.models.Organisation` or its id. Inside an app context of ``app`` the user
    stays attached to ``db.session``; outside, it comes back detached with its columns (and
    organisation) loaded. ``user.plain_password`` holds the password for ``login``.
    """
    counter = itertools.count(1)

    def factory(role: str = "applicant", organisation=None, email: str | None = None,
                password: str = PASSWORD, **fields) -> User:
        n = next(counter)
        with contextlib.ExitStack() as stack:
            attached = _in_context_of(app)
            if not attached:
                stack.enter_context(app.app_context())
            org_id = getattr(organisation, "id", organisation)
            if org_id is None and role == "applicant":
                org = Organisation(kind="ngo", name=f"Test organisation {uuid.uuid4().hex[:8]}")
                db.session.add(org)
                db.session.flush()
                org_id = org.id
            fields.setdefault("name", f"Test {role} {n}")
            user = User(email=email or f"{role}-{uuid.uuid4().hex[:10]}@example.org",
                        password_hash=_password_hash(password), role=role,
                        organisation_id=org_id, **fields)
            db.session.add(user)
            db.session.commit()
            if not attached:
                db.session.refresh(user)
                _ = user.organisation  # load it while the session is there
                db.session.expunge_all()
            user.plain_password = password
            return user

    return factory


def session_key(app: Flask, user_id: int) -> str:
    """A new server-side log-in of ``user_id`` (a ``user_sessions`` row, committed); returns
    the key that the browser's session keeps (see :func:`login`)."""
    with app.app_context():
        key = sessions.create(user_id)
        db.session.commit()
    return key


def login(client: FlaskClient, user, password: str | None = None, *, via: str = "form",
          key: str | None = None) -> TestResponse | None:
    """Log ``user`` in on ``client``.

    ``via="form"`` posts e-mail and password to ``/login`` (needs CSRF off) and asserts
    the redirect that a successful log-in answers; ``via="session"`` records a server-side
    log-in (:func:`session_key`, or reuses ``key``) and writes Flask-Login's session keys,
    second factor included (fast, no password check). Returns the response (or ``None``).
    """
    if via == "session":
        key = key or session_key(client.application, user.id)
        with client.session_transaction() as session:
            session["_user_id"] = str(user.id)
            session["_fresh"] = True
            session["second_factor"] = True
            session[sessions.SESSION_KEY] = key
        return None
    password = password or getattr(user, "plain_password", PASSWORD)
    response = client.post("/login", data={"email": user.email, "password": password})
    assert response.status_code in (302, 303), (
        f"log-in of {user.email} failed: HTTP {response.status_code}")
    return response


@pytest.fixture(name="login")
def login_fixture():
    """The :func:`login` helper as a fixture: ``login(client, user)``."""
    return login


@pytest.fixture
def territories(app) -> int:
    """Load the SOATE reference (516 local units) into the test database; returns the count."""
    with app.app_context():
        return load_reference()
