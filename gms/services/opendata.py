"""Open data: published awards and their transfers in the 360Giving Data Standard (1.4): a JSON
package and its CSV summary.

Identifiers (see docs/money.md):

- A grant is ``<prefix>-<application number>``, where ``<prefix>`` is the publisher's
  360Giving prefix (``OPENDATA_PREFIX``; ``360G-`` and a name 360Giving registers for the
  programme).
- A municipality (aiyl okmotu or town) is ``<prefix>-SOATE-<14-digit SOATE code>``. There is no
  list on org-id.guide for Kyrgyz local self-government bodies, so, as 360Giving's identifier
  guidance says for organisations without an external registration number, the publisher's
  prefix qualifies an identifier of its own records; the SOATE code (the national classifier
  of administrative-territorial units) makes it stable and meaningful. ``XI-`` codes name
  particular lists on org-id.guide and are not used. Other organisations are
  ``<prefix>-ORG-<id>``.
- The funder is ``OPENDATA_FUNDER_ID`` (default ``<prefix>-PROGRAMME``) for the programme's
  calls, and the organising municipality for a municipality's own call.

Amounts are in KGS. ``amountDisbursed`` is the sum of the ``disbursementTransaction`` values:
transfers, less reversals, less unspent money returned (listed with negative values).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal

from flask import current_app, url_for
from sqlalchemy import select

from gms.competition import FUNDED
from gms.evaluation.models import Award
from gms.extensions import db
from gms.models import Application, Competition, Organisation
from gms.models import calls as C
from gms.models.calls import translated
from gms.money import models as M
from gms.money.models import Grant, Transfer
from gms.timeutil import to_local, utcnow

from . import exports

VERSION = "1.4"
DEFAULT_PREFIX = "360G-voice-kg"
LICENSE = "https://creativecommons.org/licenses/by/4.0/"
PROGRAMME = "Voice of Citizens and Accountability of LSG: budget process"
CSV_HEADER = (
    "Identifier", "Title", "Description", "Currency", "Amount Applied For", "Amount Awarded",
    "Amount Disbursed", "Award Date", "Recipient Org:Identifier", "Recipient Org:Name",
    "Recipient Org:County", "Funding Org:Identifier", "Funding Org:Name",
    "Grant Programme:Code", "Grant Programme:Title", "Beneficiary Location:Name",
    "Beneficiary Location:Country Code", "Beneficiary Location:Geographic Code",
    "Planned Dates:Start Date", "Planned Dates:End Date", "From An Open Call?",
    "Last Modified",
)


def prefix() -> str:
    return current_app.config.get("OPENDATA_PREFIX") or DEFAULT_PREFIX


def _slug(value: str) -> str:
    """An internal identifier made safe for a 360Giving identifier (no spaces or slashes)."""
    return "".join(ch if ch.isalnum() or ch in "-." else "_" for ch in value.strip())


def org_identifier(org: Organisation) -> str:
    """A municipality's identifier from its SOATE code, else one from our records."""
    if org.kind == "municipality" and org.territory_code:
        return f"{prefix()}-SOATE-{_slug(org.territory_code)}"
    return f"{prefix()}-ORG-{org.id}"


def funder(call: Competition) -> dict:
    if call.organiser is not None:
        return {"id": org_identifier(call.organiser), "name": call.organiser.name}
    return {"id": current_app.config.get("OPENDATA_FUNDER_ID") or f"{prefix()}-PROGRAMME",
            "name": current_app.config.get("PROGRAMME_NAME") or PROGRAMME}


def published_awards():
    """Funded awards of calls whose results are published, by call and rank."""
    return (select(Award).join(Competition, Competition.id == Award.competition_id)
            .where(Award.outcome == FUNDED, Award.amount > 0,
                   Competition.status == C.PUBLISHED)
            .options(db.joinedload(Award.application).joinedload(Application.organisation)
                     .joinedload(Organisation.territory),
                     # each call once (joined, its JSON would be decoded on every row)
                     db.joinedload(Award.application).selectinload(Application.competition)
                     .joinedload(Competition.organiser))
            .order_by(Competition.published_at, Competition.id, Award.rank))


def _number(value: Decimal) -> int | float:
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def _instant(value: datetime) -> str:
    """A full RFC 3339 date-time (instants are timezone-aware UTC)."""
    return value.isoformat(timespec="seconds")


def _day(value: datetime | date) -> str:
    if isinstance(value, datetime):
        value = to_local(value).date()
    return value.isoformat()


def _external(endpoint: str, **values) -> str:
    return url_for(endpoint, _external=True, **values)  # from BASE_URL (gms.app.GMSFlask)


