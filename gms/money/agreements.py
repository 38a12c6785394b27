"""Agreements: the grant opened from a funded award, its payment plan and terms, co-financing
and the signature that makes it active (the agreement as a PDF: :mod:`gms.money.agreement_pdf`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from babel import numbers
from flask import current_app
from flask_babel import get_locale
from sqlalchemy import func, select

from gms.competition import FUNDED
from gms.competition.payee import clean
from gms.evaluation.models import Award
from gms.extensions import db
from gms.i18n import _, money
from gms.models import User
from gms.models import calls as C
from gms.services import audit
from gms.services.common import ServiceError, commit, competition_info, competition_type
from gms.timeutil import to_local, utcnow

from . import files, payees, rates
from . import models as M
from .models import Contribution, Grant, GrantDocument, GrantReport, Tranche

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
AGREEMENT_LANGUAGES = ("ky", "ru")
MAX_TRANCHES = 12
#: no money record, signature or project period of the programme is dated before this day
EARLIEST_DATE = date(2000, 1, 1)


@dataclass(frozen=True)
class TrancheSpec:
    """One row of a payment plan as staff enter it: an amount or a percentage, a date or a
    milestone, and whether an approved progress report must come first."""

    percent: Decimal | None = None
    amount: Decimal | None = None
    due_on: date | None = None
    milestone: str | None = None
    requires_report: bool = False


def today() -> date:
    """Today in the programme's time zone."""
    return to_local(utcnow()).date()


def plausible_date(value: date, earliest: date = EARLIEST_DATE) -> date:
    """``value`` if it lies between ``earliest`` (at least :data:`EARLIEST_DATE`) and today
    in the programme's time zone; a :class:`ServiceError` saying so if not."""
    earliest = max(earliest, EARLIEST_DATE)
    if value < earliest:
        raise ServiceError(_("The date %(date)s is too early: give a date from %(earliest)s "
                             "on.", date=value.isoformat(), earliest=earliest.isoformat()))
    if value > today():
        raise ServiceError(_("The date %(date)s is in the future: give a date up to today, "
                             "%(today)s.", date=value.isoformat(), today=today().isoformat()))
    return value


def grant_of(award: Award) -> Grant | None:
    return db.session.scalar(select(Grant).where(Grant.award_id == award.id))


def amount_text(value: Decimal | None, currency: str = "KGS") -> str:
    """An amount in its currency, in the current locale (KGS as the ``money`` filter)."""
    if currency == current_app.config["CURRENCY"] or value is None:
        return money(value)
    lang = str(get_locale())
    return numbers.format_currency(Decimal(value), currency,
                                   locale={"ru": "ru_KG", "ky": "ky_KG"}.get(lang, lang))


def minimum_cofinancing(grant: Grant) -> Decimal:
    """The call's minimum co-financing share in percent (setting ``min_cofinancing_percent``;
    0 when the call has none)."""
    raw = (grant.award.application.competition.settings or {}).get("min_cofinancing_percent")
    try:
        return Decimal(str(raw)) if raw not in (None, "") else Decimal(0)
    except ArithmeticError:
        return Decimal(0)


def cofinancing(grant: Grant, stage: str) -> tuple[Decimal, Decimal | None]:
    """``(total, share)``: co-financing at ``stage`` and its share, in percent, of the whole
    project (grant plus co-financing); the share is ``None`` when both are zero."""
    total = Decimal(db.session.scalar(select(func.coalesce(func.sum(Contribution.amount), 0))
                                      .where(Contribution.grant_id == grant.id,
                                             Contribution.stage == stage)) or 0)
    whole = total + Decimal(grant.award.amount)
    share = (total * HUNDRED / whole).quantize(CENT, ROUND_HALF_UP) if whole > 0 else None
    return total, share


# --------------------------------------------------------------------------- the grant

