"""Eligibility rules on the evidence that residents chose the priority: ЖМБА sessions,
vote tally, focus group, gender balance and the order of the dates (warnings, mostly).
"""

from __future__ import annotations

from decimal import Decimal

from gms.answers import to_date, to_int
from gms.competition import rule
from gms.competition.contract import Check
from gms.formatting import day, label_of, percent

from . import evidence
from .choices import AGE_GROUP_CODES, AGE_GROUPS, MEETING_MINUTES_KINDS, PRIORITY_SOURCES, ZHMBA
from .i18n import _, ngettext
from .rules import (
    FOCUS_GROUP_SIZE,
    FOCUS_GROUP_WITHIN_DAYS,
    MIN_FACILITATORS,
    MIN_SESSION_PARTICIPANTS,
    PREFIX,
    TABLES,
    documents,
)

# ------------------------------------------------- evidence of participatory priority-setting


def _problem(app) -> str:
    return str(app.answers.get("priority_problem") or "").strip()


def _source_label(app) -> str:
    return label_of(PRIORITY_SOURCES, app.answers.get("priority_source"))


@rule(PREFIX + 'participation', tables=TABLES)
def participation_rule() -> Check:
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

    return check


@rule(PREFIX + 'tally', tables=TABLES)
def tally_rule() -> Check:
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

    return check


@rule(PREFIX + 'tally_rank', blocking=False, tables=TABLES)
def tally_rank_rule() -> Check:
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

    return check


@rule(PREFIX + 'gender_balance', blocking=False, tables=TABLES)
def gender_balance_rule(min_percent: Decimal | None) -> Check:
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

    return check


def _session_name(session) -> str:
    return f"{session.village or '—'}, {label_of(AGE_GROUPS, session.age_group) or '—'}"


@rule(PREFIX + 'sessions', blocking=False, tables=TABLES)
def sessions_rule() -> Check:
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

    return check


@rule(PREFIX + 'focus_group', blocking=False, tables=TABLES)
def focus_group_rule() -> Check:
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

    return check


@rule(PREFIX + 'timeline', blocking=False, tables=TABLES)
def timeline_rule() -> Check:
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

    return check
