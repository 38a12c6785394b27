"""Rules and policies as data: factories registered by code, specs frozen on a call.

A **factory** turns typed parameters into a working object:

* an eligibility rule (``@rule("my_plugin.max_age")``): the decorated function takes the
  parameters and returns the check ``(application) -> (passed, message)``;
* an award policy (``policy("my_plugin.prizes", MyPolicy)``): an object with
  ``decide(ranking, budget)`` (and, optionally, ``promote``);
* a requested-amount rule (``@amount_rule("my_plugin.total")``): the function returns
  ``(answers) -> Decimal | None``.

The parameters are the function's (or the class's) annotated arguments. Calling a factory
with them gives a :class:`Spec`; a competition type returns specs computed from a call's
settings, the core freezes ``spec.to_dict()`` when the call opens and rebuilds every later
use with :meth:`Factories.load`, so a plugin upgrade never changes a running call.
Plugins hand their factories to the core through the ``gms_register_factories`` hook; codes
start with the plugin's name (``core.`` for the core's own).
"""

from __future__ import annotations

import functools
import inspect
import typing
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from gms.answers import reading_tables, to_decimal

from .awards import PrizesByPlace, WithinEnvelope
from .eligibility import EligibilityRule
from .params import decode_all, encode

RULE, POLICY, AMOUNT = "rule", "policy", "amount"
Check = Callable[[Any], tuple[bool, str]]


class ContractError(RuntimeError):
    """A bad or duplicate factory, or frozen data no registered factory can read."""


@functools.cache
def _hints(make: Callable) -> dict[str, Any]:
    hints = typing.get_type_hints(make)
    names = inspect.signature(make).parameters
    return {name: hints.get(name, Any) for name in names}


@dataclass(frozen=True)
class Factory:
    """Makes a rule, a policy or an amount rule of one ``code`` from typed parameters.

    ``tables`` (rules only) names the answers' tables the check reads as lists of rows.
    """

    family: str
    code: str
    make: Callable[..., Any]
    blocking: bool = True
    tables: tuple[str, ...] = ()

    def __call__(self, *args: Any, **kwargs: Any) -> Spec:
        """A spec of this factory with these parameters (defaults filled in)."""
        bound = inspect.signature(self.make).bind(*args, **kwargs)
        bound.apply_defaults()
        return Spec(self, dict(bound.arguments), self.blocking)

    @property
    def param_types(self) -> dict[str, Any]:
        """Parameter name → declared type."""
        return _hints(self.make)

    def load(self, params: Mapping[str, Any], blocking: bool | None = None) -> Spec:
        """The spec frozen as ``params`` (JSON values); unknown names are ignored."""
        spec = self(**decode_all(self.param_types, params))
        return spec if blocking is None else Spec(self, spec.params, bool(blocking))


@dataclass(frozen=True)
class Spec:
    """A factory with its parameters: what a call freezes (:meth:`to_dict`)."""

    factory: Factory
    params: Mapping[str, Any] = field(default_factory=dict)
    blocking: bool = True

    @property
    def code(self) -> str:
        return self.factory.code

    def to_dict(self) -> dict[str, Any]:
        """JSON: ``{code, params, blocking}`` for a rule, ``{kind, params}`` otherwise."""
        if self.factory.family == RULE:
            return {"code": self.code, "params": encode(self.params), "blocking": self.blocking}
        return {"kind": self.code, "params": encode(self.params)}

    def build(self) -> Any:
        """The working rule (:class:`EligibilityRule`), policy or amount function."""
        made = self.factory.make(**self.params)
        if self.factory.family != RULE:
            return made
        return EligibilityRule(self.code, made, self.blocking, params=encode(self.params))


def rule(code: str, *, blocking: bool = True, tables: Iterable[str] = ()
         ) -> Callable[[Callable[..., Check]], Factory]:
    """Declare an eligibility-rule factory: the function takes the typed parameters and
    returns the check; non-``blocking`` rules are warnings staff weigh at screening."""
    return lambda make: Factory(RULE, code, make, blocking, tuple(tables))


def policy(kind: str, make: Callable[..., Any]) -> Factory:
    """Declare an award-policy factory: ``make`` (often a dataclass) takes the parameters."""
    return Factory(POLICY, kind, make)


def amount_rule(kind: str) -> Callable[[Callable[..., Any]], Factory]:
    """Declare a requested-amount factory: the function takes the parameters and returns
    ``(answers) -> Decimal | None``."""
    return lambda make: Factory(AMOUNT, kind, make)


def build_rules(specs: Iterable[Spec]) -> list[EligibilityRule]:
    """The rules of ``specs``, in order; rules reading the same tables share one shaped copy
    of the answers per application."""
    built = [(s.factory.tables, s.build()) for s in specs]
    out: list[EligibilityRule] = [r for _t, r in built]
    for tables in {t for t, _r in built if t}:
        places = [i for i, (t, _r) in enumerate(built) if t == tables]
        for i, shaped in zip(places, reading_tables([out[i] for i in places], tables),
                             strict=True):
            out[i] = shaped
    return out


class Factories:
    """The factories the enabled plugins registered, by family and code."""

    def __init__(self) -> None:
        self._by: dict[str, dict[str, Factory]] = {RULE: {}, POLICY: {}, AMOUNT: {}}

    def add(self, owner: str, factory: Factory) -> None:
        """Register ``factory`` for plugin ``owner`` (``core`` for the core's own)."""
        if not isinstance(factory, Factory) or factory.family not in self._by:
            raise ContractError(f"plugin {owner!r} registered {factory!r}, not a factory")
        if factory.code.split(".")[0] != owner or "." not in factory.code:
            raise ContractError(f"plugin {owner!r} registered {factory.code!r}: codes must "
                                f"start with {owner + '.'!r}")
        if factory.code in self._by[factory.family]:
            raise ContractError(f"{factory.family} {factory.code!r} registered twice")
        self._by[factory.family][factory.code] = factory

    def extend(self, owner: str, factories: Iterable[Factory]) -> None:
        for f in factories:
            self.add(owner, f)

    def get(self, family: str, code: str) -> Factory | None:
        return self._by[family].get(code)

    def load(self, family: str, data: Mapping[str, Any]) -> Spec:
        """The spec frozen as ``data`` (``{code|kind, params[, blocking]}``)."""
        code = data.get("code") or data.get("kind")
        factory = self._by[family].get(code)
        if factory is None:
            raise ContractError(f"no {family} factory {code!r} is registered")
        return factory.load(data.get("params") or {}, data.get("blocking"))


# ------------------------------------------------------------ the core's own factories

within_envelope = policy("core.within_envelope", WithinEnvelope)
prizes_by_place = policy("core.prizes_by_place", PrizesByPlace)


@amount_rule("core.answer_field")
def answer_field(field: str = "requested_amount") -> Callable[[Mapping], Decimal | None]:
    """The amount typed in the answer ``field`` (``None`` when missing or not a number)."""
    return lambda answers: to_decimal(answers.get(field))


@amount_rule("core.fixed")
def fixed_amount(amount: Decimal | None = None) -> Callable[[Mapping], Decimal | None]:
    """The same amount for every application (``None``: nothing is requested)."""
    return lambda answers: amount


CORE_FACTORIES = (within_envelope, prizes_by_place, answer_field, fixed_amount)
