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

from gms.answers import reading_tables, to_date, to_decimal, to_int
from gms.competition import CompetitionInfo, EligibilityRule
from gms.i18n import _, ngettext

from . import evidence
from .budget import (
    budget_lines,
    budget_total,
    cofinancing_percent,
    cofinancing_total,
    grant_total,
)
from .choices import (
    AGE_GROUP_CODES,
    AGE_GROUPS,
    DOCUMENT_LABELS,
    MEETING_MINUTES_KINDS,
    PRIORITY_EVIDENCE_KINDS,
    PRIORITY_SOURCES,
    ZHMBA,
    label_of,
)

PREFIX = "small_grants."
TIMEZONE = ZoneInfo("Asia/Bishkek")

DEFAULTS: dict[str, Any] = {
    "max_grant_kgs": 1000000,
    "max_applications_per_organisation": 2,
    "max_awards_per_organisation": 2,
    "min_cofinancing_percent": 0,
    "max_duration_months": 12,
    "min_minority_sex_percent": 30,
}

# The ЖМБА method (doc 002): at least 20 residents and 2 facilitators per session; a focus
# group of 20 to 25 people within two weeks of the sessions.
MIN_SESSION_PARTICIPANTS = 20
MIN_FACILITATORS = 2
FOCUS_GROUP_SIZE = (20, 25)
FOCUS_GROUP_WITHIN_DAYS = 14


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


# ------------------------------------------------- evidence of participatory priority-setting


def _problem(app) -> str:
    return str(app.answers.get("priority_problem") or "").strip()


def _source_label(app) -> str:
    return label_of(PRIORITY_SOURCES, app.answers.get("priority_source"))


def participation_rule() -> EligibilityRule:
    """Residents took part: ЖМБА sessions in the table, or hearing or gathering minutes."""

    def check(app):
        held = evidence.sessions(app.answers)
        if held:
            people = sum(s.participants for s in held)
            return True, ngettext(
                "Residents took part in %(num)d ЖМБА session, with %(people)d participants.",
                "Residents took part in %(num)d ЖМБА sessions, with %(people)d participants.",
                len(held), people=people)
        minutes = [k for k in MEETING_MINUTES_KINDS if k in app.attachment_kinds]
        if minutes:
            return True, _("Residents took part in a public meeting: %(docs)s attached.",
                           docs=documents(minutes))
        return False, _("Show how residents took part: record the ЖМБА sessions in their "
                        "table (village, date, age group, participants), or attach the minutes "
                        "of the public hearing or village gathering.")

    return EligibilityRule(PREFIX + "participation", check,
                           params={"kinds": list(MEETING_MINUTES_KINDS)})


def tally_rule() -> EligibilityRule:
    """The vote tally shows the chosen problem; a priority set at ЖМБА sessions needs one."""

    def check(app):
        votes = evidence.tally(app.answers)
        problem = _problem(app)
        if not votes:
            if app.answers.get("priority_source") == ZHMBA:
                return False, _("Residents chose this priority at ЖМБА sessions: fill in the "
                                "vote tally (village, problem, votes) so that it shows the "
                                "chosen problem.")
            return True, _("No vote tally is entered; residents chose the priority at: "
                           "%(where)s.", where=_source_label(app) or "—")
        if not problem:
            return False, _("Enter the chosen problem as it is named in the vote tally.")
        found = votes.find(problem)
        if found is None:
            return False, _("The vote tally does not show the problem “%(problem)s”. Name it "
                            "exactly as in the tally, or add its votes to the tally.",
                            problem=problem)
        return True, _("The vote tally shows “%(problem)s” with %(votes)d votes: rank "
                       "%(rank)d of %(count)d problems.", problem=found.problem,
                       votes=found.votes, rank=found.rank, count=len(votes.problems))

    return EligibilityRule(PREFIX + "tally", check)


