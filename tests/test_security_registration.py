"""Issue 15, finding 1 (anyone could join any municipality through POST /register) and, from
finding 14, account enumeration at registration: joining an organisation that exists needs
a confirmed e-mail address and the approval of one of its members (or programme staff);
registration is rate-limited per client address; an address that has an account gets the
same answer as a new one, and its owner a notice."""

from __future__ import annotations

import io
import re
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from gms.extensions import db
from gms.models import Attachment, AuditEntry, OutboxMessage, User
from gms.models.people import MembershipRequest

from . import route_world

pytestmark = pytest.mark.gms_config(BABEL_DEFAULT_LOCALE="en")

PASSWORD = "long enough pw"
FORM = {"name": "Intruder Example", "email": "newcomer@example.kg", "password": PASSWORD,
        "confirm": PASSWORD, "org_kind": "municipality", "territory_code": route_world.SOATE_A,
        "org_name": ""}
WORLD_PASSWORD = "route matrix password"


@pytest.fixture
def world(app):
    with app.test_request_context():
        return route_world.build()


def _register(client, address: str = "198.51.100.1", **fields):
    return client.post("/register", data={**FORM, **fields},
                       environ_base={"REMOTE_ADDR": address})


def _mails(app, recipient: str) -> list[OutboxMessage]:
    with app.app_context():
        return list(db.session.scalars(select(OutboxMessage).where(
            OutboxMessage.recipient == recipient).order_by(OutboxMessage.id)))


def _asked(app, recipient: str) -> list[OutboxMessage]:
    """The notices of a request to join that ``recipient`` got."""
    return [m for m in _mails(app, recipient) if "asks to join" in m.subject]


def _confirm_path(app, email: str) -> str:
    body = next(m.body for m in reversed(_mails(app, email)) if "/confirm/" in m.body)
    return urlsplit(re.search(r"https?://\S+/confirm/\S+", body).group(0)).path


def _login(client, email: str, password: str = PASSWORD):
    client.post("/logout")
    r = client.post("/login", data={"email": email, "password": password})
    assert r.status_code == 302, r.get_data(as_text=True)[:300]


def _organisation_urls(ids: dict) -> list[str]:
    """Organisation A's application pages, documents and grant."""
    return [f"/applications/{ids['app_draft_a']}", f"/applications/{ids['app_eval_a']}/view",
            f"/applications/{ids['app_pub_a']}/view", f"/documents/{ids['att_eval_a']}",
            f"/documents/{ids['att_draft_a']}", f"/finance/my/grants/{ids['grant_a']}",
            f"/finance/grants/{ids['grant_a']}/agreement.pdf"]


def _upload(client, ids: dict):
    return client.post(f"/applications/{ids['app_draft_a']}/documents",
                       data={"kind": "other", "file": (io.BytesIO(route_world.PDF), "x.pdf")},
                       content_type="multipart/form-data")


def _attachments(app, application_id: int) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Attachment).where(
            Attachment.application_id == application_id))


