"""The contract of a call, frozen when it opens: type version, scoring sheet, eligibility
rules, award policy, requested-amount rule and document kinds.

While a call is a draft everything is computed live from its competition type and the
call's settings. :func:`freeze` stores ``{code, params, blocking}`` per rule
(``frozen_rules``), ``{kind, params}`` of the policy and of the requested-amount rule and
``{code, required}`` per document kind (``frozen_contract``); from then on every use is
rebuilt from that data through the registered factories, so a plugin upgrade never changes
a running call. A different plugin version is only reported (:func:`version_change`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any
from weakref import WeakKeyDictionary

from gms.competition import (
    AMOUNT,
    POLICY,
    RULE,
    CompetitionInfo,
    CompetitionType,
    ContractError,
    DocumentKind,
    EligibilityRule,
    Factories,
    ScoringSheet,
    Spec,
    build_rules,
)
from gms.i18n import _
from gms.models import Competition

from .common import ServiceError, competition_info, competition_type, hooks, registry


def live_rule_specs(ctype: CompetitionType, info: CompetitionInfo) -> list[Spec]:
    """The type's rule specs plus those other plugins contribute, sorted by code."""
    specs = list(ctype.eligibility_rules(info))
    for extra in hooks().gms_extra_eligibility_rules(competition=info, competition_type=ctype):
        specs.extend(extra or ())
    return sorted(specs, key=lambda s: s.code)


def contract_of(ctype: CompetitionType, info: CompetitionInfo) -> dict[str, Any]:
    """The frozen form of the policy, the requested-amount rule and the document kinds."""
    return {
        "policy": ctype.award_policy(info).to_dict(),
        "requested_amount": ctype.requested_amount_rule(info).to_dict(),
        "documents": [{"code": k.code, "required": bool(k.required)}
                      for k in ctype.document_kinds(info)],
    }


def freeze(call: Competition) -> None:
    """Store the type version, the scoring sheet, the rules and the contract on the call."""
    ctype = competition_type(call)
    info = competition_info(call)
    call.type_version = ctype.version
    call.frozen_sheet = ctype.scoring_sheet(info).to_dict()
    call.frozen_rules = [s.to_dict() for s in live_rule_specs(ctype, info)]
    call.frozen_contract = contract_of(ctype, info)


#: what was built from frozen data, per app's factories: frozen data never changes, and a
#: submission should not decode and build a dozen rules again
_BUILT: WeakKeyDictionary[Factories, dict[str, Any]] = WeakKeyDictionary()


def _built(family: str, data: Any, build: Callable[[Factories], Any]) -> Any:
    """``build(factories)`` of the frozen ``data``, kept per app for the same data."""
    factories = registry().factories
    kept = _BUILT.setdefault(factories, {})
    key = family + json.dumps(data, sort_keys=True)
    if key not in kept:
        try:
            kept[key] = build(factories)
        except (ContractError, TypeError, ValueError, ArithmeticError) as exc:
            raise ServiceError(f"the frozen contract of this call cannot be read: {exc}", 409
                               ) from exc
    return kept[key]


def rules_for(call: Competition) -> list[EligibilityRule]:
    """The call's eligibility rules, sorted by code: frozen once open, live in a draft."""
    if call.frozen_rules is None:
        return build_rules(live_rule_specs(competition_type(call), competition_info(call)))
    return _built(RULE, call.frozen_rules, lambda factories: build_rules(sorted(
        (factories.load(RULE, d) for d in call.frozen_rules), key=lambda s: s.code)))


def _frozen_or_live(call: Competition, key: str, family: str, method: str) -> Any:
    """The frozen spec ``key`` of the call, built; the type's ``method`` while a draft."""
    frozen = (call.frozen_contract or {}).get(key)
    if frozen is not None:
        return _built(family, frozen, lambda factories: factories.load(family, frozen).build())
    return getattr(competition_type(call), method)(competition_info(call)).build()


def policy_for(call: Competition):
    """The call's award policy (``decide(ranking, budget)``, optionally ``promote``)."""
    return _frozen_or_live(call, "policy", POLICY, "award_policy")


def requested_amount_for(call: Competition, answers: Mapping[str, Any]) -> Decimal | None:
    """The amount requested by ``answers`` under the call's requested-amount rule."""
    read = _frozen_or_live(call, "requested_amount", AMOUNT, "requested_amount_rule")
    return read(answers)


def document_kinds_for(call: Competition) -> list[DocumentKind]:
    """The call's document kinds (codes and ``required`` frozen once open), labelled by the
    type's current labels, or by the code when the type no longer names it."""
    ctype = registry().get(call.type_key)
    live = list(ctype.document_kinds(competition_info(call))) if ctype else []
    frozen = (call.frozen_contract or {}).get("documents")
    if frozen is None:
        return live
    labels = {k.code: k.label for k in live}
    return [DocumentKind(d["code"], labels.get(d["code"], d["code"]), bool(d["required"]))
            for d in frozen]


def document_names(call: Competition) -> dict:
    """Document kind code → label for the call (with the core's "other" and letters)."""
    return {k.code: k.label for k in document_kinds_for(call)} | {
        "other": _("Other"), "result_letter": _("Result letter")}


def sheet_for(call: Competition) -> ScoringSheet:
    """The frozen sheet once open; the plugin's current sheet while in draft."""
    if call.frozen_sheet:
        return ScoringSheet.from_dict(call.frozen_sheet)
    return competition_type(call).scoring_sheet(competition_info(call))


def version_change(call: Competition) -> tuple[str, str] | None:
    """``(frozen version, plugin's version)`` when the plugin now has another version than
    the one the open call was frozen with; ``None`` otherwise."""
    ctype = registry().get(call.type_key)
    if ctype is None or call.type_version is None or call.type_version == ctype.version:
        return None
    return call.type_version, ctype.version
