"""The settings of one edition (call) of the contest, read from ``CompetitionInfo`` (pure).

An edition is named after the budget year drafted: hearings held in 2017 on the 2018 budget
make the 2018 edition. Staff set the budget year, the window in which the hearings must have
been held, the prize for each place and the women's share expected; every setting has a
default, so a call works as created. Settings arrive typed (int, date, Decimal, bool).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from gms.competition import CompetitionInfo

TIMEZONE = ZoneInfo("Asia/Bishkek")
MAX_PLACES = 5
# 2017 call (budget 2018): fund 400,000 som; I place 100,000, II 80,000, III 70,000
DEFAULT_PRIZES = (Decimal(100000), Decimal(80000), Decimal(70000), None, None)

#: the settings' defaults, of their declared kinds
DEFAULTS: dict[str, Any] = {
    "budget_year": None,  # empty: the year after the call opens
    "hearings_from": None,  # empty: 1 January of the year before the budget year
    "hearings_to": None,  # empty: the call's deadline
    **{f"prize_{n}": DEFAULT_PRIZES[n - 1] for n in range(1, MAX_PLACES + 1)},
    "min_women_percent": Decimal(30),
    "anonymous_review": True,
}


def _local_day(instant) -> date | None:
    return instant.astimezone(TIMEZONE).date() if instant is not None else None


def budget_year(competition: CompetitionInfo) -> int | None:
    """The budget year the edition is about: the setting, else the year after opening."""
    year = competition.settings.get("budget_year")
    if year is not None and 1990 <= year <= 2200:
        return year
    opened = _local_day(competition.opens_at)
    return opened.year + 1 if opened else None


@dataclass(frozen=True)
class Window:
    """The days (both included) in which a hearing on the draft budget counts."""

    start: date | None
    end: date | None

    def __contains__(self, day: date | None) -> bool:
        if day is None:
            return False
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)


def hearings_window(competition: CompetitionInfo) -> Window:
    """The call's hearings window; open ends default to the year before the budget year,
    and to the deadline."""
    settings = competition.settings
    start = settings.get("hearings_from")
    end = settings.get("hearings_to")
    year = budget_year(competition)
    if start is None and year is not None:
        start = date(year - 1, 1, 1)
    if end is None:
        end = _local_day(competition.deadline_at)
        if end is None and year is not None:
            end = date(year - 1, 12, 31)
    return Window(start, end)


def prize_places(settings: Mapping[str, Any]) -> tuple[Decimal, ...]:
    """The prize of each place, first place first; empty or zero places are left out."""
    out = []
    for n in range(1, MAX_PLACES + 1):
        value = settings.get(f"prize_{n}", DEFAULTS[f"prize_{n}"])
        if value is not None and value > 0:
            out.append(value)
    return tuple(out)


def min_women_percent(settings: Mapping[str, Any]) -> Decimal:
    value = settings.get("min_women_percent", DEFAULTS["min_women_percent"])
    return value if value is not None and value >= 0 else Decimal(0)
