"""Typed parameters to JSON and back: the values a frozen rule or policy keeps.

A factory's parameters are declared by its type hints (``limit: Decimal | None``,
``places: tuple[Decimal, ...]``, ``opens_on: date | None``). JSON keeps ``int``, ``bool``,
``str`` and lists as they are, and Decimal, date and datetime as strings; :func:`decode`
turns them back into the declared types.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any


def encode(value: Any) -> Any:
    """``value`` as JSON: Decimal, date and datetime as strings, tuples and sets as lists."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):  # datetime too
        return value.isoformat()
    if isinstance(value, frozenset | set):
        return sorted(encode(v) for v in value)
    if isinstance(value, tuple | list):
        return [encode(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): encode(v) for k, v in value.items()}
    return value


def decode(hint: Any, value: Any) -> Any:
    """A JSON ``value`` read back as the type ``hint`` declares."""
    if value is None:
        return None
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        kinds = [a for a in typing.get_args(hint) if a is not type(None)]
        return decode(kinds[0], value) if len(kinds) == 1 else value
    if origin in (tuple, list, frozenset):
        args = [a for a in typing.get_args(hint) if a is not Ellipsis]
        items = [decode(args[0], v) if args else v for v in value]
        return origin(items)
    if hint is Decimal:
        return Decimal(str(value))
    if hint is datetime:
        return datetime.fromisoformat(value)
    if hint is date:
        return date.fromisoformat(value)
    if hint in (int, str, bool):
        return hint(value)
    return value


def decode_all(hints: Mapping[str, Any], values: Mapping[str, Any]) -> dict[str, Any]:
    """Every value of ``values`` whose name ``hints`` declares, decoded; others are dropped."""
    return {name: decode(hints[name], v) for name, v in values.items() if name in hints}
