"""Eligibility rules of both variants: pure functions of ``ApplicationInfo``.

Each rule returns ``(passed, message)``, the message written for the applicant in their
language. :func:`contest_rules` and :func:`municipal_rules` build the list for a call from its
terms (:mod:`.terms`); rules shared by the variants take the variant's code prefix.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from gms.answers import reading_tables, to_int
from gms.competition import ApplicationInfo, CompetitionInfo, EligibilityRule
from gms.i18n import _, _l, ngettext

from . import budget
from .choices import (
    APPLICANT_ROLES,
    CO_FINANCING,
    COMPLETION,
    DOCUMENT_LABELS,
    FINANCING_TYPES,
    ISSUE_AREAS,
    MUNICIPAL_REQUIRED_DOCUMENTS,
    ROLE_KINDS,
    label_of,
)
from .money import filled, kgs, number, rows
from .terms import ContestTerms, MunicipalTerms, contest_terms, municipal_terms, parse_day

CONTEST = "local_initiative."
MUNICIPAL = "local_initiative.municipal."

# the core's names of the organisation kinds (msgids of the registration form)
ORG_KINDS = {
    "municipality": _l("Municipality (aiyl okmotu or town)"),
    "ngo": _l("Non-governmental organisation"),
    "initiative_group": _l("Initiative group"),
}

Check = tuple[bool, str]


# ----------------------------------------------------------------------------- helpers


def day(value: date) -> str:
    """A date in the current locale's long format (ISO outside the app)."""
    from flask import has_app_context

    if has_app_context():
        from flask_babel import format_date

        return format_date(value, "long")
    return value.isoformat()


def documents_text(kinds: Sequence[str]) -> str:
    return "; ".join(str(DOCUMENT_LABELS.get(k, k)) for k in kinds)


