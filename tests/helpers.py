"""Small helpers shared by the core's HTTP tests."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from gms.extensions import db
from gms.models import Organisation, Territory, User
from gms.services.accounts import hash_password

PASSWORD = "correct horse battery"
_HASH: dict[str, str] = {}


def make_org(kind="municipality", soate="41708203814000", name=None) -> Organisation:
    """An organisation; municipalities take name and oblast from the reference list."""
    t = db.session.get(Territory, soate) if soate else None
    assert soate is None or t is not None, soate
    org = Organisation(kind=kind, name=name or (t.display_name if t else "Org"),
                       territory_code=t.soate_code if t else None,
                       oblast=t.oblast if t else None)
    db.session.add(org)
    db.session.commit()
    return org


def make_user(role: str, email: str, org: Organisation | None = None,
              locale: str = "en") -> User:
    if PASSWORD not in _HASH:
        _HASH[PASSWORD] = hash_password(PASSWORD)
    user = User(email=email, name=email.split("@")[0].title(), role=role,
                password_hash=_HASH[PASSWORD], organisation=org, locale=locale)
    db.session.add(user)
    db.session.commit()
    return user


def login(client, email: str):
    client.post("/logout")
    r = client.post("/login", data={"email": email, "password": PASSWORD})
    assert r.status_code == 302, r.get_data(as_text=True)[:500]
    return r


def local(dt) -> str:
    """A UTC instant as the datetime-local value staff type (Bishkek is UTC+6)."""
    return (dt + timedelta(hours=6)).strftime("%Y-%m-%dT%H:%M")


def call_form(type_key: str, opens, deadline, **extra) -> dict:
    data = {"title_en": f"{type_key} call", "title_ru": "Конкурс", "title_ky": "Конкурс",
            "description_en": "About", "opens_at": local(opens), "deadline_at": local(deadline),
            "budget": "1000000", "oblasts": ["Чуйская область"]}
    data.update(extra)
    return data


def created_id(response, pattern: str) -> int:
    m = re.search(pattern, response.headers["Location"])
    assert m, response.headers["Location"]
    return int(m.group(1))


def user_id(email: str) -> int:
    return db.session.scalar(select(User.id).where(User.email == email))


def declared(assignment, now):
    """The assignment, once its member has declared no conflict of interest on the
    application (what the score page asks first, and what scoring needs); a declaration
    already made is left as it is."""
    from gms.evaluation import declarations

    if declarations.declaration(assignment.application, assignment.reviewer_id) is None:
        declarations.declare(assignment, conflict=False, reason="", now=now)
    return assignment


def toy_round(n_per_org: int = 1, status: str = "evaluation", now=None) -> dict:
    """A toy call with submitted applications from two organisations, built through services.

    Returns ids: call, staff, applicants a and b, member m1 (assigned to everything) and
    m2 (assigned to nothing), applications of a and of b.
    """
    from datetime import UTC, datetime

    from gms.evaluation import assignment as assignment_service
    from gms.evaluation import lifecycle
    from gms.models import Competition
    from gms.services import applications as apps
    from gms.services import calls
    from gms.services.territories import load_reference

    now = now or datetime.now(UTC)
    load_reference()
    org_a, org_b = make_org(soate="41708203814000"), make_org(soate="41708203805000")
    staff = make_user("staff", "staff@x.kg")
    ua, ub = make_user("applicant", "a@x.kg", org_a), make_user("applicant", "b@x.kg", org_b)
    m1, m2 = make_user("commission", "m1@x.kg"), make_user("commission", "m2@x.kg")
    call = calls.create_call("toy", {
        "title": {"en": "Toy call"}, "description": {}, "oblasts": ["Чуйская область"],
        "opens_at": now - timedelta(hours=1), "deadline_at": now + timedelta(hours=1),
        "budget": 1000000, "max_awards": None, "max_grant": None, "settings": {}})
    lifecycle.advance(call, "open", now=now, actor_id=staff.id)
    ids = {"call": call.id, "staff": staff.id, "a": ua.id, "b": ub.id, "m1": m1.id,
           "m2": m2.id, "apps_a": [], "apps_b": []}
    for user, key in ((ua, "apps_a"), (ub, "apps_b")):
        for i in range(n_per_org):
            application = apps.start_application(call, user, now)
            apps.submit(application, {"title": f"{key} {i}", "requested_amount": "1000",
                                      "summary": "long enough summary"}, user, now)
            ids[key].append(application.id)
    if status == "open":
        return ids
    after = now + timedelta(hours=2)
    calls.close_due_calls(after)
    lifecycle.advance(call, "start_screening", now=after, actor_id=staff.id)
    from gms.models import Application

    for app_id in ids["apps_a"] + ids["apps_b"]:
        apps.screen(db.session.get(Application, app_id), eligible=True, reason="",
                    staff=staff, now=after)
    lifecycle.advance(db.session.get(Competition, call.id), "start_evaluation", now=after,
                  actor_id=staff.id)
    for app_id in ids["apps_a"] + ids["apps_b"]:
        assignment_service.assign(db.session.get(Application, app_id), [m1.id], staff)
    return ids
