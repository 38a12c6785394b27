"""Tamper-evident records (issue 16, item 1): every audited change records the digest of the
rows it wrote, and ``gms audit verify`` names each row changed, added or removed outside the
application, and each derived total that disagrees with its sources."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from sqlalchemy import func, select, text

from gms.evaluation import scoring
from gms.evaluation.models import Assignment, Score
from gms.extensions import db
from gms.models import Application, AuditEntry, Competition, IntegrityCheck, OutboxMessage
from gms.money.models import Transfer
from gms.services import tamper_check

from .helpers import declared, toy_round
from .test_money_core import MONEY_TOY, funded, make_call, pay, signed

pytestmark = [pytest.mark.gms_plugins(), pytest.mark.gms_config(**MONEY_TOY)]


def scored_round(now) -> dict:
    """The toy round of tests/test_audit.py, its sheets submitted, and a paid grant."""
    ids = toy_round(now=now)
    for app_id in ids["apps_a"] + ids["apps_b"]:
        sheet = db.session.scalar(select(Assignment).where(Assignment.application_id == app_id))
        scoring.save_review(declared(sheet, now), {"impact": D("7.5"), "cost": 4}, {}, "",
                               submit=True, now=now)
    grant = signed(funded(make_call()))
    pay(grant, "10000")
    ids["grant"] = grant.id
    ids["transfer"] = db.session.scalar(select(func.max(Transfer.id)))
    ids["score"] = db.session.scalar(select(func.min(Score.id)))
    return ids


def verify(runner, *extra: str) -> tuple[int, str]:
    result = runner.invoke(args=["audit", "verify", *extra])
    return result.exit_code, result.output


def raw(sql: str, **params) -> None:
    """What someone with the database's password does, bypassing the application."""
    conn = db.session.connection()
    if conn.dialect.name == "sqlite":  # the money records' own triggers, as the owner would
        conn.execute(text("DROP TRIGGER IF EXISTS transfers_no_update"))
        conn.execute(text("DROP TRIGGER IF EXISTS transfers_no_delete"))
    else:
        conn.execute(text("SET LOCAL session_replication_role = replica"))
    db.session.execute(text(sql), params)
    db.session.commit()


def test_a_normal_run_verifies_clean_and_is_stored(app, runner, clock):
    with app.app_context():
        scored_round(clock())
        entries = db.session.scalars(select(AuditEntry).where(
            AuditEntry.action == "review.submitted")).all()
        sheet = entries[0]
        assert [i["t"] for i in sheet.digests] == ["assignments"]
        assert {"score:impact", "score:cost", "total"} <= set(sheet.digests[0]["c"])
    code, output = verify(runner, "--store")
    assert code == 0, output
    assert "0 finding(s)" in output and "not covered" not in output
    assert "audit log intact" in output
    with app.app_context():
        last = tamper_check.latest()
        assert last.findings == 0 and last.rows_checked > 5


def test_a_score_changed_directly_is_named_with_its_column_and_entry(app, runner, clock):
    """The issue's reproduction: ``UPDATE scores SET value=25`` on one row."""
    with app.app_context():
        ids = scored_round(clock())
        sheet_id = db.session.scalar(select(Score.assignment_id).where(Score.id == ids["score"]))
        criterion = db.session.scalar(select(Score.criterion_key).where(
            Score.id == ids["score"]))
        entry = db.session.scalar(select(func.max(AuditEntry.id)).where(
            AuditEntry.action == "review.submitted", AuditEntry.object_id == sheet_id))
        raw("UPDATE scores SET value = 25 WHERE id = :id", id=ids["score"])
    code, output = verify(runner)
    assert code == 1
    assert (f"assignments {sheet_id}: changed outside the application (columns: "
            f"score:{criterion}); last described by audit entry {entry} (review.submitted)"
            in output)
    # the review total behind the ranking was not touched: only the sheet is named
    assert "review_totals" not in output


def test_a_row_inserted_directly_is_named(app, runner, clock):
    with app.app_context():
        ids = scored_round(clock())
        raw("INSERT INTO transfers (id, grant_id, kind, value_date, amount_kgs, amount, "
            "payment_order, recipient_account, recorded_by_id, recorded_at) "
            "SELECT 9001, grant_id, kind, value_date, amount_kgs, amount, 'PO-X', "
            "recipient_account, recorded_by_id, recorded_at FROM transfers WHERE id = :id",
            id=ids["transfer"])
    code, output = verify(runner)
    assert code == 1
    assert "transfers 9001: added outside the application" in output
    # the grant's running total no longer matches its transfers either
    assert (f"grants {ids['grant']}: does not agree with its sources (columns: transferred, "
            "transferred_kgs) (transferred 10000.00 but the transfers give 20000.00" in output)


def test_a_row_deleted_directly_is_named(app, runner, clock):
    with app.app_context():
        ids = scored_round(clock())
        raw("DELETE FROM scores WHERE id = :id", id=ids["score"])
        raw("DELETE FROM transfers WHERE id = :id", id=ids["transfer"])
    code, output = verify(runner)
    assert code == 1
    assert f"transfers {ids['transfer']}: removed outside the application" in output
    assert "(transfer.recorded)" in output


def test_a_review_total_edited_is_named(app, runner, clock):
    with app.app_context():
        ids = scored_round(clock())
        app_id = ids["apps_a"][0]
        raw("UPDATE review_totals SET total_sum = 99 WHERE application_id = :id", id=app_id)
    code, output = verify(runner)
    assert code == 1
    assert (f"review_totals {app_id}: does not agree with its sources (columns: total_sum)"
            in output)


