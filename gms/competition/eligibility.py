"""Eligibility rules: each has a code and gives a reason an applicant understands."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from .info import ApplicationInfo


@dataclass(frozen=True)
class EligibilityResult:
    """The outcome of one rule for one application."""

    code: str
    passed: bool
    message: str
    blocking: bool = True


@dataclass(frozen=True)
class EligibilityRule:
    """A named rule. ``check`` returns ``(passed, message)``; messages are already translated.

    ``blocking`` rules stop submission when they fail; non-blocking ones are warnings that
    staff weigh at screening.
    """

    code: str
    check: Callable[[ApplicationInfo], tuple[bool, str]]
    blocking: bool = True
    params: Mapping = field(default_factory=dict)

    def __call__(self, application: ApplicationInfo) -> EligibilityResult:
        passed, message = self.check(application)
        return EligibilityResult(self.code, passed, message, self.blocking)


def run_rules(rules, application: ApplicationInfo) -> list[EligibilityResult]:
    """Run every rule on ``application``, in order."""
    return [rule(application) for rule in rules]


def blocking_failures(results) -> list[EligibilityResult]:
    """The failed results that stop submission."""
    return [r for r in results if not r.passed and r.blocking]