def test_registering_for_an_existing_municipality_needs_a_members_approval(app, world):
    """The issue's reproduction: register for municipality A, then open A's applications,
    documents and grant and upload into its draft: refused until a member of A approves."""
    client = app.test_client()
    r = _register(client)
    assert r.status_code == 302 and r.headers["Location"].endswith("/register/check-email")
    with app.app_context():
        newcomer = db.session.scalar(select(User).where(User.email == FORM["email"]))
        assert newcomer.organisation_id is None and not newcomer.email_confirmed
        request = db.session.scalar(select(MembershipRequest).where(
            MembershipRequest.user_id == newcomer.id))
        assert (request.user_id, request.organisation_id, request.status) == (
            newcomer.id, world["org_a"], "pending")
        request_id = request.id
    # logged in but unconfirmed: only the page that asks to confirm the address
    _login(client, FORM["email"])
    r = client.get("/my")
    assert r.status_code == 302 and r.headers["Location"].endswith("/account/confirm")
    for url in _organisation_urls(world):
        assert client.get(url).status_code in (302, 403, 404), url
    # the members of A do not see (nor hear of) a request from an unconfirmed address
    member = app.test_client()
    _login(member, "applicant_a@matrix.kg", WORLD_PASSWORD)
    assert FORM["email"] not in member.get("/my").get_data(as_text=True)
    assert _asked(app, "applicant_a@matrix.kg") == []

    assert client.get(_confirm_path(app, FORM["email"])).status_code == 302
    page = client.get("/my").get_data(as_text=True)
    assert "is waiting for a member of it or the programme staff" in page
    for url in _organisation_urls(world):
        assert client.get(url).status_code in (403, 404), url
    before = _attachments(app, world["app_draft_a"])
    assert _upload(client, world).status_code in (403, 404)
    assert _attachments(app, world["app_draft_a"]) == before
    r = client.post(f"/membership/requests/{request_id}", data={"approve": "Approve"})
    assert r.status_code == 404  # nobody approves themselves

    # the member of A hears of it, sees it on the dashboard and approves it
    (notice,) = _asked(app, "applicant_a@matrix.kg")
    assert "Intruder Example" in notice.subject and "newcomer@example.kg" in notice.body
    page = member.get("/my").get_data(as_text=True)
    assert "People asking to join" in page and FORM["email"] in page
    r = member.post(f"/membership/requests/{request_id}", data={"approve": "Approve"})
    assert r.status_code == 302
    with app.app_context():
        assert db.session.get(User, newcomer.id).organisation_id == world["org_a"]
        entry = db.session.scalar(select(AuditEntry).where(
            AuditEntry.action == "membership.approved"))
        assert entry.actor_id == world["user_applicant_a"]
        assert entry.payload["user_id"] == newcomer.id
    assert any("was approved" in m.body for m in _mails(app, FORM["email"]))
    # decided once: a second decision is refused
    r = member.post(f"/membership/requests/{request_id}", data={"decline": "Decline"},
                    follow_redirects=True)
    assert "already decided" in r.get_data(as_text=True)

    for url in _organisation_urls(world):
        assert client.get(url).status_code == 200, url
    assert _upload(client, world).status_code == 302
    assert _attachments(app, world["app_draft_a"]) == before + 1


def test_staff_decline_and_outsiders_cannot_decide(app, world):
    client = app.test_client()
    _register(client)
    client.get(_confirm_path(app, FORM["email"]))
    with app.app_context():
        request_id = db.session.scalar(select(MembershipRequest.id).join(
            User, User.id == MembershipRequest.user_id).where(User.email == FORM["email"]))
    # applicant B, a commission member of A, municipal staff of B: not theirs to decide
    for name in ("applicant_b", "municipal_member_a", "municipal_staff_b"):
        other = app.test_client()
        _login(other, f"{name}@matrix.kg", WORLD_PASSWORD)
        r = other.post(f"/membership/requests/{request_id}", data={"approve": "Approve"})
        assert r.status_code in (403, 404), name
    staff = app.test_client()
    _login(staff, "staff@matrix.kg", WORLD_PASSWORD)
    page = staff.get("/membership/requests").get_data(as_text=True)
    assert "newcomer@example.kg" in page
    r = staff.post(f"/membership/requests/{request_id}", data={"decline": "Decline"})
    assert r.status_code == 302 and r.headers["Location"].endswith("/membership/requests")
    with app.app_context():
        request = db.session.get(MembershipRequest, request_id)
        assert request.status == "declined" and request.decided_by_id == world["user_staff"]
        assert db.session.get(User, request.user_id).organisation_id is None
        assert db.session.scalar(select(AuditEntry).where(
            AuditEntry.action == "membership.declined")).actor_id == world["user_staff"]
    assert any("was declined" in m.body for m in _mails(app, FORM["email"]))
    _login(client, FORM["email"])
    assert "was declined" in client.get("/my").get_data(as_text=True)
    for url in _organisation_urls(world):
        assert client.get(url).status_code in (403, 404), url


