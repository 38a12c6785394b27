"""Award policies of both variants (pure Python; inputs are the core's ranking rows).

* The contest gives prizes by place, per nomination (:class:`NominationPrizes`), reusing the
  core's :class:`~gms.competition.PrizesByPlace` inside each nomination.
* The municipal variant funds in rank order within the envelope and the per-initiative cap;
  with partial financing allowed, the first initiative that no longer fits gets what is left
  (:class:`EnvelopeWithPartial`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from gms.competition import (
    FUNDED,
    NOT_FUNDED,
    RESERVE,
    AwardDecision,
    PrizesByPlace,
    RankedApplication,
    Vacancy,
    WithinEnvelope,
    first_that_fits,
    policy,
)

PARTIAL = "partial"


def place_reason(place: int, nomination: int | None = None) -> str:
    """The award reason of a place: ``place_1``, or ``nomination_2.place_1`` (1-based)."""
    return f"place_{place}" if nomination is None else f"nomination_{nomination}.place_{place}"


def parse_place_reason(reason: str) -> tuple[int | None, int] | None:
    """``(nomination or None, place)`` from a reason made by :func:`place_reason`."""
    nomination = None
    head, _sep, tail = (reason or "").rpartition(".")
    if head:
        if not head.startswith("nomination_") or not head[11:].isdigit():
            return None
        nomination = int(head[11:])
    if not tail.startswith("place_") or not tail[6:].isdigit():
        return None
    return nomination, int(tail[6:])


@dataclass(frozen=True)
class NominationPrizes:
    """Places I, II, III... in each nomination, from an equal share of the fund.

    ``nomination_of(application_id)`` gives the 1-based nomination an entry competes in
    (``None`` when it chose none). Without nominations (``nominations == 0``) every entry
    competes for the places of the one general nomination. Within a nomination the core's
    ranking order holds; a place goes to the best-ranked entry that passed the thresholds.
    Entries without a valid nomination get no place (reason ``no_nomination``).
    """

    places: tuple[Decimal, ...]
    nominations: int = 0
    nomination_of: Callable[[int], int | None] | None = None

    def decide(self, ranking: Sequence[RankedApplication], budget: Decimal
               ) -> list[AwardDecision]:
        if not self.nominations:
            return PrizesByPlace(self.places).decide(ranking, Decimal(budget))
        share = Decimal(budget) / self.nominations
        lookup = self.nomination_of or (lambda _id: None)
        groups: dict[int, list[RankedApplication]] = {}
        out: list[AwardDecision] = []
        for row in ranking:
            number = lookup(row.application_id)
            if number is None or not 1 <= number <= self.nominations:
                passed = row.passed_thresholds and row.score is not None
                out.append(AwardDecision(row.application_id, RESERVE if passed else NOT_FUNDED,
                                         Decimal(0), row.rank,
                                         "no_nomination" if passed else "below_threshold"))
            else:
                groups.setdefault(number, []).append(row)
        for number, rows in groups.items():
            for d in PrizesByPlace(self.places).decide(rows, share):
                reason = d.reason
                if reason.startswith("place_"):
                    reason = place_reason(int(reason[6:]), number)
                out.append(AwardDecision(d.application_id, d.outcome, d.amount, d.rank, reason))
        return sorted(out, key=lambda d: d.rank)

    def promote(self, vacancy: Vacancy, reserve: Sequence[RankedApplication]
                ) -> AwardDecision | None:
        """A declined place goes, with its prize and its place, to the first of the reserve
        list competing in the same nomination."""
        if not self.nominations:
            return PrizesByPlace(self.places).promote(vacancy, reserve)
        place = parse_place_reason(vacancy.reason)
        if place is None or place[0] is None or vacancy.amount > vacancy.free:
            return None
        lookup = self.nomination_of or (lambda _id: None)
        for row in reserve:
            if lookup(row.application_id) == place[0]:
                return AwardDecision(row.application_id, FUNDED, vacancy.amount, row.rank,
                                     vacancy.reason)
        return None


@dataclass(frozen=True)
class EnvelopeWithPartial:
    """Fund in rank order within the envelope, at most ``cap`` each.

    Without ``partial`` this is the core's :class:`~gms.competition.WithinEnvelope` (an
    initiative that does not fit is skipped and a cheaper one lower down may still be
    funded). With ``partial`` the first initiative that does not fit gets the rest of the
    envelope (reason ``partial``); the envelope is then spent and the rest form the reserve
    list in rank order.
    """

    cap: Decimal | None = None
    partial: bool = True
    max_awards: int | None = None

    def decide(self, ranking: Sequence[RankedApplication], budget: Decimal
               ) -> list[AwardDecision]:
        if not self.partial:
            return WithinEnvelope(max_awards=self.max_awards, max_grant=self.cap
                                  ).decide(ranking, budget)
        left = Decimal(budget)
        funded = 0
        out: list[AwardDecision] = []
        for row in ranking:
            if not row.passed_thresholds or row.score is None:
                out.append(AwardDecision(row.application_id, NOT_FUNDED, Decimal(0), row.rank,
                                         "below_threshold"))
                continue
            wanted = Decimal(row.requested_amount)
            if self.cap is not None:
                wanted = min(wanted, Decimal(self.cap))
            if self.max_awards is not None and funded >= self.max_awards:
                out.append(AwardDecision(row.application_id, RESERVE, Decimal(0), row.rank,
                                         "award_count"))
            elif wanted <= 0:
                out.append(AwardDecision(row.application_id, NOT_FUNDED, Decimal(0), row.rank,
                                         "nothing_requested"))
            elif left <= 0:
                out.append(AwardDecision(row.application_id, RESERVE, Decimal(0), row.rank,
                                         "envelope"))
            elif wanted <= left:
                left -= wanted
                funded += 1
                out.append(AwardDecision(row.application_id, FUNDED, wanted, row.rank))
            else:
                out.append(AwardDecision(row.application_id, FUNDED, left, row.rank, PARTIAL))
                left = Decimal(0)
                funded += 1
        return out

    def promote(self, vacancy: Vacancy, reserve: Sequence[RankedApplication]
                ) -> AwardDecision | None:
        """Who takes a vacated award. Without ``partial``, the core's rule: the first of the
        reserve list whose amount (at most ``cap``) fits what is free. With it, the first of
        the reserve list, with what it asks if that fits, or else all that is free
        (reason ``partial``)."""
        if not self.partial:
            return first_that_fits(vacancy, reserve, max_grant=self.cap)
        if not reserve or vacancy.free <= 0:
            return None
        row = reserve[0]
        wanted = Decimal(row.requested_amount)
        if self.cap is not None:
            wanted = min(wanted, Decimal(self.cap))
        if wanted <= vacancy.free:
            return AwardDecision(row.application_id, FUNDED, wanted, row.rank, "promoted")
        return AwardDecision(row.application_id, FUNDED, vacancy.free, row.rank, PARTIAL)


#: the municipal variant's policy, frozen on a call as ``{kind, params}``
envelope_with_partial = policy("local_initiative.envelope_with_partial", EnvelopeWithPartial)
