"""Programme accounts: an administrator creates staff, finance and commission accounts
without an organisation (in the app and with ``gms users create``), the person chooses a
password from an e-mailed invitation, and such staff run the programme's calls."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from gms.cli import main
from gms.extensions import db
from gms.models import AuditEntry, OutboxMessage, User

pytestmark = pytest.mark.gms_config(BABEL_DEFAULT_LOCALE="en")


def _invitation_link(app, email: str) -> str:
    with app.app_context():
        body = db.session.scalar(select(OutboxMessage.body).where(
            OutboxMessage.recipient == email).order_by(OutboxMessage.id.desc()))
    return re.search(r"http://[^/]+(/invitation/\S+)", body).group(1)


def test_admin_creates_a_commission_member_who_sets_a_password(app, client, make_user,
                                                                login):
    admin = make_user("admin")
    login(client, admin)
    page = client.get("/admin/accounts")
    assert page.status_code == 200 and b"Ministry of Finance" in page.data
    response = client.post("/admin/accounts", data={
        "name": "Айгуль Маматова", "email": "Aigul@minfin.gov.kg", "role": "commission",
        "agency": "ministry_of_finance"})
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "aigul@minfin.gov.kg"))
        assert (user.role, user.agency, user.organisation_id) == (
            "commission", "ministry_of_finance", None)
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.created"))
        assert entry.object_id == user.id and entry.actor_id == admin.id
        assert entry.payload["role"] == "commission"
    assert "Айгуль Маматова" in client.get("/admin/accounts").get_data(as_text=True)
    # the same address again: refused with a message, nothing added
    again = client.post("/admin/accounts", data={
        "name": "X", "email": "aigul@minfin.gov.kg", "role": "staff", "agency": ""})
    assert again.status_code == 422 and b"already exists" in again.data
    client.post("/logout")

    link = _invitation_link(app, "aigul@minfin.gov.kg")
    assert client.get(link).status_code == 200
    done = client.post(link, data={"password": "a long new password", "confirm":
                                   "a long new password"})
    assert done.status_code == 302 and done.location.endswith("/login")
    assert client.get(link).status_code == 404  # the link works once
    assert client.post("/login", data={"email": "aigul@minfin.gov.kg",
                                       "password": "a long new password"}).status_code == 302


def test_only_an_administrator_creates_accounts(client, make_user, login):
    login(client, make_user("staff"))
    assert client.get("/admin/accounts").status_code == 403
    assert client.post("/admin/accounts", data={"name": "x", "email": "x@y.kg",
                                                 "role": "admin", "agency": ""}
                       ).status_code == 403


def test_cli_creates_staff_who_see_calls_and_the_outbox(app, runner, client):
    result = runner.invoke(main, ["users", "create", "staff@programme.kg", "--name",
                                  "Programme Officer", "--role", "staff", "--agency",
                                  "programme", "--password-prompt"],
                           input="a long password 1\na long password 1\n")
    assert result.exit_code == 0, result.output
    assert "created as staff (password set)" in result.output
    assert client.post("/login", data={"email": "staff@programme.kg",
                                       "password": "a long password 1"}).status_code == 302
    for page in ("/staff/", "/staff/outbox", "/staff/audit"):  # the programme's, not a town's
        assert client.get(page).status_code == 200, page
    bad = runner.invoke(main, ["users", "create", "staff@programme.kg", "--name", "x",
                               "--role", "staff"])
    assert bad.exit_code == 1 and "already exists" in bad.output


def test_set_role_programme_drops_the_organisation(app, runner, make_user):
    user = make_user("applicant")
    result = runner.invoke(main, ["users", "set-role", user.email, "staff", "--programme"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.get(User, user.id).organisation_id is None
        (entry,) = db.session.scalars(select(AuditEntry).where(
            AuditEntry.action == "user.role_changed"))
        assert entry.payload["organisation_id"] is None