def test_a_grant_running_total_edited_is_named(app, runner, clock):
    with app.app_context():
        ids = scored_round(clock())
        raw("UPDATE grants SET transferred = 1, transferred_kgs = 1 WHERE id = :id",
            id=ids["grant"])
    code, output = verify(runner)
    assert code == 1
    assert (f"grants {ids['grant']}: does not agree with its sources (columns: transferred, "
            "transferred_kgs) (transferred 1.00 but the transfers give 10000.00" in output)


def test_a_call_setting_changed_directly_is_named(app, runner, clock):
    with app.app_context():
        ids = scored_round(clock())
        raw("UPDATE competitions SET budget = 5 WHERE id = :id", id=ids["call"])
    code, output = verify(runner)
    assert code == 1 and f"competitions {ids['call']}: changed" in output
    assert "(columns: budget)" in output


def test_rows_from_before_the_digests_are_not_covered_until_a_baseline(app, runner, clock):
    """Rows written before this feature (simulated: their entries' digests are not there)
    are counted, not reported; ``gms audit baseline`` covers them, and from then on a row
    without a digest is a finding."""
    from gms.services import audit

    with app.app_context():
        # an old row: written as a bulk load is, with no digest taken
        db.session.info[audit.BULK_LOAD] = True
        db.session.add(Competition(type_key="toy", status="draft", title={"en": "Old call"},
                                   budget=D(1000), opens_at=clock(), deadline_at=clock()))
        db.session.commit()
        db.session.info.pop(audit.BULK_LOAD)
        assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 0
    code, output = verify(runner)
    assert code == 0, output
    assert "1 not covered" in output and "competitions 1" in output
    assert runner.invoke(args=["audit", "baseline"]).exit_code == 0
    code, output = verify(runner)
    assert code == 0 and "not covered" not in output
    with app.app_context():
        raw("INSERT INTO competitions (id, type_key, status, title, description, oblasts, "
            "opens_at, deadline_at, budget, settings, created_at) SELECT 77, type_key, "
            "status, title, description, oblasts, opens_at, deadline_at, budget, settings, "
            "created_at FROM competitions WHERE id = 1")
    code, output = verify(runner)
    assert code == 1 and "competitions 77: added outside the application" in output


def test_the_nightly_task_mails_the_auditor_on_a_finding(app, clock):
    from gms.tasks import tamper_check as task

    app.config["AUDIT_REPORT_EMAIL"] = "auditor@example.org"
    with app.app_context():
        assert "gms.tamper_check" in app.extensions["celery"].conf.beat_schedule
        ids = scored_round(clock())
        task()
        assert not db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.recipient == "auditor@example.org"))
        raw("UPDATE scores SET value = 25 WHERE id = :id", id=ids["score"])
        task()
        mail = db.session.scalar(select(OutboxMessage).where(
            OutboxMessage.recipient == "auditor@example.org"))
        assert mail is not None and "1 finding" in mail.subject
        assert "changed outside the application" in mail.body
        last = tamper_check.latest()
        assert last.findings == 1 and "score:" in last.summary[0]
        assert db.session.scalar(select(func.count()).select_from(IntegrityCheck)) == 2


def test_staff_see_the_last_check_on_the_audit_log_page(app, client, runner, clock):
    from gms.testing import login

    with app.app_context():
        ids = scored_round(clock())
        raw("UPDATE scores SET value = 25 WHERE id = :id", id=ids["score"])
    verify(runner, "--store")
    with app.app_context():
        from gms.models import User

        staff = db.session.get(User, ids["staff"])
    login(client, staff, via="session")
    page = client.get("/staff/audit").get_data(as_text=True)
    assert "Last tamper check" in page and "1 finding" in page
    assert "changed outside the application" in page


def test_an_unaudited_write_of_a_record_is_on_record_all_the_same(app, runner, clock):
    """A service that forgets to audit does not make the check cry wolf: the write gets an
    entry of its own (and so shows in the log)."""
    with app.app_context():
        make_call()
        entry = db.session.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()))
        assert entry.action == "records.written" and entry.object_type == "competitions"
    code, output = verify(runner)
    assert code == 0, output


@pytest.mark.services
def test_postgresql_score_update_and_deleted_sheet_are_named(app, runner, clock):
    with app.app_context():
        assert db.engine.dialect.name == "postgresql"
        ids = scored_round(clock())
        sheet_id = db.session.scalar(select(Score.assignment_id).where(Score.id == ids["score"]))
        raw("UPDATE scores SET value = 25 WHERE id = :id", id=ids["score"])
        other = db.session.scalar(select(Assignment.id).where(
            Assignment.id != sheet_id, Assignment.application_id.in_(
                select(Application.id))))
        raw("DELETE FROM scores WHERE assignment_id = :id", id=other)
        raw("DELETE FROM assignments WHERE id = :id", id=other)
    code, output = verify(runner)
    assert code == 1
    assert f"assignments {sheet_id}: changed outside the application (columns: score:" in output
    assert f"assignments {other}: removed outside the application" in output
    # the deleted sheet leaves its application's review totals out of step
    assert "review_totals" in output


def test_the_digests_cost_a_sheet_submission_two_queries(app, clock, query_counter):
    """The sheet and its scores are read back once each, at commit: no query per row."""
    with app.app_context():
        ids = toy_round(now=clock())
        sheet = db.session.scalar(select(Assignment).where(
            Assignment.application_id == ids["apps_a"][0]))
        declared(sheet, clock())
        with query_counter() as q:
            scoring.save_review(sheet, {"impact": D("7.5"), "cost": 4}, {}, "",
                                   submit=True, now=clock())
        reads = [s for s in q.statements if s.lstrip().startswith("SELECT")
                 and ("FROM assignments \nWHERE assignments.id IN" in s
                      or "FROM scores \nWHERE scores.assignment_id IN" in s)]
        assert len(reads) == 2, reads
