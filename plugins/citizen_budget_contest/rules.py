"""Eligibility rules of the citizen budget contest: pure functions of ``ApplicationInfo``.

Every rule has a code ``citizen_budget_contest.<name>`` and returns ``(passed, message)``; the
messages say what is missing and are shown to applicants as they are. The core adds the
applicant kind (executive LSG bodies) and the call's oblasts.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from gms.answers import reading_tables
from gms.competition import CompetitionInfo, EligibilityRule
from gms.i18n import _, ngettext

from . import edition
from .choices import DOCUMENT_LABELS, MINUTES, PRIZE_USE_CODES, PRIZE_USES, label_of
from .hearings import hearings, percent, totals

PREFIX = "citizen_budget_contest."
DESCRIPTION_MIN = 20  # characters: a few words on what the prize buys


# --------------------------------------------------------------------------- formatting


def kgs(amount: Decimal) -> str:
    """An amount in KGS in the current locale (plain ``1 000 KGS`` outside the app)."""
    from flask import has_app_context

    if has_app_context():
        from gms.i18n import money

        return money(amount)
    whole = amount == amount.to_integral_value()
    text = f"{amount:,.0f}" if whole else f"{amount:,.2f}"
    return text.replace(",", "\u00a0") + "\u00a0KGS"


def pct(value: Decimal) -> str:
    """A percentage without trailing zeros in the current locale: ``28,6`` or ``28.6``."""
    from flask import has_app_context

    if has_app_context():
        from flask_babel import format_decimal

        return format_decimal(value, format="#,##0.#")
    text = f"{value.quantize(Decimal('0.1')):f}"
    return text[:-2] if text.endswith(".0") else text


def points(value: Decimal) -> str:
    """A score in the current locale: ``84,5`` or ``84.5``."""
    from flask import has_app_context

    if has_app_context():
        from gms.i18n import number

        return number(value)
    text = f"{Decimal(value).quantize(Decimal('0.01')):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def day(value: date) -> str:
    from flask import has_app_context

    if has_app_context():
        from flask_babel import format_date

        return format_date(value, "long")
    return value.isoformat()


def _numbers(items) -> str:
    return ", ".join(str(h.number) for h in items)


# ------------------------------------------------------------------------------- rules


def hearing_in_window_rule(competition: CompetitionInfo) -> EligibilityRule:
    """At least one hearing on the draft budget held inside the call's hearings window."""
    year = edition.budget_year(competition)
    window = edition.hearings_window(competition)
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

    return EligibilityRule(PREFIX + "hearing_in_window", check, params={
        "budget_year": year,
        "from": window.start.isoformat() if window.start else None,
        "to": window.end.isoformat() if window.end else None})


def hearing_records_rule() -> EligibilityRule:
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

    return EligibilityRule(PREFIX + "hearing_records", check)


def minutes_rule() -> EligibilityRule:
    """The minutes of the hearings are uploaded."""
    label = DOCUMENT_LABELS[MINUTES]

    def check(app):
        if MINUTES in app.attachment_kinds:
            return True, _("The minutes of the hearings are attached.")
        return False, _("Attach the minutes (протокол) of each hearing you recorded, as "
                        "“%(kind)s”.", kind=str(label))

    return EligibilityRule(PREFIX + "minutes", check, params={"kind": MINUTES})


def women_share_rule(minimum: Decimal) -> EligibilityRule:
    """A warning (not blocking) when women were less than ``minimum`` % of the participants."""

    def check(app):
        t = totals(app.answers)
        share = t.women_percent
        if share is None:
            return False, _("Enter the number of participants and of women for each hearing.")
        if share < minimum:
            return False, _("Women were %(share)s%% of the participants (%(women)s of "
                            "%(total)s); the call expects at least %(min)s%%. The commission "
                            "will take this into account.", share=pct(share), women=t.women,
                            total=t.participants, min=pct(minimum))
        return True, _("Women were %(share)s%% of the participants (%(women)s of %(total)s), "
                       "at least the %(min)s%% the call expects.", share=pct(share),
                       women=t.women, total=t.participants, min=pct(minimum))

    return EligibilityRule(PREFIX + "women_share", check, blocking=False,
                           params={"min_women_percent": str(minimum)})


def proposals_adopted_rule() -> EligibilityRule:
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
                       share=pct(percent(t.proposals_adopted, t.proposals_received)),
                       amount=kgs(t.adopted_amount))

    return EligibilityRule(PREFIX + "proposals_adopted", check)


def one_per_edition_rule(competition: CompetitionInfo) -> EligibilityRule:
    """One application per LSG body per edition (this call)."""
    year = edition.budget_year(competition)

    def check(app):
        if app.other_applications:
            return False, _("Your municipality has already submitted an application to this "
                            "edition of the contest (budget %(year)s). Withdraw it to submit "
                            "this one.", year=year)
        return True, _("This is your municipality's only application to this edition "
                       "(budget %(year)s).", year=year)

    return EligibilityRule(PREFIX + "one_per_edition", check, params={"max": 1})


def prize_use_rule() -> EligibilityRule:
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

    return EligibilityRule(PREFIX + "prize_use", check, params={"uses": list(PRIZE_USE_CODES)})


#: the form's table: the rules read it as a list of rows whatever is stored
TABLES = ("hearings",)


def build_rules(competition: CompetitionInfo) -> list[EligibilityRule]:
    """Every rule of the contest for ``competition``, configured from its settings."""
    return reading_tables([
        hearing_in_window_rule(competition),
        hearing_records_rule(),
        minutes_rule(),
        women_share_rule(edition.min_women_percent(competition.settings)),
        proposals_adopted_rule(),
        one_per_edition_rule(competition),
        prize_use_rule(),
    ], TABLES)