def grants(now: datetime | None = None) -> list[dict]:
    """Every published award as a 360Giving grant, with its transfers."""
    now = now or utcnow()
    modified = _instant(now)
    awards = db.session.scalars(published_awards()).unique().all()
    by_award = {g.award_id: g for g in db.session.scalars(select(Grant).where(
        Grant.award_id.in_([a.id for a in awards])))} if awards else {}
    moves: dict[int, list[Transfer]] = defaultdict(list)
    if by_award:
        for t in db.session.scalars(select(Transfer).where(Transfer.grant_id.in_(
                [g.id for g in by_award.values()])).order_by(Transfer.value_date, Transfer.id)):
            moves[t.grant_id].append(t)
    out = []
    for award in awards:
        application = award.application
        call = application.competition
        org = application.organisation
        grant_id = f"{prefix()}-{_slug(application.number or f'A{award.id}')}"
        recipient = {"id": org_identifier(org), "name": org.name, "addressCountry": "Kyrgyzstan"}
        if org.oblast:
            recipient["addressRegion"] = org.oblast
        fund = funder(call)
        item = {
            "id": grant_id,
            "title": (application.title or application.number or grant_id)[:140],
            "description": f"{translated(call.title, 'ru')}: {application.title}".strip(": "),
            "currency": "KGS",
            "amountAwarded": _number(award.amount),
            # the results' publication (Award.decided_at is when the row was written)
            "awardDate": _day(call.published_at or award.decided_at),
            "recipientOrganization": [recipient],
            "fundingOrganization": [fund],
            "grantProgramme": [{"code": f"{prefix()}-CALL-{call.id}",
                                "title": translated(call.title, "ru")}],
            "fromOpenCall": "Yes",
            "url": _external("public.call", call_id=call.id),
            "dateModified": modified,
        }
        if application.requested_amount is not None:
            item["amountAppliedFor"] = _number(application.requested_amount)
        location = _location(org)
        if location:
            item["beneficiaryLocation"] = [location]
        grant = by_award.get(award.id)
        if grant is not None:
            if grant.starts_on:
                dates = {"startDate": grant.starts_on.isoformat()}
                if grant.ends_on:
                    dates["endDate"] = grant.ends_on.isoformat()
                item["plannedDates"] = [dates]
            transactions = [_transaction(t, grant_id, fund["id"], recipient["id"], modified)
                            for t in moves.get(grant.id, [])]
            item["amountDisbursed"] = _number(sum(
                (Decimal(t.amount_kgs) * (-1 if t.kind == M.RETURN else 1)
                 for t in moves.get(grant.id, [])), Decimal(0)))
            if transactions:
                item["disbursementTransaction"] = transactions
        else:
            item["amountDisbursed"] = 0
        out.append(item)
    return out


def _location(org: Organisation) -> dict | None:
    if org.territory is not None:
        return {"name": org.territory.display_name, "countryCode": "KG",
                "geoCode": org.territory.soate_code,
                "description": "SOATE (classifier of administrative-territorial units of the "
                               "Kyrgyz Republic)"}
    if org.oblast:
        return {"name": org.oblast, "countryCode": "KG"}
    return None


def _transaction(t: Transfer, grant_id: str, provider: str, recipient: str,
                 modified: str) -> dict:
    value = Decimal(t.amount_kgs) * (-1 if t.kind == M.RETURN else 1)
    if t.reverses_id is not None:
        description = f"Reversal of record {t.reverses_id}: {t.note or ''}".strip(": ")
    elif t.kind == M.RETURN:
        description = "Unspent money returned by the grantee"
    else:
        description = f"Transfer, payment order {t.payment_order}"
    return {"id": f"{grant_id}-T{t.id}", "transactionDate": t.value_date.isoformat(),
            "currency": "KGS", "value": _number(value), "description": description,
            "provider": provider if t.kind == M.TRANSFER else recipient,
            "recipient": recipient if t.kind == M.TRANSFER else provider,
            "dateModified": modified}


def package(now: datetime | None = None) -> dict:
    """The 360Giving JSON package of every published award."""
    now = now or utcnow()
    name = current_app.config.get("PROGRAMME_NAME") or PROGRAMME
    return {
        "version": VERSION,
        "title": f"{name}: grants and transfers",
        "description": "Awards of published calls and the money transferred to the grantees, "
                       "from GMS.",
        "identifier": f"{prefix()}-{now.date().isoformat()}",
        "issued": now.date().isoformat(),
        "modified": _instant(now),
        "publisher": {"identifier": current_app.config.get("OPENDATA_FUNDER_ID")
                      or f"{prefix()}-PROGRAMME", "name": name},
        "license": LICENSE,
        "grants": grants(now),
    }


def csv_summary(data: dict) -> bytes:
    """One row per grant of ``data`` (a package), with 360Giving's column titles."""
    rows = []
    for g in data["grants"]:
        recipient = g["recipientOrganization"][0]
        fund = g["fundingOrganization"][0]
        programme = (g.get("grantProgramme") or [{}])[0]
        location = (g.get("beneficiaryLocation") or [{}])[0]
        planned = (g.get("plannedDates") or [{}])[0]
        rows.append([
            g["id"], g["title"], g["description"], g["currency"], g.get("amountAppliedFor"),
            g["amountAwarded"], g.get("amountDisbursed"), g["awardDate"], recipient["id"],
            recipient["name"], recipient.get("addressRegion"), fund["id"], fund["name"],
            programme.get("code"), programme.get("title"), location.get("name"),
            location.get("countryCode"), location.get("geoCode"), planned.get("startDate"),
            planned.get("endDate"), g.get("fromOpenCall"), g.get("dateModified")])
    return exports.to_csv(CSV_HEADER, rows, bom=False)
