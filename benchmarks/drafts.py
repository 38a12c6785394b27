"""Applicants with complete drafts, ready to submit, for the load tests.

The call is the programme's «Local initiative» contest (``local_initiative``, default
settings: no nominations, no required document), the simplest type to enter; the answers are
the plugin's demo entry, which passes the form's validation and every blocking rule. Rows are
bulk inserted with SQLAlchemy Core; the call itself is created and opened through the services
(so its sheet and rules are frozen as in production).
"""

from __future__ import annotations

import copy
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, insert, select

from .common import PASSWORD

CALL_TYPE = "local_initiative"

#: the smallest valid PDF the upload check accepts (it sniffs ``%PDF-``)
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
       b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
       b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
       b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n"
       b"0000000101 00000 n \ntrailer<</Size 4/Root 1 0 R>>\nstartxref\n170\n%%EOF\n")


def entry_answers(started, n: int) -> dict:
    """A complete contest entry (the plugin's demo answers) with a title of its own."""
    from plugins.local_initiative.demo import _entry_kindergarten

    answers = copy.deepcopy(_entry_kindergarten(started))
    answers["title"] = f"{answers['title']} №{n}"
    answers["applicant_role"] = "ngo"  # the bench's applicants are NGOs
    answers["applicant_details"] = "ОО «Айгөлек», төрагасы Абдыкалыкова Гүлзада"
    return answers


def open_call(title: str, opens_at: datetime, deadline_at: datetime, staff_id: int | None):
    """A «Local initiative» contest call, created and opened through the services."""
    from gms.evaluation import lifecycle
    from gms.services import calls

    call = calls.create_call(CALL_TYPE, {
        "title": {"ky": title, "ru": title, "en": title}, "description": {"en": title},
        "oblasts": [], "opens_at": opens_at, "deadline_at": deadline_at,
        "budget": Decimal(1_000_000), "max_awards": None, "max_grant": None, "settings": {}},
        staff_id)
    lifecycle.advance(call, "open", now=opens_at, actor_id=staff_id)
    return call


def password_hash() -> str:
    from gms.services.accounts import hash_password

    return hash_password(PASSWORD)


def applicants(prefix: str, n: int, now: datetime) -> list[tuple[int, int, str]]:
    """``n`` NGOs with one applicant each (locale en); ``(user id, organisation id, e-mail)``."""
    from gms.extensions import db
    from gms.models import Organisation, User

    start_org = (db.session.scalar(select(func.max(Organisation.id))) or 0) + 1
    start_user = (db.session.scalar(select(func.max(User.id))) or 0) + 1
    digest = password_hash()
    orgs = [{"id": start_org + i, "kind": "ngo", "name": f"ОО «{prefix} {i + 1}»",
             "oblast": "Чуйская область", "created_at": now} for i in range(n)]
    users = [{"id": start_user + i, "email": f"{prefix}-{i + 1}@bench.gms.kg",
              "name": f"{prefix} applicant {i + 1}", "password_hash": digest,
              "role": "applicant", "organisation_id": start_org + i, "locale": "en",
              "active": True, "created_at": now} for i in range(n)]
    db.session.execute(insert(Organisation), orgs)
    db.session.execute(insert(User), users)
    return [(u["id"], u["organisation_id"], u["email"]) for u in users]


def drafts(call, people: list[tuple[int, int, str]], per_person: int, now: datetime
           ) -> dict[int, list[int]]:
    """``per_person`` complete drafts of each person's organisation; user id → draft ids."""
    from gms.extensions import db
    from gms.models import Application

    start = (db.session.scalar(select(func.max(Application.id))) or 0) + 1
    started = (now - timedelta(days=200)).date()
    rows, out, n = [], {}, 0
    for user_id, org_id, _email in people:
        for _ in range(per_person):
            answers = entry_answers(started, start + n)
            rows.append({"id": start + n, "competition_id": call.id, "organisation_id": org_id,
                         "status": "draft", "title": answers["title"], "answers": answers,
                         "language": "en", "requested_amount": Decimal(0),
                         "created_by_id": user_id, "created_at": now, "updated_at": now})
            out.setdefault(user_id, []).append(start + n)
            n += 1
    for i in range(0, len(rows), 2000):
        db.session.execute(insert(Application), rows[i:i + 2000])
    return out
