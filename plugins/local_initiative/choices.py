"""Coded answers of both variants, with their labels (English msgids)."""

from __future__ import annotations

from .i18n import _l

# Issues of local significance an initiative addresses (one per entry).
ISSUE_AREAS = (
    ("water", _l("Drinking water")),
    ("sanitation", _l("Sewerage and sanitation")),
    ("roads", _l("Local roads, bridges and pavements")),
    ("lighting", _l("Street lighting")),
    ("waste", _l("Waste and cleanliness")),
    ("greenery", _l("Parks, trees and green areas")),
    ("sport", _l("Sport and playgrounds")),
    ("culture", _l("Culture, libraries and leisure")),
    ("youth", _l("Children and youth")),
    ("preschool", _l("Kindergartens and pre-school education")),
    ("transport", _l("Public transport")),
    ("heritage", _l("Historical and cultural heritage")),
    ("social", _l("Support for vulnerable residents")),
    ("other", _l("Another issue of local significance")),
)

# Who enters the contest (domain 3.3 (i), 2012 call) and the organisation kinds each may
# register as. An individual community leader registers as an initiative group of one.
APPLICANT_ROLES = (
    ("community_leader", _l("Community leader (an individual)")),
    ("initiative_group", _l("Initiative group")),
    ("ngo", _l("Non-governmental non-commercial organisation (NGO)")),
    ("lsg_body", _l("LSG body (aiyl okmotu, mayor's office or local council)")),
    ("municipal_institution", _l("Municipal institution (school, kindergarten, library, ...)")),
)
ROLE_KINDS = {
    "community_leader": ("initiative_group",),
    "initiative_group": ("initiative_group",),
    "ngo": ("ngo",),
    "lsg_body": ("municipality",),
    "municipal_institution": ("municipality", "initiative_group"),
}
CO_APPLICANT_KINDS = (*APPLICANT_ROLES, ("other", _l("Other partner")))

# Resources the parties put into a contest entry.
PARTIES = (
    ("community", _l("Residents")),
    ("lsg", _l("Aiyl okmotu or local council")),
    ("applicant", _l("The applicant")),
    ("business", _l("Local business or sponsor")),
    ("donor", _l("Donor or programme")),
    ("other", _l("Other")),
)
RESOURCE_KINDS = (
    ("cash", _l("Money")),
    ("in_kind", _l("Materials or equipment")),
    ("labour", _l("Labour")),
)

# Municipal variant: the two financing types of the model regulation (item 5).
CO_FINANCING, COMPLETION = "co_financing", "completion"
FINANCING_TYPES = (
    (CO_FINANCING, _l("Co-financing: the initiative has money, labour or other resources "
                      "and needs more")),
    (COMPLETION, _l("Completion: results are achieved; money is needed to continue or "
                    "finish")),
)

# Municipal variant: who pays a budget line. Only "local_budget" is requested from the
# municipality; the rest is the initiative's own contribution or attracted funds.
LOCAL_BUDGET = "local_budget"
OWN_SOURCES = ("own_money", "own_labour", "own_in_kind")
ATTRACTED = "attracted"
BUDGET_SOURCES = (
    (LOCAL_BUDGET, _l("Local budget (requested)")),
    ("own_money", _l("Own contribution: money")),
    ("own_labour", _l("Own contribution: labour")),
    ("own_in_kind", _l("Own contribution: materials or equipment")),
    (ATTRACTED, _l("Attracted funds (donors, sponsors, donations)")),
)

# Documents. The core adds "other" to every competition.
DOCUMENT_LABELS = {
    # contest
    "photos": _l("Photos of the initiative and its results"),
    "support_letters": _l("Letters of support or thanks (aiyl okmotu, council, partners)"),
    "publications": _l("Publications and media coverage"),
    "ngo_registration": _l("Certificate of state registration of the NGO"),
    # municipal variant: the four documents of the call (Ak-Tal, 2019), then optional ones
    "application_letter": _l("Application (арыз) signed by the initiator"),
    "proposal": _l("Proposal (сунуш): the initiative described"),
    "implementation_plan": _l("Implementation plan"),
    "budget": _l("Budget of the initiative"),
    "contribution_evidence": _l("Evidence of the own contribution or attracted funds"),
}
MUNICIPAL_REQUIRED_DOCUMENTS = ("application_letter", "proposal", "implementation_plan",
                                "budget")
