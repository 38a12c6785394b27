"""Eligibility rules of the municipal variant: a municipality's own call for local
initiatives, financed from its budget."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from gms.answers import to_date
from gms.competition import ApplicationInfo, CompetitionInfo, Spec, rule
from gms.competition.budget import filled
from gms.competition.contract import Check
from gms.formatting import day, kgs, label_of, number

from . import budget
from .choices import CO_FINANCING, COMPLETION, FINANCING_TYPES, MUNICIPAL_REQUIRED_DOCUMENTS
from .i18n import _, ngettext
from .rules import MUNICIPAL, TABLES, Outcome, documents_check, participation_check, plan_rows
from .terms import municipal_terms

# --------------------------------------------------------------------------- municipal


@rule(MUNICIPAL + 'organiser', tables=TABLES)
def organiser_rule(organiser: str | None) -> Check:
    """The call is run by a municipality (its staff created it), named ``organiser``."""

    def check(app: ApplicationInfo) -> Outcome:
        if organiser is None:
            return False, _("This call has no organising municipality. Calls for local "
                            "initiatives are run by a municipality's own staff: ask them to "
                            "create it.")
        return True, _("The call is run by %(name)s.", name=organiser)

    return check


@rule(MUNICIPAL + 'territory', tables=TABLES)
def territory_rule(organiser: str | None, code: str | None) -> Check:
    """The applicant belongs to the territory ``code`` of the organiser (unknown territory
    passes here and is flagged by :func:`territory_known_rule`)."""

    def check(app: ApplicationInfo) -> Outcome:
        if organiser is None or not code:
            return False, _("The call has no organising municipality, so its territory is "
                            "unknown.")
        mine = app.organisation.territory_code
        if not mine:
            return True, _("Your organisation names no municipality; the organiser checks at "
                           "screening that the initiative is in %(name)s.", name=organiser)
        if mine != code:
            return False, _("Only residents, groups and organisations of %(name)s may apply "
                            "to this call; your organisation is registered in another "
                            "municipality.", name=organiser)
        return True, _("Your organisation is in %(name)s, the organising municipality.",
                       name=organiser)

    return check


@rule(MUNICIPAL + 'territory_known', blocking=False, tables=TABLES)
def territory_known_rule(name: str) -> Check:
    """A warning when the applicant's registration names no municipality (the organiser's
    ``name`` is in the message)."""

    def check(app: ApplicationInfo) -> Outcome:
        if app.organisation.territory_code:
            return True, _("The municipality of your organisation is known.")
        return False, _("Your organisation names no municipality. The organiser will check "
                        "that your initiative is in %(name)s.", name=name)

    return check


@rule(MUNICIPAL + 'cap', tables=TABLES)
def cap_rule(cap: Decimal | None) -> Check:
    """The requested amount is positive and at most the ``cap`` per initiative."""

    def check(app: ApplicationInfo) -> Outcome:
        amount = app.requested_amount
        if amount is None:
            return False, _("Enter the amount you request from the local budget.")
        if amount <= 0:
            return False, _("The requested amount must be more than zero.")
        if cap is None:
            return True, _("The requested amount is %(amount)s; this call sets no maximum.",
                           amount=kgs(amount))
        if amount > cap:
            return False, _("The requested amount, %(amount)s, is more than this call's "
                            "maximum of %(cap)s per initiative.",
                            amount=kgs(amount), cap=kgs(cap))
        return True, _("The requested amount, %(amount)s, is within the maximum of %(cap)s "
                       "per initiative.", amount=kgs(amount), cap=kgs(cap))

    return check


@rule(MUNICIPAL + 'financing_type', tables=TABLES)
def financing_type_rule(financing_types: tuple[str, ...]) -> Check:
    """The financing type is one the call accepts, and the application fits it:
    co-financing brings its own resources, completion shows what was achieved."""
    allowed = financing_types

    def check(app: ApplicationInfo) -> Outcome:
        chosen = app.answers.get("financing_type") or ""
        if not allowed:
            return False, _("This call accepts no financing type; contact the organiser.")
        if chosen not in (CO_FINANCING, COMPLETION):
            return False, _("Choose the financing type: co-financing or completion.")
        name = label_of(FINANCING_TYPES, chosen)
        if chosen not in allowed:
            return False, _("This call does not accept this financing type: %(type)s.",
                            type=name)
        if chosen == CO_FINANCING and budget.read(app.answers).contribution <= 0:
            return False, _("Co-financing is for initiatives that already have money, labour "
                            "or other resources: add them to the budget as your own "
                            "contribution or attracted funds.")
        if chosen == COMPLETION and not filled(app.answers.get("achieved")):
            return False, _("For completion, describe the results already achieved.")
        return True, _("Financing type: %(type)s.", type=name)

    return check


@rule(MUNICIPAL + 'contribution', tables=TABLES)
def contribution_rule(min_contribution_percent: Decimal) -> Check:
    """Own contribution and attracted funds are at least the call's minimum share."""
    minimum = min_contribution_percent

    def check(app: ApplicationInfo) -> Outcome:
        spent = budget.read(app.answers)
        share = spent.contribution_percent
        if share is None:
            if minimum <= 0:
                return True, _("This call sets no minimum contribution.")
            return False, _("Fill in the budget: at least %(min)s%% of it must be your own "
                            "contribution or attracted funds.", min=number(minimum))
        amount = kgs(spent.contribution)
        if minimum <= 0:
            return True, _("Your own contribution and attracted funds are %(share)s%% of the "
                           "budget (%(amount)s); this call sets no minimum.",
                           share=number(share), amount=amount)
        if share < minimum:
            return False, _("Your own contribution and attracted funds are %(share)s%% of the "
                            "budget (%(amount)s); this call requires at least %(min)s%%.",
                            share=number(share), amount=amount, min=number(minimum))
        return True, _("Your own contribution and attracted funds are %(share)s%% of the "
                       "budget (%(amount)s), at least the required %(min)s%%.",
                       share=number(share), amount=amount, min=number(minimum))

    return check


