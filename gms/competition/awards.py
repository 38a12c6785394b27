"""Award policies: who is funded from a ranking, within the envelope."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from .info import RankedApplication

FUNDED, RESERVE, NOT_FUNDED = "funded", "reserve", "not_funded"


@dataclass(frozen=True)
class AwardDecision:
    """The outcome for one ranked application; ``amount`` is zero unless funded."""

    application_id: int
    outcome: str
    amount: Decimal
    rank: int
    reason: str = ""


@dataclass(frozen=True)
class Vacancy:
    """A funded award that was declined or cancelled after the decision: its amount and
    reason, what is free of the budget now (its amount included), and the funded awards
    left, per organisation."""

    amount: Decimal
    reason: str
    free: Decimal
    funded_per_organisation: Mapping[int, int]


def first_that_fits(vacancy: Vacancy, reserve: Sequence[RankedApplication], *,
                    max_grant: Decimal | None = None, per_organisation: int | None = None
                    ) -> AwardDecision | None:
    """The first of the reserve list (rank order) whose amount, capped at ``max_grant``, fits
    what is free, and whose organisation is under ``per_organisation`` funded awards: funded
    (reason ``promoted``). The promotion of a policy without a ``promote`` method."""
    for row in reserve:
        amount = Decimal(row.requested_amount)
        if max_grant is not None:
            amount = min(amount, Decimal(max_grant))
        if (per_organisation is not None
                and vacancy.funded_per_organisation.get(row.organisation_id, 0)
                >= per_organisation):
            continue
        if amount <= vacancy.free:
            return AwardDecision(row.application_id, FUNDED, amount, row.rank, "promoted")
    return None


@dataclass(frozen=True)
class WithinEnvelope:
    """Fund in rank order while the envelope, the award count and per-organisation limits allow.

    Applications that do not fit are skipped (``greedy``) so a cheaper one lower down may still
    be funded; applications under the thresholds are never funded. Those that are not funded
    but passed the thresholds form the reserve list, in rank order.
    """

    max_awards: int | None = None
    per_organisation: int | None = None
    max_grant: Decimal | None = None
    greedy: bool = True

    def decide(self, ranking: Sequence[RankedApplication], budget: Decimal
               ) -> list[AwardDecision]:
        left = Decimal(budget)
        per_org: Counter[int] = Counter()
        funded = 0
        out: list[AwardDecision] = []
        stop = False
        for row in ranking:
            amount = Decimal(row.requested_amount)
            if self.max_grant is not None:
                amount = min(amount, Decimal(self.max_grant))
            if not row.passed_thresholds or row.score is None:
                out.append(AwardDecision(row.application_id, NOT_FUNDED, Decimal(0), row.rank,
                                         "below_threshold"))
                continue
            reason = ""
            if stop:
                reason = "envelope"
            elif self.max_awards is not None and funded >= self.max_awards:
                reason = "award_count"
            elif (self.per_organisation is not None
                  and per_org[row.organisation_id] >= self.per_organisation):
                reason = "per_organisation"
            elif amount > left:
                reason = "envelope"
                stop = not self.greedy
            if reason:
                out.append(AwardDecision(row.application_id, RESERVE, Decimal(0), row.rank,
                                         reason))
                continue
            left -= amount
            funded += 1
            per_org[row.organisation_id] += 1
            out.append(AwardDecision(row.application_id, FUNDED, amount, row.rank))
        return out

    def promote(self, vacancy: Vacancy, reserve: Sequence[RankedApplication]
                ) -> AwardDecision | None:
        """Who takes a vacated award: the first of the reserve list that fits what is free,
        within the grant cap and the per-organisation limit."""
        return first_that_fits(vacancy, reserve, max_grant=self.max_grant,
                               per_organisation=self.per_organisation)


@dataclass(frozen=True)
class PrizesByPlace:
    """Prizes by place from a prize fund: the best-ranked get ``places`` amounts in order
    (e.g. 100,000 / 80,000 / 70,000 KGS). Those that passed the thresholds but got no place
    form the reserve list, which takes a place that is declined. Ties are already broken by
    the ranking. A place is never paid beyond what is left of the fund."""

    places: tuple[Decimal, ...]

    def decide(self, ranking: Sequence[RankedApplication], budget: Decimal
               ) -> list[AwardDecision]:
        left = Decimal(budget)
        places = list(self.places)
        out = []
        for row in ranking:
            if not row.passed_thresholds or row.score is None:
                out.append(AwardDecision(row.application_id, NOT_FUNDED, Decimal(0), row.rank,
                                         "below_threshold"))
            elif places and Decimal(places[0]) <= left:
                prize = Decimal(places.pop(0))
                left -= prize
                out.append(AwardDecision(row.application_id, FUNDED, prize, row.rank,
                                         f"place_{len(self.places) - len(places)}"))
            else:
                out.append(AwardDecision(row.application_id, RESERVE, Decimal(0), row.rank,
                                         "no_place" if not places else "envelope"))
        return out

    def promote(self, vacancy: Vacancy, reserve: Sequence[RankedApplication]
                ) -> AwardDecision | None:
        """A declined place goes, with its prize and its place, to the first of the reserve
        list; the other places stay as they are."""
        if not vacancy.reason.startswith("place_") or not reserve:
            return None
        if vacancy.amount > vacancy.free:
            return None
        row = reserve[0]
        return AwardDecision(row.application_id, FUNDED, vacancy.amount, row.rank,
                             vacancy.reason)
