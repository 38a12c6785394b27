"""Reading the evidence of participatory priority-setting in the answers (pure Python).

The answers hold the ЖМБА sessions by age group, the vote tally per village, the focus group,
the joint action plan (БАП) and the beneficiaries by village. Nothing here raises on a
half-filled draft: rows come from JSON, numbers may be strings, missing or wrong, and a row
with nothing in it is skipped.

The vote tally follows doc 002: the votes of a problem are added up across villages (and
across rows naming the same problem in one village); problems are ranked by their total,
most votes first; tied problems share a rank (1, 2, 3, 4, 4, 6, ...); the problems ranked
one to five are the residents' priorities.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from gms.answers import to_date, to_decimal, to_int

TOP = 5  # the five problems with most votes are the priorities
CENT = Decimal("0.01")

_SPACES = re.compile(r"\s+")
_EDGES = " \t\n.,;:!?\"'«»“”„-–—"


def key_of(text: Any) -> str:
    """How names are compared: case, repeated spaces, quotes and end punctuation ignored."""
    return _SPACES.sub(" ", str(text or "")).strip(_EDGES).casefold()

def _text(value: Any) -> str:
    return str(value if value is not None else "").strip()


def is_blank(value: Any) -> bool:
    return _text(value) == "" if not isinstance(value, (list, dict)) else not value


def _rows(answers: Mapping[str, Any], name: str) -> list[Mapping[str, Any]]:
    """The filled rows of table ``name``: mappings with at least one value."""
    rows = answers.get(name) or []
    if not isinstance(rows, list):
        return []
    return [r for r in rows if isinstance(r, Mapping) and not all(is_blank(v)
                                                                  for v in r.values())]


def percent(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    """``part`` as a percentage of ``whole``, two decimals; ``None`` when ``whole`` is 0."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(CENT, rounding=ROUND_HALF_UP)


# ------------------------------------------------------------------------- headcounts


@dataclass(frozen=True)
class Headcount:
    """People at an event (or several) and the women among them."""

    participants: int
    women: int

    @property
    def men(self) -> int:
        return max(self.participants - self.women, 0)

    @property
    def women_percent(self) -> Decimal | None:
        return percent(self.women, self.participants)

    @property
    def minority_percent(self) -> Decimal | None:
        """Share of the less represented sex; ``None`` when nobody is counted."""
        return percent(min(self.women, self.men), self.participants)

    def __add__(self, other: Headcount) -> Headcount:
        return Headcount(self.participants + other.participants, self.women + other.women)


NOBODY = Headcount(0, 0)


# ------------------------------------------------------------------------ ЖМБА sessions


@dataclass(frozen=True)
class Session:
    """One ЖМБА session: one age group of one village on one day."""

    village: str
    date: date | None
    age_group: str
    participants: int
    women: int
    facilitators: int | None

    @property
    def headcount(self) -> Headcount:
        return Headcount(self.participants, self.women)


def sessions(answers: Mapping[str, Any]) -> list[Session]:
    """The filled rows of the sessions table; missing counts are zero (facilitators None)."""
    return [Session(village=_text(r.get("village")), date=to_date(r.get("date")),
                    age_group=_text(r.get("age_group")),
                    participants=to_int(r.get("participants")) or 0,
                    women=to_int(r.get("women")) or 0,
                    facilitators=to_int(r.get("facilitators")))
            for r in _rows(answers, "zhmba_sessions")]


def session_headcount(answers: Mapping[str, Any]) -> Headcount:
    return sum((s.headcount for s in sessions(answers)), NOBODY)


def session_villages(items: Sequence[Session]) -> list[str]:
    """Villages of the sessions in the order they first appear (first spelling kept)."""
    seen: dict[str, str] = {}
    for s in items:
        seen.setdefault(key_of(s.village), s.village)
    return [v for k, v in seen.items() if k]


def missing_age_groups(items: Sequence[Session], groups: Sequence[str]
                       ) -> dict[str, list[str]]:
    """Village → the age groups (codes, in ``groups`` order) it held no session for."""
    held: dict[str, set[str]] = {}
    names: dict[str, str] = {}
    for s in items:
        k = key_of(s.village)
        if not k:
            continue
        names.setdefault(k, s.village)
        held.setdefault(k, set()).add(s.age_group)
    out = {}
    for k, got in held.items():
        missing = [g for g in groups if g not in got]
        if missing:
            out[names[k]] = missing
    return out


# --------------------------------------------------------------------------- vote tally


@dataclass(frozen=True)
class TallyRow:
    village: str
    problem: str
    votes: int


@dataclass(frozen=True)
class ProblemTotal:
    """A problem's votes in each village and in all, and its rank among the problems."""

    problem: str
    votes: int
    rank: int
    by_village: Mapping[str, int] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return key_of(self.problem)

    @property
    def priority(self) -> bool:
        """Among the residents' priorities: ranked one to five."""
        return self.rank <= TOP


