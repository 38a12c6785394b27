"""The budget table of a small-grants application: the core's budget, asking the grant."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gms.competition.budget import Budget

from .choices import GRANT, SOURCE_CODES


def read(answers: Mapping[str, Any]) -> Budget:
    """The budget lines of ``answers``, by source; the grant is what is requested and
    everything else is co-financing."""
    return Budget.of(answers, SOURCE_CODES, GRANT)
