"""Eligibility rules of pilot selection (Section II of the call, and its documents).

Each factory returns an :class:`EligibilityRule` whose check reads only the
:class:`ApplicationInfo` it is given. Messages are translated when the check runs, name what
passed or what is missing, and are shown to the applicant as they are.

Section II: a pilot is an aiyl aimak or small town that (1) is interested in improving the
budget process and in involving citizens, (2) carries out joint activities and projects of
the local self-government and the community, and (3) has NGOs, formal and informal groups and
citizens' associations working in it. Heads who were appointed recently, or who have little
experience with communities, NGOs and donors, may describe an idea they want to carry out and
the help they need instead of past activities: criterion 2 never fails on its own when such
an idea is given.
"""

from __future__ import annotations

from datetime import datetime

from gms.answers import to_date
from gms.competition import CompetitionInfo, Spec, rule
from gms.competition.contract import Check
from gms.formatting import day

from .answers import (
    checked,
    declarations_missing,
    ideas,
    past_activities,
    population_problems,
    rows,
    section,
    text,
)
from .choices import DOCUMENT_LABELS, JOINT_DECISION, SIGNED_LETTER
from .i18n import _, ngettext
from .settings import TIMEZONE, activities_months

PREFIX = "pilot_selection."
LOCAL_UNITS = ("aiyl_aimak", "town_or_pgt")


def _document(kind: str) -> str:
    return str(DOCUMENT_LABELS[kind])


# ------------------------------------------------------------------------------- rules


@rule(PREFIX + 'local_unit')
def local_unit_rule() -> Check:
    """The applicant is an aiyl aimak or a small town of the reference list."""

    def check(app):
        org = app.organisation
        if org.territory_kind in LOCAL_UNITS:
            return True, _("%(name)s is an aiyl aimak or town of the reference list.",
                           name=org.name)
        return False, _("Only an aiyl aimak or a small town can become a pilot: register your "
                        "account with your aiyl aimak or town from the list of local units.")

    return check


@rule(PREFIX + 'one_letter')
def one_letter_rule() -> Check:
    """One letter of interest per municipality and call."""

    def check(app):
        if app.other_applications:
            return False, _("Your municipality has already submitted a letter of interest in "
                            "this call. Withdraw it to submit this one.")
        return True, _("This is your municipality's only letter of interest in this call.")

    return check


@rule(PREFIX + 'interest')
def interest_rule() -> Check:
    """Criterion 1: the letter of interest, signed for the head and the council chair, with
    its declarations ticked."""

    def check(app):
        letter = section(app.answers, "letter")
        missing = []
        if not text(letter.get("head_name")):
            missing.append(_("the name of the head of the aiyl okmotu or the mayor"))
        if not text(letter.get("council_chair_name")):
            missing.append(_("the name of the chair of the local council"))
        for key in declarations_missing(app.answers):
            missing.append({
                "declaration_cooperation": _("the declaration that you wish, are able and "
                                             "are ready to cooperate"),
                "declaration_action_plan": _("the commitment to the joint action plan"),
                "declaration_open_governance": _("the confirmation of open governance and "
                                                 "open budget information"),
            }[key])
        if missing:
            return False, _("Criterion 1 (interest in a better budget process and in involving "
                            "citizens): the letter of interest still needs %(missing)s.",
                            missing="; ".join(missing))
        return True, _("Criterion 1: the letter of interest of the head and of the council "
                       "chair declares the interest, with every commitment ticked.")

    return check


@rule(PREFIX + 'joint_decision')
def joint_decision_rule(deadline_at: datetime | None) -> Check:
    """The aiyl okmotu and the council adopted a joint decision (step 1), before the
    deadline, and it is attached."""
    last_day = deadline_at.astimezone(TIMEZONE).date() if deadline_at else None

    def check(app):
        letter = section(app.answers, "letter")
        number = text(letter.get("joint_decision_number"))
        adopted = to_date(letter.get("joint_decision_date"))
        if not number or adopted is None:
            return False, _("Enter the number and the date of the joint decision of the aiyl "
                            "okmotu and the local council to become a pilot partner.")
        if last_day is not None and adopted > last_day:
            return False, _("The joint decision is dated %(date)s, after the deadline of the "
                            "call. Enter the date it was adopted.", date=day(adopted))
        if JOINT_DECISION not in app.attachment_kinds:
            return False, _("Attach the joint decision No. %(number)s of %(date)s: %(doc)s.",
                            number=number, date=day(adopted), doc=_document(JOINT_DECISION))
        return True, _("The joint decision No. %(number)s of %(date)s is attached.",
                       number=number, date=day(adopted))

    return check


