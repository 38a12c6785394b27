"""Typed call settings: the fields a competition type declares, and their stored values.

A call stores its settings as JSON: ints, bools, text and lists as they are, Decimal and
date values as strings. :func:`typed_values` reads them back as Python values of each
field's kind, so rules and policies never parse them again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from gms.answers import to_date, to_decimal, to_int

from .params import encode

KINDS = ("int", "decimal", "date", "choice", "list", "bool", "text")


@dataclass(frozen=True)
class SettingField:
    """A per-call setting the competition declares.

    ``kind`` is one of :data:`KINDS`; ``choices`` are ``(value, label)`` pairs of a
    ``choice``; ``item`` is the kind of a ``list``'s items (``text`` or ``decimal``, e.g. the
    prizes by place). ``default`` is a value of the kind (``None``: empty). A ``required``
    setting cannot be left empty on the call's form.
    """

    name: str
    label: Any
    kind: str = "int"
    default: Any = None
    help: Any = ""
    choices: Sequence[tuple[str, Any]] = ()
    item: str = "text"
    required: bool = False

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"setting {self.name!r}: unknown kind {self.kind!r}")

    def parse(self, value: Any) -> Any:
        """``value`` (stored JSON, a form's text or a Python value) as this field's kind;
        ``None`` when empty or unreadable."""
        return _parse(self.kind, self.item, value)

    def dump(self, value: Any) -> Any:
        """``value`` as the JSON the call stores."""
        return encode(self.parse(value))


def _parse(kind: str, item: str, value: Any) -> Any:
    if kind == "bool":
        if isinstance(value, str):
            return value.strip().lower() in ("1", "true", "yes", "on", "y")
        return bool(value)
    if value is None or (isinstance(value, str) and not value.strip()):
        return [] if kind == "list" else None
    if kind == "int":
        return to_int(value)
    if kind == "decimal":
        return to_decimal(value)
    if kind == "date":
        return to_date(value)
    if kind == "list":
        items = value.split(",") if isinstance(value, str) else list(value)
        parsed = [_parse(item, "text", v) for v in items]
        return [v for v in parsed if v is not None]
    return str(value).strip()


def typed_values(fields: Sequence[SettingField], stored: Mapping[str, Any]
                 ) -> dict[str, Any]:
    """The stored settings with every declared field read as its kind (its default when
    absent); settings no field declares are kept as they are."""
    out = dict(stored)
    for f in fields:
        out[f.name] = f.parse(stored[f.name] if f.name in stored else f.default)
    return out


def stored_values(fields: Sequence[SettingField], values: Mapping[str, Any]
                  ) -> dict[str, Any]:
    """``values`` as the call stores them (JSON of each declared field's kind)."""
    out = {k: encode(v) for k, v in values.items()}
    for f in fields:
        if f.name in values:
            out[f.name] = f.dump(values[f.name])
    return out

