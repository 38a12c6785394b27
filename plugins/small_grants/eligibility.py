"""The small-grants rules of a call (specs computed from its settings) and the factories the
plugin registers, so an open call rebuilds its frozen rules by code."""

from __future__ import annotations

from gms.competition import CompetitionInfo, Spec

from . import evidence_rules as e
from . import rules as r


def rule_specs(competition: CompetitionInfo) -> list[Spec]:
    """Every small-grants rule for ``competition``, configured from its (typed) settings."""
    settings = {**r.DEFAULTS, **competition.settings}
    return [
        r.max_grant_rule(r.max_grant_limit(competition)),
        r.applications_per_organisation_rule(
            settings["max_applications_per_organisation"]),
        r.duration_rule(settings["max_duration_months"]),
        r.priority_evidence_rule(),
        r.council_resolution_rule(),
        r.budget_publication_rule(),
        r.cofinancing_rule(settings["min_cofinancing_percent"]),
        r.budget_consistency_rule(),
        r.priority_date_rule(competition.opens_at),
        e.participation_rule(),
        e.tally_rule(),
        e.tally_rank_rule(),
        e.gender_balance_rule(settings["min_minority_sex_percent"]),
        e.sessions_rule(),
        e.focus_group_rule(),
        e.timeline_rule(),
    ]


FACTORIES = (
    r.max_grant_rule, r.applications_per_organisation_rule, r.duration_rule,
    r.priority_evidence_rule, r.council_resolution_rule, r.budget_publication_rule,
    r.cofinancing_rule, r.budget_consistency_rule, r.priority_date_rule,
    e.participation_rule, e.tally_rule, e.tally_rank_rule, e.gender_balance_rule,
    e.sessions_rule, e.focus_group_rule, e.timeline_rule,
)