@rule(PREFIX + 'signed_letter')
def signed_letter_rule() -> Check:
    """The letter on the letterhead, signed and sealed, is attached as a scan."""

    def check(app):
        if SIGNED_LETTER in app.attachment_kinds:
            return True, _("The signed and sealed letter of interest is attached.")
        return False, _("Attach the scan of the letter of interest on the aiyl okmotu's "
                        "letterhead, signed by the head (mayor) and by the chair of the local "
                        "council, with the seal.")

    return check


@rule(PREFIX + 'action_plan')
def action_plan_rule() -> Check:
    """The letter carries a joint action plan (it becomes part of the memorandum)."""

    def check(app):
        plan = rows(app.answers, "action_plan")
        if not plan:
            return False, _("Add the joint action plan: at least one activity the council, the "
                            "aiyl okmotu staff and residents will carry out with the Project.")
        return True, ngettext("The joint action plan has %(num)d activity.",
                              "The joint action plan has %(num)d activities.", len(plan))

    return check


@rule(PREFIX + 'joint_activities')
def joint_activities_rule(months: int) -> Check:
    """Criterion 2: joint activities of the last ``months`` months (Part 2) — or, for a newly
    appointed or inexperienced head, an idea and the help needed, which never fails here."""

    def check(app):
        done, planned = past_activities(app.answers), ideas(app.answers)
        if done and planned:
            return True, _("Criterion 2: %(done)s and %(ideas)s listed in Part 2.",
                           done=_activities(len(done)), ideas=_ideas(len(planned)))
        if done:
            return True, _("Criterion 2: %(done)s of the last %(months)d months listed in "
                           "Part 2.", done=_activities(len(done)), months=months)
        if planned:
            return True, _("Criterion 2: no past joint activity is listed, but Part 2 "
                           "describes %(ideas)s and the help needed. The call allows this for "
                           "newly appointed heads and those new to working with communities, "
                           "NGOs and donors; the commission assesses the idea.",
                           ideas=_ideas(len(planned)))
        if checked(app.answers.get("head_newly_appointed")):
            return False, _("Criterion 2: as a newly appointed head, describe in Part 2 an idea "
                            "you want to carry out with residents and the help you need "
                            "(row type “idea, help needed”).")
        return False, _("Criterion 2: list in Part 2 the joint activities of the local "
                        "self-government and residents of the last %(months)d months. A newly "
                        "appointed head may describe an idea and the help needed instead.",
                        months=months)

    return check


def _activities(n: int) -> str:
    return ngettext("%(num)d joint activity", "%(num)d joint activities", n)


def _ideas(n: int) -> str:
    return ngettext("%(num)d idea", "%(num)d ideas", n)


@rule(PREFIX + 'civic_groups')
def civic_groups_rule() -> Check:
    """Criterion 3: NGOs, formal or informal groups or associations work there (Part 3)."""

    def check(app):
        groups = rows(app.answers, "civic_groups")
        if not groups:
            return False, _("Criterion 3: list in Part 3 the NGOs, formal and informal groups "
                            "and citizens' associations working in your aiyl aimak or town.")
        return True, ngettext("Criterion 3: %(num)d group or organisation working in your "
                              "area is listed in Part 3.",
                              "Criterion 3: %(num)d groups and organisations working in your "
                              "area are listed in Part 3.", len(groups))

    return check


@rule(PREFIX + 'population', blocking=False)
def population_rule() -> Check:
    """A warning (not blocking) when the population by village, sex or ethnicity does not add
    up to the total."""

    def check(app):
        problems = population_problems(app.answers)
        if not problems:
            return True, _("The population figures add up.")
        names = {"villages": _("by village"), "sex": _("by sex"),
                 "ethnicity": _("by ethnicity")}
        return False, "; ".join(_(
            "The population %(breakdown)s adds up to %(sum)d, but the total is %(total)d.",
            breakdown=names[kind], sum=found, total=total) for kind, found, total in problems)

    return check


def rule_specs(competition: CompetitionInfo) -> list[Spec]:
    """Every pilot-selection rule for ``competition``, configured from its settings."""
    return [
        local_unit_rule(),
        one_letter_rule(),
        interest_rule(),
        joint_decision_rule(competition.deadline_at),
        signed_letter_rule(),
        action_plan_rule(),
        joint_activities_rule(activities_months(competition)),
        civic_groups_rule(),
        population_rule(),
    ]


FACTORIES = (local_unit_rule, one_letter_rule, interest_rule, joint_decision_rule,
             signed_letter_rule, action_plan_rule, joint_activities_rule, civic_groups_rule,
             population_rule)
