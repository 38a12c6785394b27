"""Coded answers of the small-grants form, with their labels (English msgids)."""

from __future__ import annotations

from .i18n import _l

# Issues of local significance (doc 002 list); never a delegated state power.
ISSUE_AREAS = (
    ("water_supply", _l("Drinking water supply")),
    ("sewerage", _l("Sewerage")),
    ("local_roads", _l("Local roads and bridges")),
    ("street_lighting", _l("Street lighting")),
    ("waste", _l("Waste collection and disposal")),
    ("parks", _l("Parks and green areas")),
    ("sport", _l("Sport")),
    ("libraries_culture", _l("Libraries and culture")),
    ("leisure", _l("Leisure")),
    ("youth", _l("Youth")),
    ("public_transport", _l("Public transport")),
    ("heritage", _l("Historical and cultural heritage")),
    ("preschool", _l("Pre-school education")),
)

# Where residents chose the priority; each has its evidence document kind.
PRIORITY_SOURCES = (
    ("zhmba", _l("Participatory needs assessment session (ЖМБА / СИНС)")),
    ("public_hearing", _l("Public hearing")),
    ("village_gathering", _l("Village gathering")),
)
EVIDENCE_KIND_OF_SOURCE = {
    "zhmba": "zhmba_report",
    "public_hearing": "hearing_minutes",
    "village_gathering": "gathering_minutes",
}
PRIORITY_EVIDENCE_KINDS = ("zhmba_report", "hearing_minutes", "gathering_minutes")
# Minutes that show residents met, when there were no ЖМБА sessions.
MEETING_MINUTES_KINDS = ("hearing_minutes", "gathering_minutes")
ZHMBA = "zhmba"

# Age groups of the ЖМБА sessions (doc 002: 18–35, 36–55, 56+; Annex 3 says 56–75).
AGE_GROUPS = (
    ("18_35", _l("18–35")),
    ("36_55", _l("36–55")),
    ("56_plus", _l("56 and older")),
)
AGE_GROUP_CODES = tuple(code for code, _label in AGE_GROUPS)

# Funding sources of a budget line; everything but "grant" is co-financing.
GRANT = "grant"
BUDGET_SOURCES = (
    (GRANT, _l("Grant (this programme)")),
    ("local_budget", _l("Local budget")),
    ("community_cash", _l("Community contribution in cash")),
    ("in_kind", _l("Community contribution in kind")),
    ("labour", _l("Community contribution in labour")),
    ("other_donors", _l("Other donors and funds")),
)
SOURCE_CODES = tuple(code for code, _label in BUDGET_SOURCES)
# Contributions that are not money: each needs the basis on which it was valued.
VALUED_SOURCES = ("in_kind", "labour")

# Who pays for the upkeep of the result after the project.
MAINTENANCE_SOURCES = (
    ("local_budget", _l("Local budget")),
    ("tariffs", _l("User fees or tariffs")),
    ("community", _l("Community contributions")),
    ("other", _l("Other sources")),
)


# Documents an applicant uploads (codes of domain README section 2); the core adds "other".
DOCUMENT_LABELS = {
    "council_resolution": _l("Resolution (токтом) of the local council approving the project"),
    "budget_publication": _l("Proof that the local budget is published (board, website, "
                             "citizens' budget)"),
    "zhmba_report": _l("Report of the participatory needs assessment (ЖМБА / СИНС)"),
    "hearing_minutes": _l("Minutes of the public hearing"),
    "gathering_minutes": _l("Minutes of the village gathering"),
    "zhmba_protocol": _l("Session protocols with participant lists and photos"),
    "vote_tally": _l("Vote tally of the priorities by village"),
    "joint_action_plan": _l("Joint action plan (БАП)"),
    "focus_group_report": _l("Focus group report"),
}
