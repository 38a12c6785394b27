"""Eligibility rules of the small-grants competition, built from a call's settings.

Each factory returns an :class:`EligibilityRule` whose check reads only the
:class:`ApplicationInfo` it is given. Messages are translated when the check runs (inside the
app), name what passed or what is missing, and are shown to applicants as they are.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from gms.answers import to_date, to_int
from gms.competition import CompetitionInfo, rule
from gms.competition.contract import Check
from gms.formatting import day, kgs, percent

from .budget import read
from .choices import (
    DOCUMENT_LABELS,
    PRIORITY_EVIDENCE_KINDS,
)
from .i18n import _

PREFIX = "small_grants."
#: the tables of the form: the rules read them as lists of rows whatever is stored
TABLES = ("zhmba_sessions", "vote_tally", "action_plan", "beneficiaries_by_village",
          "budget_lines")
TIMEZONE = ZoneInfo("Asia/Bishkek")

#: the settings' defaults, of their declared kinds (a call's settings arrive typed)
DEFAULTS: dict[str, Any] = {
    "max_grant_kgs": Decimal(1000000),
    "max_applications_per_organisation": 2,
    "max_awards_per_organisation": 2,
    "min_cofinancing_percent": Decimal(0),
    "max_duration_months": 12,
    "min_minority_sex_percent": Decimal(30),
}

# The ЖМБА method (doc 002): at least 20 residents and 2 facilitators per session; a focus
# group of 20 to 25 people within two weeks of the sessions.
MIN_SESSION_PARTICIPANTS = 20
MIN_FACILITATORS = 2
FOCUS_GROUP_SIZE = (20, 25)
FOCUS_GROUP_WITHIN_DAYS = 14


def max_grant_limit(competition: CompetitionInfo) -> Decimal | None:
    """The lower of the call's maximum grant and the ``max_grant_kgs`` setting."""
    own = competition.settings.get("max_grant_kgs", DEFAULTS["max_grant_kgs"])
    limits = [x for x in (own, competition.max_grant) if x is not None]
    return min(limits) if limits else None


def documents(kinds) -> str:
    return "; ".join(str(DOCUMENT_LABELS.get(k, k)) for k in kinds)

# ------------------------------------------------------------------------------- rules


@rule(PREFIX + 'max_grant', tables=TABLES)
def max_grant_rule(limit: Decimal | None) -> Check:
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

    return check


@rule(PREFIX + 'applications_per_organisation', tables=TABLES)
def applications_per_organisation_rule(limit: int | None) -> Check:
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

    return check


@rule(PREFIX + 'duration', tables=TABLES)
def duration_rule(max_months: int | None) -> Check:
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

    return check


@rule(PREFIX + 'priority_evidence', tables=TABLES)
def priority_evidence_rule() -> Check:
    """One document shows residents chose the priority: ЖМБА report, hearing or gathering
    minutes."""

    def check(app):
        found = [k for k in PRIORITY_EVIDENCE_KINDS if k in app.attachment_kinds]
        if found:
            return True, _("Evidence that residents chose this priority is attached: "
                           "%(docs)s.", docs=documents(found))
        return False, _("Attach the evidence that residents chose this priority, one of: "
                        "%(docs)s.", docs=documents(PRIORITY_EVIDENCE_KINDS))

    return check


@rule(PREFIX + 'council_resolution', tables=TABLES)
def council_resolution_rule() -> Check:
    def check(app):
        if "council_resolution" in app.attachment_kinds:
            return True, _("The resolution of the local council approving the project is "
                           "attached.")
        return False, _("Attach the resolution (токтом) of the local council that approves "
                        "the project and the municipality's contribution.")

    return check


@rule(PREFIX + 'budget_publication', tables=TABLES)
def budget_publication_rule() -> Check:
    def check(app):
        if "budget_publication" in app.attachment_kinds:
            return True, _("Proof that the local budget is published is attached.")
        return False, _("Attach proof that your local budget is public: a photo of the "
                        "information board, a page of the website or the citizens' budget.")

    return check


@rule(PREFIX + 'cofinancing', tables=TABLES)
def cofinancing_rule(min_percent: Decimal | None) -> Check:
    """Non-grant sources pay at least ``min_percent`` % of the whole budget."""
    minimum = min_percent or Decimal(0)

    def check(app):
        spent = read(app.answers)
        share = spent.contribution_percent
        if share is None:
            if minimum <= 0:
                return True, _("This call sets no minimum co-financing.")
            return False, _("Fill in the budget lines: at least %(min)s%% of the budget must "
                            "come from sources other than the grant.", min=percent(minimum))
        amount = kgs(spent.contribution)
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

    return check


@rule(PREFIX + 'budget_consistency', tables=TABLES)
def budget_consistency_rule() -> Check:
    """The requested amount equals the total of the budget lines paid by the grant."""

    def check(app):
        spent = read(app.answers)
        if not spent.lines:
            return False, _("Fill in the budget: every cost with its quantity, unit cost and "
                            "funding source.")
        grant = spent.requested
        if app.requested_amount is None:
            return False, _("Enter the requested amount: it must equal the total of the "
                            "budget lines paid by the grant, %(grant)s.", grant=kgs(grant))
        if grant != app.requested_amount:
            return False, _("The budget lines paid by the grant add up to %(grant)s, but the "
                            "requested amount is %(amount)s. Make the two equal.",
                            grant=kgs(grant), amount=kgs(app.requested_amount))
        return True, _("The requested amount equals the budget lines paid by the grant "
                       "(%(grant)s of a total budget of %(total)s).",
                       grant=kgs(grant), total=kgs(spent.total))

    return check


@rule(PREFIX + 'priority_date', blocking=False, tables=TABLES)
def priority_date_rule(opens_at: datetime | None) -> Check:
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

    return check
