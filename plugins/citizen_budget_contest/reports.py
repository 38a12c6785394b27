"""Reports on a contest call, on the call's report page (HTML and CSV; staff only).

``build(competition, applications)`` returns ``(header, rows)``; the last row holds the totals.
The prizes actually awarded and their use are on the plugin's prize page (:mod:`.views`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from decimal import Decimal

from gms.competition import ApplicationInfo, CompetitionInfo, ReportDefinition
from gms.formatting import label_of

from . import edition
from .choices import PRIZE_USES
from .hearings import hearings, percent, totals
from .i18n import _, _l


def _cell(value):
    """``None`` (a share of nothing) as an empty cell, in HTML and CSV alike."""
    return "" if value is None else value


def hearings_report(competition: CompetitionInfo, applications: Sequence[ApplicationInfo]
                    ) -> tuple[list, list[list]]:
    """Per municipality: hearings, participants, women, questions and proposals."""
    window = edition.hearings_window(competition)
    header = [_("Municipality"), _("Hearings"), _("On the draft, within the dates"),
              _("Participants"), _("Of them, women"), _("Women, %"), _("Questions raised"),
              _("Proposals received"), _("Proposals adopted into the budget"),
              _("Adopted, %"), _("Amount adopted, KGS")]
    rows, sums = [], Counter()
    amount = Decimal(0)
    for app in sorted(applications, key=lambda a: (a.organisation.name, a.id or 0)):
        t = totals(app.answers)
        qualifying = sum(1 for h in hearings(app.answers) if h.on_draft and h.held_on in window)
        rows.append([app.organisation.name, t.hearings, qualifying, t.participants, t.women,
                     _cell(t.women_percent), t.questions, t.proposals_received,
                     t.proposals_adopted, _cell(t.adopted_percent), t.adopted_amount])
        sums.update({"hearings": t.hearings, "qualifying": qualifying,
                     "participants": t.participants, "women": t.women,
                     "questions": t.questions, "received": t.proposals_received,
                     "adopted": t.proposals_adopted})
        amount += t.adopted_amount
    rows.append([_("Total"), sums["hearings"], sums["qualifying"], sums["participants"],
                 sums["women"], _cell(percent(sums["women"], sums["participants"])),
                 sums["questions"], sums["received"], sums["adopted"],
                 _cell(percent(sums["adopted"], sums["received"])), amount])
    return header, rows


def prize_use_report(competition: CompetitionInfo, applications: Sequence[ApplicationInfo]
                     ) -> tuple[list, list[list]]:
    """How the applicants plan to use a prize: equipment or public events."""
    by_use: dict[str, list[str]] = {}
    for app in sorted(applications, key=lambda a: a.organisation.name):
        by_use.setdefault(str(app.answers.get("prize_use") or ""), []).append(
            app.organisation.name)
    known = [code for code, _label in PRIZE_USES]
    order = known + sorted(code for code in by_use if code not in known)
    header = [_("Planned use of the prize"), _("Applications"), _("Municipalities")]
    rows = [[label_of(PRIZE_USES, code) or _("Not stated"), len(by_use.get(code, [])),
             "; ".join(by_use.get(code, []))] for code in order]
    rows.append([_("Total"), len(applications), ""])
    return header, rows


def definitions() -> tuple[ReportDefinition, ...]:
    return (
        ReportDefinition("citizen_budget_contest.hearings", _l("Hearings and participation"),
                         hearings_report),
        ReportDefinition("citizen_budget_contest.prize_use", _l("Planned use of the prize"),
                         prize_use_report),
    )
