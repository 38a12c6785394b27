"""Factories for any plugin's tests: what a competition type's logic receives, what a browser
posts, and a call's steps through the services and over HTTP.

Pure (no app needed)::

    call = competition_info(MyCompetition(), settings={"max_grant": 500_000})
    info = application_info(call, answers)           # for rules, policies, reports
    data = formdata(answers)                          # a MultiDict, as the form posts it

With an app (inside ``app.app_context()``)::

    org = make_municipality("41708213808000")   # from the SOATE reference
    call_id = make_call("my_contest", actor_id=staff.id, now=clock())   # opened

Over HTTP, with a logged-in ``client``::

    application_id, response = apply(client, call_id, formdata(answers), documents=["plan"])
    score(client, assignment_id, {"impact": "8", "impact_comment": ""})
    advance(client, call_id, "close")
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from flask.testing import FlaskClient
from werkzeug.datastructures import MultiDict
from werkzeug.test import TestResponse

from gms.competition import (
    ApplicationInfo,
    CompetitionInfo,
    CompetitionType,
    OrganisationInfo,
    typed_values,
)
from gms.evaluation import lifecycle
from gms.extensions import db
from gms.models import Organisation, Territory
from gms.services import calls

#: the smallest PDF the upload checks accept
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

__all__ = ["PDF", "competition_info", "organisation_info", "application_info", "formdata",
           "make_municipality", "make_call", "created_id", "apply", "score", "advance"]


# ------------------------------------------------------------------------------- pure


def competition_info(ctype: CompetitionType, *, settings: Mapping[str, Any] | None = None,
                     **fields: Any) -> CompetitionInfo:
    """A call of ``ctype`` as its logic sees it: the type's default settings updated with
    ``settings`` (stored JSON, form text or typed values) and typed as the core types them,
    id 1, and any other :class:`CompetitionInfo` field in ``fields``."""
    typed = typed_values(ctype.settings_fields(), settings or {})
    values: dict[str, Any] = {"id": 1, "type_key": ctype.key, "settings": typed}
    return CompetitionInfo(**{**values, **fields})


def organisation_info(**fields: Any) -> OrganisationInfo:
    """An applicant: a municipality (id 3) unless ``fields`` say otherwise."""
    values: dict[str, Any] = {"id": 3, "kind": "municipality",
                              "name": "Test municipality"}
    return OrganisationInfo(**{**values, **fields})


def application_info(competition: CompetitionInfo, answers: Mapping[str, Any] | None = None,
                     *, organisation: OrganisationInfo | None = None,
                     attachments: Iterable[str] = (), others: int = 0,
                     requested_amount: Decimal | None = None, id: int = 7) -> ApplicationInfo:
    """An application to ``competition`` with ``answers``, the documents of the kinds in
    ``attachments`` and ``others`` other submitted applications of its organisation."""
    return ApplicationInfo(
        id=id, competition=competition, organisation=organisation or organisation_info(),
        answers=dict(answers or {}), requested_amount=requested_amount,
        attachment_kinds=frozenset(attachments), other_applications=others)


def formdata(answers: Mapping[str, Any], *, sections: Mapping[str, str] | None = None
             ) -> MultiDict:
    """``answers`` as the browser posts the application form: a nested mapping's fields as
    ``part-field``, table rows as ``table-N-field``, ticked boxes as ``y`` (unticked ones
    are not sent), ``None`` as an empty field. ``sections`` names the form section of a
    top-level key stored flat (``{"issue_area": "priority"}`` posts
    ``priority-issue_area``)."""
    data = MultiDict()

    def walk(name: str, value: Any) -> None:
        if isinstance(value, Mapping):
            for key, item in value.items():
                walk(f"{name}-{key}" if name else str(key), item)
        elif isinstance(value, list | tuple):
            for i, item in enumerate(value):
                walk(f"{name}-{i}", item)
        elif value is True:
            data.add(name, "y")
        elif value is not False:
            data.add(name, "" if value is None else str(value))

    for key, value in answers.items():
        walk(f"{sections[key]}-{key}" if sections and key in sections else key, value)
    return data


# ------------------------------------------------------------------------ with an app


def make_municipality(code: str) -> Organisation:
    """The municipality of SOATE ``code`` (the reference must be loaded: the ``territories``
    fixture), committed. Needs an app context."""
    unit = db.session.get(Territory, code)
    org = Organisation(kind="municipality", name=unit.display_name, territory_code=code,
                       oblast=unit.oblast)
    db.session.add(org)
    db.session.commit()
    return org


def make_call(type_key: str, *, now: datetime, actor_id: int | None = None,
              settings: Mapping[str, Any] | None = None, open_call: bool = True,
              **values: Any) -> int:
    """A call of ``type_key`` (English title, opened a day before ``now``, deadline three
    weeks after, budget 1 000 000 unless ``values`` say otherwise), opened at once unless
    ``open_call`` is false; returns its id. Needs an app context."""
    data: dict[str, Any] = {
        "title": {"en": f"Test call of {type_key}"}, "description": {"en": "A test call."},
        "oblasts": [], "opens_at": now - timedelta(days=1),
        "deadline_at": now + timedelta(days=21), "budget": Decimal(1_000_000),
        "max_awards": None, "max_grant": None, "settings": dict(settings or {}), **values}
    call = calls.create_call(type_key, data, actor_id=actor_id)
    if open_call:
        lifecycle.advance(call, "open", now=data["opens_at"], actor_id=actor_id)
    return call.id


# ---------------------------------------------------------------------------- over HTTP


def created_id(response: TestResponse, pattern: str) -> int:
    """The id that ``pattern`` (one group) finds in a redirect's ``Location``."""
    found = re.search(pattern, response.headers["Location"])
    assert found, response.headers["Location"]
    return int(found.group(1))


