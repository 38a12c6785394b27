"""Coded answers of the pilot-selection forms, with their labels (English msgids).

Codes are stored in the answers and in the visits table; labels are translated when shown.
"""

from __future__ import annotations

from .i18n import _l

# Annex 1, item 2: who signs for the executive body
HEAD_TITLES = (
    ("aiyl_okmotu", _l("Head of the aiyl okmotu")),
    ("mayor", _l("Mayor of the town")),
)

# Annex 1, item 6: what the joint action plan may include (the letter's own list)
PLAN_KINDS = (
    ("trainings", _l("Council, aiyl okmotu staff and residents take part in trainings and "
                     "public events")),
    ("information", _l("Information to the Project to analyse and improve municipal "
                       "management")),
    ("budget_disclosure", _l("Events that disclose budget information")),
    ("republican_events", _l("Republican events on issues important to local "
                             "self-government")),
    ("experience_exchange", _l("Experience exchanges: taking part and organising them")),
    ("other_plan", _l("Another activity")),
)

# Annex 2: the head's 5-point ratings (anchors are a design choice of the system)
RATINGS = (
    ("1", _l("1 — very poor")),
    ("2", _l("2 — poor")),
    ("3", _l("3 — satisfactory")),
    ("4", _l("4 — good")),
    ("5", _l("5 — excellent")),
)

YES_NO = (
    ("yes", _l("yes")),
    ("no", _l("no")),
)

# Annex 2, Part 2: a row is a past joint activity, or (newly appointed or inexperienced heads)
# an idea the municipality wants to carry out, with the help it needs
PAST, IDEA = "past", "idea"
ACTIVITY_KINDS = (
    (PAST, _l("Joint activity carried out")),
    (IDEA, _l("Idea, help needed")),
)

# Annex 2, Part 3
GROUP_KINDS = (
    ("formal", _l("Formal (registered)")),
    ("informal", _l("Informal")),
)

# Annex 2, Part 4
PROJECT_STATUSES = (
    ("completed", _l("completed")),
    ("ongoing", _l("ongoing")),
)

# Documents an applicant uploads; the core adds "other"
SIGNED_LETTER, JOINT_DECISION = "signed_letter", "joint_decision"
DOCUMENT_LABELS = {
    SIGNED_LETTER: _l("Letter of interest on the aiyl okmotu's letterhead, signed by the head "
                      "(mayor) and the council chair, with the seal (scan)"),
    JOINT_DECISION: _l("Joint decision of the aiyl okmotu (mayor's office) and the local "
                       "council to become a pilot partner"),
    "activity_evidence": _l("Evidence of joint activities: minutes, photos, reports"),
    "budget_information": _l("Proof that budget information is open to citizens"),
}

# ----------------------------------------------------------------- verification visits

PLANNED, DONE = "planned", "done"
VISIT_STATUSES = (
    (PLANNED, _l("visit planned")),
    (DONE, _l("visit done")),
)

# The fixed checklist of a verification visit: what the specialist checks on site
CHECKLIST = (
    ("joint_decision_seen", _l("The joint decision of the aiyl okmotu and the council exists "
                               "and matches the copy sent")),
    ("leaders_met", _l("The head (mayor) and the council chair were met and confirm their "
                       "interest")),
    ("general_information", _l("The general information (population, land, budget) matches "
                               "local records")),
    ("activities_confirmed", _l("The joint activities of Part 2 are confirmed by documents, "
                                "photos or residents")),
    ("groups_confirmed", _l("The groups and organisations of Part 3 exist and were met or "
                            "called")),
    ("donor_projects_confirmed", _l("The donor projects of Part 4 are confirmed")),
    ("budget_information_open", _l("Budget information is open to citizens (board, website, "
                                   "hearings)")),
    ("procurement_specialist", _l("A specialist certified in public procurement works at "
                                  "the aiyl okmotu")),
    ("council_active", _l("The council meets regularly and its commissions work")),
)
CHECKLIST_CODES = tuple(code for code, _label in CHECKLIST)

CHECK_ANSWERS = (
    ("yes", _l("yes")),
    ("no", _l("no")),
)

CONCLUSIONS = (
    ("confirmed", _l("The information in the application is confirmed")),
    ("partly", _l("The information is partly confirmed")),
    ("not_confirmed", _l("The information is not confirmed")),
)
