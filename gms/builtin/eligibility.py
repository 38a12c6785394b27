"""Built-in eligibility rules for every competition: applicant kind and territory."""

from __future__ import annotations

from gms.competition import EligibilityRule
from gms.hooks import hookimpl
from gms.i18n import _


@hookimpl
def gms_extra_eligibility_rules(competition, competition_type):
    kinds = tuple(competition_type.applicant_kinds)
    oblasts = tuple(competition.oblasts)

    def applicant_kind(app):
        if app.organisation.kind in kinds:
            return True, _("Your organisation type may apply.")
        return False, _("Organisations of your type cannot apply to this call.")

    def territory(app):
        if not oblasts:
            return True, _("The call is open to the whole country.")
        if app.organisation.oblast in oblasts:
            return True, _("Your organisation is in an eligible oblast.")
        return False, _("The call is open only to %(oblasts)s.", oblasts=", ".join(oblasts))

    return [EligibilityRule("core.applicant_kind", applicant_kind, params={"kinds": kinds}),
            EligibilityRule("core.territory", territory, params={"oblasts": oblasts})]
