"""The call settings of pilot selection and the values derived from them (pure Python).

An empty date or period setting means "derived from the call": the population is counted
as of 1 January of the year the call opens (2017 call: 1 January 2017), donor projects are
listed for the four years up to that year (2014–2017), and the list of pilots is announced
18 days after the deadline (28 March → 15 April in 2017). Settings are frozen when the call
opens, and so are the dates they are derived from.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from gms.competition import CompetitionInfo

TIMEZONE = ZoneInfo("Asia/Bishkek")
ANNOUNCEMENT_AFTER_DEADLINE = timedelta(days=18)
DONOR_YEARS = 4

#: the settings' defaults, of their declared kinds (a call's settings arrive typed)
DEFAULTS: dict[str, Any] = {
    "population_date": None,
    "activities_months": 12,
    "donor_period": "",
    "announcement_date": None,
    "memorandum_until": None,
    "min_score": None,
    # read by the core's ranking: the higher mean of this criterion wins a tie
    "tie_break_criterion": "commitment",
}

_PERIOD = re.compile(r"^\s*(\d{4})\s*[-–—]\s*(\d{4})\s*$")


def _setting(settings: Mapping[str, Any], name: str) -> Any:
    """The call's (typed) value of ``name``; the default when it does not set it."""
    return settings.get(name, DEFAULTS[name])


def call_year(competition: CompetitionInfo) -> int | None:
    """The year (in Bishkek) the call opens."""
    if competition.opens_at is None:
        return None
    return competition.opens_at.astimezone(TIMEZONE).year


def population_date(competition: CompetitionInfo) -> date | None:
    """The date the population is counted as of (Annex 2, item 13)."""
    chosen = _setting(competition.settings, "population_date")
    if chosen is not None:
        return chosen
    year = call_year(competition)
    return date(year, 1, 1) if year else None


def activities_months(competition: CompetitionInfo) -> int:
    """The look-back of Part 2 (joint activities), in months; 12 by default."""
    months = _setting(competition.settings, "activities_months")
    return months if months and months > 0 else DEFAULTS["activities_months"]


def donor_period(competition: CompetitionInfo) -> tuple[int, int] | None:
    """The years of Part 4 (donor projects), first and last; 2014–2017 for a 2017 call."""
    match = _PERIOD.match(str(_setting(competition.settings, "donor_period") or ""))
    if match and int(match[1]) <= int(match[2]):
        return int(match[1]), int(match[2])
    year = call_year(competition)
    return (year - DONOR_YEARS + 1, year) if year else None


def donor_period_text(competition: CompetitionInfo) -> str:
    period = donor_period(competition)
    return f"{period[0]}–{period[1]}" if period else ""


def announcement_date(competition: CompetitionInfo) -> date | None:
    """The date by which the list of pilots is announced."""
    chosen = _setting(competition.settings, "announcement_date")
    if chosen is not None:
        return chosen
    if competition.deadline_at is None:
        return None
    return competition.deadline_at.astimezone(TIMEZONE).date() + ANNOUNCEMENT_AFTER_DEADLINE


def memorandum_until(competition: CompetitionInfo) -> date | None:
    """The end of the memoranda's term; ``None``: until the end of the programme phase."""
    return _setting(competition.settings, "memorandum_until")


def min_score(competition: CompetitionInfo) -> Decimal | None:
    """The lowest mean total (of 25) a municipality needs to be selected; ``None``: none."""
    value = _setting(competition.settings, "min_score")
    return value if value is not None and value > 0 else None
