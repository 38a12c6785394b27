"""Scoring sheets: criteria, scales, weights, thresholds and aggregation.

Pure Python: no Flask, no database. A sheet is frozen on a call when it opens
(:meth:`ScoringSheet.to_dict`) and read back with :meth:`ScoringSheet.from_dict`,
so a plugin upgrade never changes a running call.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal

Number = Decimal | int | float | None


def _dec(value: Number) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value))


@dataclass(frozen=True)
class Scale:
    """A numeric scale. ``step=0.5`` allows half points; ``allow_na`` offers "not applicable"."""

    min: float = 0
    max: float = 5
    step: float = 1
    allow_na: bool = False

    def validate(self, value: Number) -> str | None:
        """Return an error message key for an invalid value, ``None`` when valid."""
        if value is None:
            return None if self.allow_na else "required"
        v = _dec(value)
        if v < _dec(self.min) or v > _dec(self.max):
            return "out_of_range"
        if (v - _dec(self.min)) % _dec(self.step) != 0:
            return "bad_step"
        return None

    def choices(self) -> list[Decimal]:
        """Every allowed value, lowest first."""
        out, v = [], _dec(self.min)
        while v <= _dec(self.max):
            out.append(v)
            v += _dec(self.step)
        return out


@dataclass(frozen=True)
class Criterion:
    """One scored criterion.

    ``label`` and ``guidance`` map a language code to text. ``threshold`` applies to the
    unweighted score; ``comment_below`` makes a comment required when a score is below it.
    """

    key: str
    label: Mapping[str, str]
    scale: Scale = field(default_factory=Scale)
    weight: float = 1
    threshold: float | None = None
    guidance: Mapping[str, str] = field(default_factory=dict)
    comment_below: float | None = None

    def comment_required(self, value: Number) -> bool:
        """True when the plugin requires a comment for this score."""
        return (
            self.comment_below is not None and value is not None
            and _dec(value) < _dec(self.comment_below)
        )


@dataclass(frozen=True)
class ScoringSheet:
    """The criteria of a competition and how one reviewer's scores add up.

    ``aggregate`` is ``"sum"`` (weighted points; N/A criteria are left out and the total is
    rescaled to the full sheet) or ``"mean"`` (weighted mean of the applicable criteria).
    Never is N/A counted as zero.
    """

    criteria: tuple[Criterion, ...]
    aggregate: str = "sum"
    overall_threshold: float | None = None
    reviewers_per_application: int = 2

    def criterion(self, key: str) -> Criterion:
        for c in self.criteria:
            if c.key == key:
                return c
        raise KeyError(key)

    @property
    def max_total(self) -> Decimal:
        """Highest total a review can reach."""
        if self.aggregate == "mean":
            return max((_dec(c.scale.max) for c in self.criteria), default=Decimal(0))
        return sum((_dec(c.scale.max) * _dec(c.weight) for c in self.criteria), Decimal(0))

    def validate(self, scores: Mapping[str, Number], comments: Mapping[str, str]) -> dict:
        """Check one reviewer's scores. Returns ``{criterion_key: error_key}``."""
        errors = {}
        for c in self.criteria:
            if c.key not in scores:
                errors[c.key] = "required"
                continue
            err = c.scale.validate(scores[c.key])
            if err:
                errors[c.key] = err
            elif c.comment_required(scores[c.key]) and not (comments.get(c.key) or "").strip():
                errors[c.key] = "comment_required"
        return errors

    def total(self, scores: Mapping[str, Number]) -> Decimal | None:
        """Aggregate one reviewer's scores; ``None`` when every criterion is N/A."""
        applicable = [(c, _dec(scores.get(c.key))) for c in self.criteria
                      if scores.get(c.key) is not None]
        if not applicable:
            return None
        if self.aggregate == "mean":
            wsum = sum((_dec(c.weight) for c, _ in applicable), Decimal(0))
            value = sum((_dec(c.weight) * v for c, v in applicable), Decimal(0)) / wsum
        else:
            got = sum((_dec(c.weight) * v for c, v in applicable), Decimal(0))
            possible = sum((_dec(c.weight) * _dec(c.scale.max) for c, _ in applicable),
                           Decimal(0))
            value = got * self.max_total / possible if possible else Decimal(0)
        return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    def below_thresholds(self, scores: Mapping[str, Number]) -> list[str]:
        """Keys of criteria whose unweighted score is below their threshold."""
        return [c.key for c in self.criteria
                if c.threshold is not None and scores.get(c.key) is not None
                and _dec(scores[c.key]) < _dec(c.threshold)]

    def to_dict(self) -> dict:
        """A JSON-safe copy, frozen on the call at opening."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping) -> ScoringSheet:
        """Rebuild a sheet frozen by :meth:`to_dict`."""
        crits = tuple(
            Criterion(**{**c, "scale": Scale(**c["scale"])}) for c in data["criteria"]
        )
        return cls(**{**data, "criteria": crits})



# ---------------------------------------------------------------------------- rubrics
# A rubric's rows give each criterion's label and guidance by language code.


def out_of_points(rows: Iterable[tuple], step: float = 0.5,
                  comment_below_percent: float | None = None) -> tuple[Criterion, ...]:
    """Criteria from ``(key, points, label, guidance)`` rows, each scored from 0 to its
    points in ``step``s; a comment is required under ``comment_below_percent`` % of them."""
    return tuple(
        Criterion(key=key, label=dict(label), scale=Scale(min=0, max=points, step=step),
                  guidance=dict(guidance),
                  comment_below=(None if comment_below_percent is None
                                 else points * comment_below_percent / 100))
        for key, points, label, guidance in rows)


def on_scale(rows: Iterable[tuple], scale: Scale, comment_below: float | None = None,
             not_applicable: Collection[str] = ()) -> tuple[Criterion, ...]:
    """Criteria from ``(key, label, guidance)`` rows, all on ``scale``; those named in
    ``not_applicable`` may be marked "not applicable"."""
    return tuple(
        Criterion(key=key, label=dict(label), guidance=dict(guidance),
                  scale=replace(scale, allow_na=True) if key in not_applicable else scale,
                  comment_below=comment_below)
        for key, label, guidance in rows)
