"""Permission changes from the command line (``gms users``), each in the audit log."""

from __future__ import annotations

import pyotp
import pytest
from sqlalchemy import select

from gms.cli import main
from gms.extensions import db
from gms.models import AuditEntry, OutboxMessage, User
from gms.services import two_factor

pytestmark = pytest.mark.gms_config(TWO_FACTOR_ROLES=["staff", "commission", "finance",
                                                      "admin"], BABEL_DEFAULT_LOCALE="en")


def _entries(app, action: str) -> list[AuditEntry]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_set_role_is_a_logged_permission_change(app, runner, make_user, client):
    user = make_user("commission")
    result = runner.invoke(main, ["users", "set-role", user.email.upper(), "staff"])
    assert result.exit_code == 0, result.output
    (entry,) = _entries(app, "user.role_changed")
    assert entry.payload["from"] == "commission" and entry.payload["to"] == "staff"
    assert entry.payload["by"].startswith("cli:") and entry.object_id == user.id
    with app.app_context():
        assert db.session.get(User, user.id).role == "staff"
    assert runner.invoke(main, ["audit", "verify"]).exit_code == 0
    # refusals: unknown account, an applicant without an organisation
    assert runner.invoke(main, ["users", "set-role", "nobody@x.kg", "staff"]).exit_code == 1
    result = runner.invoke(main, ["users", "set-role", user.email, "applicant"])
    assert result.exit_code == 1 and "organisation" in result.output


def test_a_blocked_account_cannot_log_in_and_its_session_ends(app, runner, make_user, login):
    user = make_user("applicant")
    client = app.test_client()
    login(client, user, via="session")
    assert client.get("/my").status_code == 200
    assert runner.invoke(main, ["users", "block", user.email]).exit_code == 0
    assert client.get("/my").status_code == 302  # logged out at the next request
    r = app.test_client().post("/login", data={"email": user.email,
                                               "password": user.plain_password})
    assert r.status_code == 401
    assert runner.invoke(main, ["users", "block", "--unblock", user.email]).exit_code == 0
    assert [e.action for e in _entries(app, "user.deactivated")
            + _entries(app, "user.activated")] == ["user.deactivated", "user.activated"]


def test_reset_two_factor_for_someone_who_lost_the_phone(app, runner, make_user):
    staff = make_user("staff")
    with app.app_context():
        user = db.session.get(User, staff.id)
        enrolment, _key = two_factor.start_enrolment(user)
        two_factor.confirm(enrolment, pyotp.TOTP(enrolment.secret).now())
    result = runner.invoke(main, ["users", "reset-two-factor", staff.email])
    assert result.exit_code == 2  # a reason is required
    result = runner.invoke(main, ["users", "reset-two-factor", staff.email,
                                  "--reason", "phone stolen; identity checked in person"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert not db.session.get(User, staff.id).has_two_factor
    (entry,) = _entries(app, "user.two_factor_disabled")
    assert "phone stolen" in entry.payload["reason"] and entry.actor_id is None
    # a set-up link went to the account's address: the password alone sets up nothing
    with app.app_context():
        (mail,) = db.session.scalars(select(OutboxMessage).where(
            OutboxMessage.recipient == staff.email)).all()
    assert "/two-factor/enrol/" in mail.body
    client = app.test_client()
    r = client.post("/login", data={"email": staff.email, "password": staff.plain_password})
    assert r.headers["Location"].endswith("/login/two-factor")
    page = client.get("/login/two-factor").get_data(as_text=True)
    assert "<svg" not in page and "We sent you a link" in page
    path = mail.body[mail.body.index("/two-factor/enrol/"):].split()[0]
    assert client.post(path).status_code == 302  # the link sets it up anew
    assert "<svg" in client.get("/two-factor/setup").get_data(as_text=True)
