"""THE anonymity test of the contest (issue 3): no page or export available to a commission
member shows an applicant's name before publication.

As a commission member, every GET route of the app (``app.url_map``: core pages, public pages,
every enabled plugin's blueprint, CSV and PDF exports) is requested with realistic ids — the
call, the applications, their documents, the member's assignments — and no response, body or
header (``Content-Disposition``, ``Location``), may contain the municipality's name, its rayon
or any form of them, although the applicants wrote them everywhere: in the title, the hearing
venues, the free text and the file names. After publication the names are shown.

Files included (issue 16): the applicants' uploads name them in their text layer too; staff
supplied an anonymised copy of the minutes (approved), uploaded one of the participant lists
without approving it, and left the photos waiting. Every downloaded file's text is searched
as well, and the member gets only the approved copy.
"""

from __future__ import annotations

import io
import itertools
import re
from urllib.parse import urlsplit

import pytest
from flask import url_for
from sqlalchemy import select

from gms.evaluation.models import Assignment
from gms.extensions import db
from gms.models import Attachment
from gms.services.identity_search import pages_of
from gms.testing.factories import advance, score
from plugins.citizen_budget_contest.tests.factories import with_hearings
from plugins.citizen_budget_contest.tests.support import AK_TAL, BOROLDOI, SCORES, apply, make_round

# the default plugins: the four in-repo competitions, with all their pages

# every form in which each municipality might be named (its name, unit, rayon, stems)
FORBIDDEN = {
    BOROLDOI: ("Боролдойский айылный аймак", "Кеминский район", "Боролдой", "Боролдо",
               "Кемин", "Boroldo", "Kemin"),
    AK_TAL: ("Ак-Талинский айылный аймак", "Ат-Башынский район", "Ак-Тал", "Ат-Баш",
             "Ak-Tal", "At-Bash"),
}
PLACES = {
    BOROLDOI: {"title": "Бюджетные слушания Боролдойского АО",
               "place": "Дом культуры с. Боролдой, Кеминский район",
               "how": "Сайт boroldoi.kg, WhatsApp-группа «Боролдой жаштары»",
               "text": "В Боролдое и в сёлах Кемин района жители предложили ремонт дорог.",
               "file": "Протокол слушаний — Боролдойский АО.pdf"},
    AK_TAL: {"title": "Ак-Тал айыл өкмөтүнүн ачык бюджети",
             "place": "Ак-Тал айылынын маданият үйү",
             "how": "Ат-Башы району гезити, Ak-Tal Facebook",
             "text": "Ак-Талдын тургундары суу түтүгүн сунушташты (Ат-Башы району).",
             "file": "Ак-Тал протокол.pdf"},
}


def text_pdf(*lines: str) -> bytes:
    """A PDF whose text layer holds ``lines`` (DejaVu: Cyrillic too)."""
    from fpdf import FPDF

    from gms.documents import FONTS

    doc = FPDF()
    doc.add_font("DejaVu", fname=str(FONTS / "DejaVuSans.ttf"))
    doc.add_page()
    doc.set_font("DejaVu", size=11)
    for line in lines:
        doc.multi_cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(doc.output())


#: the anonymised copy staff supply of each application's minutes
CLEAN_MINUTES = text_pdf("Протокол публичных слушаний по проекту бюджета.",
                         "Место: Дом культуры [...]. Присутствовали 124 жителя.")


def _originals(words: dict) -> dict[str, bytes]:
    """The applicant's uploads: every one names the municipality in its text."""
    return {kind: text_pdf(f"{kind}: {words['title']}", words["place"], words["text"])
            for kind in ("hearing_minutes", "participant_lists", "hearing_photos")}