@rule(MUNICIPAL + 'budget', tables=TABLES)
def budget_rule() -> Check:
    """The requested amount equals the budget lines paid from the local budget."""
    def check(app: ApplicationInfo) -> Outcome:
        spent = budget.read(app.answers)
        if not spent.lines:
            return False, _("Fill in the budget: each cost with its quantity, unit cost and "
                            "who pays it.")
        local = spent.requested
        if app.requested_amount is None:
            return False, _("Enter the requested amount: it must equal the budget lines paid "
                            "from the local budget, %(local)s.", local=kgs(local))
        if local != app.requested_amount:
            return False, _("The budget lines paid from the local budget add up to "
                            "%(local)s, but the requested amount is %(amount)s. Make the two "
                            "equal.", local=kgs(local), amount=kgs(app.requested_amount))
        return True, _("The requested amount equals the budget lines paid from the local "
                       "budget (%(local)s of a total budget of %(total)s).",
                       local=kgs(local), total=kgs(spent.total))

    return check


@rule(MUNICIPAL + 'plan', tables=TABLES)
def plan_rule(implementation_deadline: date | None) -> Check:
    """The implementation plan has dated activities, finished by the call's deadline."""
    deadline = implementation_deadline

    def check(app: ApplicationInfo) -> Outcome:
        activities = plan_rows(app.answers)
        if not activities:
            return False, _("Fill in the implementation plan: each activity with its dates "
                            "and who is responsible.")
        for row in activities:
            starts, ends = to_date(row.get("starts_on")), to_date(row.get("ends_on"))
            name = str(row.get("activity") or "").strip() or "—"
            if starts is None or ends is None:
                return False, _("Give every activity of the plan a start and an end date.")
            if ends < starts:
                return False, _("The activity “%(activity)s” ends before it starts.",
                                activity=name)
            if deadline is not None and ends > deadline:
                return False, _("The activity “%(activity)s” ends on %(end)s, after this "
                                "call's implementation deadline (%(deadline)s).",
                                activity=name, end=day(ends), deadline=day(deadline))
        if deadline is not None:
            return True, ngettext("The plan has %(num)d activity, finished by the deadline "
                                  "(%(deadline)s).", "The plan has %(num)d activities, all "
                                  "finished by the deadline (%(deadline)s).", len(activities),
                                  deadline=day(deadline))
        return True, ngettext("The plan has %(num)d activity.",
                              "The plan has %(num)d activities.", len(activities))

    return check


municipal_participation_rule = rule(MUNICIPAL + "participation", tables=TABLES)(
    participation_check)
municipal_documents_rule = rule(MUNICIPAL + "documents", tables=TABLES)(documents_check)


def municipal_rule_specs(competition: CompetitionInfo) -> list[Spec]:
    """Every rule of the municipal variant for ``competition``, from its terms."""
    terms = municipal_terms(competition)
    organiser = competition.organiser
    name = organiser.name if organiser else None
    return [
        organiser_rule(name), territory_rule(name, organiser.territory_code if organiser
                                             else None),
        territory_known_rule(name or "—"), cap_rule(terms.cap),
        financing_type_rule(tuple(terms.financing_types)),
        contribution_rule(terms.min_contribution_percent), budget_rule(),
        plan_rule(terms.implementation_deadline),
        municipal_participation_rule("beneficiaries", "beneficiaries_women",
                                     beneficiaries=True),
        municipal_documents_rule(tuple(MUNICIPAL_REQUIRED_DOCUMENTS)),
    ]


MUNICIPAL_FACTORIES = (organiser_rule, territory_rule, territory_known_rule, cap_rule,
                       financing_type_rule, contribution_rule, budget_rule, plan_rule,
                       municipal_participation_rule, municipal_documents_rule)
