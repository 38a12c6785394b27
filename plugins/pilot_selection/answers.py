"""Reading the answers of a pilot-selection application (pure Python).

Answers come from JSON, so numbers and dates may be strings, numbers or missing; nothing here
raises on a half-filled draft. A table row counts when one of its text or number cells is
filled in (a choice alone, such as the row type, does not make a row).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from gms.answers import to_int

from .choices import IDEA, PAST

# the tables of the form: answer key -> cells that make a row count
TABLES: dict[str, tuple[str, ...]] = {
    "action_plan": ("activity", "timing", "responsible"),
    "villages": ("name", "distance_km", "population"),
    "ethnic_groups": ("ethnicity", "population"),
    "joint_activities": ("title", "initiator", "citizens", "results", "help_needed"),
    "civic_groups": ("name", "leader", "audience", "activities", "cooperation"),
    "donor_projects": ("donor", "project", "citizens", "results", "contact"),
}
RATING_KEYS = ("q1_council_rating", "q2_interaction_rating", "q3_deputies_rating",
               "q4_village_head_rating", "q5_population_rating")
DECLARATIONS = ("declaration_cooperation", "declaration_action_plan",
                "declaration_open_governance")


# ------------------------------------------------------------------------------ values

def text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def checked(value: Any) -> bool:
    """A ticked checkbox as stored (``True``), or as a browser or a JSON file may send it."""
    if isinstance(value, str):
        return value.strip().lower() in ("y", "yes", "on", "true", "1")
    return value is True


# ------------------------------------------------------------------------------ tables


def section(answers: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    """A section of the answers (``letter``, ``general``, ``head``); empty when missing."""
    value = answers.get(name)
    return value if isinstance(value, Mapping) else {}


def is_empty_row(row: Mapping[str, Any], cells: Sequence[str]) -> bool:
    return not any(text(row.get(cell)) for cell in cells)


def rows(answers: Mapping[str, Any], table: str) -> list[Mapping[str, Any]]:
    """The filled-in rows of ``table`` (one of :data:`TABLES`)."""
    cells = TABLES[table]
    value = answers.get(table) or []
    if not isinstance(value, list):
        return []
    return [r for r in value if isinstance(r, Mapping) and not is_empty_row(r, cells)]


def past_activities(answers: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """Part 2 rows that describe a joint activity already carried out."""
    return [r for r in rows(answers, "joint_activities") if r.get("kind") == PAST]


def ideas(answers: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """Part 2 rows that describe an idea and the help needed (newly appointed heads)."""
    return [r for r in rows(answers, "joint_activities") if r.get("kind") == IDEA]


def citizens_involved(table_rows) -> int:
    """The citizens involved, summed over rows (cells that are not numbers count as 0)."""
    return sum(to_int(r.get("citizens")) or 0 for r in table_rows)


def urgent_problems(answers: Mapping[str, Any]) -> list[str]:
    """Q6: the problems named, in order, blanks left out."""
    value = section(answers, "head").get("urgent_problems") or []
    return [text(p) for p in value if text(p)] if isinstance(value, list) else []


# ------------------------------------------------------------------------- population


def village_population(answers: Mapping[str, Any]) -> int:
    return sum(to_int(r.get("population")) or 0 for r in rows(answers, "villages"))


def ethnic_population(answers: Mapping[str, Any]) -> int:
    return sum(to_int(r.get("population")) or 0 for r in rows(answers, "ethnic_groups"))


def population_problems(answers: Mapping[str, Any]) -> list[tuple[str, int, int]]:
    """Breakdowns that do not add up to the total population: ``(breakdown, sum, total)``
    with breakdown ``"villages"``, ``"sex"`` or ``"ethnicity"``; empty when consistent or
    when a part is not filled in yet."""
    general = section(answers, "general")
    total = to_int(general.get("population_total"))
    if total is None:
        return []
    out = []
    by_village = rows(answers, "villages")
    if by_village and village_population(answers) != total:
        out.append(("villages", village_population(answers), total))
    women = to_int(general.get("population_women"))
    men = to_int(general.get("population_men"))
    if women is not None and men is not None and women + men != total:
        out.append(("sex", women + men, total))
    if rows(answers, "ethnic_groups") and ethnic_population(answers) != total:
        out.append(("ethnicity", ethnic_population(answers), total))
    return out


# ---------------------------------------------------------------------- self-assessment


def rating(answers: Mapping[str, Any], key: str) -> int | None:
    """One of the head's 5-point ratings, or ``None`` when not given or out of range."""
    value = to_int(section(answers, "head").get(key))
    return value if value is not None and 1 <= value <= 5 else None


def declarations_missing(answers: Mapping[str, Any]) -> list[str]:
    """Keys of the letter's fixed declarations that are not ticked."""
    letter = section(answers, "letter")
    return [key for key in DECLARATIONS if not checked(letter.get(key))]