def open_grant(award: Award, actor: User, *, language: str = "ru") -> Grant:
    """Open the grant of a funded award: its number, the call's default payment plan
    (``CompetitionType.payment_plan``) and the local-budget account and treasury code the
    application gives (hook ``gms_payee_account``). The grant stays unsigned until the
    agreement is."""
    call = award.application.competition
    if call.status not in (C.DECIDED, C.PUBLISHED):
        raise ServiceError(_("Agreements are prepared after the decision."), 409)
    if award.outcome != FUNDED or Decimal(award.amount) <= 0:
        raise ServiceError(_("Only a funded award gets an agreement."), 409)
    if grant_of(award) is not None:
        raise ServiceError(_("This award already has an agreement."), 409)
    plan = [(Decimal(str(p)), bool(r)) for p, r in
            competition_type(call).payment_plan(competition_info(call))]
    if not plan or any(p <= 0 for p, _r in plan) or sum(p for p, _r in plan) != HUNDRED:
        raise ServiceError(f"the payment plan of {call.type_key!r} does not add up to 100 %",
                           500)
    grant = Grant(award_id=award.id, number=f"AGR-{award.application.number or award.id}",
                  language=language if language in AGREEMENT_LANGUAGES else "ru",
                  currency="KGS", amount=Decimal(award.amount), opened_by_id=actor.id,
                  opened_at=utcnow(), transferred=Decimal(0), returned=Decimal(0),
                  amount_kgs=Decimal(award.amount), transferred_kgs=Decimal(0),
                  returned_kgs=Decimal(0))
    grant.tranches = _tranches(grant.amount, [TrancheSpec(percent=p, requires_report=r)
                                              for p, r in plan])
    db.session.add(grant)
    audit.record("grant.opened", grant, {
        "award_id": award.id, "amount": str(grant.amount),
        "plan": [[str(t.percent), t.requires_report] for t in grant.tranches]},
        actor_id=actor.id)
    payees.carry_to_grant(grant, actor)  # the account the application gives
    commit()
    return grant


def _tranches(total: Decimal, specs: list[TrancheSpec]) -> list[Tranche]:
    """Tranches from specs: a typed amount wins, else the percentage of ``total``; the last
    row given as a percentage takes the cents that rounding leaves over."""
    total = Decimal(total)
    amounts = []
    for spec in specs:
        if spec.amount is not None:
            amounts.append(Decimal(spec.amount).quantize(CENT, ROUND_HALF_UP))
        elif spec.percent is not None:
            amounts.append((total * Decimal(spec.percent) / HUNDRED).quantize(CENT,
                                                                               ROUND_HALF_UP))
        else:
            raise ServiceError(_("Give each tranche an amount or a percentage."))
    if all(s.amount is None for s in specs) and sum(Decimal(s.percent) for s in specs) == HUNDRED:
        amounts[-1] += total - sum(amounts)
    out = []
    for number, (spec, amount) in enumerate(zip(specs, amounts, strict=True), start=1):
        percent = (amount * HUNDRED / total).quantize(CENT, ROUND_HALF_UP) if total else None
        out.append(Tranche(number=number, amount=amount, percent=percent, due_on=spec.due_on,
                           milestone=(spec.milestone or "").strip()[:300] or None,
                           requires_report=spec.requires_report))
    return out


def _only_unsigned(grant: Grant) -> None:
    if grant.status != M.UNSIGNED:
        raise ServiceError(_("The agreement is signed: its terms and payment plan can no "
                             "longer change."), 409)


def set_plan(grant: Grant, specs: list[TrancheSpec], actor: User) -> None:
    """Replace the payment plan of an unsigned grant; the tranches must add up to the grant."""
    _only_unsigned(grant)
    if not 1 <= len(specs) <= MAX_TRANCHES:
        raise ServiceError(_("A payment plan has from 1 to %(n)d tranches.", n=MAX_TRANCHES))
    tranches = _tranches(grant.amount, specs)
    if any(t.amount <= 0 for t in tranches):
        raise ServiceError(_("Every tranche must be more than zero."))
    total = sum((t.amount for t in tranches), Decimal(0))
    if total != Decimal(grant.amount):
        raise ServiceError(_("The tranches add up to %(sum)s, not to the grant of %(amount)s.",
                             sum=amount_text(total, grant.currency),
                             amount=amount_text(grant.amount, grant.currency)))
    grant.tranches.clear()
    db.session.flush()
    grant.tranches.extend(tranches)
    audit.record("grant.plan_set", grant, {"plan": [
        [str(t.amount), str(t.percent), t.due_on.isoformat() if t.due_on else None,
         t.milestone, t.requires_report] for t in tranches]}, actor_id=actor.id)
    commit()


