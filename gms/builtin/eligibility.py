"""Built-in eligibility rules for every competition: applicant kind and territory."""

from __future__ import annotations

from gms.competition import rule
from gms.hooks import hookimpl
from gms.i18n import _


@rule("core.applicant_kind")
def applicant_kind(kinds: tuple[str, ...]):
    """The applicant's organisation is of one of ``kinds``."""

    def check(app):
        if app.organisation.kind in kinds:
            return True, _("Your organisation type may apply.")
        return False, _("Organisations of your type cannot apply to this call.")

    return check


@rule("core.territory")
def territory(oblasts: tuple[str, ...]):
    """The applicant is in one of ``oblasts`` (none: the whole country)."""

    def check(app):
        if not oblasts:
            return True, _("The call is open to the whole country.")
        if app.organisation.oblast in oblasts:
            return True, _("Your organisation is in an eligible oblast.")
        return False, _("The call is open only to %(oblasts)s.", oblasts=", ".join(oblasts))

    return check


@hookimpl
def gms_register_factories():
    return [applicant_kind, territory]


@hookimpl
def gms_extra_eligibility_rules(competition, competition_type):
    return [applicant_kind(tuple(competition_type.applicant_kinds)),
            territory(tuple(competition.oblasts))]