def apply(client: FlaskClient, call_id: int, data: MultiDict, *,
          documents: Iterable[str] = (), files: bytes | Mapping[str, bytes] = PDF,
          filename: str = "{kind}.pdf", submit: bool = True
          ) -> tuple[int, TestResponse | None]:
    """Start an application to ``call_id``, save ``data`` (see :func:`formdata`), upload a
    file of each kind in ``documents`` (``files``: the content, or the content by kind) and,
    with ``submit``, submit it. Returns the application's id and the submission's response
    (``None`` without ``submit``)."""
    application_id = created_id(client.post(f"/calls/{call_id}/apply"),
                                r"/applications/(\d+)")
    form = MultiDict(data)
    form["action"] = "save"
    saved = client.post(f"/applications/{application_id}", data=form)
    assert saved.status_code == 302, saved.status_code
    for kind in documents:
        content = files.get(kind, PDF) if isinstance(files, Mapping) else files
        uploaded = client.post(f"/applications/{application_id}/documents",
                               data={"kind": kind, "file": (io.BytesIO(content),
                                                            filename.format(kind=kind))},
                               content_type="multipart/form-data")
        assert uploaded.status_code == 302, uploaded.status_code
    if not submit:
        return application_id, None
    form["action"] = "submit"
    return application_id, client.post(f"/applications/{application_id}", data=form)


def score(client: FlaskClient, assignment_id: int, form: Mapping[str, Any]) -> TestResponse:
    """A commission member declares no conflict of interest (unless done already), then
    submits the score sheet ``form`` (criterion codes to points, ``<code>_comment``...)."""
    sheet = client.get(f"/review/{assignment_id}").get_data(as_text=True)
    if 'name="conflict"' in sheet:
        client.post(f"/review/{assignment_id}/declare", data={"conflict": "no"})
    return client.post(f"/review/{assignment_id}", data={**form, "action": "submit"})


def advance(client: FlaskClient, call_id: int, action: str) -> None:
    """Staff take the call's next step (``close``, ``start_screening``, ``decide``...) and
    the page shows no error."""
    response = client.post(f"/staff/calls/{call_id}/advance", data={"action": action},
                           follow_redirects=True)
    page = response.get_data(as_text=True)
    errors = re.findall(r'<div class="flash error"[^>]*>(.*?)</div>', page, re.S)
    assert response.status_code == 200 and not errors, (action, errors)
