"""Eligibility rules of the citizen budget contest: pure functions of ``ApplicationInfo``.

Every rule has a code ``citizen_budget_contest.<name>`` and returns ``(passed, message)``; the
messages say what is missing and are shown to applicants as they are. The core adds the
applicant kind (executive LSG bodies) and the call's oblasts.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from gms.competition import CompetitionInfo, Spec, rule
from gms.competition.contract import Check
from gms.formatting import day, kgs, label_of
from gms.formatting import percent as pct

from . import edition
from .choices import DOCUMENT_LABELS, MINUTES, PRIZE_USE_CODES, PRIZE_USES
from .hearings import hearings, percent, totals
from .i18n import _, ngettext

PREFIX = "citizen_budget_contest."
#: the form's table: the rules read it as a list of rows whatever is stored
TABLES = ("hearings",)
DESCRIPTION_MIN = 20  # characters: a few words on what the prize buys


def _numbers(items) -> str:
    return ", ".join(str(h.number) for h in items)


# ------------------------------------------------------------------------------- rules


@rule(PREFIX + 'hearing_in_window', tables=TABLES)
def hearing_in_window_rule(year: int | None, start: date | None, end: date | None) -> Check:
    """At least one hearing on the draft budget for ``year`` held from ``start`` to ``end``
    (the call's hearings window)."""
    window = edition.Window(start, end)
    start = day(window.start) if window.start else "—"
    end = day(window.end) if window.end else "—"

    def check(app):
        rows = hearings(app.answers)
        good = [h for h in rows if h.on_draft and h.held_on in window]
        if good:
            return True, ngettext(
                "%(num)d public hearing on the draft budget for %(year)s was held between "
                "%(start)s and %(end)s.",
                "%(num)d public hearings on the draft budget for %(year)s were held between "
                "%(start)s and %(end)s.", len(good), year=year, start=start, end=end)
        if not rows:
            return False, _("Record your public hearings: at least one on the draft local "
                            "budget for %(year)s, held between %(start)s and %(end)s.",
                            year=year, start=start, end=end)
        return False, _("None of the hearings you recorded is on the draft budget for "
                        "%(year)s and held between %(start)s and %(end)s. Hearings outside "
                        "these dates, or on the execution of the budget, do not make the "
                        "municipality eligible on their own.", year=year, start=start, end=end)

    return check


@rule(PREFIX + 'hearing_records', tables=TABLES)
def hearing_records_rule() -> Check:
    """Every recorded hearing has its date, venue, subject, participants and women, with no
    more women than participants and the announcement before the hearing."""

    def check(app):
        rows = hearings(app.answers)
        if not rows:
            return False, _("Record at least one public hearing.")
        incomplete = [h for h in rows if h.missing()]
        if incomplete:
            return False, _("Complete the record of hearing %(numbers)s: the date, the venue, "
                            "the subject, the number of participants and of women.",
                            numbers=_numbers(incomplete))
        too_many = [h for h in rows if h.women > h.participants]
        if too_many:
            return False, _("Hearing %(numbers)s: there cannot be more women than "
                            "participants.", numbers=_numbers(too_many))
        late = [h for h in rows if h.lead_days is not None and h.lead_days < 0]
        if late:
            return False, _("Hearing %(numbers)s: the announcement date is after the "
                            "hearing.", numbers=_numbers(late))
        return True, ngettext("The record of %(num)d hearing is complete.",
                              "The records of all %(num)d hearings are complete.", len(rows))

    return check


@rule(PREFIX + 'minutes', tables=TABLES)
def minutes_rule() -> Check:
    """The minutes of the hearings are uploaded."""
    label = DOCUMENT_LABELS[MINUTES]

    def check(app):
        if MINUTES in app.attachment_kinds:
            return True, _("The minutes of the hearings are attached.")
        return False, _("Attach the minutes (протокол) of each hearing you recorded, as "
                        "“%(kind)s”.", kind=str(label))

    return check


@rule(PREFIX + 'women_share', blocking=False, tables=TABLES)
def women_share_rule(min_women_percent: Decimal) -> Check:
    """A warning (not blocking) when women were less than ``min_women_percent`` % of the
    participants."""

    def check(app):
        t = totals(app.answers)
        share = t.women_percent
        if share is None:
            return False, _("Enter the number of participants and of women for each hearing.")
        if share < min_women_percent:
            return False, _("Women were %(share)s%% of the participants (%(women)s of "
                            "%(total)s); the call expects at least %(min)s%%. The commission "
                            "will take this into account.", share=pct(share, 1), women=t.women,
                            total=t.participants, min=pct(min_women_percent, 1))
        return True, _("Women were %(share)s%% of the participants (%(women)s of %(total)s), "
                       "at least the %(min)s%% the call expects.", share=pct(share, 1),
                       women=t.women, total=t.participants, min=pct(min_women_percent, 1))

    return check


@rule(PREFIX + 'proposals_adopted', tables=TABLES)
def proposals_adopted_rule() -> Check:
    """No hearing reports more proposals adopted than received."""

    def check(app):
        rows = hearings(app.answers)
        wrong = [h for h in rows
                 if (h.proposals_adopted or 0) > (h.proposals_received or 0)]
        if wrong:
            return False, _("Hearing %(numbers)s: more proposals adopted than received. "
                            "Count only the citizens' proposals made at that hearing.",
                            numbers=_numbers(wrong))
        t = totals(app.answers)
        if not t.proposals_received:
            return True, _("No citizens' proposals were recorded at the hearings.")
        return True, _("Citizens made %(received)s proposals at the hearings; %(adopted)s "
                       "(%(share)s%%) were adopted into the budget, for %(amount)s.",
                       received=t.proposals_received, adopted=t.proposals_adopted,
                       share=pct(percent(t.proposals_adopted, t.proposals_received), 1),
                       amount=kgs(t.adopted_amount))

    return check


@rule(PREFIX + 'one_per_edition', tables=TABLES)
def one_per_edition_rule(year: int | None) -> Check:
    """One application per LSG body per edition (this call) about the budget of ``year``."""

    def check(app):
        if app.other_applications:
            return False, _("Your municipality has already submitted an application to this "
                            "edition of the contest (budget %(year)s). Withdraw it to submit "
                            "this one.", year=year)
        return True, _("This is your municipality's only application to this edition "
                       "(budget %(year)s).", year=year)

    return check


@rule(PREFIX + 'prize_use', tables=TABLES)
def prize_use_rule() -> Check:
    """The prize will buy equipment or pay for public events, and the applicant says what."""
    uses = " / ".join(str(label) for _code, label in PRIZE_USES)

    def check(app):
        use = app.answers.get("prize_use")
        if use not in PRIZE_USE_CODES:
            return False, _("Choose how your municipality will use the prize: %(uses)s. "
                            "Prize money may not be spent on anything else.", uses=uses)
        described = str(app.answers.get("prize_use_description") or "").strip()
        if len(described) < DESCRIPTION_MIN:
            return False, _("Describe what the prize will buy or which public events it will "
                            "pay for.")
        return True, _("The prize will be used for: %(use)s.", use=label_of(PRIZE_USES, use))

    return check


def rule_specs(competition: CompetitionInfo) -> list[Spec]:
    """Every rule of the contest for ``competition``, configured from its settings."""
    year = edition.budget_year(competition)
    window = edition.hearings_window(competition)
    return [
        hearing_in_window_rule(year, window.start, window.end),
        hearing_records_rule(),
        minutes_rule(),
        women_share_rule(edition.min_women_percent(competition.settings)),
        proposals_adopted_rule(),
        one_per_edition_rule(year),
        prize_use_rule(),
    ]


FACTORIES = (hearing_in_window_rule, hearing_records_rule, minutes_rule, women_share_rule,
             proposals_adopted_rule, one_per_edition_rule, prize_use_rule)
