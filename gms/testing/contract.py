"""The contract test: one reusable check that a plugin runs against each of its competition
types, inside an app that enables the plugin.

::

    from gms.testing.contract import check_competition_type

    @pytest.mark.gms_plugins("my_contest")
    def test_my_contest_keeps_the_contract(app):
        check_competition_type("my_contest", app, answers=COMPLETE_ANSWERS)

It fails with every problem found, one a line:

* the key carries the plugin's name, the version is set;
* the label, the description and every other label (settings, choices, documents, reports)
  are translatable and translated in each language of ``LANGUAGES`` (msgids are English);
* settings fields have unique names and defaults of their kind that survive the JSON the
  call stores;
* the scoring sheet is valid (criteria labelled in every language, scales whose steps reach
  the maximum, weights, thresholds and ``comment_below`` within the scale, the aggregate) and
  comes back equal from JSON;
* each eligibility rule, the award policy and the requested-amount rule is a spec of a
  factory the app registered (``gms_register_factories``), with typed parameters, whose
  ``to_dict()`` comes back from JSON with the same parameters and builds; the built rule
  judges an application with the ``answers``, the policy decides an empty ranking and the
  amount rule reads the ``answers``;
* the application form is an ``ApplicationForm`` that renders empty and filled with
  ``answers``;
* document kinds have unique codes (not the core's ``other``/``result_letter``) and labels;
* every report builds on a call without applications; the payment plan adds up to 100 %;
* the templates named in ``templates`` exist under ``<plugin>/`` (the ``application``
  template renders the ``answers``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal
from typing import Any

from flask import Flask, current_app, render_template, render_template_string
from flask_babel import force_locale
from flask_babel.speaklater import LazyString
from jinja2 import TemplateNotFound

from gms.competition import (
    AMOUNT,
    POLICY,
    RULE,
    CompetitionInfo,
    CompetitionType,
    EligibilityRule,
    Registry,
    ScoringSheet,
    Spec,
    typed_values,
)
from gms.forms import ApplicationForm
from gms.testing.factories import application_info

__all__ = ["check_competition_type", "contract_problems", "SOURCE_LANGUAGE"]

#: the language msgids are written in: the other languages must translate them
SOURCE_LANGUAGE = "en"
#: document kind codes the core offers on every call
CORE_DOCUMENTS = ("other", "result_letter")
CODE_RE = re.compile(r"^[a-z][a-z0-9_]*$")
FORM = '{% from "macros.html" import field %}{% for f in form %}{{ field(f) }}{% endfor %}'


def check_competition_type(ctype: CompetitionType | str, app: Flask, *,
                           answers: Mapping[str, Any] | None = None,
                           settings: Mapping[str, Any] | None = None,
                           attachments: Iterable[str] | None = None) -> None:
    """Fail (``AssertionError``) with every way the type ``ctype`` (an instance or its key)
    breaks the contract in ``app``. ``answers`` are a complete application's stored answers
    (the form is then rendered with them and the rules judge them), ``settings`` the call's
    (its defaults otherwise), ``attachments`` the kinds of the uploaded documents (every
    kind the type declares otherwise)."""
    problems = contract_problems(ctype, app, answers=answers, settings=settings,
                                 attachments=attachments)
    key = ctype if isinstance(ctype, str) else ctype.key
    assert not problems, f"competition type {key!r} breaks the contract:\n- " + "\n- ".join(
        problems)


def contract_problems(ctype: CompetitionType | str, app: Flask, *,
                      answers: Mapping[str, Any] | None = None,
                      settings: Mapping[str, Any] | None = None,
                      attachments: Iterable[str] | None = None) -> list[str]:
    """The problems :func:`check_competition_type` reports (empty: the type is fine)."""
    with app.test_request_context():
        registry: Registry = current_app.extensions["gms.registry"]
        key = ctype if isinstance(ctype, str) else ctype.key
        registered = registry.get(key)
        if registered is None:
            return [f"{key!r} is not registered: is its plugin enabled?"]
        if not isinstance(ctype, str) and registered is not ctype:
            return [f"{key!r} is registered as another object than the one checked"]
        plugin = registry.plugin_of[key]
        fields = registered.settings_fields()
        values = typed_values(fields, {**registered.default_settings(), **(settings or {})})
        info = CompetitionInfo(id=1, type_key=key, settings=values, budget=Decimal(1_000_000))
        answers = dict(answers or {})
        kinds = [k.code for k in registered.document_kinds(info)]
        amount = _amount(registered, info, answers)
        demo = application_info(info, answers, requested_amount=amount,
                                attachments=kinds if attachments is None else attachments)
        checks: dict[str, Callable[[], Iterable[str]]] = {
            "naming": lambda: _naming(registered, plugin),
            "texts": lambda: _texts(registered, fields),
            "settings": lambda: _settings(fields),
            "scoring sheet": lambda: _sheet(registered.scoring_sheet(info)),
            "rules and policies": lambda: _specs(registered, info, plugin, registry, demo),
            "application form": lambda: _form(registered, info, answers),
            "documents": lambda: _documents(registered, info),
            "reports": lambda: _reports(registered, info, plugin),
            "templates": lambda: _templates(registered, plugin, answers),
        }
        problems: list[str] = []
        for name, check in checks.items():
            try:
                problems.extend(check())
            except Exception as exc:  # a check that crashes is a problem too, not the end
                problems.append(f"{name}: {type(exc).__name__}: {exc}")
        return problems


def _amount(ctype: CompetitionType, info: CompetitionInfo, answers: Mapping) -> Decimal | None:
    """The amount the demo answers request (``None`` when the amount rule fails: the check of
    the rules and policies reports why)."""
    try:
        return ctype.requested_amount_rule(info).build()(answers)
    except Exception:
        return None


# ------------------------------------------------------------------------ the checks


def _naming(ctype: CompetitionType, plugin: str) -> Iterator[str]:
    if ctype.key != plugin and not ctype.key.startswith(plugin + "."):
        yield f"key {ctype.key!r} does not start with the plugin's name {plugin!r}"
    if not str(ctype.version or "").strip():
        yield "version is empty"
    plan = list(ctype.payment_plan(CompetitionInfo(id=1, type_key=ctype.key,
                                                   settings=ctype.default_settings())))
    if sum((Decimal(p) for p, _r in plan), Decimal(0)) != 100:
        yield f"payment plan {plan} does not add up to 100 %"


def _translated(what: str, text: Any) -> Iterator[str]:
    """Problems of a user-facing text: not translatable, empty or untranslated."""
    languages = current_app.config["LANGUAGES"]
    if isinstance(text, Mapping):
        missing = [lang for lang in languages if not str(text.get(lang) or "").strip()]
        if missing:
            yield f"{what} has no text in {', '.join(missing)}"
        return
    if not isinstance(text, LazyString):
        yield (f"{what} {str(text)!r} is not translatable: wrap it in _l() of the plugin's "
               "domain, or give a text per language")
        return
    with force_locale(SOURCE_LANGUAGE):
        source = str(text)
    if not source.strip():
        yield f"{what} is empty"
        return
    for lang in languages:
        if lang != SOURCE_LANGUAGE:
            with force_locale(lang):
                if str(text) == source:
                    yield f"{what} {source!r} has no {lang} translation"


def _texts(ctype: CompetitionType, fields) -> Iterator[str]:
    yield from _translated("label", ctype.label)
    yield from _translated("description", ctype.description)
    for f in fields:
        yield from _translated(f"setting {f.name!r}: label", f.label)
        if f.help:
            yield from _translated(f"setting {f.name!r}: help", f.help)
        for value, label in f.choices:
            yield from _translated(f"setting {f.name!r}: choice {value!r}", label)


def _settings(fields) -> Iterator[str]:
    names = [f.name for f in fields]
    for name in sorted({n for n in names if names.count(n) > 1}):
        yield f"setting {name!r} is declared twice"
    for f in fields:
        if not CODE_RE.match(f.name):
            yield f"setting name {f.name!r} is not a lower-case identifier"
        if f.kind == "choice" and not f.choices:
            yield f"setting {f.name!r} is a choice without choices"
        if f.default is None or f.default == "":
            continue
        default = list(f.default) if f.kind == "list" else f.default
        if f.parse(f.default) != default or isinstance(f.default, bool) != (f.kind == "bool"):
            yield (f"setting {f.name!r}: default {f.default!r} is not a value of kind "
                   f"{f.kind!r}")
        elif f.parse(json.loads(json.dumps(f.dump(f.default)))) != default:
            yield f"setting {f.name!r}: default {f.default!r} does not come back from JSON"
        if f.kind == "choice" and f.default not in [v for v, _l in f.choices]:
            yield f"setting {f.name!r}: default {f.default!r} is not one of its choices"


def _sheet(sheet: ScoringSheet) -> Iterator[str]:
    if not isinstance(sheet, ScoringSheet) or not sheet.criteria:
        yield "the scoring sheet has no criteria"
        return
    keys = [c.key for c in sheet.criteria]
    for key in sorted({k for k in keys if keys.count(k) > 1}):
        yield f"criterion {key!r} appears twice"
    if sheet.aggregate not in ("sum", "mean"):
        yield f"aggregate {sheet.aggregate!r} is neither 'sum' nor 'mean'"
    if sheet.reviewers_per_application < 1:
        yield "reviewers_per_application is below 1"
    if sheet.overall_threshold is not None and not (
            0 <= Decimal(str(sheet.overall_threshold)) <= sheet.max_total):
        yield f"overall threshold {sheet.overall_threshold} is outside 0..{sheet.max_total}"
    for c in sheet.criteria:
        where = f"criterion {c.key!r}"
        if not CODE_RE.match(c.key):
            yield f"{where}: key is not a lower-case identifier"
        yield from _translated(f"{where}: label", dict(c.label))
        if c.guidance:
            yield from _translated(f"{where}: guidance", dict(c.guidance))
        low, high, step = (Decimal(str(v)) for v in (c.scale.min, c.scale.max, c.scale.step))
        if step <= 0 or low >= high or (high - low) % step:
            yield f"{where}: scale {low}..{high} by {step} does not reach its maximum"
        if Decimal(str(c.weight)) <= 0:
            yield f"{where}: weight {c.weight} is not positive"
        for name in ("threshold", "comment_below"):
            value = getattr(c, name)
            if value is not None and not low <= Decimal(str(value)) <= high:
                yield f"{where}: {name} {value} is outside the scale {low}..{high}"
    if ScoringSheet.from_dict(json.loads(json.dumps(sheet.to_dict()))) != sheet:
        yield "the scoring sheet does not come back equal from JSON"


def _specs(ctype: CompetitionType, info: CompetitionInfo, plugin: str, registry: Registry,
           demo) -> Iterator[str]:
    specs = [(RULE, s) for s in ctype.eligibility_rules(info)]
    specs += [(POLICY, ctype.award_policy(info)), (AMOUNT, ctype.requested_amount_rule(info))]
    for family, spec in specs:
        if not isinstance(spec, Spec):
            yield f"{family} {spec!r} is not a spec: call a registered factory"
            continue
        where = f"{family} {spec.code!r}"
        if not spec.code.startswith((plugin + ".", "core.")):
            yield f"{where}: code starts with neither {plugin + '.'!r} nor 'core.'"
        if registry.factories.get(family, spec.code) is not spec.factory:
            yield f"{where}: the factory is not registered (gms_register_factories)"
            continue
        untyped = [n for n, hint in spec.factory.param_types.items() if hint is Any]
        if untyped:
            yield f"{where}: parameters without a type: {', '.join(untyped)}"
        frozen = json.loads(json.dumps(spec.to_dict()))
        again = registry.factories.load(family, frozen)
        if (dict(again.params), again.blocking) != (dict(spec.params), spec.blocking):
            yield (f"{where}: parameters {dict(spec.params)} come back from JSON as "
                   f"{dict(again.params)}")
        yield from _built(where, family, again.build(), info, demo)


def _built(where: str, family: str, built: Any, info: CompetitionInfo, demo) -> Iterator[str]:
    if family == RULE:
        assert isinstance(built, EligibilityRule)
        result = built(demo)
        if not isinstance(result.passed, bool) or not str(result.message or "").strip():
            yield f"{where}: judged the demo application as {result.passed!r} with no message"
    elif family == POLICY:
        if not callable(getattr(built, "decide", None)):
            yield f"{where}: the built policy has no decide(ranking, budget)"
        elif list(built.decide([], info.budget)):
            yield f"{where}: an empty ranking gives awards"
    elif not callable(built):
        yield f"{where}: the built amount rule is not a function of the answers"
    else:
        amount = built(demo.answers)
        if amount is not None and not isinstance(amount, Decimal):
            yield f"{where}: read {amount!r} from the answers, not a Decimal or None"


def _form(ctype: CompetitionType, info: CompetitionInfo, answers: Mapping) -> Iterator[str]:
    form_cls = ctype.application_form(info)
    if not (isinstance(form_cls, type) and issubclass(form_cls, ApplicationForm)):
        yield f"application_form gives {form_cls!r}, not an ApplicationForm subclass"
        return
    for state, form in (("empty", form_cls(formdata=None)),
                        ("filled", form_cls.from_answers(dict(answers)))):
        for lang in current_app.config["LANGUAGES"]:
            with force_locale(lang):
                if 'name="title"' not in render_template_string(FORM, form=form):
                    yield f"the {state} application form renders without its title ({lang})"


def _documents(ctype: CompetitionType, info: CompetitionInfo) -> Iterator[str]:
    codes = [k.code for k in ctype.document_kinds(info)]
    for code in sorted({c for c in codes if codes.count(c) > 1}):
        yield f"document kind {code!r} appears twice"
    for kind in ctype.document_kinds(info):
        if not CODE_RE.match(kind.code or "") or kind.code in CORE_DOCUMENTS:
            yield f"document kind code {kind.code!r} is not a free lower-case identifier"
        if not isinstance(kind.required, bool):
            yield f"document kind {kind.code!r}: required is {kind.required!r}, not a bool"
        yield from _translated(f"document kind {kind.code!r}", kind.label)


def _reports(ctype: CompetitionType, info: CompetitionInfo, plugin: str) -> Iterator[str]:
    keys = []
    for report in ctype.reports(info):
        where = f"report {report.key!r}"
        keys.append(report.key)
        if not report.key.startswith(plugin + "."):
            yield f"{where}: key does not start with {plugin + '.'!r}"
        yield from _translated(f"{where}: label", report.label)
        header, rows = report.build(info, [])
        if not isinstance(header, list | tuple) or not header or not isinstance(rows, list):
            yield f"{where}: build(call, []) gives {header!r}, {rows!r}, not (header, rows)"
    for key in sorted({k for k in keys if keys.count(k) > 1}):
        yield f"report {key!r} appears twice"


def _templates(ctype: CompetitionType, plugin: str, answers: Mapping) -> Iterator[str]:
    for slot, name in (ctype.templates or {}).items():
        if not name.startswith(plugin + "/"):
            yield f"template {slot!r}: {name!r} is not under {plugin + '/'!r}"
        try:
            current_app.jinja_env.get_template(name)
        except TemplateNotFound:
            yield f"template {slot!r}: {name!r} does not exist"
            continue
        if slot == "application" and answers:
            render_template(name, answers=answers)