@dataclass(frozen=True)
class Tally:
    """The vote tally: villages in order of appearance, problems by rank."""

    villages: tuple[str, ...] = ()
    problems: tuple[ProblemTotal, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.problems)

    def find(self, problem: Any) -> ProblemTotal | None:
        """The problem named ``problem`` (compared by :func:`key_of`), if in the tally."""
        k = key_of(problem)
        return next((p for p in self.problems if k and p.key == k), None)

    def ties(self, total: ProblemTotal) -> int:
        """How many problems share ``total``'s rank (1 when it is not tied)."""
        return sum(1 for p in self.problems if p.rank == total.rank)

    @property
    def votes(self) -> int:
        return sum(p.votes for p in self.problems)

    @property
    def village_totals(self) -> dict[str, int]:
        return {v: sum(p.by_village.get(v, 0) for p in self.problems) for v in self.villages}

    @property
    def priorities(self) -> tuple[ProblemTotal, ...]:
        return tuple(p for p in self.problems if p.priority)


def tally_rows(answers: Mapping[str, Any]) -> list[TallyRow]:
    """The rows of the tally table that name a problem; missing votes count as zero."""
    out = []
    for r in _rows(answers, "vote_tally"):
        problem = _text(r.get("problem"))
        if key_of(problem):
            out.append(TallyRow(_text(r.get("village")), problem,
                                max(to_int(r.get("votes")) or 0, 0)))
    return out


def competition_ranks(values: Sequence[int]) -> list[int]:
    """Ranks of ``values`` sorted from highest down: equal values share the rank of the
    first of them and the next value skips the shared places (1, 2, 2, 4)."""
    ranks = []
    for i, v in enumerate(values):
        ranks.append(ranks[i - 1] if i and values[i - 1] == v else i + 1)
    return ranks


def compute_tally(rows: Iterable[TallyRow]) -> Tally:
    """Add the votes of each problem across villages and rank the problems.

    Names are matched with :func:`key_of`; the first spelling is shown. Problems with equal
    totals keep the order in which they first appear in the rows.
    """
    villages: dict[str, str] = {}
    names: dict[str, str] = {}
    votes: dict[str, dict[str, int]] = {}
    for row in rows:
        vk, pk = key_of(row.village), key_of(row.problem)
        villages.setdefault(vk, row.village)
        names.setdefault(pk, row.problem)
        cell = votes.setdefault(pk, {})
        cell[vk] = cell.get(vk, 0) + row.votes
    totals = sorted(((sum(cells.values()), order, pk) for order, (pk, cells)
                     in enumerate(votes.items())), key=lambda t: (-t[0], t[1]))
    ranks = competition_ranks([t[0] for t in totals])
    problems = tuple(
        ProblemTotal(problem=names[pk], votes=total, rank=rank,
                     by_village={villages[vk]: n for vk, n in votes[pk].items()})
        for (total, _order, pk), rank in zip(totals, ranks, strict=True))
    return Tally(villages=tuple(villages.values()), problems=problems)


def tally(answers: Mapping[str, Any]) -> Tally:
    """The vote tally of the answers."""
    return compute_tally(tally_rows(answers))


# -------------------------------------------------------------------------- focus group

FOCUS_GROUP_ANALYSIS = ("focus_group_causes", "focus_group_consequences",
                        "focus_group_solutions", "focus_group_contributions")
FOCUS_GROUP_FIELDS = ("focus_group_date", "focus_group_participants", "focus_group_women",
                      *FOCUS_GROUP_ANALYSIS)


@dataclass(frozen=True)
class FocusGroup:
    date: date | None
    participants: int | None
    women: int | None
    missing_analysis: tuple[str, ...]  # answer keys of the analysis left empty

    @property
    def headcount(self) -> Headcount:
        return Headcount(self.participants or 0, self.women or 0)


def focus_group(answers: Mapping[str, Any]) -> FocusGroup | None:
    """The focus group, or ``None`` when none of its answers is filled in."""
    if all(is_blank(answers.get(k)) for k in FOCUS_GROUP_FIELDS):
        return None
    return FocusGroup(
        date=to_date(answers.get("focus_group_date")),
        participants=to_int(answers.get("focus_group_participants")),
        women=to_int(answers.get("focus_group_women")),
        missing_analysis=tuple(k for k in FOCUS_GROUP_ANALYSIS if is_blank(answers.get(k))))


# ------------------------------------------------------------------ joint action plan


@dataclass(frozen=True)
class Action:
    problem: str
    activity: str
    indicator: str
    deadline: date | None
    responsible: str
    contribution: str
    source: str
    amount: Decimal | None


def action_plan(answers: Mapping[str, Any]) -> list[Action]:
    return [Action(problem=_text(r.get("problem")), activity=_text(r.get("activity")),
                   indicator=_text(r.get("indicator")), deadline=to_date(r.get("deadline")),
                   responsible=_text(r.get("responsible")),
                   contribution=_text(r.get("contribution")), source=_text(r.get("source")),
                   amount=to_decimal(r.get("amount")))
            for r in _rows(answers, "action_plan")]


def action_plan_total(actions: Sequence[Action]) -> Decimal:
    return sum((a.amount or Decimal(0) for a in actions), Decimal(0))


# ----------------------------------------------------------------- beneficiaries by village


@dataclass(frozen=True)
class VillageReach:
    village: str
    beneficiaries: int
    women: int


def beneficiaries_by_village(answers: Mapping[str, Any]) -> list[VillageReach]:
    return [VillageReach(_text(r.get("village")), to_int(r.get("beneficiaries")) or 0,
                         to_int(r.get("women")) or 0)
            for r in _rows(answers, "beneficiaries_by_village")]
