"""The demo data of both variants: loads through the services, is idempotent, its answers
are valid answers of the forms, and the finished calls have the expected awards."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from gms.evaluation.models import Award
from gms.extensions import db
from gms.models import Application, Competition, User
from gms.services.common import competition_info, registry
from plugins.local_initiative import demo as li_demo
from plugins.local_initiative.tests.factories import formdata


def _counts() -> dict[str, int]:
    return {t.name: db.session.scalar(select(func.count()).select_from(t))
            for t in db.metadata.sorted_tables}


@pytest.fixture
def loaded(app_ctx):
    from gms import demo

    return demo, demo.load()


def _by_title(title: str) -> Competition:
    for call in db.session.scalars(select(Competition)):
        if call.title.get("en") == title:
            return call
    raise AssertionError(title)


def test_demo_loads_once_with_finished_calls(loaded):
    module, logins = loaded
    assert (("staff", "ak-tal.staff@demo.gms.kg") in logins
            and ("commission", "ak-tal.commission1@demo.gms.kg") in logins)
    before = _counts()
    assert module.load() == logins
    assert _counts() == before
    _contest_calls()
    _municipal_calls()


def _contest_calls():
    open_call = _by_title(li_demo.OPEN_CONTEST)
    assert (open_call.type_key, open_call.status) == ("local_initiative", "open")
    past = _by_title(li_demo.PAST_CONTEST)
    assert past.status == "published" and past.organiser_id is None
    awards = db.session.scalars(select(Award).where(Award.competition_id == past.id)
                                .order_by(Award.rank)).all()
    assert [(a.outcome, a.amount, a.reason) for a in awards] == [
        ("funded", Decimal(120000), "place_1"), ("funded", Decimal(96000), "place_2"),
        ("funded", Decimal(84000), "place_3"), ("reserve", Decimal(0), "no_place"),
        ("reserve", Decimal(0), "no_place")]
    first = db.session.get(Application, awards[0].application_id)
    assert first.organisation.kind == "initiative_group"  # an individual leader


def _municipal_calls():
    """Ak-Tal's calls: organised by Ak-Tal, scored by Ak-Tal's own commission."""
    staff = db.session.scalar(select(User).where(User.email == "ak-tal.staff@demo.gms.kg"))
    members = db.session.scalars(select(User).where(User.role == "commission",
                                                    User.organisation_id.is_not(None))).all()
    assert len(members) == 3 and {m.organisation_id for m in members} == {
        staff.organisation_id}
    assert staff.organisation.territory_code == "41704220808000"
    open_call = _by_title(li_demo.OPEN_MUNICIPAL)
    past = _by_title(li_demo.PAST_MUNICIPAL)
    for call in (open_call, past):
        assert call.type_key == "local_initiative.municipal"
        assert call.organiser_id == staff.organisation_id
    assert open_call.status == "open" and past.status == "published"
    awards = db.session.scalars(select(Award).where(Award.competition_id == past.id)
                                .order_by(Award.rank)).all()
    assert [(a.outcome, a.amount, a.reason) for a in awards] == [
        ("funded", Decimal(10000), ""), ("funded", Decimal(9500), ""),
        ("funded", Decimal(8000), ""), ("funded", Decimal(2500), "partial")]
    # the scores came from Ak-Tal's own commission
    from gms.evaluation.models import Assignment

    reviewers = set(db.session.scalars(select(Assignment.reviewer_id).join(
        Application, Application.id == Assignment.application_id)
        .where(Application.competition_id == past.id)))
    assert reviewers == {m.id for m in members}


def test_demo_answers_fill_the_forms(loaded):
    checked = 0
    for application in db.session.scalars(select(Application).where(
            Application.submitted_at.is_not(None))):
        call = application.competition
        if not call.type_key.startswith("local_initiative"):
            continue
        form_cls = registry()[call.type_key].application_form(competition_info(call))
        form = form_cls(formdata=formdata(application.answers))
        assert form.validate(), (application.title, form.errors)
        assert form.answers() == application.answers
        checked += 1
    assert checked == 9


@pytest.mark.gms_config(PER_PAGE=2, TWO_FACTOR_ROLES=[])
def test_the_diplomas_list_is_paged_and_lists_only_awards_with_a_document(app, client):
    """The past contest's five awards, one of them turned into a funded award without a
    place (no document): two a page, in rank order, that one on no page."""
    from gms.demo import DOMAIN, PASSWORD
    from gms.demo import load as load_demo

    with app.test_request_context():
        load_demo()
        past = _by_title(li_demo.PAST_CONTEST)
        awards = db.session.scalars(select(Award).where(Award.competition_id == past.id)
                                    .order_by(Award.rank)).all()
        awards[3].outcome, awards[3].reason = "funded", "budget_line"
        db.session.commit()
        ids = [a.application_id for a in awards]
        url = f"/p/local_initiative/calls/{past.id}/documents"
    assert client.post("/login", data={"email": f"staff@{DOMAIN}",
                                       "password": PASSWORD}).status_code == 302
    client.get("/lang/en")
    pages = [client.get(f"{url}?page={n}").get_data(as_text=True) for n in (1, 2)]
    shown = [[i for i in ids if f"applications/{i}/award.pdf" in page] for page in pages]
    assert shown == [ids[:2], [ids[2], ids[4]]]
    assert "Page 1 of 2" in pages[0] and "I place" in pages[0] and "II place" in pages[0]
    assert "III place" in pages[1] and "finalist" in pages[1] and "Certificate (PDF)" in pages[1]


@pytest.mark.gms_config(TWO_FACTOR_ROLES=[])
def test_a_declined_place_passes_with_its_prize_to_the_first_finalist(app, client):
    """Staff record that the II place declined: the first finalist takes the II place and
    its prize, is told so, and gets the II place's diploma; the III place stays."""
    from gms.demo import DOMAIN, PASSWORD
    from gms.demo import load as load_demo
    from gms.models import AuditEntry, OutboxMessage

    with app.test_request_context():
        load_demo()
        past = _by_title(li_demo.PAST_CONTEST)
        awards = db.session.scalars(select(Award).where(Award.competition_id == past.id)
                                    .order_by(Award.rank)).all()
        second, third, finalist = awards[1].id, awards[2].id, awards[3]
        finalist_id, finalist_app = finalist.id, finalist.application_id
        call_id = past.id
    assert client.post("/login", data={"email": f"staff@{DOMAIN}",
                                       "password": PASSWORD}).status_code == 302
    client.get("/lang/en")
    r = client.post(f"/staff/awards/{second}/decline", data={"reason": "Group dissolved"},
                    follow_redirects=True)
    assert r.status_code == 200 and "Promoted from the reserve list" in r.get_data(as_text=True)
    with app.app_context():
        promoted = db.session.get(Award, finalist_id)
        assert (promoted.outcome, promoted.amount, promoted.reason) == (
            "funded", Decimal(96000), "place_2")
        assert db.session.get(Award, third).reason == "place_3"
        assert db.session.get(Application, finalist_app).status == "funded"
        entry = db.session.scalar(select(AuditEntry).where(
            AuditEntry.action == "award.promoted"))
        assert entry.payload["reason"] == "place_2" and entry.payload["amount"] == "96000.00"
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.key == f"promoted:{finalist_id}")) == 1
    listing = client.get(f"/p/local_initiative/calls/{call_id}/documents").get_data(
        as_text=True)
    [row] = [tr for tr in listing.split("<tr>") if f"applications/{finalist_app}/award" in tr]
    assert "II place" in row and "Diploma (PDF)" in row and "96,000" in row
