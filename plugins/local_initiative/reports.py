"""Reports on a call: contest entries by applicant role; municipal financing by type.

``build(competition, applications)`` returns ``(header, rows)``; the last row holds totals.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from decimal import Decimal

from gms.answers import to_int
from gms.competition import ApplicationInfo, CompetitionInfo, ReportDefinition
from gms.competition.budget import ZERO, share
from gms.formatting import label_of

from . import budget
from .choices import APPLICANT_ROLES, ATTRACTED, FINANCING_TYPES, OWN_SOURCES
from .i18n import _, _l
from .rules import co_applicants


def entries_by_role(competition: CompetitionInfo, applications: Sequence[ApplicationInfo]
                    ) -> tuple[list, list[list]]:
    """Entries, joint entries, participants and women's share per applicant role."""
    entries: Counter[str] = Counter()
    joint: Counter[str] = Counter()
    people: Counter[str] = Counter()
    women: Counter[str] = Counter()
    for app in applications:
        role = str(app.answers.get("applicant_role") or "")
        entries[role] += 1
        joint[role] += 1 if co_applicants(app.answers) else 0
        people[role] += max(to_int(app.answers.get("citizens_involved")) or 0, 0)
        women[role] += max(to_int(app.answers.get("women_involved")) or 0, 0)
    known = [code for code, _label in APPLICANT_ROLES]
    order = [c for c in known if entries[c]] + sorted(c for c in entries if c not in known)
    header = [_("Applicant"), _("Entries"), _("Joint entries"), _("Residents who took part"),
              _("Of them, women"), _("Women, %")]

    def row(name, keys):
        n = sum(people[k] for k in keys)
        w = sum(women[k] for k in keys)
        return [name, sum(entries[k] for k in keys), sum(joint[k] for k in keys), n, w,
                share(Decimal(w), Decimal(n)) or ZERO]

    rows = [row(label_of(APPLICANT_ROLES, c) or _("Not stated"), [c]) for c in order]
    rows.append(row(_("Total"), order))
    return header, rows


def financing_by_type(competition: CompetitionInfo, applications: Sequence[ApplicationInfo]
                      ) -> tuple[list, list[list]]:
    """Per financing type: initiatives, what they ask from the local budget, their own
    contribution and attracted funds, and the whole budget."""
    sums: dict[str, list] = {}
    for app in applications:
        kind = str(app.answers.get("financing_type") or "")
        row = sums.setdefault(kind, [0, ZERO, ZERO, ZERO, ZERO])
        row[0] += 1
        spent = budget.read(app.answers)
        row[1] += spent.requested
        row[2] += spent.paid_by(*OWN_SOURCES)
        row[3] += spent.paid_by(ATTRACTED)
        row[4] += spent.total
    known = [code for code, _label in FINANCING_TYPES]
    order = [c for c in known if c in sums] + sorted(c for c in sums if c not in known)
    header = [_("Financing type"), _("Initiatives"), _("From the local budget, KGS"),
              _("Own contribution, KGS"), _("Attracted funds, KGS"), _("Total budget, KGS")]
    rows = [[label_of(FINANCING_TYPES, c) or _("Not stated"), *sums[c]] for c in order]
    total = [sum((sums[c][i] for c in order), ZERO if i else 0) for i in range(5)]
    rows.append([_("Total"), *total])
    return header, rows


def contest_definitions() -> tuple[ReportDefinition, ...]:
    return (ReportDefinition("local_initiative.entries", _l("Entries by applicant"),
                             entries_by_role),)


def municipal_definitions() -> tuple[ReportDefinition, ...]:
    return (ReportDefinition("local_initiative.municipal.financing",
                             _l("Financing by type and source"), financing_by_type),)
