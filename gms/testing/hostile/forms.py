"""Hostile form data: the inputs of a WTForms form and their kinds (:func:`leaf_fields`),
valid data with inputs changed, dropped, repeated or added (:func:`mutated`, Hypothesis), and
every input paired with every nasty value of its kind (:func:`sweep`, deterministic)."""

from __future__ import annotations

from collections.abc import Mapping

from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict
from wtforms import FieldList, FormField

from .values import NASTY, hostile_value, value_for


def sweep(fields: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """``(input, value)``: every nasty value of its kind for every input (choices and
    check boxes get the nasty texts)."""
    return [(name, value) for name, kind in fields
            for value in NASTY.get(kind, NASTY["text"])]


def sweep_fields(form) -> list[tuple[str, str]]:
    """:func:`leaf_fields` of the form's sections and of each table's first row only (the
    other rows are the same inputs again)."""
    return [(name, kind) for name, kind in leaf_fields(form)
            if name.count("-") < 2 or "-0-" in name]


def field_kind(field) -> str:
    """The kind of a WTForms field, for :func:`value_for`."""
    name = type(field).__name__
    if "Date" in name:
        return "date"
    if "Decimal" in name or "Integer" in name or "Float" in name:
        return "number"
    if "Select" in name or "Radio" in name:
        return "choice"
    if "Boolean" in name:
        return "bool"
    return "text"


def leaf_fields(form) -> list[tuple[str, str]]:
    """``(input name, kind)`` of every input of a (bound) WTForms form, tables included."""
    out = []
    for field in form:
        if isinstance(field, FormField):
            out.extend(leaf_fields(field.form))
        elif isinstance(field, FieldList):
            for entry in field.entries:
                if isinstance(entry, FormField):
                    out.extend(leaf_fields(entry.form))
                else:
                    out.append((entry.name, field_kind(entry)))
        elif type(field).__name__ not in ("CSRFTokenField", "SubmitField"):
            out.append((field.name, field_kind(field)))
    return out


@st.composite
def mutated(draw, base: Mapping, fields: list[tuple[str, str]], max_changes: int = 4
            ) -> tuple[MultiDict, dict[str, str]]:
    """``base`` form data with 1 to ``max_changes`` inputs replaced by hostile values,
    sometimes removed, sent twice, or joined by inputs the form does not know.

    Returns the data and the text inputs changed (name → value), whose values a refused form
    must echo back.
    """
    data = MultiDict(base)
    changed: dict[str, str] = {}
    names = [n for n, _k in fields]
    kinds = dict(fields)
    for _i in range(draw(st.integers(min_value=1, max_value=max_changes))):
        action = draw(st.sampled_from(("set", "set", "set", "set", "set", "drop", "twice",
                                       "unknown")))
        if action == "unknown":
            name = draw(st.sampled_from(names))
            prefix = name.rsplit("-", 1)[0] if "-" in name else name
            extra = draw(st.sampled_from((
                f"{prefix}-99999-x", f"{prefix}-{10**30}-item", f"{prefix}--1-x",
                f"{prefix}-²-x", f"{prefix}-{'9' * 5000}-x", f"{prefix}-١-x",
                "csrf_token", "action", "id", "__proto__", "x" * 300, "ө", "a\x00b")))
            data.add(extra, draw(hostile_value()))
            continue
        name = draw(st.sampled_from(names))
        if action == "drop":
            data.poplist(name)
            changed.pop(name, None)
            continue
        value = draw(value_for(kinds[name]))
        if action == "twice":
            data.add(name, value)
        else:
            data.setlist(name, [value])
            if kinds[name] == "text":
                changed[name] = value
            else:
                changed.pop(name, None)
    return data, changed
