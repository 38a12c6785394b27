"""Reports on a pilot-selection call: applicants by rayon, the heads' self-assessment, the
evidence of Parts 2–4, and the verification visits.

``build(competition, applications)`` returns ``(header, rows)``; the last row of a table
with totals holds them. Only the visits report reads the database (the plugin's visits).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal

from gms.answers import to_int
from gms.competition import ApplicationInfo, CompetitionInfo, ReportDefinition
from gms.formatting import label_of

from .answers import (
    RATING_KEYS,
    checked,
    citizens_involved,
    ideas,
    past_activities,
    rating,
    rows,
    section,
)
from .choices import CONCLUSIONS, DONE, VISIT_STATUSES
from .i18n import _, _l

QUESTIONS = {
    "q1_council_rating": _l("Q1. Work of the council deputies"),
    "q2_interaction_rating": _l("Q2. Interaction of the aiyl okmotu and the council"),
    "q3_deputies_rating": _l("Q3. Activity and competence of the deputies"),
    "q4_village_head_rating": _l("Q4. Work of the village head"),
    "q5_population_rating": _l("Q5. Activity of the population"),
}


def _name(value: str | None) -> str:
    return " ".join((value or "").split()).replace("районрайон", "район")


def _mean(values: Sequence[int]) -> Decimal | None:
    if not values:
        return None
    return (Decimal(sum(values)) / len(values)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def by_rayon(competition: CompetitionInfo, applications: Sequence[ApplicationInfo]
             ) -> tuple[list, list[list]]:
    """Applicants per rayon: how many, aiyl aimaks and towns, population, newly appointed
    heads."""
    count: Counter[str] = Counter()
    towns: Counter[str] = Counter()
    people: Counter[str] = Counter()
    new_heads: Counter[str] = Counter()
    for app in applications:
        rayon = _name(app.organisation.rayon) or _("Not stated")
        count[rayon] += 1
        towns[rayon] += app.organisation.territory_kind == "town_or_pgt"
        people[rayon] += to_int(section(app.answers, "general").get("population_total")) or 0
        new_heads[rayon] += checked(app.answers.get("head_newly_appointed"))
    header = [_("Rayon"), _("Applicants"), _("Aiyl aimaks"), _("Towns"), _("Population"),
              _("Newly appointed heads")]
    out = [[rayon, count[rayon], count[rayon] - towns[rayon], towns[rayon], people[rayon],
            new_heads[rayon]] for rayon in sorted(count)]
    out.append([_("Total"), sum(count.values()), sum(count.values()) - sum(towns.values()),
                sum(towns.values()), sum(people.values()), sum(new_heads.values())])
    return header, out


def self_assessment(competition: CompetitionInfo, applications: Sequence[ApplicationInfo]
                    ) -> tuple[list, list[list]]:
    """The heads' 5-point ratings (Q1–Q5): how many answered, the mean, and how many gave each
    rating."""
    header = [_("Question"), _("Answers"), _("Mean (1–5)"), "1", "2", "3", "4", "5"]
    out = []
    for key in RATING_KEYS:
        given = [r for app in applications if (r := rating(app.answers, key)) is not None]
        spread = Counter(given)
        out.append([str(QUESTIONS[key]), len(given), _mean(given),
                    *(spread[n] for n in range(1, 6))])
    return header, out


def evidence(competition: CompetitionInfo, applications: Sequence[ApplicationInfo]
             ) -> tuple[list, list[list]]:
    """Per applicant: the action plan, Part 2 (activities, ideas, citizens), Part 3 (groups)
    and Part 4 (donor projects)."""
    header = [_("Applicant"), _("Action plan activities"), _("Joint activities"), _("Ideas"),
              _("Citizens involved"), _("Formal groups"), _("Informal groups"),
              _("Donor projects")]
    out = []
    totals = [0] * 7
    for app in sorted(applications, key=lambda a: a.organisation.name):
        groups = rows(app.answers, "civic_groups")
        done = past_activities(app.answers)
        row = [len(rows(app.answers, "action_plan")), len(done), len(ideas(app.answers)),
               citizens_involved(done),
               sum(1 for g in groups if g.get("kind") == "formal"),
               sum(1 for g in groups if g.get("kind") != "formal"),
               len(rows(app.answers, "donor_projects"))]
        totals = [t + v for t, v in zip(totals, row, strict=True)]
        out.append([app.organisation.name, *row])
    out.append([_("Total"), *totals])
    return header, out


def visits(competition: CompetitionInfo, applications: Sequence[ApplicationInfo],
           found: Mapping[int, object] | None = None) -> tuple[list, list[list]]:
    """Per applicant: the verification visit (planned or done), who visited and when, the
    checklist items confirmed and the conclusion. ``found`` maps application ids to visits
    (read from the database when not given)."""
    if found is None:
        from .visits import visits_by_application

        found = visits_by_application(competition.id)
    header = [_("Applicant"), _("Visit"), _("Verifier"), _("Date of the visit"),
              _("Checklist: yes / answered"), _("Conclusion")]
    out = []
    done = 0
    by_status: dict[str, int] = defaultdict(int)
    for app in sorted(applications, key=lambda a: a.organisation.name):
        visit = found.get(app.id)
        if visit is None:
            out.append([app.organisation.name, _("no visit"), "", "", "", ""])
            continue
        by_status[visit.status] += 1
        done += visit.status == DONE
        answers = [item.get("answer") for item in (visit.checklist or {}).values()
                   if isinstance(item, Mapping)]
        answered = [a for a in answers if a in ("yes", "no")]
        out.append([
            app.organisation.name, label_of(VISIT_STATUSES, visit.status),
            visit.verifier.name if visit.verifier else "",
            visit.visited_on.isoformat() if visit.visited_on else "",
            f"{answered.count('yes')} / {len(answered)}" if answered else "",
            label_of(CONCLUSIONS, visit.conclusion)])
    out.append([_("Total"), _("%(done)d done, %(planned)d planned, of %(all)d applicants",
                              done=done, planned=by_status["planned"], all=len(applications)),
                "", "", "", ""])
    return header, out


def definitions() -> tuple[ReportDefinition, ...]:
    return (
        ReportDefinition("pilot_selection.by_rayon", _l("Applicants by rayon"), by_rayon),
        ReportDefinition("pilot_selection.self_assessment", _l("The heads' self-assessment"),
                         self_assessment),
        ReportDefinition("pilot_selection.evidence",
                         _l("Action plans, joint activities, groups and donors"), evidence),
        ReportDefinition("pilot_selection.visits", _l("Verification visits"), visits),
    )
