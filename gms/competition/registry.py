"""The registry of competition types, built once per app from the plugins."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from .base import CompetitionType
from .contract import CORE_FACTORIES, Factories

KEY_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)?$")


class RegistryError(RuntimeError):
    """A plugin registered a bad or duplicate competition type."""


class Registry:
    """Competition types by key, each with the plugin that registered it, and the
    factories of rules and policies (:class:`~gms.competition.contract.Factories`, the
    core's own included)."""

    def __init__(self) -> None:
        self._types: dict[str, CompetitionType] = {}
        self.plugin_of: dict[str, str] = {}
        self.factories = Factories()
        self.factories.extend("core", CORE_FACTORIES)

    def add(self, plugin_name: str, ctype: CompetitionType) -> None:
        key = ctype.key
        if not KEY_RE.match(key or ""):
            raise RegistryError(f"competition type key {key!r} is not a valid name")
        if key.split(".")[0] != plugin_name:
            raise RegistryError(
                f"plugin {plugin_name!r} registered type {key!r}: keys must start with the "
                "plugin name")
        if key in self._types:
            raise RegistryError(f"competition type {key!r} registered twice")
        self._types[key] = ctype
        self.plugin_of[key] = plugin_name

    def extend(self, plugin_name: str, types: Iterable[CompetitionType]) -> None:
        for t in types:
            self.add(plugin_name, t)

    def get(self, key: str) -> CompetitionType | None:
        return self._types.get(key)

    def __getitem__(self, key: str) -> CompetitionType:
        return self._types[key]

    def __contains__(self, key: object) -> bool:
        return key in self._types

    def __iter__(self) -> Iterator[CompetitionType]:
        return iter(sorted(self._types.values(), key=lambda t: t.key))

    def __len__(self) -> int:
        return len(self._types)
