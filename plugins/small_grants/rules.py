"""Eligibility rules of the small-grants competition, built from a call's settings.

Each factory returns an :class:`EligibilityRule` whose check reads only the
:class:`ApplicationInfo` it is given. Messages are translated when the check runs (inside the
app), name what passed or what is missing, and are shown to applicants as they are.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from gms.competition import CompetitionInfo, EligibilityRule
from gms.i18n import _

from .budget import (
    budget_lines,
    budget_total,
    cofinancing_percent,
    cofinancing_total,
    grant_total,
    to_decimal,
    to_int,
)
from .choices import DOCUMENT_LABELS, PRIORITY_EVIDENCE_KINDS

PREFIX = "small_grants."
TIMEZONE = ZoneInfo("Asia/Bishkek")

DEFAULTS: dict[str, Any] = {
    "max_grant_kgs": 1000000,
    "max_applications_per_organisation": 2,
    "max_awards_per_organisation": 2,
    "min_cofinancing_percent": 0,
    "max_duration_months": 12,
}


# ---------------------------------------------------------------------------- settings


def setting_decimal(settings: Mapping[str, Any], name: str) -> Decimal | None:
    """A numeric setting; the default when absent, ``None`` when set empty (no limit)."""
    value = settings.get(name, DEFAULTS.get(name))
    return to_decimal(value)


def setting_int(settings: Mapping[str, Any], name: str) -> int | None:
    value = settings.get(name, DEFAULTS.get(name))
    return to_int(value)


def max_grant_limit(competition: CompetitionInfo) -> Decimal | None:
    """The lower of the call's maximum grant and the ``max_grant_kgs`` setting."""
    limits = [x for x in (setting_decimal(competition.settings, "max_grant_kgs"),
                          to_decimal(competition.max_grant)) if x is not None]
    return min(limits) if limits else None


# --------------------------------------------------------------------------- formatting


def kgs(amount: Decimal) -> str:
    """An amount in KGS in the current locale (plain ``1 000 000 KGS`` outside the app)."""
    from flask import has_app_context

    if has_app_context():
        from gms.i18n import money

        return money(amount)
    whole = amount == amount.to_integral_value()
    text = f"{amount:,.0f}" if whole else f"{amount:,.2f}"
    return text.replace(",", "\u00a0") + "\u00a0KGS"


def percent(value: Decimal) -> str:
    """A percentage without trailing zeros in the current locale: ``12,5`` or ``12.5``."""
    from flask import has_app_context

    value = value.quantize(Decimal("0.01"))
    if has_app_context():
        from flask_babel import format_decimal

        return format_decimal(value, format="#,##0.##")
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def day(value: date) -> str:
    from flask import has_app_context

    if has_app_context():
        from flask_babel import format_date

        return format_date(value, "long")
    return value.isoformat()


def documents(kinds) -> str:
    return "; ".join(str(DOCUMENT_LABELS.get(k, k)) for k in kinds)


def to_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value or "").strip()[:10])
    except ValueError:
        return None


# ------------------------------------------------------------------------------- rules


def max_grant_rule(limit: Decimal | None) -> EligibilityRule:
    """The requested amount is positive and at most ``limit`` KGS (``None``: no cap)."""

    def check(app):
        amount = app.requested_amount
        if amount is None:
            return False, _("Enter the amount you request from the programme.")
        if amount <= 0:
            return False, _("The requested amount must be more than zero.")
        if limit is None:
            return True, _("The requested amount is %(amount)s; this call has no maximum "
                           "grant.", amount=kgs(amount))
        if amount > limit:
            return False, _("The requested amount, %(amount)s, is more than the maximum grant "
                            "of %(limit)s. Reduce it, or pay the difference from co-financing.",
                            amount=kgs(amount), limit=kgs(limit))
        return True, _("The requested amount, %(amount)s, is within the maximum grant of "
                       "%(limit)s.", amount=kgs(amount), limit=kgs(limit))

    return EligibilityRule(PREFIX + "max_grant", check,
                           params={"max_grant_kgs": None if limit is None else str(limit)})


def applications_per_organisation_rule(limit: int | None) -> EligibilityRule:
    """The organisation has fewer than ``limit`` other submitted applications in the call."""

    def check(app):
        others = app.other_applications
        if limit is None:
            return True, _("There is no limit on applications per municipality in this call.")
        if others >= limit:
            return False, _("Your municipality has already submitted the most applications "
                            "allowed in this call (%(max)d). Withdraw one of them to submit "
                            "this one.", max=limit)
        return True, _("This is application %(n)d of the %(max)d your municipality may "
                       "submit in this call.", n=others + 1, max=limit)

    return EligibilityRule(PREFIX + "applications_per_organisation", check,
                           params={"max_applications_per_organisation": limit})


def duration_rule(max_months: int | None) -> EligibilityRule:
    """The project lasts from one month to ``max_months`` months."""

    def check(app):
        months = to_int(app.answers.get("duration_months"))
        if months is None:
            return False, _("Enter the project duration in whole months.")
        if months < 1:
            return False, _("The project must last at least one month.")
        if max_months is not None and months > max_months:
            return False, _("The project lasts %(months)d months; projects in this call may "
                            "last at most %(max)d months.", months=months, max=max_months)
        if max_months is None:
            return True, _("The project lasts %(months)d months.", months=months)
        return True, _("The project lasts %(months)d months, within the limit of %(max)d "
                       "months.", months=months, max=max_months)

    return EligibilityRule(PREFIX + "duration", check, params={"max_duration_months": max_months})


