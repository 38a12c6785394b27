"""Coded answers of the contest form, document kinds, with their labels (English msgids)."""

from __future__ import annotations

from .i18n import _l

DRAFT, EXECUTION = "draft", "execution"
# What a public hearing discussed (domain README 2, "Hearings").
SUBJECTS = (
    (DRAFT, _l("Draft local budget")),
    (EXECUTION, _l("Execution of the local budget")),
)

# Whether citizens get a plain-language budget ("citizens' budget").
CITIZENS_BUDGET = (
    ("draft_and_execution", _l("Published for the draft and for the execution")),
    ("draft", _l("Published for the draft only")),
    ("execution", _l("Published for the execution only")),
    ("none", _l("Not published")),
)

# What the prize money may buy (domain README 3.4): nothing else.
EQUIPMENT, PUBLIC_EVENTS = "equipment", "public_events"
PRIZE_USES = (
    (EQUIPMENT, _l("Equipment that makes the LSG body more effective")),
    (PUBLIC_EVENTS, _l("Public events (hearings, meetings with citizens)")),
)
PRIZE_USE_CODES = tuple(code for code, _label in PRIZE_USES)


MINUTES = "hearing_minutes"
# Documents an applicant uploads; the core adds "other".
DOCUMENT_LABELS = {
    MINUTES: _l("Minutes (протокол) of each public hearing"),
    "participant_lists": _l("Lists of the participants of the hearings"),
    "hearing_photos": _l("Photos of the hearings"),
    "announcements": _l("Announcements of the hearings (board, website, newspaper, social "
                        "media)"),
    "citizens_budget": _l("Citizens' budget or other published budget information"),
    "budget_extract": _l("Extract of the adopted budget showing the citizens' proposals "
                         "(articles, amounts)"),
}
