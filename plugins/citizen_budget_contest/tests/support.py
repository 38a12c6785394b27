"""Shared set-up of the contest's HTTP tests: municipalities, people, a call, applying."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from gms.extensions import db
from gms.models import Organisation, Territory
from plugins.citizen_budget_contest.tests.factories import SETTINGS, formdata

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
NOW = datetime(2026, 8, 25, 4, 0, tzinfo=UTC)  # 10:00 in Bishkek, inside the call
OBLASTS = ["Чуйская область", "Нарынская область", "Ошская область"]
# real units of the SOATE 2021 list: Chui (Kemin rayon), Naryn (At-Bashy), Osh (Kara-Suu)
BOROLDOI, AK_TAL, KYZYL_SUU = "41708213808000", "41704220808000", "41706226822000"
SCORES = {"budget_information": 26, "accessibility": 25, "participation": 35}


def municipality(code: str) -> Organisation:
    t = db.session.get(Territory, code)
    org = Organisation(kind="municipality", name=t.display_name, territory_code=code,
                       oblast=t.oblast)
    db.session.add(org)
    db.session.commit()
    return org


def make_round(app, clock, make_user, codes=(BOROLDOI, AK_TAL, KYZYL_SUU), members=3,
               settings=None) -> dict:
    """An open contest call (budget 2027, hearings 15 June – 20 August 2026), one applicant
    per municipality, staff and commission members."""
    from gms.services import calls

    clock.set(NOW)
    with app.app_context():
        orgs = [municipality(code) for code in codes]
        names = {code: (o.name, o.territory.rayon, o.id) for code, o in zip(codes, orgs,
                                                                            strict=True)}
    people = {
        "staff": make_user("staff", locale="en"),
        "applicants": {code: make_user("applicant", names[code][2], locale="en")
                       for code in codes},
        "members": [make_user("commission", locale="en") for _i in range(members)],
        "names": names,
    }
    with app.app_context():
        call = calls.create_call("citizen_budget_contest", {
            "title": {"en": "Citizen budget contest 2027", "ru": "Конкурс 2027"},
            "description": {"en": "Hearings on the 2027 budget."}, "oblasts": OBLASTS,
            "opens_at": NOW - timedelta(days=24), "deadline_at": NOW + timedelta(days=21),
            "budget": Decimal(400000), "max_awards": None, "max_grant": None,
            "settings": {**SETTINGS, **(settings or {})}})
        calls.advance(call, "open", now=NOW - timedelta(days=24),
                      actor_id=people["staff"].id)
        people["call"] = call.id
    return people


def created(response, pattern: str) -> int:
    m = re.search(pattern, response.headers["Location"])
    assert m, response.headers["Location"]
    return int(m.group(1))


def apply(client, call_id: int, answers=None, documents=("hearing_minutes",),
          filename="{kind}.pdf", submit=True, data: bytes | dict[str, bytes] = PDF):
    """Start, fill in, upload and (optionally) submit an application through HTTP; ``data``
    is the file uploaded for each document (or, by kind, for some of them)."""
    r = client.post(f"/calls/{call_id}/apply")
    app_id = created(r, r"/applications/(\d+)")
    page = client.get(f"/applications/{app_id}")
    assert page.status_code == 200
    files = data
    data = formdata(answers)
    data["action"] = "save"
    assert client.post(f"/applications/{app_id}", data=data).status_code == 302
    for kind in documents:
        content = files.get(kind, PDF) if isinstance(files, dict) else files
        r = client.post(f"/applications/{app_id}/documents",
                        data={"kind": kind,
                              "file": (io.BytesIO(content), filename.format(kind=kind))},
                        content_type="multipart/form-data")
        assert r.status_code == 302
    if not submit:
        return app_id, None
    data["action"] = "submit"
    return app_id, client.post(f"/applications/{app_id}", data=data)


def score(client, assignment_id: int, form: dict):
    """A member declares no conflict of interest (when not done yet), then submits the score
    sheet."""
    if 'name="conflict"' in client.get(f"/review/{assignment_id}").get_data(as_text=True):
        client.post(f"/review/{assignment_id}/declare", data={"conflict": "no"})
    return client.post(f"/review/{assignment_id}", data={**form, "action": "submit"})


def advance(client, call_id: int, action: str) -> None:
    r = client.post(f"/staff/calls/{call_id}/advance", data={"action": action},
                    follow_redirects=True)
    page = r.get_data(as_text=True)
    errors = re.findall(r'<div class="flash error"[^>]*>(.*?)</div>', page, re.S)
    assert r.status_code == 200 and not errors, (action, errors)
