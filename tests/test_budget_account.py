"""The local-budget account and treasury code of the application reach the grant and every
transfer (issue 16, item 5).

Before: the account a municipality typed in its small-grants application stayed in the
answers; the grant had none, the transfer form was empty, and a transfer posted without it was
refused ("Give the local-budget account or treasury code.") until the officer typed it again.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from gms.competition.payee import PayeeAccount
from gms.evaluation.models import Award
from gms.extensions import db
from gms.models import Application, AuditEntry, Competition, Organisation, Territory
from gms.money.models import Grant, Transfer
from plugins.small_grants.tests.factories import ANSWERS, formdata

pytestmark = pytest.mark.gms_plugins("small_grants")

BOROLDOI = "41708213808000"
ACCOUNT = ANSWERS["budget_account"]  # "4402012345678901"
SCAN = b"%PDF-1.4\n% signed agreement scan\n%%EOF\n"
SIGNED_ON = date(2026, 3, 1)  # the clock stands at 2026-03-02


@pytest.fixture
def world(app, client, login, clock, make_user, territories):
    """A small-grants application saved through its form (the account typed in it), then
    funded in a decided call; staff, a finance officer and the grantee."""
    from gms.evaluation import lifecycle
    from gms.services import calls

    now = clock.now
    with app.app_context():
        t = db.session.get(Territory, BOROLDOI)
        org = Organisation(kind="municipality", name=t.display_name, territory_code=BOROLDOI,
                           oblast=t.oblast)
        db.session.add(org)
        db.session.commit()
        org_id = org.id
    people = {"staff": make_user("staff", locale="en"),
              "finance": make_user("finance", locale="en"),
              "grantee": make_user("applicant", org_id, locale="en")}
    with app.app_context():
        call = calls.create_call("small_grants", {
            "title": {"en": "Small grants 2026", "ru": "Малые гранты 2026"},
            "description": {}, "oblasts": ["Чуйская область"],
            "opens_at": now - timedelta(days=30), "deadline_at": now + timedelta(days=10),
            "budget": Decimal(1500000), "max_awards": None, "max_grant": None,
            "settings": {}})
        lifecycle.advance(call, "open", now=now, actor_id=people["staff"].id)
        call_id = call.id
    login(client, people["grantee"])
    r = client.post(f"/calls/{call_id}/apply")
    app_id = int(re.search(r"/applications/(\d+)", r.headers["Location"]).group(1))
    data = formdata(ANSWERS)
    data["action"] = "save"
    assert client.post(f"/applications/{app_id}", data=data).status_code == 302
    client.post("/logout")
    with app.app_context():
        application = db.session.get(Application, app_id)
        assert application.answers["budget_account"] == ACCOUNT  # as the form stored it
        application.status = "funded"
        db.session.get(Competition, call_id).status = "decided"
        award = Award(competition_id=call_id, application_id=app_id, outcome="funded",
                      amount=Decimal(700000), rank=1, decided_by_id=people["staff"].id,
                      decided_at=now)
        db.session.add(award)
        db.session.commit()
        people["award"] = award.id
    return people


def _grant(award_id: int) -> Grant:
    return db.session.scalar(select(Grant).where(Grant.award_id == award_id))


def _entries(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)
                                   .order_by(AuditEntry.id)))


def _open_and_sign(app, client, login, world) -> int:
    login(client, world["staff"])
    r = client.post(f"/finance/awards/{world['award']}/open", data={"language": "ru"},
                    follow_redirects=True)
    assert r.status_code == 200 and "flash error" not in r.get_data(as_text=True)
    with app.app_context():
        from gms.models import User
        from gms.money import agreements

        grant = _grant(world["award"])
        agreements.sign(grant, grantee_signed_on=SIGNED_ON, programme_signed_on=SIGNED_ON,
                        filename="signed.pdf", data=SCAN,
                        actor=db.session.get(User, world["staff"].id))
        return grant.id


def test_the_application_account_reaches_the_grant(app, client, login, world):
    login(client, world["staff"])
    r = client.post(f"/finance/awards/{world['award']}/open", data={"language": "ru"},
                    follow_redirects=True)
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and "flash error" not in page
    assert f'<dd id="grant-account">{ACCOUNT}</dd>' in page
    with app.app_context():
        grant = _grant(world["award"])
        assert (grant.recipient_account, grant.treasury_code) == (ACCOUNT, None)
        carried = _entries("grant.payee_carried")
        assert [(e.object_id, e.payload["recipient_account"]) for e in carried] == [
            (grant.id, ACCOUNT)]
        assert carried[0].actor_id == world["staff"].id


def test_a_transfer_goes_through_without_retyping(app, client, login, world):
    grant_id = _open_and_sign(app, client, login, world)
    login(client, world["finance"])
    page = client.get(f"/finance/awards/{world['award']}").get_data(as_text=True)
    form = page[page.index('id="transfer-form"'):]
    assert re.search(rf'name="recipient_account" id="tr-account" value="{ACCOUNT}"', form)
    with app.app_context():
        tranche = _grant(world["award"]).tranches[0].id
    # the officer does not type the account: the form's prefilled value, or none at all
    for account in (ACCOUNT, None):
        data = {"tranche_id": str(tranche), "value_date": "2026-03-02",
                "amount_kgs": "1000", "payment_order": f"PO-{account}"}
        if account:
            data["recipient_account"] = account
        r = client.post(f"/finance/grants/{grant_id}/transfers", data=data,
                        follow_redirects=True)
        assert "The transfer is recorded." in r.get_data(as_text=True)
    with app.app_context():
        records = db.session.scalars(select(Transfer).order_by(Transfer.id)).all()
        assert [t.recipient_account for t in records] == [ACCOUNT, ACCOUNT]
        assert [e.payload["recipient_account"] for e in _entries("transfer.recorded")] == [
            ACCOUNT, ACCOUNT]


def test_staff_correct_the_account_audited_and_transfers_keep_theirs(app, client, login,
                                                                     world):
    grant_id = _open_and_sign(app, client, login, world)
    with app.app_context():
        tranche = _grant(world["award"]).tranches[0].id
    login(client, world["finance"])
    client.post(f"/finance/grants/{grant_id}/transfers", data={
        "tranche_id": str(tranche), "value_date": "2026-03-02", "amount_kgs": "1000",
        "payment_order": "PO-1"})
    # finance may not correct the grant's account; staff may, after signing too
    assert client.post(f"/finance/grants/{grant_id}/payee", data={
        "recipient_account": "1"}).status_code in (403, 404)
    login(client, world["staff"])
    r = client.post(f"/finance/grants/{grant_id}/payee", data={
        "recipient_account": " 4402 0111 0000 7777\n", "treasury_code": "440001"},
        follow_redirects=True)
    assert "The account and treasury code are corrected." in r.get_data(as_text=True)
    # an empty account is refused once money may be paid; too long a value too
    for data, message in (({"recipient_account": "", "treasury_code": ""},
                           "Give the local-budget account or treasury code."),
                          ({"recipient_account": "4" * 61}, "60 characters")):
        page = client.post(f"/finance/grants/{grant_id}/payee", data=data,
                           follow_redirects=True).get_data(as_text=True)
        assert "flash error" in page and message in page
    with app.app_context():
        grant = db.session.get(Grant, grant_id)
        assert (grant.recipient_account, grant.treasury_code) == ("4402 0111 0000 7777",
                                                                  "440001")
        [entry] = _entries("grant.payee_corrected")
        assert entry.actor_id == world["staff"].id and entry.object_id == grant_id
        assert entry.payload == {
            "old": {"recipient_account": ACCOUNT, "treasury_code": None},
            "new": {"recipient_account": "4402 0111 0000 7777", "treasury_code": "440001"}}
    # the next transfer form is prefilled with the corrected values; the first transfer keeps
    # the account it used; the officer may still change them for one transfer
    login(client, world["finance"])
    page = client.get(f"/finance/awards/{world['award']}").get_data(as_text=True)
    assert 'id="tr-account" value="4402 0111 0000 7777"' in page
    assert 'id="tr-treasury" value="440001"' in page
    for order, extra in (("PO-2", {}), ("PO-3", {"recipient_account": "4402011100001234",
                                                  "treasury_code": "440002"})):
        r = client.post(f"/finance/grants/{grant_id}/transfers", data={
            "tranche_id": str(tranche), "value_date": "2026-03-02", "amount_kgs": "1000",
            "payment_order": order, **extra}, follow_redirects=True)
        assert "The transfer is recorded." in r.get_data(as_text=True)
    with app.app_context():
        used = [(t.payment_order, t.recipient_account, t.treasury_code)
                for t in db.session.scalars(select(Transfer).order_by(Transfer.id))]
        assert used == [("PO-1", ACCOUNT, None), ("PO-2", "4402 0111 0000 7777", "440001"),
                        ("PO-3", "4402011100001234", "440002")]
        grant = db.session.get(Grant, grant_id)  # one transfer's values leave the grant's
        assert (grant.recipient_account, grant.treasury_code) == ("4402 0111 0000 7777",
                                                                  "440001")


def test_the_payee_is_cleaned_and_a_plugin_without_one_leaves_it_empty(app):
    assert PayeeAccount(" 4402\n0111 ", "\t440001\x00") == PayeeAccount("4402 0111", "440001")
    assert PayeeAccount.from_answers({"budget_account": 4402}, account="budget_account") == (
        PayeeAccount("4402"))
    assert not PayeeAccount.from_answers({"budget_account": ["x"], "t": True},
                                         account="budget_account", treasury_code="t")
    assert PayeeAccount("x" * 80).account == "x" * 60
