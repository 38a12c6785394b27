"""The demo data of this plugin (with gms/demo/people.py's people): loads through the services, is
idempotent, its answers are valid answers of this plugin's form, round 1 waits for the
decision, round 2 is open and the 2018 round is finished with published results."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, inspect, select, text

from gms.evaluation.models import Assignment
from gms.extensions import db
from gms.models import Application, Competition, EligibilityCheck, User
from plugins.small_grants import evidence
from plugins.small_grants.demo import ROUND_1, ROUND_2, ROUND_2018
from plugins.small_grants.forms import SmallGrantsForm
from plugins.small_grants.tests.factories import formdata

# this plugin's demo alone: the other plugins' demos are theirs to test
pytestmark = pytest.mark.gms_plugins("small_grants")


def _counts() -> dict[str, int]:
    """Rows per table of this database (other plugins' models may be imported in the test
    process without their tables here)."""
    names = set(inspect(db.engine).get_table_names())
    return {t.name: db.session.scalar(select(func.count()).select_from(t))
            for t in db.metadata.sorted_tables if t.name in names}


def _call(title: str) -> Competition:
    return next(c for c in db.session.scalars(select(Competition))
                if c.title.get("en") == title)


@pytest.fixture
def demo(app_ctx):
    from gms import demo

    return demo, demo.load()


def test_demo_loads_once(demo):
    module, logins = demo
    assert {role for role, _email in logins} == {
        "applicant", "commission", "staff", "finance", "admin"}
    assert all(email.endswith("@demo.gms.kg") for _role, email in logins)
    before = _counts()
    assert module.load() == logins
    assert _counts() == before
    assert db.session.scalar(text("SELECT count(*) FROM audit_log")) == before["audit_log"]


def test_round_1_waits_for_the_decision(demo):
    from gms.evaluation import decisions, lifecycle, ranking

    statuses = {c.title["en"]: (c.type_key, c.status)
                for c in db.session.scalars(select(Competition))}
    assert statuses[ROUND_1] == ("small_grants", "evaluation")
    assert statuses[ROUND_2] == ("small_grants", "open")
    assert statuses[ROUND_2018] == ("small_grants", "published")

    call = _call(ROUND_1)
    assert set(call.oblasts) == {"Чуйская область", "Нарынская область", "Ошская область"}
    rows = ranking.ranking(call)
    assert len(rows) == 4 and all(r.reviews == 3 for r in rows)
    assert [r.score for r in rows] == sorted((r.score for r in rows), reverse=True)

    staff = db.session.scalar(select(User).where(User.role == "staff"))
    lifecycle.advance(call, "decide", now=call.deadline_at, actor_id=staff.id)
    outcomes = [a.outcome for a in decisions.awards_of(call)]
    assert outcomes == ["funded", "funded", "funded", "reserve"]
    assert db.session.scalar(select(func.count()).select_from(Assignment).where(
        Assignment.status != "submitted")) == 0


def test_the_only_warnings_are_the_ones_meant(demo):
    """Every blocking rule passed at submission; the one warning is round 1's priority chosen
    after the call opened, which staff accepted at screening with a reason."""
    failed = db.session.execute(select(EligibilityCheck.rule_code, EligibilityCheck.blocking,
                                       Application.title)
                                .join(Application).where(EligibilityCheck.passed.is_(False))
                                ).all()
    assert [(code, blocking) for code, blocking, _title in failed] == [
        ("small_grants.priority_date", False)]
    assert "Кызыл-Суу" in failed[0][2]
    codes = set(db.session.scalars(select(EligibilityCheck.rule_code)))
    assert {"small_grants.participation", "small_grants.tally", "small_grants.tally_rank",
            "small_grants.gender_balance", "small_grants.sessions",
            "small_grants.focus_group", "small_grants.timeline"} <= codes


def test_round_2018_is_published(demo):
    from gms.evaluation import decisions

    call = _call(ROUND_2018)
    assert set(call.oblasts) == {"Ошская область", "Нарынская область"}
    assert call.published_at is not None and call.published_at.year == 2018
    apps = db.session.scalars(select(Application).where(
        Application.competition_id == call.id).order_by(Application.id)).all()
    assert len(apps) == 5
    assert {a.organisation.oblast for a in apps} == {"Ошская область", "Нарынская область"}
    assert any("Узген" in a.organisation.name for a in apps)  # a town's mayor's office
    (out,) = [a for a in apps if a.status == "ineligible"]
    assert "делегированное" in out.screening_reason

    awards = decisions.awards_of(call)
    assert [a.outcome for a in awards] == ["funded", "funded", "reserve", "funded"]
    funded = [a.amount for a in awards if a.outcome == "funded"]
    assert sum(funded) <= call.budget and funded == [Decimal(1000000), Decimal(950000),
                                                     Decimal(600000)]
    assert awards[2].reason == "envelope"  # the cheaper fourth still fits
    statuses = sorted(a.status for a in apps)
    assert statuses == ["funded", "funded", "funded", "ineligible", "reserve"]


def test_round_2018_carries_the_whole_evidence(demo):
    call = _call(ROUND_2018)
    apps = {a.organisation.territory_code: a for a in db.session.scalars(
        select(Application).where(Application.competition_id == call.id))}
    answers = apps["41704235816000"].answers  # Kochkor aiyl aimak, ЖМБА
    votes = evidence.tally(answers)
    chosen = votes.find(answers["priority_problem"])
    assert (chosen.rank, chosen.votes) == (answers["priority_rank"], answers["priority_votes"])
    assert len(evidence.sessions(answers)) == 6 and evidence.focus_group(answers)
    assert evidence.action_plan(answers) and evidence.beneficiaries_by_village(answers)
    assert answers["council_resolution_number"] and answers["maintenance_responsible"]


def test_demo_answers_fill_the_form(demo):
    count = 0
    for application in db.session.scalars(select(Application)):
        if application.competition.type_key != "small_grants":
            continue
        form = SmallGrantsForm(formdata=formdata(application.answers))
        assert form.validate(), (application.title, form.errors)
        assert form.answers() == application.answers
        count += 1
    assert count == 4 + 1 + 5


@pytest.mark.gms_plugins("small_grants")
def test_demo_loads_from_the_command_line(app):
    """``gms demo`` loads inside an app context only (no request): publishing the 2018
    results still stores a result letter for each of its five applicants."""
    from gms import demo
    from gms.models import Attachment

    with app.app_context():
        demo.load()
        call = _call(ROUND_2018)
        assert call.status == "published"
        letters = db.session.scalars(select(Attachment).join(Application).where(
            Application.competition_id == call.id, Attachment.kind == "result_letter")).all()
        assert len(letters) == 5
