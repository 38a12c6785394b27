"""Reports on a small-grants call: co-financing by source and applications by issue area.

``build(competition, applications)`` returns ``(header, rows)``; amounts are Decimals in KGS,
the last row holds the totals.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from gms.competition import ApplicationInfo, CompetitionInfo, ReportDefinition
from gms.i18n import _, _l

from .budget import to_decimal, totals_by_source
from .choices import BUDGET_SOURCES, ISSUE_AREAS, label_of

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
        for source, amount in totals_by_source(app.answers).items():
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


def definitions() -> tuple[ReportDefinition, ...]:
    return (
        ReportDefinition("small_grants.cofinancing", _l("Co-financing by source"), cofinancing),
        ReportDefinition("small_grants.issue_areas", _l("Applications by issue area"),
                         issue_areas),
    )