def tally_rank_rule() -> EligibilityRule:
    """A warning when the stated rank or votes differ from the tally, or when the chosen
    problem is not among the five priorities."""

    def check(app):
        found = evidence.tally(app.answers).find(_problem(app))
        if found is None:
            return True, _("There is no vote tally of the chosen problem to compare its rank "
                           "with.")
        stated_rank = to_int(app.answers.get("priority_rank"))
        stated_votes = to_int(app.answers.get("priority_votes"))
        issues = []
        if stated_rank is not None and stated_rank != found.rank:
            issues.append(_("the tally ranks it %(rank)d (tied problems share a rank), the "
                            "application says %(stated)d", rank=found.rank, stated=stated_rank))
        if stated_votes is not None and stated_votes != found.votes:
            issues.append(_("the tally gives it %(votes)d votes, the application %(stated)d",
                            votes=found.votes, stated=stated_votes))
        if not found.priority:
            issues.append(_("with rank %(rank)d it is not among the residents' %(top)d "
                            "priorities", rank=found.rank, top=evidence.TOP))
        if issues:
            return False, _("Check “%(problem)s”: %(issues)s. Staff will compare it with the "
                            "session reports.", problem=found.problem, issues="; ".join(issues))
        return True, _("The rank (%(rank)d) of “%(problem)s” agrees with the vote tally; it is "
                       "among the residents' %(top)d priorities.", rank=found.rank,
                       problem=found.problem, top=evidence.TOP)

    return EligibilityRule(PREFIX + "tally_rank", check, blocking=False,
                           params={"priorities": evidence.TOP})


def gender_balance_rule(min_percent: Decimal | None) -> EligibilityRule:
    """A warning when women or men are under ``min_percent`` % of the participants of the
    ЖМБА sessions or of the focus group."""
    minimum = min_percent if min_percent is not None else Decimal(0)

    def check(app):
        groups = [(_("ЖМБА sessions"), evidence.session_headcount(app.answers))]
        focus = evidence.focus_group(app.answers)
        if focus is not None:
            groups.append((_("Focus group"), focus.headcount))
        groups = [(name, count) for name, count in groups if count.participants > 0]
        if not groups:
            return True, _("No participants of sessions or a focus group are recorded, so "
                           "there is no balance of women and men to check.")
        details = "; ".join(
            _("%(group)s: %(women)d women of %(people)d (%(share)s%%)", group=name,
              women=count.women, people=count.participants,
              share=percent(count.women_percent))
            for name, count in groups)
        if any(count.minority_percent < minimum for _name, count in groups):
            return False, _("Women or men make up less than %(min)s%% of the participants "
                            "(%(details)s). The programme expects each sex to be at least "
                            "%(min)s%%; staff will weigh this at screening.",
                            min=percent(minimum), details=details)
        return True, _("Women and men each make up at least %(min)s%% of the participants "
                       "(%(details)s).", min=percent(minimum), details=details)

    return EligibilityRule(PREFIX + "gender_balance", check, blocking=False,
                           params={"min_minority_sex_percent": str(minimum)})


def _session_name(session) -> str:
    return f"{session.village or '—'}, {label_of(AGE_GROUPS, session.age_group) or '—'}"


def sessions_rule() -> EligibilityRule:
    """A warning when the ЖМБА sessions depart from the method: every age group in every
    village, at least 20 participants and 2 facilitators per session."""

    def check(app):
        held = evidence.sessions(app.answers)
        if not held:
            return True, _("No ЖМБА sessions are recorded.")
        issues = []
        small = [_session_name(s) for s in held if s.participants < MIN_SESSION_PARTICIPANTS]
        if small:
            issues.append(_("fewer than %(min)d participants: %(sessions)s",
                            min=MIN_SESSION_PARTICIPANTS, sessions="; ".join(small)))
        alone = [_session_name(s) for s in held
                 if s.facilitators is None or s.facilitators < MIN_FACILITATORS]
        if alone:
            issues.append(_("fewer than %(min)d facilitators: %(sessions)s",
                            min=MIN_FACILITATORS, sessions="; ".join(alone)))
        missing = evidence.missing_age_groups(held, AGE_GROUP_CODES)
        if missing:
            issues.append(_("no session for: %(groups)s", groups="; ".join(
                f"{village} ({', '.join(label_of(AGE_GROUPS, g) for g in codes)})"
                for village, codes in missing.items())))
        if issues:
            return False, _("Some ЖМБА sessions depart from the method — %(issues)s. Staff "
                            "will weigh this at screening.", issues=" · ".join(issues))
        villages = len(evidence.session_villages(held))
        return True, _("The ЖМБА sessions follow the method: %(sessions)d sessions in "
                       "%(villages)d villages, every age group, each with at least %(people)d "
                       "participants and %(facilitators)d facilitators.",
                       sessions=len(held), villages=villages, people=MIN_SESSION_PARTICIPANTS,
                       facilitators=MIN_FACILITATORS)

    return EligibilityRule(PREFIX + "sessions", check, blocking=False, params={
        "min_participants": MIN_SESSION_PARTICIPANTS, "min_facilitators": MIN_FACILITATORS,
        "age_groups": list(AGE_GROUP_CODES)})