def set_terms(grant: Grant, actor: User, *, language: str, currency: str,
              amount: Decimal | None, starts_on: date | None, ends_on: date | None,
              recipient_account: str | None = None) -> None:
    """The agreement's language, currency, period and the grantee's account, while unsigned
    (``recipient_account=None`` keeps the grant's: see :mod:`gms.money.payees`).

    The grant follows its award, which is in KGS: in KGS its amount is the award's; a grant may
    be set in CHF, with its amount in CHF worth the award at an exchange rate within the
    configured band (:mod:`gms.money.rates`), and its ceiling in KGS stays the
    award's. A new amount rescales the tranches by their percentages."""
    _only_unsigned(grant)
    if language not in AGREEMENT_LANGUAGES:
        raise ServiceError(_("The agreement is written in Kyrgyz or Russian."))
    if currency not in M.CURRENCIES:
        raise ServiceError(_("Choose KGS or CHF."))
    award_kgs = Decimal(grant.award.amount).quantize(CENT, ROUND_HALF_UP)
    if currency == "KGS":
        amount = award_kgs
    elif amount is None or Decimal(amount).quantize(CENT, ROUND_HALF_UP) <= 0:  # 1e-30 too
        raise ServiceError(_("Give the amount of the grant in CHF."))
    else:
        lowest, highest = rates.chf_range(award_kgs)
        if not lowest <= Decimal(amount).quantize(CENT, ROUND_HALF_UP) <= highest:
            raise ServiceError(_(
                "The award is %(award)s: in CHF, at an exchange rate between %(band)s KGS for "
                "1 CHF, the grant is from %(lowest)s to %(highest)s.",
                award=amount_text(award_kgs), band=rates.band_text(),
                lowest=amount_text(lowest, "CHF"), highest=amount_text(highest, "CHF")))
    for day in (starts_on, ends_on):
        if day is not None and not EARLIEST_DATE <= day <= date(2100, 12, 31):
            raise ServiceError(_("The project period must lie between %(earliest)s and "
                                 "2100-12-31.", earliest=EARLIEST_DATE.isoformat()))
    if starts_on and ends_on and ends_on < starts_on:
        raise ServiceError(_("The project cannot end before it starts."))
    amount = Decimal(amount).quantize(CENT, ROUND_HALF_UP)
    if amount != Decimal(grant.amount):
        specs = [TrancheSpec(percent=t.percent, due_on=t.due_on, milestone=t.milestone,
                             requires_report=t.requires_report) for t in grant.tranches]
        grant.tranches.clear()
        db.session.flush()
        grant.tranches.extend(_tranches(amount, specs))
    grant.language, grant.currency, grant.amount = language, currency, amount
    grant.amount_kgs = award_kgs
    grant.starts_on, grant.ends_on = starts_on, ends_on
    if recipient_account is not None:
        grant.recipient_account = clean(recipient_account)
    audit.record("grant.terms_set", grant, {
        "language": language, "currency": currency, "amount": str(amount),
        "amount_kgs": str(award_kgs), "starts_on": starts_on.isoformat() if starts_on else None,
        "ends_on": ends_on.isoformat() if ends_on else None,
        "recipient_account": grant.recipient_account}, actor_id=actor.id)
    commit()


# ------------------------------------------------------------------------ co-financing

