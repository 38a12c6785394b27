"""Demo money: agreements, transfers, co-financing and reports for the demo's published awards.

:func:`gms.demo.load` calls :func:`load` last (inside an app context). It goes through the
services like a person would, as the demo's staff (``staff@demo.gms.kg``) and finance officer
(``finance@demo.gms.kg``). In each published call, by rank: the first grant runs its whole
course and is closed with a little money returned; the second has a report waiting for staff;
the third is signed with its first tranche paid; the fourth has an agreement that is not signed
yet; the rest are signed. Awards that already have a grant are left alone, so a second call
changes nothing.

Plans are the competition type's (``payment_plan``), except that where the type pays in one
transfer and the award is an investment-sized one (300,000 KGS or more) the demo pays 70 % on
signature and 30 % after an approved progress report, to show a report-gated tranche.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import ROUND_CEILING, Decimal

from sqlalchemy import select

from gms.competition import FUNDED
from gms.evaluation.models import Award
from gms.extensions import db
from gms.models import Competition, User
from gms.models import calls as C
from gms.money import agreements
from gms.money import models as M
from gms.money import reports as grant_reports
from gms.money import transfers as money
from gms.money.models import Grant, GrantReport
from gms.timeutil import to_local, utcnow

from .files import pdf, png
from .people import DOMAIN

STORIES = ("closed", "reporting", "first_paid", "unsigned")
INVESTMENT = Decimal(300_000)


def load(now: datetime | None = None) -> int:
    """Add the demo money to published funded awards without a grant; returns how many
    grants were opened."""
    staff = _user(f"staff@{DOMAIN}")
    finance = _user(f"finance@{DOMAIN}")
    if staff is None or finance is None:
        return 0
    today = to_local(now or utcnow()).date()
    awards = db.session.scalars(
        select(Award).join(Competition, Competition.id == Award.competition_id)
        .where(Award.outcome == FUNDED, Award.amount > 0, Competition.status == C.PUBLISHED)
        .order_by(Competition.published_at, Competition.id, Award.rank)).all()
    place: dict[int, int] = {}
    opened = 0
    for award in awards:
        n = place[award.competition_id] = place.get(award.competition_id, -1) + 1
        if agreements.grant_of(award) is not None:
            continue
        call = award.application.competition
        start = min(to_local(call.published_at or utcnow()).date() + timedelta(days=14),
                    today)
        story = STORIES[n] if n < len(STORIES) else "signed"
        _tell(award, story, start, today, staff, finance)
        opened += 1
    return opened


def _user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def _day(start: date, days: int, today: date) -> date:
    return min(start + timedelta(days=days), today)


def _tell(award: Award, story: str, start: date, today: date, staff: User,
          finance: User) -> None:
    application = award.application
    grantee = application.created_by
    grant = agreements.open_grant(award, staff, language=grantee.locale
                                  if grantee.locale in ("ky", "ru") else "ru")
    if len(grant.tranches) == 1 and Decimal(grant.amount) >= INVESTMENT:
        agreements.set_plan(grant, [
            agreements.TrancheSpec(percent=Decimal(70), due_on=_day(start, 10, today)),
            agreements.TrancheSpec(percent=Decimal(30), due_on=start + timedelta(days=120),
                                   milestone="", requires_report=True)], staff)
    account = f"44020111{application.organisation_id:08d}"  # when the application gives none
    agreements.set_terms(grant, staff, language=grant.language, currency="KGS", amount=None,
                         starts_on=start, ends_on=start + timedelta(days=240),
                         recipient_account=grant.recipient_account or account)
    _promise(grant, staff)
    if story == "unsigned":
        return
    agreements.sign(grant, grantee_signed_on=start, programme_signed_on=_day(start, 1, today),
                    filename=f"{grant.number}-signed.pdf",
                    data=pdf(f"GMS demo: signed agreement {grant.number}"), actor=staff)
    if story == "signed":
        return
    tranches = list(grant.tranches)
    _pay(grant, tranches[0], _day(start, 10, today), finance)
    if story == "first_paid":
        return
    minimum = agreements.minimum_cofinancing(grant)
    agreements.add_contribution(grant, stage=M.ACTUAL, source="local_budget",
                                amount=_share(grant, max(minimum, Decimal(10)) + 2), note="",
                                actor=finance)
    reported = Decimal(0)
    for k, tranche in enumerate(tranches[1:], start=2):
        report = money.report_for(tranche)
        if report is not None:
            _report(report, grantee, spent=_part(grant, Decimal(60)) - reported)
            reported = _part(grant, Decimal(60))
            if story == "reporting":
                return
            grant_reports.decide(report, approve=True, comment="", staff=staff)
        _pay(grant, tranche, _day(start, 30 * k, today), finance)
    final = next(r for r in grant_reports.reports_of(grant) if r.kind == M.FINAL)
    _report(final, grantee, spent=_part(grant, Decimal(98)) - reported)
    if story == "reporting":
        return
    grant_reports.decide(final, approve=True, comment="", staff=staff)
    back = (Decimal(grant.transferred) * Decimal("0.02")).quantize(Decimal(1))
    money.close(grant, returned_kgs=back or None, value_date=_day(start, 200, today),
                payment_order=f"RET-{grant.id:05d}", note="",
                shortfall_reason="", actor=finance)


def _share(grant: Grant, percent: Decimal) -> Decimal:
    """A contribution that makes ``percent`` of the project (grant plus contribution)."""
    amount = Decimal(grant.award.amount) * percent / (Decimal(100) - percent)
    return amount.quantize(Decimal(1), ROUND_CEILING)


def _part(grant: Grant, percent: Decimal) -> Decimal:
    return (Decimal(grant.award.amount) * percent / 100).quantize(Decimal("0.01"))


def _cents(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"))


def _promise(grant: Grant, staff: User) -> None:
    minimum = agreements.minimum_cofinancing(grant)
    agreements.add_contribution(grant, stage=M.PROMISED, source="local_budget",
                                amount=_share(grant, max(minimum, Decimal(10)) + 1),
                                note="", actor=staff)


def _pay(grant: Grant, tranche, day: date, finance: User) -> None:
    money.record_transfer(grant, tranche_id=tranche.id, value_date=day,
                          amount_kgs=Decimal(tranche.amount),
                          payment_order=f"PP-{grant.id:04d}-{tranche.number}",
                          recipient_account=grant.recipient_account, actor=finance)


def _report(report: GrantReport, grantee: User, spent: Decimal) -> None:
    grant_reports.save(
        report, narrative="Работы выполнены по плану: трубы уложены, жители подключены.",
        lines=[grant_reports.SpendingLine("Материалы", _cents(spent * Decimal("0.7")),
                                          _cents(spent * Decimal("0.7"))),
               grant_reports.SpendingLine("Работы", _cents(spent * Decimal("0.3")),
                                          _cents(spent * Decimal("0.3")))],
        beneficiaries=650, monitoring_findings="Группа мониторинга проверила объект на месте.",
        files=[("photo", "site.png", png()),
               ("procurement", "contract.pdf", pdf("GMS demo: procurement contract"))],
        user=grantee, submit=True)