def _anonymise(client, apps: dict) -> list[int]:
    """Staff: an approved anonymised copy of the minutes, an unapproved one of the
    participant lists, nothing for the photos. Returns the attachments members may get."""
    approved = []
    with client.application.app_context():
        documents = list(db.session.scalars(select(Attachment).where(
            Attachment.application_id.in_(list(apps.values())))))
    for att in documents:
        if att.kind in ("hearing_minutes", "participant_lists"):
            r = client.post(f"/staff/documents/{att.id}/anonymised-copy",
                            data={"file": (io.BytesIO(CLEAN_MINUTES), "copy.pdf")},
                            content_type="multipart/form-data")
            assert r.status_code == 302
        if att.kind == "hearing_minutes":
            r = client.post(f"/staff/documents/{att.id}/anonymised-copy/approve", data={},
                            follow_redirects=True)
            assert "commission members now see" in r.get_data(as_text=True)
            approved.append(att.id)
    return approved


@pytest.fixture
def setting(app, client, login, clock, make_user, territories):
    """Two municipalities applied, naming themselves everywhere; the call is in evaluation.
    The member chairs the commission (so also gets the consensus pages), is assigned to both
    applications and has scored one; another member scored it far lower, so the scores
    diverge and wait for the chair's consensus."""
    people = make_round(app, clock, make_user, codes=(BOROLDOI, AK_TAL), members=2)
    call_id = people["call"]
    apps = {}
    for code, words in PLACES.items():
        login(client, people["applicants"][code])
        answers = with_hearings(
            {"place": words["place"], "announced_how": words["how"]},
            {"place": words["place"], "announced_how": words["how"], "held_on": "2026-08-01",
             "announced_on": "2026-07-20"},
            title=words["title"], questions_summary=words["text"], adopted_summary=words["text"],
            budget_publication=words["text"], changes=words["text"],
            prize_use_description=words["text"])
        app_id, r = apply(client, call_id, answers,
                          documents=("hearing_minutes", "participant_lists", "hearing_photos"),
                          filename=words["file"].replace(".pdf", " {kind}.pdf"),
                          data=_originals(words))
        assert r.status_code == 302, r.get_data(as_text=True)
        apps[code] = app_id

    clock.advance(days=22)
    with app.app_context():
        from gms.services.calls import close_due_calls

        close_due_calls(clock.now)
    login(client, people["staff"])
    advance(client, call_id, "start_screening")
    for app_id in apps.values():
        client.post(f"/staff/applications/{app_id}/screen", data={"decision": "eligible"})
    advance(client, call_id, "start_evaluation")
    member, other = people["members"]
    for user, role in ((member, "chair"), (other, "member")):
        client.post(f"/staff/calls/{call_id}/commission/member",
                    data={"user_id": str(user.id), "role": role})
    client.post(f"/staff/calls/{call_id}/commission/settings", data={"divergence_limit": "10"})
    approved = _anonymise(client, apps)
    for app_id in apps.values():
        client.post(f"/staff/applications/{app_id}/assign", data={"reviewers": [str(member.id)]})
    client.post(f"/staff/applications/{apps[BOROLDOI]}/assign",
                data={"reviewers": [str(other.id)]})
    with app.app_context():
        assignments = {(a.reviewer_id, a.application_id): a.id
                       for a in db.session.scalars(select(Assignment))}
    login(client, other)
    r = score(client, assignments[(other.id, apps[BOROLDOI])],
              {**{f"score-{k}": str(v - 10) for k, v in SCORES.items()},
               "comment": "Слушания проведены формально"})
    assert r.status_code == 302
    # the member scores Boroldoi (and so sees the other member's scores); Ak-Tal is declared
    # on but not scored yet
    login(client, member)
    r = score(client, assignments[(member.id, apps[BOROLDOI])],
              {f"score-{k}": str(v) for k, v in SCORES.items()})
    assert r.status_code == 302
    client.post(f"/review/{assignments[(member.id, apps[AK_TAL])]}/declare",
                data={"conflict": "no"})
    with app.app_context():
        attachments = list(db.session.scalars(select(Attachment.id)))
    return {**people, "apps": apps, "assignments": assignments, "attachments": attachments,
            "member": member, "approved": approved}


