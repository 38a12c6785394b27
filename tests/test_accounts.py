"""Registration, log-in, log-out and password reset by e-mail."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from gms.extensions import db
from gms.models import AuditEntry, Organisation, OutboxMessage, User

pytestmark = [pytest.mark.gms_plugins(), pytest.mark.gms_config(BABEL_DEFAULT_LOCALE="en")]

FORM = {"name": "Aida Toktosunova", "email": "Aida@Ala-Archa.kg", "password": "long enough pw",
        "confirm": "long enough pw", "org_kind": "municipality",
        "territory_code": "41708203805000", "org_name": ""}


def test_register_a_municipality_then_log_out_and_in(app, client, territories):
    r = client.post("/register", data=FORM)
    assert r.status_code == 302 and r.headers["Location"].endswith("/register/check-email")
    with app.app_context():
        user = db.session.scalar(select(User))
        assert user.email == "aida@ala-archa.kg" and user.role == "applicant"
        org = db.session.get(Organisation, user.organisation_id)
        assert org.kind == "municipality" and org.oblast == "Чуйская область"
        assert "Ала-Арчинский" in org.name
        assert user.password_hash.startswith("$argon2")
        body = db.session.scalar(select(OutboxMessage.body))
    # the address is confirmed by the e-mailed link (issue 15), then one logs in
    client.get(urlsplit(re.search(r"https?://\S+/confirm/\S+", body).group(0)).path)
    client.post("/login", data={"email": "aida@ala-archa.kg", "password": "long enough pw"})
    assert client.get("/my").status_code == 200
    client.post("/logout")
    assert client.get("/my").status_code == 302
    r = client.post("/login", data={"email": "aida@ala-archa.kg", "password": "wrong one!!"})
    assert "Wrong e-mail or password" in r.get_data(as_text=True)
    r = client.post("/login", data={"email": "AIDA@ala-archa.kg", "password": "long enough pw"})
    assert r.status_code == 302
    # a second account of the same municipality asks to join the same organisation (a
    # member approves it: tests/test_security_registration.py)
    client.post("/logout")
    client.post("/register", data={**FORM, "email": "second@ala-archa.kg"})
    with app.app_context():
        assert db.session.query(Organisation).count() == 1


def test_registration_errors_keep_what_was_typed(client, territories):
    r = client.post("/register", data={**FORM, "confirm": "different", "territory_code": ""})
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and "Passwords differ" in page
    assert 'value="Aida Toktosunova"' in page
    r = client.post("/register", data={**FORM, "territory_code": "00000000000000"})
    assert "Choose your municipality from the list" in r.get_data(as_text=True)
    r = client.post("/register", data={**FORM, "org_kind": "ngo", "territory_code": ""})
    assert "Enter the name of your organisation" in r.get_data(as_text=True)


def test_password_reset_by_email(app, client, territories):
    client.post("/register", data=FORM)
    client.post("/logout")
    r = client.post("/reset", data={"email": "aida@ala-archa.kg"})
    assert r.status_code == 302
    client.post("/reset", data={"email": "nobody@x.kg"})  # says the same, sends nothing
    with app.app_context():
        mails = db.session.scalars(select(OutboxMessage).where(
            OutboxMessage.subject.contains("Password reset"))).all()
        assert len(mails) == 1 and mails[0].sent_at is not None
        link = re.search(r"http://\S+/reset/\S+", mails[0].body).group(0)
    path = link.split("localhost", 1)[1]
    r = client.post(path, data={"password": "a brand new pw", "confirm": "a brand new pw"})
    assert r.status_code == 302
    # the link works once
    r = client.post(path, data={"password": "another new pw", "confirm": "another new pw"})
    assert "not valid" in r.get_data(as_text=True)
    r = client.post("/login", data={"email": "aida@ala-archa.kg", "password": "a brand new pw"})
    assert r.status_code == 302
    with app.app_context():
        actions = set(db.session.scalars(select(AuditEntry.action)))
        assert {"user.registered", "user.password_reset", "user.login"} <= actions


def test_open_redirects_are_refused(app, client, territories):
    client.post("/register", data=FORM)
    client.post("/logout")
    r = client.post("/login?next=//evil.example/x",
                    data={"email": "aida@ala-archa.kg", "password": "long enough pw"})
    assert r.headers["Location"] == "/"