def add_contribution(grant: Grant, *, stage: str, source: str, amount: Decimal,
                     note: str, actor: User) -> Contribution:
    """Record co-financing: promised before signing, actual while the grant is active."""
    if stage not in (M.PROMISED, M.ACTUAL) or source not in M.SOURCES:
        raise ServiceError(_("Choose the source of the contribution."))
    if stage == M.PROMISED and grant.status != M.UNSIGNED:
        raise ServiceError(_("Promised co-financing is recorded before the agreement is "
                             "signed."), 409)
    if stage == M.ACTUAL and grant.status != M.ACTIVE:
        raise ServiceError(_("Actual co-financing is recorded while the grant is active."), 409)
    amount = None if amount is None else Decimal(amount).quantize(CENT, ROUND_HALF_UP)
    if amount is None or amount <= 0:  # checked to the tyiyn it is stored as (not 1e-30)
        raise ServiceError(_("The amount must be more than zero."))
    row = Contribution(grant_id=grant.id, stage=stage, source=source, amount=amount,
                       note=(note or "").strip()[:500] or None, recorded_by_id=actor.id,
                       recorded_at=utcnow())
    db.session.add(row)
    audit.record("contribution.recorded", row, {
        "grant_id": grant.id, "stage": stage, "source": source, "amount": str(row.amount)},
        actor_id=actor.id)
    commit()
    return row


# --------------------------------------------------------------------------- signature

def sign(grant: Grant, *, grantee_signed_on: date | None, programme_signed_on: date | None,
         filename: str, data: bytes, actor: User) -> None:
    """Record both signature dates and the signed scan: the grant becomes active (money may
    be transferred), and the reports it needs are expected from now on."""
    _only_unsigned(grant)
    if grantee_signed_on is None or programme_signed_on is None:
        raise ServiceError(_("Give the dates both parties signed."))
    if max(grantee_signed_on, programme_signed_on) > today():
        raise ServiceError(_("A signature date cannot be in the future."))
    plausible_date(min(grantee_signed_on, programme_signed_on))
    if Decimal(grant.award.amount) != Decimal(grant.amount_kgs):
        raise ServiceError(_("The award is now %(award)s: save the agreement's terms again "
                             "before signing.", award=amount_text(grant.award.amount)), 409)
    if sum((t.amount for t in grant.tranches), Decimal(0)) != Decimal(grant.amount):
        raise ServiceError(_("The payment plan does not add up to the grant."), 409)
    minimum = minimum_cofinancing(grant)
    _total, share = cofinancing(grant, M.PROMISED)
    if minimum > 0 and (share or 0) < minimum:
        raise ServiceError(_("The promised co-financing is %(share)s %% of the project; the call "
                             "asks for at least %(min)s %%.", share=share or 0, min=minimum),
                           409)
    if not data:
        raise ServiceError(_("Upload the scan of the signed agreement."))
    doc = files.store(grant, "signed_agreement", filename, data, actor,
                                allowed=files.SCAN_TYPES)
    try:
        grant.grantee_signed_on, grant.programme_signed_on = (grantee_signed_on,
                                                              programme_signed_on)
        grant.status, grant.signed_at, grant.signed_by_id = M.ACTIVE, utcnow(), actor.id
        for tranche in grant.tranches:
            if tranche.requires_report:
                db.session.add(GrantReport(grant_id=grant.id, tranche_id=tranche.id,
                                           kind=M.PROGRESS, due_on=tranche.due_on, spending=[],
                                           spent_total=Decimal(0)))
        db.session.add(GrantReport(grant_id=grant.id, kind=M.FINAL, due_on=grant.ends_on,
                                   spending=[], spent_total=Decimal(0)))
        db.session.flush()
        audit.record("grant.signed", grant, {
            "grantee_signed_on": grantee_signed_on.isoformat(),
            "programme_signed_on": programme_signed_on.isoformat(),
            "scan_sha256": doc.sha256}, actor_id=actor.id)
        commit()
    except Exception:
        db.session.rollback()
        files.discard([doc])
        raise


def signed_scan(grant: Grant) -> GrantDocument | None:
    return db.session.scalar(select(GrantDocument).where(
        GrantDocument.grant_id == grant.id, GrantDocument.kind == "signed_agreement")
        .order_by(GrantDocument.id.desc()).limit(1))