def test_a_new_organisation_is_made_as_before_once_the_address_is_confirmed(app, territories):
    client = app.test_client()
    r = _register(client, org_kind="ngo", org_name="Green Valley", territory_code="")
    assert r.status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == FORM["email"]))
        assert user.organisation.name == "Green Valley" and not user.email_confirmed
        assert db.session.scalar(select(func.count()).select_from(MembershipRequest)) == 0
    _login(client, FORM["email"])
    assert client.get("/my").headers["Location"].endswith("/account/confirm")
    page = client.get("/account/confirm").get_data(as_text=True)
    assert "Send the link again" in page
    for _n in range(3):  # "send again" cannot flood the address typed at registration
        assert client.post("/account/confirm/send").status_code == 302
    assert len([m for m in _mails(app, FORM["email"]) if "/confirm/" in m.body]) == 1
    assert client.get("/confirm/not-a-token", follow_redirects=True).status_code == 200
    client.get(_confirm_path(app, FORM["email"]))
    assert client.get("/my").status_code == 200
    with app.app_context():
        assert db.session.scalar(select(AuditEntry).where(
            AuditEntry.action == "user.email_confirmed")) is not None


def test_the_eleventh_registration_from_one_address_in_an_hour_is_refused(app, territories):
    client = app.test_client()
    for n in range(10):
        r = _register(client, "203.0.113.9", email=f"bulk{n}@example.kg", org_kind="ngo",
                      org_name=f"Org {n}", territory_code="")
        assert r.status_code == 302, n
    r = _register(client, "203.0.113.9", email="bulk10@example.kg", org_kind="ngo",
                  org_name="Org 10", territory_code="")
    assert r.status_code == 429
    assert "Too many accounts were registered from this network" in r.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 10
    # another address is not held up
    r = _register(client, "203.0.113.10", email="bulk11@example.kg", org_kind="ngo",
                  org_name="Org 11", territory_code="")
    assert r.status_code == 302


def test_registering_an_existing_address_answers_as_for_a_new_one(app, territories):
    first = app.test_client()
    _register(first, email="owner@example.kg", org_kind="ngo", org_name="Owner's",
              territory_code="")
    with app.app_context():
        owner_hash = db.session.scalar(select(User.password_hash))
    taken = app.test_client().post("/register", follow_redirects=True, data={
        **FORM, "email": "OWNER@example.kg", "password": "another password",
        "confirm": "another password", "org_kind": "ngo", "org_name": "Other",
        "territory_code": ""})
    fresh = app.test_client().post("/register", follow_redirects=True, data={
        **FORM, "email": "fresh@example.kg", "password": "another password",
        "confirm": "another password", "org_kind": "ngo", "org_name": "Other",
        "territory_code": ""})
    assert taken.status_code == fresh.status_code == 200
    assert [h.headers.get("Location") for h in taken.history] == [
        h.headers.get("Location") for h in fresh.history]
    assert taken.get_data(as_text=True) == fresh.get_data(as_text=True)
    assert "already exists" not in taken.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 2
        assert db.session.scalar(select(User.password_hash).where(
            User.email == "owner@example.kg")) == owner_hash
    notices = [m for m in _mails(app, "owner@example.kg") if "tried to register" in m.subject]
    assert len(notices) == 1 and "/reset" in notices[0].body


def test_accounts_from_before_count_as_confirmed(make_app, tmp_path):
    """The migration marks every existing account confirmed (a server default)."""
    import flask_migrate
    from sqlalchemy import text

    app = make_app({"SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "old.sqlite3")})
    with app.app_context():
        flask_migrate.upgrade(revision="d4dfc11edd3d")
        db.session.execute(text(
            "INSERT INTO users (email, name, password_hash, role, active, created_at) "
            "VALUES ('old@example.kg', 'Old', 'x', 'applicant', 1, '2026-01-01 00:00:00')"))
        db.session.commit()
        flask_migrate.upgrade(revision="780e74f6eff2")
        assert db.session.execute(text(
            "SELECT email_confirmed FROM users WHERE email = 'old@example.kg'")).scalar() == 1
