"""Reports on a small-grants call: co-financing by source, applications by issue area, the
residents' priorities from the vote tallies, and participation in priority-setting.

``build(competition, applications)`` returns ``(header, rows)``; amounts are Decimals in KGS.
The last row holds the totals, except in the priorities report (one row per problem).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from gms.answers import to_decimal
from gms.competition import ApplicationInfo, CompetitionInfo, ReportDefinition
from gms.formatting import label_of

from . import evidence
from .budget import read
from .choices import BUDGET_SOURCES, ISSUE_AREAS, PRIORITY_SOURCES
from .i18n import _, _l

ZERO = Decimal("0.00")


def _share(part: Decimal, whole: Decimal) -> Decimal:
    if whole <= 0:
        return ZERO
    return (part * 100 / whole).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def cofinancing(competition: CompetitionInfo, applications: Sequence[ApplicationInfo]
                ) -> tuple[list, list[list]]:
    """Budget amounts by funding source, summed over the applications."""
    sums: dict[str, Decimal] = {}
    users: Counter[str] = Counter()
    for app in applications:
        for source, amount in read(app.answers).by_source.items():
            sums[source] = sums.get(source, ZERO) + amount
            if amount > 0:
                users[source] += 1
    whole = sum(sums.values(), ZERO)
    known = [code for code, _label in BUDGET_SOURCES]
    order = known + sorted(code for code in sums if code not in known and sums[code])
    header = [_("Funding source"), _("Amount, KGS"), _("Share of all budgets, %"),
              _("Applications using it")]
    rows = [[label_of(BUDGET_SOURCES, code) or _("Not stated"), sums.get(code, ZERO),
             _share(sums.get(code, ZERO), whole), users[code]] for code in order]
    rows.append([_("Total"), whole, _share(whole, whole), len(applications)])
    return header, rows


def issue_areas(competition: CompetitionInfo, applications: Sequence[ApplicationInfo]
                ) -> tuple[list, list[list]]:
    """How many applications address each issue of local significance, and what they ask."""
    count: Counter[str] = Counter()
    asked: dict[str, Decimal] = {}
    for app in applications:
        area = str(app.answers.get("issue_area") or "")
        count[area] += 1
        amount = app.requested_amount
        if amount is None:
            amount = to_decimal(app.answers.get("requested_amount"))
        asked[area] = asked.get(area, ZERO) + (amount or ZERO)
    known = [code for code, _label in ISSUE_AREAS]
    order = [c for c in known if count[c]] + sorted(c for c in count if c not in known)
    header = [_("Issue of local significance"), _("Applications"), _("Requested, KGS")]
    rows = [[label_of(ISSUE_AREAS, code) or _("Not stated"), count[code], asked[code]]
            for code in order]
    rows.append([_("Total"), len(applications), sum(asked.values(), ZERO)])
    return header, rows


def _project(app: ApplicationInfo) -> str:
    return str(app.answers.get("title") or "")


def priorities(competition: CompetitionInfo, applications: Sequence[ApplicationInfo]
               ) -> tuple[list, list[list]]:
    """Every problem of every application's vote tally: its votes, rank, whether it is
    among the five priorities and whether the application chose it."""
    header = [_("Municipality"), _("Project"), _("Problem"), _("Votes"), _("Rank"),
              _("Among the priorities"), _("Chosen for the project")]
    rows = []
    for app in applications:
        votes = evidence.tally(app.answers)
        chosen = votes.find(app.answers.get("priority_problem"))
        for problem in votes.problems:
            rows.append([app.organisation.name, _project(app), problem.problem, problem.votes,
                         problem.rank, _("yes") if problem.priority else _("no"),
                         _("yes") if problem is chosen else ""])
    return header, rows


def participation(competition: CompetitionInfo, applications: Sequence[ApplicationInfo]
                  ) -> tuple[list, list[list]]:
    """How residents took part in choosing each application's priority: ЖМБА sessions,
    villages, participants and women, the focus group."""
    header = [_("Municipality"), _("Project"), _("Where residents chose the priority"),
              _("ЖМБА sessions"), _("Villages"), _("Participants"), _("Women"),
              _("Women, %"), _("Focus group participants")]
    rows = []
    all_sessions, all_villages, everyone, focus_people = 0, 0, evidence.NOBODY, 0
    for app in applications:
        held = evidence.sessions(app.answers)
        count = evidence.session_headcount(app.answers)
        villages = len(evidence.session_villages(held))
        focus = evidence.focus_group(app.answers)
        people = (focus.participants or 0) if focus else 0
        rows.append([app.organisation.name, _project(app),
                     label_of(PRIORITY_SOURCES, app.answers.get("priority_source"))
                     or _("Not stated"), len(held), villages, count.participants, count.women,
                     count.women_percent if count.women_percent is not None else ZERO, people])
        all_sessions += len(held)
        all_villages += villages
        everyone += count
        focus_people += people
    rows.append([_("Total"), len(applications), "", all_sessions, all_villages,
                 everyone.participants, everyone.women,
                 everyone.women_percent if everyone.women_percent is not None else ZERO,
                 focus_people])
    return header, rows


def definitions() -> tuple[ReportDefinition, ...]:
    return (
        ReportDefinition("small_grants.cofinancing", _l("Co-financing by source"), cofinancing),
        ReportDefinition("small_grants.issue_areas", _l("Applications by issue area"),
                         issue_areas),
        ReportDefinition("small_grants.priorities", _l("Residents' priorities from the vote "
                                                       "tallies"), priorities),
        ReportDefinition("small_grants.participation", _l("Participation in priority-setting"),
                         participation),
    )