def co_applicants(answers: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return rows(answers, "co_applicants", ("name", "kind", "role"))


def plan_rows(answers: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return rows(answers, "plan", ("activity", "starts_on", "ends_on", "responsible"))


# ---------------------------------------------------------------------- shared by both


def documents_rule(prefix: str, kinds: Sequence[str]) -> EligibilityRule:
    """Every document of ``kinds`` is attached."""
    kinds = tuple(kinds)

    def check(app: ApplicationInfo) -> Check:
        missing = [k for k in kinds if k not in app.attachment_kinds]
        if missing:
            return False, _("Attach the documents this call requires: %(docs)s.",
                            docs=documents_text(missing))
        return True, _("The required documents are attached: %(docs)s.",
                       docs=documents_text(kinds))

    return EligibilityRule(prefix + "documents", check, params={"kinds": list(kinds)})


def participation_rule(prefix: str, total_key: str, women_key: str,
                       beneficiaries: bool = False) -> EligibilityRule:
    """A number of residents (participants, or beneficiaries), at least one, and of them
    no more women than in all."""

    def check(app: ApplicationInfo) -> Check:
        total, women = to_int(app.answers.get(total_key)), to_int(app.answers.get(women_key))
        if total is None or women is None:
            return False, (_("Enter how many residents will benefit, and how many of them "
                             "are women.") if beneficiaries else
                           _("Enter how many residents took part in the initiative, and how "
                             "many of them were women."))
        if total < 1:
            return False, (_("At least one resident must benefit from the initiative.")
                           if beneficiaries else
                           _("At least one resident must have taken part: the contest is "
                             "about citizens' participation."))
        if women < 0 or women > total:
            return False, _("The number of women (%(women)d) must be between zero and the "
                            "number of people (%(total)d); correct the numbers.",
                            women=women, total=total)
        if beneficiaries:
            return True, _("Residents who will benefit: %(total)d, of them women: "
                           "%(women)d.", total=total, women=women)
        return True, _("Residents who took part: %(total)d, of them women: %(women)d.",
                       total=total, women=women)

    return EligibilityRule(prefix + "participation", check,
                           params={"total": total_key, "women": women_key})


# ----------------------------------------------------------------------------- contest


def applicant_role_rule() -> EligibilityRule:
    """The role chosen on the form matches the kind of the registered organisation."""

    def check(app: ApplicationInfo) -> Check:
        role = app.answers.get("applicant_role") or ""
        if not isinstance(role, str) or role not in ROLE_KINDS:
            return False, _("Choose who is applying: a community leader, an initiative group, "
                            "an NGO, an LSG body or a municipal institution.")
        kinds = ROLE_KINDS[role]
        if app.organisation.kind not in kinds:
            return False, _("You apply as “%(role)s”, but your account is registered as "
                            "“%(kind)s”. Choose the role that matches your registration.",
                            role=label_of(APPLICANT_ROLES, role),
                            kind=ORG_KINDS.get(app.organisation.kind, app.organisation.kind))
        return True, _("You apply as “%(role)s”.", role=label_of(APPLICANT_ROLES, role))

    return EligibilityRule(CONTEST + "applicant_role", check,
                           params={"roles": {k: list(v) for k, v in ROLE_KINDS.items()}})


def co_applicants_rule() -> EligibilityRule:
    """A joint entry lists its co-applicants, each with a name and a kind; an entry by one
    applicant lists none."""

    def check(app: ApplicationInfo) -> Check:
        joint = bool(app.answers.get("joint_entry"))
        partners = co_applicants(app.answers)
        if any(not filled(p.get("name")) or not filled(p.get("kind")) for p in partners):
            return False, _("Give the name and the kind of every co-applicant.")
        if joint and not partners:
            return False, _("You marked this as a joint entry: list the co-applicants in the "
                            "table.")
        if partners and not joint:
            return False, _("The table lists co-applicants: mark the entry as joint, or clear "
                            "the table.")
        if joint:
            return True, ngettext("Joint entry with %(num)d co-applicant.",
                                  "Joint entry with %(num)d co-applicants.", len(partners))
        return True, _("The entry is made by the applicant alone.")

    return EligibilityRule(CONTEST + "co_applicants", check)


def one_problem_rule() -> EligibilityRule:
    """One problem per entry: its area is chosen and it is described."""

    def check(app: ApplicationInfo) -> Check:
        area = app.answers.get("issue_area") or ""
        if not any(area == code for code, _label in ISSUE_AREAS) or not filled(
                app.answers.get("problem")):
            return False, _("Describe the one problem the initiative solved and choose its "
                            "area. Enter other problems as separate entries.")
        return True, _("The entry is about one problem: %(area)s.",
                       area=label_of(ISSUE_AREAS, area))

    return EligibilityRule(CONTEST + "one_problem", check)


def consent_rule() -> EligibilityRule:
    def check(app: ApplicationInfo) -> Check:
        if app.answers.get("consent_publish"):
            return True, _("You agree that the entry may be published.")
        return False, _("Agree that the entry, its photos and results may be published: the "
                        "contest shares the best examples.")

    return EligibilityRule(CONTEST + "consent", check)


NUMBER_RE = re.compile(r"\d")


def indicators_rule() -> EligibilityRule:
    """A warning: results without any number are hard to compare."""

    def check(app: ApplicationInfo) -> Check:
        if NUMBER_RE.search(str(app.answers.get("results") or "")):
            return True, _("The results are described with numbers.")
        return False, _("Describe the results with numbers (som, km, trees, families): the "
                        "commission scores measurable results.")

    return EligibilityRule(CONTEST + "indicators", check, blocking=False)


def photos_rule() -> EligibilityRule:
    """A warning: photos are expected but a missing photo does not stop an entry."""

    def check(app: ApplicationInfo) -> Check:
        if "photos" in app.attachment_kinds:
            return True, _("Photos are attached.")
        return False, _("Attach photos of the initiative and its results: the commission "
                        "looks at them.")

    return EligibilityRule(CONTEST + "photos", check, blocking=False)


def nomination_rule(terms: ContestTerms) -> EligibilityRule:
    """With nominations set, the entry chose one of them."""
    names = terms.nominations

    def check(app: ApplicationInfo) -> Check:
        chosen = to_int(app.answers.get("nomination"))
        if chosen is None:
            return False, _("Choose the nomination your entry competes in.")
        if not 1 <= chosen <= len(names):
            return False, _("The nomination you chose is not one of this call's; choose "
                            "again.")
        return True, _("The entry competes in the nomination “%(name)s”.",
                       name=names[chosen - 1])

    return EligibilityRule(CONTEST + "nomination", check, params={"nominations": list(names)})


def ngo_only_rule() -> EligibilityRule:
    """The NGO special contest: a registered NGO, with its registration certificate."""

    def check(app: ApplicationInfo) -> Check:
        if app.organisation.kind != "ngo":
            return False, _("This special contest is open to registered NGOs only.")
        if "ngo_registration" not in app.attachment_kinds:
            return False, _("Attach the certificate of state registration of your NGO.")
        return True, _("Your NGO may enter this special contest; its registration "
                       "certificate is attached.")

    return EligibilityRule(CONTEST + "ngo_only", check, params={"kind": "ngo_registration"})


#: the tables of both forms: the rules read them as lists of rows whatever is stored
TABLES = ("co_applicants", "resources", "plan", "budget_lines")


def contest_rules(competition: CompetitionInfo) -> list[EligibilityRule]:
    """Every contest rule for ``competition``, configured from its terms."""
    terms = contest_terms(competition)
    rules = [applicant_role_rule(), co_applicants_rule(), one_problem_rule(),
             participation_rule(CONTEST, "citizens_involved", "women_involved"),
             consent_rule(), indicators_rule(), photos_rule()]
    if terms.nominations:
        rules.append(nomination_rule(terms))
    if terms.ngo_only:
        rules.append(ngo_only_rule())
    return reading_tables(rules, TABLES)


# --------------------------------------------------------------------------- municipal


def organiser_rule(competition: CompetitionInfo) -> EligibilityRule:
    """The call is run by a municipality (its staff created it)."""
    organiser = competition.organiser

    def check(app: ApplicationInfo) -> Check:
        if organiser is None:
            return False, _("This call has no organising municipality. Calls for local "
                            "initiatives are run by a municipality's own staff: ask them to "
                            "create it.")
        return True, _("The call is run by %(name)s.", name=organiser.name)

    return EligibilityRule(MUNICIPAL + "organiser", check,
                           params={"organiser_id": organiser.id if organiser else None})


def territory_rule(competition: CompetitionInfo) -> EligibilityRule:
    """The applicant belongs to the organiser's territory (unknown territory passes here and
    is flagged by :func:`territory_known_rule`)."""
    organiser = competition.organiser
    code = organiser.territory_code if organiser else None

    def check(app: ApplicationInfo) -> Check:
        if organiser is None or not code:
            return False, _("The call has no organising municipality, so its territory is "
                            "unknown.")
        mine = app.organisation.territory_code
        if not mine:
            return True, _("Your organisation names no municipality; the organiser checks at "
                           "screening that the initiative is in %(name)s.", name=organiser.name)
        if mine != code:
            return False, _("Only residents, groups and organisations of %(name)s may apply "
                            "to this call; your organisation is registered in another "
                            "municipality.", name=organiser.name)
        return True, _("Your organisation is in %(name)s, the organising municipality.",
                       name=organiser.name)

    return EligibilityRule(MUNICIPAL + "territory", check, params={"territory_code": code})


def territory_known_rule(competition: CompetitionInfo) -> EligibilityRule:
    """A warning when the applicant's registration names no municipality."""
    organiser = competition.organiser
    name = organiser.name if organiser else "—"

    def check(app: ApplicationInfo) -> Check:
        if app.organisation.territory_code:
            return True, _("The municipality of your organisation is known.")
        return False, _("Your organisation names no municipality. The organiser will check "
                        "that your initiative is in %(name)s.", name=name)

    return EligibilityRule(MUNICIPAL + "territory_known", check, blocking=False)


def cap_rule(terms: MunicipalTerms) -> EligibilityRule:
    """The requested amount is positive and at most the cap per initiative."""
    cap = terms.cap

    def check(app: ApplicationInfo) -> Check:
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

    return EligibilityRule(MUNICIPAL + "cap", check,
                           params={"cap": None if cap is None else str(cap)})


def financing_type_rule(terms: MunicipalTerms) -> EligibilityRule:
    """The financing type is one the call accepts, and the application fits it:
    co-financing brings its own resources, completion shows what was achieved."""
    allowed = terms.financing_types

    def check(app: ApplicationInfo) -> Check:
        chosen = app.answers.get("financing_type") or ""
        if not allowed:
            return False, _("This call accepts no financing type; contact the organiser.")
        if chosen not in (CO_FINANCING, COMPLETION):
            return False, _("Choose the financing type: co-financing or completion.")
        name = label_of(FINANCING_TYPES, chosen)
        if chosen not in allowed:
            return False, _("This call does not accept this financing type: %(type)s.",
                            type=name)
        if chosen == CO_FINANCING and budget.contribution_total(app.answers) <= 0:
            return False, _("Co-financing is for initiatives that already have money, labour "
                            "or other resources: add them to the budget as your own "
                            "contribution or attracted funds.")
        if chosen == COMPLETION and not filled(app.answers.get("achieved")):
            return False, _("For completion, describe the results already achieved.")
        return True, _("Financing type: %(type)s.", type=name)

    return EligibilityRule(MUNICIPAL + "financing_type", check,
                           params={"financing_types": list(allowed)})


def contribution_rule(terms: MunicipalTerms) -> EligibilityRule:
    """Own contribution and attracted funds are at least the call's minimum share."""
    minimum = terms.min_contribution_percent

    def check(app: ApplicationInfo) -> Check:
        share = budget.contribution_percent(app.answers)
        if share is None:
            if minimum <= 0:
                return True, _("This call sets no minimum contribution.")
            return False, _("Fill in the budget: at least %(min)s%% of it must be your own "
                            "contribution or attracted funds.", min=number(minimum))
        amount = kgs(budget.contribution_total(app.answers))
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

    return EligibilityRule(MUNICIPAL + "contribution", check,
                           params={"min_contribution_percent": str(minimum)})


def budget_rule() -> EligibilityRule:
    """The requested amount equals the budget lines paid from the local budget."""
    def check(app: ApplicationInfo) -> Check:
        if not budget.budget_lines(app.answers):
            return False, _("Fill in the budget: each cost with its quantity, unit cost and "
                            "who pays it.")
        local = budget.local_budget_total(app.answers)
        if app.requested_amount is None:
            return False, _("Enter the requested amount: it must equal the budget lines paid "
                            "from the local budget, %(local)s.", local=kgs(local))
        if local != app.requested_amount:
            return False, _("The budget lines paid from the local budget add up to "
                            "%(local)s, but the requested amount is %(amount)s. Make the two "
                            "equal.", local=kgs(local), amount=kgs(app.requested_amount))
        return True, _("The requested amount equals the budget lines paid from the local "
                       "budget (%(local)s of a total budget of %(total)s).",
                       local=kgs(local), total=kgs(budget.budget_total(app.answers)))

    return EligibilityRule(MUNICIPAL + "budget", check)


def plan_rule(terms: MunicipalTerms) -> EligibilityRule:
    """The implementation plan has dated activities, finished by the call's deadline."""
    deadline = terms.implementation_deadline

    def check(app: ApplicationInfo) -> Check:
        activities = plan_rows(app.answers)
        if not activities:
            return False, _("Fill in the implementation plan: each activity with its dates "
                            "and who is responsible.")
        for row in activities:
            starts, ends = parse_day(row.get("starts_on")), parse_day(row.get("ends_on"))
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

    return EligibilityRule(MUNICIPAL + "plan", check, params={
        "implementation_deadline": deadline.isoformat() if deadline else None})


def municipal_rules(competition: CompetitionInfo) -> list[EligibilityRule]:
    """Every rule of the municipal variant for ``competition``, from its terms."""
    terms = municipal_terms(competition)
    return reading_tables([
        organiser_rule(competition), territory_rule(competition),
        territory_known_rule(competition), cap_rule(terms), financing_type_rule(terms),
        contribution_rule(terms), budget_rule(), plan_rule(terms),
        participation_rule(MUNICIPAL, "beneficiaries", "beneficiaries_women",
                           beneficiaries=True),
        documents_rule(MUNICIPAL, MUNICIPAL_REQUIRED_DOCUMENTS),
    ], TABLES)