def _decide(client, login, setting) -> None:
    """The member scores Ak-Tal and, as chair, proposes the consensus, which the other member
    confirms; staff decide."""
    member, apps = setting["member"], setting["apps"]
    login(client, member)
    r = score(client, setting["assignments"][(member.id, apps[AK_TAL])],
              {f"score-{k}": str(v - 5) for k, v in SCORES.items()})
    assert r.status_code == 302
    r = client.post(f"/review/consensus/{apps[BOROLDOI]}",
                    data={"score": "70", "text": "Слушания проведены в срок, протокол есть."})
    assert r.status_code == 302, r.get_data(as_text=True)
    login(client, setting["members"][1])
    r = client.post(f"/review/consensus/{apps[BOROLDOI]}/confirm", data={"score": "70"})
    assert r.status_code == 302, r.get_data(as_text=True)
    login(client, setting["staff"])
    advance(client, setting["call"], "decide")


def _values(app, setting) -> dict:
    """Realistic values for every URL argument a route may take."""
    call_id = setting["call"]
    apps = list(setting["apps"].values())
    mine = [a for (r, _app), a in setting["assignments"].items()
            if r == setting["member"].id]
    ctype = app.extensions["gms.registry"]["citizen_budget_contest"]
    from gms.models import Competition
    from gms.services.common import competition_info

    with app.app_context():
        reports = [r.key for r in ctype.reports(competition_info(
            db.session.get(Competition, call_id)))]
    every_id = sorted({call_id, *apps, *mine, *setting["attachments"]})
    return {
        "call_id": [call_id], "competition_id": [call_id], "application_id": apps,
        "attachment_id": setting["attachments"], "assignment_id": mine,
        "code": list(app.config["LANGUAGES"]), "key": reports,
        "type_key": [t.key for t in app.extensions["gms.registry"]],
        "int": every_id, "str": ["x", "citizen_budget_contest", *reports],
    }


def _member_urls(app, setting) -> list[tuple[str, str]]:
    """``(endpoint, url)`` of every GET route, with each combination of realistic values,
    plain and as a CSV export."""
    values = _values(app, setting)
    urls = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint == "static":
                continue
            args = sorted(rule.arguments)
            choices = []
            for arg in args:
                converter = type(rule._converters[arg]).__name__
                kind = "int" if converter in ("IntegerConverter", "NumberConverter") else "str"
                choices.append(values.get(arg) or values[kind])
            for combo in itertools.product(*choices):
                url = url_for(rule.endpoint, **dict(zip(args, combo, strict=True)))
                urls += [(rule.endpoint, url), (rule.endpoint, f"{url}?format=csv")]
    return urls


# The registration form offers the whole SOATE reference list (516 units), which names
# every municipality of the country and so no applicant: it is left out of the search.
REFERENCE_LIST = re.compile(r'<select[^>]*name="territory_code".*?</select>', re.S)


def _leaks(response, words) -> list[str]:
    data = response.get_data()
    body = REFERENCE_LIST.sub("", data.decode("utf-8", "replace"))
    if data.startswith(b"%PDF-"):  # a file: its text layer too
        pages = pages_of(data, "application/pdf")
        assert pages is not None, response.headers.get("Content-Disposition")
        body += "\n".join(text for _page, text in pages)
    headers = " ".join(f"{k}: {v}" for k, v in response.headers.items())
    return [w for w in words if w.lower() in body.lower() or w.lower() in headers.lower()]


