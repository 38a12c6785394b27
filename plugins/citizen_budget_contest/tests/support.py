"""Shared set-up of the contest's HTTP tests: municipalities, people, a call, applying."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from gms.testing import factories
from gms.testing.factories import PDF
from plugins.citizen_budget_contest.tests.factories import SETTINGS, formdata

NOW = datetime(2026, 8, 25, 4, 0, tzinfo=UTC)  # 10:00 in Bishkek, inside the call
OBLASTS = ["Чуйская область", "Нарынская область", "Ошская область"]
# real units of the SOATE 2021 list: Chui (Kemin rayon), Naryn (At-Bashy), Osh (Kara-Suu)
BOROLDOI, AK_TAL, KYZYL_SUU = "41708213808000", "41704220808000", "41706226822000"
SCORES = {"budget_information": 26, "accessibility": 25, "participation": 35}


def make_round(app, clock, make_user, codes=(BOROLDOI, AK_TAL, KYZYL_SUU), members=3,
               settings=None) -> dict:
    """An open contest call (budget 2027, hearings 15 June – 20 August 2026), one applicant
    per municipality, staff and commission members."""
    clock.set(NOW)
    with app.app_context():
        orgs = [factories.make_municipality(code) for code in codes]
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
        people["call"] = factories.make_call(
            "citizen_budget_contest", now=NOW, actor_id=people["staff"].id,
            settings={**SETTINGS, **(settings or {})},
            title={"en": "Citizen budget contest 2027", "ru": "Конкурс 2027"},
            description={"en": "Hearings on the 2027 budget."}, oblasts=OBLASTS,
            opens_at=NOW - timedelta(days=24), budget=Decimal(400000))
    return people


def apply(client, call_id: int, answers=None, documents=("hearing_minutes",),
          filename="{kind}.pdf", submit=True, data: bytes | dict[str, bytes] = PDF):
    """:func:`gms.testing.factories.apply` with the contest's answers (default: complete)
    and its hearing minutes; ``data`` is the file uploaded for each document (or, by kind,
    for some of them)."""
    return factories.apply(client, call_id, formdata(answers), documents=documents,
                           files=data, filename=filename, submit=submit)