def priority_evidence_rule() -> EligibilityRule:
    """One document shows residents chose the priority: ЖМБА report, hearing or gathering
    minutes."""

    def check(app):
        found = [k for k in PRIORITY_EVIDENCE_KINDS if k in app.attachment_kinds]
        if found:
            return True, _("Evidence that residents chose this priority is attached: "
                           "%(docs)s.", docs=documents(found))
        return False, _("Attach the evidence that residents chose this priority, one of: "
                        "%(docs)s.", docs=documents(PRIORITY_EVIDENCE_KINDS))

    return EligibilityRule(PREFIX + "priority_evidence", check,
                           params={"kinds": list(PRIORITY_EVIDENCE_KINDS)})


def council_resolution_rule() -> EligibilityRule:
    def check(app):
        if "council_resolution" in app.attachment_kinds:
            return True, _("The resolution of the local council approving the project is "
                           "attached.")
        return False, _("Attach the resolution (токтом) of the local council that approves "
                        "the project and the municipality's contribution.")

    return EligibilityRule(PREFIX + "council_resolution", check,
                           params={"kind": "council_resolution"})


def budget_publication_rule() -> EligibilityRule:
    def check(app):
        if "budget_publication" in app.attachment_kinds:
            return True, _("Proof that the local budget is published is attached.")
        return False, _("Attach proof that your local budget is public: a photo of the "
                        "information board, a page of the website or the citizens' budget.")

    return EligibilityRule(PREFIX + "budget_publication", check,
                           params={"kind": "budget_publication"})


def cofinancing_rule(min_percent: Decimal | None) -> EligibilityRule:
    """Non-grant sources pay at least ``min_percent`` % of the whole budget."""
    minimum = min_percent or Decimal(0)

    def check(app):
        share = cofinancing_percent(app.answers)
        if share is None:
            if minimum <= 0:
                return True, _("This call sets no minimum co-financing.")
            return False, _("Fill in the budget lines: at least %(min)s%% of the budget must "
                            "come from sources other than the grant.", min=percent(minimum))
        amount = kgs(cofinancing_total(app.answers))
        if minimum <= 0:
            return True, _("Co-financing is %(share)s%% of the budget (%(amount)s); this call "
                           "sets no minimum.", share=percent(share), amount=amount)
        if share < minimum:
            return False, _("Co-financing is %(share)s%% of the budget (%(amount)s); this call "
                            "requires at least %(min)s%%. Add contributions from the local "
                            "budget, the community or other donors.",
                            share=percent(share), amount=amount, min=percent(minimum))
        return True, _("Co-financing is %(share)s%% of the budget (%(amount)s), at least the "
                       "required %(min)s%%.", share=percent(share), amount=amount,
                       min=percent(minimum))

    return EligibilityRule(PREFIX + "cofinancing", check,
                           params={"min_cofinancing_percent": str(minimum)})


def budget_consistency_rule() -> EligibilityRule:
    """The requested amount equals the total of the budget lines paid by the grant."""

    def check(app):
        if not budget_lines(app.answers):
            return False, _("Fill in the budget: every cost with its quantity, unit cost and "
                            "funding source.")
        grant = grant_total(app.answers)
        if app.requested_amount is None:
            return False, _("Enter the requested amount: it must equal the total of the "
                            "budget lines paid by the grant, %(grant)s.", grant=kgs(grant))
        if grant != app.requested_amount:
            return False, _("The budget lines paid by the grant add up to %(grant)s, but the "
                            "requested amount is %(amount)s. Make the two equal.",
                            grant=kgs(grant), amount=kgs(app.requested_amount))
        return True, _("The requested amount equals the budget lines paid by the grant "
                       "(%(grant)s of a total budget of %(total)s).",
                       grant=kgs(grant), total=kgs(budget_total(app.answers)))

    return EligibilityRule(PREFIX + "budget_consistency", check)


def priority_date_rule(opens_at: datetime | None) -> EligibilityRule:
    """A warning (not blocking) when the priority was chosen after the call opened."""
    opened = opens_at.astimezone(TIMEZONE).date() if opens_at is not None else None

    def check(app):
        chosen = to_date(app.answers.get("priority_date"))
        if chosen is None:
            return False, _("Enter the date on which residents chose this priority.")
        if opened is None:
            return True, _("Residents chose this priority on %(date)s.", date=day(chosen))
        if chosen > opened:
            return False, _("Residents chose this priority on %(date)s, after the call opened "
                            "on %(opened)s. Programme staff will check that the priority was "
                            "not set only to apply for this grant.",
                            date=day(chosen), opened=day(opened))
        return True, _("Residents chose this priority on %(date)s, before the call opened.",
                       date=day(chosen))

    return EligibilityRule(PREFIX + "priority_date", check, blocking=False,
                           params={"opens_on": opened.isoformat() if opened else None})


def build_rules(competition: CompetitionInfo) -> list[EligibilityRule]:
    """Every small-grants rule for ``competition``, configured from its settings."""
    settings = competition.settings
    return [
        max_grant_rule(max_grant_limit(competition)),
        applications_per_organisation_rule(
            setting_int(settings, "max_applications_per_organisation")),
        duration_rule(setting_int(settings, "max_duration_months")),
        priority_evidence_rule(),
        council_resolution_rule(),
        budget_publication_rule(),
        cofinancing_rule(setting_decimal(settings, "min_cofinancing_percent")),
        budget_consistency_rule(),
        priority_date_rule(competition.opens_at),
    ]