@pytest.mark.parametrize("stage", ["evaluation", "decided"])
def test_no_page_or_export_shows_a_member_the_applicant_before_publication(
        app, client, login, setting, stage):
    if stage == "decided":
        _decide(client, login, setting)
    login(client, setting["member"])
    words = [w for forms in FORBIDDEN.values() for w in forms]
    statuses, leaks, errors = {}, [], []
    # other plugins' pages are searched for names too; their own failures are theirs
    others = set(app.extensions["gms.enabled_plugins"]) - {"citizen_budget_contest"}
    for endpoint, url in _member_urls(app, setting):
        ours = endpoint.split(".")[0] not in others
        try:
            r = client.get(url)
        except Exception as exc:  # noqa: BLE001 - a broken page is reported, not raised
            if ours:
                errors.append(f"{url}: {type(exc).__name__}: {exc}")
            continue
        statuses[url] = r.status_code
        found = _leaks(r, words)
        if found:
            leaks.append(f"{url} ({r.status_code}): {found}")
        if r.status_code >= 500 and ours:
            errors.append(f"{url}: HTTP {r.status_code}")
    assert not leaks, "names shown to a commission member:\n" + "\n".join(leaks)
    assert not errors, "\n".join(errors)

    # the pages a member works with were really visited, and answered
    apps, member = setting["apps"], setting["member"]
    mine = {a: setting["assignments"][(member.id, a)] for a in apps.values()}
    for url in ("/", f"/calls/{setting['call']}", "/review/",
                *(f"/review/{i}" for i in mine.values()),
                *(f"/review/consensus/{a}" for a in apps.values()),
                *(f"/documents/{i}" for i in setting["approved"])):
        assert statuses.get(url) == 200, (url, statuses.get(url))
    # the originals never: a copy not approved yet, or no copy at all, is not found
    assert len(setting["approved"]) == 2
    for i in set(setting["attachments"]) - set(setting["approved"]):
        assert statuses[f"/documents/{i}"] == 404, i
    assert statuses[f"/calls/{setting['call']}/results"] == 404
    assert statuses[f"/p/citizen_budget_contest/calls/{setting['call']}/prizes"] == 403
    for app_id in apps.values():
        assert statuses[f"/p/citizen_budget_contest/applications/{app_id}/certificate.pdf"] \
            == 404
    assert any(urlsplit(u).path.startswith("/staff/") for u in statuses)

    # what the member does see: codes, the hearings with the names hidden, renamed files
    page = client.get(f"/review/{mine[apps[BOROLDOI]]}").get_data(as_text=True)
    assert "Дом культуры с. [name hidden], [name hidden] район" in page
    assert "Other members&#39; scores" in page or "Other members' scores" in page
    from gms.models import Application

    with app.app_context():
        number = db.session.get(Application, apps[BOROLDOI]).number
    assert number in page
    download = client.get(f"/documents/{setting['attachments'][0]}")
    assert download.headers["Content-Disposition"].startswith(
        f"attachment; filename={number}-hearing_minutes.pdf")
    text = "\n".join(t for _p, t in pages_of(download.get_data(), "application/pdf"))
    assert "Присутствовали 124 жителя" in text  # the approved copy
    assert "waits" not in page and "documents are being anonymised" in page


def test_names_are_shown_after_publication(app, client, login, setting):
    member, apps = setting["member"], setting["apps"]
    _decide(client, login, setting)
    # decided is not published: still hidden
    login(client, member)
    page = client.get(f"/review/{setting['assignments'][(member.id, apps[BOROLDOI])]}")
    assert "Боролдо" not in page.get_data(as_text=True)
    login(client, setting["staff"])
    advance(client, setting["call"], "publish")

    login(client, member)
    listing = client.get("/review/").get_data(as_text=True)
    assert PLACES[BOROLDOI]["title"] in listing
    page = client.get(f"/review/{setting['assignments'][(member.id, apps[BOROLDOI])]}"
                      ).get_data(as_text=True)
    assert setting["names"][BOROLDOI][0] in page
    assert PLACES[BOROLDOI]["place"] in page and "[name hidden]" not in page
    download = client.get(f"/documents/{setting['attachments'][0]}")
    assert "filename*=UTF-8''" in download.headers["Content-Disposition"]  # the real name
    results = client.get(f"/calls/{setting['call']}/results").get_data(as_text=True)
    assert setting["names"][BOROLDOI][0] in results and setting["names"][AK_TAL][0] in results
