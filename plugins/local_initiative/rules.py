"""Eligibility rules of both variants: pure functions of ``ApplicationInfo``.

Each rule returns ``(passed, message)``, the message written for the applicant in their
language. :func:`contest_rule_specs` (and :func:`.municipal_rules.municipal_rule_specs`) give the
specs of a call from its terms (:mod:`.terms`); checks shared by the variants are registered
once per variant, under its code prefix.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from gms.answers import to_int
from gms.competition import ApplicationInfo, CompetitionInfo, Spec, rule
from gms.competition.budget import filled, table_rows
from gms.competition.contract import Check
from gms.formatting import label_of

from .choices import APPLICANT_ROLES, DOCUMENT_LABELS, ISSUE_AREAS, ROLE_KINDS
from .i18n import _, _l, ngettext
from .terms import contest_terms

CONTEST = "local_initiative."
MUNICIPAL = "local_initiative.municipal."
#: the tables of both forms: the rules read them as lists of rows whatever is stored
TABLES = ("co_applicants", "resources", "plan", "budget_lines")

# the core's names of the organisation kinds (msgids of the registration form)
ORG_KINDS = {
    "municipality": _l("Municipality (aiyl okmotu or town)"),
    "ngo": _l("Non-governmental organisation"),
    "initiative_group": _l("Initiative group"),
}

Outcome = tuple[bool, str]


# ----------------------------------------------------------------------------- helpers


def documents_text(kinds: Sequence[str]) -> str:
    return "; ".join(str(DOCUMENT_LABELS.get(k, k)) for k in kinds)


def co_applicants(answers: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return table_rows(answers, "co_applicants", ("name", "kind", "role"))


def plan_rows(answers: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return table_rows(answers, "plan", ("activity", "starts_on", "ends_on", "responsible"))


# ---------------------------------------------------------------------- shared by both


def documents_check(kinds: tuple[str, ...]) -> Check:
    """Every document of ``kinds`` is attached."""

    def check(app: ApplicationInfo) -> Outcome:
        missing = [k for k in kinds if k not in app.attachment_kinds]
        if missing:
            return False, _("Attach the documents this call requires: %(docs)s.",
                            docs=documents_text(missing))
        return True, _("The required documents are attached: %(docs)s.",
                       docs=documents_text(kinds))

    return check


def participation_check(total_key: str, women_key: str, beneficiaries: bool = False) -> Check:
    """A number of residents (participants, or beneficiaries), at least one, and of them
    no more women than in all."""

    def check(app: ApplicationInfo) -> Outcome:
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

    return check


# ----------------------------------------------------------------------------- contest


@rule(CONTEST + 'applicant_role', tables=TABLES)
def applicant_role_rule() -> Check:
    """The role chosen on the form matches the kind of the registered organisation."""

    def check(app: ApplicationInfo) -> Outcome:
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

    return check


@rule(CONTEST + 'co_applicants', tables=TABLES)
def co_applicants_rule() -> Check:
    """A joint entry lists its co-applicants, each with a name and a kind; an entry by one
    applicant lists none."""

    def check(app: ApplicationInfo) -> Outcome:
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

    return check


@rule(CONTEST + 'one_problem', tables=TABLES)
def one_problem_rule() -> Check:
    """One problem per entry: its area is chosen and it is described."""

    def check(app: ApplicationInfo) -> Outcome:
        area = app.answers.get("issue_area") or ""
        if not any(area == code for code, _label in ISSUE_AREAS) or not filled(
                app.answers.get("problem")):
            return False, _("Describe the one problem the initiative solved and choose its "
                            "area. Enter other problems as separate entries.")
        return True, _("The entry is about one problem: %(area)s.",
                       area=label_of(ISSUE_AREAS, area))

    return check


@rule(CONTEST + 'consent', tables=TABLES)
def consent_rule() -> Check:
    def check(app: ApplicationInfo) -> Outcome:
        if app.answers.get("consent_publish"):
            return True, _("You agree that the entry may be published.")
        return False, _("Agree that the entry, its photos and results may be published: the "
                        "contest shares the best examples.")

    return check


NUMBER_RE = re.compile(r"\d")


@rule(CONTEST + 'indicators', blocking=False, tables=TABLES)
def indicators_rule() -> Check:
    """A warning: results without any number are hard to compare."""

    def check(app: ApplicationInfo) -> Outcome:
        if NUMBER_RE.search(str(app.answers.get("results") or "")):
            return True, _("The results are described with numbers.")
        return False, _("Describe the results with numbers (som, km, trees, families): the "
                        "commission scores measurable results.")

    return check


@rule(CONTEST + 'photos', blocking=False, tables=TABLES)
def photos_rule() -> Check:
    """A warning: photos are expected but a missing photo does not stop an entry."""

    def check(app: ApplicationInfo) -> Outcome:
        if "photos" in app.attachment_kinds:
            return True, _("Photos are attached.")
        return False, _("Attach photos of the initiative and its results: the commission "
                        "looks at them.")

    return check


@rule(CONTEST + 'nomination', tables=TABLES)
def nomination_rule(nominations: tuple[str, ...]) -> Check:
    """With nominations set, the entry chose one of the ``nominations``."""

    def check(app: ApplicationInfo) -> Outcome:
        chosen = to_int(app.answers.get("nomination"))
        if chosen is None:
            return False, _("Choose the nomination your entry competes in.")
        if not 1 <= chosen <= len(nominations):
            return False, _("The nomination you chose is not one of this call's; choose "
                            "again.")
        return True, _("The entry competes in the nomination “%(name)s”.",
                       name=nominations[chosen - 1])

    return check


@rule(CONTEST + 'ngo_only', tables=TABLES)
def ngo_only_rule() -> Check:
    """The NGO special contest: a registered NGO, with its registration certificate."""

    def check(app: ApplicationInfo) -> Outcome:
        if app.organisation.kind != "ngo":
            return False, _("This special contest is open to registered NGOs only.")
        if "ngo_registration" not in app.attachment_kinds:
            return False, _("Attach the certificate of state registration of your NGO.")
        return True, _("Your NGO may enter this special contest; its registration "
                       "certificate is attached.")

    return check


contest_participation_rule = rule(CONTEST + "participation", tables=TABLES)(
    participation_check)


def contest_rule_specs(competition: CompetitionInfo) -> list[Spec]:
    """Every contest rule for ``competition``, configured from its terms."""
    terms = contest_terms(competition)
    specs = [applicant_role_rule(), co_applicants_rule(), one_problem_rule(),
             contest_participation_rule("citizens_involved", "women_involved"),
             consent_rule(), indicators_rule(), photos_rule()]
    if terms.nominations:
        specs.append(nomination_rule(tuple(terms.nominations)))
    if terms.ngo_only:
        specs.append(ngo_only_rule())
    return specs


CONTEST_FACTORIES = (applicant_role_rule, co_applicants_rule, one_problem_rule,
                     contest_participation_rule, consent_rule, indicators_rule, photos_rule,
                     nomination_rule, ngo_only_rule)