def focus_group_rule() -> EligibilityRule:
    """A warning when a priority set at ЖМБА sessions has no focus group, or when the focus
    group departs from the method (20–25 people, within two weeks of the sessions, the
    problem's causes, consequences, solutions and contributions analysed)."""
    low, high = FOCUS_GROUP_SIZE

    def check(app):
        focus = evidence.focus_group(app.answers)
        if focus is None:
            if app.answers.get("priority_source") == ZHMBA:
                return False, _("Describe the focus group that analysed the chosen problem "
                                "after the ЖМБА sessions: date, participants, causes, "
                                "consequences, solutions and contributions of the parties.")
            return True, _("No focus group is recorded; none is needed for a priority chosen "
                           "at a public hearing or village gathering.")
        issues = []
        if focus.participants is None or not low <= focus.participants <= high:
            issues.append(_("it should have %(low)d to %(high)d participants", low=low,
                            high=high))
        dates = [s.date for s in evidence.sessions(app.answers) if s.date]
        if focus.date is None:
            issues.append(_("its date is missing"))
        elif dates and focus.date < min(dates):
            issues.append(_("it met on %(date)s, before the ЖМБА sessions",
                            date=day(focus.date)))
        elif dates and (focus.date - max(dates)).days > FOCUS_GROUP_WITHIN_DAYS:
            issues.append(_("it met on %(date)s, more than %(days)d days after the last ЖМБА "
                            "session (%(last)s)", date=day(focus.date),
                            days=FOCUS_GROUP_WITHIN_DAYS, last=day(max(dates))))
        if focus.missing_analysis:
            issues.append(_("its analysis of the problem is incomplete"))
        if issues:
            return False, _("The focus group departs from the method: %(issues)s.",
                            issues="; ".join(issues))
        return True, _("The focus group of %(date)s (%(people)d participants) analysed the "
                       "problem's causes, consequences, solutions and the parties' "
                       "contributions.", date=day(focus.date), people=focus.participants)

    return EligibilityRule(PREFIX + "focus_group", check, blocking=False, params={
        "participants": [low, high], "within_days": FOCUS_GROUP_WITHIN_DAYS})


def timeline_rule() -> EligibilityRule:
    """A warning when the dates break the order of the method: the sessions, then the
    choice of the priority, then the council resolution."""

    def check(app):
        chosen = to_date(app.answers.get("priority_date"))
        if chosen is None:
            return True, _("The order of the dates is checked once the date residents chose "
                           "the priority is entered.")
        issues = []
        late = sorted({s.date for s in evidence.sessions(app.answers)
                       if s.date and s.date > chosen})
        if late:
            issues.append(_("ЖМБА sessions took place after that date (%(dates)s)",
                            dates=", ".join(day(d) for d in late)))
        resolution = to_date(app.answers.get("council_resolution_date"))
        if resolution is not None and resolution < chosen:
            issues.append(_("the council resolution is dated %(date)s, before it",
                            date=day(resolution)))
        if issues:
            return False, _("Residents chose the priority on %(date)s, but %(issues)s. Check "
                            "the dates.", date=day(chosen), issues="; ".join(issues))
        return True, _("The dates are in order: the sessions, residents' choice on %(date)s, "
                       "then the council resolution.", date=day(chosen))

    return EligibilityRule(PREFIX + "timeline", check, blocking=False)


#: the tables of the form: the rules read them as lists of rows whatever is stored
TABLES = ("zhmba_sessions", "vote_tally", "action_plan", "beneficiaries_by_village",
          "budget_lines")


def build_rules(competition: CompetitionInfo) -> list[EligibilityRule]:
    """Every small-grants rule for ``competition``, configured from its settings."""
    settings = competition.settings
    return reading_tables([
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
        participation_rule(),
        tally_rule(),
        tally_rank_rule(),
        gender_balance_rule(setting_decimal(settings, "min_minority_sex_percent")),
        sessions_rule(),
        focus_group_rule(),
        timeline_rule(),
    ], TABLES)
