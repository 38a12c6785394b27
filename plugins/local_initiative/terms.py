"""The terms of a call, read from its settings (pure Python).

A call's settings are frozen when it opens and arrive typed (Decimal, bool, date, text);
these readers turn them into the terms that the rules, the award policies, the terms page and
the documents share. Settings that were left unset take the defaults below; a place ratio
that cannot be read is reported (``ratio_valid``) and the default applies, so a typo never
stops a call.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from gms.answers import to_decimal
from gms.competition import CompetitionInfo

from .choices import CO_FINANCING, COMPLETION

CONTEST_DEFAULTS: dict[str, Any] = {
    "place_ratio": "100:80:70",
    "nominations": "",
    "prizes_in_equipment": False,
    "ngo_only": False,
}
MUNICIPAL_DEFAULTS: dict[str, Any] = {
    "max_per_initiative_kgs": Decimal(10000),
    "allow_co_financing": True,
    "allow_completion": True,
    "partial_financing": True,
    "public_hearing": True,
    "min_contribution_percent": Decimal(0),
    "implementation_deadline": None,
    "regulation": "",
}
DEFAULT_RATIO = (Decimal(100), Decimal(80), Decimal(70))
MAX_PLACES = 20
MAX_NOMINATIONS = 20


def _setting(settings: Mapping[str, Any], defaults: Mapping[str, Any], name: str) -> Any:
    """The call's value; the default when the call does not set it (an explicit ``None``
    stays: "no limit")."""
    return settings.get(name, defaults.get(name))


# ------------------------------------------------------------------------------ contest


def parse_ratio(text: Any) -> tuple[Decimal, ...] | None:
    """``"100:80:70"`` → ``(100, 80, 70)``; ``None`` when not a list of positive numbers."""
    parts = [p for p in re.split(r"[:;/\s]+", str(text or "").strip()) if p]
    if not parts or len(parts) > MAX_PLACES:
        return None
    values = [to_decimal(p) for p in parts]
    if any(v is None or v <= 0 for v in values):
        return None
    return tuple(values)


def parse_nominations(text: Any) -> tuple[str, ...]:
    """Nomination names separated by ``;`` or new lines, without repeats."""
    out: list[str] = []
    for part in re.split(r"[;\n]+", str(text or "")):
        name = " ".join(part.split())[:200]
        if name and name not in out:
            out.append(name)
    return tuple(out[:MAX_NOMINATIONS])


def split_fund(fund: Decimal, ratio: tuple[Decimal, ...]) -> tuple[Decimal, ...]:
    """Place prizes in the ratio, in whole som, never more than the fund together."""
    whole = sum(ratio, Decimal(0))
    if fund <= 0 or whole <= 0:
        return tuple(Decimal(0) for _r in ratio)
    return tuple((Decimal(fund) * r / whole).to_integral_value(rounding=ROUND_FLOOR)
                 for r in ratio)


@dataclass(frozen=True)
class ContestTerms:
    """Prizes, nominations and the NGO configuration of a contest call.

    The fund (the call's budget) is split equally between the nominations (one general
    nomination when none is set); within a nomination the places share it in ``ratio``.
    """

    fund: Decimal
    ratio: tuple[Decimal, ...]
    ratio_valid: bool
    ratio_text: str
    nominations: tuple[str, ...]
    prizes_in_equipment: bool
    ngo_only: bool

    @property
    def nomination_fund(self) -> Decimal:
        count = max(1, len(self.nominations))
        return (self.fund / count).to_integral_value(rounding=ROUND_FLOOR)

    @property
    def places(self) -> tuple[Decimal, ...]:
        """The prize of each place within one nomination, I place first."""
        return split_fund(self.nomination_fund, self.ratio)

    @property
    def allocated(self) -> Decimal:
        return sum(self.places, Decimal(0)) * max(1, len(self.nominations))


def contest_terms(competition: CompetitionInfo) -> ContestTerms:
    settings = competition.settings or {}
    text = str(_setting(settings, CONTEST_DEFAULTS, "place_ratio") or "")
    ratio = parse_ratio(text)
    return ContestTerms(
        fund=Decimal(competition.budget or 0),
        ratio=ratio or DEFAULT_RATIO, ratio_valid=ratio is not None, ratio_text=text,
        nominations=parse_nominations(_setting(settings, CONTEST_DEFAULTS, "nominations")),
        prizes_in_equipment=bool(_setting(settings, CONTEST_DEFAULTS, "prizes_in_equipment")),
        ngo_only=bool(_setting(settings, CONTEST_DEFAULTS, "ngo_only")))


# ---------------------------------------------------------------------------- municipal


@dataclass(frozen=True)
class MunicipalTerms:
    """The terms a municipality sets for its own call under its local regulation."""

    cap: Decimal | None
    financing_types: tuple[str, ...]
    partial_financing: bool
    public_hearing: bool
    min_contribution_percent: Decimal
    implementation_deadline: date | None
    regulation: str


def municipal_terms(competition: CompetitionInfo) -> MunicipalTerms:
    settings = competition.settings or {}
    own_cap = _setting(settings, MUNICIPAL_DEFAULTS, "max_per_initiative_kgs")
    caps = [c for c in (own_cap, competition.max_grant) if c is not None and c > 0]
    types = tuple(code for code, name in ((CO_FINANCING, "allow_co_financing"),
                                          (COMPLETION, "allow_completion"))
                  if _setting(settings, MUNICIPAL_DEFAULTS, name))
    minimum = _setting(settings, MUNICIPAL_DEFAULTS, "min_contribution_percent")
    return MunicipalTerms(
        cap=min(caps) if caps else None,
        financing_types=types,
        partial_financing=bool(_setting(settings, MUNICIPAL_DEFAULTS, "partial_financing")),
        public_hearing=bool(_setting(settings, MUNICIPAL_DEFAULTS, "public_hearing")),
        min_contribution_percent=max(minimum or Decimal(0), Decimal(0)),
        implementation_deadline=_setting(settings, MUNICIPAL_DEFAULTS,
                                         "implementation_deadline"),
        regulation=" ".join(str(_setting(settings, MUNICIPAL_DEFAULTS, "regulation")
                                or "").split()))
