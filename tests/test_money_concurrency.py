"""Two finance officers record transfers at the same moment on PostgreSQL: together they would
exceed the award, and exactly one is committed.

Run by .ci/run's second pass (GMS_TEST_DATABASE_URL, GMS_TEST_BROKER_URL); skipped elsewhere,
failed when CI is set without them. Each officer is a thread with its own app context, so its
own database connection and transaction.
"""

from __future__ import annotations

import threading
import time
from decimal import Decimal as D

import pytest
from sqlalchemy import func, select

from gms.extensions import db
from gms.models import User
from gms.money import transfers as money
from gms.money.models import Grant, Transfer
from gms.services.common import ServiceError

from .test_money_core import DAY, MONEY_TOY, funded, make_call, people, signed

pytestmark = [pytest.mark.services, pytest.mark.gms_plugins(),
              pytest.mark.gms_config(**MONEY_TOY)]


def _setup(app) -> tuple[int, int, int]:
    with app.test_request_context():
        assert db.engine.dialect.name == "postgresql"
        grant = signed(funded(make_call(), amount=D("100000")))
        # released beforehand: the release's audit entry would take the audit log's lock
        money.release_tranche(grant.tranches[0], people().finance)
        return grant.id, grant.tranches[0].id, people().finance.id


def _two_officers(app, grant_id: int, tranche_id: int, finance_id: int) -> dict[str, str]:
    """Both threads record 60,000 KGS on the same tranche, released by one barrier."""
    barrier = threading.Barrier(2, timeout=20)
    results: dict[str, str] = {}

    def officer(name: str) -> None:
        with app.app_context():
            try:
                finance = db.session.get(User, finance_id)
                grant = db.session.get(Grant, grant_id)
                barrier.wait()
                money.record_transfer(grant, tranche_id=tranche_id, value_date=DAY,
                                      amount_kgs=D("60000"), payment_order=f"PO-{name}",
                                      recipient_account="4402011100005821", actor=finance)
                results[name] = "committed"
            except ServiceError as exc:
                results[name] = exc.message
            except Exception as exc:  # noqa: BLE001 - reported by the assertion below
                results[name] = f"unexpected {exc!r}"
            finally:
                db.session.remove()

    threads = [threading.Thread(target=officer, args=(name,)) for name in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not any(t.is_alive() for t in threads), "an officer is still waiting"
    return results


def _committed(app, grant_id: int) -> tuple[D, int, D]:
    with app.app_context():
        total = db.session.scalar(select(func.sum(Transfer.amount_kgs)).where(
            Transfer.grant_id == grant_id))
        count = db.session.scalar(select(func.count()).select_from(Transfer).where(
            Transfer.grant_id == grant_id))
        return total, count, db.session.get(Grant, grant_id).transferred


def test_the_row_lock_serialises_two_officers_and_one_transfer_commits(app, monkeypatch):
    grant_id, tranche_id, finance_id = _setup(app)
    locked_at: list[float] = []
    lock = money.lock_grant

    def slow_lock(gid: int):
        grant = lock(gid)  # SELECT ... FOR UPDATE: the second officer waits here
        locked_at.append(time.monotonic())
        time.sleep(0.4)  # hold the lock while the other officer tries
        return grant

    monkeypatch.setattr(money, "lock_grant", slow_lock)
    results = _two_officers(app, grant_id, tranche_id, finance_id)
    assert list(results.values()).count("committed") == 1, results
    refused = next(v for v in results.values() if v != "committed")
    assert "too large" in refused or "exceed" in refused, refused
    assert locked_at[1] - locked_at[0] >= 0.35  # the second got the row after the first
    assert _committed(app, grant_id) == (D("60000.00"), 1, D("60000.00"))


def test_without_the_lock_the_check_constraint_still_refuses_the_overpayment(
        app, monkeypatch):
    """A code path that forgot the lock: both officers pass the checks on a stale total, and
    the database's CHECK on the running total refuses the second UPDATE."""
    grant_id, tranche_id, finance_id = _setup(app)
    both_checked = threading.Barrier(2, timeout=20)
    flush = money._flush_money

    def flush_together():
        both_checked.wait()  # each has checked against transferred = 0 before either writes
        flush()

    monkeypatch.setattr(money, "lock_grant",
                        lambda gid: db.session.get(Grant, gid, populate_existing=True))
    monkeypatch.setattr(money, "_flush_money", flush_together)
    results = _two_officers(app, grant_id, tranche_id, finance_id)
    assert list(results.values()).count("committed") == 1, results
    refused = next(v for v in results.values() if v != "committed")
    assert "database refused" in refused, refused
    assert _committed(app, grant_id) == (D("60000.00"), 1, D("60000.00"))
